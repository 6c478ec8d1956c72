"""Address-space checks: VNets and their subnets, external ranges, and how they may overlap."""

# annotations are evaluated (no __future__ import): dataclasses matches each string one
# against ClassVar, InitVar and KW_ONLY as it builds the class (issue 11)
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from netaddr import IPNetwork

from ipplan.core.capacity import usable_ips
from ipplan.core.cidr import PrefixIndex, contains, find_overlaps, overlaps, parse_network
from ipplan.errors import CidrError, FieldPath, ScenarioError
from ipplan.rules import (
    FORBIDDEN_RANGES,
    IPV6_SUBNET_PREFIXLEN,
    LARGEST_SUBNET_PREFIXLEN,
    SMALLEST_SUBNET_PREFIXLEN,
    VNET_RESERVED_RANGES,
    AppGatewaySku,
    Severity,
    SubnetKind,
    kind_ips,
    subnet_kind_violations,
)
from ipplan.scenario.format import ExternalModel, SubnetModel, VNetModel
from ipplan.scenario.names import check_unique
from ipplan.scenario.pools import Warnings
from ipplan.scenario.show import show
from ipplan.scenario.types import ExternalRange, ScenarioWarning, SubnetSpec, VNet

__all__ = [
    "AddressSpaces",
    "Range",
    "check_forbidden",
    "check_vnet_overlaps",
    "cidr",
    "external_range",
    "subnet_size_problem",
    "vnet",
]


@dataclass(frozen=True)
class Range:
    """A named range the checks compare against: where it is and what to call it."""

    network: IPNetwork
    path: FieldPath
    label: str  # "VNet 'hub'", "external range 'on-prem'"


@dataclass
class AddressSpaces:
    """The VNets' and external ranges' prefixes checked so far: what pod and service CIDRs must
    not overlap (rules A11, A14)."""

    vnets: list[Range] = field(default_factory=list)
    external: list[Range] = field(default_factory=list)
    _index: tuple[int, int, PrefixIndex] | None = field(default=None, repr=False, compare=False)

    def all(self) -> list[Range]:
        return self.vnets + self.external

    def overlapping(self, network: IPNetwork) -> list[Range]:
        """The ranges of :meth:`all` that overlap *network*, in that order.

        One lookup per prefix length plus a bisection, not a pass over every range: each
        cluster's pod and service CIDR is checked against thousands of VNets in an imported
        estate.
        """
        ranges = self.all()
        if self._index is None or self._index[:2] != (len(self.vnets), len(self.external)):
            index = PrefixIndex([r.network for r in ranges])
            self._index = (len(self.vnets), len(self.external), index)
        return [ranges[i] for i in self._index[2].overlapping(network)]


def cidr(text: str, path: FieldPath) -> IPNetwork:
    """Parse the CIDR at *path*."""
    try:
        return parse_network(text)
    except CidrError as err:
        raise ScenarioError(str(err), path=path, value=repr(text)) from None


def check_forbidden(
    network: IPNetwork, path: FieldPath, ranges: Mapping[str, str], what: str
) -> None:
    """Rule A13: *network* (a VNet, pod or service CIDR) must not overlap these ranges."""
    for forbidden, why in ranges.items():
        if overlaps(network, forbidden):
            verb = "is" if str(network) == forbidden else "overlaps"
            raise ScenarioError(
                f"{network} {verb} {forbidden} ({why}), which is not allowed for {what}; "
                "use another range",
                path=path,
                value=str(network),
            )


#: the subnet fields that only one kind takes (rule A24)
_KIND_FIELDS = {
    "instances": SubnetKind.APPLICATION_GATEWAY,
    "sku": SubnetKind.APPLICATION_GATEWAY,
    "private_frontend": SubnetKind.APPLICATION_GATEWAY,
    "endpoints": SubnetKind.PRIVATE_ENDPOINTS,
    "pods": SubnetKind.ACI,
}


