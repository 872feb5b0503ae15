"""The failure policy lives with the rules; no rule reaches into the state database."""

from __future__ import annotations

import ast
from datetime import UTC, datetime
from pathlib import Path

import pytest

import curator.rules
from curator.facts import LinkHistory
from curator.rules.history import is_confirmed_failure

RULES_DIR = Path(curator.rules.__file__).parent


def test_no_rule_imports_the_state_database() -> None:
    offenders = []
    for path in sorted(RULES_DIR.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            if any(n == "curator.state" or n.startswith("curator.state.") for n in names):
                offenders.append(f"{path.name}:{node.lineno}")
    assert offenders == []


def test_naive_times_are_named() -> None:
    with pytest.raises(ValueError, match="failing_since must be a timezone-aware"):
        is_confirmed_failure(LinkHistory(3, datetime(2025, 1, 1)), now=datetime(2025, 2, 1, tzinfo=UTC))
