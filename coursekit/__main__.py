"""``python -m coursekit run [--quick] [--only 00 04] [--out DIR] [--no-site]``, ``map``, or
``get FOLDER``."""

from __future__ import annotations

import sys

from coursekit.runner import main

__all__: list[str] = []

if __name__ == "__main__":
    sys.exit(main())
