"""Reading and writing markdown files: UTF-8, every line's ending kept as the file has it.

The text is handled with "\\n" line endings (markdown-it counts CR, LF and CRLF alike as line breaks, and
line numbers must agree with it), and each line's own ending is remembered. A changed file is written
back as a list of line edits, so a line that no edit touches keeps its ending, whatever the mix.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from curator.atomicfile import write_atomic
from curator.errors import CuratorError
from curator.places import display_path

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_LINE_BREAK_BYTES = re.compile(rb"\r\n|\r|\n")


@dataclass(frozen=True)
class LineEdit:
    """Lines [start, stop) of a text (0-based, split at "\\n") replaced by the lines of `text`.

    `text` is the new lines joined by "\\n", kept whole: a README's tables are split into lines only when a
    file with other line endings is written."""

    start: int
    stop: int
    text: str


@dataclass(frozen=True)
class TextFile:
    path: Path
    shown: str  # the path as shown to the user
    text: str  # with "\n" line endings
    newline: str  # the file's most common line ending ("\n" when it has none); new lines get it
    endings: tuple[str, ...] = ()  # each line's ending as read, "" for the last; () when all are "\n"

    def edited(self, edits: Sequence[LineEdit]) -> bytes:
        """The file's bytes with `edits` applied. A replaced line's ending goes to the line that takes its
        place; lines beyond those get the file's most common ending."""
        lines = self.text.split("\n")
        if len(self.endings) != len(lines):  # every ending is the same
            return apply_edits(self.text, edits).replace("\n", self.newline).encode("utf-8")
        endings = list(self.endings)
        for edit in sorted(edits, key=lambda e: e.start, reverse=True):
            new_lines = edit.text.split("\n")
            old = endings[edit.start : edit.stop]
            lines[edit.start : edit.stop] = new_lines
            endings[edit.start : edit.stop] = [
                old[i] if i < len(old) and old[i] else self.newline for i in range(len(new_lines))
            ]
        endings[-1] = ""  # the last line ends the file, with or without a line break as before
        return "".join(line + ending for line, ending in zip(lines, endings, strict=True)).encode("utf-8")


def apply_edits(text: str, edits: Sequence[LineEdit]) -> str:
    """`text` ("\\n" line endings) with `edits` applied; the edits must not overlap."""
    lines = text.split("\n")
    for edit in sorted(edits, key=lambda e: e.start, reverse=True):
        lines[edit.start : edit.stop] = [edit.text]  # one element holding all the new lines, joined below
    return "\n".join(lines)


def split_endings(text: str) -> tuple[str, tuple[str, ...], str]:
    """`text` with "\\n" line endings, the ending of each of its lines (none listed when every one is
    "\\n"), and the most common ending."""
    if "\r" not in text:
        return text, (), "\n"  # the usual file, kept as it is: a copy of a long README costs megabytes
    endings = [*_LINE_BREAK.findall(text), ""]
    counts = Counter(endings[:-1])
    newline = max(counts, key=lambda e: (counts[e], e == "\n")) if counts else "\n"
    return _LINE_BREAK.sub("\n", text), tuple(endings), newline


def read_markdown(path: Path) -> TextFile:
    shown = display_path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise CuratorError(f"{shown}: file not found") from None
    except IsADirectoryError:
        raise CuratorError(f"{shown}: is a directory, not a markdown file") from None
    except OSError as exc:
        raise CuratorError(f"{shown}: cannot read: {exc.strerror}") from None
    try:
        raw = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = len(_LINE_BREAK_BYTES.findall(data[: exc.start])) + 1
        raise CuratorError(f"{shown}:{line}: not valid UTF-8 (byte {exc.start})") from None
    text, endings, newline = split_endings(raw)
    return TextFile(path=path, shown=shown, text=text, newline=newline, endings=endings)


def write_markdown(source: TextFile, edits: Sequence[LineEdit]) -> None:
    """Write `source` back with `edits` applied, every untouched line as it was."""
    write_bytes(source.path, source.edited(edits))


def write_text(path: Path, text: str, newline: str = "\n") -> None:
    """Write `text` whole or not at all (see curator.atomicfile), its "\\n" line endings as `newline`."""
    write_bytes(path, text.replace("\n", newline).encode("utf-8"))


def write_bytes(path: Path, data: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CuratorError(f"{display_path(path.parent)}: cannot create the directory: {exc.strerror}") from None
    write_atomic(path, data)
