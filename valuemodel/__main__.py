"""Command line: `python -m valuemodel COMMAND ...` (see `--help`)."""

from __future__ import annotations

import sys

from valuemodel.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
