"""`python -m labs.calculator COMMAND [options] [--json]`."""

from .cli import main

raise SystemExit(main())
