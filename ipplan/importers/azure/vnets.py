"""Building the scenario's VNets and subnets from Azure's, and the index of what was read."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field

from netaddr import IPNetwork

from ipplan.importers.azure.names import unique_name
from ipplan.importers.azure.read import AzCluster, AzSubnet, AzVNet
from ipplan.importers.azure.render import Entry, review
from ipplan.importers.azure.review import REJECTED, Vetoes, renamed
from ipplan.rules import SubnetKind, kind_for_delegation, kind_for_name

__all__ = ["Estate", "Placed", "Ranges", "build_vnets", "cidrs", "estate"]

#: a subnet of the estate: (VNet index, subnet index)
At = tuple[int, int]


class Ranges:
    """Disjoint IPv4 ranges, each with a label; finds one overlapping a network in O(log n)."""

    def __init__(self) -> None:
        self._firsts: list[int] = []
        self._items: list[tuple[int, int, str]] = []

    def find(self, network: IPNetwork) -> str | None:
        i = bisect_right(self._firsts, network.last) - 1
        if i >= 0 and self._items[i][1] >= network.first:
            return self._items[i][2]
        return None

    def add(self, network: IPNetwork, label: str) -> None:
        i = bisect_right(self._firsts, network.first)
        self._firsts.insert(i, network.first)
        self._items.insert(i, (network.first, network.last, label))


def cidrs(networks: Sequence[IPNetwork]) -> str:
    return ", ".join(str(n) for n in networks)


@dataclass(frozen=True)
class Estate:
    """The Azure resources read, each VNet once, indexed by resource ID."""

    vnets: tuple[AzVNet, ...]
    clusters: tuple[AzCluster, ...]
    vnet_index: dict[str, int]  # VNet resource ID -> its index
    subnet_index: dict[str, At]  # subnet resource ID -> where it is
    managed: dict[str, list[int]]  # node resource group -> its AKS-managed VNets

    def locate(self, cluster: AzCluster, subnet_id: str) -> At | None:
        """The subnet a pool's ``vnetSubnetID`` names; without one, AKS's managed subnet."""
        if subnet_id:
            return self.subnet_index.get(subnet_id)
        for vi in self.managed.get(cluster.node_resource_group.lower(), []):
            for si, subnet in enumerate(self.vnets[vi].subnets):
                if subnet.name.lower() == "aks-subnet":
                    return vi, si
        return None


def estate(vnets: Sequence[AzVNet], clusters: Sequence[AzCluster], top: list[str]) -> Estate:
    """Index what was read; a VNet given twice is used once (a note in *top* says so)."""
    kept: list[AzVNet] = []
    by_rid: dict[str, AzVNet] = {}
    for vnet in vnets:
        if vnet.rid and vnet.rid in by_rid:
            top.append(
                f"VNet {vnet.name} is given twice ({by_rid[vnet.rid].where} and "
                f"{vnet.where}): the first is used"
            )
            continue
        by_rid[vnet.rid] = vnet
        kept.append(vnet)
    subnet_index: dict[str, At] = {}
    managed: dict[str, list[int]] = {}
    for vi, vnet in enumerate(kept):
        for si, subnet in enumerate(vnet.subnets):
            if subnet.rid:
                subnet_index.setdefault(subnet.rid, (vi, si))
        if vnet.name.lower().startswith("aks-vnet-"):
            managed.setdefault(vnet.resource_group, []).append(vi)
    return Estate(
        vnets=tuple(kept),
        clusters=tuple(clusters),
        vnet_index={vnet.rid: i for i, vnet in enumerate(kept) if vnet.rid},
        subnet_index=subnet_index,
        managed=managed,
    )


@dataclass
class Placed:
    """The VNet entries built, and where each imported subnet went (or why it did not)."""

    names: list[str]  # each VNet's scenario name
    entries: list[Entry]
    kept: dict[At, Entry] = field(default_factory=dict)  # a subnet -> its main entry
    why_not: dict[At, str] = field(default_factory=dict)  # a subnet -> why it was left out
    mapped: list[str] = field(default_factory=list)  # "name kind" of each platform subnet


def build_vnets(estate: Estate, names: set[str], vetoes: Vetoes) -> Placed:
    """The VNet entries: overlapping VNets are left out (the one hosting a cluster is kept)."""
    vnet_names = [unique_name(v.name, names) for v in estate.vnets]
    placed = Placed(
        vnet_names,
        [
            Entry(
                {"name": name, "address_space": [str(p) for p in vnet.prefixes]}, False, origin=vi
            )
            for vi, (name, vnet) in enumerate(zip(vnet_names, estate.vnets, strict=True))
        ],
    )
    for vnet, name, entry in zip(estate.vnets, vnet_names, placed.entries, strict=True):
        renamed(entry, "VNet", vnet.name, name)
    hosts = _hosts(estate)
    spaces = Ranges()
    for vi in sorted(range(len(estate.vnets)), key=lambda i: (i not in hosts, i)):
        vnet, entry = estate.vnets[vi], placed.entries[vi]
        clash = next(((p, spaces.find(p)) for p in vnet.prefixes if spaces.find(p)), None)
        vetoed = vetoes.get("vnets", vi)
        if vetoed:
            entry.dropped = True
            review(entry, f"VNet {vnet.name}: {vetoed}: {REJECTED}")
        elif not vnet.prefixes:
            entry.dropped = True
            review(entry, f"VNet {vnet.name} has no IPv4 address space: not imported")
        elif clash is not None:
            entry.dropped = True
            review(
                entry,
                f"VNet {vnet.name} ({clash[0]}) overlaps VNet {clash[1]}: not imported, as "
                "a scenario's VNets must not overlap (ipplan keeps the VNet that hosts an "
                "imported cluster, else the one given first)",
            )
        else:
            for prefix in vnet.prefixes:
                spaces.add(prefix, f"{vnet_names[vi]} ({prefix})")
        if vnet.ipv6:
            review(
                entry,
                f"IPv6 address space {', '.join(vnet.ipv6)} not imported (ipplan plans IPv4)",
            )
        _subnets(estate, placed, vi, vetoes)
    return placed


def _hosts(estate: Estate) -> set[int]:
    """VNets that hold a node pool of an imported cluster: kept first when VNets overlap."""
    hosts = set()
    for cluster in estate.clusters:
        for pool in cluster.pools:
            at = estate.locate(cluster, pool.subnet_id)
            if at is not None:
                hosts.add(at[0])
    return hosts


def _inside(network: IPNetwork, spaces: Sequence[IPNetwork]) -> bool:
    return any(s.first <= network.first and network.last <= s.last for s in spaces)


def _kind(subnet: AzSubnet, main: Entry, placed: Placed) -> None:
    """The subnet's kind (rule A24) from its name, its delegation or its Application Gateway;
    the entry's comment says which, and ``placed.mapped`` lists it for the summary note."""
    kind, why = kind_for_name(subnet.name), "its name"
    if kind is SubnetKind.VPN_GATEWAY:
        why = "its name; a VPN and an ExpressRoute gateway share it, so either kind fits"
    for service in subnet.delegations:
        if kind is None and kind_for_delegation(service) is not None:
            kind, why = kind_for_delegation(service), f"its delegation to {service}"
    if kind is None and subnet.app_gateway:
        kind = SubnetKind.APPLICATION_GATEWAY
        why = "its applicationGatewayIPConfigurations"
    if kind is None:
        return
    main.data["kind"] = str(kind)
    main.comments.append(f"kind {kind}: from {why}")
    if kind is SubnetKind.APPLICATION_GATEWAY:
        review(
            main,
            f"subnet {subnet.name} holds an Application Gateway (kind application-gateway): its "
            "instances' IPs are not listed in ipConfigurations, so ipplan plans the v2 maximum "
            "of 125; set instances and sku",
        )
    placed.mapped.append(f"{subnet.name} as {kind}")


