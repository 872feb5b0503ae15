"""HTTPS with a test certificate authority (trustme), and proxies from the environment."""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import trustme

from curator.config import LinkSettings
from curator.facts import FailureKind, LinkResult, LinkState
from curator.probes.links import check_links_sync
from curator.probes.links._netguard import NetGuard
from tests.support.linkfarm import Host, LinkFarm, Reply

GUARD = NetGuard(allowed_networks=["127.0.0.0/8"])


@pytest.fixture(scope="module")
def ca() -> Iterator[trustme.CA]:
    yield trustme.CA()


@pytest.fixture
def ca_file(ca: trustme.CA, tmp_path: Path) -> str:
    path = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return str(path)


def tls_host(
    farm: LinkFarm,
    ca: trustme.CA,
    address: str,
    *names: str,
    not_before: datetime | None = None,
    not_after: datetime | None = None,
) -> Host:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert = ca.issue_cert(*(names or (address,)), not_before=not_before, not_after=not_after)
    cert.configure_cert(context)
    return farm.host(address, tls=context)


def check(url: str, guard: NetGuard = GUARD, **options: bool) -> LinkResult:
    settings = LinkSettings(timeout=2, connect_timeout=1, retries=0)
    return check_links_sync([url], settings, guard=guard, backoff=0.01, **options)[url]


def test_a_certificate_from_a_trusted_ca_is_accepted(
    linkfarm: LinkFarm, ca: trustme.CA, ca_file: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", ca_file)
    host = tls_host(linkfarm, ca, "127.0.0.4")
    url = host.route("/secure", Reply(title="Secure page"))
    result = check(url, want_titles=True)
    assert result.state is LinkState.OK, result
    assert result.title == "Secure page"


def test_an_untrusted_certificate_is_a_tls_error(linkfarm: LinkFarm, ca: trustme.CA) -> None:
    host = tls_host(linkfarm, ca, "127.0.0.4")
    url = host.route("/secure", Reply())
    result = check(url)
    assert result.state is LinkState.TLS_ERROR
    assert result.kind is FailureKind.TLS
    assert (result.detail or "").startswith("certificate not accepted:")
    assert "certificate" in (result.detail or "")[len("certificate not accepted:") :]
    assert result.attempts == 1


def test_an_expired_certificate_and_a_wrong_name_are_tls_errors(
    linkfarm: LinkFarm, ca: trustme.CA, ca_file: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", ca_file)
    past = datetime.now(UTC) - timedelta(days=30)
    expired = tls_host(linkfarm, ca, "127.0.0.4", not_before=past - timedelta(days=30), not_after=past)
    wrong = tls_host(linkfarm, ca, "127.0.0.5", "other.example")
    result = check(expired.route("/", Reply()))
    assert result.state is LinkState.TLS_ERROR
    assert "expired" in (result.detail or "")
    result = check(wrong.route("/", Reply()))
    assert result.state is LinkState.TLS_ERROR
    assert "mismatch" in (result.detail or "")


def test_plain_http_through_a_proxy_from_the_environment(linkfarm: LinkFarm, monkeypatch: pytest.MonkeyPatch) -> None:
    proxy = linkfarm.proxy("127.0.0.1")
    host = linkfarm.host("127.0.0.2")
    url = host.route("/via", Reply(title="Proxied"))
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    # the proxy's own (loopback) address is trusted; the target is checked against the guard
    result = check(url, guard=NetGuard(allowed_networks=["127.0.0.2/32"]), want_titles=True)
    assert result.state is LinkState.OK, result
    assert result.title == "Proxied"
    assert proxy.hits == [("GET", url)]
    assert len(host.hits("/via")) == 1


def test_the_guard_still_applies_behind_a_proxy(linkfarm: LinkFarm, monkeypatch: pytest.MonkeyPatch) -> None:
    proxy = linkfarm.proxy("127.0.0.1")
    host = linkfarm.host("127.0.0.3")
    url = host.route("/inside", Reply())
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    result = check(url, guard=NetGuard(allowed_networks=["127.0.0.2/32"]))
    assert result.state is LinkState.REFUSED
    assert proxy.hits == []


def test_https_through_a_connect_tunnel(
    linkfarm: LinkFarm, ca: trustme.CA, ca_file: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    proxy = linkfarm.proxy("127.0.0.1")
    host = tls_host(linkfarm, ca, "127.0.0.4")
    url = host.route("/tunnel", Reply(title="Tunnelled"))
    monkeypatch.setenv("HTTPS_PROXY", proxy.url)
    monkeypatch.setenv("SSL_CERT_FILE", ca_file)
    result = check(url, want_titles=True)
    assert result.state is LinkState.OK, result
    assert result.title == "Tunnelled"
    assert proxy.hits == [("CONNECT", f"127.0.0.4:{host.port}")]


def test_no_proxy_goes_direct(linkfarm: LinkFarm, monkeypatch: pytest.MonkeyPatch) -> None:
    proxy = linkfarm.proxy("127.0.0.1")
    host = linkfarm.host("127.0.0.2")
    url = host.route("/direct", Reply())
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    monkeypatch.setenv("NO_PROXY", "127.0.0.2")
    assert check(url).state is LinkState.OK
    assert proxy.hits == []
    assert len(host.hits("/direct")) == 1
