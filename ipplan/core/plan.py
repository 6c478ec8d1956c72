"""build_plan(scenario) -> Plan: allocate the subnets, then size everything under every model.

The only glue between the scenario, the CIDR core and the capacity model.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import cached_property

from netaddr import IPNetwork

from ipplan.core.capacity import (
    Cluster,
    Estimate,
    Room,
    Subnet,
    SubnetDemand,
    evaluate,
    min_prefixlen,
    planning_nodes,
    static_min_prefixlen,
)
from ipplan.core.cidr import AddressSpace, gc_paused
from ipplan.core.forecast import Forecast, forecast, grown_nodes, month_label
from ipplan.core.keys import Origin, Role, Status, SubnetKey
from ipplan.errors import IpplanError, ScenarioError
from ipplan.rules import (
    AZURE_RESERVED_IPS,
    KIND_RULES,
    RESERVING_KINDS,
    SMALLEST_SUBNET_PREFIXLEN,
    STATIC_BLOCK_IPS,
    Network,
    Severity,
    SubnetKind,
    kind_prefixlen,
)
from ipplan.scenario import ClusterSpec, Scenario, SubnetSpec, VNet

__all__ = [
    "Block",
    "Plan",
    "SubnetPlan",
    "VNetPlan",
    "build_plan",
    "check_allocation",
    "grown_cluster",
]


@dataclass(frozen=True)
class SubnetPlan:
    """One subnet after allocation, with what its users need of it."""

    key: SubnetKey
    cidr: IPNetwork
    origin: Origin  # existing, allocated (a prefix was asked for) or sized (size: auto)
    role: Role
    users: tuple[str, ...]  # cluster/pool names that use it
    used_ips: int  # in use by things ipplan does not model
    now_ips: int
    peak_ips: int
    min_prefixlen: int
    usable_ips: int
    utilization_pct: float
    headroom_ips: int
    room: Room | None  # its pools' room to grow (rule A18)
    status: Status
    kind: SubnetKind | None = None  # a platform subnet (rule A24)
    #: its service reserves its IPs whole (AGC's 250, the API server's 9 per cluster) and it
    #: holds just that: as planned at any share, so the warn level does not apply (rule A24)
    reserved: bool = False

    @property
    def vnet(self) -> str:
        """The subnet's VNet."""
        return self.key.vnet

    @property
    def name(self) -> str:
        """The subnet's name in its VNet."""
        return self.key.name


@dataclass(frozen=True)
class Block:
    """A block of a VNet's address map: a subnet or a maximal free block."""

    cidr: IPNetwork
    kind: Origin  # existing, allocated, sized or free
    name: str  # the subnet's name, "" for free blocks
    subnet_kind: SubnetKind | None = None  # a platform subnet's kind (rule A24)


@dataclass(frozen=True)
class VNetPlan:
    """A VNet's address space after allocation."""

    name: str
    address_space: tuple[IPNetwork, ...]
    size: int
    used: int
    free: int
    largest_free: IPNetwork | None
    fragmentation: float
    blocks: tuple[Block, ...]  # sorted by address, free blocks included


@dataclass(frozen=True)
class Plan:
    """A scenario, allocated and sized: the input of every report."""

    scenario: Scenario
    subnets: tuple[SubnetPlan, ...]
    vnets: tuple[VNetPlan, ...]
    clusters: tuple[Cluster, ...]  # as the capacity model sees them, subnet keys qualified
    subnet_sizes: Mapping[SubnetKey, Subnet]  # capacity model view of every subnet, by key
    estimate: Estimate  # every cluster under its own model
    comparisons: Mapping[Network, Estimate]  # every cluster under each model of planning.compare
    warnings: tuple[str, ...]

    @property
    def feasible(self) -> bool:
        """True when every cluster fits under its own model."""
        return self.estimate.feasible

    @cached_property
    def forecast(self) -> Forecast:
        """Every resource month by month over the planning horizon, under every compared model
        and the scenario's own (computed on first use: quick commands never pay for it)."""
        return self.forecast_for(self.scenario.planning.horizon_months)

    def forecast_for(self, horizon_months: int, own_only: bool = False) -> Forecast:
        """The forecast over *horizon_months*; *own_only* skips the compared models."""
        planning = self.scenario.planning
        if horizon_months == planning.horizon_months and not own_only and "forecast" in vars(self):
            return self.forecast
        return forecast(
            self.clusters,
            self.subnet_sizes,
            networks=() if own_only else planning.compare,
            start_year=planning.start_year,
            start_month=planning.start_month,
            horizon_months=horizon_months,
            warn_at_pct=planning.warn_at_pct,
        )


