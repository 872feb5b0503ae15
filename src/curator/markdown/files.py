"""Reading and writing markdown files: UTF-8, line endings kept as the file has them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from curator.errors import CuratorError
from curator.places import display_path


@dataclass(frozen=True)
class TextFile:
    path: Path
    shown: str  # the path as shown to the user
    text: str  # with "\n" line endings
    newline: str  # "\r\n" when the file used it, else "\n"


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
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise CuratorError(f"{shown}:{line}: not valid UTF-8 (byte {exc.start})") from None
    newline = "\r\n" if "\r\n" in text else "\n"
    return TextFile(path=path, shown=shown, text=text.replace("\r\n", "\n"), newline=newline)


def write_text(path: Path, text: str, newline: str = "\n") -> None:
    """Write through a temporary file and rename, so a failure never leaves half a file behind."""
    shown = display_path(path)
    tmp = path.with_name(f".{path.name}.curator-tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(text.replace("\n", newline).encode("utf-8"))
        if path.exists():
            tmp.chmod(path.stat().st_mode & 0o7777)
        tmp.replace(path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise CuratorError(f"{shown}: cannot write: {exc.strerror}") from None
