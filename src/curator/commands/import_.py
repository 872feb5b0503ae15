"""`curator import`: wiring of `markdown.importing.run_import` (shared with `curator init`)."""

from __future__ import annotations

from curator.markdown.importing import ImportOptions, run_import

__all__ = ["ImportOptions", "run_import"]
