"""The answers a review board reads, computed once from the plan as typed values.

The report layer only renders these: the recommendation per cluster (rules A19, A20, A22), the
first resource to run out, the verdict, and the advice for a subnet that is too small.
"""

from __future__ import annotations

from dataclasses import dataclass

from ipplan.core.capacity import (
    Cluster,
    Problem,
    comparison,
    min_prefixlen,
    pod_cidr_min_prefixlen,
    static_min_prefixlen,
)
from ipplan.core.cidr import contains, overlaps, supernet
from ipplan.core.forecast import KINDS, Series
from ipplan.core.keys import Origin, ResourceKind, Role, Status, SubnetKey
from ipplan.core.plan import Plan, SubnetPlan
from ipplan.rules import (
    DEFAULT_POD_CIDR_PREFIXLEN,
    STATIC_BLOCK_IPS,
    Network,
    Severity,
    cite,
)

__all__ = [
    "MAX_CLUSTERS",
    "SHOWN_ORDER",
    "SUBNETS_ORDER",
    "clusters_that_matter",
    "subnets_that_matter",
    "Option",
    "Recommendation",
    "Size",
    "Verdict",
    "first_to_run_out",
    "grow_advice",
    "recommend",
    "verdict",
]

#: resources a planner can resize; the others are hard limits of Azure or AKS
_RESIZABLE = (ResourceKind.NODE_SUBNET, ResourceKind.POD_SUBNET, ResourceKind.POD_CIDR)
#: rules a right-sized subnet or pod CIDR fixes
_SIZE_RULES = {"A3", "A6", "A8", "A9"}
#: rules whose warning a one-line setting on the pool cures under every model (rule A19)
_SETTING_RULES = {"A2"}


@dataclass(frozen=True)
class Size:
    """A subnet or pod CIDR size the recommendation asks for."""

    kind: ResourceKind  # node-subnet, pod-subnet or pod-cidr
    name: str  # the subnet or cluster, for people
    subnet: SubnetKey | None  # the subnet, when it is one
    required_end: int  # required at the horizon, in the resource's unit (IPs or nodes)
    prefixlen: int  # smallest prefix that holds required_end plus headroom
    current_prefixlen: int | None  # what the plan has now (None: not sized)

    @property
    def words(self) -> str:
        """``node subnet spoke/aks-nodes``, or ``new pod subnet`` for one the plan lacks."""
        what = KINDS[self.kind][1]
        return f"new {what}" if self.current_prefixlen is None else f"{what} {self.name}"

    @property
    def phrase(self) -> str:
        """``/25 node subnet spoke/aks-nodes``, or ``new /18 pod subnet``."""
        what = KINDS[self.kind][1]
        if self.current_prefixlen is None:
            return f"new /{self.prefixlen} {what}"
        return f"/{self.prefixlen} {what} {self.name}"

    @property
    def grows(self) -> bool:
        """True when the plan's size is too small (or missing) for the horizon."""
        return self.current_prefixlen is None or self.current_prefixlen > self.prefixlen


@dataclass(frozen=True)
class Option:
    """One model for one cluster, judged with right-sized subnets over the horizon."""

    model: Network
    current: bool
    blockers: tuple[str, ...]  # why it cannot work even with right-sized subnets
    warnings: tuple[str, ...]  # warnings of the model itself (kubenet's retirement, say)
    settings: tuple[str, ...]  # warnings a one-line setting cures, under every model (A19)
    binding: Series | None  # first limit with today's sizes
    vnet_ips: int  # the cluster's VNet IPs at peak today
    max_pods: int | None  # the pod density it was judged at (rule A20)
    max_pods_default: bool  # ... and whether that is the model's default
    max_pods_by_pool: str  # the P each pool runs, in words (Comparison.max_pods_by_pool)
    sizes: tuple[Size, ...]


