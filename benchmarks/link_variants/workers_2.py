"""Variant driver: curator with check_links(workers=2): hosts split between this process and one worker."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _patches

sys.argv += ["--workers", "2"]
_patches.run_driver()