def _kind(model: SubnetModel, path: FieldPath, warnings: Warnings) -> tuple[int, AppGatewaySku]:
    """Rule A24 for a subnet as written: its kind's fields, name and prefix; returns the IPs the
    kind's service takes and the Application Gateway SKU."""
    for key, owner in _KIND_FIELDS.items():
        value = getattr(model, key)
        if value is not None and model.kind is not owner:
            raise ScenarioError(
                f"{show(value)} is a setting of kind {owner} only, and subnet {model.name!r} is "
                + ("of no kind" if model.kind is None else f"of kind {model.kind}")
                + f"; remove {key}, or set kind: {owner}",
                path=path / key,
                value=show(value),
            )
    sku = model.sku or AppGatewaySku.V2
    where = path / ("cidr" if model.cidr is not None else "prefix")
    prefixlen = model.prefix
    if model.cidr is not None:
        prefixlen = int(cidr(model.cidr, where).prefixlen)
    for v in subnet_kind_violations(
        model.name, model.kind, prefixlen=prefixlen, existing=model.cidr is not None, sku=sku
    ):
        at = path / v.field if v.field else where
        if v.severity is Severity.WARNING:
            warnings.append(ScenarioWarning.of(v, at))
            continue
        shown = repr(model.name) if v.field == "name" else model.cidr or str(model.prefix)
        raise ScenarioError(str(v), path=at, value=shown)
    if model.kind is None:
        return 0, sku
    ips = kind_ips(
        model.kind,
        instances=model.instances,
        sku=sku,
        private_frontend=bool(model.private_frontend),
        endpoints=model.endpoints or 0,
        pods=model.pods or 0,
    )
    return ips, sku


def vnet(
    model: VNetModel, path: FieldPath, spaces: AddressSpaces, warnings: Warnings | None = None
) -> VNet:
    """A VNet: its address space (recorded in *spaces*) and its subnets."""
    prefixes: list[IPNetwork] = []
    for j, text in enumerate(model.address_space):
        where = path / "address_space" / j
        network = cidr(text, where)
        check_forbidden(network, where, FORBIDDEN_RANGES | VNET_RESERVED_RANGES, "a VNet")
        prefixes.append(network)
        spaces.vnets.append(Range(network, where, f"VNet {model.name!r}"))
    for i, j in find_overlaps(prefixes):
        raise ScenarioError(
            f"{prefixes[j]} overlaps {prefixes[i]} (address_space[{i}]); list each range once",
            path=path / "address_space" / j,
            value=str(prefixes[j]),
        )
    check_unique([s.name for s in model.subnets], path / "subnets", "subnet")
    found: Warnings = [] if warnings is None else warnings
    subnets = tuple(
        _subnet(s, path / "subnets" / k, prefixes, found) for k, s in enumerate(model.subnets)
    )
    existing = [(k, s.cidr) for k, s in enumerate(subnets) if s.cidr is not None]
    for a, b in find_overlaps([network for _, network in existing]):
        (k1, cidr1), (k2, cidr2) = existing[a], existing[b]
        other = path / "subnets" / k1
        raise ScenarioError(
            f"{cidr2} overlaps subnet {subnets[k1].name!r} ({cidr1}, {other}); "
            "subnets of a VNet must not overlap",
            path=path / "subnets" / k2 / "cidr",
            value=str(cidr2),
            refs=[other],
        )
    return VNet(name=model.name, address_space=tuple(prefixes), subnets=subnets)


def subnet_size_problem(network: IPNetwork) -> str | None:
    """What is wrong with an IPv4 subnet's size (rule A17: /2 to /29), or None.

    >>> subnet_size_problem(IPNetwork("10.0.0.0/30"))
    "10.0.0.0/30 is outside Azure's subnet sizes, /2 to /29; use a prefix in that range"
    """
    if network.version == 4 and not (
        LARGEST_SUBNET_PREFIXLEN <= network.prefixlen <= SMALLEST_SUBNET_PREFIXLEN
    ):
        return (
            f"{network} is outside Azure's subnet sizes, /{LARGEST_SUBNET_PREFIXLEN} "
            f"to /{SMALLEST_SUBNET_PREFIXLEN}; use a prefix in that range"
        )
    return None


