"""`curator config --show`: every setting with its effective value, defaults included."""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

from curator.config import load_config
from curator.rules import RULES


def run_config(path: Path | None) -> int:
    config, found = load_config(path, known_rules=RULES)
    source = str(found) if found is not None else "defaults (no curator.yaml found)"
    sys.stdout.write(f"# effective configuration from {source}\n")
    sys.stdout.write(yaml.safe_dump(config.model_dump(mode="json"), sort_keys=False, allow_unicode=True))
    return 0
