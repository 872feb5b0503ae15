"""Values YAML cannot construct, or constructs as the wrong type: one `file:line:column: field: message`
line each, exit 2 from `check --offline` and `render`, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from curator.main import main
from tests.support.catalogs import write_catalog

HEAD = """\
section:
  title: Tools
  columns:
    - {header: Name, role: name}
    - {header: Released, role: field, key: released}
entries:
  - id: alpha
    name: Alpha
    fields:
"""
# The value of `released` starts on line 10, column 17.
WHERE = "catalog/tools.yaml:10:17: entries[0].fields.released: "
BIG = "9" * 5000
PLAIN = "(catalog values are plain strings, numbers, booleans, lists and mappings)"


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # paths in messages are shown relative to the working directory


def run(tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, command: str) -> list[str]:
    """Run `command` on a catalog holding `text`; the error lines (exit 2 asserted)."""
    write_catalog(tmp_path, {"tools": text})
    (tmp_path / "README.md").write_text("<!-- curator:begin tools -->\n<!-- curator:end tools -->\n")
    args = ["check", "--offline"] if command == "check" else ["render"]
    code = main([*args, "--catalog", "catalog", "--readme", "README.md"] if command == "render" else args)
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    assert code == 2, captured.err
    return captured.err.removeprefix("curator: ").rstrip("\n").split("\n")


@pytest.mark.parametrize("command", ["check", "render"])
@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2023-02-30", '2023-02-30 is not a valid date (day is out of range for month) — quote it: "2023-02-30"'),
        (
            "2023-13-01 10:00:00",
            '2023-13-01 10:00:00 is not a valid date (month must be in 1..12) — quote it: "2023-13-01 10:00:00"',
        ),
        ("!!int abc", "'abc' is not a valid !!int"),
        ("!!float x", "'x' is not a valid !!float"),
        ("!!bool maybe", "'maybe' is not a valid !!bool"),
        ("!!timestamp nope", "'nope' is not a valid !!timestamp"),
        ("!!int", "'' is not a valid !!int"),
        (BIG, "an integer of 5000 digits is too long to read — quote it if it is text"),
        (
            "!!python/object:os.system echo",
            "unsupported tag '!!python/object:os.system' (catalog values are plain strings, numbers, booleans, "
            "lists and mappings)",
        ),
        (
            "!foo bar",
            "unsupported tag '!foo' (catalog values are plain strings, numbers, booleans, lists and mappings)",
        ),
        ("2023-02-28", 'Input should be a valid string — quote it: "2023-02-28"'),
        ("yes", 'Input should be a valid string — quote it: "yes"'),
        ("1.10", 'Input should be a valid string — quote it: "1.10"'),
    ],
)
def test_one_line_per_bad_value(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str, value: str, message: str
) -> None:
    assert run(tmp_path, capsys, HEAD + f"      released: {value}\n", command) == [WHERE + message]


@pytest.mark.parametrize("command", ["check", "render"])
def test_unknown_tags_are_reported_at_their_own_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    text = (
        HEAD
        + "      released: '2023/01'\n"
        + "  - !!python/object:__main__.Thing\n"
        + "    id: beta\n"
        + "    name: Beta\n"
        + "  - id: gamma\n"
        + "    name: !foo Gamma\n"
        + "    links: !!set {a, b}\n"
    )
    assert run(tmp_path, capsys, text, command) == [
        "catalog/tools.yaml:11:5: entries[1]: unsupported tag '!!python/object:__main__.Thing' (catalog values "
        "are plain strings, numbers, booleans, lists and mappings)",
        "catalog/tools.yaml:15:11: entries[2].name: unsupported tag '!foo' (catalog values are plain strings, "
        "numbers, booleans, lists and mappings)",
        "catalog/tools.yaml:16:12: entries[2].links: unsupported tag '!!set' (catalog values are plain strings, "
        "numbers, booleans, lists and mappings)",
    ]


def test_a_bad_key_is_reported_at_the_key(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines = run(tmp_path, capsys, HEAD + f"      ? {BIG}\n      : x\n", "check")  # a long key needs `?`
    assert lines == [
        f"catalog/tools.yaml:10:9: entries[0].fields: key '{BIG[:39]}…': an integer of 5000 digits is too long "
        "to read — quote it if it is text"
    ]


def test_every_bad_value_is_reported_at_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = HEAD + "      released: 2023-02-30\n  - id: beta\n    name: !!int abc\n"
    assert run(tmp_path, capsys, text, "check") == [
        WHERE + '2023-02-30 is not a valid date (day is out of range for month) — quote it: "2023-02-30"',
        "catalog/tools.yaml:12:11: entries[1].name: 'abc' is not a valid !!int",
    ]


def test_a_wrong_mapping_key_is_reported_at_the_key(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = HEAD + "      2023: x\n  - id: beta\n    name: Beta\n    fields: {true: y, Bad Key: z}\n"
    assert run(tmp_path, capsys, text, "check") == [
        'catalog/tools.yaml:10:7: entries[0].fields: key 2023: Input should be a valid string — quote it: "2023"',
        'catalog/tools.yaml:13:14: entries[1].fields: key true: Input should be a valid string — quote it: "true"',
        "catalog/tools.yaml:13:23: entries[1].fields: key 'Bad Key': must be a slug: lower-case letters and "
        "digits joined by single '-' or '_'",
    ]
