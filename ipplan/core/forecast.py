"""When each resource runs out: the month-by-month forecast under every network model (stdlib only).

Growth, per node pool, starts from its planning node count N (the autoscaler's maximum when set,
else its node count) at month 0 = ``planning.start``:

* linear, ``nodes_per_month: g``: N + floor(g * m) nodes at month m (a fractional g adds a node
  whenever the running total crosses a whole node: g = 0.5 adds one every second month);
* compound, ``percent_per_month: r``: ceil(N * (1 + r/100)^m), computed exactly with fractions
  of the decimal the user wrote (no float drift over long horizons).

A pool with both grows by the compound rule, then the linear one is added. At every month the
capacity model (:func:`ipplan.core.capacity.evaluate`) runs on the grown pools, so surge, max pods,
other consumers and static blocks are all recomputed; it runs once per distinct set of node
counts per model, never once per resource.

A resource runs out (is *exhausted*) in the first month its requirement exceeds its capacity; it
*warns* in the first month its utilization reaches ``warn_at_pct``. Runway is the number of whole
months before exhaustion (0: short already). A resource that has no capacity (a pod subnet that
exists only under a compared model, so nobody sized it) is ``n/a``, never exhausted.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from ipplan.core.capacity import (
    Cluster,
    Estimate,
    Problem,
    Subnet,
    evaluate,
    min_prefixlen,
    planning_nodes,
    pod_cidr_min_prefixlen,
    vnet_private_ips,
)
from ipplan.core.cidr import gc_paused
from ipplan.core.growth import grown_nodes, month_label
from ipplan.core.keys import ResourceKind, Role, SubnetKey
from ipplan.rules import (
    CLUSTER_MAX_NODES,
    KUBENET_MAX_NODES,
    KUBENET_RETIREMENT,
    POOL_MAX_NODES,
    VNET_MAX_IPS,
    Network,
    Severity,
    cite,
    plural,
)

__all__ = [
    "CURRENT",
    "KINDS",
    "Forecast",
    "Resource",
    "Series",
    "fix_for",
    "forecast",
    "grown_nodes",
    "month_label",
    "shortfalls",
    "supported_months",
    "unsupported_from",
]

#: the label of the scenario's own models when its clusters use different ones
CURRENT = "current"

#: resource kind -> (unit, words for people)
KINDS: dict[ResourceKind, tuple[str, str]] = {
    ResourceKind.NODE_SUBNET: ("IPs", "node subnet"),
    ResourceKind.POD_SUBNET: ("IPs", "pod subnet"),
    ResourceKind.POD_CIDR: ("nodes", "pod CIDR"),
    ResourceKind.VNET_IPS: ("IPs", "VNet private IPs"),
    ResourceKind.KUBENET_ROUTES: ("routes", "kubenet route table"),
    ResourceKind.CLUSTER_NODES: ("nodes", "AKS nodes in cluster"),
    ResourceKind.POOL_NODES: ("nodes", "AKS nodes with surge in pool"),
    ResourceKind.RETIREMENT: ("months", f"kubenet support (retires {KUBENET_RETIREMENT})"),
}
_KIND_ORDER = {kind: i for i, kind in enumerate(KINDS)}


@dataclass(frozen=True)
class Resource:
    """Something that can run out: a subnet, a pod CIDR, a VNet or an AKS limit."""

    kind: ResourceKind
    name: str  # the subnet, cluster, cluster/pool or VNet, for people
    clusters: tuple[str, ...]  # the clusters that depend on it
    subnet: SubnetKey | None = None  # the subnet, for a node or pod subnet

    @property
    def unit(self) -> str:
        """What required and capacity count: IPs, nodes or routes."""
        return KINDS[self.kind][0]

    @property
    def label(self) -> str:
        """``node subnet spoke/aks-nodes``: the kind in words, then the name; a VNet's is
        ``VNet spoke private IPs``, as room to grow names it (rule A18)."""
        if self.kind is ResourceKind.VNET_IPS:
            return f"VNet {self.name} private IPs"
        return f"{KINDS[self.kind][1]} {self.name}"


@dataclass(frozen=True)
class Series:
    """One resource under one model, month by month, and when it warns and runs out."""

    model: str  # a Network value, or CURRENT
    resource: Resource
    capacity: int | None  # None: not sized, so it cannot run out (n/a)
    required: tuple[int, ...]  # per month, month 0 first
    warn_month: int | None  # index of the first month at or above the warn level
    exhaustion_month: int | None  # index of the first month above capacity

    @property
    def runway_months(self) -> int | None:
        """Whole months before it runs out; None when it lasts past the horizon (or is n/a)."""
        return self.exhaustion_month

    @property
    def status(self) -> str:
        """``n/a``, ``short now``, ``runs out``, ``warn`` or ``ok`` (over the horizon)."""
        if self.capacity is None:
            return "n/a"
        if self.exhaustion_month == 0:
            return "short now"
        if self.exhaustion_month is not None:
            return "runs out"
        return "ok" if self.warn_month is None else "warn"

    def utilization_pct(self, month: int) -> float | None:
        """Required / capacity at *month*, in percent with one decimal; None when n/a."""
        return _pct(self.required[month], self.capacity)


def _pct(required: int, capacity: int | None) -> float | None:
    if not capacity:
        return None
    return round(100 * required / capacity, 1)


@dataclass(frozen=True)
class Forecast:
    """Every resource under every model over the planning horizon."""

    months: tuple[str, ...]  # "YYYY-MM" labels, month 0 first
    models: tuple[str, ...]  # Network values in planning.compare order; the own models first
    # when they are not among them (CURRENT when the clusters use different models)
    current: str  # the model label that is the scenario's own plan
    warn_at_pct: int
    series: tuple[Series, ...]  # sorted by model order, kind, name
    problems: Mapping[str, tuple[Problem, ...]]  # each model's errors at month 0

    def of(self, model: str) -> tuple[Series, ...]:
        """The series of one model."""
        return tuple(s for s in self.series if s.model == model)

    def binding(self, model: str, cluster: str) -> Series | None:
        """The resource that runs out first for *cluster* under *model* (None: nothing sized).

        Ties (or nothing running out) go to the highest utilization at the horizon.
        """
        candidates = [
            s
            for s in self.series
            if s.model == model and s.capacity is not None and cluster in s.resource.clusters
        ]
        if not candidates:
            return None
        never = len(self.months)

        def key(s: Series) -> tuple[int, float, int, str]:
            end = s.utilization_pct(len(self.months) - 1) or 0.0
            first = never if s.exhaustion_month is None else s.exhaustion_month
            return (first, -end, _KIND_ORDER[s.resource.kind], s.resource.name)

        return min(candidates, key=key)

    def first_to_run_out(self, model: str) -> Series | None:
        """The first resource of *model* to run out within the horizon; None when none does."""
        return min(
            (
                s
                for s in self.of(model)
                if s.capacity is not None and s.exhaustion_month is not None
            ),
            key=lambda s: (s.exhaustion_month or 0, _KIND_ORDER[s.resource.kind], s.resource.name),
            default=None,
        )

    def feasible(self, model: str) -> bool:
        """True when *model* breaks no hard limit at month 0."""
        return not self.problems.get(model)


def _grow(cluster: Cluster, counts: Sequence[int]) -> Cluster:
    pools = tuple(
        replace(pool, max_nodes=n, nodes=min(pool.nodes, n))
        for pool, n in zip(cluster.node_pools, counts, strict=True)
    )
    return replace(cluster, node_pools=pools)


_SUBNET_KINDS = {Role.NODE: ResourceKind.NODE_SUBNET, Role.POD: ResourceKind.POD_SUBNET}


#: one evaluation's resources: (required, capacity) each
_Measure = dict[Resource, tuple[int, int | None]]


def _measure(estimate: Estimate, idle_vnet_ips: Mapping[str, int] | None = None) -> _Measure:
    """Every resource of one evaluation: (required, capacity). *idle_vnet_ips*: the VNet IPs
    of subnets left out of *estimate* because no pool uses them (they never change)."""
    users: dict[SubnetKey, list[str]] = {}
    for pool in estimate.pools:
        for key in (pool.subnet, pool.pod_subnet):
            if key is not None:
                users.setdefault(key, []).append(pool.cluster)
    out: _Measure = {}
    for sd in estimate.subnets:
        if sd.role in _SUBNET_KINDS:
            clusters = tuple(dict.fromkeys(users.get(sd.key, [])))
            resource = Resource(_SUBNET_KINDS[sd.role], str(sd.key), clusters, sd.key)
            out[resource] = (sd.peak_ips, sd.usable_ips)
    in_vnet: dict[str | None, list[str]] = {}
    for c in estimate.clusters:
        in_vnet.setdefault(c.vnet, []).append(c.name)
    vnet_ips = vnet_private_ips(estimate.subnets)
    for vnet, ips in (idle_vnet_ips or {}).items():
        vnet_ips[vnet] = vnet_ips.get(vnet, 0) + ips
    for vnet, ips in vnet_ips.items():
        clusters = tuple(in_vnet.get(vnet, ()))
        if clusters:
            out[Resource(ResourceKind.VNET_IPS, vnet, clusters)] = (ips, VNET_MAX_IPS)
    for c in estimate.clusters:
        mine = (c.name,)
        if c.pod_cidr_max_nodes is not None:
            out[Resource(ResourceKind.POD_CIDR, c.name, mine)] = (
                c.peak_nodes,
                c.pod_cidr_max_nodes,
            )
        if c.route_limit is not None:
            out[Resource(ResourceKind.KUBENET_ROUTES, c.name, mine)] = (
                c.peak_nodes,
                KUBENET_MAX_NODES,
            )
        out[Resource(ResourceKind.CLUSTER_NODES, c.name, mine)] = (
            c.planning_nodes,
            CLUSTER_MAX_NODES,
        )
    for p in estimate.pools:
        out[Resource(ResourceKind.POOL_NODES, p.label, (p.cluster,))] = (
            p.peak_nodes,
            POOL_MAX_NODES,
        )
    return out


def _vnet_groups(clusters: Sequence[Cluster]) -> list[tuple[tuple[int, ...], frozenset[str]]]:
    """The clusters (their indices, in order) that touch a common VNet, directly or through
    another cluster, and the VNets each group touches: its own, its pools' subnets, and the
    subnets of its other consumers (rule A24).

    >>> from ipplan.core.capacity import NodePool
    >>> def at(vnet, name):
    ...     return Cluster(name, Network.OVERLAY, (NodePool("p", 1, SubnetKey(vnet, "s")),),
    ...                    vnet=vnet)
    >>> [members for members, _ in _vnet_groups([at("a", "x"), at("b", "y"), at("a", "z")])]
    [(0, 2), (1,)]
    """
    parent: dict[str, str] = {}

    def root(vnet: str) -> str:
        while parent.setdefault(vnet, vnet) != vnet:
            vnet = parent[vnet]
        return vnet

    touched = []
    for c in clusters:
        keys = [k for p in c.node_pools for k in (p.subnet, p.pod_subnet) if k is not None]
        keys += [k for k, _ in c.elsewhere()]
        vnets = {c.vnet, *(k.vnet for k in keys)}
        first = root(min(vnets))
        for vnet in vnets:
            parent[root(vnet)] = first
        touched.append(vnets)
    members: dict[str, list[int]] = {}
    for i, vnets in enumerate(touched):
        members.setdefault(root(min(vnets)), []).append(i)
    return [
        (tuple(m), frozenset(v for i in m for v in touched[i])) for m in sorted(members.values())
    ]


def supported_months(start_year: int, start_month: int) -> int:
    """The months kubenet is supported in, from the start month to its last one, both counted
    (rule A21): its retirement, 2028-03-31, is the end of 2028-03, so from 2027-01 that is
    2027-01..2028-03, 15 months; 0 once the start is past it.

    >>> supported_months(2027, 1), supported_months(2028, 3), supported_months(2028, 5)
    (15, 1, 0)
    """
    year, month = _last_supported()
    return max((year * 12 + month) - (start_year * 12 + start_month) + 1, 0)


def unsupported_from() -> str:
    """The first month kubenet is no longer supported (rule A21): ``2028-04``."""
    return month_label(*_last_supported(), 1)


def _last_supported() -> tuple[int, int]:
    """The year and month of kubenet's retirement date (rule A21)."""
    year, month, _ = (int(part) for part in KUBENET_RETIREMENT.split("-"))
    return year, month


