"""How places are shown to the user: file paths relative to the working directory, YAML paths dotted."""

from __future__ import annotations

from pathlib import Path

__all__ = ["PathKey", "display_path", "dotted"]

PathKey = tuple[str | int, ...]  # a place in a YAML document: mapping keys and list indexes


def display_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def dotted(path: PathKey) -> str:
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "(document)"
