"""The position-keeping YAML loader: same data as PyYAML's safe loader, plus where each value came from."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from curator.yamlpos import YamlLoadError, load_yaml

DOC = """\
a: 1
b: "2"
c: [x, 'y', 3.5, null, true, 2024-01-02]
d:
  - {e: f}
  - &anchor g
  - *anchor
"""


def test_same_data_as_safe_load_with_positions() -> None:
    data, positions = load_yaml(DOC)
    assert data == yaml.safe_load(DOC)
    assert data["c"][5] == dt.date(2024, 1, 2)
    assert positions.at(("c", 2)) == (3, 13)
    assert positions.at(("d", 0, "e")) == (5, 9)
    assert positions.at(("d", 0, "e"), key=True) == (5, 6)
    assert positions.at(("d", 9, "missing")) == (5, 3)  # nearest known ancestor


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a: 1\na: 2\n", "2:1: duplicate key 'a' (first defined on line 1)"),
        ("? [a, b]\n: c\n", "1:3: mapping keys must be plain strings"),
        ("a: [1\n", "invalid YAML"),
        ("a: 1\n---\nb: 2\n", "expected one YAML document"),
    ],
)
def test_problems(text: str, message: str) -> None:
    with pytest.raises(YamlLoadError) as info:
        load_yaml(text)
    rendered = "; ".join(f"{p.line}:{p.column}: {p.message}" for p in info.value.problems)
    assert message in rendered


def test_empty_document() -> None:
    assert load_yaml("")[0] is None


json_like = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(min_size=1, max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=150, deadline=None)
@given(json_like)
def test_round_trips_whatever_pyyaml_writes(value: object) -> None:
    text = yaml.safe_dump(value, allow_unicode=True)
    assert load_yaml(text)[0] == yaml.safe_load(text)
