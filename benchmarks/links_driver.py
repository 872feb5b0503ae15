"""Driver of the link-checking benchmark for curator: check the URLs of a file, print a JSON summary.

    python benchmarks/links_driver.py URLS.txt [--concurrency 128] [--host-concurrency 8] [--retries 3]
        [--timeout 20] [--workers N]

Calls `curator.probes.links.check_links` (the same code `curator check` uses) with loopback allowed and
prints {"states": {state: count}, "statuses": {code: count}, "links": n}. The measuring parent takes wall
time, CPU and peak RSS of this process; nothing here is timed.
"""

from __future__ import annotations

import argparse
import asyncio
import inspect
import json
import sys
from collections import Counter
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("urls", type=Path)
    parser.add_argument("--concurrency", type=int, default=128)
    parser.add_argument("--host-concurrency", type=int, default=8)
    parser.add_argument("--retries", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=20.0)
    parser.add_argument("--workers", type=int, default=0, help="check_links(workers=N); 0: curator decides")
    args = parser.parse_args()

    from curator.config import LinkSettings
    from curator.probes.links import check_links

    urls = [line for line in args.urls.read_text(encoding="utf-8").splitlines() if line]
    settings = LinkSettings(
        concurrency=args.concurrency,
        host_concurrency=args.host_concurrency,
        retries=args.retries,
        timeout=args.timeout,
        allow_private_hosts=True,
    )
    options: dict[str, object] = {"allow_private_hosts": True}
    if args.workers:
        if "workers" not in inspect.signature(check_links).parameters:
            sys.exit("this curator's check_links has no `workers` option")
        options["workers"] = args.workers
    results = asyncio.run(check_links(urls, settings, **options))  # type: ignore[arg-type]
    states = Counter(str(getattr(r.state, "value", r.state)) for r in results.values())
    statuses = Counter(str(r.status) for r in results.values())
    json.dump({"links": len(results), "states": states, "statuses": statuses}, sys.stdout)


if __name__ == "__main__":
    main()
