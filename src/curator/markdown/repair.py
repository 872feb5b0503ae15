"""Repair mojibake: UTF-8 text that was decoded with a single-byte codec (cp1252, cp1254) somewhere.

`ftfy` does the work. It is configured to change encoding damage only: curly quotes, ligatures,
full-width letters, HTML entities and Unicode normalisation are content and stay as written.

One damage pattern ftfy cannot undo on its own: the zero-width joiner of an emoji sequence (UTF-8
`E2 80 8D`) loses its last byte on the way, because 0x8D has no character in cp1252/cp1254. What is
left is `â€` glued between two mojibake emoji (`ğŸ‘¨â€ğŸ’»` for 👨‍💻). We put the lost byte back (as
U+008D, the character ftfy's "sloppy" codecs map it to) before handing the text to ftfy.
"""

from __future__ import annotations

import re

import ftfy

_CONFIG = ftfy.TextFixerConfig(
    unescape_html=False,
    fix_latin_ligatures=False,
    fix_character_width=False,
    uncurl_quotes=False,
    fix_line_breaks=False,
    normalization=None,
)

# `â€` (E2 80) directly followed by the mojibake of a 4-byte UTF-8 sequence (F0 9F ..): `ğŸ` (cp1254)
# or `ðŸ` (cp1252). A complete `E2 80 xx` sequence would have a third character before the emoji.
_LOST_ZWJ = re.compile("â€(?=[ğð]Ÿ)")


def repair_text(text: str) -> str:
    """Return `text` with mojibake repaired; text without encoding damage is returned unchanged."""
    if not text:
        return text
    restored = _LOST_ZWJ.sub("â€\x8d", text)
    fixed = ftfy.fix_text(restored, _CONFIG)
    if "\x8d" in fixed and "\x8d" not in text:
        # The guess was wrong and ftfy left our byte in place: keep the text as it was.
        fixed = ftfy.fix_text(text, _CONFIG)
    return fixed
