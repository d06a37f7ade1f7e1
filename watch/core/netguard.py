"""The outbound-address guard: addresses the server must never contact on a user's behalf (SSRF).

Pure standard library, so the push library (watch.push.webpush) and graffiti's outbound delivery share it.
"""
from __future__ import annotations

import ipaddress

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_NAT64 = ipaddress.ip_network("64:ff9b::/96")
# IANA special-purpose blocks, listed explicitly because ipaddress's is_global/is_private
# tables differ between Python patch releases (e.g. 192.0.0.0/24 changed in 3.11.x).
_SPECIAL = tuple(ipaddress.ip_network(n) for n in (
    "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
    "192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16", "198.18.0.0/15",
    "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
    "::/127", "64:ff9b:1::/48", "100::/64", "2001::/23", "2001:db8::/32", "fc00::/7", "fe80::/10",
    "fec0::/10", "ff00::/8",
))


def is_forbidden_address(ip: IPAddress) -> bool:
    """Return True for loopback, private, link-local, CGNAT, multicast, reserved or unspecified."""
    if isinstance(ip, ipaddress.IPv6Address):
        # Embedded IPv4 forms reach the IPv4 address they carry, so judge that one.
        if ip.ipv4_mapped is not None:
            return is_forbidden_address(ip.ipv4_mapped)
        if ip.sixtofour is not None:
            return is_forbidden_address(ip.sixtofour)
        if ip in _NAT64:
            return is_forbidden_address(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
        if ip.teredo is not None:
            return True
    if any(ip in net for net in _SPECIAL if net.version == ip.version):
        return True
    return (
        ip.is_loopback
        or ip.is_private
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global
    )
