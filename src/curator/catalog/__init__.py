"""The catalog: models, loading with source positions, writing."""

from curator.catalog.load import Catalog, CatalogSource, load_catalog
from curator.catalog.models import CatalogFile, Column, Entry, ExtraLink, Section

__all__ = [
    "Catalog",
    "CatalogFile",
    "CatalogSource",
    "Column",
    "Entry",
    "ExtraLink",
    "Section",
    "load_catalog",
]
