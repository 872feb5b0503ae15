"""Mojibake repair (`curator.markdown.repair`)."""

from __future__ import annotations

from curator.markdown.repair import repair_text


def test_repair_leaves_content_alone() -> None:
    for text in ["“curly” quotes", "ﬁ ligature", "&amp; entity", "ＦＵＬＬ width", "café", "a\u2028b", "", "plain"]:
        assert repair_text(text) == text
