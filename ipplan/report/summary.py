"""The review pack's summary: ``summary.md`` and a self-contained ``summary.html`` (stdlib only).

Both are rendered from one list of blocks, so they say the same thing. The recommendation is
computed here from the plan's numbers: per cluster, the compared model that fits today and lasts
longest (ties: no warnings, then fewest VNet IPs, then the current model), and the subnet sizes
that hold its requirement at the end of the horizon plus the scenario's headroom.
"""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ipplan.core.capacity import (
    Cluster,
    Estimate,
    Problem,
    comparison_row,
    min_prefixlen,
    pod_cidr_min_prefixlen,
    static_min_prefixlen,
)
from ipplan.core.cidr import contains, overlaps, supernet
from ipplan.core.forecast import CURRENT, KINDS, Forecast, Series, fix_for
from ipplan.core.plan import Plan
from ipplan.rules import (
    DEFAULT_MAX_PODS,
    DEFAULT_SURGE,
    KUBENET_RETIREMENT,
    STATIC_BLOCK_IPS,
    Network,
    Severity,
)

__all__ = [
    "CHART_CAPTIONS",
    "Option",
    "Recommendation",
    "Size",
    "cluster_problems",
    "recommend",
    "subnet_room",
    "summary_html",
    "summary_markdown",
]

#: the charts, in the order the summary shows them, with what each one answers
CHART_CAPTIONS = {
    "utilization.png": "How full each subnet is now and at upgrade peak, against the warn level.",
    "comparison.png": "Every network model side by side per cluster: VNet IPs, smallest node "
    "subnet, how many nodes the current node subnet holds.",
    "forecast.png": "Per cluster and model, the resource that runs out first, month by month.",
    "address_map.png": "Each VNet's address space to scale: existing, allocated and free blocks.",
}


def cluster_problems(estimate: Estimate, cluster: str, severity: Severity) -> list[Problem]:
    """The problems of *estimate* that concern *cluster* (as its comparison row counts them)."""
    row = comparison_row(estimate, cluster)
    text = str(row["problems" if severity is Severity.ERROR else "warnings"])
    return [
        p for p in estimate.problems if p.severity is severity and f"{p.message}; {p.fix}" in text
    ]


_WHAT = {"node-subnet": "node subnet", "pod-subnet": "pod subnet", "pod-cidr": "pod CIDR"}


def subnet_room(estimate: Estimate, cluster: str) -> tuple[int | None, int]:
    """(nodes the cluster's first node subnet holds, nodes planned in it), all its pools counted;
    None when the subnet is unsized or too small for the plan already.

    The capacity model grows the subnet's first pool with the others as planned (rule A5); this
    adds the others back, so the two numbers compare like with like.
    """
    pools = [d for d in estimate.pools if d.cluster == cluster]
    if not pools:
        return None, 0
    key = pools[0].subnet
    users = [d for d in estimate.pools if d.subnet == key]
    planned = sum(d.planning_nodes for d in users)
    demand = next(d for d in estimate.subnets if d.name == key)
    if demand.max_nodes is None or (
        demand.usable_ips is not None and demand.peak_ips > demand.usable_ips
    ):
        return None, planned  # unsized, or the plan itself does not fit
    return demand.max_nodes + planned - users[0].planning_nodes, planned


@dataclass(frozen=True)
class Size:
    """A subnet or pod CIDR size the recommendation asks for."""

    kind: str  # a forecast resource kind: node-subnet, pod-subnet or pod-cidr
    name: str
    required_end: int  # required at the horizon, in the resource's unit (IPs or nodes)
    prefixlen: int  # smallest prefix that holds required_end plus headroom
    current_prefixlen: int | None  # what the plan has now (None: not sized)

    @property
    def words(self) -> str:
        """``node subnet spoke/aks-nodes``, or ``new pod subnet`` for one the plan lacks."""
        what = _WHAT[self.kind]
        return f"new {what}" if self.current_prefixlen is None else f"{what} {self.name}"

    @property
    def phrase(self) -> str:
        """``/25 node subnet spoke/aks-nodes``, or ``new /18 pod subnet``."""
        what = _WHAT[self.kind]
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
    warnings: tuple[str, ...]
    binding: Series | None  # first limit with today's sizes
    vnet_ips: int  # the cluster's VNet IPs at peak today
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


def _month(forecast: Forecast, index: int | None) -> str:
    return f"lasts past {forecast.months[-1]}" if index is None else forecast.months[index]


