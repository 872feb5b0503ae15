"""The documentation that describes the code stays true to it: the architecture's module map lists every
module that exists and only those, and the tests mirror the package file for file."""

from __future__ import annotations

import re

from tests.conftest import REPO

SRC = REPO / "src" / "curator"
_ROW = re.compile(r"^\| `([^`]+\.py)` \|", re.M)


def _modules() -> set[str]:
    return {str(p.relative_to(SRC)) for p in SRC.rglob("*.py") if "__pycache__" not in p.parts}


def test_the_module_map_lists_every_module_and_only_those() -> None:
    text = (REPO / "docs" / "architecture.md").read_text(encoding="utf-8")
    section = text.split("## Module map", 1)[1].split("\n## ", 1)[0]
    listed = _ROW.findall(section)
    assert len(listed) == len(set(listed)), "a module is listed twice"
    assert set(listed) - _modules() == set(), "the map lists modules that do not exist"
    assert _modules() - set(listed) == set(), "modules missing from docs/architecture.md's module map"


def test_every_module_has_its_test_file() -> None:
    missing = []
    for module in sorted(_modules()):
        path = SRC / module
        if path.name in {"__init__.py", "__main__.py"}:
            continue
        name = path.stem.lstrip("_").rstrip("_")
        expected = REPO / "tests" / path.parent.relative_to(SRC) / f"test_{name}.py"
        if not expected.exists():
            missing.append(f"{module} → {expected.relative_to(REPO)}")
    assert not missing, "tests/ must mirror src/curator/: " + ", ".join(missing)
