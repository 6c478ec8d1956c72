"""The AKS IP capacity model: what each network model consumes (stdlib only).

Every number here is a rule of the project's rules document (docs/rules.md); the constants
and checks live in :mod:`ipplan.rules`. Room to grow (rule A18) is computed here, once, and
every report renders it.
"""

# annotations are evaluated (no __future__ import): dataclasses matches each string one
# against ClassVar, InitVar and KW_ONLY as it builds the class (issue 11)
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from functools import cache, cached_property

from ipplan.core.keys import ResourceKind, Role, SubnetKey
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
    Priority,
    Severity,
    Surge,
    Upgrade,
    cite,
    cluster_violations,
    default_max_pods,
    pool_violations,
    surge_nodes,
)

__all__ = [
    "COMPARISON_COLUMNS",
    "Cluster",
    "ClusterDemand",
    "Comparison",
    "Estimate",
    "Growth",
    "NodePool",
    "PoolDemand",
    "Problem",
    "Room",
    "Subnet",
    "SubnetDemand",
    "comparison",
    "dynamic_pod_ips",
    "evaluate",
    "growth_pool",
    "max_pods_for",
    "min_prefixlen",
    "planning_nodes",
    "pod_cidr_min_prefixlen",
    "pod_cidr_nodes",
    "pool_demand",
    "room_text",
    "static_blocks",
    "static_capacity_blocks",
    "static_min_prefixlen",
    "surge_nodes",
    "usable_ips",
    "vnet_private_ips",
]


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
    subnet: SubnetKey
    max_nodes: int | None = None
    max_pods: int | None = None
    pods_in_use: int | None = None
    max_surge: Surge = DEFAULT_SURGE
    os: OS = OS.LINUX
    pod_subnet: SubnetKey | None = None
    growth: Growth | None = None
    mode: Mode | None = None  # None: the first pool of the cluster is the system pool (rule A18)
    upgrade: Upgrade = Upgrade.ROLLING  # how its upgrade peak is reached (rule A25)
    priority: Priority = Priority.REGULAR  # a spot pool never surges (rule A25)


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
    internal_lbs: int = 0  # internal LB frontends: the first pool's subnet or internal_lb_subnet
    private_endpoints: int = 0  # private endpoints placed in the first pool's subnet
    api_server_subnet: SubnetKey | None = None  # API server VNet integration subnet, if any
    vnet: str = ""  # the VNet, for the 65,536 private-IP limit
    internal_lb_subnet: SubnetKey | None = None  # the ILB annotation's subnet (rule A24)
    private_link_services: tuple[tuple[SubnetKey, int], ...] = ()  # (subnet, NAT IPs) each

    @property
    def other_ips(self) -> int:
        """IPs of the cluster's other consumers in its first pool's subnet (rule A3): internal
        load balancer frontends (unless they have a subnet of their own), private endpoints and
        a private cluster's API endpoint (PRIV; none with an API server subnet, rule A24)."""
        lbs = self.internal_lbs if self.internal_lb_subnet is None else 0
        endpoint = self.private_cluster and self.api_server_subnet is None
        return lbs + self.private_endpoints + int(endpoint)

    def elsewhere(self) -> list[tuple[SubnetKey, int]]:
        """IPs the cluster takes in subnets other than its node subnets (rule A24): internal LB
        frontends in ``internal_lb_subnet``, Private Link Service NAT IPs, the API server's 9."""
        out = list(self.private_link_services)
        if self.internal_lb_subnet is not None and self.internal_lbs:
            out.append((self.internal_lb_subnet, self.internal_lbs))
        if self.api_server_subnet is not None:
            out.append((self.api_server_subnet, API_SERVER_SUBNET_IPS))
        return out


@dataclass(frozen=True)
class Subnet:
    """A subnet as the capacity model sees it: its size (None while unsized), IPs used by others."""

    key: SubnetKey
    prefixlen: int | None = None
    other_ips: int = 0


@dataclass(frozen=True)
class Problem:
    """A violated rule, as data: which rule, the numbers, the fix, and what it is about."""

    network: Network
    rule: str  # the rule id in docs/rules.md, e.g. "A7"
    message: str
    fix: str
    severity: Severity = Severity.ERROR
    cluster: str = ""  # the cluster it is about ("" for a subnet or VNet shared by several)
    subnet: SubnetKey | None = None  # the subnet it is about, if any
    vnet: str | None = None  # the VNet it is about (rule A15), if any

    def __str__(self) -> str:
        return f"{self.network}: {self.message}; {self.fix}"