def _label(plan: Plan, model: Network, cluster: str) -> str:
    """The forecast label holding *cluster* under *model*: the plan as written for its own."""
    f = plan.forecast
    own = next(c.network for c in plan.clusters if c.name == cluster)
    return f.current if model is own and f.current in f.models else model.value


def _series_for(plan: Plan, model: Network, cluster: str) -> list[Series]:
    label = _label(plan, model, cluster)
    return [s for s in plan.forecast.series if s.model == label and cluster in s.resource.clusters]


def _binding(plan: Plan, model: Network, cluster: str) -> Series | None:
    return plan.forecast.binding(_label(plan, model, cluster), cluster)


#: resources a planner can resize; the others are hard limits of Azure or AKS
_RESIZABLE = ("node-subnet", "pod-subnet", "pod-cidr")
#: rules a right-sized subnet or pod CIDR fixes
_SIZE_RULES = {"A3", "A6", "A8", "A9"}


def _sizes(plan: Plan, model: Network, cluster: str) -> tuple[Size, ...]:
    headroom = plan.scenario.planning.headroom_pct
    spec = next(c for c in plan.clusters if c.name == cluster)
    out = []
    for s in _series_for(plan, model, cluster):
        if s.resource.kind not in _RESIZABLE:
            continue
        need = -(-s.required[-1] * (100 + headroom) // 100)
        current: int | None
        if s.resource.kind == "pod-cidr":
            prefixlen = pod_cidr_min_prefixlen(need)
            current = spec.pod_cidr_prefixlen or 16
        else:
            if model is Network.POD_SUBNET_STATIC and s.resource.kind == "pod-subnet":
                prefixlen = static_min_prefixlen(-(-need // STATIC_BLOCK_IPS))
            else:
                prefixlen = min_prefixlen(need)
            size = plan.subnet_sizes.get(s.resource.name)
            current = None if size is None else size.prefixlen
        out.append(Size(s.resource.kind, s.resource.name, s.required[-1], prefixlen, current))
    return tuple(out)


def _option(plan: Plan, model: Network, cluster: Cluster) -> Option:
    f = plan.forecast
    estimate = plan.comparisons.get(model, plan.estimate)
    blockers = [
        f"{p.message} ({p.rule})"
        for p in cluster_problems(estimate, cluster.name, Severity.ERROR)
        if p.rule not in _SIZE_RULES
    ]
    for s in _series_for(plan, model, cluster.name):
        if s.resource.kind not in _RESIZABLE and s.exhaustion_month:
            blockers.append(
                f"hits the {s.resource.label} in {f.months[s.exhaustion_month]} "
                f"({s.required[s.exhaustion_month]:,} of {s.capacity:,} {s.resource.unit})"
            )
    sizes = _sizes(plan, model, cluster.name)
    free = {v.name: v.largest_free for v in plan.vnets}
    for size in sizes:
        if size.kind == "pod-cidr" or not size.grows:
            continue
        vnet = size.name.split("/", 1)[0]
        largest = free.get(vnet)
        if vnet in free and (largest is None or int(largest.prefixlen) > size.prefixlen):
            room = "no free space" if largest is None else f"a largest free block of {largest}"
            blockers.append(
                f"needs a /{size.prefixlen} for {size.name}, but VNet {vnet} has {room}"
            )
    warnings = [
        f"{p.message} ({p.rule})"
        for p in cluster_problems(estimate, cluster.name, Severity.WARNING)
    ]
    return Option(
        model=model,
        current=model is cluster.network,
        blockers=tuple(blockers),
        warnings=tuple(warnings),
        binding=_binding(plan, model, cluster.name),
        vnet_ips=int(str(comparison_row(estimate, cluster.name)["vnet_ips"])),
        sizes=sizes,
    )


def recommend(plan: Plan) -> tuple[Recommendation, ...]:
    """Per cluster, the compared model to use and the sizes it needs to last the horizon.

    Each model is judged as if its subnets and pod CIDR were sized for the horizon (plus
    headroom): a model is out when a hard limit (AKS or Azure) binds, or the sizes it needs do
    not fit in the VNet's free space. Among the rest: no warnings first (kubenet's retirement),
    then the current model (a migration costs), then the fewest VNet IPs.
    """
    out = []
    for cluster in plan.clusters:
        models = list(plan.comparisons) or [cluster.network]
        options = [_option(plan, m, cluster) for m in models]
        options.sort(key=lambda o: (bool(o.blockers), bool(o.warnings), not o.current, o.vnet_ips))
        out.append(Recommendation(cluster.name, cluster.network, options[0], tuple(options[1:])))
    return tuple(out)


def _lasts(f: Forecast, binding: Series | None) -> str:
    if binding is None:
        return "nothing it uses is sized"
    where = f"{KINDS[binding.resource.kind][1]} {binding.resource.name}"
    if binding.exhaustion_month == 0:
        return f"with today's sizes its {where} is already short"
    if binding.exhaustion_month is not None:
        return (
            f"with today's sizes its {where} runs out in {f.months[binding.exhaustion_month]} "
            f"({binding.exhaustion_month} months)"
        )
    end = binding.utilization_pct(len(f.months) - 1)
    return f"with today's sizes it lasts past {f.months[-1]} (tightest: {where}, {end}% used)"


def _reasons(f: Forecast, rec: Recommendation) -> list[str]:
    best = rec.best
    head = "the current model" if best.current else f"today {rec.current}"
    if best.blockers:
        verdict = "no compared model avoids a hard limit; this one does least badly: " + "; ".join(
            best.blockers
        )
    else:
        verdict = f"no hard limit before {f.months[-1]}"
    out = [
        f"{best.model} ({head}): {verdict}; {_lasts(f, best.binding)}; "
        f"{best.vnet_ips:,} VNet IPs at peak"
    ]
    for o in rec.others:
        grow = [f"a {s.phrase}" for s in o.sizes if s.grows]
        needs = f" with {' and '.join(grow)}" if grow else ""
        if o.blockers:
            out.append(f"not {o.model}: {o.blockers[0]}")
        elif o.warnings:
            out.append(f"not {o.model}: {o.warnings[0]}")
        elif o.current:
            out.append(f"not {o.model} (current): works{needs}, but uses {o.vnet_ips:,} VNet IPs")
        elif best.current:
            out.append(
                f"not {o.model}: would work{needs} ({o.vnet_ips:,} VNet IPs at peak), "
                "but means a migration"
            )
        else:
            out.append(f"not {o.model}: would work{needs}, but uses {o.vnet_ips:,} VNet IPs")
    return out


# --- the document -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Block:
    kind: str  # "h1", "h2", "p", "ul", "table", "img"
    text: str = ""
    items: tuple[str, ...] = ()
    header: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()


def _p(text: str) -> _Block:
    return _Block("p", text)


def _ul(items: Sequence[str]) -> _Block:
    return _Block("ul", items=tuple(items))


def _table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> _Block:
    return _Block(
        "table", header=tuple(header), rows=tuple(tuple(_cell(v) for v in r) for r in rows)
    )


def _cell(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "NO"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _scenario_lines(plan: Plan) -> list[str]:
    sc = plan.scenario
    f = plan.forecast
    vnets = ", ".join(f"{v.name} ({' '.join(str(p) for p in v.address_space)})" for v in sc.vnets)
    clusters = []
    for c in plan.estimate.clusters:
        clusters.append(
            f"{c.name} on {c.network} ({c.pools} pools, {c.nodes:,} nodes today, "
            f"{c.planning_nodes:,} planned)"
        )
    growth = sum(1 for c in plan.clusters for p in c.node_pools if p.growth is not None)
    return [
        f"**{sc.name}**: {len(sc.vnets)} VNet(s): {vnets}; "
        + (f"{len(plan.clusters)} cluster(s): " + "; ".join(clusters) if clusters else "no cluster")
        + ".",
        f"Forecast {f.months[0]} to {f.months[-1]} ({len(f.months) - 1} months, {growth} growing "
        f"pool(s)); models compared: {', '.join(str(n) for n in sc.planning.compare)}; headroom "
        f"{sc.planning.headroom_pct}%, warn at {sc.planning.warn_at_pct}%.",
    ]


def _verdict(plan: Plan) -> str:
    f = plan.forecast
    own = [s for s in f.of(f.current) if s.capacity is not None]
    errors = [p for p in plan.estimate.problems if p.severity is Severity.ERROR]
    first = min(
        (s for s in own if s.exhaustion_month is not None),
        key=lambda s: (s.exhaustion_month, s.resource.kind, s.resource.name),
        default=None,
    )
    if errors:
        head = f"**Verdict: the plan does not fit today** ({len(errors)} problem(s) below)."
    elif first is not None:
        head = (
            f"**Verdict: fits today; the first resource runs out in "
            f"{f.months[first.exhaustion_month or 0]}** ({first.resource.label}, "
            f"{first.exhaustion_month} months of runway)."
        )
    else:
        head = f"**Verdict: fits today and nothing runs out before {f.months[-1]}.**"
    return head


def _in_place(plan: Plan, size: Size) -> str:
    """How to grow a subnet: in place when the larger block around it is free, else anew."""
    subnet = next((s for s in plan.subnets if s.key == size.name), None)
    if subnet is None:
        return "grow it"
    bigger = supernet(subnet.cidr, size.prefixlen)
    vnet = next(v for v in plan.vnets if v.name == subnet.vnet)
    if not any(contains(space, bigger) for space in vnet.address_space):
        return f"grow it into a new /{size.prefixlen} ({bigger} is outside VNet {vnet.name})"
    neighbours = [
        b
        for b in vnet.blocks
        if b.kind != "free" and b.name != subnet.name and overlaps(b.cidr, bigger)
    ]
    if neighbours:
        return (
            f"grow it into a new /{size.prefixlen} (growing in place to {bigger} would cover "
            f"{neighbours[0].name} {neighbours[0].cidr})"
        )
    return f"grow it in place to {bigger}"


def _size_text(size: Size, f: Forecast, headroom_pct: int, plan: Plan) -> str:
    unit = "nodes" if size.kind == "pod-cidr" else "IPs"
    now = "not sized yet" if size.current_prefixlen is None else f"/{size.current_prefixlen}"
    verdict = "enough"
    if size.grows:
        verdict = "grow it" if size.kind == "pod-cidr" else _in_place(plan, size)
    return (
        f"{size.words}: /{size.prefixlen} holds the {size.required_end:,} "
        f"{unit} needed in {f.months[-1]} plus {headroom_pct}% headroom; today {now}: {verdict}"
    )


def _blocks(plan: Plan, charts: Sequence[str]) -> list[_Block]:
    sc = plan.scenario
    f = plan.forecast
    blocks = [_Block("h1", f"ipplan review pack: {sc.name}")]
    blocks += [_p(line) for line in _scenario_lines(plan)]
    blocks.append(_p(_verdict(plan)))
    # recommendation
    blocks.append(_Block("h2", "Recommendation"))
    if not plan.clusters:
        blocks.append(_p("No cluster, so no network model to recommend."))
    for rec in recommend(plan):
        change = "keep" if rec.model is rec.current else f"move from {rec.current} to"
        grow = [s for s in rec.sizes if s.grows]
        sizes = "; ".join(s.phrase for s in grow)
        tail = f", and grow: {sizes}" if grow else ", at today's sizes"
        blocks.append(_p(f"**Cluster {rec.cluster}: {change} {rec.model}{tail}.**"))
        blocks.append(_ul(_reasons(f, rec)))
        blocks.append(_ul([_size_text(s, f, sc.planning.headroom_pct, plan) for s in rec.sizes]))
    # key tables
    blocks.append(_Block("h2", "Subnets"))
    blocks.append(
        _table(
            [
                "subnet",
                "CIDR",
                "origin",
                "role",
                "usable",
                "now",
                "peak",
                "used %",
                "min",
                "status",
            ],
            [
                (
                    f"{s.vnet}/{s.name}",
                    str(s.cidr),
                    s.origin,
                    s.role,
                    s.usable_ips,
                    s.now_ips,
                    s.peak_ips,
                    f"{s.utilization_pct:.1f}",
                    f"/{s.min_prefixlen}",
                    s.status,
                )
                for s in plan.subnets
            ],
        )
    )
    blocks.append(_Block("h2", "Network models compared"))
    rows = []
    for cluster in plan.clusters:
        for model, estimate in plan.comparisons.items():
            row = comparison_row(estimate, cluster.name)
            binding = _binding(plan, model, cluster.name)
            runs_out = "-" if binding is None else _month(f, binding.exhaustion_month)
            errors = cluster_problems(estimate, cluster.name, Severity.ERROR)
            rows.append(
                (
                    cluster.name,
                    f"{model}{' (current)' if model is cluster.network else ''}",
                    "yes" if not errors else "NO (" + ", ".join(p.rule for p in errors) + ")",
                    row["vnet_ips"],
                    f"/{row['node_subnet_min_prefix']}",
                    subnet_room(estimate, cluster.name)[0] or "does not fit",
                    "-" if binding is None else binding.resource.label,
                    runs_out,
                )
            )
    blocks.append(
        _table(
            [
                "cluster",
                "model",
                "fits",
                "VNet IPs",
                "node subnet min",
                "nodes fit",
                "first limit",
                "runs out",
            ],
            rows,
        )
    )
    blocks.append(_Block("h2", f"Runway under the scenario's own models ({f.current})"))
    own = sorted(
        (s for s in f.of(f.current) if s.capacity is not None),
        key=lambda s: (
            len(f.months) if s.exhaustion_month is None else s.exhaustion_month,
            -(s.utilization_pct(len(f.months) - 1) or 0.0),
            s.resource.kind,
            s.resource.name,
        ),
    )
    blocks.append(
        _table(
            ["resource", "capacity", "now", f"{f.months[-1]}", "warns", "runs out", "runway"],
            [
                (
                    s.resource.label,
                    f"{s.capacity:,} {s.resource.unit}",
                    s.required[0],
                    s.required[-1],
                    "-" if s.warn_month is None else f.months[s.warn_month],
                    _month(f, s.exhaustion_month),
                    "-" if s.exhaustion_month is None else f"{s.exhaustion_month} months",
                )
                for s in own
            ],
        )
    )
    # charts
    if charts:
        blocks.append(_Block("h2", "Charts"))
        for name in CHART_CAPTIONS:
            if name in charts:
                blocks.append(_p(CHART_CAPTIONS[name]))
                blocks.append(_Block("img", name))
    # warnings and infeasibilities
    blocks.append(_Block("h2", "Problems, warnings and fixes"))
    items = [f"INFEASIBLE: {p}" for p in plan.estimate.problems if p.severity is Severity.ERROR]
    under = "the plan as written" if f.current == CURRENT else f.current
    items += [
        f"runs out: {s.resource.label} in {f.months[s.exhaustion_month]} under {under} "
        f"({s.required[s.exhaustion_month]:,} of {s.capacity:,} {s.resource.unit}); " + fix_for(s)
        for s in f.of(f.current)
        if s.capacity is not None and s.exhaustion_month
    ]
    items += [f"warning: {w}" for w in plan.warnings]
    for model, estimate in plan.comparisons.items():
        for p in estimate.problems:
            if p.severity is Severity.ERROR and model.value != f.current:
                items.append(f"if {model}: {p.message}; {p.fix} ({p.rule})")
    blocks.append(_ul(list(dict.fromkeys(items)) or ["none"]))
    blocks.append(_Block("h2", "Assumptions (challenge them)"))
    blocks.append(_ul(_assumptions(plan)))
    return blocks


def _assumptions(plan: Plan) -> list[str]:
    sc = plan.scenario
    pools = [(c, p) for c in plan.clusters for p in c.node_pools]
    surges = ", ".join(f"{c.name}/{p.name} {p.max_surge}" for c, p in pools)
    max_pods = ", ".join(
        f"{c.name}/{p.name} "
        + (
            str(p.max_pods)
            if p.max_pods is not None
            else f"default ({DEFAULT_MAX_PODS[c.network]})"
        )
        for c, p in pools
    )
    surges, max_pods = surges or "no node pool", max_pods or "no node pool"
    growth = []
    for c, p in pools:
        if p.growth is not None and p.growth.percent_per_month:
            growth.append(f"{c.name}/{p.name} +{p.growth.percent_per_month:g}% a month")
        if p.growth is not None and p.growth.nodes_per_month:
            growth.append(f"{c.name}/{p.name} +{p.growth.nodes_per_month:g} nodes a month")
    defaults = ", ".join(f"{n} {v}" for n, v in DEFAULT_MAX_PODS.items())
    return [
        f"Upgrade surge per pool (rule A1): {surges}. A percentage rounds up, capped at the "
        f"pool's size; the default is {DEFAULT_SURGE} (AKS >= 1.32), the docs' examples use 1.",
        f"Max pods per node (rule A2): {max_pods}. Model defaults: {defaults}.",
        "Sizing uses each pool's autoscaler maximum when set, else its node count, plus its "
        "surge: the upgrade peak (rules A3, A5; ISS).",
        f"Subnets ipplan sizes (size: auto) hold the upgrade peak of the node counts the pools "
        f"grow to by {plan.forecast.months[-1]}, plus {sc.planning.headroom_pct}% headroom (as "
        f"do the recommended sizes); warn level {sc.planning.warn_at_pct}% utilization.",
        "Growth (forecast): "
        + ("; ".join(growth) or "none")
        + ". Linear: N + floor(g x m) nodes at month m; compound: ceil(N x (1 + r/100)^m); "
        "every rule is recomputed each month.",
        "Azure reserves 5 addresses per subnet: usable = 2^(32-p) - 5 (rule A4); smallest subnet "
        "/29.",
        "Pod subnets: dynamic batches of 16 IPs per node, max(16, max pods) at full use (rule A8); "
        "static /28 blocks, ceil((max pods + 1) / 16) per node, a /p holds 2^(28-p) - 2 blocks "
        "(rule A9). Pod CIDR: one /24 per node (rule A6).",
        f"Limits: kubenet 400 routes and retirement on {KUBENET_RETIREMENT} (rule A7); 5,000 nodes "
        "per cluster and 1,000 per pool with surge (rule A10); 65,536 private IPs per VNet, a "
        "static /28 counting as one (rule A15).",
        "Rules: aks-ip-rules.md Part A (every number there cites its source).",
    ]


# --- rendering ----------------------------------------------------------------------------------


def _md_escape(text: str) -> str:
    return text.replace("|", "\\|")


def summary_markdown(plan: Plan, charts: Sequence[str] = ()) -> str:
    """The summary as Markdown; *charts* are the PNG file names written beside it."""
    out: list[str] = []
    for b in _blocks(plan, charts):
        if b.kind == "h1":
            out.append(f"# {b.text}\n")
        elif b.kind == "h2":
            out.append(f"## {b.text}\n")
        elif b.kind == "p":
            out.append(f"{b.text}\n")
        elif b.kind == "ul":
            out.append("".join(f"- {item}\n" for item in b.items))
        elif b.kind == "table":
            lines = ["| " + " | ".join(b.header) + " |"]
            lines.append("|" + "|".join("---" for _ in b.header) + "|")
            lines += ["| " + " | ".join(_md_escape(c) for c in row) + " |" for row in b.rows]
            out.append("\n".join(lines) + "\n")
        elif b.kind == "img":
            out.append(f"![{b.text}]({b.text})\n")
    return "\n".join(out)


_BOLD = re.compile(r"\*\*(.+?)\*\*")

_CSS = """
body { font-family: system-ui, sans-serif; max-width: 1400px; margin: 2em auto; padding: 0 1em;
       color: #222; line-height: 1.45; }
h1 { font-size: 1.6em; } h2 { font-size: 1.25em; margin-top: 1.6em; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; font-size: 0.9em; margin: 0.5em 0 1em; }
th, td { border: 1px solid #bbb; padding: 0.25em 0.6em; text-align: left; }
td { font-variant-numeric: tabular-nums; }
th { background: #f0f0f0; }
img { max-width: 100%; border: 1px solid #ddd; margin: 0.3em 0 1.2em; }
li { margin: 0.2em 0; }
"""


def _inline(text: str) -> str:
    return _BOLD.sub(r"<strong>\1</strong>", html.escape(text, quote=False))


def summary_html(plan: Plan, charts: Mapping[str, bytes]) -> str:
    """The summary as one self-contained HTML page, the PNG *charts* embedded as base64."""
    title = html.escape(f"ipplan review pack: {plan.scenario.name}")
    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        f'<head><meta charset="utf-8"><title>{title}</title><style>{_CSS}</style></head>',
        "<body>",
    ]
    for b in _blocks(plan, list(charts)):
        if b.kind in ("h1", "h2"):
            out.append(f"<{b.kind}>{_inline(b.text)}</{b.kind}>")
        elif b.kind == "p":
            out.append(f"<p>{_inline(b.text)}</p>")
        elif b.kind == "ul":
            out.append("<ul>" + "".join(f"<li>{_inline(i)}</li>" for i in b.items) + "</ul>")
        elif b.kind == "table":
            head = "".join(f"<th>{html.escape(h)}</th>" for h in b.header)
            body = "".join(
                "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>"
                for row in b.rows
            )
            out.append(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
        elif b.kind == "img":
            data = base64.b64encode(charts[b.text]).decode("ascii")
            alt = html.escape(b.text)
            out.append(f'<img alt="{alt}" src="data:image/png;base64,{data}">')
    out += ["</body>", "</html>", ""]
    return "\n".join(out)
