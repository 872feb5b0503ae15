"""`curator import` on one fixture per pattern of real lists (tests/data/import/): nothing lost, nothing
invented, `render --check` passes at once, and a second import gives the same bytes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from curator.catalog.load import load_catalog
from curator.catalog.models import Entry
from curator.main import main
from curator.markdown.files import read_markdown
from curator.markdown.repair import repair_text
from curator.markdown.roundtrip import measure_loss

DATA = Path(__file__).parents[1] / "data" / "import"


def _import(tmp_path: Path, name: str, *extra: str) -> tuple[Path, Path]:
    readme = tmp_path / "README.md"
    shutil.copyfile(DATA / name, readme)
    catalog = tmp_path / "catalog"
    assert main(["import", str(readme), "--catalog", str(catalog), *extra]) == 0
    return readme, catalog


def _round_trip(tmp_path: Path, name: str, *extra: str) -> dict[str, list[Entry]]:
    """Import, check §1 of the issue, and return the entries by file stem."""
    readme, catalog = _import(tmp_path, name, *extra)
    original = read_markdown(DATA / name).text
    loss = measure_loss(repair_text(original), read_markdown(readme).text)
    assert loss.total == 0, loss.lines()
    assert main(["render", "--check", "--catalog", str(catalog), "--readme", str(readme)]) == 0
    before = {p.name: p.read_bytes() for p in [readme, *sorted(catalog.iterdir())]}
    assert main(["import", str(readme), "--catalog", str(catalog), "--force", *extra]) == 0
    after = {p.name: p.read_bytes() for p in [readme, *sorted(catalog.iterdir())]}
    assert after == before
    return {s.stem: s.model.entries for s in load_catalog(catalog).sources}


def _pairs(entries: list[Entry]) -> list[tuple[str, str | None]]:
    return [(e.name, e.url) for e in entries]


def test_per_row_link_labels(tmp_path: Path) -> None:
    (entries,) = _round_trip(tmp_path, "per-row-labels.md").values()
    assert _pairs(entries) == [
        ("GPT", "https://papers.example.org/gpt.pdf"),
        ("BERT", "https://papers.example.org/bert"),
        ("T5", "https://papers.example.org/t5"),
        ("XLNet", "https://papers.example.org/xlnet"),
    ]
    assert entries[1].label == "BERT: Pre-training of Deep Bidirectional Transformers"
    # The column's label is the first of the most common ones; every other entry keeps its own.
    assert entries[0].label is None and entries[2].label == "Exploring the Limits of Transfer Learning"
    text = (tmp_path / "README.md").read_text(encoding="utf-8")
    assert "[GitHub](https://code.example.org/bert)" in text


def test_separators_between_links(tmp_path: Path) -> None:
    (entries,) = _round_trip(tmp_path, "separators.md").values()
    assert _pairs(entries) == [
        ("Anvil", "https://anvil.example.dev/docs"),
        ("Bellows", "https://bellows.example.dev"),
        ("Chisel", "https://papers.example.org/chisel"),
        ("Dowel", "https://dowel.example.dev"),
    ]
    assert [link.before for link in entries[0].links] == [", "]
    assert [link.before for link in entries[1].links] == [" / "]
    assert (entries[2].around["link"].before, entries[2].around["link"].after) == ("(", ")")
    text = (tmp_path / "README.md").read_text(encoding="utf-8")
    assert "| ([paper](https://papers.example.org/chisel)) |" in text


def test_names_holding_links(tmp_path: Path) -> None:
    (entries,) = _round_trip(tmp_path, "linked-names.md").values()
    assert _pairs(entries) == [
        ("AgentTrove", "https://trove.example.com"),
        ("Inspector", "https://inspector.example.com"),
        ("Boldly", "https://boldly.example.com"),
        ("Plain", "https://plain.example.com"),
    ]
    assert entries[0].around["name"].after == " (Apr 2026)"
    assert entries[1].around["name"].before == "🧐 "
    assert (entries[2].around["name"].before, entries[2].around["name"].after) == ("**", "**")
    assert "name" not in entries[3].around


def test_name_column_is_the_linked_titles(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (entries,) = _round_trip(tmp_path, "name-column.md").values()
    out = capsys.readouterr().out
    assert "name column 'Paper': its cells are linked titles; the first column 'Date' holds dates" in out
    assert [e.name for e in entries][:2] == ["Thinking in Steps", "Finding Things Fast"]
    assert entries[0].url == "https://arxiv.example.org/1"
    assert entries[0].fields == {"date": "2024-01", "keywords": "agents", "institute": "Lab A"}


def test_name_column_override(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (entries,) = _round_trip(tmp_path, "name-column.md", "--name-column", "Institute").values()
    assert "name column 'Institute': --name-column" in capsys.readouterr().out
    assert [e.name for e in entries][:2] == ["Lab A", "Lab B"]


def test_glossary_is_prose_and_only_overrides(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    stems = _round_trip(tmp_path, "glossary.md")
    assert list(stems) == ["tools"]
    out = capsys.readouterr().out
    assert "table at line 3 under 'Words we use': left as prose (two columns and no links" in out
    forced = tmp_path / "forced"
    forced.mkdir()
    stems = _round_trip(forced, "glossary.md", "--only", "Words we use")
    assert list(stems) == ["words-we-use"]
    assert [e.name for e in stems["words-we-use"]] == ["Token", "Context window"]


def test_skip_leaves_a_table_alone(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    shutil.copyfile(DATA / "glossary.md", readme)
    assert main(["import", str(readme), "--catalog", str(tmp_path / "c"), "--skip", "tools"]) == 2


def test_table_in_an_html_comment_is_skipped(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (entries,) = _round_trip(tmp_path, "html-comment.md").values()
    assert _pairs(entries) == [("Visible", "https://visible.example.net")]
    assert "README.md:3: table inside an HTML comment: skipped" in capsys.readouterr().err


def test_tables_in_containers_are_left_with_a_warning(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (entries,) = _round_trip(tmp_path, "containers.md").values()
    assert _pairs(entries) == [("Free", "https://free.example.net")]
    err = capsys.readouterr().err
    assert "README.md:5: table inside a block quote: not imported" in err
    assert "README.md:11: table inside a list: not imported" in err
    text = (tmp_path / "README.md").read_text(encoding="utf-8")
    assert "> | Quoted | [🔗](https://quoted.example.net) |" in text


def test_link_forms(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (entries,) = _round_trip(tmp_path, "link-forms.md").values()
    assert [e.url for e in entries][:5] == [
        "https://refs.example.org", "https://web.example.org", "https://mail.example.org",
        "https://twins.example.org", "https://dot.example.org",
    ]  # fmt: skip
    assert entries[4].description == "Read https://a.example/x)."  # kept as written, nothing cut into a URL
    assert (entries[5].url, entries[5].url_form) == ("https://auto.example.org", "autolink")
    err = capsys.readouterr().err
    assert "README.md:5: reference link [the manual][1] kept as text" in err
    assert "README.md:10" not in err  # an autolink cell is the entry's link, written back the same way


def test_bare_url_cells_keep_their_form_and_lose_no_punctuation(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(
        "# T\n\n| Name | Link |\n|---|---|\n| A | https://a.example/x). |\n| B | https://b.example/W_(y) |\n",
        encoding="utf-8",
    )
    catalog = tmp_path / "catalog"
    assert main(["import", str(readme), "--catalog", str(catalog), "--verify"]) == 0
    (source,) = load_catalog(catalog).sources
    a, b = source.model.entries
    assert (a.url, a.url_form, a.around["link"].after) == ("https://a.example/x", "bare", ").")
    assert (b.url, b.url_form) == ("https://b.example/W_(y)", "bare")
    assert "| A | https://a.example/x). |" in readme.read_text(encoding="utf-8")


def test_bom_removal_is_said_as_such(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (entries,) = _round_trip(tmp_path, "bom-zero-width.md").values()
    assert entries[0].name == "Zero\u200bWidth"
    err = capsys.readouterr().err
    assert "README.md:1: removed a byte-order mark or zero-width character on 1 line(s)" in err
    assert "mojibake" not in err


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("markers-two-tables.md", "README.md:8: second table in the region of 'tools' (lines 3-12)"),
        ("markers-unclosed.md", "README.md:3: begin marker for 'tools' has no end marker"),
        ("markers-empty.md", "README.md:3: the region of 'tools' (lines 3-5) holds no table"),
        ("markers-mismatched.md", "README.md:8: end marker for 'gadgets' but the open region is 'tools'"),
    ],
)
def test_marker_problems_are_errors_and_nothing_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, message: str
) -> None:
    readme = tmp_path / "README.md"
    shutil.copyfile(DATA / name, readme)
    catalog = tmp_path / "catalog"
    assert main(["import", str(readme), "--catalog", str(catalog)]) == 2
    assert message in capsys.readouterr().err
    assert not catalog.exists()
    assert readme.read_bytes() == (DATA / name).read_bytes()


def test_unclosed_begin_marker_on_a_forced_reimport(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    readme, catalog = _import(tmp_path, "separators.md")
    text = readme.read_text(encoding="utf-8")
    readme.write_text(text.replace("<!-- curator:end toolkits -->\n", ""), encoding="utf-8")
    before = {p: p.read_bytes() for p in [readme, *catalog.iterdir()]}
    assert main(["import", str(readme), "--catalog", str(catalog), "--force"]) == 2
    assert "begin marker for 'toolkits' has no end marker" in capsys.readouterr().err
    assert {p: p.read_bytes() for p in [readme, *catalog.iterdir()]} == before


def test_verify_reports_no_loss_on_the_seed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from tests.conftest import SEED

    readme = tmp_path / "README.md"
    readme.write_bytes(SEED.read_bytes())
    assert main(["import", str(readme), "--catalog", str(tmp_path / "c"), "--verify"]) == 0
    assert "verify: lost 0 labels, 0 urls, 0 tags, 0 emoji, 0 words" in capsys.readouterr().out


def test_verify_names_what_would_be_lost(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(
        "# T\n\n| Name | Link |\n|---|---|\n| A | [🔗](https://a.example) | surplus |\n", encoding="utf-8"
    )
    assert main(["import", str(readme), "--catalog", str(tmp_path / "c"), "--verify"]) == 1
    captured = capsys.readouterr()
    assert "README.md:5: row has 3 cells, the header 2; extra cell(s) not imported: 'surplus'" in captured.err
    assert "verify: lost 1 words: 'surplus'" in captured.out
