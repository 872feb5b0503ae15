"""curator.catalog.models: the catalog schema is strict (unknown keys, wrong types and non-slug ids rejected)."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from curator.catalog.models import CatalogFile, Column, Entry, ExtraLink, LinkEmoji, Section, is_month

COLUMN = {"header": "Name", "role": "name"}
SECTION = {"title": "Tools", "columns": [COLUMN]}
ENTRY = {"id": "widget", "name": "Widget"}
LINK = {"label": "Code", "url": "https://example.org/code"}


def errors(model: type[BaseModel], data: dict[str, Any]) -> list[tuple[tuple[str | int, ...], str]]:
    with pytest.raises(ValidationError) as caught:
        model.model_validate(data)
    return [(tuple(e["loc"]), e["type"]) for e in caught.value.errors()]


@pytest.mark.parametrize(
    ("model", "data"),
    [(Column, COLUMN), (Section, SECTION), (Entry, ENTRY), (ExtraLink, LINK), (CatalogFile, {"section": SECTION})],
    ids=lambda v: v.__name__ if isinstance(v, type) else "",
)
def test_unknown_keys_are_rejected(model: type[BaseModel], data: dict[str, Any]) -> None:
    model.model_validate(data)  # the minimal document is valid
    assert errors(model, {**data, "colour": "red"}) == [(("colour",), "extra_forbidden")]


def test_unknown_keys_deep_inside_a_file_are_placed() -> None:
    data = {"section": {**SECTION, "columns": [{**COLUMN, "width": 3}]}, "entries": [{**ENTRY, "homepage": "x"}]}
    assert errors(CatalogFile, data) == [
        (("section", "columns", 0, "width"), "extra_forbidden"),
        (("entries", 0, "homepage"), "extra_forbidden"),
    ]


@pytest.mark.parametrize("role", ["name", "description", "link", "field"])
def test_the_four_column_roles(role: str) -> None:
    assert Column.model_validate({"header": "H", "role": role}).role == role


def test_other_roles_are_rejected() -> None:
    assert errors(Column, {"header": "H", "role": "stars"}) == [(("role",), "literal_error")]


def test_column_defaults() -> None:
    column = Column.model_validate(COLUMN)
    assert (column.key, column.type, column.align, column.label, column.linked) == (
        None,
        "text",
        None,
        LinkEmoji,
        False,
    )
    assert LinkEmoji == "🔗"


def test_column_types_are_text_or_month() -> None:
    assert Column.model_validate({**COLUMN, "type": "month"}).type == "month"
    assert errors(Column, {**COLUMN, "type": "date"}) == [(("type",), "literal_error")]
    assert errors(Column, {**COLUMN, "align": "justify"}) == [(("align",), "literal_error")]


@pytest.mark.parametrize("value", ["2023/01", "2023-12", "1999/09"])
def test_months(value: str) -> None:
    assert is_month(value)


@pytest.mark.parametrize("value", ["2023/13", "2023/00", "2023/1", "23/01", "2023.01", "2023/01/05", " 2023/01", ""])
def test_not_months(value: str) -> None:
    assert not is_month(value)


@pytest.mark.parametrize("ident", ["widget", "llama-2", "gpt_4", "a1", "x-y_z", "a" * 100])
def test_ids_that_are_slugs(ident: str) -> None:
    assert Entry.model_validate({**ENTRY, "id": ident}).id == ident


@pytest.mark.parametrize("ident", ["Widget", "two words", "-lead", "trail-", "a--b", "a-_b", "", "ü", "a" * 101])
def test_ids_that_are_not_slugs(ident: str) -> None:
    assert errors(Entry, {**ENTRY, "id": ident}) == [
        (("id",), "string_pattern_mismatch" if ident != "a" * 101 else "string_too_long")
    ]


def test_field_keys_are_slugs_too() -> None:
    assert errors(Column, {**COLUMN, "role": "field", "key": "Release Date"}) == [(("key",), "string_pattern_mismatch")]
    assert errors(Entry, {**ENTRY, "fields": {"Release Date": "2023/01"}})[0][0][0] == "fields"


def test_types_are_strict() -> None:
    # YAML turns `id: 2023` into a number; the catalog must not quietly store it as "2023".
    assert errors(Entry, {**ENTRY, "id": 2023}) == [(("id",), "string_type")]
    assert errors(Column, {**COLUMN, "linked": "yes"}) == [(("linked",), "bool_type")]


@pytest.mark.parametrize("name", ["", "   ", "two\nlines", "cr\rhere"])
def test_names_are_single_non_blank_lines(name: str) -> None:
    assert errors(Entry, {**ENTRY, "name": name})[0][0] == ("name",)


def test_urls_are_kept_as_written_but_single_line() -> None:
    # A typo is kept so that the malformed-url rule can report it with a fix.
    assert Entry.model_validate({**ENTRY, "url": "hhttps://example.org"}).url == "hhttps://example.org"
    assert errors(Entry, {**ENTRY, "url": "https://a.example/\nx"}) == [(("url",), "string_pattern_mismatch")]
    assert errors(ExtraLink, {**LINK, "url": ""}) == [(("url",), "string_too_short")]


def test_a_blank_description_is_rejected_with_advice() -> None:
    with pytest.raises(ValidationError, match="description is blank; leave it out instead"):
        Entry.model_validate({**ENTRY, "description": "  \n "})
    assert errors(Entry, {**ENTRY, "description": ""}) == [(("description",), "string_too_short")]


def test_extra_links_render_in_the_link_cell_unless_told() -> None:
    assert ExtraLink.model_validate(LINK).column == "link"
    assert ExtraLink.model_validate({**LINK, "column": "name"}).column == "name"
    assert errors(ExtraLink, {**LINK, "column": "field"}) == [(("column",), "literal_error")]


def test_a_section_needs_a_column() -> None:
    assert errors(Section, {"title": "Tools", "columns": []}) == [(("columns",), "too_short")]


def test_entry_defaults_and_immutability() -> None:
    entry = Entry.model_validate(ENTRY)
    assert (entry.url, entry.description, entry.links, entry.fields) == (None, None, [], {})
    assert CatalogFile.model_validate({"section": SECTION}).entries == []
    with pytest.raises(ValidationError):
        entry.name = "Other"
