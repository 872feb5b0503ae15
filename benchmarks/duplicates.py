"""Benchmark for the duplicate rules on their worst case: N entries sharing one name and one URL.

    python benchmarks/duplicates.py [--entries 3000] [--rounds 3]

Generates one catalog file in a temporary directory whose N entries all have the same name and the same
URL, so that `duplicate-url` and `duplicate-name` each report every entry. Runs
`curator check --offline --format json` on it as a child process, several times, and reports the median
wall time and the largest peak resident memory of the child (from os.wait4, the child's own rusage).
Target: 3,000 entries under 6 s and 400 MB.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SECTION = """\
section:
  title: Generated
  columns:
    - {header: Name, role: name}
    - {header: Description, role: description}
    - {header: Link, role: link}
entries:
"""


def generate(root: Path, entries: int) -> Path:
    """A catalog directory with one file of `entries` entries, all named Baize and linking one URL."""
    catalog = root / "catalog"
    catalog.mkdir()
    body = "".join(
        f"  - id: entry-{n}\n"
        f"    name: Baize\n"
        f"    url: https://github.com/project-baize/baize-chatbot\n"
        f"    description: Entry number {n} of a list that repeats itself.\n"
        for n in range(entries)
    )
    (catalog / "research-llms.yaml").write_text(SECTION + body, encoding="utf-8")
    return catalog


def measure(cmd: list[str], cwd: Path) -> tuple[float, float, int, int]:
    """Wall seconds, the child's peak RSS in MB, its exit code and the size of its output in bytes."""
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=subprocess.PIPE)
        assert proc.stderr is not None
        errors = proc.stderr.read()  # read before waiting: a full pipe would block the child
        _pid, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)  # wait4 reaped it; keep Popen from waiting again
        size = out.tell()
    if proc.returncode not in (0, 1):
        sys.exit(f"{' '.join(cmd)} failed ({proc.returncode}): {errors.decode()[-2000:]}")
    return wall, usage.ru_maxrss / 1024, proc.returncode, size  # ru_maxrss is in KiB on Linux


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--entries", type=int, default=3000, help="entries sharing one name and URL")
    parser.add_argument("--rounds", type=int, default=3, help="runs; the median wall time is reported")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        catalog = generate(root, args.entries)
        cmd = [sys.executable, "-m", "curator", "check", "--offline", "--format", "json", "--catalog", str(catalog)]
        walls: list[float] = []
        peaks: list[float] = []
        size = 0
        for _ in range(args.rounds):
            wall, peak, _code, size = measure(cmd, root)
            walls.append(wall)
            peaks.append(peak)
        print(f"{args.entries} entries sharing one name and URL; {args.rounds} rounds")
        print("command: curator check --offline --format json")
        print(f"wall: {statistics.median(walls):.2f} s (median), peak RSS: {max(peaks):.1f} MB, report: {size} bytes")


if __name__ == "__main__":
    main()
