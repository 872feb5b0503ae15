"""The hidden state in the pull request body."""

from __future__ import annotations

from curator.bot.marker import BotState, read_state, replace_state


def test_replace_keeps_the_rest_of_the_body() -> None:
    body = "Report\n\n" + BotState(fingerprints=("a",)).render() + "\n\nafter"
    new = replace_state(body, BotState(handed_off=True))
    assert new.startswith("Report\n\n") and new.endswith("\n\nafter")
    assert read_state(new) == BotState(handed_off=True)


def test_replace_appends_when_a_person_removed_it() -> None:
    new = replace_state("edited by hand", BotState(digest="d"))
    assert new.startswith("edited by hand\n\n") and read_state(new) == BotState(digest="d")
    assert read_state("no marker") is None and read_state('<!-- curator:state {"v":2} -->') is None
