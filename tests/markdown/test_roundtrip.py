"""The loss measure: what the written file lacks of the original, by kind, as multisets."""

from __future__ import annotations

from curator.markdown.roundtrip import measure_loss


def test_nothing_lost_when_only_whitespace_and_markers_change() -> None:
    original = "| A | [x](https://a.example) <b>b</b> 😀 |\n|:-:|\n"
    written = (
        "<!-- curator:begin t -->\n| A  |  [x](https://a.example) <b>b</b> 😀 |\n| --- |\n\n<!-- curator:end t -->\n"
    )
    loss = measure_loss(original, written)
    assert loss.total == 0 and loss.lines() == []


def test_each_kind_is_counted() -> None:
    original = "[x](https://a.example) [y](https://a.example) <https://b.example>. <sup>1</sup> 🚀 word word"
    loss = measure_loss(original, "[x](https://a.example) word")
    assert loss.counts() == {"labels": 1, "urls": 2, "tags": 2, "emoji": 1, "words": 3}  # y, 1, word
    assert loss.lines()[0] == "lost 1 links: '[y](https://a.example)'"


def test_trailing_punctuation_is_not_part_of_a_url() -> None:
    assert measure_loss("see https://a.example/x).", "see https://a.example/x)").urls == {}
