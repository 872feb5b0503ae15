"""Which URLs a catalog contains, and which entries use each."""

from __future__ import annotations

from curator.catalog.load import Catalog


def catalog_urls(catalog: Catalog, only: set[str] | None = None) -> dict[str, set[str]]:
    """Every URL of the catalog (main and extra links), as written, with the entry keys using it.
    With `only`, just the URLs of those entry keys."""
    out: dict[str, set[str]] = {}
    for source, _index, entry in catalog.entries():
        key = source.entry_key(entry)
        if only is not None and key not in only:
            continue
        for url in ([entry.url] if entry.url else []) + [link.url for link in entry.links]:
            out.setdefault(url, set()).add(key)
    return out