@dataclass(frozen=True)
class Room:
    """Room to grow (rule A18): how far the growth pool can go before the first limit binds.

    When no count holds (a limit is broken already with the growth pool at 0 nodes: the
    other pools and consumers alone exceed it) there is no room: ``nodes`` and
    ``growth_pool_nodes`` are None, and ``limit`` is the first limit broken at 0.

    >>> subnet = "node subnet v/s (/26, 59 usable IPs)"
    >>> Room(3, "dev/user", 0, ResourceKind.NODE_SUBNET, subnet).text
    'room for 3 nodes, limited by node subnet v/s (/26, 59 usable IPs)'
    >>> Room(None, "dev/user", None, ResourceKind.NODE_SUBNET, subnet).text
    'no room: node subnet v/s (/26, 59 usable IPs) is exceeded already, with dev/user at 0 nodes'
    """

    nodes: int | None  # planning nodes in all (of the cluster, or the subnet's pools) at that
    # point; None: no room
    growth_pool: str  # "cluster/pool": the pool growth lands on
    growth_pool_nodes: int | None  # the growth pool's own largest planning node count; None:
    # no room
    limit: ResourceKind  # which limit binds (with no room: which is broken already)
    limited_by: str  # that limit, in words with its numbers

    @property
    def exceeded(self) -> bool:
        """True when there is no room: the limit is broken with the growth pool at 0 nodes."""
        return self.nodes is None

    @property
    def text(self) -> str:
        """The answer in words, as every output says it (the CLI, the summary, explain)."""
        return room_text(self.nodes, self.limited_by, self.growth_pool)


def room_text(nodes: int | None, limited_by: str, growth_pool: str | None = None) -> str:
    """Room to grow in words (rule A18) from its columns: ``room for N nodes, limited by X``,
    or, with no room (*nodes* None), ``no room: X is exceeded already``; the one wording of
    :attr:`Room.text`, for a reader that has only a row's values (``ipplan compare``).

    >>> room_text(None, "kubenet route table (400 routes)")
    'no room: kubenet route table (400 routes) is exceeded already'
    """
    if nodes is not None:
        return f"room for {nodes:,} nodes, limited by {limited_by}"
    at_zero = "" if growth_pool is None else f", with {growth_pool} at 0 nodes"
    return f"no room: {limited_by} is exceeded already{at_zero}"


@dataclass(frozen=True)
class PoolDemand:
    """What one node pool consumes under one network model."""

    cluster: str
    pool: str
    network: Network
    subnet: SubnetKey
    pod_subnet: SubnetKey | None
    os: OS
    nodes: int  # today's count
    planning_nodes: int  # autoscaler maximum when set, else nodes (N)
    surge_nodes: int  # S
    peak_nodes: int  # M = N + S
    max_pods: int  # P
    max_pods_default: bool  # P is the model's default (the pool sets none; rule A20)
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

    @property
    def label(self) -> str:
        """``cluster/pool``."""
        return f"{self.cluster}/{self.pool}"


