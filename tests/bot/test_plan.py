"""The decision of `curator pr` from what it observed and what it wants."""

from __future__ import annotations

from curator.bot.marker import BotState
from curator.bot.plan import Action, Observed, Wanted, decide

BASE = {"README.md": "r0", "catalog/a.yaml": "a0"}
WANT = Wanted(files={"catalog/a.yaml": "a1", "README.md": "r1"}, digest="d1")
BUILT = {"README.md": "r1", "catalog/a.yaml": "a1"}


def seen(**kw: object) -> Observed:
    base: dict[str, object] = {"base_sha": "b", "base_files": BASE}
    return Observed(**{**base, **kw})  # type: ignore[arg-type]


def test_open_when_there_is_no_pr_and_nothing_when_nothing_is_wanted() -> None:
    assert decide(seen(), WANT).action is Action.OPEN
    assert decide(seen(), Wanted(files={}, digest="x")).action is Action.NOTHING
    assert decide(seen(), Wanted(files={"README.md": "r0"}, digest="x")).action is Action.NOTHING
    assert decide(seen(branch_sha="h", foreign=("p",)), WANT).action is Action.NOTHING  # a person's branch


def test_up_to_date_writes_nothing_body_change_writes_the_body_only() -> None:
    pr = {"open_pr": True, "branch_sha": "h", "branch_files": BUILT, "state": BotState(digest="d1")}
    assert decide(seen(**pr), WANT).action is Action.NOTHING
    changed = decide(seen(**{**pr, "state": BotState(digest="old")}), WANT)
    assert (changed.action, changed.commit, changed.body) == (Action.UPDATE, False, True)


def test_a_stale_base_or_other_files_rebuild() -> None:
    pr = {"open_pr": True, "branch_sha": "h", "branch_files": BUILT, "state": BotState(digest="d1")}
    assert decide(seen(**{**pr, "behind_by": 1}), WANT).commit
    assert decide(seen(**{**pr, "branch_files": {**BUILT, "x": "1"}}), WANT).commit


def test_people_come_first() -> None:
    pr = {"open_pr": True, "branch_sha": "h", "branch_files": BUILT, "foreign": ("p",)}
    hand = decide(seen(**pr), WANT)
    assert (hand.action, hand.comment, hand.label, hand.commit, hand.handed_off) == (
        Action.HAND_OFF,
        True,
        True,
        False,
        True,
    )
    held = decide(seen(**pr, state=BotState(handed_off=True), labelled=True), WANT)
    assert (held.action, held.commit, held.body, held.comment) == (Action.NOTHING, False, False, False)
    back = decide(seen(**pr, state=BotState(handed_off=True), labelled=False), WANT)
    assert (back.action, back.commit) == (Action.UPDATE, True)


def test_nothing_left_closes_and_deletes_only_the_bots_branch() -> None:
    pr = {"open_pr": True, "branch_sha": "h", "branch_files": BUILT}
    close = decide(seen(**pr), Wanted(files={}, digest="x"))
    assert (close.action, close.delete_branch) == (Action.CLOSE, True)
    kept = decide(seen(**pr, foreign=("p",), state=BotState(handed_off=True)), Wanted(files={}, digest="x"))
    assert (kept.action, kept.delete_branch) == (Action.CLOSE, False)
