"""Escaping for text that reaches markdown from outside: catalog values, page titles, messages.

GitHub renders markdown with HTML allowed, so an unescaped page title could inject links, images or
markup into a pull request. Everything that is not ours is escaped before it is written.
"""

from __future__ import annotations

import re

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~])")


def md_escape(text: str) -> str:
    """Escape `text` so GitHub shows it literally inside a paragraph or a table cell."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # Entities first (so the escapes below are not themselves escaped), then markdown punctuation.
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MD_SPECIAL.sub(r"\\\1", text)
    # '@' mentions and '#123' references would ping people and link issues from a bot's PR.
    text = text.replace("@", "@\u200b")
    return text.replace("\n", "<br>")


def md_escape_url(url: str) -> str:
    """A URL shown as code, so nothing in it is interpreted (backticks in it are escaped away)."""
    return "`" + url.replace("`", "%60").replace("|", "%7C").replace("\n", "") + "`"
