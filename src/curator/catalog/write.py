"""Write catalog files: deterministic YAML that `curator.catalog.load` reads back to an equal model.

Keys come in schema order, values equal to their defaults are left out (no `links: []`, no `type: text`,
no `label: 🔗`), strings that YAML would read as something else (`512`, `yes`, `2019-10-01`) are quoted,
long lines are never wrapped and multi-line descriptions use literal blocks. Entries are separated by a
blank line so that a diff of one entry stays readable.
"""

from __future__ import annotations

import json
import re
from typing import Any

import yaml

from curator.catalog.models import CatalogFile

_ENTRY_START = "  - id: "


class _Dumper(yaml.SafeDumper):
    """Indents sequences under their key (`entries:\\n  - id: ...`), the way most YAML is written by hand."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


# Numbers as YAML 1.2 reads them (`1e3`, `0o17`): PyYAML (YAML 1.1) leaves these unquoted because to it
# they are strings, but editors validating against schema.json read them as numbers.
_YAML12_NUMBER = re.compile(
    r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|0o[0-7]+|0x[0-9a-fA-F]+"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)"
)


# Line breaks other than "\n": PyYAML mangles them in plain, single-quoted and literal scalars.
_OTHER_BREAKS = re.compile("[\r\x85\u2028\u2029]")


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if _OTHER_BREAKS.search(value):
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"')
    if "\n" in value:
        # PyYAML falls back to a quoted style by itself when a literal block cannot hold the value.
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    if _YAML12_NUMBER.fullmatch(value):
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="'")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_Dumper.add_representer(str, _represent_str)


def catalog_data(model: CatalogFile) -> dict[str, Any]:
    """The model as plain data in schema order, defaults left out."""
    data: dict[str, Any] = model.model_dump(mode="python", exclude_defaults=True)
    return data


def dump_catalog_file(model: CatalogFile, schema_ref: str = "schema.json") -> str:
    """The YAML text of one catalog file, starting with the yaml-language-server schema comment."""
    body = yaml.dump(
        catalog_data(model),
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=2**31 - 1,
        indent=2,
    )
    lines = body.split("\n")
    out: list[str] = [f"# yaml-language-server: $schema={schema_ref}"]
    in_entries = False
    for line in lines:
        if line == "entries:":
            in_entries = True
        elif in_entries and line.startswith(_ENTRY_START) and out[-1] != "entries:":
            out.append("")
        out.append(line)
    return "\n".join(out).rstrip("\n") + "\n"


def schema_json() -> str:
    """The catalog's JSON Schema, as written to `catalog/schema.json` and printed by `curator schema`."""
    return json.dumps(CatalogFile.model_json_schema(), indent=2, sort_keys=True) + "\n"
