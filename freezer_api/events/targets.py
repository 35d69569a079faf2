"""Which addresses a webhook may call: server-side request forgery is refused.

A webhook makes this server send requests where its owner says. By default
only public addresses are allowed: loopback, private (10/8, 172.16/12,
192.168/16, fc00::/7), link-local (169.254/16, where cloud metadata
services answer, fe80::/10), carrier-grade NAT, multicast, reserved and
unspecified addresses are refused, unless [webhooks] allowed_networks
lists a network that contains them. A name is resolved and every address
it resolves to must be allowed; the check runs at registration and again
before each delivery, which then connects to the very address checked
(a name that resolves elsewhere in between changes nothing).
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class Refused(Exception):
    """The URL may not be called; the message says why, in words for the webhook's owner."""


@dataclass(frozen=True)
class Target:
    url: SplitResult
    host: str
    port: int
    address: str  # the checked address to connect to


def parse_networks(values: list[str]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(value.strip(), strict=False) for value in values if value.strip())


class TargetPolicy:
    def __init__(self, allowed_networks: tuple[Network, ...] = ()):
        self.allowed_networks = allowed_networks

    def refusal(self, url: str) -> str | None:
        """Why `url` may not be a webhook target, or None (the domain's port)."""
        try:
            self.resolve(url)
        except Refused as refused:
            return str(refused)
        return None

    def resolve(self, url: str) -> Target:
        """The address to deliver `url` to, once checked; Refused if none may be called."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            raise Refused("The webhook URL must be http:// or https://.")
        if not parts.hostname:
            raise Refused("The webhook URL names no host.")
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError:
            raise Refused("The webhook URL has an invalid port.") from None
        try:
            infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError) as error:
            raise Refused(f"The webhook host {parts.hostname!r} does not resolve ({error}).") from None
        addresses = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]
        for address in addresses:
            if not self.allowed(address):
                raise Refused(
                    f"The webhook host {parts.hostname!r} resolves to {address}, an internal address "
                    "(loopback, private, link-local or reserved); the operator may allow its network in "
                    "[webhooks] allowed_networks."
                )
        return Target(parts, parts.hostname, port, str(addresses[0]))

    def allowed(self, address: Address) -> bool:
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            address = address.ipv4_mapped
        if any(address in network for network in self.allowed_networks):
            return True
        return address.is_global and not address.is_multicast
