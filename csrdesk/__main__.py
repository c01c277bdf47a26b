"""Allows `python -m csrdesk`."""
from csrdesk.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
