"""Where each number of a plan comes from: formula, inputs, rule and result, as typed values.

Nothing here computes a capacity number of its own. Every result is a field the capacity model
(:mod:`ipplan.core.capacity`) or the forecast already computed, and the inputs are the values it
was computed from; a formula that appears here as text is the one that function applies. If a
number were computed twice, the two could drift apart: that is the bug this module avoids. The
CLI (``ipplan explain``) and the summary only render what :func:`explain` returns.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from ipplan.core.capacity import (
    Cluster,
    ClusterDemand,
    Estimate,
    Growth,
    NodePool,
    PoolDemand,
    Room,
    SubnetDemand,
    evaluate,
    planning_nodes,
    static_blocks,
    static_capacity_blocks,
    usable_ips,
)
from ipplan.core.forecast import Series
from ipplan.core.keys import ResourceKind, Role, SubnetKey
from ipplan.core.plan import Plan, grown_cluster
from ipplan.errors import ScenarioError
from ipplan.rules import (
    API_SERVER_SUBNET_IPS,
    CLUSTER_MAX_NODES,
    KUBENET_MAX_NODES,
    KUBENET_RETIREMENT,
    POD_IP_BATCH,
    POOL_MAX_NODES,
    SERVICE_CIDR_RESERVED,
    SMALLEST_SUBNET_PREFIXLEN,
    STATIC_BLOCK_IPS,
    VNET_MAX_IPS,
    Network,
)

__all__ = ["RULES_DOC", "Explanation", "Input", "Section", "Step", "explain", "show"]

#: the project's rules document; a rule id A7 is its anchor ``#a7`` (rule A26)
RULES_DOC = "docs/rules.md"

Number = int | float | str

#: the rule each forecast resource rests on
_RESOURCE_RULES: dict[ResourceKind, str] = {
    ResourceKind.NODE_SUBNET: "A3",
    ResourceKind.POD_SUBNET: "A8",
    ResourceKind.POD_CIDR: "A6",
    ResourceKind.VNET_IPS: "A15",
    ResourceKind.KUBENET_ROUTES: "A7",
    ResourceKind.CLUSTER_NODES: "A10",
    ResourceKind.POOL_NODES: "A10",
    ResourceKind.RETIREMENT: "A21",
}


#: a unit for a count of one
_SINGULAR = {"nodes": "node", "IPs": "IP", "routes": "route", "blocks": "block"}


def show(value: Number, unit: str = "") -> str:
    """*value* for people, with thousands separators and its *unit*, singular for one.

    >>> show(1019, "IPs"), show(1, "pods per node"), show("/26")
    ('1,019 IPs', '1 pod per node', '/26')
    """
    text = f"{value:,}" if isinstance(value, int) and not isinstance(value, bool) else str(value)
    if not unit:
        return text
    first, _, rest = unit.partition(" ")
    if value == 1:
        first = _SINGULAR.get(first, first.removesuffix("s"))
    return " ".join(w for w in (text, first, rest) if w)


@dataclass(frozen=True)
class Input:
    """One value put into a formula: its symbol or name, and its value."""

    name: str
    value: Number


@dataclass(frozen=True)
class Step:
    """One number of the plan: what it is, the formula, the values put in, the rule, the result."""

    what: str
    formula: str
    inputs: tuple[Input, ...]
    rule: str  # the rule id in docs/rules.md, e.g. "A4"
    result: Number
    unit: str = ""  # "IPs", "nodes", ... ("" for a prefix, a month or words)

    @property
    def shown(self) -> str:
        """The result for people: ``1,019 IPs``, ``1 node``, ``/26``.

        >>> Step("S", "S = min(k, N)", (), "A1", 1, "nodes").shown
        '1 node'
        """
        return show(self.result, self.unit)

    @property
    def link(self) -> str:
        """The rule's anchor in the rules document: ``docs/rules.md#a4``."""
        return f"{RULES_DOC}#{self.rule.lower()}"


@dataclass(frozen=True)
class Section:
    """A group of steps about one thing: a pool, a subnet, the cluster, room, the forecast."""

    title: str
    steps: tuple[Step, ...]