def _capacity_cluster(spec: ClusterSpec) -> Cluster:
    pools = spec.node_pools
    pod_cidr = spec.pod_cidr_in_use
    return Cluster(
        name=spec.name,
        network=spec.network,
        node_pools=pools,
        dataplane=spec.dataplane,
        pod_cidr_prefixlen=None if pod_cidr is None else int(pod_cidr.prefixlen),
        service_cidr_size=int(spec.service_cidr.size),
        private_cluster=spec.private_cluster,
        internal_lbs=spec.internal_lbs,
        private_endpoints=spec.private_endpoints,
        vnet=spec.vnet,
        api_server_subnet=_key(spec.vnet, spec.api_server_subnet),
        internal_lb_subnet=_key(spec.vnet, spec.internal_lb_subnet),
        private_link_services=tuple(
            (SubnetKey(spec.vnet, name), ips) for name, ips in spec.private_link_services
        ),
    )


def _key(vnet: str, name: str | None) -> SubnetKey | None:
    return None if name is None else SubnetKey(vnet, name)


def _where(scenario: Scenario, vnet_index: int, subnet_index: int) -> str:
    return f"{scenario.source}: vnets[{vnet_index}].subnets[{subnet_index}]"


def _auto_prefixlen(estimate: Estimate, key: SubnetKey, headroom_pct: int) -> int:
    """The prefix ``size: auto`` gets: peak IPs plus headroom, in IPs or static /28 blocks."""
    demand = estimate.subnet(key)
    if demand.static:
        blocks = -(-demand.peak_ips // STATIC_BLOCK_IPS)
        return static_min_prefixlen(-(-blocks * (100 + headroom_pct) // 100))
    return min_prefixlen(-(-demand.peak_ips * (100 + headroom_pct) // 100))


def _auto_size(
    own: Estimate, others: list[Estimate], key: SubnetKey, headroom_pct: int
) -> tuple[int, int] | None:
    """(prefix, peak IPs) for an auto subnet, from the cluster's own model; if only compared
    models use it (the pod subnet of an overlay cluster, say), from the largest of their needs;
    None if nobody uses it."""
    if _users(own, key):
        return _auto_prefixlen(own, key, headroom_pct), _peak(own, key)
    sizes = [
        (_auto_prefixlen(e, key, headroom_pct), _peak(e, key)) for e in others if _users(e, key)
    ]
    return min(sizes, default=None)


def _kind_size(estimate: Estimate, key: SubnetKey, spec: SubnetSpec) -> tuple[int, int]:
    """(prefix, IPs) ``size: auto`` gives a platform subnet (rule A24): its kind's recommended
    prefix, or a larger one when what it holds needs it (k clusters sharing an API server subnet
    need 9k); a kind with no recommendation gets the smallest prefix that holds it."""
    assert spec.kind is not None
    ips = _peak(estimate, key)
    recommended = kind_prefixlen(spec.kind, spec.sku) or SMALLEST_SUBNET_PREFIXLEN
    return min(recommended, min_prefixlen(ips)), ips


def _peak(estimate: Estimate, key: SubnetKey) -> int:
    return estimate.subnet(key).peak_ips


def _users(estimate: Estimate, key: SubnetKey) -> bool:
    return any(key in (p.subnet, p.pod_subnet) for p in estimate.pools)


def grown_cluster(cluster: Cluster, months: int) -> Cluster:
    """*cluster* with every pool at the planning node count its growth reaches in *months*."""
    pools = tuple(
        replace(pool, max_nodes=grown_nodes(planning_nodes(pool), pool.growth, months))
        for pool in cluster.node_pools
    )
    return replace(cluster, node_pools=pools)


def _allocate(
    scenario: Scenario, clusters: tuple[Cluster, ...], requested_only: bool = False
) -> tuple[dict[SubnetKey, tuple[IPNetwork, Origin]], list[list[AddressSpace]]]:
    """Reserve existing subnets, then allocate asked-for and auto-sized ones, largest first.

    A dual-stack VNet gets one address space per IP version; a request longer than /32 is IPv6.
    With *requested_only*, a VNet of existing subnets alone is left out (nothing in it can fail
    to be placed: scenario validation checked that they overlap nothing), as validate needs it.
    """
    placed: dict[SubnetKey, tuple[IPNetwork, Origin]] = {}
    spaces: list[list[AddressSpace]] = []
    # auto sizes come from the capacity model with those subnets still unsized
    fixed = {
        SubnetKey(v.name, s.name): Subnet(SubnetKey(v.name, s.name), None, s.used_ips + s.kind_ips)
        for v in scenario.vnets
        for s in v.subnets
        if s.auto
    }
    # ... and from the node counts the pools grow to by the end of the horizon, so a subnet
    # ipplan sizes itself lasts the whole forecast
    planning = scenario.planning
    if fixed:
        grown = tuple(grown_cluster(c, planning.horizon_months) for c in clusters)
        own = evaluate(grown, fixed)
        others = [evaluate(grown, fixed, net) for net in planning.compare]
    else:  # no size: auto subnet, nothing to size (an import has none): no capacity to evaluate
        own, others = evaluate((), {}), []
    headroom = planning.headroom_pct
    horizon = month_label(planning.start_year, planning.start_month, planning.horizon_months)
    for vi, vnet in enumerate(scenario.vnets):
        if requested_only and all(spec.cidr is not None for spec in vnet.subnets):
            spaces.append([])
            continue
        by_version = {
            version: AddressSpace([n for n in vnet.address_space if n.version == version])
            for version in sorted({n.version for n in vnet.address_space})
        }
        spaces.append(list(by_version.values()))
        requests: list[tuple[int, int, SubnetSpec, str]] = []
        for si, spec in enumerate(vnet.subnets):
            key = SubnetKey(vnet.name, spec.name)
            if spec.cidr is not None:
                try:
                    by_version[spec.cidr.version].reserve(spec.cidr)
                except (IpplanError, KeyError) as err:
                    raise ScenarioError(f"{_where(scenario, vi, si)}.cidr: {err}") from None
                placed[key] = (spec.cidr, Origin.EXISTING)
            elif spec.auto and spec.kind is not None:
                prefixlen, ips = _kind_size(own, key, spec)
                why = f" (size: auto, kind {spec.kind}, {ips:,} IPs -> /{prefixlen})"
                requests.append((prefixlen, si, spec, why))
            elif spec.auto:
                sized = _auto_size(own, others, key, headroom)
                if sized is None:
                    raise ScenarioError(
                        f"{_where(scenario, vi, si)}.size: auto, but no node pool uses subnet "
                        f"{spec.name!r} to size it from; give a prefix instead"
                    )
                prefixlen, ips = sized
                why = (
                    f" (size: auto, {ips:,} IPs at peak in {horizon} + {headroom}% headroom "
                    f"-> /{prefixlen})"
                )
                requests.append((prefixlen, si, spec, why))
            elif spec.prefixlen is not None:
                requests.append((spec.prefixlen, si, spec, ""))
        for prefixlen, si, spec, why in sorted(requests, key=lambda r: (r[0], r[1])):
            version = 6 if prefixlen > 32 or 4 not in by_version else 4
            try:
                network = by_version[version].allocate(prefixlen)
            except IpplanError as err:
                if spec.auto:  # the cidr core's fix ("request a longer prefix") does not apply
                    space = by_version[version]
                    largest = space.largest_free()
                    room = (
                        "no free space"
                        if largest is None
                        else (
                            f"its largest free block is /{largest.prefixlen}, {space.free:,} "
                            "addresses free"
                        )
                    )
                    raise ScenarioError(
                        f"{_where(scenario, vi, si)}: subnet {spec.name!r}{why} does not fit in "
                        f"VNet {vnet.name!r} ({room}); add address space to the VNet, or lower "
                        "the pools' growth, max_nodes or planning.headroom_pct"
                    ) from None
                raise ScenarioError(
                    f"{_where(scenario, vi, si)}: subnet {spec.name!r}{why} cannot be "
                    f"allocated: {err}"
                ) from None
            except KeyError:
                raise ScenarioError(
                    f"{_where(scenario, vi, si)}.prefix: /{prefixlen} is an IPv{version} prefix "
                    f"but VNet {vnet.name!r} has no IPv{version} address space"
                ) from None
            placed[SubnetKey(vnet.name, spec.name)] = (
                network,
                Origin.SIZED if spec.auto else Origin.ALLOCATED,
            )
    return placed, spaces


def check_allocation(scenario: Scenario) -> None:
    """Place *scenario*'s subnets as :func:`build_plan` does, ``size: auto`` ones sized, and
    keep nothing: what ``ipplan validate`` runs, so that it rejects what ``plan`` rejects.

    Raises:
        ScenarioError: a requested subnet cannot be allocated (build_plan's message).
    """
    # an imported estate of existing subnets alone places nothing: 30,000 reservations saved
    _allocate(scenario, tuple(_capacity_cluster(c) for c in scenario.clusters), True)


@gc_paused()  # every subnet's and pool's rows, acyclic: no collector walks while built
def build_plan(scenario: Scenario) -> Plan:
    """Allocate *scenario*'s subnets, then size it under its own and every compared model.

    Raises:
        ScenarioError: a requested subnet cannot be allocated (the message says how much is left).
    """
    clusters = tuple(_capacity_cluster(c) for c in scenario.clusters)
    placed, spaces = _allocate(scenario, clusters)
    # one index of the specs: looking a subnet up never scans its VNet
    specs = {SubnetKey(v.name, s.name): s for v in scenario.vnets for s in v.subnets}
    # the capacity model sizes IPv4 subnets; an IPv6 /64 of a dual-stack VNet is listed as is
    sizes = {
        key: Subnet(key, int(cidr.prefixlen), specs[key].used_ips + specs[key].kind_ips)
        for key, (cidr, _) in placed.items()
        if cidr.version == 4
    }
    estimate = evaluate(clusters, sizes)
    comparisons = {net: evaluate(clusters, sizes, net) for net in scenario.planning.compare}
    users: dict[SubnetKey, list[str]] = {}
    for pool in estimate.pools:
        for key in (pool.subnet, pool.pod_subnet):
            if key is not None:
                users.setdefault(key, []).append(pool.label)
    for cluster in clusters:  # ILB frontends, Private Link NAT IPs, the API server (rule A24)
        for key, _ in cluster.elsewhere():
            users.setdefault(key, []).append(cluster.name)
    demands = {d.key: d for d in estimate.subnets}
    warn_at = scenario.planning.warn_at_pct
    subnets = [
        _subnet_plan(key, cidr, origin, demands.get(key), users.get(key, []), specs, scenario)
        for key, (cidr, origin) in placed.items()
    ]
    subnets.sort(key=lambda s: (s.vnet, s.cidr.sort_key()))
    by_vnet: dict[str, list[Block]] = {}
    for key, (cidr, origin) in placed.items():
        by_vnet.setdefault(key.vnet, []).append(Block(cidr, origin, key.name, specs[key].kind))
    vnets = tuple(
        _vnet_plan(v, vnet_spaces, by_vnet.get(v.name, []))
        for v, vnet_spaces in zip(scenario.vnets, spaces, strict=True)
    )
    warnings: list[str] = list(scenario.warnings)
    # the estimate's warnings are the rulebook's pool and cluster checks, which the scenario
    # checks ran on the same clusters under the same models: a rule the scenario warned of is
    # said there once, with its field path (kubenet's retirement, Windows max pods, ...)
    said = {w.rule for w in scenario.warnings}
    warnings += [
        str(p) for p in estimate.problems if p.severity is Severity.WARNING and p.rule not in said
    ]
    warnings += [
        f"subnet {s.key} ({s.cidr}) is {s.utilization_pct:.1f}% used at peak, at or "
        f"above the {warn_at}% warning level; a /{min_prefixlen(100 * s.peak_ips // warn_at + 1)} "
        f"would stay below it"
        for s in subnets
        if s.status is Status.WARN
    ]
    return Plan(
        scenario=scenario,
        subnets=tuple(subnets),
        vnets=vnets,
        clusters=clusters,
        subnet_sizes=sizes,
        estimate=estimate,
        comparisons=comparisons,
        warnings=tuple(dict.fromkeys(warnings)),
    )


def _subnet_plan(
    key: SubnetKey,
    cidr: IPNetwork,
    origin: Origin,
    demand: SubnetDemand | None,
    users: list[str],
    specs: Mapping[SubnetKey, SubnetSpec],
    scenario: Scenario,
) -> SubnetPlan:
    """One row of subnets.csv: the subnet, what it must hold, and its status."""
    spec = specs[key]
    used = spec.used_ips + spec.kind_ips
    if demand is None:  # IPv6: Azure reserves 5 addresses here too
        demand = SubnetDemand(
            key, Role.OTHER, used, used, int(cidr.prefixlen), None, None, None, None, None
        )
    usable = demand.usable_ips
    if usable is None:
        usable = int(cidr.size) - AZURE_RESERVED_IPS
    peak = demand.peak_ips
    # a platform subnet is reserved for its service even when ipplan counts none of its IPs
    unused = not users and demand.role is Role.OTHER and peak == 0 and spec.kind is None
    # AGC's 250 IPs and the API server's 9 per cluster are reserved whole: not a warning
    reserved = spec.kind in RESERVING_KINDS and spec.used_ips == 0
    if peak > usable:
        status = Status.FULL
    elif unused:
        status = Status.UNUSED
    elif 100 * peak >= scenario.planning.warn_at_pct * usable and not reserved:
        status = Status.WARN
    else:
        status = Status.OK
    return SubnetPlan(
        key=key,
        cidr=cidr,
        origin=origin,
        role=Role.UNUSED if unused else demand.role,
        users=tuple(dict.fromkeys(users)),
        used_ips=spec.used_ips,
        now_ips=demand.now_ips,
        peak_ips=peak,
        # a platform subnet is never smaller than its kind's minimum (rule A24)
        min_prefixlen=demand.min_prefixlen
        if spec.kind is None
        else min(demand.min_prefixlen, KIND_RULES[spec.kind].min_prefixlen),
        usable_ips=usable,
        utilization_pct=round(100 * peak / usable, 1) if usable > 0 else 0.0,
        headroom_ips=usable - peak,
        room=demand.room,
        status=status,
        kind=spec.kind,
        reserved=reserved,
    )


def _vnet_plan(vnet: VNet, spaces: list[AddressSpace], subnets: list[Block]) -> VNetPlan:
    blocks = list(subnets)
    blocks += [Block(cidr, Origin.FREE, "") for space in spaces for cidr in space.free_blocks()]
    blocks.sort(key=lambda b: b.cidr.sort_key())
    first = spaces[0]  # IPv4 when the VNet has it: the space AKS subnets are sized in
    return VNetPlan(
        name=vnet.name,
        address_space=vnet.address_space,
        size=sum(space.size for space in spaces),
        used=sum(space.used for space in spaces),
        free=sum(space.free for space in spaces),
        largest_free=first.largest_free(),
        fragmentation=round(first.fragmentation, 3),
        blocks=tuple(blocks),
    )
