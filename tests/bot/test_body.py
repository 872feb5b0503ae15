"""The pull request body: sections, escaping, the stable digest and cutting between blocks."""

from __future__ import annotations

from curator.bot import body as bodies
from curator.bot.marker import BotState, read_state
from curator.findings import Finding, Fix, FixReason, Severity

REPO = "https://github.com/octo/awesome-list"
SHA = "a" * 40


def typo(entry: str = "tools/typo") -> Finding:
    fix = Fix("url", "hhttps://x.test/a", "https://x.test/a", FixReason.SCHEME_TYPO, "hhttps → https", safe=True)
    return Finding(
        "malformed-url", Severity.ERROR, "malformed", entry=entry, file="catalog/tools.yaml", line=9, fix=fix
    )


def person(rule: str, n: int, severity: Severity = Severity.ERROR, message: str = "wrong") -> Finding:
    return Finding(
        rule,
        severity,
        message,
        entry=f"tools/e{n}",
        file="/tmp/x/catalog/tools.yaml",
        line=10 + n,
        url=f"https://x.test/{n}",
    )


def data(**kw: object) -> bodies.BodyInput:
    base: dict[str, object] = {
        "repo_url": REPO,
        "base_sha": SHA,
        "paths": {"/tmp/x/catalog/tools.yaml": "catalog/tools.yaml"},
    }
    return bodies.BodyInput(**{**base, **kw})  # type: ignore[arg-type]


def test_sections_in_order_with_links_to_the_base_line() -> None:
    found = [
        person("wrong-link", 1),
        person("dead-link", 2),
        person("dead-link", 3, Severity.WARNING),
        person("repo-archived", 4, Severity.WARNING),
    ]
    text, cut = bodies.render(
        bodies.blocks(
            data(fixes=[typo()], readme="README.md", findings=found, degraded=["offline"], history_missing=True)
        ),
        BotState(),
    )
    assert not cut
    assert text.startswith("**1 fix, README regenerated, 3 findings need a person**\n\n### Fixes\n\n| Entry |")
    assert "| tools/typo | url | `hhttps://x.test/a` → `https://x.test/a` | scheme-typo: hhttps → https |" in text
    assert text.index("#### Wrong links") < text.index("#### Dead links") < text.index("#### Archived")
    assert f"[catalog/tools.yaml:11]({REPO}/blob/{SHA}/catalog/tools.yaml#L11)" in text
    assert "tools/e3" not in text  # a dead link not yet confirmed (warning) is not for a person yet
    assert "- Degraded run: offline" in text and "history was missing" in text
    assert read_state(text) == BotState()


def test_outside_text_is_escaped() -> None:
    evil = person("wrong-link", 1, message="<img src=x onerror=alert(1)> @admin [click](https://evil.test)")
    text, _ = bodies.render(bodies.blocks(data(findings=[evil])), BotState())
    assert "<img" not in text and "&lt;img" in text and "@\u200badmin" in text and "\\[click\\]" in text


def test_the_digest_ignores_volatile_notes_only() -> None:
    plain = bodies.stable_digest(bodies.blocks(data(fixes=[typo()])))
    assert bodies.stable_digest(bodies.blocks(data(fixes=[typo()], history_missing=True))) == plain
    assert bodies.stable_digest(bodies.blocks(data(fixes=[typo()], degraded=["why"]))) != plain
    assert bodies.stable_digest(bodies.blocks(data(fixes=[typo("tools/other")]))) != plain


def test_a_long_report_is_cut_between_blocks_and_says_where_the_rest_is() -> None:
    found = [person("duplicate-url", n, Severity.WARNING, message="same URL as " + "x" * 200) for n in range(600)]
    parts = bodies.blocks(data(fixes=[typo(f"tools/t{n}") for n in range(50)], findings=found))
    state = BotState(fingerprints=("f" * 16,) * 51)
    text, cut = bodies.render(parts, state)
    assert cut and len(text) <= bodies.MAX_BODY
    assert "the full report is in the job summary of this run" in text
    assert text.rstrip().endswith(state.render())  # the marker survives the cut
    kept = text.split("\n\n")
    assert all(block in [p.text for p in parts] for block in kept[:-2])  # whole blocks only
    assert kept[2].count("\n") == 51  # the fixes table is whole: header, rule, 50 rows
    assert len(bodies.full_report(parts)) > bodies.MAX_BODY  # the job summary has it all
