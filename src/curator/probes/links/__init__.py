"""The link checker: every URL → one `LinkResult`. The only code that requests link hosts.

The public face is here; everything else in this package is private. What serves a default request:
`_checker` (per-host gates, HEAD/GET strategy, redirects followed by hand, retries, `Retry-After`) sends it
through `_http11` (curator's own keep-alive HTTP/1.1 client, built on the asyncio protocol in `_protocol`),
whose every new connection goes through the address guard of `_netguard`. `_classify` turns statuses,
pages and exceptions into states (and sets each failure's `FailureKind`). Only requests through a
proxy take the httpx path in `_proxy`; host names are requested in their canonical spelling
(`urls.canonical_host`: IDNA names as `xn--` labels), which the checker's own client sends as they are.
"""

from curator.probes.links._checker import (
    ProgressCallback,
    all_unreachable,
    check_links,
    check_links_sync,
    default_user_agent,
)
from curator.probes.links._netguard import NetGuard

__all__ = ["NetGuard", "ProgressCallback", "all_unreachable", "check_links", "check_links_sync", "default_user_agent"]
