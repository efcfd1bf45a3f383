"""``python -m explorer``: hands over to the command line."""

from explorer.cli import main

raise SystemExit(main())