@dataclass(frozen=True)
class SubnetDemand:
    """What a subnet must hold; sizes are None while the subnet is unsized."""

    key: SubnetKey
    role: Role  # node, pod or other
    now_ips: int
    peak_ips: int
    min_prefixlen: int
    prefixlen: int | None
    usable_ips: int | None
    utilization_pct: float | None  # peak / usable, one decimal
    headroom_ips: int | None  # usable - peak
    room: Room | None  # the subnet's pools' room to grow (rule A18); None: no pool or unsized
    static: bool = False  # a static-block pod subnet: counted in /28 blocks (rule A9)

    @property
    def vnet(self) -> str:
        """The VNet the subnet is in."""
        return self.key.vnet


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
    vnet_ips: int  # nodes, pods and the cluster's other consumers (rule A15)
    pod_cidr_prefixlen: int | None
    pod_cidr_min_prefixlen: int | None
    pod_cidr_max_nodes: int | None
    route_limit: int | None  # kubenet's 400
    service_ips: int  # ClusterIP addresses left in the service CIDR
    node_port_limit: int
    lb_service_limit: int
    room: Room | None  # room to grow (rule A18); None when not computed or no pool


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

    def cluster(self, name: str) -> ClusterDemand:
        """The cluster called *name*."""
        return self._clusters[name]

    def subnet(self, key: SubnetKey) -> SubnetDemand:
        """The subnet *key*."""
        return self._subnets[key]

    def pools_of(self, cluster: str) -> tuple[PoolDemand, ...]:
        """The pools of *cluster*, in order."""
        return self._pools.get(cluster, ())

    # indexes built on first use, so a lookup costs the same in a 10,000-subnet estate (a
    # frozen dataclass may still cache: cached_property writes to __dict__ directly)
    @cached_property
    def _clusters(self) -> dict[str, ClusterDemand]:
        out: dict[str, ClusterDemand] = {}
        for c in self.clusters:
            out.setdefault(c.name, c)  # the first of equal names, as a scan would find
        return out

    @cached_property
    def _subnets(self) -> dict[SubnetKey, SubnetDemand]:
        out: dict[SubnetKey, SubnetDemand] = {}
        for s in self.subnets:
            out.setdefault(s.key, s)
        return out

    @cached_property
    def _pools(self) -> dict[str, tuple[PoolDemand, ...]]:
        out: dict[str, list[PoolDemand]] = {}
        for d in self.pools:
            out.setdefault(d.cluster, []).append(d)
        return {name: tuple(pools) for name, pools in out.items()}

    def problems_of(self, cluster: str, severity: Severity | None = None) -> tuple[Problem, ...]:
        """The problems that concern *cluster*: its own, its subnets' and its VNet's."""
        row = self.cluster(cluster)
        pools = self.pools_of(cluster)
        keys = {d.subnet for d in pools} | {d.pod_subnet for d in pools if d.pod_subnet}
        return tuple(
            p
            for p in self.problems
            if (severity is None or p.severity is severity)
            and (
                p.cluster == cluster
                or p.subnet in keys
                or (p.vnet is not None and p.vnet == row.vnet)
            )
        )


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
    s = surge_nodes(n, pool.max_surge, pool.upgrade, pool.priority)
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
        # a pool that names no pod subnet gets its cluster's unsized one (a comparison)
        pod_subnet = pool.pod_subnet or SubnetKey(pool.subnet.vnet, "pods", for_cluster=cluster)
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
        max_pods_default=pool.max_pods is None,
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
    """The largest n in [0, high] with fits(n), for a fits that turns false once and holds
    at 0 (the caller checks 0 first: no n holding is no room, never a count)."""
    low = 0
    while low < high:  # binary search: O(log high) evaluations, never a scan
        mid = (low + high + 1) // 2
        if fits(mid):
            low = mid
        else:
            high = mid - 1
    return low


def _tightest(limits: Sequence[Callable[[int], bool]], high: int) -> tuple[int | None, int]:
    """The largest n in [0, high] that all of *limits* allow, and the index of the first limit
    that binds there: ``min((_largest(f, high), i) for i, f in enumerate(limits))``. When some
    limit fails at 0 already no n is allowed: (None, the first limit that fails at 0).

    Each limit turns false once as n grows, so the largest n all allow is the smallest of
    each one's largest: one binary search over all of them, not one per limit.

    >>> _tightest([lambda n: n <= 5, lambda n: n <= 3], 10)
    (3, 1)
    >>> _tightest([lambda n: n <= 5, lambda n: 4 + n <= 3, lambda n: False], 10)
    (None, 1)
    """
    broken = next((i for i, fits in enumerate(limits) if not fits(0)), None)
    if broken is not None:
        return None, broken
    best = _largest(lambda n: all(fits(n) for fits in limits), high)
    return best, next(i for i, fits in enumerate(limits) if _largest_is(fits, best, high))


def _largest_is(fits: Callable[[int], bool], n: int, high: int) -> bool:
    """Whether ``_largest(fits, high) == n``, in one call of *fits*, for an *n* that *fits*
    allows and no larger than its largest: *fits* fails just above it."""
    return n == high or not fits(n + 1)


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
) -> dict[SubnetKey, list[_Use]]:
    """Every subnet's consumers (rule A3): nodes, pods, and the other consumers."""
    uses: dict[SubnetKey, list[_Use]] = {}
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
        extra = cluster.other_ips
        if extra and cluster.node_pools:
            uses[cluster.node_pools[0].subnet].append(_Use(extra, extra, "other"))
        for key, ips in cluster.elsewhere():
            uses.setdefault(key, []).append(_Use(ips, ips, "other"))
    return uses


