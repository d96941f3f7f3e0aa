"""``python -m coursekit.sweep NOTEBOOK --grid NAME=V1,V2 [--set NAME=VALUE] ...``."""

from __future__ import annotations

import sys

from coursekit.sweep.cli import main

__all__: list[str] = []

if __name__ == "__main__":
    sys.exit(main())