@dataclass(frozen=True)
class Explanation:
    """The numbers of one cluster or one subnet under one model, at one month."""

    subject: str  # "cluster example-aks" or "subnet spoke/aks-nodes"
    model: str  # the network model (or models) the numbers are under
    month: str  # "YYYY-MM": the forecast month the node counts are taken at
    sections: tuple[Section, ...]


def _pool_section(pool: PoolDemand, spec: NodePool, months: Sequence[str], month: int) -> Section:
    """N, S, M, P (and U) of one pool, and the IPs it takes (rules A1-A3, A8, A9).

    *spec* is the pool as the scenario says it (never grown): its ``nodes`` and ``max_nodes``
    are the inputs of N. At a later *month* (an index into *months*) a pool that grows gets
    a second, derived step: N grown to that month, the N every later step uses."""
    surge = spec.max_surge
    g = spec.growth
    grows = month > 0 and g is not None and bool(g.nodes_per_month or g.percent_per_month)
    start = planning_nodes(spec)
    steps = [
        Step(
            f"planning nodes N in {months[0]} (as the scenario says)"
            if grows
            else "planning nodes N",
            "N = max_nodes when set, else nodes",
            (
                Input("nodes", spec.nodes),
                Input("max_nodes", "not set" if spec.max_nodes is None else spec.max_nodes),
            ),
            "A3",
            start if grows else pool.planning_nodes,
            "nodes",
        )
    ]
    if grows and g is not None:
        steps.append(
            Step(
                f"planning nodes N in {months[month]} (grown)",
                _growth_formula(g),
                (
                    Input(f"N in {months[0]}", start),
                    Input("growth", _growth_words(g)),
                    Input("months m", month),
                ),
                "A3",
                pool.planning_nodes,
                "nodes",
            )
        )
    steps += [
        Step(
            "surge nodes S",
            "S = min(⌈N · q / 100⌉, N)" if surge.percent else "S = min(k, N)",
            (Input("N", pool.planning_nodes), Input("max_surge", str(surge))),
            "A1",
            pool.surge_nodes,
            "nodes",
        ),
        Step(
            "peak nodes M",
            "M = N + S",
            (Input("N", pool.planning_nodes), Input("S", pool.surge_nodes)),
            "A1",
            pool.peak_nodes,
            "nodes",
        ),
        Step(
            "max pods P",
            f"P = max_pods, else the {pool.network} default",
            (Input("max_pods", "not set" if pool.max_pods_default else pool.max_pods),),
            "A20" if pool.max_pods_default else "A2",
            pool.max_pods,
            "pods per node",
        ),
    ]
    if pool.network is Network.AZURE_CNI:
        steps.append(
            Step(
                f"node subnet IPs of {pool.label}",
                "M · (1 + P): P pod IPs reserved up front on every node",
                (Input("M", pool.peak_nodes), Input("P", pool.max_pods)),
                "A3",
                pool.node_subnet_ips,
                "IPs",
            )
        )
    else:
        steps.append(
            Step(
                f"node subnet IPs of {pool.label}",
                "M: one IP per node",
                (Input("M", pool.peak_nodes),),
                "A3",
                pool.node_subnet_ips,
                "IPs",
            )
        )
    if pool.pod_ips_per_node is not None and pool.static_blocks is None:
        steps.append(
            Step(
                "pod subnet IPs per node",
                f"max({POD_IP_BATCH}, min({POD_IP_BATCH} · ⌈0.5 + U / {POD_IP_BATCH}⌉, P))",
                (Input("U", pool.pods_in_use), Input("P", pool.max_pods)),
                "A8",
                pool.pod_ips_per_node,
                "IPs",
            )
        )
        steps.append(
            Step(
                f"pod subnet IPs of {pool.label}",
                "M · IPs per node",
                (Input("M", pool.peak_nodes), Input("IPs per node", pool.pod_ips_per_node)),
                "A8",
                pool.pod_subnet_ips or 0,
                "IPs",
            )
        )
    elif pool.static_blocks is not None:
        per_node = static_blocks(pool.max_pods)
        steps.append(
            Step(
                "/28 blocks per node b",
                f"b = ⌈(P + 1) / {STATIC_BLOCK_IPS}⌉",
                (Input("P", pool.max_pods),),
                "A9",
                per_node,
                "blocks",
            )
        )
        steps.append(
            Step(
                f"pod subnet IPs of {pool.label}",
                f"M · {STATIC_BLOCK_IPS} · b",
                (Input("M", pool.peak_nodes), Input("b", per_node)),
                "A9",
                pool.pod_subnet_ips or 0,
                "IPs",
            )
        )
    return Section(f"node pool {pool.label} ({pool.network})", tuple(steps))