def _subnet_demand(key: SubnetKey, subnet: Subnet, uses: Sequence[_Use]) -> SubnetDemand:
    kinds = {u.kind for u in uses}
    now = subnet.other_ips + sum(u.now for u in uses)
    peak = subnet.other_ips + sum(u.peak for u in uses)
    role = (
        Role.NODE if "node" in kinds else Role.POD if kinds & {"static", "dynamic"} else Role.OTHER
    )
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
        key=key,
        role=role,
        now_ips=now,
        peak_ips=peak,
        min_prefixlen=min_p,
        prefixlen=subnet.prefixlen,
        usable_ips=usable,
        utilization_pct=None if not usable else round(100 * peak / usable, 1),
        headroom_ips=None if usable is None else usable - peak,
        room=None,
        static="static" in kinds,
    )


def _pool_problems(
    cluster: Cluster, network: Network, pools: Sequence[PoolDemand]
) -> list[Problem]:
    """The rulebook's pool and cluster rules for one cluster under *network*."""
    out: list[Problem] = []
    for pool, d in zip(cluster.node_pools, pools, strict=True):
        for v in pool_violations(
            f"pool {d.label}",
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
            upgrade=pool.upgrade,
            priority=pool.priority,
        ):
            out.append(Problem(network, v.rule, v.message, v.fix, v.severity, cluster.name))
    for v in cluster_violations(
        cluster.name,
        network=network,
        dataplane=cluster.dataplane,
        pools=len(pools),
        planning_nodes=sum(d.planning_nodes for d in pools),
        peak_nodes=sum(d.peak_nodes for d in pools),
        internal_lbs=cluster.internal_lbs,
    ):
        out.append(Problem(network, v.rule, v.message, v.fix, v.severity, cluster.name))
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
    """Private IPs at peak per VNet; a static /28 block counts as one (rule A15)."""
    totals: dict[str, int] = {}
    for sd in subnets:
        ips = -(-sd.peak_ips // STATIC_BLOCK_IPS) if sd.static else sd.peak_ips
        totals[sd.vnet] = totals.get(sd.vnet, 0) + ips
    return totals


def growth_pool(pools: Sequence[NodePool]) -> int | None:
    """The index of the pool growth lands on (rule A18): the user pool with the most planning
    nodes, the first on ties. Without any ``mode`` the first pool is the system pool; once some
    pool says its mode, the pools that don't are user pools; a lone pool grows itself.

    >>> k = SubnetKey("v", "s")
    >>> growth_pool([NodePool("system", 3, k), NodePool("a", 20, k), NodePool("b", 20, k)])
    1
    >>> growth_pool([NodePool("big", 30, k, mode=Mode.SYSTEM), NodePool("small", 5, k)])
    1
    """
    if not pools:
        return None
    users = [i for i in range(len(pools)) if _is_user(pools, i)]
    candidates = users or list(range(len(pools)))
    return max(candidates, key=lambda i: (planning_nodes(pools[i]), -i))


#: one evaluate's room searches, by (id of the cluster, grown pool): a subnet's room grows the
#: same pool of the same cluster as the cluster's room does, so the search is done once
_Searched = dict[tuple[int, int], tuple[int | None, ResourceKind, str]]


def evaluate(
    clusters: Sequence[Cluster],
    subnets: Mapping[SubnetKey, Subnet] | None = None,
    network: Network | None = None,
    limits: bool = True,
    checks: bool = True,
) -> Estimate:
    """What *clusters* consume, each under its own model or all under *network*.

    Args:
        clusters: the clusters; pools name their subnets by key.
        subnets: sizes and other users of the subnets, by key; a key the pools use but that is
            missing here is an unsized subnet (only its smallest prefix is computed).
        network: evaluate every cluster under this model instead of its own (comparison).
        limits: also find each cluster's and subnet's room to grow (rule A18): most of the
            cost; a month-by-month forecast does without.
        checks: also check every rule (the estimate's ``problems``); a forecast's later months
            only measure, so they do without (their problems would be left empty).
    """
    subnets = dict(subnets or {})
    clusters = [
        c if network is None or c.network is network else replace(c, network=network)
        for c in clusters
    ]
    demands = [[pool_demand(c.name, p, c.network) for p in c.node_pools] for c in clusters]
    uses = _uses(clusters, demands)
    for key in uses:
        subnets.setdefault(key, Subnet(key))
    subnet_rows = {
        key: _subnet_demand(key, subnets[key], uses.get(key, [])) for key in sorted(subnets)
    }
    vnet_ips = vnet_private_ips(subnet_rows.values())
    problems: list[Problem] = []
    cluster_rows: list[ClusterDemand] = []
    searched: _Searched = {}
    for cluster, pools in zip(clusters, demands, strict=True):
        if checks:
            problems += _pool_problems(cluster, cluster.network, pools)
            problems += _pod_cidr_problems(cluster, pools)
            problems += _static_problems(cluster, pools, subnet_rows)
        room = None
        index = growth_pool(cluster.node_pools) if limits else None
        if index is not None:
            room = _room(cluster, pools, range(len(pools)), index, subnet_rows, vnet_ips, searched)
        cluster_rows.append(_cluster_demand(cluster, pools, room))
    # each subnet's pools (cluster index, pool index), found in one pass over the pools, not
    # one pass per subnet
    members: dict[SubnetKey, list[tuple[int, int]]] = {}
    for ci, pools in enumerate(demands):
        for i, d in enumerate(pools):
            for used in dict.fromkeys((d.subnet, d.pod_subnet)):
                if used is not None:
                    members.setdefault(used, []).append((ci, i))
    if limits:
        for key, found in members.items():
            if key in subnet_rows:
                room = _subnet_room(found, clusters, demands, subnet_rows, vnet_ips, searched)
                subnet_rows[key] = replace(subnet_rows[key], room=room)
    for sd in subnet_rows.values() if checks else ():
        if clusters and sd.usable_ips is not None and sd.peak_ips > sd.usable_ips:
            mine = members.get(sd.key, [])
            first = clusters[mine[0][0]] if mine else None
            net = clusters[0].network if first is None else first.network
            owner = "" if first is None else first.name
            shared = len({ci for ci, _ in mine})
            rule = "A9" if sd.static else "A8" if sd.role is Role.POD else "A3"
            problems.append(
                Problem(
                    net,
                    rule,
                    f"{sd.role} subnet {_label(sd)} needs {sd.peak_ips:,} IPs at peak",
                    f"use a /{sd.min_prefixlen} or larger, or fewer nodes or max pods",
                    cluster=owner if shared == 1 else "",
                    subnet=sd.key,
                )
            )
    for vnet, ips in sorted(vnet_ips.items()) if checks else ():
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
                    "A15",
                    f"VNet {vnet or '(cluster)'} "
                    f"needs {ips:,} private IPs, above Azure's {VNET_MAX_IPS:,} per VNet",
                    fix,
                    vnet=vnet,
                )
            )
    return Estimate(
        pools=tuple(d for pools in demands for d in pools),
        subnets=tuple(subnet_rows.values()),
        clusters=tuple(cluster_rows),
        problems=tuple(problems),
    )


