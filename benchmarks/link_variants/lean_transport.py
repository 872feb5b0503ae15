"""Variant driver: curator with `_patches.lean_transport()` (see there). For `links.py --variant`."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _patches

_patches.lean_transport()
_patches.run_driver()