def _series(
    model: str,
    resource: Resource,
    capacity: int | None,
    required: tuple[int, ...],
    warn_at_pct: int,
) -> Series:
    warn = exhausted = None
    if capacity is not None:
        warn = next((m for m, r in enumerate(required) if 100 * r >= warn_at_pct * capacity), None)
        exhausted = next((m for m, r in enumerate(required) if r > capacity), None)
    return Series(model, resource, capacity, required, warn, exhausted)


@gc_paused()  # some 10^5 acyclic rows at 10,000 subnets: the collector's walks were 27%
def forecast(
    clusters: Sequence[Cluster],
    subnets: Mapping[SubnetKey, Subnet],
    *,
    networks: Sequence[Network],
    start_year: int,
    start_month: int,
    horizon_months: int,
    warn_at_pct: int,
) -> Forecast:
    """Forecast every resource of *clusters* under their own models and under each of *networks*.

    Args:
        clusters: the clusters as the capacity model sees them (pools carry their growth).
        subnets: subnet sizes by key, as for :func:`ipplan.core.capacity.evaluate`.
        networks: the models to compare. The clusters' own models are added first when they
            are not among these: labelled with their model when all clusters share one, else
            CURRENT.
        start_year, start_month: month 0.
        horizon_months: the last month's index (months 0..horizon_months are forecast).
        warn_at_pct: utilization that counts as a warning.

    >>> from ipplan.core.capacity import Growth, NodePool
    >>> key = SubnetKey("", "nodes")
    >>> pool = NodePool("user", 20, key, growth=Growth(nodes_per_month=10))
    >>> cluster = Cluster("aks", Network.OVERLAY, (pool,))
    >>> f = forecast([cluster], {key: Subnet(key, 26)}, networks=[Network.OVERLAY],
    ...              start_year=2027, start_month=1, horizon_months=12, warn_at_pct=80)
    >>> s = f.binding("azure-cni-overlay", "aks")
    >>> s.resource.label, s.capacity, s.required[:4], f.months[s.exhaustion_month]
    ('node subnet nodes', 59, (22, 33, 44, 55), '2027-05')
    """
    own = sorted({c.network for c in clusters})
    current = str(own[0]) if len(own) == 1 else CURRENT
    models: list[tuple[str, Network | None]] = [(str(n), n) for n in networks]
    if current not in {label for label, _ in models}:
        models.insert(0, (current, None))
    base = [[planning_nodes(p) for p in c.node_pools] for c in clusters]
    schedule = [
        tuple(
            tuple(grown_nodes(n, p.growth, m) for n, p in zip(ns, c.node_pools, strict=True))
            for ns, c in zip(base, clusters, strict=True)
        )
        for m in range(horizon_months + 1)
    ]
    # a subnet no pool uses needs the same every month: month 0 evaluates every subnet, later
    # months only those the pools use (which depends on the model, not on node counts), plus
    # the idle ones' VNet IPs
    named = {c.api_server_subnet for c in clusters}
    # and the subnets clusters put other consumers in (ILB frontends, Private Link NAT IPs)
    named |= {key for c in clusters for key, _ in c.elsewhere()}
    named |= {k for c in clusters for p in c.node_pools for k in (p.subnet, p.pod_subnet)}
    # the clusters grown to each month's counts, built once for every model
    grown_at: dict[tuple[tuple[int, ...], ...], list[Cluster]] = {}
    for counts in schedule:
        if counts not in grown_at:
            grown_at[counts] = [_grow(c, n) for c, n in zip(clusters, counts, strict=True)]
    # clusters that touch a common VNet share what it holds (its subnets, its 65,536 private
    # IPs); the groups share nothing, so a later month measures only the groups whose node
    # counts changed, and a group that never grows is measured once (issue 11)
    groups = _vnet_groups(clusters)
    group_of = {vnet: g for g, (_, vnets) in enumerate(groups) for vnet in vnets}
    series: list[Series] = []
    problems: dict[str, tuple[Problem, ...]] = {}
    for label, network in models:
        cache: dict[tuple[tuple[int, ...], ...], _Measure] = {}
        measured: dict[tuple[int, tuple[tuple[int, ...], ...]], _Measure] = {}
        months: list[_Measure] = []
        idle: dict[str, int] = {}
        active: list[dict[SubnetKey, Subnet]] = []  # the subnets pools use, by group
        for m, counts in enumerate(schedule):
            if counts not in cache:
                grown = grown_at[counts]
                if m == 0:
                    estimate = evaluate(grown, subnets, network, limits=False)
                    errors = [p for p in estimate.problems if p.severity is Severity.ERROR]
                    problems[label] = tuple(errors)
                    used = named | {k for d in estimate.pools for k in (d.subnet, d.pod_subnet)}
                    idle = vnet_private_ips(s for s in estimate.subnets if s.key not in used)
                    active = [{} for _ in groups]  # one pass: a VNet is in one group
                    for k, sub in subnets.items():
                        if k in used and k.vnet in group_of:
                            active[group_of[k.vnet]][k] = sub
                    cache[counts] = _measure(estimate)
                else:
                    month: _Measure = {}
                    for g, (members, _) in enumerate(groups):
                        key = (g, tuple(counts[i] for i in members))
                        if key not in measured:
                            estimate = evaluate(
                                [grown[i] for i in members],
                                active[g],
                                network,
                                limits=False,
                                checks=False,
                            )
                            measured[key] = _measure(estimate, idle)
                        month.update(measured[key])
                    cache[counts] = month
            months.append(cache[counts])
        resources = sorted(months[0], key=lambda r: (_KIND_ORDER[r.kind], r.name))
        for resource in resources:
            capacity = months[0][resource][1]
            required = tuple(month.get(resource, (0, None))[0] for month in months)
            series.append(_series(label, resource, capacity, required, warn_at_pct))
        # rule A21: kubenet's retirement runs out like any other resource: its capacity is the
        # months supported, and running through month m needs m + 1 of them (month 0 counts),
        # so it runs out in the first month past the last supported one
        retiring = [c.name for c in clusters if (network or c.network) is Network.KUBENET]
        supported = supported_months(start_year, start_month)
        needed = tuple(range(1, horizon_months + 2))
        for name in retiring:
            resource = Resource(ResourceKind.RETIREMENT, name, (name,))
            series.append(_series(label, resource, supported, needed, warn_at_pct))
    return Forecast(
        months=tuple(month_label(start_year, start_month, m) for m in range(horizon_months + 1)),
        models=tuple(label for label, _ in models),
        current=current,
        warn_at_pct=warn_at_pct,
        series=tuple(series),
        problems=problems,
    )


