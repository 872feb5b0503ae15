"""`curator schema`: print the catalog's JSON Schema (editors validate YAML against it)."""

from __future__ import annotations

import sys


def run_schema() -> int:
    from curator.catalog.write import schema_json

    sys.stdout.write(schema_json())
    return 0