def _subnet_section(
    key: SubnetKey, estimate: Estimate, clusters: Sequence[Cluster], used_ips: int
) -> Section:
    """What subnet *key* must hold, its smallest prefix, its use and its room (A3, A4, A9)."""
    sd = estimate.subnet(key)
    parts: list[Input] = []
    for d in estimate.pools:
        if d.subnet == key:
            parts.append(Input(f"{d.label} node IPs at peak", d.node_subnet_ips))
        if d.pod_subnet == key and d.pod_subnet_ips is not None:
            parts.append(Input(f"{d.label} pod IPs at peak", d.pod_subnet_ips))
    for c in clusters:
        if c.node_pools and c.node_pools[0].subnet == key and c.other_ips:
            parts.append(
                Input(
                    f"X: {c.name}'s internal LB frontends, private endpoints, private API",
                    c.other_ips,
                )
            )
        if c.api_server_subnet == key:
            parts.append(Input(f"{c.name}'s API server VNet integration", API_SERVER_SUBNET_IPS))
    if used_ips:
        parts.append(Input("used_ips (used by things ipplan does not model)", used_ips))
    steps = [
        Step(
            f"peak IPs of {sd.role} subnet {key}",
            "Σ peak IPs of its pools + X + used_ips",
            tuple(parts),
            "A9" if sd.static else "A8" if sd.role is Role.POD else "A3",
            sd.peak_ips,
            "IPs",
        )
    ]
    steps.append(_smallest(sd))
    if sd.prefixlen is not None and sd.usable_ips is not None:
        if sd.static:
            steps.append(
                Step(
                    "usable IPs",
                    f"{STATIC_BLOCK_IPS} · (2^(28 − p) − 2): /28 blocks, first and last reserved",
                    (Input("p", sd.prefixlen),),
                    "A9",
                    sd.usable_ips,
                    "IPs",
                )
            )
        else:
            steps.append(
                Step(
                    "usable IPs",
                    "usable(p) = 2^(32 − p) − 5: Azure reserves 5 addresses",
                    (Input("p", sd.prefixlen),),
                    "A4",
                    sd.usable_ips,
                    "IPs",
                )
            )
        steps.append(
            Step(
                "utilization at peak",
                "100 · peak / usable, one decimal",
                (Input("peak", sd.peak_ips), Input("usable", sd.usable_ips)),
                "A3",
                f"{sd.utilization_pct}%",
            )
        )
        if sd.headroom_ips is not None:
            steps.append(
                Step(
                    "headroom",
                    "usable − peak",
                    (Input("usable", sd.usable_ips), Input("peak", sd.peak_ips)),
                    "A3",
                    sd.headroom_ips,
                    "IPs",
                )
            )
    if sd.room is not None:
        steps += _room_steps(sd.room, f"the pools in {key}")
    return Section(f"subnet {key}", tuple(steps))


