"""Loading the catalog: valid files load with positions; every kind of bad input gets one line per problem
naming file:line:column and the field, and the CLI exits 2 without a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from curator.catalog.load import load_catalog
from curator.errors import CatalogError
from curator.main import main
from tests.support.catalogs import tools_file, write_catalog


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # paths in messages are shown relative to the working directory


GOOD = tools_file(
    """\
  - id: alpha
    name: Alpha
    url: https://example.org/alpha
    description: The first tool.
    fields: {released: "2023/03"}
  - id: beta
    name: Beta
    url: https://example.org/beta
    links:
      - {label: Docs, url: "https://example.org/beta/docs", column: description}
"""
)


def load_problems(tmp_path: Path, text: str) -> list[str]:
    catalog = write_catalog(tmp_path, {"tools": text})
    with pytest.raises(CatalogError) as info:
        load_catalog(catalog)
    return [str(p) for p in info.value.problems]


def test_valid_catalog_loads_with_positions(tmp_path: Path) -> None:
    catalog = load_catalog(write_catalog(tmp_path, {"tools": GOOD}))
    assert catalog.entry_count == 2
    source, index, entry = list(catalog.entries())[1]
    assert source.entry_key(entry) == "tools/beta"
    assert source.line_of(index, "url") == 16
    assert source.line_of(index, "links", 0, "url") == 18
    assert entry.links[0].column == "description"


def test_broken_yaml_names_the_line(tmp_path: Path) -> None:
    problems = load_problems(tmp_path, GOOD + "  - id: [unclosed\n")
    assert len(problems) == 1
    assert problems[0].startswith("catalog/tools.yaml:20:")
    assert "invalid YAML" in problems[0]


def test_every_problem_in_a_file_is_reported_at_once(tmp_path: Path) -> None:
    text = tools_file(
        """\
  - id: alpha
    name: Alpha
    homepage: https://example.org
  - id: beta
    name: 42
  - id: Not A Slug
    name: Gamma
"""
    )
    problems = load_problems(tmp_path, text)
    assert problems == [
        "catalog/tools.yaml:11:5: entries[0].homepage: unknown key 'homepage'",
        'catalog/tools.yaml:13:11: entries[1].name: Input should be a valid string — quote it: "42"',
        "catalog/tools.yaml:14:9: entries[2].id: must be a slug: lower-case letters and digits joined "
        "by single '-' or '_'",
    ]


def test_duplicate_ids_and_unknown_fields(tmp_path: Path) -> None:
    text = tools_file(
        """\
  - id: alpha
    name: Alpha
    fields: {released: "2023/13", licence: MIT}
  - id: alpha
    name: Alpha again
"""
    )
    problems = load_problems(tmp_path, text)
    assert problems == [
        "catalog/tools.yaml:11:24: entries[0].fields.released: '2023/13' is not a month (YYYY/MM or YYYY-MM)",
        "catalog/tools.yaml:11:44: entries[0].fields.licence: unknown field 'licence' (section fields: released)",
        "catalog/tools.yaml:12:9: entries[1].id: duplicate id 'alpha' (first used by entry 1)",
    ]


def test_duplicate_yaml_keys_are_not_silently_merged(tmp_path: Path) -> None:
    text = tools_file("  - id: alpha\n    name: Alpha\n    name: Beta\n")
    problems = load_problems(tmp_path, text)
    assert problems == ["catalog/tools.yaml:11:5: duplicate key 'name' (first defined on line 10)"]


def test_missing_required_field(tmp_path: Path) -> None:
    problems = load_problems(tmp_path, tools_file("  - id: alpha\n"))
    assert problems == ["catalog/tools.yaml:9:5: entries[0].name: required field is missing"]


def test_problems_in_several_files_are_all_reported(tmp_path: Path) -> None:
    catalog = write_catalog(tmp_path, {"a": "section: [\n", "b": tools_file("  - {id: x}\n"), "c": GOOD})
    with pytest.raises(CatalogError) as info:
        load_catalog(catalog)
    files = [p.file for p in info.value.problems]
    assert files == ["catalog/a.yaml", "catalog/b.yaml"]


def test_non_utf8_and_non_mapping_files(tmp_path: Path) -> None:
    catalog = write_catalog(tmp_path, {"list": "- just\n- a list\n"})
    (catalog / "latin1.yaml").write_bytes("name: caf\xe9\n".encode("latin-1"))
    with pytest.raises(CatalogError) as info:
        load_catalog(catalog)
    assert [str(p) for p in info.value.problems] == [
        "catalog/latin1.yaml:1:1: file is not valid UTF-8 (byte 9)",
        "catalog/list.yaml:1:1: expected a mapping with 'section' and 'entries'",
    ]


def test_missing_catalog_directory(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match="catalog directory does not exist"):
        load_catalog(tmp_path / "nope")


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_cli_exits_2_with_one_line_per_problem(tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str) -> None:
    write_catalog(tmp_path, {"tools": tools_file("  - id: alpha\n    name: Alpha\n    colour: red\n")})
    code = main(["check", "--offline", "--catalog", str(tmp_path / "catalog"), "--format", fmt])
    captured = capsys.readouterr()
    assert code == 2
    assert "Traceback" not in captured.err
    assert captured.err.strip().endswith("entries[0].colour: unknown key 'colour'")
    assert "catalog/tools.yaml:11:5:" in captured.err
    if fmt == "json":
        assert '"rule": "schema"' in captured.out


@pytest.mark.parametrize(
    "text",
    [
        GOOD,
        GOOD + "  - id: [unclosed\n",
        tools_file("  - id: alpha\n    name: Alpha\n    name: Beta\n"),
        tools_file("  - id: alpha\n    name: Alpha\n  - id: alpha\n    name: Again\n"),
        tools_file("  - id: alpha\n    name: Alpha\n    homepage: x\n"),
        tools_file("  - &a {id: alpha, name: Alpha}\n"),
    ],
)
def test_loading_without_positions_gives_the_same_result(tmp_path: Path, text: str) -> None:
    catalog = write_catalog(tmp_path, {"tools": text})

    def outcome(positions: bool) -> object:
        try:
            loaded = load_catalog(catalog, positions=positions)
        except CatalogError as exc:
            return [str(p) for p in exc.problems]
        return [(s.model, [s.line_of(i, "name") for i in range(len(s.model.entries))]) for s in loaded.sources]

    assert outcome(positions=False) == outcome(positions=True)
