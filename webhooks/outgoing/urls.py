"""Which URLs a subscription may point at, so the API cannot be used to reach odd places.

https on the open internet or an internal network (case systems often live there); plain
http to this machine only; nothing that hides credentials, and no link-local metadata
service (169.254.169.254 hands out cloud credentials to whoever asks).
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

MAX_URL_LENGTH = 2000
LOOPBACK_NAMES = frozenset({"localhost"})


class UnsafeUrl(ValueError):
    """A URL Makker will not deliver to; the message says why, in words a developer reads."""


def check_url(url: str) -> str:
    """The URL, trimmed, if events may be sent there; UnsafeUrl (with the reason) otherwise."""
    text = url.strip()
    if not text:
        raise UnsafeUrl("may not be blank")
    if len(text) > MAX_URL_LENGTH:
        raise UnsafeUrl(f"may be at most {MAX_URL_LENGTH} characters")
    if any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in text):
        raise UnsafeUrl("may not contain spaces or control characters")
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number in range
    except ValueError:
        raise UnsafeUrl("is not a valid URL") from None
    scheme = parts.scheme.lower()
    if scheme not in {"https", "http"}:
        raise UnsafeUrl("must be an https:// URL")
    host = parts.hostname
    if not host:
        raise UnsafeUrl("needs a host name")
    if parts.username is not None or parts.password is not None:
        raise UnsafeUrl("may not contain a user name or password; the signature authenticates")
    if parts.fragment:
        raise UnsafeUrl("may not contain a #fragment (it is never sent)")
    loopback = _check_host(host)
    if scheme == "http" and not loopback:
        raise UnsafeUrl("must use https (plain http only to localhost or 127.0.0.1)")
    return text


def _check_host(host: str) -> bool:
    """Refuse hosts that are no place for events; True when the host is this machine."""
    if host in LOOPBACK_NAMES:
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        _check_name(host)
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if address.is_loopback:
        return True
    if address.is_unspecified or address.is_multicast or address.is_link_local:
        raise UnsafeUrl("points at an address that cannot receive events")
    if address.is_reserved or address == ipaddress.IPv4Address("255.255.255.255"):
        raise UnsafeUrl("points at a reserved address")
    return False


def _check_name(host: str) -> None:
    """A DNS name, not an IP address in disguise (2130706433 and 0x7f.1 both mean 127.0.0.1)."""
    last = host.rstrip(".").rsplit(".", 1)[-1]
    if last.isdigit() or last.startswith("0x"):
        raise UnsafeUrl("write an IP address as four decimal numbers, e.g. 192.0.2.10")
    try:
        host.encode("idna")
    except UnicodeError:
        raise UnsafeUrl("has an invalid host name") from None
