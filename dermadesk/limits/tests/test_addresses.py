"""The client's address: the connection's, or what our own proxies wrote; never the client's."""

import ipaddress

from hypothesis import given
from hypothesis import strategies as st

from dermadesk.limits.addresses import client_address, client_group, parse_address

PROXY = "10.0.0.2"
addresses = st.one_of(st.ip_addresses(v=4), st.ip_addresses(v=6)).map(str)
junk = st.text(max_size=40)


def test_without_proxies_the_connection_is_the_client() -> None:
    assert client_address("203.0.113.7", "198.51.100.1", proxies=0) == "203.0.113.7"


def test_behind_one_proxy_the_right_most_forwarded_entry_is_the_client() -> None:
    forwarded = "1.2.3.4, 198.51.100.20"
    assert client_address(PROXY, forwarded, proxies=1) == "198.51.100.20"


def test_behind_two_proxies_the_second_entry_from_the_right_is_the_client() -> None:
    forwarded = "1.2.3.4, 198.51.100.20, 10.0.0.1"
    assert client_address(PROXY, forwarded, proxies=2) == "198.51.100.20"


def test_a_header_shorter_than_the_proxies_falls_back_to_the_connection() -> None:
    assert client_address(PROXY, "198.51.100.20", proxies=2) == PROXY
    assert client_address(PROXY, None, proxies=1) == PROXY


def test_an_entry_that_is_no_address_falls_back_to_the_connection() -> None:
    assert client_address(PROXY, "1.2.3.4, unknown", proxies=1) == PROXY


def test_ports_and_brackets_added_by_proxies_are_dropped() -> None:
    assert client_address(PROXY, "198.51.100.20:51234", proxies=1) == "198.51.100.20"
    assert client_address(PROXY, "[2001:db8::5]:443", proxies=1) == "2001:db8::5"
    assert parse_address("::ffff:198.51.100.20") == ipaddress.ip_address("198.51.100.20")


@given(st.lists(junk, max_size=5), addresses, st.integers(1, 3), st.lists(addresses, max_size=3))
def test_nothing_left_of_the_trusted_entries_changes_the_answer(
    forged: list[str], client: str, proxies: int, between: list[str]
) -> None:
    """Whatever the client writes into X-Forwarded-For, the answer is what our proxies saw."""
    trusted = [client, *between][:proxies]
    if len(trusted) < proxies:
        trusted += ["10.0.0.1"] * (proxies - len(trusted))
    honest = ", ".join(trusted)
    forged_header = ", ".join([*forged, honest])
    expected = client_address(PROXY, honest, proxies=proxies)
    assert client_address(PROXY, forged_header, proxies=proxies) == expected
    assert expected == str(parse_address(client))


@given(junk, st.integers(0, 3))
def test_the_answer_is_an_address_whenever_the_connection_has_one(
    header: str, proxies: int
) -> None:
    assert parse_address(client_address(PROXY, header, proxies=proxies)) is not None


def test_an_ipv6_client_counts_as_its_slash_64() -> None:
    assert client_group("2001:db8:1:2::5") == client_group("2001:db8:1:2:ffff::9")
    assert client_group("2001:db8:1:2::5") != client_group("2001:db8:1:3::5")
    assert client_group("198.51.100.20") == "198.51.100.20"
