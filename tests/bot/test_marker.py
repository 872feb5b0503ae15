"""The rolling PR's hidden state (`curator.bot.marker`): written into a body, read back, robust to edits."""

from __future__ import annotations

from curator.bot.marker import BotState, digest, fingerprint, read_state, replace_state


def test_the_state_survives_a_body_around_it() -> None:
    state = BotState(fingerprints=("a1", "b2"), commits=("c" * 40,), base="d" * 40, digest="e5", declined=("f6",))
    body = f"## curator\n\nSome report.\n\n{state.render()}\n"
    assert read_state(body) == state
    assert "-->" not in state.render()[: -len(" -->")]  # the comment cannot end early


def test_a_body_without_a_usable_marker_has_no_state() -> None:
    assert read_state(None) is None
    assert read_state("a person's PR") is None
    assert read_state('<!-- curator:state {"v": 99} -->') is None  # a newer curator's
    assert read_state("<!-- curator:state {not json} -->") is None
    odd = read_state('<!-- curator:state {"v": 1, "commits": ["a", 3], "base": 7, "handed_off": "yes"} -->')
    assert odd == BotState(commits=("a",))


def test_fingerprints_are_stable_and_distinguish_their_parts() -> None:
    assert fingerprint("tools/a", "url", "x", "y") == fingerprint("tools/a", "url", "x", "y")
    assert fingerprint("tools/a", "url", "x", "y") != fingerprint("tools/a", "urlx", "", "y")
    assert len(fingerprint("readme", digest("text"))) == 16


def test_replace_keeps_the_rest_of_the_body() -> None:
    body = "Report\n\n" + BotState(fingerprints=("a",)).render() + "\n\nafter"
    new = replace_state(body, BotState(handed_off=True))
    assert new.startswith("Report\n\n") and new.endswith("\n\nafter")
    assert read_state(new) == BotState(handed_off=True)


def test_replace_appends_when_a_person_removed_it() -> None:
    new = replace_state("edited by hand", BotState(digest="d"))
    assert new.startswith("edited by hand\n\n") and read_state(new) == BotState(digest="d")
    assert read_state("no marker") is None and read_state('<!-- curator:state {"v":2} -->') is None
