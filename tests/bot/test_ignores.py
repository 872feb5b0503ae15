"""The ignores ticked in the list-health issue, appended to curator.yaml (`curator.bot.ignores`): only lines
are added, comments and layout are kept, the result parses to the old ignores followed by the new ones."""

from __future__ import annotations

import pytest
import yaml

from curator.bot.ignores import NewIgnore, add_ignores, ignore_for, ignore_id
from curator.config import Config
from curator.errors import CuratorError
from curator.findings import Finding, Severity

ISSUE = "https://github.com/octo/awesome-list/issues/3"
NEW = NewIgnore("duplicate-url", "tools/beta", "https://x.test/a?b=1#c", f"ignored in {ISSUE}")


def _ignores(text: str) -> list[dict[str, str]]:
    return [i.model_dump(exclude_none=True) for i in Config.model_validate(yaml.safe_load(text)).ignore]


def test_the_id_is_the_rule_entry_and_url_and_the_ignore_names_the_issue() -> None:
    f = Finding("duplicate-url", Severity.ERROR, "same target", entry="tools/beta", url="https://x.test/")
    assert ignore_id(f) == ignore_id(Finding("duplicate-url", Severity.WARNING, "other words", "tools/beta", url=f.url))
    assert ignore_id(f) != ignore_id(Finding("duplicate-url", Severity.ERROR, "same target", "tools/alpha", url=f.url))
    assert ignore_for(f, ISSUE) == NewIgnore("duplicate-url", "tools/beta", "https://x.test/", f"ignored in {ISSUE}")
    assert ignore_for(Finding("duplicate-name", Severity.ERROR, "m", "tools/b"), ISSUE).url is None


def test_an_existing_list_gets_the_items_after_its_last_one_and_every_comment_stays() -> None:
    before = (
        "# project settings\n"
        "ignore:\n"
        "  - rule: dead-link  # flaky\n"
        "    entry: tools/alpha\n"
        "    reason: the host blocks robots\n"
        "\n"
        "# the link checker\n"
        "links:\n"
        "  timeout: 5\n"
    )
    after = add_ignores(before, [NEW])
    assert after.startswith(before.split("\n\n")[0] + '\n  - rule: "duplicate-url"\n')
    assert after.endswith("\n\n# the link checker\nlinks:\n  timeout: 5\n")
    assert _ignores(after)[1] == NEW.as_dict()
    kept = [line for line in before.splitlines() if line not in after.splitlines()]
    assert kept == []  # nothing of the old text was changed, only lines added


def test_a_file_without_ignores_or_without_a_file_gets_a_new_list() -> None:
    assert _ignores(add_ignores("links:\n  timeout: 5", [NEW])) == [NEW.as_dict()]
    assert add_ignores("links:\n  timeout: 5", [NEW]).startswith("links:\n  timeout: 5\nignore:\n")
    assert _ignores(add_ignores(None, [NEW])) == [NEW.as_dict()]
    assert _ignores(add_ignores("# only a comment\n", [NEW])) == [NEW.as_dict()]


@pytest.mark.parametrize("value", ["[]", "[]  # none yet", "", "  # none yet"])
def test_an_empty_list_is_filled_in_place(value: str) -> None:
    before = f"ignore: {value}\nlinks:\n  timeout: 5\n".replace(": \n", ":\n")
    after = add_ignores(before, [NEW, NEW])
    assert _ignores(after) == [NEW.as_dict(), NEW.as_dict()]
    assert after.endswith("links:\n  timeout: 5\n")
    if "#" in value:
        assert "# none yet" in after


def test_a_list_at_the_keys_indent_keeps_it() -> None:
    before = "ignore:\n- rule: dead-link\n  reason: flaky host\nlinks: {timeout: 5}\n"
    after = add_ignores(before, [NEW])
    assert '\n- rule: "duplicate-url"\n  entry: "tools/beta"\n' in after
    assert len(_ignores(after)) == 2


def test_odd_characters_in_a_url_survive() -> None:
    odd = NewIgnore("wrong-link", "tools/b", "https://x.test/a: b # c\u00e9\"'\\", "ignored in x")
    assert _ignores(add_ignores("{}\n".replace("{}\n", ""), [odd])) == [odd.as_dict()]


@pytest.mark.parametrize(
    "text", ["ignore: [{rule: dead-link, reason: flaky}]\n", "{links: {timeout: 5}}\n", "- a\n", "ignore: 3\n"]
)
def test_what_cannot_be_appended_to_safely_is_refused_with_a_message(text: str) -> None:
    with pytest.raises(CuratorError, match=r"curator\.yaml on the base"):
        add_ignores(text, [NEW])
