"""The address guard: which addresses are refused, that every resolved address is checked, that each
redirect hop is checked, and that the connection goes to the address that was checked."""

from __future__ import annotations

import asyncio
import ipaddress
import socket

import pytest

from curator.config import LinkSettings
from curator.facts import FailureKind, LinkState
from curator.probes.links import check_links_sync
from curator.probes.links._netguard import AddressRefused, NameNotResolved, NetGuard, address_problem, parse_address
from tests.support.linkfarm import LinkFarm, Reply


@pytest.mark.parametrize(
    ("address", "problem"),
    [
        ("127.0.0.1", "loopback"),
        ("127.8.9.10", "loopback"),
        ("::1", "loopback"),
        ("10.1.2.3", "private"),
        ("172.16.0.1", "private"),
        ("172.31.255.254", "private"),
        ("192.168.1.1", "private"),
        ("100.64.0.1", "shared (carrier-grade NAT)"),
        ("100.127.255.254", "shared (carrier-grade NAT)"),
        ("169.254.169.254", "link-local"),
        ("fe80::1", "link-local"),
        ("fc00::1", "private"),
        ("fd12:3456::1", "private"),
        ("224.0.0.1", "multicast"),
        ("239.255.255.250", "multicast"),
        ("ff02::1", "multicast"),
        ("0.0.0.0", "unspecified"),
        ("::", "unspecified"),
        ("240.0.0.1", "reserved"),
        ("255.255.255.255", "reserved"),
        ("192.0.2.1", "private"),  # documentation range
        ("192.0.0.8", "reserved"),  # IETF protocol assignments, 192.0.0.0/24, all of it
        ("192.0.0.9", "reserved"),
        ("192.0.0.10", "reserved"),
        ("192.0.0.255", "reserved"),
        ("::ffff:192.0.0.8", "reserved"),
        ("fec0::1", "site-local"),  # deprecated site-local, fec0::/10
        ("feff:ffff::1", "site-local"),
        ("::ffff:127.0.0.1", "loopback"),  # IPv4-mapped
        ("::ffff:169.254.169.254", "link-local"),
        ("::ffff:10.0.0.1", "private"),
        ("64:ff9b::a9fe:a9fe", "link-local"),  # NAT64 of 169.254.169.254
        ("2002:a9fe:a9fe::1", "link-local"),  # 6to4 of 169.254.169.254
        ("8.8.8.8", None),
        ("1.1.1.1", None),
        ("100.128.0.1", None),
        ("172.32.0.1", None),
        ("2606:4700:4700::1111", None),
        ("::ffff:8.8.8.8", None),
    ],
)
def test_address_problems(address: str, problem: str | None) -> None:
    assert address_problem(ipaddress.ip_address(address)) == problem


def test_parse_address() -> None:
    assert parse_address("[::1]") == ipaddress.ip_address("::1")
    assert parse_address("fe80::1%eth0") == ipaddress.ip_address("fe80::1")
    assert parse_address("example.org") is None


def test_allowed_networks_and_allow_all() -> None:
    guard = NetGuard(allowed_networks=["127.0.0.2/32", "10.0.0.0/8"])
    assert guard.problem(ipaddress.ip_address("127.0.0.2")) is None
    assert guard.problem(ipaddress.ip_address("10.9.9.9")) is None
    assert guard.problem(ipaddress.ip_address("127.0.0.3")) == "loopback"
    assert guard.problem(ipaddress.ip_address("::1")) == "loopback"
    assert NetGuard(allow_all=True).problem(ipaddress.ip_address("169.254.169.254")) is None


def test_refusal_names_the_address() -> None:
    assert AddressRefused("169.254.169.254", "169.254.169.254", "link-local").detail == (
        "169.254.169.254 is a link-local address"
    )
    assert AddressRefused("meta.example", "10.0.0.1", "private").detail == (
        "meta.example resolves to 10.0.0.1, a private address"
    )


def test_every_resolved_address_is_checked() -> None:
    async def resolver(host: str, port: int) -> list[str]:
        return ["93.184.216.34", "10.0.0.7"]

    guard = NetGuard(resolver=resolver)
    with pytest.raises(AddressRefused) as raised:
        asyncio.run(guard.resolve("mixed.example", 443))
    assert raised.value.address == "10.0.0.7"


def test_lookups_are_shared_and_cached() -> None:
    calls: list[str] = []

    async def resolver(host: str, port: int) -> list[str]:
        calls.append(host)
        await asyncio.sleep(0.01)
        return ["93.184.216.34"]

    async def main() -> list[list[str]]:
        guard = NetGuard(resolver=resolver)
        first = await asyncio.gather(*(guard.resolve("a.example", 80) for _ in range(5)))
        return [*first, await guard.resolve("A.EXAMPLE.", 80)]

    assert asyncio.run(main()) == [["93.184.216.34"]] * 6
    assert calls == ["a.example"]


def test_a_name_that_does_not_exist_is_told_from_a_failed_lookup() -> None:
    async def resolver(host: str, port: int) -> list[str]:
        if host == "nx.example":
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")

    guard = NetGuard(resolver=resolver)
    with pytest.raises(NameNotResolved) as unknown:
        asyncio.run(guard.resolve("nx.example", 80))
    assert unknown.value.unknown
    with pytest.raises(NameNotResolved) as failed:
        asyncio.run(guard.resolve("down.example", 80))
    assert not failed.value.unknown