def _smallest(sd: SubnetDemand) -> Step:
    """Why the smallest prefix is what it is: it holds the peak, one bit longer does not."""
    p = sd.min_prefixlen
    if sd.static:
        blocks = -(-sd.peak_ips // STATIC_BLOCK_IPS)
        inputs = [Input("blocks needed", blocks), Input(f"blocks(/{p})", static_capacity_blocks(p))]
        if p < 28:
            inputs.append(Input(f"blocks(/{p + 1})", static_capacity_blocks(p + 1)))
        return Step(
            "smallest prefix",
            "the longest p ≤ /28 with 2^(28 − p) − 2 ≥ blocks needed",
            tuple(inputs),
            "A9",
            f"/{p}",
        )
    inputs = [Input("R (peak IPs)", sd.peak_ips), Input(f"usable(/{p})", usable_ips(p))]
    if p < SMALLEST_SUBNET_PREFIXLEN:
        inputs.append(Input(f"usable(/{p + 1})", usable_ips(p + 1)))
    return Step(
        "smallest prefix",
        f"the longest p ≤ /{SMALLEST_SUBNET_PREFIXLEN} with usable(p) = 2^(32 − p) − 5 ≥ R",
        tuple(inputs),
        "A4",
        f"/{p}",
    )


def _room_steps(room: Room, whose: str) -> list[Step]:
    """Room to grow (rule A18): the growth pool's largest count, and the limit that binds;
    or, when that limit is broken already with the growth pool at 0, that there is none."""
    if room.nodes is None or room.growth_pool_nodes is None:
        return [
            Step(
                f"room to grow of {whose}",
                "largest planning count of the growth pool with every limit holding, the other "
                "pools as planned: none, a limit is broken with the growth pool at 0 nodes",
                (Input("growth pool", room.growth_pool), Input("tried at", "0 nodes")),
                "A18",
                room.text,
            ),
            Step(
                "limit already broken",
                f"at 0 nodes in {room.growth_pool} this limit is exceeded already: the other "
                "pools and consumers alone break it",
                (Input("limit", str(room.limit)),),
                "A18",
                room.limited_by,
            ),
        ]
    return [
        Step(
            f"room to grow of {whose}",
            "largest planning count of the growth pool with every limit holding, the other "
            "pools as planned; room = the other pools' N + that count",
            (
                Input("growth pool", room.growth_pool),
                Input("its largest planning nodes", room.growth_pool_nodes),
            ),
            "A18",
            room.nodes,
            "nodes",
        ),
        Step(
            "limit that binds room to grow",
            f"at {room.growth_pool_nodes + 1:,} nodes in {room.growth_pool} this limit breaks "
            "first",
            (Input("limit", str(room.limit)),),
            "A18",
            room.limited_by,
        ),
    ]


def _cluster_section(cd: ClusterDemand, pools: Sequence[PoolDemand], cluster: Cluster) -> Section:
    """The cluster's totals and its limits (rules A6, A7, A10, A11, A15)."""
    steps = [
        Step(
            "planning nodes Σ N",
            f"Σ N over the pools ≤ {CLUSTER_MAX_NODES:,} per cluster",
            tuple(Input(f"N of {d.pool}", d.planning_nodes) for d in pools),
            "A10",
            cd.planning_nodes,
            "nodes",
        ),
        Step(
            "peak nodes Σ M",
            f"Σ M over the pools; each M ≤ {POOL_MAX_NODES:,} per pool",
            tuple(Input(f"M of {d.pool}", d.peak_nodes) for d in pools),
            "A10",
            cd.peak_nodes,
            "nodes",
        ),
    ]
    if cd.pod_cidr_prefixlen is not None and cd.pod_cidr_max_nodes is not None:
        steps.append(
            Step(
                "nodes the pod CIDR holds",
                "2^(24 − c): one /24 per node",
                (Input("c", cd.pod_cidr_prefixlen),),
                "A6",
                cd.pod_cidr_max_nodes,
                "nodes",
            )
        )
    if cd.pod_cidr_min_prefixlen is not None:
        steps.append(
            Step(
                "smallest pod CIDR",
                "the longest c ≤ /24 with 2^(24 − c) ≥ Σ M",
                (Input("Σ M", cd.peak_nodes),),
                "A6",
                f"/{cd.pod_cidr_min_prefixlen}",
            )
        )
    if cd.route_limit is not None:
        steps.append(
            Step(
                "kubenet routes needed",
                f"Σ M ≤ {KUBENET_MAX_NODES} routes (one per node, surge included)",
                (Input("Σ M", cd.peak_nodes), Input("route limit", cd.route_limit)),
                "A7",
                cd.peak_nodes,
                "routes",
            )
        )
    vnet_parts = [Input(f"{d.pool} private IPs", d.vnet_ips) for d in pools]
    if cluster.other_ips:
        vnet_parts.append(Input("X (other consumers)", cluster.other_ips))
    if cluster.api_server_subnet is not None:
        vnet_parts.append(Input("API server VNet integration", API_SERVER_SUBNET_IPS))
    steps.append(
        Step(
            "private VNet IPs of the cluster",
            f"Σ node IPs + VNet-routable pod IPs (a static /28 counts once) + X ≤ "
            f"{VNET_MAX_IPS:,} per VNet",
            tuple(vnet_parts),
            "A15",
            cd.vnet_ips,
            "IPs",
        )
    )
    steps.append(
        Step(
            "ClusterIPs in the service CIDR",
            f"2^(32 − p) − {SERVICE_CIDR_RESERVED}: network, broadcast, kubernetes, DNS",
            (Input("addresses", cluster.service_cidr_size),),
            "A11",
            cd.service_ips,
            "IPs",
        )
    )
    if cd.room is not None:
        steps += _room_steps(cd.room, f"cluster {cd.name}")
    return Section(f"cluster {cd.name} ({cd.network})", tuple(steps))


def _growth(clusters: Sequence[Cluster], names: Sequence[str]) -> list[Input]:
    """How the pools of *names* grow: the forecast's input."""
    out = []
    for c in clusters:
        if c.name not in names:
            continue
        for p in c.node_pools:
            g = p.growth
            if g is None or not (g.nodes_per_month or g.percent_per_month):
                continue
            out.append(Input(f"growth of {c.name}/{p.name}", _growth_words(g)))
    return out


def _growth_words(g: Growth) -> str:
    """``4% a month``, ``+1 node a month``, or both."""
    words = []
    if g.percent_per_month:
        words.append(f"{g.percent_per_month:g}% a month")
    if g.nodes_per_month:
        words.append(f"+{g.nodes_per_month:g} {_per(g.nodes_per_month)} a month")
    return " and ".join(words)


def _growth_formula(g: Growth) -> str:
    """The growth rule :func:`ipplan.core.growth.grown_nodes` applies, as text: compound first,
    then the linear nodes added."""
    compound = "⌈N · (1 + r / 100)^m⌉"
    linear = "⌊g · m⌋"
    if g.percent_per_month and g.nodes_per_month:
        return f"grown N = {compound} + {linear}, r % and g nodes a month, m months"
    if g.percent_per_month:
        return f"grown N = {compound}, r % a month, m months"
    return f"grown N = N + {linear}, g nodes a month, m months"


def _per(count: float) -> str:
    return "node" if count == 1 else "nodes"


def _forecast_section(
    series: Sequence[Series], months: Sequence[str], first: int, growth: Sequence[Input]
) -> Section:
    """When each resource runs out, and why: required against capacity month by month."""
    steps = []
    for s in series:
        if s.capacity is None:
            continue
        unit = s.resource.unit
        m = s.exhaustion_month
        if s.resource.kind is ResourceKind.RETIREMENT:
            inputs = [
                Input("support ends", KUBENET_RETIREMENT),
                Input(f"supported months from {months[0]}", s.capacity),
            ]
        else:
            inputs = [
                Input(f"capacity ({unit})", s.capacity),
                Input(f"required {months[first]}", s.required[first]),
                Input(f"required {months[-1]}", s.required[-1]),
            ]
        if m is None:
            result = f"lasts past {months[-1]}"
        elif m == 0:
            result = (
                f"short from {months[0]}: {s.required[0]:,} of {s.capacity:,} {unit} needed then"
            )
        else:
            if s.resource.kind is not ResourceKind.RETIREMENT:
                inputs.append(Input(f"required {months[m]}", s.required[m]))
            result = f"runs out {months[m]} ({show(m, 'months')} of runway)"
        if s.warn_month is not None:
            inputs.append(Input("warns from", months[s.warn_month]))
        inputs += growth
        formula = (
            "the first month past the support end"
            if s.resource.kind is ResourceKind.RETIREMENT
            else "the first month whose requirement exceeds the capacity, as the pools grow"
        )
        steps.append(
            Step(s.resource.label, formula, tuple(inputs), _RESOURCE_RULES[s.resource.kind], result)
        )
    return Section("forecast: when it runs out", tuple(steps))


def _month_index(plan: Plan, month: str | None) -> int:
    months = plan.forecast.months
    if month is None:
        return 0
    if month not in months:
        raise ScenarioError(
            f"--month: {month} is outside the planning horizon: use a month from {months[0]} "
            f"to {months[-1]} (YYYY-MM)"
        )
    return months.index(month)


def _estimate(plan: Plan, model: Network | None, month: int) -> tuple[Estimate, list[Cluster]]:
    """The estimate at *month* under *model* (None: each cluster's own); the plan's own when it
    already has it, so a number the plan shows is the number explained."""
    if month == 0:
        if model is None:
            return plan.estimate, list(plan.clusters)
        if model in plan.comparisons:
            return plan.comparisons[model], [_as(c, model) for c in plan.clusters]
    clusters = [_as(grown_cluster(c, month), model) for c in plan.clusters]
    return evaluate(clusters, plan.subnet_sizes), clusters


def _as(cluster: Cluster, model: Network | None) -> Cluster:
    return cluster if model is None else replace(cluster, network=model)


def _forecast_label(plan: Plan, model: Network | None, own: Network) -> str | None:
    """The forecast's label for *model* (None when the forecast has no such model)."""
    f = plan.forecast
    wanted = own if model is None else model
    if wanted == own and f.current not in map(str, Network):
        return f.current  # "current": the clusters use different models
    return str(wanted) if str(wanted) in f.models else None


def _choices(names: Sequence[str]) -> str:
    return ", ".join(names) if names else "(none)"


def explain(
    plan: Plan,
    cluster: str | None = None,
    subnet: SubnetKey | None = None,
    model: Network | None = None,
    month: str | None = None,
) -> tuple[Explanation, ...]:
    """The numbers of *cluster* (or *subnet*, or every cluster) with their formulas and rules.

    Args:
        cluster: a cluster's name; with neither it nor *subnet*, every cluster.
        subnet: a subnet's key.
        model: every cluster under this model (comparison); None: each cluster's own.
        month: ``YYYY-MM`` in the horizon: pools at the node counts their growth reaches then.

    Raises:
        ScenarioError: no such cluster, subnet or month (the message lists the choices).
    """
    index = _month_index(plan, month)
    f = plan.forecast
    estimate, clusters = _estimate(plan, model, index)
    # the pools as the scenario says them: the inputs of N, never the counts grown to *month*
    specs = {(c.name, p.name): p for c in plan.clusters for p in c.node_pools}
    names = [c.name for c in clusters]
    if cluster is not None and cluster not in names:
        raise ScenarioError(
            f"--cluster: no cluster {cluster!r} in {plan.scenario.source}: use one of "
            f"{_choices(names)}"
        )
    used = {key: s.other_ips for key, s in plan.subnet_sizes.items()}
    if subnet is not None:
        keys = [s.key for s in estimate.subnets if not s.key.for_cluster]
        if subnet not in keys:
            raise ScenarioError(
                f"--subnet: no IPv4 subnet {subnet} in {plan.scenario.source}: use one of "
                f"{_choices([str(k) for k in keys])}"
            )
        users = [d for d in estimate.pools if subnet in (d.subnet, d.pod_subnet)]
        sections = [_pool_section(d, specs[d.cluster, d.pool], f.months, index) for d in users]
        sections.append(_subnet_section(subnet, estimate, clusters, used.get(subnet, 0)))
        series = [s for s in f.series if s.resource.subnet == subnet]
        label = {str(d.network) for d in users}
        wanted = None if not users else _forecast_label(plan, model, users[0].network)
        if wanted is not None:
            mine = [s for s in series if s.model == wanted]
            growth = _growth(clusters, [d.cluster for d in users])
            sections.append(_forecast_section(mine, f.months, index, growth))
        return (
            Explanation(
                f"subnet {subnet}",
                ", ".join(sorted(label)) or "no model (no node pool uses it)",
                f.months[index],
                tuple(sections),
            ),
        )
    out = []
    for c in clusters:
        if cluster is not None and c.name != cluster:
            continue
        pools = estimate.pools_of(c.name)
        cd = estimate.cluster(c.name)
        sections = [_pool_section(d, specs[c.name, d.pool], f.months, index) for d in pools]
        mine_keys = dict.fromkeys(
            [d.subnet for d in pools] + [d.pod_subnet for d in pools if d.pod_subnet]
        )
        sections += [_subnet_section(k, estimate, clusters, used.get(k, 0)) for k in mine_keys]
        sections.append(_cluster_section(cd, pools, c))
        own = next(x.network for x in plan.clusters if x.name == c.name)
        wanted = _forecast_label(plan, model, own)
        if wanted is not None:
            mine = [s for s in f.series if s.model == wanted and c.name in s.resource.clusters]
            sections.append(_forecast_section(mine, f.months, index, _growth(clusters, [c.name])))
        out.append(
            Explanation(f"cluster {c.name}", str(cd.network), f.months[index], tuple(sections))
        )
    return tuple(out)
