"""Where a webhook may go: https to public addresses, unless settings allow more.

Checked when an endpoint is saved (a clear 422) and again at every send, on the
addresses the host resolves to then: the connection goes to the address that was
checked (app/webhooks/sender.py), so a name that resolves elsewhere a moment later
(DNS rebinding) gains nothing. WEBHOOK_ALLOW_HTTP allows http (development);
WEBHOOK_ALLOWED_HOSTS lists host names or CIDR ranges allowed although internal.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from flask import current_app

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
# Not public, whatever `is_global` says of them: the cloud metadata service's and the unspecified addresses.
_BLOCKED = [ipaddress.ip_network(n) for n in ("169.254.0.0/16", "fd00:ec2::/32", "0.0.0.0/8", "100.64.0.0/10")]


class Refused(ValueError):
    """The URL may not be used; the message says why."""


def _allowed() -> tuple[set[str], list]:
    names, networks = set(), []
    for part in str(current_app.config.get("WEBHOOK_ALLOWED_HOSTS") or "").split(","):
        part = part.strip().lower()
        if not part:
            continue
        try:
            networks.append(ipaddress.ip_network(part, strict=False))
        except ValueError:
            names.add(part.rstrip("."))
    return names, networks


def check_syntax(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) of a URL that may be used, before any look-up; else Refused."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise Refused("Not a valid URL.") from None
    scheme = parts.scheme.lower()
    if scheme not in ("https", "http"):
        raise Refused("The URL must start with https://.")
    if scheme == "http" and not current_app.config.get("WEBHOOK_ALLOW_HTTP"):
        raise Refused("The URL must use https (http is allowed only in development).")
    if parts.username or parts.password:
        raise Refused("The URL may not hold a user name or password.")
    host = (parts.hostname or "").rstrip(".").lower()
    if not host:
        raise Refused("The URL has no host.")
    return scheme, host, port or (443 if scheme == "https" else 80)


def is_public(address: Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if address.is_multicast or any(address in network for network in _BLOCKED):
        return False
    return address.is_global


def _why(address: Address) -> str:
    if address.is_loopback:
        return "a loopback address"
    if address.is_link_local or any(address in n for n in _BLOCKED[:2]):
        return "a link-local or metadata address"
    if address.is_multicast:
        return "a multicast address"
    return "a private or reserved address"


def resolve(url: str) -> tuple[str, str, int, list[str]]:
    """(scheme, host, port, the addresses to connect to) for a URL that may be used now; else Refused.

    Every address the host resolves to must be public (or allowed): a name with one
    private address among public ones is refused, whichever the connection would pick.
    """
    scheme, host, port = check_syntax(url)
    names, networks = _allowed()
    try:
        literal = ipaddress.ip_address(host.strip("[]"))
        addresses = [literal]
    except ValueError:
        literal = None
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError):
            raise Refused(f"The host {host} does not resolve.") from None
        addresses = list(dict.fromkeys(ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos))
    if not addresses:
        raise Refused(f"The host {host} does not resolve.")
    if host not in names:
        for address in addresses:
            if not is_public(address) and not any(address in network for network in networks):
                shown = host if literal is not None else f"{host} resolves to {address}, which"
                raise Refused(f"{shown} is {_why(address)}; webhooks go to public addresses only.")
    return scheme, host, port, [str(a) for a in addresses]