@dataclass(frozen=True)
class Recommendation:
    """Which model a cluster should use, with the sizes it needs and the numbers why."""

    cluster: str
    current: Network
    best: Option
    others: tuple[Option, ...]  # the rest, best first

    @property
    def model(self) -> Network:
        """The recommended model."""
        return self.best.model

    @property
    def sizes(self) -> tuple[Size, ...]:
        """The sizes the recommended model needs to last the horizon."""
        return self.best.sizes


def _label(plan: Plan, model: Network, cluster: str) -> str:
    """The forecast label holding *cluster* under *model*: the plan as written for its own."""
    f = plan.forecast
    own = next(c.network for c in plan.clusters if c.name == cluster)
    return f.current if model is own and f.current in f.models else model.value


def _series_for(plan: Plan, model: Network, cluster: str) -> list[Series]:
    label = _label(plan, model, cluster)
    return [s for s in plan.forecast.series if s.model == label and cluster in s.resource.clusters]


def first_to_run_out(plan: Plan, model: Network, cluster: str) -> Series | None:
    """The resource that runs out first for *cluster* under *model* (None: nothing sized)."""
    return plan.forecast.binding(_label(plan, model, cluster), cluster)


def _sizes(plan: Plan, model: Network, cluster: Cluster) -> tuple[Size, ...]:
    headroom = plan.scenario.planning.headroom_pct
    out = []
    for s in _series_for(plan, model, cluster.name):
        if s.resource.kind not in _RESIZABLE:
            continue
        need = -(-s.required[-1] * (100 + headroom) // 100)
        current: int | None
        if s.resource.kind is ResourceKind.POD_CIDR:
            prefixlen = pod_cidr_min_prefixlen(need)
            current = cluster.pod_cidr_prefixlen or DEFAULT_POD_CIDR_PREFIXLEN
        else:
            if model is Network.POD_SUBNET_STATIC and s.resource.kind is ResourceKind.POD_SUBNET:
                prefixlen = static_min_prefixlen(-(-need // STATIC_BLOCK_IPS))
            else:
                prefixlen = min_prefixlen(need)
            key = s.resource.subnet
            size = None if key is None else plan.subnet_sizes.get(key)
            current = None if size is None else size.prefixlen
        out.append(
            Size(
                s.resource.kind,
                s.resource.name,
                s.resource.subnet,
                s.required[-1],
                prefixlen,
                current,
            )
        )
    return tuple(out)


def _text(p: Problem) -> str:
    return f"{p.message} ({cite([p.rule])})"


def _option(plan: Plan, model: Network, cluster: Cluster) -> Option:
    f = plan.forecast
    estimate = plan.comparisons.get(model, plan.estimate)
    errors = estimate.problems_of(cluster.name, Severity.ERROR)
    blockers = [_text(p) for p in errors if p.rule not in _SIZE_RULES]
    for s in _series_for(plan, model, cluster.name):
        if s.resource.kind not in _RESIZABLE and s.exhaustion_month is not None:
            if s.resource.kind is ResourceKind.RETIREMENT:
                blockers.append(
                    f"it is unsupported from {f.months[s.exhaustion_month]} ({cite(['A21'])})"
                )
                continue
            blockers.append(
                f"hits the {s.resource.label} in {f.months[s.exhaustion_month]} "
                f"({s.required[s.exhaustion_month]:,} of {s.capacity:,} {s.resource.unit})"
            )
    sizes = _sizes(plan, model, cluster)
    free = {v.name: v.largest_free for v in plan.vnets}
    for size in sizes:
        if size.subnet is None or not size.grows:
            continue
        vnet = size.subnet.vnet
        largest = free.get(vnet)
        if vnet in free and (largest is None or int(largest.prefixlen) > size.prefixlen):
            room = "no free space" if largest is None else f"a largest free block of {largest}"
            blockers.append(
                f"needs a /{size.prefixlen} for {size.name}, but VNet {vnet} has {room}"
            )
    warned = estimate.problems_of(cluster.name, Severity.WARNING)
    row = comparison(estimate, cluster.name)
    return Option(
        model=model,
        current=model is cluster.network,
        blockers=tuple(dict.fromkeys(blockers)),
        warnings=tuple(_text(p) for p in warned if p.rule not in _SETTING_RULES),
        settings=tuple(f"{p.message}; {p.fix}" for p in warned if p.rule in _SETTING_RULES),
        binding=first_to_run_out(plan, model, cluster.name),
        vnet_ips=row.vnet_ips,
        max_pods=row.max_pods,
        max_pods_default=row.max_pods_default,
        max_pods_by_pool=row.max_pods_by_pool,
        sizes=sizes,
    )


def recommend(plan: Plan) -> tuple[Recommendation, ...]:
    """Per cluster, the compared model to use and the sizes it needs to last the horizon.

    Each model is judged as if its subnets and pod CIDR were sized for the horizon (plus
    headroom): a model is out when a hard limit (AKS or Azure) binds, its support ends within
    the horizon (rule A21), or the sizes it needs do not fit in the VNet's free space. Among the
    rest: no warnings of the model's own first (a warning a setting cures counts for none, rule
    A19), then the current model (a migration costs), then the fewest VNet IPs.
    """
    out = []
    for cluster in plan.clusters:
        models = list(plan.comparisons) or [cluster.network]
        options = [_option(plan, m, cluster) for m in models]
        options.sort(key=lambda o: (bool(o.blockers), bool(o.warnings), not o.current, o.vnet_ips))
        out.append(Recommendation(cluster.name, cluster.network, options[0], tuple(options[1:])))
    return tuple(out)


@dataclass(frozen=True)
class Verdict:
    """The plan in one line: does it fit today, and what runs out first."""

    fits: bool
    errors: int  # problems that make the plan infeasible as written
    first: Series | None  # the own models' first resource to run out within the horizon
    month: str | None  # when it runs out


def verdict(plan: Plan) -> Verdict:
    """Whether the plan fits today, and its first resource to run out under its own models."""
    f = plan.forecast
    errors = [p for p in plan.estimate.problems if p.severity is Severity.ERROR]
    first = f.first_to_run_out(f.current)
    at = None if first is None else first.exhaustion_month
    month = None if at is None else f.months[at]
    return Verdict(fits=not errors, errors=len(errors), first=first, month=month)


def grow_advice(plan: Plan, size: Size) -> str:
    """How to get a larger subnet, as Azure allows it (rule A22).

    Azure refuses to change the prefix of a subnet that holds resources, so a subnet the
    scenario gives (``cidr``) with consumers gets a new subnet and a new node pool; only a
    subnet ipplan allocates or sizes, or an existing one that nothing uses, is made larger.
    """
    subnet = next((s for s in plan.subnets if s.key == size.subnet), None)
    if subnet is None:
        return "give it a subnet"
    if subnet.origin is not Origin.EXISTING:
        field = "prefix" if subnet.origin is Origin.ALLOCATED else "size: auto with more headroom"
        return f"ipplan allocates it: ask for a /{size.prefixlen} ({field})"
    if subnet.users:
        return _new_subnet(subnet, size)
    return _resize_existing(plan, subnet, size)


def _new_subnet(subnet: SubnetPlan, size: Size) -> str:
    what = "pod subnet" if subnet.role is Role.POD else "node subnet"
    pools = ", ".join(subnet.users)
    return (
        f"Azure cannot resize a subnet in use: add a new /{size.prefixlen} {what} and a new node "
        f"pool in it, move the workload of {pools}, then delete the old pool"
    )


def _resize_existing(plan: Plan, subnet: SubnetPlan, size: Size) -> str:
    """An existing subnet with no consumer may be resized: in place when the block around it
    is free, else re-created elsewhere."""
    bigger = supernet(subnet.cidr, size.prefixlen)
    vnet = next(v for v in plan.vnets if v.name == subnet.vnet)
    if not any(contains(space, bigger) for space in vnet.address_space):
        return f"re-create it as a new /{size.prefixlen} ({bigger} is outside VNet {vnet.name})"
    neighbours = [
        b
        for b in vnet.blocks
        if b.kind is not Origin.FREE and b.name != subnet.name and overlaps(b.cidr, bigger)
    ]
    if neighbours:
        return (
            f"re-create it as a new /{size.prefixlen} (resizing in place to {bigger} would cover "
            f"{neighbours[0].name} {neighbours[0].cidr})"
        )
    return f"nothing uses it yet: resize it in place to {bigger}"


#: clusters shown at most where each takes a block of its own (a band of comparison.png and of
#: forecast.png, a line of ``plan``): readable for a dozen; at 100 or 300 nobody reads them all
MAX_CLUSTERS = 12
#: how :func:`clusters_that_matter` picks past MAX_CLUSTERS, in the words the charts, the
#: summary and the terminal use
SHOWN_ORDER = "infeasible as planned first, then those that run out first, then by name"


def clusters_that_matter(plan: Plan, limit: int = MAX_CLUSTERS) -> list[Cluster]:
    """The clusters a reader must see, a block each (comparison.png, forecast.png, the lines
    ``plan`` prints), top to bottom.

    All of them in plan order up to *limit*. Past it, the plan's own answers pick: the
    clusters infeasible as written (an error under their own model) first, then those whose
    first resource runs out within the horizon, soonest first, then the rest by name.
    clusters.csv, comparison.csv and exhaustion.csv have every one.
    """
    clusters = list(plan.clusters)
    if len(clusters) <= limit:
        return clusters

    def rank(cluster: Cluster) -> tuple[bool, bool, int, str]:
        infeasible = bool(plan.estimate.problems_of(cluster.name, Severity.ERROR))
        first = first_to_run_out(plan, cluster.network, cluster.name)
        month = None if first is None else first.exhaustion_month
        return (not infeasible, month is None, month or 0, cluster.name)

    return sorted(clusters, key=rank)[:limit]


#: how :func:`subnets_that_matter` picks, in the words utilization.png and the summary use
SUBNETS_ORDER = (
    "full ones, then the clusters' node and pod subnets and those at the warn level (half the "
    "rows each while both have more), then the fullest"
)


def subnets_that_matter(plan: Plan, limit: int) -> list[SubnetPlan]:
    """The subnets a reader must see, in plan order: all of them up to *limit*, else the ones
    that matter first. Full ones first; then, half each of the rows left, the clusters' node
    and pod subnets (those at the warn level, then the fullest) and the other subnets at the
    warn level (the fullest first), so that neither crowds the other out; what either leaves
    unused goes to the other, then to the fullest of the rest. The terminal, utilization.png
    and the summary show these; subnets.csv has every one."""
    subnets = plan.subnets
    if len(subnets) <= limit:
        return list(subnets)

    def fullest(i: int) -> tuple[bool, float, int]:
        s = subnets[i]
        return (s.status is not Status.WARN, -s.utilization_pct, i)

    order = sorted(range(len(subnets)), key=fullest)
    full = [i for i in order if subnets[i].status is Status.FULL]
    mine = [
        i
        for i in order
        if subnets[i].role in (Role.NODE, Role.POD) and subnets[i].status is not Status.FULL
    ]
    taken = {*full, *mine}
    warn = [i for i in order if subnets[i].status is Status.WARN and i not in taken]
    chosen = full[:limit]
    room = limit - len(chosen)
    half = min(len(mine), max(room - len(warn), (room + 1) // 2))
    chosen += mine[:half] + warn[: room - half]
    picked = set(chosen)
    chosen += [i for i in order if i not in picked][: limit - len(chosen)]
    return [subnets[i] for i in sorted(chosen)]
