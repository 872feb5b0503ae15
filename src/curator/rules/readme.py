"""The `readme-outdated` rule: the README's generated tables must match the catalog."""

from __future__ import annotations

from collections.abc import Iterator

from curator.findings import Finding, Severity
from curator.rules.base import RuleContext, rule


@rule("readme-outdated", Severity.WARNING)
def readme_outdated(ctx: RuleContext) -> Iterator[Finding]:
    """The README's generated tables differ from the catalog, or its curator markers are broken.

    The tables between `<!-- curator:begin STEM -->` and `<!-- curator:end STEM -->` are written by
    `curator render` from `catalog/STEM.yaml`. A contributor who edits the catalog and forgets to render,
    or edits a table by hand, leaves the README out of step: run `curator render` and commit the result
    (the scheduled bot does it in its pull request). Broken markers (a catalog file without markers, an
    unknown stem, a missing end marker) are reported as errors, since rendering would lose a table.
    Checked when the README exists (or `--readme` names one).
    """
    readme = ctx.facts.readme
    if readme is None:
        return
    for stem, line in readme.stale:
        yield Finding(
            rule="readme-outdated",
            severity=Severity.WARNING,
            message=f"the {stem!r} table differs from catalog/{stem}.yaml; run `curator render` to regenerate it",
            file=readme.file,
            line=line,
        )
    for problem in readme.problems:
        yield Finding(
            rule="readme-outdated",
            severity=Severity.ERROR,
            message=problem.message,
            file=problem.file,
            line=problem.line,
        )