def _pod_cidr_problems(cluster: Cluster, pools: Sequence[PoolDemand]) -> list[Problem]:
    """Rule A6: one /24 of the pod CIDR per node at peak."""
    if cluster.network not in POD_CIDR_NETWORKS:
        return []
    prefixlen = cluster.pod_cidr_prefixlen or DEFAULT_POD_CIDR_PREFIXLEN
    peak = sum(d.peak_nodes for d in pools)
    need = pod_cidr_min_prefixlen(peak)
    if prefixlen > POD_CIDR_NODE_PREFIXLEN:
        message = f"{cluster.name}: pod CIDR /{prefixlen} is smaller than the /24 each node takes"
    elif peak > pod_cidr_nodes(prefixlen):
        message = (
            f"{cluster.name}: pod CIDR /{prefixlen} holds {pod_cidr_nodes(prefixlen):,} nodes "
            f"(one /24 each), {peak:,} needed at peak"
        )
    else:
        return []
    return [
        Problem(cluster.network, "A6", message, f"use a /{need} or larger", cluster=cluster.name)
    ]


def _static_problems(
    cluster: Cluster, pools: Sequence[PoolDemand], subnet_rows: Mapping[SubnetKey, SubnetDemand]
) -> list[Problem]:
    """Rule A9: a static pod subnet is a /12 to a /28."""
    out = []
    for key in dict.fromkeys(d.pod_subnet for d in pools if d.static_blocks is not None):
        sd = subnet_rows[key] if key is not None else None
        if sd is None or sd.prefixlen is None:
            continue
        if not STATIC_MIN_PREFIXLEN <= sd.prefixlen <= STATIC_MAX_PREFIXLEN:
            out.append(
                Problem(
                    cluster.network,
                    "A9",
                    f"static pod subnet {sd.key} is a /{sd.prefixlen}; static block allocation "
                    f"needs /{STATIC_MIN_PREFIXLEN} to /{STATIC_MAX_PREFIXLEN}",
                    f"use a /{max(sd.min_prefixlen, STATIC_MIN_PREFIXLEN)}",
                    cluster=cluster.name,
                    subnet=sd.key,
                )
            )
    return out


