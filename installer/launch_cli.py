"""Entry point of the bundled console program `zhifa-cli` (the same as the `zhifa-cli` script)."""

import sys

from core.cli import main

if __name__ == "__main__":
    sys.exit(main())
