"""Rendering tables and splicing them between markers; render → import gives the catalog back."""

from __future__ import annotations

import re

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from curator.catalog.models import CatalogFile, Column, Entry, ExtraLink, LinkEmoji, Section, is_month
from curator.markdown.importer import import_markdown
from curator.markdown.links import find_links, slugify
from curator.markdown.render import MarkerError, render_table, splice
from curator.markdown.repair import repair_text
from curator.markdown.tables import CELL_TRIM, find_tables

TOOLS = CatalogFile(
    section=Section(
        title="Tools",
        columns=[
            Column(header="Name", role="name"),
            Column(header="Description", role="description", align="left"),
            Column(header="Link", role="link", align="center"),
            Column(header="Released", role="field", key="released", type="month", align="right"),
        ],
    ),
    entries=[
        Entry(
            id="a-b",
            name="A | B",
            url="https://a.org/x|y",
            description="First line\nsecond | line.",
            links=[
                ExtraLink(label="cpp", url="https://c.org", column="description"),
                ExtraLink(label="👨‍💻", url="https://g.org"),
            ],
            fields={"released": "2023/03"},
        ),
        Entry(id="b", name="B"),
    ],
)


def test_render_table() -> None:
    assert render_table(TOOLS) == (
        "| Name | Description | Link | Released |\n"
        "| --- | :--- | :---: | ---: |\n"
        "| A \\| B | First line<br>second \\| line. [cpp](https://c.org) | [🔗](https://a.org/x\\|y) [👨‍💻](https://g.org)"
        " | 2023/03 |\n"
        "| B |  |  |  |\n"
    )


def test_render_is_deterministic_and_parses_back() -> None:
    first = render_table(TOOLS)
    assert render_table(TOOLS).encode() == first.encode()
    result = import_markdown("# Tools\n\n" + first, "README.md")
    assert result.files["tools"] == TOOLS
    assert result.warnings == []


def test_linked_name_and_name_links() -> None:
    model = CatalogFile(
        section=Section(title="T", columns=[Column(header="Tool", role="name", linked=True)]),
        entries=[
            Entry(
                id="x", name="X", url="https://x.org", links=[ExtraLink(label="doc", url="https://d", column="name")]
            ),
            Entry(id="y", name="Y"),
        ],
    )
    assert render_table(model) == "| Tool |\n| --- |\n| [X](https://x.org) [doc](https://d) |\n| Y |\n"
    assert import_markdown("# T\n" + render_table(model), "t.md").files["t"] == model


def test_urls_that_need_angle_brackets() -> None:
    model = CatalogFile(
        section=Section(title="T", columns=[Column(header="Name", role="name"), Column(header="Link", role="link")]),
        entries=[Entry(id="x", name="X", url="https://x.org/a b)")],
    )
    assert "[🔗](<https://x.org/a b)>)" in render_table(model)
    assert import_markdown("# T\n" + render_table(model), "t.md").files["t"] == model


def test_metrics_columns_are_appended() -> None:
    out = render_table(TOOLS, metrics={"Stars": ["1.2k"]})
    lines = out.splitlines()
    assert lines[0].endswith("| Released | Stars |")
    assert lines[1].endswith("| ---: | --- |")
    assert lines[2].endswith("| 2023/03 | 1.2k |")
    assert lines[3].endswith("|  |  |")


README = """\
# List

<!-- curator:begin tools -->
old table
<!-- curator:end tools -->

```
<!-- curator:begin example -->
```
Tail.
"""


def test_splice_replaces_only_marked_regions() -> None:
    out = splice(README, {"tools": "| N |\n| --- |\n"}, "README.md")
    assert out == README.replace("old table\n", "| N |\n| --- |\n\n")
    assert splice(out, {"tools": "| N |\n| --- |\n"}, "README.md") == out