def _cluster_demand(
    cluster: Cluster, pools: Sequence[PoolDemand], room: Room | None
) -> ClusterDemand:
    """A cluster's totals and its pod CIDR (rule A6)."""
    network = cluster.network
    peak = sum(d.peak_nodes for d in pools)
    cidr_prefixlen = cidr_min = cidr_nodes = None
    if network in POD_CIDR_NETWORKS:
        cidr_prefixlen = cluster.pod_cidr_prefixlen or DEFAULT_POD_CIDR_PREFIXLEN
        cidr_min = pod_cidr_min_prefixlen(peak)
        cidr_nodes = (
            0 if cidr_prefixlen > POD_CIDR_NODE_PREFIXLEN else pod_cidr_nodes(cidr_prefixlen)
        )
    pod_ips = [d.pod_subnet_ips for d in pools if d.pod_subnet_ips is not None]
    others = cluster.other_ips if pools else 0
    api = sum(ips for _, ips in cluster.elsewhere())
    return ClusterDemand(
        name=cluster.name,
        network=network,
        dataplane=cluster.dataplane,
        vnet=cluster.vnet,
        pools=len(pools),
        nodes=sum(d.nodes for d in pools),
        planning_nodes=sum(d.planning_nodes for d in pools),
        peak_nodes=peak,
        max_pods_total=sum(d.max_pods_total for d in pools),
        node_subnet_ips=sum(d.node_subnet_ips for d in pools),
        pod_subnet_ips=sum(pod_ips) if pod_ips else None,
        vnet_ips=sum(d.vnet_ips for d in pools) + others + api,
        pod_cidr_prefixlen=cidr_prefixlen,
        pod_cidr_min_prefixlen=cidr_min,
        pod_cidr_max_nodes=cidr_nodes,
        route_limit=KUBENET_MAX_NODES if network is Network.KUBENET else None,
        service_ips=max(cluster.service_cidr_size - SERVICE_CIDR_RESERVED, 0),
        node_port_limit=NODE_PORT_LIMIT,
        lb_service_limit=LB_SERVICE_LIMIT,
        room=room,
    )


def _label(demand: SubnetDemand) -> str:
    """``v/nodes (/21, 2,043 usable IPs)``; the prefix is left out when the name already has it."""
    size = f"{demand.usable_ips:,} usable IPs"
    if str(demand.key).endswith(f"/{demand.prefixlen}"):
        return f"{demand.key} ({size})"
    return f"{demand.key} (/{demand.prefixlen}, {size})"


def _subnet_room(
    found: Sequence[tuple[int, int]],
    clusters: Sequence[Cluster],
    demands: Sequence[Sequence[PoolDemand]],
    subnet_rows: Mapping[SubnetKey, SubnetDemand],
    vnet_ips: Mapping[str, int],
    searched: _Searched,
) -> Room:
    """Room to grow of the pools in one subnet (rule A18), *found* as (cluster index, pool
    index) in order: the same search as a cluster's, its growth pool chosen among them."""
    members = [(clusters[ci], i, ci) for ci, i in found]
    users = [m for m in members if _is_user(m[0].node_pools, m[1])]
    pick = max(users or members, key=lambda m: planning_nodes(m[0].node_pools[m[1]]))
    # max() keeps the first of equals, so ties go to the first listed (rule A18)
    cluster, index, ci = pick
    pools = demands[ci]  # cluster names are unique (the scenario checks them)
    here = [i for c, i, _ in members if c is cluster]
    others = sum(planning_nodes(c.node_pools[i]) for c, i, _ in members if c is not cluster)
    room = _room(cluster, pools, here, index, subnet_rows, vnet_ips, searched)
    return room if room.nodes is None else replace(room, nodes=room.nodes + others)


def _is_user(pools: Sequence[NodePool], index: int) -> bool:
    """Whether pool *index* of a cluster's *pools* is a user pool (rule A18)."""
    if any(p.mode is not None for p in pools):
        return pools[index].mode is not Mode.SYSTEM
    return index > 0 or len(pools) == 1