def _subnets(estate: Estate, placed: Placed, vi: int, vetoes: Vetoes) -> None:
    vnet, entry = estate.vnets[vi], placed.entries[vi]
    if not vnet.subnets:
        return
    taken: set[str] = set()
    used = Ranges()
    entries: list[Entry] = []
    for si, subnet in enumerate(vnet.subnets):
        name = unique_name(subnet.name, taken)
        main = Entry(
            {"name": name, "cidr": str(subnet.prefixes[0]) if subnet.prefixes else ""},
            origin=si,
        )
        entries.append(main)
        if entry.dropped:
            main.dropped = True
            placed.why_not[vi, si] = f"its VNet {vnet.name} was not imported"
            continue
        vetoed = vetoes.get("vnets", vi, si)
        if vetoed:
            main.dropped = True
            review(main, f"subnet {subnet.name}: {vetoed}: {REJECTED}")
            placed.why_not[vi, si] = f"its subnet {subnet.name} was not imported"
            continue
        valid = []
        for prefix in subnet.prefixes:
            clash = used.find(prefix)
            if not _inside(prefix, vnet.prefixes):
                review(
                    main,
                    f"subnet {subnet.name} prefix {prefix} is outside VNet {vnet.name}'s "
                    f"address space ({cidrs(vnet.prefixes)}): not imported",
                )
            elif clash:
                review(
                    main,
                    f"subnet {subnet.name} prefix {prefix} overlaps subnet {clash}: not imported",
                )
            else:
                valid.append(prefix)
                used.add(prefix, f"{name} ({prefix})")
        if subnet.ipv6:
            review(main, f"IPv6 prefix {', '.join(subnet.ipv6)} not imported (ipplan plans IPv4)")
        if not valid:
            main.dropped = True
            placed.why_not[vi, si] = (
                f"its subnet {subnet.name} in VNet {vnet.name} was not imported"
            )
            if not subnet.prefixes:
                review(main, f"subnet {subnet.name} has no IPv4 prefix: not imported")
            continue
        renamed(main, "subnet", subnet.name, name)
        main.data["cidr"] = str(valid[0])
        placed.kept[vi, si] = main
        if subnet.delegations:
            main.comments.append(f"delegated to {', '.join(subnet.delegations)}")
        _kind(subnet, main, placed)
        for k, prefix in enumerate(valid[1:], start=2):
            extra = Entry(
                {"name": unique_name(f"{name}.prefix{k}", taken), "cidr": str(prefix)}, origin=si
            )
            extra.comments.append(
                f"prefix {k} of subnet {name} (addressPrefixes): kept so nothing is planned "
                f"over it; ipplan places {name}'s users in {valid[0]}"
            )
            entries.append(extra)
    entry.children["subnets"] = entries
