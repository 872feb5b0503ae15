"""The one link-result codec: every field survives a round trip, through JSON text too."""

from __future__ import annotations

import json
from dataclasses import fields
from datetime import UTC, datetime, timedelta, timezone

import pytest

from curator.facts import FailureKind, Hop, LinkResult, LinkState
from curator.facts_codec import link_result_from_dict, link_result_to_dict

FULL = LinkResult(
    url="https://example.org/a",
    state=LinkState.REDIRECT,
    status=301,
    final_url="https://example.org/b",
    redirects=(Hop(301, "https://example.org/b"), Hop(302, "https://example.org/c")),
    title="A title — with “quotes”",
    attempts=3,
    elapsed_ms=123.25,
    detail="moved",
    kind=FailureKind.REDIRECT,
    checked_at=datetime(2025, 3, 1, 12, 30, 15, 250_000, tzinfo=UTC),
    from_cache=True,
)


def test_every_field_round_trips_through_json() -> None:
    data = link_result_to_dict(FULL)
    assert set(data) == {f.name for f in fields(LinkResult)}  # a new field must be added to the codec
    assert link_result_from_dict(json.loads(json.dumps(data))) == FULL
    assert data["kind"] == "redirect" and data["state"] == "redirect"
    assert data["redirects"] == [
        {"status": 301, "url": "https://example.org/b"},
        {"status": 302, "url": "https://example.org/c"},
    ]
    assert data["checked_at"] == "2025-03-01T12:30:15.250000+00:00"


@pytest.mark.parametrize("kind", [*FailureKind, None], ids=str)
def test_every_kind_round_trips(kind: FailureKind | None) -> None:
    result = LinkResult("https://e.example/", LinkState.DEAD, kind=kind)
    assert link_result_from_dict(link_result_to_dict(result)) == result


def test_defaults_and_times() -> None:
    minimal = LinkResult("https://e.example/", LinkState.OK)
    assert link_result_from_dict({"url": "https://e.example/", "state": "ok"}) == minimal
    other_zone = datetime(2025, 1, 1, 14, tzinfo=timezone(timedelta(hours=2)))
    naive = datetime(2025, 1, 1, 12)
    for when in (other_zone, naive):
        back = link_result_from_dict(link_result_to_dict(LinkResult("u", LinkState.OK, checked_at=when)))
        assert back.checked_at == datetime(2025, 1, 1, 12, tzinfo=UTC)


@pytest.mark.parametrize(
    ("patch", "message"),
    [
        ({"state": "gone"}, "state: unknown link state 'gone'"),
        ({"kind": "meteor"}, "kind: unknown failure kind 'meteor'"),
        ({"status": "200"}, "status: expected int, got str"),
        ({"status": True}, "status: expected int, got a boolean"),
        ({"url": None}, "url: missing"),
        ({"redirects": {"a": 1}}, "redirects: expected a list, got dict"),
        ({"redirects": [[301, "x"]]}, "redirects[0]: expected an object, got list"),
        ({"redirects": [{"status": "301", "url": "x"}]}, "redirects[0]: expected an integer status"),
        ({"checked_at": "yesterday"}, "checked_at: not an ISO 8601 time: 'yesterday'"),
        ({"from_cache": 1}, "from_cache: expected bool, got int"),
    ],
)
def test_a_wrong_field_is_named(patch: dict[str, object], message: str) -> None:
    data = {**link_result_to_dict(FULL), **patch}
    with pytest.raises(ValueError, match="^" + message.replace("[", r"\[").replace("]", r"\]")):
        link_result_from_dict(data)
