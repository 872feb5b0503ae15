"""The command line's exit codes: a bug is exit 3 with one line and a crash file, never a bare traceback and
exit 1 (which workflows read as findings); the exit codes are in every --help.

A bug cannot be provoked from outside on purpose (every input problem is a CuratorError), so these tests add
a command to the dispatch table, `main.COMMANDS`, the same way a real command is registered, and make it
fail the way a bug would.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest

from curator import PROJECT_URL
from curator.main import COMMANDS, Command, main


class Unexpected(Exception):
    pass


def _bug(args: argparse.Namespace) -> int:
    # A bug deep in a command, whose message carries raw text from outside (a server's reply, say).
    raise Unexpected("reply \x1b[31mred\rover\u202eesrever\nsecond line")


def _register(monkeypatch: pytest.MonkeyPatch, name: str, run: Callable[[argparse.Namespace], int]) -> None:
    def arguments(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--flag", action="store_true")

    monkeypatch.setitem(COMMANDS, name, Command(help="test", description="test", arguments=arguments, run=run))


@pytest.fixture
def temp_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The directory crash files go to (tempfile's, pointed at a fresh one)."""
    crash_dir = tmp_path / "tmp"
    crash_dir.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(crash_dir))
    return crash_dir


LINE = re.compile(
    r"curator: internal error: Unexpected: reply \\x1b\[31mred\\rover\\u202eesrever\\nsecond line — "
    r"please report it at " + re.escape(PROJECT_URL) + r"/issues \(traceback in (?P<path>.+)\)"
)


def test_a_bug_is_one_line_a_crash_file_and_exit_3(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], temp_dir: Path
) -> None:
    _register(monkeypatch, "explode", _bug)
    assert main(["explode", "--flag"]) == 3
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1 and err.endswith("\n"), err  # exactly one line, control characters escaped
    match = LINE.fullmatch(err.rstrip("\n"))
    assert match, err
    crash = Path(match["path"])
    assert crash.parent == temp_dir and crash.name.startswith("curator-crash-") and crash.suffix == ".txt"
    text = crash.read_bytes().decode("utf-8")  # not read_text: that would turn the CR into a newline
    assert "command line: curator explode --flag" in text
    assert "Traceback (most recent call last)" in text
    assert "in _bug\n    raise Unexpected(" in text  # the frame that failed
    assert text.endswith(".Unexpected: reply \x1b[31mred\rover\u202eesrever\nsecond line\n")  # as it was


@pytest.mark.parametrize("argv", [["--debug", "explode"], ["explode", "--debug"], ["explode", "--debug", "--flag"]])
def test_debug_prints_the_traceback_instead(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], temp_dir: Path, argv: list[str]
) -> None:
    _register(monkeypatch, "explode", _bug)
    assert main(argv) == 3
    err = capsys.readouterr().err
    assert err.startswith("Traceback (most recent call last)")
    assert "in _bug\n    raise Unexpected(" in err
    last = err.rstrip("\n").split("\n")[-1]
    assert last == (
        "curator: internal error: Unexpected: reply \\x1b[31mred\\rover\\u202eesrever\\nsecond line — "
        f"please report it at {PROJECT_URL}/issues (traceback above)"
    )
    assert list(temp_dir.iterdir()) == []  # no crash file


def test_no_writable_temp_dir_puts_the_traceback_on_stderr(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    _register(monkeypatch, "explode", _bug)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "missing"))
    assert main(["explode"]) == 3
    err = capsys.readouterr().err
    assert "Traceback (most recent call last)" in err
    assert err.rstrip("\n").endswith("(traceback above)")


def _interrupt(args: argparse.Namespace) -> int:
    raise KeyboardInterrupt


def _sigterm(args: argparse.Namespace) -> int:
    os.kill(os.getpid(), signal.SIGTERM)
    signal.pause()  # the handler raises before this returns
    return 0


def _broken_pipe(args: argparse.Namespace) -> int:
    raise BrokenPipeError


@pytest.mark.parametrize(
    ("run", "code", "message"),
    [(_interrupt, 130, "interrupted"), (_sigterm, 143, "terminated"), (_broken_pipe, 1, None)],
)
def test_interruptions_keep_their_codes(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    temp_dir: Path,
    run: Callable[[argparse.Namespace], int],
    code: int,
    message: str | None,
) -> None:
    _register(monkeypatch, "stop", run)
    assert main(["stop"]) == code
    err = capsys.readouterr().err
    assert "internal error" not in err and "Traceback" not in err
    if message:
        assert err == f"curator: {message}; this run was not recorded\n"
    assert list(temp_dir.iterdir()) == []


def test_a_curator_error_is_exit_2_with_its_message_escaped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["check", "--offline", "--catalog", "cat\x1b]0;owned\x07\u202e"]) == 2
    err = capsys.readouterr().err
    assert err == "curator: cat\\x1b]0;owned\\x07\\u202e: catalog directory does not exist\n"


def test_unknown_options_are_still_usage_errors(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["schema", "--debugx"])
    assert info.value.code == 2
    assert "unrecognized arguments: --debugx" in capsys.readouterr().err


COMMON_EXIT_LINES = [
    "exit codes:",
    "  2    usage, configuration, catalog or network failure (a message says what)",
    "  3    internal error: a bug (please report it; the message names the traceback's file)",
    "  130  interrupted (Ctrl-C)",
    "  143  terminated (SIGTERM)",
]
OWN_EXIT_LINES = {
    None: ["  0    done: no finding has error severity (check)", "  1    check: error findings;"],
    "check": ["  0    no finding has error severity", "  1    some finding has error severity"],
    "render": ["  0    the README was written, or (--check) is up to date", "  1    --check: the README is out"],
    "fix": ["  0    the run completed"],
    "pr": ["  0    the run completed"],
    "serve": ["  0    stopped by SIGTERM or Ctrl-C (a normal end)"],
    "import": ["  0    imported", "  1    --verify: the rendered file would lose"],
    "init": ["  0    the files were written"],
    "schema": ["  0    done"],
    "rules": ["  0    done"],
    "config": ["  0    done"],
}


def test_every_command_is_covered() -> None:
    assert set(OWN_EXIT_LINES) - {None} == set(COMMANDS)


@pytest.mark.parametrize("command", list(OWN_EXIT_LINES), ids=lambda c: c or "curator")
def test_help_lists_the_exit_codes(capsys: pytest.CaptureFixture[str], command: str | None) -> None:
    with pytest.raises(SystemExit) as info:
        main([command, "--help"] if command else ["--help"])
    assert info.value.code == 0
    lines = capsys.readouterr().out.splitlines()
    for expected in COMMON_EXIT_LINES + OWN_EXIT_LINES[command]:
        assert any(line.startswith(expected) for line in lines), f"{expected!r} not in --help of {command}"
    if command not in ("check", "render", "import", None):
        assert not any(line.startswith("  1 ") for line in lines)  # no exit 1 of its own
    assert any("--debug" in line for line in lines)
