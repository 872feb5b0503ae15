"""Escaping for text that reaches a report or the terminal from outside: catalog values, page titles,
Location headers, URLs, exception messages.

Two dangers, two functions:

- `escape_controls`: terminal control characters. An ESC from a page title can recolour, move the cursor or
  retitle the terminal of whoever reads the report (or the CI log that shows it); a CR can overwrite what
  was printed before it; bidi overrides (U+202A-U+202E, U+2066-U+2069) make text read differently from
  what it is. Every renderer passes outside text through it, so they show as `\\x1b`, `\\r`, `\\u202e`.
- `md_escape` / `md_escape_url`: GitHub renders markdown with HTML allowed, so an unescaped page title could
  inject links, images or markup into a pull request.
"""

from __future__ import annotations

import re

# C0 controls, DEL, C1 controls and the bidi embeddings, overrides and isolates.
_CONTROLS = r"\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069"
_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _pattern(keep: str) -> re.Pattern[str]:
    if not keep:
        return re.compile(f"[{_CONTROLS}]")
    # Everything in the class but the characters to keep (a lookahead keeps the class a single range list).
    return re.compile(f"(?![{re.escape(keep)}])[{_CONTROLS}]")


_PATTERNS: dict[str, re.Pattern[str]] = {}


def escape_controls(text: str, *, keep: str = "\t", json: bool = False) -> str:
    """Replace every control character of `text` but those in `keep` by a visible escape.

    The default keeps only tab: one finding stays one line. Pass `keep="\\t\\n"` where a newline is part of
    the layout (a multi-line error message). With `json=True` the escape is JSON's (`\\u001b`), for text
    that is already a JSON document: the value it decodes to is unchanged, but no raw C1 or bidi control
    (which `json.dumps(ensure_ascii=False)` lets through) reaches a terminal that shows the file.
    Otherwise it is Python's (`\\x1b`, `\\r`, `\\u202e`), readable in a terminal, a log or a table cell.
    """
    pattern = _PATTERNS.get(keep)
    if pattern is None:
        pattern = _PATTERNS[keep] = _pattern(keep)
    if json:
        return pattern.sub(lambda m: f"\\u{ord(m[0]):04x}", text)
    return pattern.sub(_visible, text)


def _visible(match: re.Match[str]) -> str:
    char = match[0]
    code = ord(char)
    if char in _NAMED:
        return _NAMED[char]
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~])")


def md_escape(text: str) -> str:
    """Escape `text` so GitHub shows it literally inside a paragraph or a table cell."""
    # Control characters first (a CR is shown as `\r`, not turned into a line break), keeping newlines,
    # which become <br> below.
    text = escape_controls(text.replace("\r\n", "\n"), keep="\t\n")
    # Entities first (so the escapes below are not themselves escaped), then markdown punctuation.
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MD_SPECIAL.sub(r"\\\1", text)
    # '@' mentions and '#123' references would ping people and link issues from a bot's PR.
    text = text.replace("@", "@\u200b")
    return text.replace("\n", "<br>")


def md_escape_url(url: str) -> str:
    """A URL shown as code, so nothing in it is interpreted (backticks in it are escaped away)."""
    url = escape_controls(url, keep="")
    return "`" + url.replace("`", "%60").replace("|", "%7C") + "`"
