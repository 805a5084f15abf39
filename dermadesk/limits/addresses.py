"""Which address a request came from, and which addresses count as one client. Pure.

Behind reverse proxies, each proxy appends the address it received the request from to
``X-Forwarded-For``; everything to the left of what our own proxies wrote was sent by the
client and may be made up. So with ``proxies`` trusted proxies in front, the client is
the ``proxies``-th entry from the right, and nothing further left is ever read.
"""

import ipaddress
from ipaddress import IPv4Address, IPv6Address

# An IPv6 subscriber is usually given a whole /64: counted per address, one client could
# change address on every request. Limits count each /64 as one client.
IPV6_CLIENT_PREFIX = 64


def parse_address(value: str) -> IPv4Address | IPv6Address | None:
    """The address in ``value`` (a port some proxies add is dropped); ``None`` if none."""
    text = value.strip()
    if text.startswith("["):  # "[2001:db8::1]:443"
        text = text[1:].split("]", 1)[0]
    elif text.count(":") == 1:  # "203.0.113.7:51234"
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def client_address(remote_addr: str, forwarded_for: str | None, *, proxies: int) -> str:
    """The client's address, as written by the nearest party we trust.

    ``proxies`` is how many reverse proxies of our own stand in front (0: none, the
    connection's address is the client's). With ``proxies`` = N the client is the N-th
    entry of ``X-Forwarded-For`` from the right. A header with fewer entries, or an entry
    that is not an address, means the request did not come through all of them: then the
    connection's own address is the answer, never anything the client wrote.
    """
    remote = parse_address(remote_addr)
    own = str(remote) if remote is not None else ""  # e.g. a Unix socket: no address
    if proxies <= 0 or not forwarded_for:
        return own
    entries = forwarded_for.split(",")
    if len(entries) < proxies:
        return own
    client = parse_address(entries[-proxies])
    return str(client) if client is not None else own


def client_group(address: str) -> str:
    """What limits count as one client: an IPv4 address, or the /64 of an IPv6 one."""
    parsed = parse_address(address)
    if parsed is None:
        return address.strip()
    if isinstance(parsed, IPv6Address):
        network = ipaddress.IPv6Network((parsed, IPV6_CLIENT_PREFIX), strict=False)
        return str(network)
    return str(parsed)
