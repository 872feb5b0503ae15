"""The `schema` rule: the catalog's load and validation errors."""

from __future__ import annotations

from collections.abc import Iterable

from curator.findings import Finding, Severity
from curator.rules.base import RuleContext, rule


@rule("schema", Severity.ERROR)
def schema(ctx: RuleContext) -> Iterable[Finding]:
    """The catalog must load and validate against its schema.

    Reported for invalid YAML, unknown keys, values of the wrong type, ids that are not slugs or not unique
    within their file, fields that are not columns of their section, and months not written YYYY/MM.
    Each problem names `file:line:column`, the field path and what is wrong; every problem of a file is
    reported at once. A catalog that does not load stops the run with exit code 2: fix the problems
    listed (`curator schema` prints the JSON Schema editors can validate against while you type).
    """
    # Load errors stop the run before any rule runs (exit 2); this rule exists to carry the id and docs.
    del ctx
    return ()
