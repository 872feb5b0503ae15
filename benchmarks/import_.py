"""Import benchmark (the import issue, section 4): time and peak memory of `curator import` on a generated
10,000-row README, and the round-trip loss (links, URLs, HTML tags, emoji, words) on the import fixtures
and the seed list.

    python benchmarks/import_.py [--rows 10000] [--rounds 3] [--json figures.json]

The README is written into a temporary directory: a heading, prose, and one table of ROWS rows mixing
the patterns real lists have (per-row link labels, several links with separators, names holding links
with emoji and suffixes, escaped pipes, inline HTML, dates). `curator import` runs as a child process
(`python -m curator import ... --verify`) ROUNDS times, each time on a fresh copy; the median wall time
and the largest peak RSS of the child (`os.wait4`) are reported. The loss is measured with
`curator.markdown.roundtrip.measure_loss`, the function `curator import --verify` and the tests use. Exit
status 1 when any loss is not zero.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "data" / "import"
SEED = ROOT / "tests" / "data" / "LLM-PowerHouse-README.md"


def generate(rows: int) -> str:
    lines = ["# Generated list", "", "Rows of every pattern import must keep.", "", "## Resources", ""]
    lines += ["| Name | Description | Links | Added |", "|---|---|---|---|"]
    prefixes = ["", "🧐 ", "**", "⭐ "]
    suffixes = ["", " (Apr 2026)", "**", " 🚀"]
    separators = [", ", " / ", " · ", " "]
    for i in range(rows):
        name = f"{prefixes[i % 4]}[Tool {i}](https://tools{i % 97}.example.org/t/{i}){suffixes[(i // 4) % 4]}"
        description = f"Does thing {i} with a \\| pipe and <b>bold</b> text."
        links = f"[docs {i}](https://docs.example.org/{i}){separators[i % 4]}[code](https://git.example.org/{i})"
        if i % 5 == 0:
            links = f"([paper](https://papers.example.org/{i}))"
        lines.append(f"| {name} | {description} | {links} | 20{10 + i % 16}-{1 + i % 12:02d} |")
    return "\n".join(lines) + "\n"


def run_import(readme: Path, catalog: Path) -> tuple[float, int, str]:
    """Wall seconds, peak RSS in KiB of the child (from `os.wait4`), and its standard output."""
    out = readme.parent / "import.out"
    start = time.perf_counter()
    with out.open("w", encoding="utf-8") as sink:
        child = subprocess.Popen(
            [sys.executable, "-m", "curator", "import", str(readme), "--catalog", str(catalog), "--verify"],
            stdout=sink,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
        )
        _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    text = out.read_text(encoding="utf-8")
    if child.returncode != 0:
        raise SystemExit(f"curator import exited {child.returncode}:\n{text}")
    return wall, usage.ru_maxrss, text


def loss_of(path: Path, work: Path) -> dict[str, int]:
    from curator.main import main
    from curator.markdown.files import read_markdown
    from curator.markdown.repair import repair_text
    from curator.markdown.roundtrip import measure_loss

    readme = work / path.name
    shutil.copyfile(path, readme)
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        code = main(["import", str(readme), "--catalog", str(work / f"{path.stem}-catalog")])
    if code != 0:
        return {"refused": 1}
    return measure_loss(repair_text(read_markdown(path).text), read_markdown(readme).text).counts()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    figures: dict[str, object] = {"rows": args.rows}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        text = generate(args.rows)
        walls: list[float] = []
        peaks: list[int] = []
        for n in range(args.rounds):
            readme = work / f"round{n}" / "README.md"
            readme.parent.mkdir()
            readme.write_text(text, encoding="utf-8")
            wall, peak, out = run_import(readme, readme.parent / "catalog")
            walls.append(wall)
            peaks.append(peak)
            if "verify: lost 0 labels, 0 urls, 0 tags, 0 emoji, 0 words" not in out:
                print(out)
                return 1
        figures["wall_seconds_median"] = round(statistics.median(walls), 2)
        figures["wall_seconds"] = [round(w, 2) for w in walls]
        figures["peak_rss_mib"] = round(max(peaks) / 1024, 1)
        print(
            f"{args.rows:,} rows: median {statistics.median(walls):.2f} s over {args.rounds} rounds "
            f"({', '.join(f'{w:.2f}' for w in walls)}), peak RSS {max(peaks) / 1024:.1f} MiB"
        )
        losses: dict[str, dict[str, int]] = {}
        for path in [*sorted(FIXTURES.glob("*.md")), SEED]:
            if path.name.startswith("markers-"):
                continue  # refused on purpose: nothing is imported, so nothing can be lost
            losses[path.name] = loss_of(path, work)
        figures["loss"] = losses
    worst = 0
    for name, counts in losses.items():
        total = sum(counts.values())
        worst = max(worst, total)
        print(f"{name}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 1 if worst else 0


if __name__ == "__main__":
    raise SystemExit(main())
