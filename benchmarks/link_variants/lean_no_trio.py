"""Variant driver: curator with both `_patches.block_trio()` and `_patches.lean_transport()`."""

import sys
from pathlib import Path

sys.modules.setdefault("trio", None)  # type: ignore[arg-type]  # before httpx: see _patches
sys.path.insert(0, str(Path(__file__).resolve().parent))
import _patches  # noqa: E402

_patches.lean_transport()
_patches.run_driver()
