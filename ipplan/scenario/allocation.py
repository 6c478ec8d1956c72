"""Fixed allocation: the ``prefix`` subnets of a VNet must fit around its existing ones."""

from __future__ import annotations

from ipplan.core.cidr import AddressSpace
from ipplan.errors import CapacityError, FieldPath, ScenarioError
from ipplan.scenario.types import VNet

__all__ = ["check_fixed_allocation"]


def check_fixed_allocation(vnet: VNet, path: FieldPath) -> None:
    """The ``prefix`` subnets fit around the existing ones (largest first, as buddy allocation
    packs best); ``size: auto`` ones are checked when the plan sizes them."""
    requests = sorted(
        (s.prefixlen, k) for k, s in enumerate(vnet.subnets) if s.prefixlen is not None
    )
    if not requests:
        return
    spaces = [space for space in vnet.address_space if space.version == 4]
    if not spaces:
        prefixlen, k = requests[0]
        raise ScenarioError(
            f"{prefixlen} needs an IPv4 range, but address_space has none; add one",
            path=path / "subnets" / k / "prefix",
            value=str(prefixlen),
        )
    space = AddressSpace(spaces)
    for subnet in vnet.subnets:
        if subnet.cidr is not None and subnet.cidr.version == 4:
            space.reserve(subnet.cidr)
    shortest = min(space.prefixlen for space in spaces)
    for prefixlen, k in requests:
        where = path / "subnets" / k / "prefix"
        if prefixlen < shortest:
            raise ScenarioError(
                f"{prefixlen} is larger than the VNet's largest IPv4 range (a /{shortest}); "
                f"use prefix {shortest} or more",
                path=where,
                value=str(prefixlen),
            )
        try:
            space.allocate(prefixlen)
        except CapacityError as err:
            raise ScenarioError(
                f"{prefixlen} does not fit: {err} once the existing subnets and larger "
                "requests are placed; use a longer prefix, or add a range to address_space",
                path=where,
                value=str(prefixlen),
            ) from None