@pytest.mark.parametrize(
    ("readme", "tables", "message"),
    [
        (README, {}, "README.md:3: marker for 'tools' but the catalog has no file tools.yaml"),
        (README, {"tools": "x\n", "other": "y\n"}, "README.md: no region for catalog file other.yaml"),
        ("a\n<!-- curator:begin tools -->\nx\n", {"tools": "t\n"}, "README.md:2: begin marker for 'tools' has no end"),
        ("<!-- curator:end tools -->\n", {}, "README.md:1: end marker for 'tools' without a begin marker"),
        (
            "<!-- curator:begin a -->\n<!-- curator:end b -->\n",
            {"a": "t\n"},
            "README.md:2: end marker for 'b' but the open region is 'a'",
        ),
        (
            "<!-- curator:begin a -->\n<!-- curator:begin b -->\n",
            {"a": "t\n"},
            "README.md:2: begin marker for 'b' inside the region of 'a'",
        ),
        (
            "<!-- curator:begin a -->\n<!-- curator:end a -->\n<!-- curator:begin a -->\n<!-- curator:end a -->\n",
            {"a": "t\n"},
            "README.md:3: second region for 'a'",
        ),
    ],
    ids=["unknown-stem", "no-region", "no-end", "end-without-begin", "mismatched-end", "nested", "twice"],
)
def test_splice_errors_name_the_line(readme: str, tables: dict[str, str], message: str) -> None:
    with pytest.raises(MarkerError) as info:
        splice(readme, tables, "README.md")
    assert any(str(p).startswith(message) for p in info.value.problems), info.value.problems


# ---------------------------------------------------------------------------------------------------------
# Property: render, then import, gives the same CatalogFile back.
#
# The strategy leaves out what cannot round-trip by design:
# - leading/trailing whitespace (table cells are trimmed) and blank values (empty cells mean "absent");
# - the literal text `<br>` (it is how a line break is written in a cell) and line breaks in single-line
#   values (names, labels, headers);
# - text that is itself a markdown link `[x](u)` (links are parsed out of cells);
# - text that ftfy would "repair" (import repairs mojibake), alone or in the rendered table;
# - extra links out of cell order: the table keeps the order within a cell, and import lists name links,
#   then description links, then link-cell links;
# - `[`, `]` and `\` in link labels and linked names (they would end or escape the brackets);
# - header words that the importer reads as another role (a field column called "Link");
# - field values that all look like months in a text column (the importer types that column `month`), and
#   a month column without any value (it reads as text);
# - data the table has no cell for: a URL with neither a link column nor a linked name, a description
#   without a description column, extra links for a cell that does not hold them, extra links in the link
#   cell without a main URL, and extra description links after prose that does not end like a sentence
#   (the importer only splits links off after finished prose);
# - ids other than the slug of the name (ids are derived from names on import), a link label other than
#   🔗 when no entry has a URL, and `linked: true` when no entry has a URL.
# ---------------------------------------------------------------------------------------------------------

_TRIM = CELL_TRIM
_chars = st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Co", "Cn"))


def _clean(text: str) -> bool:
    return (
        bool(text.strip())
        and text == text.strip(_TRIM) == text.strip()
        and "<br>" not in text
        and not find_links(text)
        and repair_text(text) == text
    )


line_text = st.text(_chars, min_size=1, max_size=25).filter(_clean)
label_text = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Co", "Cn"), exclude_characters="[]\\"),
    min_size=1,
    max_size=12,
).filter(_clean)
multi_line = st.lists(line_text, min_size=1, max_size=3).map("\n".join)
sentence = st.builds(lambda t, end: t + end, line_text, st.sampled_from(".!?"))
urls = st.builds(
    lambda host, path: f"https://{host}/{path}",
    st.from_regex(r"[a-z0-9]{1,10}(\.[a-z]{2,5}){1,2}", fullmatch=True),
    st.text(st.sampled_from("abcXYZ019-._~%?=&#|()/"), max_size=20),
)
aligns = st.sampled_from([None, "left", "center", "right"])
FIELD_HEADERS = [("Release Date", "release_date"), ("Author", "author"), ("Params (B)", "params_b"),
                 ("Paper/Blog", "paper_blog"), ("License", "license")]  # fmt: skip
