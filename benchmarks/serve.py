"""`curator serve` at rest: resident memory and CPU time of an idle service over a period.

    python benchmarks/serve.py [--duration 600] [--interval 5] [--scrape 15] [--entries 40]

Starts `curator serve --listen 127.0.0.1:PORT` (a free port) in a temporary directory holding a catalog of
ENTRIES entries and a curator.yaml whose schedules do not fire during the run (1 January), scrapes
/healthz and /metrics every SCRAPE seconds as a Prometheus server would, and samples the process every
INTERVAL seconds from /proc/PID/stat (utime + stime) and /proc/PID/status (VmRSS). Then SIGTERM, timed.
Prints the figures as a markdown table. Linux only (/proc). Exit 0 when the service stopped with exit 0
within 10 s, 1 otherwise.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TICKS = os.sysconf("SC_CLK_TCK")
SECTION = """\
section:
  title: Tools
  columns:
    - {header: Name, role: name}
    - {header: Link, role: link}
entries:
"""


def cpu_seconds(pid: int) -> float:
    """utime + stime of the process (fields 14 and 15 of /proc/PID/stat, after the command's parentheses)."""
    text = Path(f"/proc/{pid}/stat").read_text()
    fields = text[text.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/PID/status")


def get(port: int, path: str) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request("GET", path)
        reply = conn.getresponse()
        reply.read()
        return reply.status
    finally:
        conn.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=600.0, help="seconds to sample (default: 600)")
    parser.add_argument("--interval", type=float, default=5.0, help="seconds between samples (default: 5)")
    parser.add_argument("--scrape", type=float, default=15.0, help="seconds between scrapes (default: 15)")
    parser.add_argument("--entries", type=int, default=40, help="catalog entries (default: 40)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="curator-serve-bench-") as tmp:
        root = Path(tmp)
        (root / "catalog").mkdir()
        entries = "".join(
            f"  - id: e{i}\n    name: Entry {i}\n    url: https://example.org/e{i}\n" for i in range(args.entries)
        )
        (root / "catalog" / "tools.yaml").write_text(SECTION + entries)
        (root / "curator.yaml").write_text('schedule:\n  check: "0 0 1 1 *"\n  pr: "0 0 1 1 *"\n')
        env = {k: v for k, v in os.environ.items() if k not in {"GITHUB_REPOSITORY", "GITHUB_TOKEN", "GH_TOKEN"}}
        env["PYTHONPATH"] = str(ROOT / "src")
        cmd = [sys.executable, "-m", "curator", "serve", "--listen", "127.0.0.1:0", "--log-format", "json"]
        started = time.monotonic()
        proc = subprocess.Popen(cmd, cwd=root, stderr=subprocess.PIPE, text=True, env=env)
        assert proc.stderr is not None
        port = 0
        while not port:
            line = proc.stderr.readline()
            if not line:
                print("curator serve ended before listening", file=sys.stderr)
                return 1
            doc = json.loads(line)
            if doc["event"] == "listening":
                port = int(doc["port"])
        ready = time.monotonic() - started
        get(port, "/healthz")
        cpu0, rss0 = cpu_seconds(proc.pid), rss_mib(proc.pid)
        samples: list[tuple[float, float, float]] = []  # elapsed, cpu, rss
        scrapes, bad = 0, 0
        t0 = time.monotonic()
        next_scrape = t0
        while (elapsed := time.monotonic() - t0) < args.duration:
            now = time.monotonic()
            if now >= next_scrape:
                for path in ("/healthz", "/metrics"):
                    scrapes += 1
                    bad += get(port, path) != 200
                next_scrape += args.scrape
            samples.append((elapsed, cpu_seconds(proc.pid), rss_mib(proc.pid)))
            time.sleep(min(args.interval, max(0.0, args.duration - elapsed)))
        cpu1, rss1 = cpu_seconds(proc.pid), rss_mib(proc.pid)
        span = time.monotonic() - t0
        signalled = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        try:
            _out, err = proc.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            print("curator serve did not stop within 15 s of SIGTERM", file=sys.stderr)
            return 1
        stop = time.monotonic() - signalled
    peak = max(r for _, _, r in samples)
    print(f"| measured over | {span:.0f} s ({len(samples)} samples, {scrapes} scrapes, {bad} not 200) |")
    print("|---|---|")
    print(f"| start to listening | {ready:.2f} s |")
    print(f"| RSS after start | {rss0:.1f} MiB |")
    print(f"| RSS at the end / peak | {rss1:.1f} MiB / {peak:.1f} MiB |")
    print(f"| CPU time while idle | {cpu1 - cpu0:.2f} s ({100 * (cpu1 - cpu0) / span:.3f} % of one core) |")
    print(f"| SIGTERM to exit | {stop:.2f} s (exit {proc.returncode}) |")
    events = [json.loads(line)["event"] for line in err.splitlines() if line.startswith("{")]
    print(f"| events after listening | {', '.join(events)} |")
    return 0 if proc.returncode == 0 and stop < 10 and bad == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
