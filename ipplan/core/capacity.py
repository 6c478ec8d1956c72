"""The AKS IP capacity model: what each network model consumes (stdlib only).

Every number here is a rule of ``aks-ip-rules.md`` Part A; the constants cite it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from ipplan.rules import (
    API_SERVER_SUBNET_IPS,
    AZURE_RESERVED_IPS,
    CLUSTER_MAX_NODES,
    DEFAULT_POD_CIDR_PREFIXLEN,
    DEFAULT_SURGE,
    KUBENET_MAX_NODES,
    LB_SERVICE_LIMIT,
    NO_POD_VNET_IPS,
    NODE_PORT_LIMIT,
    OS,
    POD_CIDR_NETWORKS,
    POD_CIDR_NODE_PREFIXLEN,
    POD_IP_BATCH,
    POD_SUBNET_NETWORKS,
    POOL_MAX_NODES,
    SERVICE_CIDR_RESERVED,
    SMALLEST_SUBNET_PREFIXLEN,
    STATIC_BLOCK_IPS,
    STATIC_MAX_PREFIXLEN,
    STATIC_MIN_PREFIXLEN,
    VNET_MAX_IPS,
    Dataplane,
    Mode,
    Network,
    Severity,
    Surge,
    cluster_violations,
    default_max_pods,
    pool_violations,
)

__all__ = [
    "Cluster",
    "ClusterDemand",
    "Estimate",
    "Growth",
    "NodePool",
    "PoolDemand",
    "Problem",
    "Subnet",
    "SubnetDemand",
    "COMPARISON_COLUMNS",
    "comparison_row",
    "dynamic_pod_ips",
    "evaluate",
    "max_pods_for",
    "min_prefixlen",
    "planning_nodes",
    "pod_cidr_min_prefixlen",
    "pod_cidr_nodes",
    "pool_demand",
    "static_blocks",
    "static_capacity_blocks",
    "static_min_prefixlen",
    "surge_nodes",
    "usable_ips",
    "vnet_private_ips",
]


def surge_nodes(nodes: int, surge: Surge) -> int:
    """Extra nodes during an upgrade: S = min(k, N), or min(ceil(N*q/100), N) (rule A1).

    >>> surge_nodes(8, Surge(10, percent=True))
    1
    """
    if surge.percent:
        return min(-(-nodes * surge.value // 100), nodes)
    return min(surge.value, nodes)


def usable_ips(prefixlen: int, bits: int = 32) -> int:
    """Addresses Azure lets you assign in a subnet of *prefixlen* (it reserves 5 per subnet).

    >>> usable_ips(24)
    251
    """
    return (1 << (bits - prefixlen)) - AZURE_RESERVED_IPS


def min_prefixlen(ips: int) -> int:
    """The longest IPv4 prefix (at most /29) whose usable addresses hold *ips* (rule A4).

    >>> min_prefixlen(1581), min_prefixlen(251), min_prefixlen(252)
    (21, 24, 23)
    """
    host_bits = max((ips + AZURE_RESERVED_IPS - 1).bit_length(), 32 - SMALLEST_SUBNET_PREFIXLEN)
    return 32 - host_bits


@dataclass(frozen=True)
class Growth:
    """How a node pool grows: linear (nodes per month) or compound (percent per month)."""

    nodes_per_month: float = 0.0
    percent_per_month: float = 0.0


@dataclass(frozen=True)
class NodePool:
    """One node pool, as the capacity model sees it.

    ``subnet`` and ``pod_subnet`` are keys into the subnets passed alongside: pools with the same
    key share a subnet. ``max_pods`` and ``pods_in_use`` of None mean the model's default.
    """

    name: str
    nodes: int
    subnet: str
    max_nodes: int | None = None
    max_pods: int | None = None
    pods_in_use: int | None = None
    max_surge: Surge = DEFAULT_SURGE
    os: OS = OS.LINUX
    pod_subnet: str | None = None
    growth: Growth | None = None
    mode: Mode | None = None  # None: the first pool of the cluster is the system pool (rule A18)


@dataclass(frozen=True)
class Cluster:
    """One AKS cluster, as the capacity model sees it (plain values, no netaddr)."""

    name: str
    network: Network
    node_pools: tuple[NodePool, ...]
    dataplane: Dataplane = Dataplane.AZURE
    pod_cidr_prefixlen: int | None = None  # kubenet/overlay; None means the default /16
    service_cidr_size: int = 2**16  # addresses in the service CIDR (default 10.0.0.0/16)
    private_cluster: bool = False
    internal_lbs: int = 0  # internal LB frontends, placed in the first pool's subnet
    private_endpoints: int = 0  # private endpoints placed in the first pool's subnet
    api_server_subnet: str | None = None  # API server VNet integration subnet key, if any
    vnet: str = ""  # key of the VNet for the 65,536 private-IP limit


@dataclass(frozen=True)
class Subnet:
    """A subnet as the capacity model sees it: its size (None while unsized), IPs used by others."""

    name: str
    prefixlen: int | None = None
    other_ips: int = 0
    vnet: str = ""


@dataclass(frozen=True)
class Problem:
    """A violated rule, as data: which rule, the numbers, and the fix."""

    network: Network
    subject: str  # the cluster, pool or subnet it is about
    rule: str  # the aks-ip-rules.md Part A rule, e.g. "A7"
    message: str
    fix: str
    severity: Severity = Severity.ERROR

    def __str__(self) -> str:
        return f"{self.network}: {self.message}; {self.fix}"


@dataclass(frozen=True)
class PoolDemand:
    """What one node pool consumes under one network model."""

    cluster: str
    pool: str
    network: Network
    subnet: str
    pod_subnet: str | None
    os: OS
    nodes: int  # today's count
    planning_nodes: int  # autoscaler maximum when set, else nodes (N)
    surge_nodes: int  # S
    peak_nodes: int  # M = N + S
    max_pods: int  # P
    pods_in_use: int  # U
    node_subnet_ips: int  # at peak: M, or M * (1 + P) for azure-cni
    node_subnet_ips_now: int  # today's nodes, no surge
    pod_ips_per_node: int | None  # pod-subnet models: dynamic batches or static blocks
    pod_subnet_ips: int | None  # at peak
    pod_subnet_ips_now: int | None
    static_blocks: int | None  # static: /28 blocks at peak
    pod_cidr_nodes: int | None  # kubenet/overlay: /24s taken from the pod CIDR at peak
    max_pods_total: int  # planning nodes * max pods
    vnet_ips: int  # private VNet IPs (a static /28 block counts as one)


@dataclass(frozen=True)
class SubnetDemand:
    """What a subnet must hold; sizes are None while the subnet is unsized."""

    name: str
    vnet: str
    role: str  # "node", "pod" or "other"
    now_ips: int
    peak_ips: int
    min_prefixlen: int
    prefixlen: int | None
    usable_ips: int | None
    utilization_pct: float | None  # peak / usable, one decimal
    headroom_ips: int | None  # usable - peak
    max_nodes: int | None  # first pool's node count the subnet holds, others as planned
    static: bool = False  # a static-block pod subnet: counted in /28 blocks (rule A9)


@dataclass(frozen=True)
class ClusterDemand:
    """A cluster's totals and limits under one network model."""

    name: str
    network: Network
    dataplane: Dataplane
    vnet: str
    pools: int
    nodes: int
    planning_nodes: int
    peak_nodes: int
    max_pods_total: int
    node_subnet_ips: int
    pod_subnet_ips: int | None
    vnet_ips: int
    pod_cidr_prefixlen: int | None
    pod_cidr_min_prefixlen: int | None
    pod_cidr_max_nodes: int | None
    route_limit: int | None  # kubenet's 400
    service_ips: int  # ClusterIP addresses left in the service CIDR
    node_port_limit: int
    lb_service_limit: int
    max_nodes: int | None  # most nodes (largest pool grown) before any limit binds
    limiting_factor: str  # which limit binds first, in words


