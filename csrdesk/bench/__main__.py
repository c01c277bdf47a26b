"""python -m csrdesk.bench: the benchmark command."""
import sys

from csrdesk.bench.runner import main

sys.exit(main())
