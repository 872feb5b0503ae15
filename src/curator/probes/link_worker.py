"""Link checking on several CPUs: hosts split among worker processes.

One Python process checking thousands of links is bound by the CPU the HTTP stack spends per request, not
by the network. For large runs `check_links` therefore splits the URLs *by host* among a few processes —
the calling one included — each with its share of the global concurrency. Because every host belongs to
exactly one process, per-host concurrency, intervals and Retry-After pauses stay exact; only a redirect
to a host owned by another process is made from the process that followed it.

A worker is `python -m curator.probes.link_worker`: it reads one JSON job on stdin (settings, URLs) and
writes one JSON line per result on stdout as each check completes, so the caller's progress bar moves.
If a worker dies, the caller checks whatever it did not report.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sys
import time
import zlib
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from curator.facts import Hop, LinkResult, LinkState

if TYPE_CHECKING:
    from curator.config import LinkSettings

WORKER_THRESHOLD = 1000  # fewer URLs than this: one process (a worker costs ~0.5 s to start)
MAX_AUTO_WORKERS = 4  # each worker is ~50 MB; more rarely helps a network-bound job
URLS_PER_WORKER = 500
FLUSH_EVERY = 0.1  # seconds between flushes of a worker's results


def cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover  (not Linux)
        return os.cpu_count() or 1


def auto_workers(urls: list[str]) -> int:
    """How many processes a run of `urls` is worth: one below WORKER_THRESHOLD, else one per two CPUs (the
    other half is for everything else the machine runs: TLS, DNS, the servers of a test farm), at most
    MAX_AUTO_WORKERS and at most one per URLS_PER_WORKER URLs or per host."""
    if len(urls) < WORKER_THRESHOLD:
        return 1
    limit = min(cpu_count() // 2, MAX_AUTO_WORKERS, len(urls) // URLS_PER_WORKER)
    if limit <= 1:
        return 1  # no need to count the hosts
    return max(1, min(limit, len({_host(u) for u in urls})))


def _host(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def partition(urls: list[str], count: int) -> list[list[str]]:
    """Split `urls` into `count` parts, every host in one part, parts as even as whole hosts allow."""
    by_host: dict[str, list[str]] = {}
    for url in urls:
        by_host.setdefault(_host(url), []).append(url)
    parts: list[list[str]] = [[] for _ in range(max(1, count))]
    # biggest hosts first, each to the lightest part; ties broken by a stable hash so runs repeat
    for host in sorted(by_host, key=lambda h: (-len(by_host[h]), zlib.crc32(h.encode()))):
        lightest = min(range(len(parts)), key=lambda i: (len(parts[i]), i))
        parts[lightest].extend(by_host[host])
    return [p for p in parts if p] or [[]]


def result_to_json(result: LinkResult) -> dict[str, Any]:
    return {
        "url": result.url,
        "state": result.state.value,
        "status": result.status,
        "final_url": result.final_url,
        "redirects": [[hop.status, hop.url] for hop in result.redirects],
        "title": result.title,
        "attempts": result.attempts,
        "elapsed_ms": result.elapsed_ms,
        "detail": result.detail,
        "checked_at": result.checked_at.isoformat() if result.checked_at else None,
    }


def result_from_json(data: dict[str, Any]) -> LinkResult:
    return LinkResult(
        url=data["url"],
        state=LinkState(data["state"]),
        status=data["status"],
        final_url=data["final_url"],
        redirects=tuple(Hop(int(s), str(u)) for s, u in data["redirects"]),
        title=data["title"],
        attempts=int(data["attempts"]),
        elapsed_ms=float(data["elapsed_ms"]),
        detail=data["detail"],
        checked_at=datetime.fromisoformat(data["checked_at"]) if data["checked_at"] else None,
    )


def _child_env() -> dict[str, str]:
    """The caller's environment (proxies, certificates), with curator importable however it was found."""
    env = dict(os.environ)
    root = str(Path(__file__).resolve().parent.parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
    return env


async def run_worker(
    urls: list[str],
    settings: LinkSettings,
    record: Callable[[LinkResult], None],
    *,
    allow_all: bool,
    want_titles: bool,
    backoff: float,
    backoff_max: float,
) -> None:
    """Check `urls` in a child process, calling `record` with each result as it arrives. Never raises for
    a failed child: the caller checks whatever was not recorded."""
    if not urls:
        return
    job = {
        "settings": settings.model_dump(mode="json"),
        "allow_all": allow_all,
        "want_titles": want_titles,
        "backoff": backoff,
        "backoff_max": backoff_max,
        "urls": urls,
    }
    try:
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "curator.probes.link_worker",
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL,
            env=_child_env(),
            limit=1 << 20,
        )
    except OSError:
        return
    assert proc.stdin is not None and proc.stdout is not None
    try:
        proc.stdin.write(json.dumps(job).encode())
        await proc.stdin.drain()
        proc.stdin.close()
        while line := await proc.stdout.readline():
            try:
                record(result_from_json(json.loads(line)))
            except (ValueError, KeyError, TypeError):
                continue  # a line we cannot read: that URL is checked again by the caller
        await proc.wait()
    except (OSError, ConnectionError):
        return
    finally:
        if proc.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                proc.kill()
            with contextlib.suppress(Exception):
                await asyncio.shield(proc.wait())


def main() -> int:
    from curator.config import LinkSettings
    from curator.probes.links import check_links

    job = json.loads(sys.stdin.buffer.read())
    settings = LinkSettings.model_validate(job["settings"])
    out = sys.stdout
    last_flush = time.monotonic()

    def emit(result: LinkResult) -> None:
        nonlocal last_flush
        out.write(json.dumps(result_to_json(result)) + "\n")
        if time.monotonic() - last_flush > FLUSH_EVERY:  # batched: the progress bar needs no more
            out.flush()
            last_flush = time.monotonic()

    asyncio.run(
        check_links(
            job["urls"],
            settings,
            progress=emit,
            allow_private_hosts=job["allow_all"],
            want_titles=job["want_titles"],
            workers=1,
            backoff=job["backoff"],
            backoff_max=job["backoff_max"],
        )
    )
    out.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
