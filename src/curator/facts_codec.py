"""One codec for a link result: `LinkResult` ⇄ a dict of JSON values.

The state database stores its rows through it and the JSON report writes it, so a field added to
`LinkResult` is added here once. Decoding checks every field's type and names the field that is wrong
(ValueError), so a damaged row or document is a clear error, not a half-built fact.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from curator.facts import FailureKind, Hop, LinkResult, LinkState

__all__ = ["link_result_from_dict", "link_result_to_dict"]


def link_result_to_dict(result: LinkResult) -> dict[str, Any]:
    """Every field of `result`, as JSON values: enums by value, times as ISO 8601 in UTC (a naive time is
    taken as UTC), redirects as a list of {status, url}."""
    return {
        "url": result.url,
        "state": LinkState(result.state).value,
        "status": result.status,
        "final_url": result.final_url,
        "redirects": [{"status": hop.status, "url": hop.url} for hop in result.redirects],
        "title": result.title,
        "attempts": result.attempts,
        "elapsed_ms": float(result.elapsed_ms),
        "detail": result.detail,
        "kind": None if result.kind is None else FailureKind(result.kind).value,
        "checked_at": _time_text(result.checked_at),
        "from_cache": result.from_cache,
    }


def link_result_from_dict(data: Mapping[str, Any]) -> LinkResult:
    """The inverse of `link_result_to_dict`. Absent optional fields take their defaults; a field of the
    wrong type or an unknown state or kind raises ValueError naming the field."""
    if not isinstance(data, Mapping):
        raise ValueError(f"a link result must be an object, got {type(data).__name__}")
    state = _get(data, "state", str)
    kind = _get(data, "kind", str, optional=True)
    try:
        link_state = LinkState(state)
    except ValueError:
        raise ValueError(f"state: unknown link state {state!r}") from None
    try:
        failure_kind = None if kind is None else FailureKind(kind)
    except ValueError:
        raise ValueError(f"kind: unknown failure kind {kind!r}") from None
    checked_at = _get(data, "checked_at", str, optional=True)
    return LinkResult(
        url=_get(data, "url", str),
        state=link_state,
        status=_get(data, "status", int, optional=True),
        final_url=_get(data, "final_url", str, optional=True),
        redirects=_hops(data.get("redirects")),
        title=_get(data, "title", str, optional=True),
        attempts=_get(data, "attempts", int, default=1),
        elapsed_ms=float(_get(data, "elapsed_ms", (int, float), default=0.0)),
        detail=_get(data, "detail", str, optional=True),
        kind=failure_kind,
        checked_at=None if checked_at is None else _parse_time(checked_at),
        from_cache=_get(data, "from_cache", bool, default=False),
    )


def _get(
    data: Mapping[str, Any],
    key: str,
    kind: type | tuple[type, ...],
    *,
    optional: bool = False,
    default: Any = None,
) -> Any:
    value = data.get(key)
    if value is None:
        if optional or default is not None:
            return default
        raise ValueError(f"{key}: missing")
    # bool is an int to Python; a JSON true is not a status code.
    if isinstance(value, bool) and kind is not bool:
        raise ValueError(f"{key}: expected {_names(kind)}, got a boolean")
    if not isinstance(value, kind):
        raise ValueError(f"{key}: expected {_names(kind)}, got {type(value).__name__}")
    return value


def _names(kind: type | tuple[type, ...]) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join(k.__name__ for k in kinds)


def _hops(value: object) -> tuple[Hop, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise ValueError(f"redirects: expected a list, got {type(value).__name__}")
    hops = []
    for index, hop in enumerate(value):
        if not isinstance(hop, Mapping):
            raise ValueError(f"redirects[{index}]: expected an object, got {type(hop).__name__}")
        status = hop.get("status")
        url = hop.get("url")
        if isinstance(status, bool) or not isinstance(status, int) or not isinstance(url, str):
            raise ValueError(f"redirects[{index}]: expected an integer status and a text url")
        hops.append(Hop(status=status, url=url))
    return tuple(hops)


def _time_text(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None or value.utcoffset() is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat()


def _parse_time(text: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"checked_at: not an ISO 8601 time: {text[:40]!r}") from None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)