def fix_for(series: Series, end: str) -> str:
    """What to do about *series* running out, from its requirement in its last month, *end*
    (the month is named: ``check`` forecasts to its runway, which may pass the scenario's
    horizon, and a summary sized for the horizon plus headroom must not read the same).

    >>> node_subnet = Resource(ResourceKind.NODE_SUBNET, "v/nodes", ("c",))
    >>> s = Series("kubenet", node_subnet, 251, (200, 300), 0, 1)
    >>> fix_for(s, "2027-02")
    'fix: a /23 holds the 300 IPs needed in 2027-02'
    """
    need = series.required[-1]
    kind = series.resource.kind
    if kind == "node-subnet" or kind == "pod-subnet":
        # the capacity model's own rule A4, never a second copy of its formula
        return f"fix: a /{min_prefixlen(need)} holds the {need:,} IPs needed in {end}"
    if kind == "pod-cidr":
        prefixlen = pod_cidr_min_prefixlen(need)
        return f"fix: a pod CIDR /{prefixlen} holds the {need:,} nodes needed in {end}"
    if kind == "kubenet-routes":
        return "fix: move to azure-cni-overlay (no route table)"
    if kind == "retirement":
        return f"fix: move to azure-cni-overlay before {KUBENET_RETIREMENT}"
    if kind == "vnet-ips":
        if series.model in (Network.KUBENET, Network.OVERLAY):  # their pods take no VNet IPs
            return "fix: spread the clusters over more VNets"
        return "fix: azure-cni-overlay, or spread the clusters over more VNets"
    return "fix: split the pool or the cluster"


