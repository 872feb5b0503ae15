"""Minimal edits of a catalog file: replace one scalar's source text, and nothing else.

A catalog file is written by people: comments, key order, blank lines, quoting and line endings are theirs.
An edit replaces exactly the characters of one value (found from the parser's marks), keeping its quoting
style (plain, 'single', "double"), and quotes a plain value only when the new text would not read back as
the same string. Every edit is checked twice: the value must still be the `old` one (someone may have
changed it since: a person's change is never overridden), and the edited text must load to the same data
with only the edited values changed. An edit that fails either check is refused with a reason; the others
are still made.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import yaml

from curator.places import PathKey, dotted
from curator.yamlpos import ScalarSpan, YamlLoadError, load_yaml, scalar_spans


@dataclass(frozen=True, slots=True)
class Edit:
    """Set the string at `path` (e.g. ("entries", 3, "links", 0, "url")) from `old` to `new`."""

    path: PathKey
    old: str
    new: str


@dataclass(frozen=True, slots=True)
class Refused:
    edit: Edit
    message: str  # "file:line:column: entries[3].url: why"


@dataclass(frozen=True)
class EditResult:
    text: str
    applied: tuple[Edit, ...]
    refused: tuple[Refused, ...]


# A plain scalar may not start with an indicator nor hold ": " or " #"; in a flow collection not ",[]{}".
_PLAIN_START = set("-?:,[]{}#&*!|>'\"%@`")
_FLOW_CHARS = set(",[]{}")


def edit_scalars(text: str, edits: Sequence[Edit], *, shown: str) -> EditResult:
    """`text` with `edits` made (those that pass the checks); `shown` names the file in messages."""
    try:
        data, positions = load_yaml(text)
    except YamlLoadError as exc:
        problem = exc.problems[0]
        return EditResult(
            text,
            (),
            tuple(Refused(e, f"{shown}:{problem.line}:{problem.column}: {problem.message}") for e in edits),
        )
    spans = scalar_spans(text, [e.path for e in edits])
    refused: list[Refused] = []
    planned: list[tuple[Edit, ScalarSpan, str]] = []
    seen: set[PathKey] = set()

    def refuse(edit: Edit, why: str) -> None:
        line, column = positions.at(edit.path)
        refused.append(Refused(edit, f"{shown}:{line}:{column}: {dotted(edit.path)}: {why}"))

    for edit in edits:
        current = _value_at(data, edit.path)
        span = spans.get(edit.path)
        if edit.path in seen:
            refuse(edit, "edited twice in one run; left as it is")
        elif not isinstance(current, str) or span is None:
            refuse(edit, "is not a text value any more; left as it is")
        elif current != edit.old:
            refuse(edit, f"is now {current!r}, not {edit.old!r}: someone changed it; left as it is")
        elif span.alias:
            refuse(edit, "is an anchor or alias, which other values share; edit it by hand")
        elif span.style in ("|", ">"):
            refuse(edit, f"is a block scalar ({span.style}); edit it by hand")
        else:
            seen.add(edit.path)
            planned.append((edit, span, render_scalar(edit.new, span)))
    new_text = _splice(text, [(span, source) for _, span, source in planned])
    if planned and not _reads_back(new_text, data, [e for e, _, _ in planned]):
        # Some edit does not read back as intended: make them one by one, keeping those that do.
        new_text, kept = text, list[Edit]()
        for edit, _span, _source in planned:
            span = scalar_spans(new_text, [edit.path]).get(edit.path)
            candidate = _splice(new_text, [(span, render_scalar(edit.new, span))]) if span else new_text
            if span is not None and _reads_back(candidate, data, [*kept, edit]):
                new_text = candidate
                kept.append(edit)
            else:
                refuse(edit, f"the file would not read back with {edit.new!r} there; left as it is")
        return EditResult(new_text, tuple(kept), tuple(refused))
    return EditResult(new_text, tuple(e for e, _, _ in planned), tuple(refused))


def render_scalar(value: str, span: ScalarSpan) -> str:
    """`value` as source text in the style of the scalar it replaces; plain only when it stays plain."""
    if span.style == '"':
        return double_quoted(value)
    if span.style == "'" or not plain_ok(value, flow=span.flow):
        return single_quoted(value) if value.isprintable() else double_quoted(value)
    return value


def plain_ok(value: str, *, flow: bool) -> bool:
    """Whether `value` written plain reads back as this very string."""
    if not value or value != value.strip() or not value.isprintable() or value[0] in _PLAIN_START:
        return False
    if ": " in value or " #" in value or value.endswith(":") or (flow and _FLOW_CHARS & set(value)):
        return False
    try:
        return bool(yaml.safe_load(f"k: {value}\n") == {"k": value})
    except yaml.YAMLError:
        return False


def single_quoted(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r"}


def double_quoted(value: str) -> str:
    def escape(match: re.Match[str]) -> str:
        char = match.group(0)
        return _ESCAPES.get(char) or f"\\u{ord(char):04x}"

    return '"' + re.sub(r'[\\"\x00-\x1f\x7f]', escape, value) + '"'


def _splice(text: str, replacements: list[tuple[ScalarSpan, str]]) -> str:
    out, last = [], 0
    for span, source in sorted(replacements, key=lambda r: r[0].start):
        out += [text[last : span.start], source]
        last = span.end
    return "".join([*out, text[last:]])


def _reads_back(text: str, before: Any, edits: Sequence[Edit]) -> bool:
    """The edited text loads to `before` with exactly the edited values changed."""
    expected = copy.deepcopy(before)
    for edit in edits:
        *parents, last = edit.path
        node = expected
        for part in parents:
            node = node[part]
        node[last] = edit.new
    try:
        after, _ = load_yaml(text)
    except YamlLoadError:
        return False
    return bool(after == expected)


def _value_at(data: Any, path: PathKey) -> Any:
    node = data
    for part in path:
        found = (isinstance(node, dict) and part in node) or (
            isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        )
        if not found:
            return None
        node = node[part]
    return node
