"""Entry point of the bundled windowed program `zhifa` (the same as the `zhifa` script)."""

import sys

from gui.app import main

if __name__ == "__main__":
    sys.exit(main())
