"""The client's address, for the lock-out log, the audit trail and the online complaint limit.

Behind PROXY_COUNT reverse proxies, each appends the address it received the request from to X-Forwarded-For;
the client as the outermost trusted proxy saw it is the PROXY_COUNT-th entry from the right. Entries further left
come from the client itself and are never trusted. With no proxy, REMOTE_ADDR is the client.

Whatever is taken is checked to be an address and written the one way Python writes it: the audit trail and the
complaint limit store it in an `inet` column, where "host:port" or a word would fail the whole request, and one
address written two ways would count as two clients. Some proxies add the port ("203.0.113.9:5678",
"[2001:db8::1]:443"); it is dropped. An entry that is not an address falls back to the peer (REMOTE_ADDR).
"""

import ipaddress

from django.conf import settings


def client_ip(request) -> str | None:
    count = settings.PROXY_COUNT
    if count > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= count and (address := _address(forwarded[-count])):
            return address
    return _address(request.META.get("REMOTE_ADDR", ""))


def _address(text: str) -> str | None:
    """`text` as an IP address without its port, or None if it is not one."""
    if text.startswith("["):  # [IPv6]:port
        text = text[1 : text.find("]")] if "]" in text else ""
    elif text.count(":") == 1:  # IPv4:port (an IPv6 address has at least two colons)
        text = text.split(":")[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if address.version == 6 and address.ipv4_mapped:  # ::ffff:203.0.113.9, from a dual-stack socket
        address = address.ipv4_mapped
    return str(address)


def limit_key(address: str) -> str:
    """What a rate limit counts `address` as: an IPv6 address by its /64, since a household or an office is given
    a /64 and its devices take new addresses in it at will (privacy addresses), so that counting each address would
    let one person past any limit; an IPv4 address (or anything else) as it is."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if parsed.version == 6:
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False).network_address)
    return str(parsed)
