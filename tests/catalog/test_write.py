"""Writing catalog files: deterministic YAML, defaults left out, strings quoted when YAML would misread them."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from curator.catalog.load import load_file
from curator.catalog.models import CatalogFile, Column, Entry, ExtraLink, Section
from curator.catalog.write import dump_catalog_file, schema_json
from curator.yamlpos import load_yaml

MODEL = CatalogFile(
    section=Section(
        title="Open Source LLM Space for Commercial Use",
        columns=[
            Column(header="Language Model", role="name"),
            Column(header="Description", role="description"),
            Column(header="Link", role="link", align="center"),
            Column(header="Release Date", role="field", key="release_date", type="month"),
            Column(header="Context Length", role="field", key="context_length"),
        ],
    ),
    entries=[
        Entry(
            id="t5",
            name="T5",
            url="https://example.org/t5",
            description="Line one\nline two: with colon",
            links=[ExtraLink(label="LLaMA.cpp", url="https://c.org", column="description")],
            fields={"release_date": "2019-10", "context_length": "512"},
        ),
        Entry(id="yes", name="yes", fields={"context_length": "1e3"}),
        Entry(id="null", name="null", description="2019-10-01"),
    ],
)

EXPECTED = """\
# yaml-language-server: $schema=schema.json
section:
  title: Open Source LLM Space for Commercial Use
  columns:
    - header: Language Model
      role: name
    - header: Description
      role: description
    - header: Link
      role: link
      align: center
    - header: Release Date
      role: field
      key: release_date
      type: month
    - header: Context Length
      role: field
      key: context_length
entries:
  - id: t5
    name: T5
    url: https://example.org/t5
    description: |-
      Line one
      line two: with colon
    links:
      - label: LLaMA.cpp
        url: https://c.org
        column: description
    fields:
      release_date: 2019-10
      context_length: '512'

  - id: 'yes'
    name: 'yes'
    fields:
      context_length: '1e3'

  - id: 'null'
    name: 'null'
    description: '2019-10-01'
"""


def test_dump_is_readable_and_leaves_defaults_out() -> None:
    assert dump_catalog_file(MODEL) == EXPECTED


def test_dump_loads_back_equal(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text(dump_catalog_file(MODEL), encoding="utf-8")
    source, problems = load_file(path)
    assert problems == []
    assert source is not None and source.model == MODEL


def test_schema_ref_and_no_wrapping() -> None:
    long = "word " * 100
    model = CatalogFile(
        section=Section(title="T", columns=[Column(header="N", role="name", label="x")]),
        entries=[Entry(id="a", name=long.strip())],
    )
    text = dump_catalog_file(model, schema_ref="../schema.json")
    assert text.startswith("# yaml-language-server: $schema=../schema.json\n")
    assert f"name: {long.strip()}\n" in text
    assert "label: x" in text


def test_schema_json_is_stable_json() -> None:
    text = schema_json()
    assert text.endswith("}\n")
    assert json.loads(text) == CatalogFile.model_json_schema()
    assert schema_json() == text


_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Co")), max_size=30)


@settings(max_examples=60, deadline=None)
@given(name=_text.filter(lambda s: s.strip() and "\n" not in s and "\r" not in s), value=_text, desc=_text)
def test_any_strings_survive_the_round_trip(name: str, value: str, desc: str) -> None:
    model = CatalogFile(
        section=Section(title="T", columns=[Column(header=value or "h", role="field", key="k")]),
        entries=[
            Entry(id="a", name=name, description=desc if desc.strip() else None, fields={"k": value} if value else {})
        ],
    )
    data, _ = load_yaml(dump_catalog_file(model))
    assert CatalogFile.model_validate(data) == model
