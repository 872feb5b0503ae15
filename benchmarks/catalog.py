"""Benchmark for the catalog core: `curator check --offline` and `curator render` on a generated catalog.

    python benchmarks/catalog.py [--entries 10000] [--rounds 3]

Generates a catalog of N entries spread over 10 files (with descriptions, extra links, fields, and a
realistic share of duplicate and malformed URLs so the rules have work to do), a README with markers,
then runs each command as a separate process several times and reports the median wall time and the
peak resident memory of the child process. Targets (issue 2): check < 3 s, render < 1 s, < 150 MB.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FILES = 10
SECTION = """\
# yaml-language-server: $schema=schema.json
section:
  title: Section {n}
  columns:
    - {{header: Name, role: name}}
    - {{header: Description, role: description}}
    - {{header: Link, role: link, align: center}}
    - {{header: Released, role: field, key: released, type: month}}
    - {{header: License, role: field, key: license}}
entries:
"""


def generate(root: Path, entries: int) -> None:
    catalog = root / "catalog"
    catalog.mkdir()
    readme = ["# Generated list", ""]
    per_file = entries // FILES
    for f in range(FILES):
        lines = [SECTION.format(n=f)]
        for i in range(per_file):
            n = f * per_file + i
            # Every 50th entry repeats an earlier URL; every 200th has a scheme typo.
            target = n - 7 if n % 50 == 49 else n
            scheme = "hhttps" if n % 200 == 199 else "https"
            lines.append(
                f"  - id: project-{n}\n"
                f"    name: Project {n}\n"
                f"    url: {scheme}://github.com/owner{target % 997}/project-{target}\n"
                f"    description: A tool number {n} for training and serving large language models.\n"
                f"    links:\n"
                f"      - {{label: Docs, url: 'https://docs{n % 101}.example.org/p/{n}', column: description}}\n"
                f"    fields: {{released: '20{10 + n % 15}/{1 + n % 12:02d}', license: Apache-2.0}}\n"
            )
        (catalog / f"section-{f}.yaml").write_text("".join(lines), encoding="utf-8")
        readme += [
            f"## Section {f}",
            "",
            f"<!-- curator:begin section-{f} -->",
            f"<!-- curator:end section-{f} -->",
            "",
        ]
    (root / "README.md").write_text("\n".join(readme), encoding="utf-8")


def measure(cmd: list[str], cwd: Path) -> tuple[float, float, int]:
    """Wall seconds, peak RSS in MB of the child, exit code. Each run is a fresh process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    wall = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if proc.returncode not in (0, 1):
        sys.exit(f"{' '.join(cmd)} failed ({proc.returncode}): {proc.stderr.decode()[-2000:]}")
    # ru_maxrss of RUSAGE_CHILDREN is the largest child so far; runs go smallest-first per command.
    return wall, max(peak, before) / 1024, proc.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    curator = [sys.executable, "-m", "curator"]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        generate(root, args.entries)
        print(f"catalog: {args.entries} entries in {FILES} files; {args.rounds} rounds each, median reported")
        print(f"{'command':<32} {'wall (s)':>9} {'peak RSS (MB)':>14}")
        for name, cmd in (
            ("curator check --offline", [*curator, "check", "--offline", "--format", "json"]),
            ("curator render", [*curator, "render"]),
        ):
            walls, peaks = [], []
            for _ in range(args.rounds):
                # A separate measuring process per run keeps RUSAGE_CHILDREN per command honest.
                out = subprocess.run(
                    [sys.executable, __file__, "--_one", *cmd], cwd=root, capture_output=True, text=True, check=True
                ).stdout.split()
                walls.append(float(out[0]))
                peaks.append(float(out[1]))
            print(f"{name:<32} {statistics.median(walls):>9.2f} {max(peaks):>14.1f}")


def _one(cmd: list[str]) -> None:
    wall, peak, _code = measure(cmd, Path.cwd())
    print(f"{wall} {peak}")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--_one":
        _one(sys.argv[2:])
    else:
        main()