def _subnet(
    model: SubnetModel, path: FieldPath, spaces: Sequence[IPNetwork], warnings: Warnings
) -> SubnetSpec:
    given = [key for key in ("cidr", "prefix", "size") if getattr(model, key) is not None]
    if len(given) != 1:
        what = " and ".join(given) if given else "none of cidr, prefix, size"
        raise ScenarioError(
            f"subnet {model.name!r} gives {what}; give exactly one: cidr (an existing "
            "subnet), prefix (ipplan allocates one) or size: auto (ipplan sizes it)",
            path=path,
        )
    spec = _placed(model, path, spaces)
    ips, sku = _kind(model, path, warnings)
    if model.kind is None:
        return spec
    return replace(spec, kind=model.kind, kind_ips=ips, sku=sku)


def _placed(model: SubnetModel, path: FieldPath, spaces: Sequence[IPNetwork]) -> SubnetSpec:
    if model.cidr is not None:
        where = path / "cidr"
        network = cidr(model.cidr, where)
        if network.version == 6 and network.prefixlen != IPV6_SUBNET_PREFIXLEN:
            raise ScenarioError(
                f"{network} is not a /64; Azure IPv6 subnets are exactly /64 (rule A17)",
                path=where,
                value=str(network),
            )
        problem = subnet_size_problem(network)
        if problem:
            raise ScenarioError(problem, path=where, value=str(network))
        if not any(contains(space, network) for space in spaces):
            listed = ", ".join(map(str, spaces))
            raise ScenarioError(
                f"{network} is outside the VNet's address space ({listed}); move it inside, "
                "or add its range to address_space",
                path=where,
                value=str(network),
            )
        _check_used_ips(model, path, network.prefixlen, 128 if network.version == 6 else 32)
        return SubnetSpec(name=model.name, cidr=network, used_ips=model.used_ips)
    if model.prefix is not None:
        _check_used_ips(model, path, model.prefix, 32)
        return SubnetSpec(name=model.name, prefixlen=model.prefix, used_ips=model.used_ips)
    return SubnetSpec(name=model.name, auto=True, used_ips=model.used_ips)


def _check_used_ips(model: SubnetModel, path: FieldPath, prefixlen: int, bits: int) -> None:
    usable = usable_ips(prefixlen, bits)
    if model.used_ips > usable:
        raise ScenarioError(
            f"{model.used_ips} is more than the {usable:,} usable IPs of a /{prefixlen}; "
            "lower used_ips or use a larger subnet",
            path=path / "used_ips",
            value=str(model.used_ips),
        )


def external_range(model: ExternalModel, path: FieldPath, spaces: AddressSpaces) -> ExternalRange:
    """An external range (recorded in *spaces*)."""
    networks = []
    for j, text in enumerate(model.cidrs):
        where = path / "cidrs" / j
        network = cidr(text, where)
        networks.append(network)
        spaces.external.append(Range(network, where, f"external range {model.name!r}"))
    return ExternalRange(name=model.name, cidrs=tuple(networks))


def check_vnet_overlaps(spaces: AddressSpaces) -> None:
    """VNets must not overlap each other (rule A14's peering reading) or external ranges."""
    ranges = spaces.all()
    vnet_count = len(spaces.vnets)
    for i, j in find_overlaps([r.network for r in ranges]):
        first, second = ranges[i], ranges[j]
        if j >= vnet_count and i >= vnet_count:
            continue  # external ranges may overlap each other
        if first.label == second.label:
            continue  # within one VNet: already reported by vnet()
        # report at the later VNet; a VNet, never an external range, is the one to move
        moved, other = (second, first) if j < vnet_count else (first, second)
        raise ScenarioError(
            f"{moved.network} overlaps {other.label} ({other.network}, {other.path}); "
            "address spaces must not overlap",
            path=moved.path,
            value=str(moved.network),
            refs=(other.path,),
        )
