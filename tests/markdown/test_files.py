"""Markdown files keep every line's ending: read as "\\n", written back line by line."""

from __future__ import annotations

from pathlib import Path

import pytest

from curator.errors import CuratorError
from curator.markdown.files import LineEdit, apply_edits, read_markdown, write_markdown


def test_endings_are_read_per_line(tmp_path: Path) -> None:
    path = tmp_path / "R.md"
    path.write_bytes(b"a\r\nb\rc\nd")
    source = read_markdown(path)
    assert source.text == "a\nb\nc\nd"
    assert source.endings == ("\r\n", "\r", "\n", "")


def test_lf_only_files_are_not_copied(tmp_path: Path) -> None:
    path = tmp_path / "R.md"
    path.write_bytes(b"a\nb\n")
    assert read_markdown(path).endings == ()


@pytest.mark.parametrize(
    ("data", "edit", "expected"),
    [
        # A replaced line's ending goes to the line taking its place; more lines get the commonest ending.
        (b"a\rb\r\nc\rd\r", LineEdit(1, 2, "x\ny\nz"), b"a\rx\r\ny\rz\rc\rd\r"),
        (b"a\r\nb\rc", LineEdit(2, 3, "x\ny"), b"a\r\nb\rx\r\ny"),  # still no line break at the end
        (b"a\nb\n", LineEdit(1, 2, "x\ny"), b"a\nx\ny\n"),
        (b"a\r\nb\r\nc\n", LineEdit(0, 2, "x"), b"x\r\nc\n"),
    ],
)
def test_edits_keep_the_endings_of_untouched_lines(
    tmp_path: Path, data: bytes, edit: LineEdit, expected: bytes
) -> None:
    path = tmp_path / "R.md"
    path.write_bytes(data)
    source = read_markdown(path)
    write_markdown(source, [edit])
    assert path.read_bytes() == expected
    assert read_markdown(path).text == apply_edits(source.text, [edit])


def test_undecodable_bytes_name_the_line_whatever_the_endings(tmp_path: Path) -> None:
    path = tmp_path / "R.md"
    path.write_bytes(b"a\rb\r\xff\r")
    with pytest.raises(CuratorError, match=r"R\.md:3: not valid UTF-8 \(byte 4\)"):
        read_markdown(path)
