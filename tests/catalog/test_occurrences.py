"""curator.catalog.occurrences: the one walk over every URL of a catalog, with where each one is."""

from __future__ import annotations

from pathlib import Path

import pytest

from curator.catalog.load import Catalog
from curator.catalog.occurrences import catalog_urls, link_occurrences
from curator.urls import normalize
from tests.rules.support import entry, load, section


@pytest.fixture
def catalog(tmp_path: Path) -> Catalog:
    return load(
        tmp_path,
        {
            "tools": section(
                entry(
                    "llama",
                    "LLaMA",
                    "https://github.com/facebookresearch/llama",
                    [
                        ("LLaMA.cpp", "https://github.com/ggerganov/llama.cpp"),
                        ("Paper", "hhttps://arxiv.org/abs/2302.13971"),
                    ],
                ),
                entry("nolink", "No link"),
                entry("only-extra", "Only extra", links=[("Code", "https://WWW.Example.org/code/")]),
            ),
            "courses": section(entry("course", "Course", "https://github.com/facebookresearch/llama"), title="Courses"),
        },
    )


def test_every_url_in_file_and_entry_order_main_url_first(catalog: Catalog) -> None:
    rows = [(o.source.stem, o.index, o.entry.id, o.link, o.url) for o in link_occurrences(catalog)]
    assert rows == [
        ("courses", 0, "course", None, "https://github.com/facebookresearch/llama"),
        ("tools", 0, "llama", None, "https://github.com/facebookresearch/llama"),
        ("tools", 0, "llama", 0, "https://github.com/ggerganov/llama.cpp"),
        ("tools", 0, "llama", 1, "hhttps://arxiv.org/abs/2302.13971"),
        ("tools", 2, "only-extra", 0, "https://WWW.Example.org/code/"),
    ]


def test_fields_labels_and_how_messages_name_them(catalog: Catalog) -> None:
    main, cpp, paper = link_occurrences(catalog)[1:4]
    assert (main.entry_key, main.field_path, main.field, main.label, main.described) == (
        "tools/llama",
        ("url",),
        "url",
        None,
        "the url",
    )
    assert (cpp.field_path, cpp.field, cpp.label) == (("links", 0, "url"), "links[0].url", "LLaMA.cpp")
    assert cpp.described == "link 'LLaMA.cpp' (links[0].url)"
    assert paper.described == "link 'Paper' (links[1].url)"
    # The field path places the URL in its file: a finding's line comes from it.
    text = paper.source.path.read_text(encoding="utf-8").splitlines()
    assert "hhttps://arxiv.org" in text[paper.source.line_of(paper.index, *paper.field_path) - 1]


def test_usable_url_is_the_url_or_its_certain_fix(catalog: Catalog, tmp_path: Path) -> None:
    main, _, paper = link_occurrences(catalog)[1:4]
    assert (main.problem, main.usable_url) == (None, main.url)
    assert paper.problem is not None
    assert paper.usable_url == "https://arxiv.org/abs/2302.13971"
    broken = link_occurrences(load(tmp_path / "b", {"t": section(entry("x", "X", "not a url at all"))}))[0]
    assert broken.problem is not None and broken.problem.fix is None
    assert broken.usable_url is None
    assert broken.key == "not a url at all"  # the text itself still compares equal to itself


def test_key_is_the_normalised_usable_url(catalog: Catalog) -> None:
    occurrences = link_occurrences(catalog)
    course, main, paper, extra = occurrences[0], occurrences[1], occurrences[3], occurrences[4]
    assert course.key == main.key  # the same target, so duplicate-url can find them
    assert paper.key == normalize("https://arxiv.org/abs/2302.13971")
    assert extra.key == normalize("https://example.org/code") != extra.url


def test_catalog_urls_as_written_with_the_entries_using_them(catalog: Catalog) -> None:
    assert catalog_urls(catalog) == {
        "https://github.com/facebookresearch/llama": {"tools/llama", "courses/course"},
        "https://github.com/ggerganov/llama.cpp": {"tools/llama"},
        "hhttps://arxiv.org/abs/2302.13971": {"tools/llama"},
        "https://WWW.Example.org/code/": {"tools/only-extra"},
    }


def test_catalog_urls_only_of_some_entries(catalog: Catalog) -> None:
    assert catalog_urls(catalog, only={"courses/course"}) == {
        "https://github.com/facebookresearch/llama": {"courses/course"}
    }
    assert catalog_urls(catalog, only={"tools/nolink", "tools/only-extra"}) == {
        "https://WWW.Example.org/code/": {"tools/only-extra"}
    }
    assert catalog_urls(catalog, only=set()) == {}
