"""Minimal edits of catalog text: only the value's characters change, in its own quoting style."""

from __future__ import annotations

import difflib

import pytest

from curator.catalog.edit import Edit, edit_scalars, plain_ok
from curator.yamlpos import scalar_spans

TEXT = """\
# The tools we recommend.
section:
  title: Tools   # shown as the heading

entries:
  - id: plain
    url: https://old.example/a   # a comment after the value

  - id: single
    url: 'https://old.example/b'
  - id: double
    url: "https://old.example/c"
  - {id: flow, url: https://old.example/d, note: kept}
  - id: extra
    links:
      - label: Docs
        url: https://old.example/e
"""

OLD, NEW = "https://old.example/", "https://new.example/"


def diff(before: str, after: str) -> list[str]:
    lines = difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
    return [line for line in lines if line[:1] in "+-" and not line.startswith(("---", "+++"))]


def edit(*edits: Edit, text: str = TEXT) -> tuple[str, list[str]]:
    result = edit_scalars(text, list(edits), shown="tools.yaml")
    return result.text, [r.message for r in result.refused]


@pytest.mark.parametrize(
    ("path", "letter", "before", "after"),
    [
        (("entries", 0, "url"), "a", "    url: https://old.example/a   # a comment after the value",
         "    url: https://new.example/a   # a comment after the value"),
        (("entries", 1, "url"), "b", "    url: 'https://old.example/b'", "    url: 'https://new.example/b'"),
        (("entries", 2, "url"), "c", '    url: "https://old.example/c"', '    url: "https://new.example/c"'),
        (("entries", 3, "url"), "d", "  - {id: flow, url: https://old.example/d, note: kept}",
         "  - {id: flow, url: https://new.example/d, note: kept}"),
        (("entries", 4, "links", 0, "url"), "e", "        url: https://old.example/e", "        url: https://new.example/e"),
    ],
)
def test_each_style_is_kept_and_only_the_value_changes(
    path: tuple[str | int, ...], letter: str, before: str, after: str
) -> None:
    text, refused = edit(Edit(path, OLD + letter, NEW + letter))
    assert refused == []
    assert diff(TEXT, text) == [f"-{before}", f"+{after}"]


def test_several_edits_at_once_keep_every_other_byte() -> None:
    text, refused = edit(
        Edit(("entries", 0, "url"), OLD + "a", NEW + "a"), Edit(("entries", 2, "url"), OLD + "c", NEW + "c")
    )
    assert refused == []
    assert text == TEXT.replace(OLD + "a", NEW + "a").replace(OLD + "c", NEW + "c")


def test_a_plain_value_is_quoted_when_the_new_text_needs_it() -> None:
    text, _ = edit(Edit(("entries", 0, "url"), OLD + "a", "https://new.example/a #b"))
    assert "    url: 'https://new.example/a #b'   # a comment after the value" in text
    # In a flow mapping a comma would end the value.
    text, _ = edit(Edit(("entries", 3, "url"), OLD + "d", "https://new.example/d,e"))
    assert "  - {id: flow, url: 'https://new.example/d,e', note: kept}" in text
    # Quotes inside quoted values are escaped in the value's own style.
    text, _ = edit(Edit(("entries", 1, "url"), OLD + "b", "https://new.example/it's"))
    assert "    url: 'https://new.example/it''s'" in text
    text, _ = edit(Edit(("entries", 2, "url"), OLD + "c", 'https://new.example/"q"'))
    assert '    url: "https://new.example/\\"q\\""' in text


def test_plain_ok() -> None:
    assert plain_ok("https://a.example/x?y=1#z", flow=False)
    assert plain_ok("https://a.example/x,y", flow=False) and not plain_ok("https://a.example/x,y", flow=True)
    for bad in ("", " a", "a: b", "a #b", "- a", "true", "null", "123", "@x", "'q", "a:"):
        assert not plain_ok(bad, flow=False), bad


def test_a_value_someone_changed_is_refused_and_the_others_are_made() -> None:
    text, refused = edit(
        Edit(("entries", 0, "url"), "https://something.else/", NEW + "a"),
        Edit(("entries", 1, "url"), OLD + "b", NEW + "b"),
    )
    assert refused == [
        "tools.yaml:7:10: entries[0].url: is now 'https://old.example/a', not 'https://something.else/': "
        "someone changed it; left as it is"
    ]
    assert text == TEXT.replace(OLD + "b", NEW + "b")


def test_missing_values_block_scalars_and_aliases_are_refused() -> None:
    text = "entries:\n  - url: &u https://a.example/\n    alt: *u\n  - url: >-\n      https://b.example/\n"
    result, refused = edit(
        Edit(("entries", 0, "url"), "https://a.example/", NEW),
        Edit(("entries", 1, "url"), "https://b.example/", NEW),
        Edit(("entries", 5, "url"), "x", NEW),
        text=text,
    )
    assert result == text
    assert [m.split(": ", 2)[2] for m in refused] == [
        "is an anchor or alias, which other values share; edit it by hand",
        "is a block scalar (>); edit it by hand",
        "is not a text value any more; left as it is",
    ]


def test_crlf_line_endings_and_non_ascii_text_are_kept() -> None:
    text = "entries:\r\n  - name: Café ☕\r\n    url: https://old.example/a\r\n"
    result, refused = edit(Edit(("entries", 0, "url"), OLD + "a", NEW + "a"), text=text)
    assert refused == []
    assert result == text.replace(OLD, NEW)


def test_scalar_spans_cover_the_value_as_written() -> None:
    spans = scalar_spans(TEXT, [("entries", 1, "url"), ("entries", 3, "note"), ("nope",)])
    assert TEXT[spans[("entries", 1, "url")].start : spans[("entries", 1, "url")].end] == "'https://old.example/b'"
    assert spans[("entries", 3, "note")].flow and ("nope",) not in spans
