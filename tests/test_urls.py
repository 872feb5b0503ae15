"""curator.urls: normalisation (the "same target" key), GitHub repository names, URL checks."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from curator.urls import (
    GithubRepo,
    canonical_host,
    check_url,
    edit_distance,
    github_repo,
    host_of,
    normalize,
    scheme_typo,
)

SAME_TARGETS = [
    # scheme, host case, www., default port, trailing slash, .git, fragment, tracking parameters
    ("https://github.com/cocktailpeanut/dalai", "http://www.github.com/cocktailpeanut/dalai/"),
    ("https://github.com/cocktailpeanut/dalai", "https://GitHub.com/CocktailPeanut/Dalai.git"),
    ("https://github.com/cocktailpeanut/dalai", "https://github.com:443/cocktailpeanut/dalai#readme"),
    ("https://github.com/nomic-ai/gpt4all", "https://github.com/nomic-ai/gpt4all?utm_source=x&utm_medium=y"),
    ("https://example.org/a?b=1&c=2", "https://example.org/a/?c=2&b=1&fbclid=abc"),
    ("https://example.org/a", "http://example.org:80/a"),
    ("https://example.org/", "https://example.org"),
    ("https://example.org/a", "https://EXAMPLE.org./a"),
    ("https://github.com/o/r/tree/main/docs", "https://github.com/O/R/tree/main/docs/"),
    ("https://example.org/repo", "https://example.org/repo.git/"),
]

DIFFERENT_TARGETS = [
    ("https://github.com/o/r", "https://github.com/o/r2"),
    ("https://github.com/o/r/tree/main/Docs", "https://github.com/o/r/tree/main/docs"),  # subpath case kept
    ("https://example.org/A", "https://example.org/a"),  # paths outside GitHub are case-sensitive
    ("https://example.org/watch?v=1", "https://example.org/watch?v=2"),
    ("https://example.org:8080/", "https://example.org/"),
    ("https://a.example.org/", "https://example.org/"),
]


@pytest.mark.parametrize(("a", "b"), SAME_TARGETS)
def test_normalize_same_target(a: str, b: str) -> None:
    assert normalize(a) == normalize(b)


@pytest.mark.parametrize(("a", "b"), DIFFERENT_TARGETS)
def test_normalize_different_targets(a: str, b: str) -> None:
    assert normalize(a) != normalize(b)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://www.GitHub.com/Owner/Repo.git/", "https://github.com/owner/repo"),
        ("https://Example.org:443/Path/?utm_campaign=x&q=1#frag", "https://example.org/Path?q=1"),
        ("https://www.www.example.org/", "https://example.org/"),
        ("https://www.com/", "https://www.com/"),  # "www." is only dropped in front of a real domain
        ("http://[::1]:8080/x", "https://[::1]:8080/x"),
        ("  https://example.org/a  ", "https://example.org/a"),
        ("hhttps not a url", "hhttps not a url"),  # malformed: the stripped text
        ("example.com/x", "example.com/x"),
        ("https://x.org:99999/", "https://x.org:99999/"),  # invalid port: the text itself
    ],
)
def test_normalize_exact(url: str, expected: str) -> None:
    assert normalize(url) == expected


_label = st.from_regex(r"[a-zA-Z0-9]([a-zA-Z0-9-]{0,8}[a-zA-Z0-9])?", fullmatch=True)
_segment = st.from_regex(r"[A-Za-z0-9._~%-]{0,12}", fullmatch=True)
_urls = st.builds(
    lambda scheme, www, labels, tld, port, segs, slash, query, frag: (
        f"{scheme}://{www}{'.'.join(labels)}.{tld}{port}/{'/'.join(segs)}{slash}{query}{frag}"
    ),
    st.sampled_from(["http", "https", "HTTP", "Https", "ftp"]),
    st.sampled_from(["", "www.", "WWW.", "www.www."]),
    st.lists(_label, min_size=1, max_size=3),
    st.sampled_from(["com", "org", "io", "COM"]),
    st.sampled_from(["", ":80", ":443", ":8080", ":0"]),
    st.lists(_segment, max_size=4),
    st.sampled_from(["", "/", "//", ".git", ".git/", "/.git"]),
    st.sampled_from(["", "?", "?a=1&b=2", "?utm_source=x", "?b=2&a=1&utm_medium=y", "?x=%20y+z", "?q=%zz"]),
    st.sampled_from(["", "#", "#frag", "#slide=id.g1"]),
)
_github_urls = st.builds(
    lambda scheme, owner, repo, sub: f"{scheme}://github.com/{owner}/{repo}{sub}",
    st.sampled_from(["http", "https"]),
    st.from_regex(r"[A-Za-z0-9][A-Za-z0-9-]{0,10}", fullmatch=True),
    st.from_regex(r"[A-Za-z0-9._-]{1,12}", fullmatch=True),
    st.sampled_from(["", "/", ".git", "/tree/main/Docs/", "/blob/x.py#L1"]),
)


@settings(max_examples=300, deadline=None)
@given(st.one_of(_urls, _github_urls, st.text(max_size=40)))
def test_normalize_is_idempotent(url: str) -> None:
    once = normalize(url)
    assert normalize(once) == once


@settings(max_examples=200, deadline=None)
@given(_urls)
def test_normalize_ignores_fragment_and_tracking(url: str) -> None:
    base = url.split("#", 1)[0]
    tracked = base + ("&" if "?" in base else "?") + "utm_source=newsletter"
    assert normalize(tracked) == normalize(url)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://github.com/hpcaitech/ColossalAI", GithubRepo("hpcaitech", "ColossalAI", "")),
        ("http://www.github.com/o/r.git", GithubRepo("o", "r", "")),
        ("https://github.com/o/r/", GithubRepo("o", "r", "")),
        ("https://github.com/o/r/tree/main/docs", GithubRepo("o", "r", "/tree/main/docs")),
        ("https://github.com/Lightning-AI/lit-llama", GithubRepo("Lightning-AI", "lit-llama", "")),
        ("https://github.com/ggerganov/llama.cpp", GithubRepo("ggerganov", "llama.cpp", "")),
    ],
)
def test_github_repo(url: str, expected: GithubRepo) -> None:
    assert github_repo(url) == expected


def test_github_repo_properties() -> None:
    repo = github_repo("https://github.com/NVIDIA/Megatron-LM/tree/main/docs")
    assert repo is not None
    assert repo.full_name == "NVIDIA/Megatron-LM"
    assert repo.key == "nvidia/megatron-lm"
    assert repo.url == "https://github.com/NVIDIA/Megatron-LM/tree/main/docs"


@pytest.mark.parametrize(
    "url",
    [
        "https://github.com/",
        "https://github.com/hpcaitech",
        "https://github.com/topics/llm",
        "https://github.com/orgs/x/repositories",
        "https://gist.github.com/o/abc",
        "https://stanford-cs324.github.io/winter2022/",
        "hhttps://github.com/hpcaitech/ColossalAI",  # not http(s): malformed-url's business
        "ftp://github.com/o/r",
        "https://github.com/o/..",
        "https://github.com/-bad/r",
        "https://[::1/",
    ],
)
def test_github_repo_none(url: str) -> None:
    assert github_repo(url) is None


def test_host_of() -> None:
    assert host_of("https://WWW.Example.org:8080/x") == "www.example.org"
    assert host_of("not a url") is None
    assert host_of("https://[::1/") is None


@pytest.mark.parametrize(
    ("url", "fix", "says"),
    [
        ("hhttps://github.com/hpcaitech/x", "https://github.com/hpcaitech/x", "typo of 'https'"),
        ("htps://example.org/a", "https://example.org/a", "typo of 'https'"),
        ("ttps://example.org/a", "https://example.org/a", "typo of 'https'"),
        ("hhttp://example.org/a", "http://example.org/a", "typo of 'http'"),
        ("Htp://example.org/", "http://example.org/", "typo of 'http'"),
        ("http//example.org/a", "http://example.org/a", "the ':' after 'http' is missing"),
        ("https//example.org/a", "https://example.org/a", "the ':' after 'https' is missing"),
        ("htps//example.org/a", "https://example.org/a", "typo of 'https' and lacks its ':'"),
        ("https:/example.org/a", "https://example.org/a", "exactly two slashes"),
        ("https:example.org", "https://example.org", "exactly two slashes"),
        ("http:///example.org", "http://example.org", "exactly two slashes"),
        ("https:/x", None, "exactly two slashes"),  # "https://x" has no dotted host: not certain
        ("example.com/x", "https://example.com/x", "no scheme"),
        ("www.example.com", "https://www.example.com", "no scheme"),
        ("example.com:8080/x", "https://example.com:8080/x", "no scheme"),
        ("//example.org/a", "https://example.org/a", "protocol-relative"),
        ("https://https://example.org/a", "https://example.org/a", "written twice"),
        (" https://example.org/a ", "https://example.org/a", "starts or ends with spaces"),
        ("javascript:alert(1)", None, "'javascript:' is not a web address"),
        ("file:///etc/passwd", None, "'file:' is not a web address"),
        ("data:text/html,hi", None, "'data:' is not a web address"),
        ("ftp://example.org/x", None, "'ftp:' is not a web address"),
        ("mailto:someone@example.org", None, "'mailto:' is not a web address"),
        ("gopher://example.org/", None, "not http or https"),
        ("https://", None, "no host"),
        ("https://:8080/x", None, "no host"),
        ("https://example.org:99999/", None, "port '99999'"),
        ("https://example.org:abc/", None, "port 'abc'"),
        ("https://example.org:0/", None, "port '0'"),
        ("https://exa mple.org/", None, "contains a space"),
        ("https://example.org/\x1b[31mred", None, "control character U+001B"),
        ("https://example.org/a\x00b", None, "control character U+0000"),
        ("https://example.org/a\x7fb", None, "control character U+007F"),
        ("https://example.org/a\x9bb", None, "control character U+009B"),
        ("https://example.org/a\u202egnp.exe", None, "control character U+202E"),
        ("https://exa\u2066mple.org/", None, "control character U+2066"),
        ("https://example.org/a\x1fb", None, "control character U+001F"),
        ("https://example.org/\x1f", "https://example.org/", "ends with spaces"),  # stripped like a space
        ("https://example.org/a b", None, "contains a space"),
        ("https://example..org/", None, "not a valid host name"),
        ("https://256.1.1.1/", None, "not a valid host name"),  # ends in a number: an IPv4 address or nothing
        ("https://1.2.3.4.5/", None, "not a valid host name"),
        ("https://" + "a" * 64 + ".example/", None, "not a valid host name"),
        ("https://[::zz]/", None, "not a valid host name"),
        ("https://[::1/", None, "not a valid host name"),
        ("readme.md", None, "not an absolute URL"),
        ("/docs/index.html", None, "not an absolute URL"),
        ("", None, "empty"),
    ],
)
def test_check_url_problems(url: str, fix: str | None, says: str) -> None:
    problem = check_url(url)
    assert problem is not None
    assert problem.fix == fix
    assert says in problem.message
    assert problem.advice


@pytest.mark.parametrize(
    "url",
    [
        "https://github.com/hpcaitech/ColossalAI",
        "http://example.org",
        "HTTPS://EXAMPLE.ORG:8080/a?b=1#c",
        "https://user@example.org/",
        "http://[::1]:8080/",
        "https://xn--bcher-kva.example/",
        "https://bücher.example/",
        "http://１２７.０.０.１/",  # full-width digits: 127.0.0.1 to browsers and to the checker
        "http://127.1/",
        "https://localhost/",
        "https://fairscale.readthedocs.io/en/latest/what_is_fairscale.html",
    ],
)
def test_check_url_accepts(url: str) -> None:
    assert check_url(url) is None


_url_alphabet = st.sampled_from([*"htpsfx:/.[]@?#%&=- ab1", "://", "www.", ".com", "github"])


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=40), st.lists(_url_alphabet, max_size=12).map("".join), _urls))
def test_check_url_never_raises_and_its_fix_is_valid(text: str) -> None:
    problem = check_url(text)
    if problem is not None and problem.fix is not None:
        assert check_url(problem.fix) is None


@pytest.mark.parametrize(
    ("scheme", "expected"),
    [
        ("hhttps", "https"),
        ("htps", "https"),
        ("ttps", "https"),
        ("httpss", "https"),
        ("hxxps", "https"),
        ("hhttp", "http"),
        ("htp", "http"),
        ("htttp", "http"),
        ("http", None),
        ("https", None),
        ("ftp", None),
        ("ws", None),
        ("file", None),
        ("tp", None),
        ("shhhh", None),
    ],
)
def test_scheme_typo(scheme: str, expected: str | None) -> None:
    assert scheme_typo(scheme) == expected


@pytest.mark.parametrize(
    ("a", "b", "distance"),
    [
        ("", "", 0),
        ("abc", "", 3),
        ("lighting", "lightning", 1),
        ("htps", "https", 1),
        ("ab", "ba", 1),
        ("kitten", "sitting", 3),
    ],
)
def test_edit_distance(a: str, b: str, distance: int) -> None:
    assert edit_distance(a, b) == distance
    assert edit_distance(b, a) == distance


@settings(max_examples=300, deadline=None)
@given(st.lists(_url_alphabet, max_size=14).map("".join))
def test_normalize_is_idempotent_on_odd_text(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once


@pytest.mark.parametrize(
    ("host", "canonical"),
    [
        ("example.org", "example.org"),
        ("EXAMPLE.Org", "example.org"),
        ("example.org.", "example.org"),
        ("LOCALHOST.", "localhost"),
        ("my_host.example", "my_host.example"),
        ("ＥＸＡＭＰＬＥ。org", "example.org"),  # full-width letters, ideographic full stop
        ("bücher.example", "xn--bcher-kva.example"),
        ("BÜCHER.example.", "xn--bcher-kva.example"),
        ("xn--bcher-kva.example", "xn--bcher-kva.example"),
        ("127.0.0.1", "127.0.0.1"),
        ("127.1", "127.0.0.1"),
        ("127.0.1", "127.0.0.1"),
        ("0x7F.0.0.1", "127.0.0.1"),
        ("0177.0.0.1", "127.0.0.1"),
        ("2130706433", "127.0.0.1"),
        ("１２７.０.０.１", "127.0.0.1"),
        ("127.0.0.1.", "127.0.0.1"),
        ("::1", "::1"),
        ("[0:0:0:0:0:0:0:1]", "::1"),
        ("2001:DB8:0:0::1", "2001:db8::1"),
        ("", None),
        (".", None),
        ("a..b", None),
        ("exa mple.org", None),
        ("a/b.example", None),
        ("a\x1bb.example", None),
        ("256.0.0.1", None),
        ("1.2.3.4.5", None),
        ("1.2.3.0x100", None),
        ("example.0x1", None),  # ends in a number: an IPv4 address or nothing
        ("1.2.3.²", "1.2.3.2"),  # folded like browsers do (UTS 46)
        ("fe80::1%eth0", None),
        ("[::zz]", None),
        ("[example.org]", None),
        ("a" * 64 + ".example", None),
    ],
)
def test_canonical_host(host: str, canonical: str | None) -> None:
    assert canonical_host(host) == canonical
