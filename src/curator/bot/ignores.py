"""The `ignore:` items a person asked for by ticking "ignore this" in the list-health issue, appended to
`curator.yaml` as a minimal text edit (pure; no I/O).

Only lines are added: the rest of the file, its comments and its layout included, is kept byte for byte.
The items are written as double-quoted scalars (JSON strings are valid YAML ones), so a URL or an entry id
can hold any character. The edited text is parsed again and must have exactly the old ignores followed by
the new ones; anything else (a flow-style list with items, a file that is not a mapping) is refused with a
message rather than committed broken.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

import yaml

from curator.bot.marker import fingerprint
from curator.config import CONFIG_FILE
from curator.errors import CuratorError
from curator.findings import Finding


@dataclass(frozen=True)
class NewIgnore:
    rule: str
    entry: str | None
    url: str | None
    reason: str

    def as_dict(self) -> dict[str, str]:
        out = {"rule": self.rule}
        if self.entry is not None:
            out["entry"] = self.entry
        if self.url is not None:
            out["url"] = self.url
        out["reason"] = self.reason
        return out


def ignore_id(finding: Finding) -> str:
    """The hidden id of a finding's checkbox, and the fingerprint of the ignore it asks for."""
    return fingerprint("ignore", finding.rule, finding.entry or "", finding.url or "")


def ignore_for(finding: Finding, issue_url: str) -> NewIgnore:
    return NewIgnore(finding.rule, finding.entry, finding.url, f"ignored in {issue_url}")


def _item(ignore: NewIgnore, indent: str) -> str:
    lines = []
    for i, (key, value) in enumerate(ignore.as_dict().items()):
        lead = f"{indent}- " if i == 0 else f"{indent}  "
        lines.append(f"{lead}{key}: {json.dumps(value)}\n")
    return "".join(lines)


def _last_line(node: yaml.Node) -> int:
    """The 0-based line on which the last scalar under `node` ends (a block's own end mark is the next token,
    which may sit after comments that belong to the next key)."""
    if isinstance(node, yaml.ScalarNode):
        return node.end_mark.line if node.end_mark.column else node.end_mark.line - 1
    if isinstance(node, yaml.SequenceNode):
        return _last_line(node.value[-1]) if node.value else node.start_mark.line
    if isinstance(node, yaml.MappingNode):
        return _last_line(node.value[-1][1]) if node.value else node.start_mark.line
    return node.end_mark.line


def add_ignores(text: str | None, new: Sequence[NewIgnore]) -> str:
    """`text` (curator.yaml, None when there is none) with `new` appended to its `ignore:` list."""
    if not new:
        return text or ""
    source = text or ""
    if source and not source.endswith("\n"):
        source += "\n"
    try:
        root = yaml.compose(source)
    except yaml.YAMLError as exc:
        raise CuratorError(f"{CONFIG_FILE} on the base cannot be parsed: {exc}") from None
    if root is None:
        edited = source + "ignore:\n" + "".join(_item(i, "  ") for i in new)
    elif not isinstance(root, yaml.MappingNode) or root.flow_style:
        raise CuratorError(f"{CONFIG_FILE} on the base is not a block mapping: cannot add an ignore to it")
    else:
        edited = _append(source, root, new)
    _verify(source, edited, new)
    return edited


def _append(source: str, root: yaml.MappingNode, new: Sequence[NewIgnore]) -> str:
    lines = source.splitlines(keepends=True)
    for key, value in root.value:
        if not (isinstance(key, yaml.ScalarNode) and key.value == "ignore"):
            continue
        if isinstance(value, yaml.SequenceNode) and not value.flow_style and value.value:
            indent = " " * value.start_mark.column
            at = _last_line(value) + 1
            return "".join(lines[:at]) + "".join(_item(i, indent) for i in new) + "".join(lines[at:])
        empty_flow = isinstance(value, yaml.SequenceNode) and bool(value.flow_style) and not value.value
        empty = isinstance(value, yaml.ScalarNode) and value.tag.endswith(":null") and value.value == ""
        if empty_flow or empty:  # `ignore: []` or `ignore:` alone: the items go below the key's line
            k = key.start_mark.line
            line = lines[k]
            if empty_flow and value.start_mark.line == k == value.end_mark.line:
                rest = line[value.end_mark.column :].strip()
                line = line[: value.start_mark.column].rstrip() + (f" {rest}" if rest else "") + "\n"
            elif empty_flow:
                raise CuratorError(f"{CONFIG_FILE} on the base: `ignore` spans lines; add the ignores by hand")
            return "".join(lines[:k]) + line + "".join(_item(i, "  ") for i in new) + "".join(lines[k + 1 :])
        raise CuratorError(f"{CONFIG_FILE} on the base: `ignore` is not a block list; add the ignores by hand")
    return source + "ignore:\n" + "".join(_item(i, "  ") for i in new)


def _verify(before: str, after: str, new: Sequence[NewIgnore]) -> None:
    def ignores(text: str) -> list[object]:
        data = yaml.safe_load(text) or {}
        return list(data.get("ignore") or []) if isinstance(data, dict) else []

    try:
        ok = ignores(after) == ignores(before) + [i.as_dict() for i in new]
    except yaml.YAMLError:
        ok = False
    if not ok:
        raise CuratorError(f"{CONFIG_FILE} on the base: cannot append to its `ignore` list safely; add it by hand")