def _room(
    cluster: Cluster,
    pools: Sequence[PoolDemand],
    counted: Sequence[int],
    grown: int,
    subnet_rows: Mapping[SubnetKey, SubnetDemand],
    vnet_ips: Mapping[str, int],
    searched: _Searched,
) -> Room:
    """Grow pool *grown* of *cluster* until one of its model's limits binds (rule A18); the
    other pools stay as planned. ``nodes`` counts the planning nodes of the pools in *counted*
    (the whole cluster, or the pools in one subnet) with the grown pool at its largest count;
    no count at all (None) when a limit is broken already with the grown pool at 0."""
    key = (id(cluster), grown)
    if key not in searched:
        searched[key] = _search(cluster, pools, grown, subnet_rows, vnet_ips)
    best, kind, words = searched[key]
    counted_others = sum(pools[i].planning_nodes for i in counted if i != grown)
    return Room(
        nodes=None if best is None else counted_others + best,
        growth_pool=pools[grown].label,
        growth_pool_nodes=best,
        limit=kind,
        limited_by=words,
    )


def _search(
    cluster: Cluster,
    pools: Sequence[PoolDemand],
    grown: int,
    subnet_rows: Mapping[SubnetKey, SubnetDemand],
    vnet_ips: Mapping[str, int],
) -> tuple[int | None, ResourceKind, str]:
    """The largest count of pool *grown* within every limit, and the limit that binds first;
    None, and the limit broken, when one is broken already with the pool at 0 (no room)."""
    pool, base = cluster.node_pools[grown], pools[grown]

    @cache  # the limits' binary searches probe many of the same counts (0 and the midpoints)
    def at(n: int) -> PoolDemand:
        return pool_demand(cluster.name, _with_nodes(pool, n), cluster.network)

    others_peak = sum(d.peak_nodes for d in pools) - base.peak_nodes
    others_planned = sum(d.planning_nodes for d in pools) - base.planning_nodes
    vnet_now = vnet_ips.get(cluster.vnet, 0)
    limits: list[tuple[ResourceKind, str, Callable[[int], bool]]] = []
    node_sd = subnet_rows[base.subnet]
    if node_sd.usable_ips is not None:
        limits.append(
            (
                ResourceKind.NODE_SUBNET,
                f"node subnet {_label(node_sd)}",
                lambda n: _subnet_fits(node_sd, at(n).node_subnet_ips - base.node_subnet_ips),
            )
        )
    if base.pod_subnet is not None and subnet_rows[base.pod_subnet].usable_ips is not None:
        pod_sd = subnet_rows[base.pod_subnet]
        limits.append(
            (
                ResourceKind.POD_SUBNET,
                f"pod subnet {_label(pod_sd)}",
                lambda n: _subnet_fits(
                    pod_sd, (at(n).pod_subnet_ips or 0) - (base.pod_subnet_ips or 0)
                ),
            )
        )
    if cluster.network in POD_CIDR_NETWORKS:
        prefixlen = cluster.pod_cidr_prefixlen or DEFAULT_POD_CIDR_PREFIXLEN
        cidr_nodes = 0 if prefixlen > POD_CIDR_NODE_PREFIXLEN else pod_cidr_nodes(prefixlen)
        limits.append(
            (
                ResourceKind.POD_CIDR,
                f"pod CIDR /{prefixlen} ({cidr_nodes:,} nodes at one /24 each)",
                lambda n: others_peak + at(n).peak_nodes <= cidr_nodes,
            )
        )
    if cluster.network is Network.KUBENET:
        limits.append(
            (
                ResourceKind.KUBENET_ROUTES,
                f"kubenet route table ({KUBENET_MAX_NODES} routes)",
                lambda n: others_peak + at(n).peak_nodes <= KUBENET_MAX_NODES,
            )
        )
    limits.append(
        (
            ResourceKind.VNET_IPS,
            f"VNet {cluster.vnet} private IPs ({VNET_MAX_IPS:,})"
            if cluster.vnet
            else f"VNet private IPs ({VNET_MAX_IPS:,})",
            lambda n: vnet_now + at(n).vnet_ips - base.vnet_ips <= VNET_MAX_IPS,
        )
    )
    limits.append(
        (
            ResourceKind.POOL_NODES,
            f"AKS nodes per pool ({POOL_MAX_NODES:,} with surge)",
            lambda n: at(n).peak_nodes <= POOL_MAX_NODES,
        )
    )
    limits.append(
        (
            ResourceKind.CLUSTER_NODES,
            f"AKS nodes per cluster ({CLUSTER_MAX_NODES:,})",
            lambda n: others_planned + n <= CLUSTER_MAX_NODES,
        )
    )
    # the pool-nodes limit fails past POOL_MAX_NODES whatever the rest (peak >= nodes), so the
    # search ends there: three probes fewer than at the cluster's CLUSTER_MAX_NODES, the same room
    best, which = _tightest([fits for _, _, fits in limits], POOL_MAX_NODES + 1)
    kind, words, _ = limits[which]
    return best, kind, words


