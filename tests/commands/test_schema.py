"""`curator schema`: the JSON Schema of a catalog file, and the committed copy editors use."""

from __future__ import annotations

import json

import pytest

from curator.main import main
from tests.conftest import REPO


def test_schema_is_json_schema_and_matches_committed_copy(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    out = capsys.readouterr().out
    schema = json.loads(out)
    assert schema["additionalProperties"] is False
    assert set(schema["properties"]) == {"section", "entries"}
    assert (REPO / "catalog" / "schema.json").read_text(encoding="utf-8") == out


def test_every_catalog_file_points_editors_at_the_schema() -> None:
    for path in sorted((REPO / "catalog").glob("*.yaml")):
        assert path.read_text(encoding="utf-8").startswith("# yaml-language-server: $schema=schema.json\n"), path
