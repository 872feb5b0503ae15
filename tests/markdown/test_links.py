"""The inline-link scanner (`curator.markdown.links`): links kept as written, badges, slugs."""

from __future__ import annotations

from curator.markdown.links import Link, find_links, format_link, only_links, single_link, slugify, split_links


def test_links_are_kept_as_written() -> None:
    (link,) = find_links("see [x](hhttps://a.org/A_(b)?q=1&r=2#f) now")
    assert (link.label, link.url, link.title) == ("x", "hhttps://a.org/A_(b)?q=1&r=2#f", None)
    (angle,) = find_links('[a b](<https://x/a b> "t")')
    assert (angle.url, angle.title) == ("https://x/a b", "t")


def test_images_are_not_links_but_badges_are() -> None:
    assert find_links("![img](https://i.png)") == []
    (badge,) = find_links("[![b](https://i.png)](https://x.org)")
    assert badge.label == "![b](https://i.png)" and badge.url == "https://x.org"


def test_split_and_classify() -> None:
    pieces = split_links("[🔗](u)z [👨‍💻](v)")
    assert [p if isinstance(p, str) else p.label for p in pieces] == ["🔗", "z ", "👨‍💻"]
    assert only_links("[a](u)  [b](v)") and not only_links("[a](u) z") and not only_links("text")
    assert isinstance(single_link(" [a](u) "), Link) and single_link("[a](u) [b](v)") is None


def test_format_link_uses_angle_brackets_only_when_needed() -> None:
    assert format_link("a", "https://x/(y)") == "[a](https://x/(y))"
    assert format_link("a", "https://x/a b") == "[a](<https://x/a b>)"
    assert format_link("a", "https://x/y)") == "[a](<https://x/y)>)"


def test_slugify() -> None:
    assert slugify("`DeepLearning.AI` ChatGPT") == "deeplearning-ai-chatgpt"
    assert slugify('Full Stack DeepLearning\'s "LLM BootCamp"') == "full-stack-deeplearnings-llm-bootcamp"
    assert slugify("Params (B)", separator="_") == "params_b"
    assert slugify("Café [link](https://x)") == "cafe-link"
    assert slugify("日本") == ""
    assert len(slugify("word " * 50)) <= 60
