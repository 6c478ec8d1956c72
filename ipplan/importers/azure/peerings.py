"""The scenario's external ranges, from the VNets' peerings to VNets not imported."""

from __future__ import annotations

from ipplan.core.cidr import parse_network
from ipplan.importers.azure.names import unique_name
from ipplan.importers.azure.read import AzPeering, AzVNet
from ipplan.importers.azure.render import Entry, review
from ipplan.importers.azure.review import REJECTED, Vetoes
from ipplan.importers.azure.vnets import Estate, Placed, Ranges, cidrs

__all__ = ["build_external"]


def build_external(estate: Estate, placed: Placed, names: set[str], vetoes: Vetoes) -> list[Entry]:
    """One external range per remote VNet, with the prefixes no imported VNet holds."""
    spaces = Ranges()
    for vi, vnet in enumerate(estate.vnets):
        if not placed.entries[vi].dropped:
            for prefix in vnet.prefixes:
                spaces.add(prefix, f"{placed.names[vi]} ({prefix})")
    external: dict[str, Entry] = {}
    ranges = Ranges()
    for vi, vnet in enumerate(estate.vnets):
        if placed.entries[vi].dropped:
            continue
        for peering in vnet.peerings:
            if not _stale(estate, vnet, placed.entries[vi], peering):
                _peering(vnet, peering, (spaces, ranges), names, external, vetoes)
    return list(external.values())


def _stale(estate: Estate, vnet: AzVNet, vnet_entry: Entry, peering: AzPeering) -> bool:
    """True when the remote VNet is imported (so no external range), noting a stale peering."""
    remote = estate.vnet_index.get(peering.remote_id) if peering.remote_id else None
    if remote is None:
        return False
    actual = estate.vnets[remote].prefixes
    if peering.prefixes and set(peering.prefixes) != set(actual):
        review(
            vnet_entry,
            f"peering {peering.name} of VNet {vnet.name} lists {cidrs(peering.prefixes)} "
            f"for VNet {estate.vnets[remote].name}, which has {cidrs(actual)} (a stale "
            "peering; sync it in Azure): the VNet is imported, so no external range",
        )
    return True


def _peering(
    vnet: AzVNet,
    peering: AzPeering,
    taken: tuple[Ranges, Ranges],
    names: set[str],
    external: dict[str, Entry],
    vetoes: Vetoes,
) -> None:
    spaces, ranges = taken
    key = peering.remote_id or f"{vnet.rid}/{peering.name}"
    entry = external.get(key)
    if entry is None:
        name = unique_name(peering.remote_name, names)
        entry = Entry({"name": name, "cidrs": []}, origin=key)
        entry.comments.append(f"peered with VNet {vnet.name} ({peering.name})")
        external[key] = entry
    else:
        entry.comments.append(f"also peered with VNet {vnet.name} ({peering.name})")
    if peering.state and peering.state.lower() != "connected":
        review(
            entry,
            f"peering {peering.name} of VNet {vnet.name} is {peering.state}: "
            "its range is kept; delete it here if the peering is gone",
        )
    prefixes = list(peering.prefixes) + [p for p in peering.current if p not in peering.prefixes]
    if peering.current and set(peering.current) != set(peering.prefixes):
        review(
            entry,
            f"peering {peering.name} of VNet {vnet.name} is out of sync "
            f"(remoteAddressSpace {cidrs(peering.prefixes)}, remote VNet now "
            f"{cidrs(peering.current)}): both kept",
        )
    for prefix in prefixes:
        if prefix in [parse_network(c) for c in entry.data["cidrs"]]:
            continue
        clash = spaces.find(prefix) or ranges.find(prefix)
        if clash:
            review(
                entry,
                f"{prefix} of peered VNet {peering.remote_name} overlaps "
                f"{clash}: left out of the external ranges",
            )
            continue
        ranges.add(prefix, f"{entry.data['name']} ({prefix})")
        entry.data["cidrs"].append(str(prefix))
    if peering.ipv6:
        review(
            entry,
            f"IPv6 range {', '.join(peering.ipv6)} of peered VNet "
            f"{peering.remote_name} not imported (ipplan plans IPv4)",
        )
    vetoed = vetoes.get("external", key)
    if vetoed and not entry.dropped:
        review(entry, f"external range {entry.data['name']}: {vetoed}: {REJECTED}")
    if vetoed or not entry.data["cidrs"]:
        entry.dropped = True
        if not prefixes:
            review(
                entry,
                f"peering {peering.name} of VNet {vnet.name} lists no IPv4 "
                "address space: nothing to reserve",
            )
    else:
        entry.dropped = False
