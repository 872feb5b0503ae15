"""`curator import` and `render` on hostile markdown: CR-only and mixed line endings, HTML nested thousands
deep, marker names that are paths. Through main(argv), on real files."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from curator.main import main

TABLE = """\
| Name | Description | Link |
|---|---|---|
| Alpha | A model. | [Link](https://example.org/a) |
| Beta | B model. | [Link](https://example.org/b) |
"""
BEFORE = "# List\n\nSome prose.\n\n## Research LLMs\n\n"
AFTER = "\nEnd of the prose.\n"


def with_endings(text: str, endings: list[str]) -> bytes:
    """`text` with its line endings taken in turn from `endings`."""
    lines = text.split("\n")
    out = "".join(line + endings[i % len(endings)] for i, line in enumerate(lines[:-1])) + lines[-1]
    return out.encode("utf-8")


def outside_the_region(data: bytes) -> tuple[bytes, bytes]:
    """The bytes before the begin marker and after the end marker."""
    match = re.search(rb"<!-- curator:begin research-llms -->.*<!-- curator:end research-llms -->", data, re.S)
    assert match is not None, data
    return data[: match.start()], data[match.end() :]


def import_then_check(tmp_path: Path, capsys: pytest.CaptureFixture[str], data: bytes) -> bytes:
    readme = tmp_path / "README.md"
    readme.write_bytes(data)
    assert main(["import", str(readme), "--catalog", str(tmp_path / "catalog")]) == 0
    assert main(["render", "--check", "--catalog", str(tmp_path / "catalog"), "--readme", str(readme)]) == 0
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return readme.read_bytes()


@pytest.mark.parametrize(
    "endings",
    # (A CR ending before an empty line ending in LF would read as one CRLF: these mixes avoid that.)
    [["\r"], ["\r\n", "\n", "\r"], ["\r", "\r\n"], ["\r\n", "\r"]],
    ids=["cr", "crlf-lf-cr", "cr-crlf", "crlf-cr"],
)
def test_line_endings_are_read_and_kept(tmp_path: Path, capsys: pytest.CaptureFixture[str], endings: list[str]) -> None:
    original = with_endings(BEFORE + TABLE + AFTER, endings)
    written = import_then_check(tmp_path, capsys, original)
    before, after = outside_the_region(written)
    last_row = b"| Beta | B model. | [Link](https://example.org/b) |"
    table_end = original.index(last_row) + len(last_row)
    rest = original[table_end + (2 if original[table_end:].startswith(b"\r\n") else 1) :]
    assert before == original[: original.index(b"| Name")]  # every byte before the table
    assert after.endswith(rest) and len(after) - len(rest) <= 2  # every byte after the table's last line
    # Rendering again changes nothing.
    assert main(["render", "--catalog", str(tmp_path / "catalog"), "--readme", str(tmp_path / "README.md")]) == 0
    assert (tmp_path / "README.md").read_bytes() == written


def test_cr_only_file_keeps_cr_everywhere(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    written = import_then_check(tmp_path, capsys, (BEFORE + TABLE + AFTER).replace("\n", "\r").encode())
    assert b"\n" not in written
    assert written.startswith(b"# List\r\rSome prose.\r\r## Research LLMs\r\r<!-- curator:begin research-llms -->\r")
    assert written.endswith(b"<!-- curator:end research-llms -->\r\rEnd of the prose.\r")


def test_render_keeps_the_endings_of_a_mixed_readme(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import_then_check(tmp_path, capsys, (BEFORE + TABLE + AFTER).encode())  # the catalog
    marked = BEFORE + "<!-- curator:begin research-llms -->\nold\n<!-- curator:end research-llms -->\n" + AFTER
    original = with_endings(marked, ["\r\n", "\n", "\r"])
    readme = tmp_path / "README.md"
    readme.write_bytes(original)
    assert main(["render", "--catalog", str(tmp_path / "catalog"), "--readme", str(readme)]) == 0
    rendered = readme.read_bytes()
    assert b"| Alpha | A model. |" in rendered
    assert outside_the_region(rendered) == outside_the_region(original)
    assert main(["render", "--check", "--catalog", str(tmp_path / "catalog"), "--readme", str(readme)]) == 0


def test_thousands_of_nested_html_lines(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    nested = "<div>\n" * 2000 + "| Name | Link |\n|---|---|\n| Gamma | [Link](https://example.org/g) |\n"
    text = BEFORE + TABLE + "\n## Nested\n\n" + nested + "</div>\n" * 2000 + AFTER
    written = import_then_check(tmp_path, capsys, text.encode())
    assert written.count(b"<div>\n") == 2000
    assert b"<!-- curator:begin nested -->\n| Name | Link |\n" in written
    assert (tmp_path / "catalog" / "nested.yaml").exists()


def test_html_nested_too_deep_to_look_into_is_a_warning(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # `<pre>` blocks end at `</pre>`, not at a blank line: each level would be parsed again in full.
    text = BEFORE + TABLE + "\n" + "<pre>\n" * 2000 + "| Name | Link |\n|---|---|\n| G | [L](https://g.org) |\n"
    readme = tmp_path / "README.md"
    readme.write_text(text, encoding="utf-8")
    assert main(["import", str(readme), "--catalog", str(tmp_path / "catalog")]) == 0
    err = capsys.readouterr().err
    assert f"{readme}:45: HTML nested more than 32 blocks deep: not looked into" in err


@pytest.mark.parametrize("name", ["../escaped", "<absolute>", "Tools", "a/b", "-x", "x.y", "é"])
def test_marker_names_that_are_not_plain_are_refused_by_import(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    absolute = tmp_path / "absolute"  # the old importer wrote `<name>.yaml` for an absolute name
    name = name.replace("<absolute>", str(absolute))
    shown = name if len(name) <= 60 else name[:59] + "…"  # a long name is shortened in the message
    text = f"# List\n\n<!-- curator:begin {name} -->\n{TABLE}\n<!-- curator:end {name} -->\n"
    readme = tmp_path / "docs" / "README.md"
    readme.parent.mkdir()
    readme.write_text(text, encoding="utf-8")
    catalog = tmp_path / "docs" / "catalog"
    assert main(["import", str(readme), "--catalog", str(catalog)]) == 2
    err = capsys.readouterr().err
    assert f"{readme}:3: marker name {shown!r} is not a plain name" in err
    assert f"{readme}:9: marker name {shown!r} is not a plain name" in err
    assert not catalog.exists()
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")) == ["docs", "docs/README.md"]
    assert readme.read_text(encoding="utf-8") == text


def test_marker_names_that_are_not_plain_are_refused_by_render(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    readme = tmp_path / "README.md"
    readme.write_bytes(with_endings(BEFORE + TABLE + AFTER, ["\n"]))
    import_then_check(tmp_path, capsys, readme.read_bytes())
    imported = readme.read_text(encoding="utf-8")
    hostile = imported + "<!-- curator:begin ../../x -->\n<!-- curator:end ../../x -->\n"
    readme.write_text(hostile, encoding="utf-8")
    for args in (["render"], ["render", "--check"]):
        assert main([*args, "--catalog", str(tmp_path / "catalog"), "--readme", str(readme)]) == 2
        err = capsys.readouterr().err
        line = hostile.count("\n") - 1
        assert f"{readme}:{line}: marker name '../../x' is not a plain name" in err
        assert f"{readme}:{line + 1}: marker name '../../x' is not a plain name" in err
    assert readme.read_text(encoding="utf-8") == hostile
