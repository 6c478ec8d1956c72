"""Pure CIDR maths on integers: parse, overlap, allocate. netaddr lives here only."""

from __future__ import annotations

from netaddr import AddrFormatError, IPAddress, IPNetwork

from ipplan.errors import CidrError

__all__ = ["parse_address", "parse_network"]


def parse_network(text: str | IPNetwork) -> IPNetwork:
    """Parse a CIDR such as ``10.1.0.0/24``; reject host bits (netaddr keeps them silently).

    >>> parse_network("10.1.0.0/24")
    IPNetwork('10.1.0.0/24')

    Raises:
        CidrError: not a CIDR, or host bits set (the message gives the corrected CIDR).
    """
    if isinstance(text, IPNetwork):
        network = text
    else:
        raw = str(text).strip()
        if "/" not in raw:
            raise CidrError(f"{text!r} is not a CIDR: give a prefix length, such as {raw}/24")
        try:
            network = IPNetwork(raw, flags=0)
        except (AddrFormatError, ValueError, TypeError):
            raise CidrError(f"{text!r} is not a valid CIDR") from None
    if network.ip != network.network:
        raise CidrError(f"{str(text)!r} has host bits set (did you mean {network.cidr}?)")
    return network.cidr


def parse_address(text: str) -> IPAddress:
    """Parse one IP address such as ``10.0.0.10``.

    Raises:
        CidrError: not an IP address.
    """
    try:
        return IPAddress(str(text).strip())
    except (AddrFormatError, ValueError, TypeError):
        raise CidrError(f"{text!r} is not a valid IP address") from None
