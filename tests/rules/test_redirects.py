"""When a permanent redirect is a safe fix: the chain, the final answer, login, home and parked pages."""

from __future__ import annotations

import pytest

from curator.facts import Hop, LinkResult, LinkState
from curator.rules.redirects import is_home_page, is_login_page, is_parked, judge_redirect

OLD = "https://a.example/docs/page"


def moved(*statuses: int, final: str = "https://a.example/docs/new", status: int = 200, title: str | None = None):  # type: ignore[no-untyped-def]
    hops = tuple(Hop(s, OLD if i == 0 else f"https://a.example/hop{i}") for i, s in enumerate(statuses))
    return LinkResult(OLD, LinkState.REDIRECT, status=status, final_url=final, redirects=hops, title=title)


def test_a_permanent_chain_to_a_page_is_safe_with_its_evidence() -> None:
    verdict = judge_redirect(moved(301, 308, title="New page"), "https://a.example/docs/new")
    assert verdict.safe and verdict.evidence == "301 → 308 → 200 'New page'"


@pytest.mark.parametrize(
    ("result", "target", "why"),
    [
        (moved(301, 302), "https://a.example/docs/new", "a temporary redirect in the chain"),
        (moved(301, status=203, final="x"), "https://a.example/docs/new ", "the new address is not a well-formed URL"),
        (moved(301, final="https://a.example/login?next=/docs"), "https://a.example/login?next=/docs", "login page"),
        (moved(301, title="Sign in to continue"), "https://a.example/docs/new", "login page"),
        (moved(301, final="https://a.example/"), "https://a.example/", "the site's home page"),
        (moved(301, final="https://parked.sedo.com/x"), "https://parked.sedo.com/x", "a parked domain"),
    ],
)
def test_unsafe_redirects_say_why(result: LinkResult, target: str, why: str) -> None:
    verdict = judge_redirect(result, target)
    assert not verdict.safe and why in verdict.evidence


def test_the_final_answer_must_be_2xx() -> None:
    assert not judge_redirect(moved(301, status=999), "https://a.example/docs/new").safe


def test_the_heuristics() -> None:
    assert is_login_page("https://x.example/accounts/signin", None)
    assert not is_login_page("https://x.example/blog/logging", "Logging in Python")
    assert is_home_page("https://x.example/a", "https://x.example/")
    assert not is_home_page("https://x.example/", "https://www.x.example/")
    assert is_parked("https://x.example/a", "https://y.example/", "y.example is for sale - buy this domain")
    assert not is_parked("https://x.example/a", "https://www.x.example/b", "buy this domain")  # the same site
    assert not is_parked("https://x.example/a", "https://y.example/b", "Y documentation")
