"""Bind addresses: which ones mean "every interface" (parsed, not compared as strings)."""

from __future__ import annotations

import ipaddress


def every_interface(value: str) -> bool:
    """True for any spelling of the unspecified address: `0.0.0.0`, `::`, `::0`, `0:0:0:0:0:0:0:0`,
    `[::]`, `::ffff:0.0.0.0`, `*`, an empty host (docker binds `:3000:3000` to every interface)."""
    text = value.strip()
    if text in ("", "*"):
        return True
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    text = text.split("%", 1)[0]  # an IPv6 zone (`::%eth0`) still binds the unspecified address
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped.is_unspecified
    return address.is_unspecified
