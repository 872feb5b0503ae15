"""escape_controls: every control character from outside shown as an escape, nothing else changed."""

from __future__ import annotations

import json

import pytest

from curator.report.textsafe import escape_controls, md_escape, md_escape_url


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("\x1b[31mred", "\\x1b[31mred"),  # ESC (C0)
        ("a\rb", "a\\rb"),
        ("a\nb", "a\\nb"),  # one finding stays one line
        ("\x00\x07\x08\x7f", "\\x00\\x07\\x08\\x7f"),  # NUL, BEL, BS, DEL
        ("\x85\x9b2J", "\\x85\\x9b2J"),  # C1: NEL, CSI
        ("\u202a\u202b\u202c\u202d\u202e", "\\u202a\\u202b\\u202c\\u202d\\u202e"),  # embeddings, overrides
        ("\u2066\u2067\u2068\u2069", "\\u2066\\u2067\\u2068\\u2069"),  # isolates
        ("tab\there", "tab\there"),  # kept by default
        ("Café — naïve 🚀 \\x1b \u200b", "Café — naïve 🚀 \\x1b \u200b"),  # everything else is left as it is
    ],
)
def test_escape_controls(raw: str, shown: str) -> None:
    assert escape_controls(raw) == shown


def test_what_to_keep_is_chosen_by_the_caller() -> None:
    assert escape_controls("a\tb\nc\rd", keep="\t\n") == "a\tb\nc\\rd"
    assert escape_controls("a\tb", keep="") == "a\\tb"


def test_json_mode_escapes_as_json_and_keeps_the_values() -> None:
    value = "x\u202ey\x85z\x7f"
    text = escape_controls(json.dumps({"v": value}, ensure_ascii=False), json=True)
    assert text == '{"v": "x\\u202ey\\u0085z\\u007f"}'
    assert json.loads(text) == {"v": value}


def test_markdown_escapes_show_controls_too() -> None:
    assert md_escape("a\x1bb\rc\r\nd") == "a\\\\x1bb\\\\rc<br>d"  # `\\x1b` in the source shows as `\x1b`
    assert md_escape_url("https://x.example/\u202e\n") == "`https://x.example/\\u202e\\n`"
