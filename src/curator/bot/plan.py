"""What `curator pr` does, decided from what it observed and what it wants (pure; no I/O).

Observed: the base's head, the bot's open pull request (its hidden state and labels), the branch (whether
it is built on the current base, whether a person committed to it, its files). Wanted: the files to
commit (as git blob SHAs) and the body's stable digest. The answer is one `Action` and what it writes.

People come first: a branch with a person's commit is never rewritten; the bot says so once and adds a
label, and takes the branch back only when a person removed that label.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from curator.bot.marker import BotState


class Action(enum.StrEnum):
    OPEN = "open"
    UPDATE = "update"
    CLOSE = "close"
    HAND_OFF = "hand-off"
    NOTHING = "nothing"


@dataclass(frozen=True)
class Observed:
    base_sha: str
    base_files: Mapping[str, str]  # path → blob SHA on the base
    open_pr: bool = False
    state: BotState | None = None  # the open pull request's hidden state
    labelled: bool = False  # the hand-off label is on the open pull request
    branch_sha: str | None = None
    branch_files: Mapping[str, str] | None = None  # path → blob SHA on the branch
    behind_by: int = 0
    foreign: Sequence[str] = ()  # commits on the branch that are not the bot's
    degraded: bool = False  # the network facts of this run are not trusted (fix.select.degraded_reasons)


@dataclass(frozen=True)
class Wanted:
    files: Mapping[str, str]  # path → blob SHA of the content wanted
    digest: str  # the body's stable digest


@dataclass(frozen=True)
class Decision:
    action: Action
    commit: bool = False  # build the commits and point the branch at them (last)
    body: bool = False  # write the pull request body
    comment: bool = False  # the hand-off comment (once)
    label: bool = False
    handed_off: bool = False  # the hand-off state to store in the marker
    delete_branch: bool = False
    reason: str = ""


def up_to_date(seen: Observed, wanted: Wanted) -> bool:
    """The branch already is the wanted change on the current base: nothing to commit."""
    if seen.branch_sha is None or seen.branch_files is None or seen.behind_by or seen.foreign:
        return False
    expected = {**seen.base_files, **wanted.files}
    return dict(seen.branch_files) == expected


def decide(seen: Observed, wanted: Wanted) -> Decision:
    nothing_wanted = not wanted.files or all(seen.base_files.get(p) == s for p, s in wanted.files.items())
    if not seen.open_pr:
        if nothing_wanted:
            return Decision(Action.NOTHING, reason="nothing to change")
        if seen.foreign:
            why = "the branch has a person's commits and no open pull request: left alone"
            return Decision(Action.NOTHING, reason=why)
        return Decision(Action.OPEN, commit=True, body=True)
    state = seen.state or BotState()
    if seen.degraded and not state.handed_off:
        # Fail closed: what an uncertain run no longer sees is not removed from a pull request, nor closed.
        return Decision(Action.NOTHING, reason="degraded run: the open pull request is left as it is")
    if state.handed_off:
        if seen.labelled:
            return Decision(Action.NOTHING, handed_off=True, reason="handed off to a person (the label is on)")
        # A person removed the label: the branch is the bot's again, rebuilt on the base.
        if nothing_wanted:
            return Decision(Action.CLOSE, body=False, delete_branch=not seen.foreign, reason="nothing left to change")
        return Decision(Action.UPDATE, commit=True, body=True, reason="handed back: rebuilt on the base")
    if seen.foreign:
        return Decision(
            Action.HAND_OFF, body=True, comment=True, label=True, handed_off=True, reason="a person committed"
        )
    if nothing_wanted:
        return Decision(Action.CLOSE, delete_branch=True, reason="nothing left to change")
    if up_to_date(seen, wanted):
        if state.digest == wanted.digest:
            return Decision(Action.NOTHING, reason="the pull request is up to date")
        return Decision(Action.UPDATE, body=True, reason="the report changed")
    return Decision(Action.UPDATE, commit=True, body=True, reason="rebuilt on the base as it is now")