months = st.from_regex(r"20[0-9]{2}[/-](0[1-9]|1[0-2])", fullmatch=True)


def _ids(names: list[str]) -> list[str]:
    taken: set[str] = set()
    out = []
    for name in names:
        base = slugify(name) or "entry"
        candidate, n = base, 1
        while candidate in taken:
            n += 1
            candidate = f"{base}-{n}"
        taken.add(candidate)
        out.append(candidate)
    return out


@st.composite
def catalog_files(draw: st.DrawFn) -> CatalogFile:
    has_link = draw(st.booleans())
    has_description = draw(st.booleans())
    field_specs = draw(st.lists(st.sampled_from(FIELD_HEADERS), max_size=3, unique=True))
    month_keys = {key for _, key in field_specs if draw(st.booleans())}
    linked = not has_link and draw(st.booleans())
    n = draw(st.integers(0, 5))
    names = [draw(label_text if linked else line_text) for _ in range(n)]
    has_url = [draw(st.booleans()) if (has_link or linked) else False for _ in range(n)]
    if linked and not any(has_url):
        linked = False  # names drawn for a linked column are valid plain names too
    label = draw(st.sampled_from([LinkEmoji, "code", "GitHub"])) if any(has_url) else LinkEmoji

    entries = []
    for name, entry_id, with_url in zip(names, _ids(names), has_url, strict=True):
        url = draw(urls) if with_url else None
        links: list[ExtraLink] = []
        if url is not None and linked:
            extra = draw(st.lists(st.tuples(label_text, urls), max_size=1))
            links += [ExtraLink(label=lb, url=u, column="name") for lb, u in extra]
        description = None
        if has_description:
            description = draw(st.none() | multi_line)
            if description is None or description[-1] in ".!?":
                extra = draw(st.lists(st.tuples(label_text, urls), max_size=2))
                links += [ExtraLink(label=lb, url=u, column="description") for lb, u in extra]
            elif draw(st.booleans()):
                description = draw(sentence)
                links.append(ExtraLink(label=draw(label_text), url=draw(urls), column="description"))
        if url is not None and has_link:
            links += [ExtraLink(label=lb, url=u) for lb, u in draw(st.lists(st.tuples(label_text, urls), max_size=2))]
        fields = {}
        for _, key in field_specs:
            value = draw(st.none() | (months if key in month_keys else multi_line.filter(lambda v: not is_month(v))))
            if value is not None:
                fields[key] = value
        entries.append(Entry(id=entry_id, name=name, url=url, description=description, links=links, fields=fields))

    month_keys = {key for key in month_keys if any(key in e.fields for e in entries)}
    columns = [Column(header=draw(st.sampled_from(["Name", "Model", "Tool"])), role="name", linked=linked,
                      align=draw(aligns))]  # fmt: skip
    others = []
    if has_description:
        others.append(Column(header=draw(st.sampled_from(["Description", "About"])), role="description",
                             align=draw(aligns)))  # fmt: skip
    if has_link:
        others.append(Column(header=draw(st.sampled_from(["Link", "URL", "Resource"])), role="link", label=label,
                             align=draw(aligns)))  # fmt: skip
    for header, key in field_specs:
        others.append(Column(header=header, role="field", key=key, align=draw(aligns),
                             type="month" if key in month_keys else "text"))  # fmt: skip
    columns += draw(st.permutations(others))
    return CatalogFile(section=Section(title="Things", columns=columns), entries=entries)


@settings(max_examples=100, deadline=None)
@given(model=catalog_files())
def test_render_then_import_gives_the_catalog_back(model: CatalogFile) -> None:
    table = render_table(model)
    assert render_table(model) == table
    assume(repair_text(table) == table)
    result = import_markdown(f"# Things\n\n{table}", "README.md")
    assert result.warnings == []
    assert result.files == {"things": model}
    (parsed,) = find_tables(result.readme)
    assert len(parsed.rows) == len(model.entries)
    assert re.search(r"<!-- curator:begin things -->\n\| ", result.readme)
