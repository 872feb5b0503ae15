"""The catalog schema. Strict: unknown keys are rejected, types are checked, ids are slugs.

URLs are stored as written (single-line strings) rather than parsed: the catalog keeps the list's content
as it is, typos included, and the `malformed-url` rule is what reports a bad one with a fix. Names and
descriptions are inline markdown, written to the README as they are apart from escaping `|` and newlines.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

Slug = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$", max_length=100),
    Field(description="lower-case letters, digits and single '-' or '_' between them"),
]
SingleLine = Annotated[str, StringConstraints(min_length=1, max_length=2000, pattern=r"^[^\r\n]*\S[^\r\n]*$")]
Url = Annotated[
    str,
    StringConstraints(min_length=1, max_length=2048, pattern=r"^[^\r\n]+$"),
    Field(description="an absolute http(s) URL; the malformed-url rule reports anything else"),
]
LinkEmoji = "\U0001f517"  # 🔗, the seed list's link-cell text

_MONTH = re.compile(r"^\d{4}[/-](0[1-9]|1[0-2])$")

_STRICT = ConfigDict(extra="forbid", strict=True, frozen=True, str_strip_whitespace=False)


class Column(BaseModel):
    """One column of the rendered table and where its cells come from."""

    model_config = _STRICT

    header: str = Field(description="header cell text, as rendered")
    role: Literal["name", "description", "link", "field"] = Field(
        description="name/description/link map to the entry's own keys; field maps to entry.fields[key]"
    )
    key: Slug | None = Field(default=None, description="for role 'field': the key in each entry's fields")
    type: Literal["text", "month"] = Field(default="text", description="'month' values must be YYYY/MM or YYYY-MM")
    align: Literal["left", "center", "right"] | None = None
    label: str = Field(default=LinkEmoji, description="for role 'link': the text of the rendered link")
    linked: bool = Field(default=False, description="for role 'name': render the name as a link to the URL")


class Section(BaseModel):
    model_config = _STRICT

    title: SingleLine = Field(description="the README heading this table sits under")
    columns: list[Column] = Field(min_length=1)


class ExtraLink(BaseModel):
    """A link beside the main one (LLaMA's LLaMA.cpp, a tutorial's code)."""

    model_config = _STRICT

    label: SingleLine
    url: Url
    column: Literal["name", "description", "link"] = Field(
        default="link", description="the cell it is rendered in, after that cell's own content"
    )
    before: str | None = Field(
        default=None,
        max_length=2000,
        pattern=r"^[^\r\n]*$",
        description="the cell's text between what precedes this link and the link (', ', ' / '); absent: one space",
    )


CellRole = Literal["name", "description", "link"]


class Around(BaseModel):
    """Text of a cell around what the catalog holds: `🧐 [Name](url)`, `**[Name](url)** (2026)`, `([paper](u))`."""

    model_config = _STRICT

    before: str = Field(default="", max_length=2000, pattern=r"^[^\r\n]*$")
    after: str = Field(default="", max_length=2000, pattern=r"^[^\r\n]*$")


class Entry(BaseModel):
    model_config = _STRICT

    id: Slug = Field(description="stable identifier, unique within its file")
    name: SingleLine
    url: Url | None = Field(default=None, description="the main link; absent only when the list has none")
    description: str | None = Field(default=None, min_length=1, max_length=5000)
    label: SingleLine | None = Field(
        default=None, description="the text of the main link in the link column, when not the column's label"
    )
    url_form: Literal["bare", "autolink"] | None = Field(
        default=None,
        description="how the link cell writes the main URL when not as [label](url): bare, or <url>",
    )
    links: list[ExtraLink] = Field(default_factory=list)
    around: dict[CellRole, Around] = Field(
        default_factory=dict, description="text of the name, description or link cell around the catalog's values"
    )
    fields: dict[Slug, Annotated[str, StringConstraints(max_length=2000)]] = Field(
        default_factory=dict, description="values of the section's 'field' columns, by key"
    )

    @field_validator("description")
    @classmethod
    def _description_not_blank(cls, value: str | None) -> str | None:
        if value is not None and not value.strip():
            raise ValueError("description is blank; leave it out instead")
        return value


class CatalogFile(BaseModel):
    """One YAML file of the catalog: one resource table of the README."""

    model_config = _STRICT

    section: Section
    entries: list[Entry] = Field(default_factory=list)


def is_month(value: str) -> bool:
    return bool(_MONTH.match(value))
