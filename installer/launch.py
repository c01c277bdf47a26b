"""Entry point of the frozen app: the same `csrdesk` command as the installed package."""
import sys

from csrdesk.cli import main

if __name__ == "__main__":
    sys.exit(main())