def shortfalls(
    forecast: Forecast, problems: Sequence[Problem], min_runway_months: int
) -> list[str]:
    """One line per way the plan falls short: each error in *problems*, then each resource of
    the forecast's own models (``forecast.current``) with less than *min_runway_months* of
    runway. A resource short already is an error in *problems*, so it is not repeated.

    >>> from ipplan.core.capacity import Growth, NodePool
    >>> key = SubnetKey("", "nodes")
    >>> pool = NodePool("user", 20, key, growth=Growth(nodes_per_month=10))
    >>> f = forecast([Cluster("aks", Network.OVERLAY, (pool,))], {key: Subnet(key, 26)},
    ...              networks=[], start_year=2027, start_month=1, horizon_months=12, warn_at_pct=80)
    >>> shortfalls(f, [], 12)
    ['node subnet nodes: runs out 2027-05, 4 months of runway (12 required): 66 of 59 IPs \
needed then; fix: a /24 holds the 154 IPs needed in 2028-01']
    """
    end = forecast.months[-1]
    lines = [
        f"INFEASIBLE: {p} ({cite([p.rule])})" for p in problems if p.severity is Severity.ERROR
    ]
    for s in forecast.of(forecast.current):
        m = s.exhaustion_month
        retires = s.resource.kind is ResourceKind.RETIREMENT
        if s.capacity is None or m is None or m >= min_runway_months or (m == 0 and not retires):
            continue
        if retires:  # rule A21: a date, not a count; capacity is the months supported
            lines.append(
                f"{KINDS[s.resource.kind][1]} for {s.resource.name}: unsupported from "
                f"{unsupported_from()}, "
                f"{plural(m, 'month')} of runway ({min_runway_months} required); {fix_for(s, end)}"
            )
            continue
        lines.append(
            f"{s.resource.label}: runs out {forecast.months[m]}, {plural(m, 'month')} of runway "
            f"({min_runway_months} required): {s.required[m]:,} of {s.capacity:,} "
            f"{s.resource.unit} needed then; {fix_for(s, end)}"
        )
    return lines