@dataclass(frozen=True)
class Estimate:
    """Everything the capacity model says about a set of clusters under one network model each."""

    pools: tuple[PoolDemand, ...]
    subnets: tuple[SubnetDemand, ...]
    clusters: tuple[ClusterDemand, ...]
    problems: tuple[Problem, ...]

    @property
    def feasible(self) -> bool:
        """True when no hard limit is broken."""
        return not any(p.severity is Severity.ERROR for p in self.problems)


def planning_nodes(pool: NodePool) -> int:
    """N: the autoscaler's maximum when set, else the node count (rule A, notation; ISS)."""
    return pool.nodes if pool.max_nodes is None else pool.max_nodes


def max_pods_for(pool: NodePool, network: Network) -> int:
    """P: the pool's max pods, or the default for its model and OS (rules A2, A19)."""
    return default_max_pods(network, pool.os) if pool.max_pods is None else pool.max_pods


def dynamic_pod_ips(max_pods: int, pods_in_use: int) -> int:
    """Pod-subnet IPs one node holds in 16-IP batches: max(16, min(16*ceil(0.5 + U/16), P)).

    >>> dynamic_pod_ips(30, 25), dynamic_pod_ips(110, 110), dynamic_pod_ips(10, 10)
    (30, 110, 16)
    """
    # ceil(0.5 + U/16) == ceil((U + 8) / 16), in integers
    batches = -(-(pods_in_use + POD_IP_BATCH // 2) // POD_IP_BATCH)
    return max(POD_IP_BATCH, min(POD_IP_BATCH * batches, max_pods))


def static_blocks(max_pods: int) -> int:
    """/28 blocks one node holds under static allocation: ceil((P + 1) / 16) (rule A9).

    >>> static_blocks(30), static_blocks(31), static_blocks(32)
    (2, 2, 3)
    """
    return -(-(max_pods + 1) // STATIC_BLOCK_IPS)


def static_capacity_blocks(prefixlen: int) -> int:
    """/28 blocks a static pod subnet holds: 2^(28-p) - 2 (the first and last hold Azure's five).

    A /27 or longer holds none (rule A9 reports it), never a negative count or a crash.

    >>> static_capacity_blocks(24), static_capacity_blocks(28), static_capacity_blocks(29)
    (14, 0, 0)
    """
    if prefixlen > STATIC_MAX_PREFIXLEN:
        return 0
    return max((1 << (STATIC_MAX_PREFIXLEN - prefixlen)) - 2, 0)


def static_min_prefixlen(blocks: int) -> int:
    """The longest prefix (at most /28) whose static pod subnet holds *blocks* /28 blocks.

    >>> static_min_prefixlen(14), static_min_prefixlen(15)
    (24, 23)
    """
    return STATIC_MAX_PREFIXLEN - max((blocks + 1).bit_length(), 1)


def pod_cidr_min_prefixlen(nodes: int) -> int:
    """The longest pod CIDR (at most /24) that gives *nodes* nodes a /24 each (rule A6).

    >>> pod_cidr_min_prefixlen(256), pod_cidr_min_prefixlen(5000)
    (16, 11)
    """
    return POD_CIDR_NODE_PREFIXLEN - max(nodes - 1, 0).bit_length()


def pod_cidr_nodes(prefixlen: int) -> int:
    """Nodes a kubenet/overlay pod CIDR of *prefixlen* holds at one /24 each: 2^(24-c).

    >>> pod_cidr_nodes(16)
    256
    """
    return 1 << (POD_CIDR_NODE_PREFIXLEN - prefixlen)


def pool_demand(cluster: str, pool: NodePool, network: Network) -> PoolDemand:
    """What *pool* consumes under *network* (rules A1-A3, A6, A8, A9)."""
    n = planning_nodes(pool)
    s = surge_nodes(n, pool.max_surge)
    m = n + s
    p = max_pods_for(pool, network)
    u = p if pool.pods_in_use is None else min(pool.pods_in_use, p)
    per_node = 1 + p if network is Network.AZURE_CNI else 1
    pod_per_node: int | None = None
    blocks: int | None = None
    if network is Network.POD_SUBNET:
        pod_per_node = dynamic_pod_ips(p, u)
    elif network is Network.POD_SUBNET_STATIC:
        blocks = m * static_blocks(p)
        pod_per_node = STATIC_BLOCK_IPS * static_blocks(p)
    pod_subnet = None
    if network in POD_SUBNET_NETWORKS:
        pod_subnet = pool.pod_subnet or f"{cluster}/pods"
    node_ips = m * per_node
    if pod_per_node is None:
        vnet_ips = node_ips
    else:
        vnet_ips = node_ips + (m * pod_per_node if blocks is None else blocks)
    return PoolDemand(
        cluster=cluster,
        pool=pool.name,
        network=network,
        subnet=pool.subnet,
        pod_subnet=pod_subnet,
        os=pool.os,
        nodes=pool.nodes,
        planning_nodes=n,
        surge_nodes=s,
        peak_nodes=m,
        max_pods=p,
        pods_in_use=u,
        node_subnet_ips=node_ips,
        node_subnet_ips_now=pool.nodes * per_node,
        pod_ips_per_node=pod_per_node,
        pod_subnet_ips=None if pod_per_node is None else m * pod_per_node,
        pod_subnet_ips_now=None if pod_per_node is None else pool.nodes * pod_per_node,
        static_blocks=blocks,
        pod_cidr_nodes=m if network in POD_CIDR_NETWORKS else None,
        max_pods_total=n * p,
        vnet_ips=vnet_ips,
    )


def _largest(fits: Callable[[int], bool], high: int) -> int:
    """The largest n in [0, high] with fits(n), for a fits that turns false once; 0 if none."""
    low = 0
    if not fits(0):
        return 0
    while low < high:  # binary search: O(log high) evaluations, never a scan
        mid = (low + high + 1) // 2
        if fits(mid):
            low = mid
        else:
            high = mid - 1
    return low


def _with_nodes(pool: NodePool, n: int) -> NodePool:
    return replace(pool, nodes=min(pool.nodes, n), max_nodes=n)


@dataclass(frozen=True)
class _Use:
    """One consumer's IPs in one subnet, now and at peak."""

    now: int
    peak: int
    kind: str  # "node", "dynamic", "static" or "other"


def _uses(
    clusters: Sequence[Cluster], demands: Sequence[Sequence[PoolDemand]]
) -> dict[str, list[_Use]]:
    """Every subnet key's consumers (rule A3): nodes, pods, and the other consumers."""
    uses: dict[str, list[_Use]] = {}
    for cluster, pools in zip(clusters, demands, strict=True):
        for d in pools:
            uses.setdefault(d.subnet, []).append(
                _Use(d.node_subnet_ips_now, d.node_subnet_ips, "node")
            )
            if d.pod_subnet is not None and d.pod_subnet_ips is not None:
                kind = "static" if d.static_blocks is not None else "dynamic"
                now = d.pod_subnet_ips_now or 0
                uses.setdefault(d.pod_subnet, []).append(_Use(now, d.pod_subnet_ips, kind))
        # ILB frontends, private endpoints and the private API endpoint: first pool's subnet (PRIV)
        extra = cluster.internal_lbs + cluster.private_endpoints + int(cluster.private_cluster)
        if extra and cluster.node_pools:
            uses[cluster.node_pools[0].subnet].append(_Use(extra, extra, "other"))
        if cluster.api_server_subnet is not None:
            api = API_SERVER_SUBNET_IPS
            uses.setdefault(cluster.api_server_subnet, []).append(_Use(api, api, "other"))
    return uses


def _subnet_demand(
    key: str, subnet: Subnet, uses: Sequence[_Use], max_nodes: int | None
) -> SubnetDemand:
    kinds = {u.kind for u in uses}
    now = subnet.other_ips + sum(u.now for u in uses)
    peak = subnet.other_ips + sum(u.peak for u in uses)
    role = "node" if "node" in kinds else "pod" if kinds & {"static", "dynamic"} else "other"
    if "static" in kinds:
        # static pod subnets are counted in /28 blocks (rule A9); IPs are blocks * 16
        blocks = -(-peak // STATIC_BLOCK_IPS)
        min_p = static_min_prefixlen(blocks)
        usable = (
            None
            if subnet.prefixlen is None
            else STATIC_BLOCK_IPS * static_capacity_blocks(subnet.prefixlen)
        )
    else:
        min_p = min_prefixlen(peak)
        usable = None if subnet.prefixlen is None else usable_ips(subnet.prefixlen)
    return SubnetDemand(
        name=key,
        vnet=subnet.vnet,
        role=role,
        now_ips=now,
        peak_ips=peak,
        min_prefixlen=min_p,
        prefixlen=subnet.prefixlen,
        usable_ips=usable,
        utilization_pct=None if not usable else round(100 * peak / usable, 1),
        headroom_ips=None if usable is None else usable - peak,
        max_nodes=max_nodes,
        static="static" in kinds,
    )


def _pool_problems(
    cluster: Cluster, network: Network, pools: Sequence[PoolDemand]
) -> list[Problem]:
    """The rulebook's pool and cluster rules for one cluster under *network*."""
    out: list[Problem] = []
    for pool, d in zip(cluster.node_pools, pools, strict=True):
        who = f"pool {cluster.name}/{d.pool}"
        for v in pool_violations(
            who,
            network=network,
            dataplane=cluster.dataplane,
            os=d.os,
            nodes=d.nodes,
            max_nodes=pool.max_nodes,
            max_pods=d.max_pods,
            max_pods_given=pool.max_pods is not None,
            pods_in_use=pool.pods_in_use,
            surge_nodes=d.surge_nodes,
            surge=str(pool.max_surge),
        ):
            out.append(
                Problem(network, f"{cluster.name}/{d.pool}", v.rule, v.message, v.fix, v.severity)
            )
    for v in cluster_violations(
        cluster.name,
        network=network,
        dataplane=cluster.dataplane,
        pools=len(pools),
        planning_nodes=sum(d.planning_nodes for d in pools),
        peak_nodes=sum(d.peak_nodes for d in pools),
        internal_lbs=cluster.internal_lbs,
    ):
        out.append(Problem(network, cluster.name, v.rule, v.message, v.fix, v.severity))
    return out


def _subnet_fits(demand: SubnetDemand, extra_ips: int) -> bool:
    """Whether *demand* plus *extra_ips* (may be negative) fits its subnet; True while unsized."""
    if demand.usable_ips is None:
        return True
    peak = demand.peak_ips + extra_ips
    if demand.static:
        peak = -(-peak // STATIC_BLOCK_IPS) * STATIC_BLOCK_IPS
    return peak <= demand.usable_ips


def vnet_private_ips(subnets: Iterable[SubnetDemand]) -> dict[str, int]:
    """Private IPs at peak per VNet key; a static /28 block counts as one (rule A15)."""
    totals: dict[str, int] = {}
    for sd in subnets:
        ips = -(-sd.peak_ips // STATIC_BLOCK_IPS) if sd.static else sd.peak_ips
        totals[sd.vnet] = totals.get(sd.vnet, 0) + ips
    return totals


def evaluate(
    clusters: Sequence[Cluster],
    subnets: Mapping[str, Subnet] | None = None,
    network: Network | None = None,
    limits: bool = True,
) -> Estimate:
    """What *clusters* consume, each under its own model or all under *network*.

    Args:
        clusters: the clusters; pools name their subnets by key.
        subnets: sizes and other users of the subnets, by key; a key the pools use but that is
            missing here is an unsized subnet (only its smallest prefix is computed).
        network: evaluate every cluster under this model instead of its own (comparison).
        limits: also find how many nodes each subnet and cluster holds (``max_nodes``, the
            limiting factor): most of the cost; a month-by-month forecast does without.
    """
    subnets = dict(subnets or {})
    clusters = [c if network is None else replace(c, network=network) for c in clusters]
    demands = [[pool_demand(c.name, p, c.network) for p in c.node_pools] for c in clusters]
    uses = _uses(clusters, demands)
    for key in uses:
        subnets.setdefault(key, Subnet(key, vnet=_vnet_of(key, clusters)))
    subnet_rows = {
        key: _subnet_demand(key, subnets[key], uses.get(key, []), None) for key in sorted(subnets)
    }
    problems: list[Problem] = []
    cluster_rows: list[ClusterDemand] = []
    for cluster, pools in zip(clusters, demands, strict=True):
        problems += _pool_problems(cluster, cluster.network, pools)
        row, more = _cluster_demand(cluster, pools, subnet_rows, limits)
        cluster_rows.append(row)
        problems += more
    # each subnet's node count: its first pool grown, the others as planned (rule A5)
    for key, sd in subnet_rows.items() if limits else ():
        first = _first_user(key, clusters, demands)
        if first is not None and sd.usable_ips is not None:
            subnet_rows[key] = replace(sd, max_nodes=_grow(first, sd, key, sd.usable_ips + 1))
    vnet_ips = vnet_private_ips(subnet_rows.values())
    for sd in subnet_rows.values():
        if clusters and sd.usable_ips is not None and sd.peak_ips > sd.usable_ips:
            net = _network_of(sd.name, clusters, demands)
            rule = "A9" if sd.static else "A8" if sd.role == "pod" else "A3"
            fix = f"use a /{sd.min_prefixlen} or larger, or fewer nodes or max pods"
            problems.append(
                Problem(
                    net,
                    sd.name,
                    rule,
                    f"{sd.role} subnet {_label(sd)} needs {sd.peak_ips:,} IPs at peak",
                    fix,
                )
            )
    for vnet, ips in sorted(vnet_ips.items()):
        # with no cluster there is no model to judge (an estate with no AKS cluster at all)
        if ips > VNET_MAX_IPS and clusters:
            # a VNet no cluster uses (only other IPs) is still over the limit: blame the first
            net = next((c.network for c in clusters if c.vnet == vnet), clusters[0].network)
            # overlay only helps where pods take VNet IPs; kubenet and overlay already don't
            pod_ips = [c for c in clusters if c.vnet == vnet and c.network not in NO_POD_VNET_IPS]
            fix = "use azure-cni-overlay or split across VNets" if pod_ips else "split across VNets"
            problems.append(
                Problem(
                    net,
                    vnet or "vnet",
                    "A15",
                    f"VNet {vnet or '(cluster)'} "
                    f"needs {ips:,} private IPs, above Azure's {VNET_MAX_IPS:,} per VNet",
                    fix,
                )
            )
    return Estimate(
        pools=tuple(d for pools in demands for d in pools),
        subnets=tuple(subnet_rows.values()),
        clusters=tuple(cluster_rows),
        problems=tuple(problems),
    )


_Member = tuple[Cluster, NodePool, PoolDemand]


def _members(clusters: Sequence[Cluster], demands: Sequence[Sequence[PoolDemand]]) -> list[_Member]:
    return [
        (c, p, d)
        for c, pools in zip(clusters, demands, strict=True)
        for p, d in zip(c.node_pools, pools, strict=True)
    ]


def _first_user(
    key: str, clusters: Sequence[Cluster], demands: Sequence[Sequence[PoolDemand]]
) -> tuple[_Member, bool] | None:
    """The first pool whose node subnet (False) or pod subnet (True) is *key*."""
    for member in _members(clusters, demands):
        if member[2].subnet == key:
            return member, False
        if member[2].pod_subnet == key:
            return member, True
    return None


def _vnet_of(key: str, clusters: Sequence[Cluster]) -> str:
    for c in clusters:
        pods = {p.pod_subnet or f"{c.name}/pods" for p in c.node_pools}
        if key in {p.subnet for p in c.node_pools} | pods | {c.api_server_subnet}:
            return c.vnet
    return ""


def _network_of(
    key: str, clusters: Sequence[Cluster], demands: Sequence[Sequence[PoolDemand]]
) -> Network:
    found = _first_user(key, clusters, demands)
    return clusters[0].network if found is None else found[0][0].network


def _contribution(member: _Member, n: int, pod: bool) -> int:
    cluster, pool, _ = member
    d = pool_demand(cluster.name, _with_nodes(pool, n), cluster.network)
    return (d.pod_subnet_ips or 0) if pod else d.node_subnet_ips


def _grow(found: tuple[_Member, bool], demand: SubnetDemand, key: str, high: int) -> int:
    """Largest planning node count of the subnet's first pool that still fits (rule A5)."""
    member, pod = found
    base = _contribution(member, member[2].planning_nodes, pod)
    return _largest(lambda n: _subnet_fits(demand, _contribution(member, n, pod) - base), high)


def _cluster_demand(
    cluster: Cluster,
    pools: Sequence[PoolDemand],
    subnet_rows: Mapping[str, SubnetDemand],
    limits: bool = True,
) -> tuple[ClusterDemand, list[Problem]]:
    """A cluster's totals, its pod CIDR (rule A6), and the node count at which a limit binds."""
    network = cluster.network
    problems: list[Problem] = []
    peak = sum(d.peak_nodes for d in pools)
    planned = sum(d.planning_nodes for d in pools)
    cidr_prefixlen = cidr_min = cidr_nodes = None
    if network in POD_CIDR_NETWORKS:
        cidr_prefixlen = cluster.pod_cidr_prefixlen or DEFAULT_POD_CIDR_PREFIXLEN
        cidr_min = pod_cidr_min_prefixlen(peak)
        if cidr_prefixlen > POD_CIDR_NODE_PREFIXLEN:
            cidr_nodes = 0
            problems.append(
                Problem(
                    network,
                    cluster.name,
                    "A6",
                    f"{cluster.name}: pod "
                    f"CIDR /{cidr_prefixlen} is smaller than the /24 each node takes",
                    f"use a /{cidr_min} or larger",
                )
            )
        else:
            cidr_nodes = pod_cidr_nodes(cidr_prefixlen)
            if peak > cidr_nodes:
                problems.append(
                    Problem(
                        network,
                        cluster.name,
                        "A6",
                        f"{cluster.name}: "
                        f"pod CIDR /{cidr_prefixlen} holds {cidr_nodes:,} nodes (one /24 each), "
                        f"{peak:,} needed at peak",
                        f"use a /{cidr_min} or larger",
                    )
                )
    for key in sorted({d.pod_subnet or "" for d in pools if d.static_blocks is not None}):
        sd = subnet_rows[key]
        if sd.prefixlen is not None and not (
            STATIC_MIN_PREFIXLEN <= sd.prefixlen <= STATIC_MAX_PREFIXLEN
        ):
            problems.append(
                Problem(
                    network,
                    sd.name,
                    "A9",
                    f"static pod subnet {sd.name} is a "
                    f"/{sd.prefixlen}; static block allocation needs /{STATIC_MIN_PREFIXLEN} to "
                    f"/{STATIC_MAX_PREFIXLEN}",
                    f"use a /{max(sd.min_prefixlen, STATIC_MIN_PREFIXLEN)}",
                )
            )
    max_nodes, factor = (
        _binding_limit(cluster, pools, subnet_rows, cidr_nodes) if limits else (None, "")
    )
    pod_ips = [d.pod_subnet_ips for d in pools if d.pod_subnet_ips is not None]
    row = ClusterDemand(
        name=cluster.name,
        network=network,
        dataplane=cluster.dataplane,
        vnet=cluster.vnet,
        pools=len(pools),
        nodes=sum(d.nodes for d in pools),
        planning_nodes=planned,
        peak_nodes=peak,
        max_pods_total=sum(d.max_pods_total for d in pools),
        node_subnet_ips=sum(d.node_subnet_ips for d in pools),
        pod_subnet_ips=sum(pod_ips) if pod_ips else None,
        vnet_ips=sum(d.vnet_ips for d in pools),
        pod_cidr_prefixlen=cidr_prefixlen,
        pod_cidr_min_prefixlen=cidr_min,
        pod_cidr_max_nodes=cidr_nodes,
        route_limit=KUBENET_MAX_NODES if network is Network.KUBENET else None,
        service_ips=max(cluster.service_cidr_size - SERVICE_CIDR_RESERVED, 0),
        node_port_limit=NODE_PORT_LIMIT,
        lb_service_limit=LB_SERVICE_LIMIT,
        max_nodes=max_nodes,
        limiting_factor=factor,
    )
    return row, problems


def _label(demand: SubnetDemand) -> str:
    """``nodes (/21, 2,043 usable IPs)``; the prefix is left out when the name already has it."""
    size = f"{demand.usable_ips:,} usable IPs"
    if demand.name.endswith(f"/{demand.prefixlen}"):
        return f"{demand.name} ({size})"
    return f"{demand.name} (/{demand.prefixlen}, {size})"


def _binding_limit(
    cluster: Cluster,
    pools: Sequence[PoolDemand],
    subnet_rows: Mapping[str, SubnetDemand],
    cidr_nodes: int | None,
) -> tuple[int | None, str]:
    """Grow the largest pool until a limit binds: (the cluster's node count then, that limit).

    The largest pool (most planning nodes, the first on ties) is where growth usually lands;
    growing a three-node system pool would understate the room of a cluster.
    """
    if not pools:
        return None, "no node pools"
    grown = max(range(len(pools)), key=lambda i: (pools[i].planning_nodes, -i))
    pool, base = cluster.node_pools[grown], pools[grown]

    def at(n: int) -> PoolDemand:
        return pool_demand(cluster.name, _with_nodes(pool, n), cluster.network)

    others_peak = sum(d.peak_nodes for d in pools) - base.peak_nodes
    others_planned = sum(d.planning_nodes for d in pools) - base.planning_nodes
    others_vnet = sum(d.vnet_ips for d in pools) - base.vnet_ips
    limits: list[tuple[str, Callable[[int], bool]]] = []
    node_sd = subnet_rows[base.subnet]
    if node_sd.usable_ips is not None:
        limits.append(
            (
                f"node subnet {_label(node_sd)}",
                lambda n: _subnet_fits(node_sd, at(n).node_subnet_ips - base.node_subnet_ips),
            )
        )
    if base.pod_subnet is not None and subnet_rows[base.pod_subnet].usable_ips is not None:
        pod_sd = subnet_rows[base.pod_subnet]
        limits.append(
            (
                f"pod subnet {_label(pod_sd)}",
                lambda n: _subnet_fits(
                    pod_sd, (at(n).pod_subnet_ips or 0) - (base.pod_subnet_ips or 0)
                ),
            )
        )
    if cidr_nodes is not None:
        limits.append(
            (
                f"pod CIDR /{cluster.pod_cidr_prefixlen or DEFAULT_POD_CIDR_PREFIXLEN} "
                f"({cidr_nodes:,} nodes at one /24 each)",
                lambda n: others_peak + at(n).peak_nodes <= cidr_nodes,
            )
        )
    if cluster.network is Network.KUBENET:
        limits.append(
            (
                f"kubenet route table ({KUBENET_MAX_NODES} routes)",
                lambda n: others_peak + at(n).peak_nodes <= KUBENET_MAX_NODES,
            )
        )
    limits.append(
        (
            f"VNet private IPs ({VNET_MAX_IPS:,})",
            lambda n: others_vnet + at(n).vnet_ips <= VNET_MAX_IPS,
        )
    )
    limits.append(
        (
            f"AKS nodes per pool ({POOL_MAX_NODES:,} with surge)",
            lambda n: at(n).peak_nodes <= POOL_MAX_NODES,
        )
    )
    limits.append(
        (
            f"AKS nodes per cluster ({CLUSTER_MAX_NODES:,})",
            lambda n: others_planned + n <= CLUSTER_MAX_NODES,
        )
    )
    best = min((_largest(fits, CLUSTER_MAX_NODES + 1), i) for i, (_, fits) in enumerate(limits))
    return others_planned + best[0], limits[best[1]][0]


#: the columns of a comparison row, in order (``ipplan compare`` and comparison.csv)
COMPARISON_COLUMNS = (
    "cluster",
    "network",
    "nodes",
    "surge_nodes",
    "peak_nodes",
    "max_pods",
    "node_subnet_ips",
    "node_subnet_min_prefix",
    "pod_subnet_ips",
    "pod_subnet_min_prefix",
    "pod_cidr_min_prefix",
    "vnet_ips",
    "max_pods_total",
    "max_nodes_in_subnet",
    "subnet_utilization_pct",
    "max_nodes",
    "limiting_factor",
    "feasible",
    "problems",
    "warnings",
)


def comparison_row(estimate: Estimate, cluster: str) -> dict[str, object]:
    """One cluster of *estimate* as a comparison row: ints, None where not applicable."""
    row = next(c for c in estimate.clusters if c.name == cluster)
    pools = [d for d in estimate.pools if d.cluster == cluster]
    subnets = {s.name: s for s in estimate.subnets}
    node_subnets = [subnets[k] for k in dict.fromkeys(d.subnet for d in pools)]
    pod_subnets = [subnets[k] for k in dict.fromkeys(d.pod_subnet for d in pools if d.pod_subnet)]
    own = {cluster, row.vnet or "vnet"} | {s.name for s in node_subnets + pod_subnets}
    mine = [p for p in estimate.problems if p.subject in own or p.subject.startswith(f"{cluster}/")]
    first = node_subnets[0] if node_subnets else None
    return {
        "cluster": cluster,
        "network": str(row.network),
        "nodes": row.planning_nodes,
        "surge_nodes": sum(d.surge_nodes for d in pools),
        "peak_nodes": row.peak_nodes,
        "max_pods": max((d.max_pods for d in pools), default=None),
        "node_subnet_ips": sum(s.peak_ips for s in node_subnets),
        "node_subnet_min_prefix": min((s.min_prefixlen for s in node_subnets), default=None),
        "pod_subnet_ips": sum(s.peak_ips for s in pod_subnets) if pod_subnets else None,
        "pod_subnet_min_prefix": min((s.min_prefixlen for s in pod_subnets), default=None),
        "pod_cidr_min_prefix": row.pod_cidr_min_prefixlen,
        "vnet_ips": row.vnet_ips,
        "max_pods_total": row.max_pods_total,
        "max_nodes_in_subnet": None if first is None else first.max_nodes,
        "subnet_utilization_pct": None if first is None else first.utilization_pct,
        "max_nodes": row.max_nodes,
        "limiting_factor": row.limiting_factor,
        "feasible": not any(p.severity is Severity.ERROR for p in mine),
        "problems": "; ".join(
            f"{p.message}; {p.fix}" for p in mine if p.severity is Severity.ERROR
        ),
        "warnings": "; ".join(
            f"{p.message}; {p.fix}" for p in mine if p.severity is Severity.WARNING
        ),
    }
