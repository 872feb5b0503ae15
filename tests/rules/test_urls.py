"""malformed-url and missing-link on real catalog files."""

from __future__ import annotations

from pathlib import Path

import pytest

from curator.findings import Fix, FixReason, Severity
from tests.rules.support import entry, line_with, load, run, section


def triple(fix: Fix | None) -> tuple[str, str | None, str] | None:
    return None if fix is None else (fix.field, fix.old, fix.new)


@pytest.mark.parametrize(
    ("url", "fix"),
    [
        ("hhttps://github.com/hpcaitech/ColossalAI", "https://github.com/hpcaitech/ColossalAI"),
        ("htps://example.org/a", "https://example.org/a"),
        ("http//example.org/a", "http://example.org/a"),
        ("https:/example.org/a", "https://example.org/a"),
        ("https//example.org/a", "https://example.org/a"),
        ("ttps://example.org/a", "https://example.org/a"),
        ("hhttp://example.org/a", "http://example.org/a"),
        ("example.com/x", "https://example.com/x"),
        ("https:/x", None),
        ("javascript:alert(1)", None),
        ("file:///etc/passwd", None),
        ("data:text/html,hello", None),
        ("ftp://example.org/pub", None),
        ("https://", None),
        ("https://example.org:99999/", None),
        ("https://example.org/a b", None),
    ],
)
def test_malformed_main_url(tmp_path: Path, url: str, fix: str | None) -> None:
    text = section(entry("ok", "Fine", "https://example.org/fine"), entry("bad", "Bad", url))
    findings = run(load(tmp_path, {"tools": text}), "malformed-url")
    assert len(findings) == 1
    finding = findings[0]
    assert finding.rule == "malformed-url"
    assert finding.severity is Severity.ERROR
    assert finding.entry == "tools/bad"
    assert finding.line == line_with(text, "url:", after="id: bad")
    assert finding.url == url
    assert triple(finding.fix) == (("url", url, fix) if fix else None)
    assert "'Bad'" in finding.message and "is malformed" in finding.message
    if fix:
        assert f"change it to {fix!r}" in finding.message


def test_malformed_message_names_the_problem_and_the_fix(tmp_path: Path) -> None:
    text = section(entry("colossal-ai", "Colossal-AI", "hhttps://github.com/hpcaitech/ColossalAI"))
    [finding] = run(load(tmp_path, {"training-frameworks": text}), "malformed-url")
    assert finding.message == (
        "the url 'hhttps://github.com/hpcaitech/ColossalAI' of 'Colossal-AI' is malformed: the scheme "
        "'hhttps' is a typo of 'https'; change it to 'https://github.com/hpcaitech/ColossalAI' (`curator fix` "
        "applies it)"
    )
    assert finding.entry == "training-frameworks/colossal-ai"
    assert finding.line == 10  # section: 7 lines, then "- id:", "name:", "url:"


def test_malformed_without_fix_says_what_to_do(tmp_path: Path) -> None:
    text = section(entry("js", "Script", "javascript:alert(1)"))
    [finding] = run(load(tmp_path, {"tools": text}), "malformed-url")
    assert finding.fix is None
    assert finding.message.endswith("replace it with the http(s) address of the page, or remove the link")


def test_one_finding_per_bad_url_with_its_field_path(tmp_path: Path) -> None:
    text = section(
        entry(
            "two",
            "Two",
            "htps://example.org/main",
            [("Docs", "https://example.org/docs"), ("Code", "github.com/o/r"), ("Mail", "mailto:a@b.org")],
        )
    )
    findings = run(load(tmp_path, {"tools": text}), "malformed-url")
    assert [(f.line, triple(f.fix)) for f in findings] == [
        (line_with(text, "htps://"), ("url", "htps://example.org/main", "https://example.org/main")),
        (line_with(text, "github.com/o/r"), ("links[1].url", "github.com/o/r", "https://github.com/o/r")),
        (line_with(text, "mailto:"), None),
    ]
    assert "link 'Code' (links[1].url)" in findings[1].message


def test_surrounding_spaces_are_fixed(tmp_path: Path) -> None:
    text = section(entry("sp", "Spaces", " https://example.org/a "))
    [finding] = run(load(tmp_path, {"tools": text}), "malformed-url")
    assert finding.fix == Fix(
        "url",
        " https://example.org/a ",
        "https://example.org/a",
        FixReason.SCHEME_TYPO,
        "surrounding spaces removed, certain offline",
        True,
    )


@pytest.mark.parametrize(
    "url",
    [
        "https://github.com/hpcaitech/ColossalAI",
        "http://example.org",
        "HTTPS://EXAMPLE.ORG:8080/a?b=1#c",
        "https://www.youtube.com/watch?v=p9IxoSkvZ-M&t=4s",
        "https://docs.google.com/presentation/d/1TTy/edit#slide=id.g206fa25c94c_0_24",
        "http://[::1]:8080/",
    ],
)
def test_good_urls_are_not_reported(tmp_path: Path, url: str) -> None:
    text = section(entry("good", "Good", url, [("Docs", url + "/docs")]))
    assert run(load(tmp_path, {"tools": text}), "malformed-url") == []


def test_missing_link(tmp_path: Path) -> None:
    text = section(
        entry("t5", "T5"),
        entry("ul2", "UL2", links=[("Flan-UL2", "https://huggingface.co/google/flan-ul2")]),
        entry("linked", "Linked", "https://example.org/"),
    )
    findings = run(load(tmp_path, {"commercial-llms": text}), "missing-link")
    assert [(f.entry, f.severity, f.line, f.fix) for f in findings] == [
        ("commercial-llms/t5", Severity.WARNING, line_with(text, "id: t5"), None),
        ("commercial-llms/ul2", Severity.WARNING, line_with(text, "id: ul2"), None),
    ]
    assert findings[0].message == (
        "'T5' has no url, so its row links nowhere and nothing can be checked — add the project's repository "
        "or home page as 'url'"
    )
    assert (
        "its first extra link 'Flan-UL2' (https://huggingface.co/google/flan-ul2) could be the main one"
        in findings[1].message
    )
    assert "move it to 'url'" in findings[1].message


def test_missing_link_not_reported_for_entries_with_url(tmp_path: Path) -> None:
    text = section(entry("a", "A", "https://example.org/a"), entry("b", "B", "not a url"))
    assert run(load(tmp_path, {"tools": text}), "missing-link") == []


def test_registration_and_documentation() -> None:
    from curator.rules import RULES

    expected = {
        "malformed-url": Severity.ERROR,
        "missing-link": Severity.WARNING,
        "duplicate-url": Severity.WARNING,
        "duplicate-name": Severity.WARNING,
        "wrong-link": Severity.ERROR,
    }
    for rule_id, severity in expected.items():
        registered = RULES[rule_id]
        assert registered.severity is severity
        assert not registered.network  # they run offline too; wrong-link reads facts when it has them
        assert "Fix" in registered.doc or "fix" in registered.doc
        assert "curator.yaml" in registered.doc  # how to silence it
