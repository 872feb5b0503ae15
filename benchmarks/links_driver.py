"""Driver of the link-checking benchmark for curator: check the URLs of a file, print a JSON summary.

    python benchmarks/links_driver.py URLS.txt [--concurrency 128] [--host-concurrency 8] [--retries 3]
        [--timeout 20] [--states FILE]

Calls `curator.probes.links.check_links_sync` (the same code `curator check` uses)
with loopback allowed and prints {"states": {state: count}, "statuses": {code: count}, "links": n}.
`--states FILE` also writes one `state<TAB>url` line per link, so the benchmark can compare verdicts link by
link. The measuring parent takes wall time, CPU and peak RSS of this process; nothing here is timed.
"""

from __future__ import annotations

import argparse
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
    parser.add_argument("--states", type=Path, help="write `state<TAB>url` per link here")
    args = parser.parse_args()

    from curator.config import LinkSettings
    from curator.probes.links import check_links_sync

    urls = [line for line in args.urls.read_text(encoding="utf-8").splitlines() if line]
    settings = LinkSettings(
        concurrency=args.concurrency,
        host_concurrency=args.host_concurrency,
        retries=args.retries,
        timeout=args.timeout,
        allow_private_hosts=True,
    )
    results = check_links_sync(urls, settings, allow_private_hosts=True)
    states = Counter(str(r.state.value) for r in results.values())
    statuses = Counter(str(r.status) for r in results.values())
    if args.states:
        args.states.write_text("".join(f"{r.state.value}\t{url}\n" for url, r in results.items()), encoding="utf-8")
    json.dump({"links": len(results), "states": states, "statuses": statuses}, sys.stdout)


if __name__ == "__main__":
    main()
