"""`curator pr`: the rolling pull request (wiring: the run is `bot.run.make_pr`; this prints its outcome).

Exit 0 when the run completed, whatever it found; 2 when it could not (a `CuratorError`).
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from curator.bot import body as bodies
from curator.bot import health
from curator.bot.run import PrOptions, Result, make_pr
from curator.report.textsafe import escape_controls

__all__ = ["PrOptions", "run_pr"]


def run_pr(opts: PrOptions, *, now: datetime | None = None, sleep: Callable[[float], None] | None = None) -> int:
    result = make_pr(opts, now=now, sleep=sleep)
    if result.plan is not None and opts.format != "json":
        sys.stdout.write(result.plan)
    _output(opts, result)
    return 0


def _issue_json(result: health.HealthResult | None) -> dict[str, Any] | None:
    if result is None or result.action is health.HealthAction.OFF:
        return None
    return {"action": str(result.action), "number": result.number, "url": result.url}


def _output(opts: PrOptions, result: Result) -> None:
    pr = {"number": result.number, "url": result.url} if result.number is not None else None
    if opts.format == "json":
        fixes = []
        for finding, _ in result.desired.fixes:
            fix = finding.fix
            assert fix is not None
            fixes.append(
                {
                    "entry": finding.entry,
                    "field": fix.field,
                    "old": fix.old,
                    "new": fix.new,
                    "reason": str(fix.reason) if fix.reason else None,
                    "evidence": fix.evidence,
                }
            )
        doc = {
            "action": str(result.action),
            "pr": pr,
            "fixes": fixes,
            "needs_person": len(bodies.needs_person(result.desired.findings)),
            "ignores": len(result.desired.ignores) if result.desired.config else 0,
            "issue": _issue_json(result.health),
        }
        print(escape_controls(json.dumps(doc, ensure_ascii=False, indent=2), keep="\n", json=True))
    elif not opts.dry_run:
        where = f" #{result.number} {result.url}" if result.number is not None else ""
        reason = f" ({result.decision.reason})" if result.decision.reason else ""
        print(escape_controls(f"{result.action}{where}{reason}", keep=""))
        if result.health is not None and result.health.action is not health.HealthAction.OFF:
            print(health.describe(result.health))
    print(f"{result.writes} write request{'' if result.writes == 1 else 's'}", file=sys.stderr)
    github_output = os.environ.get("GITHUB_OUTPUT")
    if github_output:
        with Path(github_output).open("a", encoding="utf-8") as out:
            out.write(f"action={result.action}\n")
            out.write(f"pull-request-number={result.number if result.number is not None else ''}\n")
            out.write(f"pull-request-url={escape_controls(result.url or '', keep='')}\n")