def test_a_cancelled_waiter_does_not_cancel_the_shared_lookup() -> None:
    async def resolver(host: str, port: int) -> list[str]:
        await asyncio.sleep(0.05)
        return ["93.184.216.34"]

    async def main() -> list[str]:
        guard = NetGuard(resolver=resolver)
        impatient = asyncio.ensure_future(guard.resolve("slow.example", 80))
        patient = asyncio.ensure_future(guard.resolve("slow.example", 80))
        await asyncio.sleep(0.01)
        impatient.cancel()
        return await patient

    assert asyncio.run(main()) == ["93.184.216.34"]


# ── through the link checker, against real servers ───────────────────────────────────────────────────────


def settings() -> LinkSettings:
    return LinkSettings(timeout=2, connect_timeout=1, retries=0)


def test_loopback_is_refused_by_default_and_allowed_on_request(linkfarm: LinkFarm) -> None:
    host = linkfarm.host("127.0.0.2")
    url = host.route("/x", Reply())
    refused = check_links_sync([url], settings())[url]
    assert refused.state is LinkState.REFUSED
    assert refused.detail == "127.0.0.2 is a loopback address"
    assert refused.kind is FailureKind.POLICY
    assert host.hits() == []  # refused before connecting
    assert check_links_sync([url], settings(), allow_private_hosts=True)[url].state is LinkState.OK
    allowed = LinkSettings(allow_private_hosts=True, timeout=2, retries=0)
    assert check_links_sync([url], allowed)[url].state is LinkState.OK


def test_a_redirect_to_a_refused_address_is_refused_and_never_requested(linkfarm: LinkFarm) -> None:
    public = linkfarm.host("127.0.0.2")
    private = linkfarm.host("127.0.0.3")
    inside = private.route("/admin", Reply())
    url = public.route("/go", Reply(302, location=inside))
    metadata = public.route("/meta", Reply(301, location="http://169.254.169.254/latest/meta-data/"))
    guard = NetGuard(allowed_networks=["127.0.0.2/32"])
    results = check_links_sync([url, metadata], settings(), guard=guard)
    assert results[url].state is LinkState.REFUSED
    assert results[url].detail == f"redirected to {inside}: 127.0.0.3 is a loopback address"
    assert results[url].final_url == inside
    assert results[url].kind is FailureKind.POLICY
    assert [h.status for h in results[url].redirects] == [302]
    assert private.hits() == []
    assert results[metadata].state is LinkState.REFUSED
    assert "169.254.169.254 is a link-local address" in (results[metadata].detail or "")


def test_a_public_name_redirecting_to_a_private_name_is_refused(linkfarm: LinkFarm) -> None:
    """Names, not just literals: public.test resolves to the allowed address, private.test does not."""
    public = linkfarm.host("127.0.0.2")
    private = linkfarm.host("127.0.0.3")
    private.route("/secret", Reply())
    public.route("/start", Reply(302, location=f"http://private.test:{private.port}/secret"))
    names = {"public.test": "127.0.0.2", "private.test": "127.0.0.3"}

    async def resolver(host: str, port: int) -> list[str]:
        return [names[host]]

    guard = NetGuard(allowed_networks=["127.0.0.2/32"], resolver=resolver)
    url = f"http://public.test:{public.port}/start"
    result = check_links_sync([url], settings(), guard=guard)[url]
    assert result.state is LinkState.REFUSED
    assert "private.test resolves to 127.0.0.3, a loopback address" in (result.detail or "")
    assert private.hits() == []
    # the request went to the address that was checked, under the name it was asked by
    assert public.hits("/start")[0].headers["host"] == f"public.test:{public.port}"


def test_the_connection_goes_to_the_checked_address_not_a_second_lookup(linkfarm: LinkFarm) -> None:
    """DNS rebinding: a resolver that answers differently the second time is asked only once."""
    good = linkfarm.host("127.0.0.2")
    bad = linkfarm.host("127.0.0.3")
    good.route("/", Reply(title="good"))
    bad.route("/", Reply(title="bad"))
    answers = iter([["127.0.0.2"], ["127.0.0.3"]])

    async def resolver(host: str, port: int) -> list[str]:
        return next(answers)

    guard = NetGuard(allowed_networks=["127.0.0.2/32"], resolver=resolver)
    url = f"http://rebind.test:{good.port}/"
    result = check_links_sync([url], settings(), guard=guard, want_titles=True)[url]
    assert result.state is LinkState.OK
    assert result.title == "good"
    assert bad.hits() == []


def test_a_name_with_one_private_address_among_public_ones_is_refused(linkfarm: LinkFarm) -> None:
    host = linkfarm.host("127.0.0.2")

    async def resolver(h: str, port: int) -> list[str]:
        return ["127.0.0.2", "127.0.0.3"]

    guard = NetGuard(allowed_networks=["127.0.0.2/32"], resolver=resolver)
    url = f"http://mixed.test:{host.port}/"
    result = check_links_sync([url], settings(), guard=guard)[url]
    assert result.state is LinkState.REFUSED
    assert result.detail == "mixed.test resolves to 127.0.0.3, a loopback address"
    assert host.hits() == []
