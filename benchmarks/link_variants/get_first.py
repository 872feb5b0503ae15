"""Variant driver: curator with `_patches.get_first()` (GET first for every URL; see there)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _patches

_patches.get_first()
_patches.run_driver()