@dataclass(frozen=True)
class Comparison:
    """One cluster under one network model: the row of ``ipplan compare`` and comparison.csv."""

    cluster: str
    network: Network
    nodes: int  # planning nodes in all
    surge_nodes: int
    peak_nodes: int
    max_pods: int | None  # the largest P of its pools under this model
    max_pods_default: bool  # some pool runs this model's default P (it sets no max_pods; A20)
    max_pods_by_pool: str  # the P each pool runs, in words (rule A20): "30" or "system 110, ..."
    node_subnet_ips: int
    node_subnet_min_prefix: int | None
    pod_subnet_ips: int | None
    pod_subnet_min_prefix: int | None
    pod_cidr_min_prefix: int | None
    vnet_ips: int
    max_pods_total: int
    subnet_utilization_pct: float | None  # the first pool's node subnet at peak
    room_nodes: int | None  # rule A18: the cluster's nodes with its growth pool grown; None
    # when not computed, or when there is no room (room_limited_by then names the broken limit)
    room_growth_pool: str | None
    room_growth_pool_nodes: int | None
    room_limited_by: str | None
    feasible: bool
    problems: str
    warnings: str


#: the columns of a comparison row, in order (``ipplan compare`` and comparison.csv)
COMPARISON_COLUMNS = tuple(f.name for f in fields(Comparison))


def max_pods_by_pool(pools: Sequence[PoolDemand], network: Network) -> str:
    """The max pods each pool runs under *network*, in words (rule A20): one number when every
    pool runs the same, else each pool's, those on the model's default said so: ``30
    (azure-cni's default)``, ``system 110, user 30 (azure-cni's default)``.
    """
    groups: dict[tuple[int, bool], list[str]] = {}
    for d in pools:
        groups.setdefault((d.max_pods, d.max_pods_default), []).append(d.pool)
    default = f" ({network}'s default)"
    if len(groups) == 1:
        ((pods, is_default),) = groups
        return f"{pods}{default if is_default else ''}"
    return ", ".join(
        f"{' and '.join(names)} {pods}{default if is_default else ''}"
        for (pods, is_default), names in groups.items()
    )


def comparison(estimate: Estimate, cluster: str) -> Comparison:
    """One cluster of *estimate* as a comparison row."""
    row = estimate.cluster(cluster)
    pools = estimate.pools_of(cluster)
    node_subnets = [estimate.subnet(k) for k in dict.fromkeys(d.subnet for d in pools)]
    pod_keys = dict.fromkeys(d.pod_subnet for d in pools if d.pod_subnet)
    pod_subnets = [estimate.subnet(k) for k in pod_keys if k is not None]
    mine = estimate.problems_of(cluster)
    first = node_subnets[0] if node_subnets else None
    room = row.room
    errors = [p for p in mine if p.severity is Severity.ERROR]
    return Comparison(
        cluster=cluster,
        network=row.network,
        nodes=row.planning_nodes,
        surge_nodes=sum(d.surge_nodes for d in pools),
        peak_nodes=row.peak_nodes,
        max_pods=max((d.max_pods for d in pools), default=None),
        max_pods_default=any(d.max_pods_default for d in pools),
        max_pods_by_pool=max_pods_by_pool(pools, row.network),
        node_subnet_ips=sum(s.peak_ips for s in node_subnets),
        node_subnet_min_prefix=min((s.min_prefixlen for s in node_subnets), default=None),
        pod_subnet_ips=sum(s.peak_ips for s in pod_subnets) if pod_subnets else None,
        pod_subnet_min_prefix=min((s.min_prefixlen for s in pod_subnets), default=None),
        pod_cidr_min_prefix=row.pod_cidr_min_prefixlen,
        vnet_ips=row.vnet_ips,
        max_pods_total=row.max_pods_total,
        subnet_utilization_pct=None if first is None else first.utilization_pct,
        room_nodes=None if room is None else room.nodes,
        room_growth_pool=None if room is None else room.growth_pool,
        room_growth_pool_nodes=None if room is None else room.growth_pool_nodes,
        room_limited_by=None if room is None else room.limited_by,
        feasible=not errors,
        # each with its rule, as every line and cell that says a problem cites it
        problems="; ".join(f"{p.message}; {p.fix} ({cite([p.rule])})" for p in errors),
        warnings="; ".join(
            f"{p.message}; {p.fix} ({cite([p.rule])})"
            for p in mine
            if p.severity is Severity.WARNING
        ),
    )
