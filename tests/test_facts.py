"""curator.facts: which link states count as failures, which failure kinds mean nothing answered, and the
defaults of an empty run's facts."""

from __future__ import annotations

import dataclasses

import pytest

from curator.facts import Facts, FailureKind, LinkHistory, LinkResult, LinkState, ReadmeFacts, RepoMeta

FAILED = {LinkState.DEAD, LinkState.ERROR, LinkState.UNREACHABLE, LinkState.TLS_ERROR}
BEFORE_ANSWER = {FailureKind.DNS, FailureKind.REFUSED, FailureKind.TIMEOUT, FailureKind.NETWORK}


@pytest.mark.parametrize("state", list(LinkState))
def test_only_dead_error_unreachable_and_tls_count_as_failed(state: LinkState) -> None:
    # Blocked, refused-by-policy and redirects are not the link's failure: they must not build a history.
    assert state.failed is (state in FAILED)


@pytest.mark.parametrize("kind", list(FailureKind))
def test_only_kinds_where_no_server_answered_are_before_answer(kind: FailureKind) -> None:
    assert kind.before_answer is (kind in BEFORE_ANSWER)


def test_states_and_kinds_are_their_stored_words() -> None:
    assert LinkState("tls-error") is LinkState.TLS_ERROR
    assert FailureKind("refused-by-policy") is FailureKind.POLICY
    assert str(LinkState.DEAD) == "dead"


def test_empty_facts_are_an_offline_run() -> None:
    facts = Facts()
    assert facts.links == {} and facts.link_history == {} and facts.repos == {} and facts.repo_history == {}
    assert facts.incomplete == [] and facts.readme is None and facts.now is None
    assert facts.network == "off" and facts.notes == () and facts.record_error is None


def test_facts_do_not_share_their_containers() -> None:
    one, two = Facts(), Facts()
    one.links["https://a.example/"] = LinkResult("https://a.example/", LinkState.OK)
    assert two.links == {}


@pytest.mark.parametrize(
    "value",
    [Facts(), LinkResult("https://a.example/", LinkState.OK), LinkHistory(), RepoMeta("o/n"), ReadmeFacts("README.md")],
    ids=lambda v: type(v).__name__,
)
def test_facts_are_frozen(value: object) -> None:
    field = dataclasses.fields(value)[0].name  # type: ignore[arg-type]
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(value, field, None)


def test_record_defaults() -> None:
    result = LinkResult("https://a.example/", LinkState.DEAD)
    assert (result.status, result.final_url, result.redirects, result.attempts, result.kind, result.from_cache) == (
        None,
        None,
        (),
        1,
        None,
        False,
    )
    assert LinkHistory() == LinkHistory(consecutive_failures=0, failing_since=None)
    meta = RepoMeta("Owner/Name")
    assert (meta.name_with_owner, meta.missing, meta.archived, meta.from_cache) == (None, False, False, False)
