"""The review pack's summary: ``summary.md`` and a self-contained ``summary.html`` (stdlib only).

Both are rendered from one list of blocks, so they say the same thing. Nothing is decided here:
the recommendation, the verdict and room to grow come from :mod:`ipplan.core.answers` and
:mod:`ipplan.core.capacity`; this module only puts them into words.
"""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import TYPE_CHECKING

from ipplan import __version__
from ipplan.core.answers import (
    MAX_CLUSTERS,
    SHOWN_ORDER,
    SUBNETS_ORDER,
    Option,
    Recommendation,
    Size,
    clusters_that_matter,
    first_to_run_out,
    grow_advice,
    recommend,
    subnets_that_matter,
    verdict,
)
from ipplan.core.capacity import Comparison, NodePool, comparison, room_text
from ipplan.core.explain import explain, show
from ipplan.core.forecast import CURRENT, KINDS, Forecast, Series, fix_for
from ipplan.core.keys import Origin, Status
from ipplan.core.plan import Plan
from ipplan.report.charts.address_map import drawn_vnets
from ipplan.report.charts.utilization import MAX_ROWS
from ipplan.rules import (
    DEFAULT_MAX_PODS,
    DEFAULT_SURGE,
    KIND_RULES,
    KUBENET_RETIREMENT,
    WINDOWS_MAX_PODS,
    Priority,
    Severity,
    Upgrade,
    cite,
    default_max_pods,
    kind_prefixlen,
    plural,
    subnet_kind_violations,
)

if TYPE_CHECKING:
    from ipplan.report.charts.style import Rendered

__all__ = ["CHART_CAPTIONS", "summary_html", "summary_markdown"]

#: the charts, in the order the summary shows them, with what each one answers
CHART_CAPTIONS = {
    "utilization.png": "How full each subnet is now and at upgrade peak, against the warn level.",
    "comparison.png": "Every network model side by side per cluster: VNet IPs, smallest node "
    "subnet, and room to grow (the nodes the cluster reaches before its first limit binds).",
    "forecast.png": "Per cluster and model, the resource that runs out first, month by month.",
    "address_map.png": "Each VNet's address space to scale: existing, allocated and free blocks.",
}


@dataclass(frozen=True)
class _Block:
    kind: str  # "h1", "h2", "h3", "p", "ul", "table", "figure", "details"
    text: str = ""  # a figure's file name; a details block's one-line summary
    items: tuple[str, ...] = ()  # a figure's caption and alt text
    header: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()
    children: tuple[_Block, ...] = ()  # a details block's contents


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


#: names a list in the summary gives before "and N more": the VNets of its first paragraph
#: (the address map draws as many at most), the clusters of a recommendation line
_NAMES_LISTED = 8


def _some(names: Sequence[str], table: str) -> str:
    """*names* joined, the first :data:`_NAMES_LISTED` of them past that many, and how many
    more there are in *table*."""
    listed = ", ".join(names[:_NAMES_LISTED])
    more = len(names) - _NAMES_LISTED
    return f"{listed} and {more:,} more (all in {table})" if more > 0 else listed


def _scenario_lines(plan: Plan) -> list[str]:
    sc = plan.scenario
    f = plan.forecast
    vnets = _some(
        [f"{v.name} ({' '.join(str(p) for p in v.address_space)})" for v in sc.vnets],
        "allocation.csv",
    )
    clusters = []
    rows = plan.estimate.clusters
    if len(rows) > MAX_CLUSTERS:  # a sentence per cluster is a page at 100: count them instead
        models = dict.fromkeys(c.network for c in rows)
        clusters.append(
            ", ".join(f"{sum(c.network is m for c in rows):,} on {m}" for m in models)
            + f", {sum(c.nodes for c in rows):,} nodes today, "
            f"{sum(c.planning_nodes for c in rows):,} planned (each in clusters.csv)"
        )
    for c in rows if len(rows) <= MAX_CLUSTERS else ():
        clusters.append(
            f"{c.name} on {c.network} ({plural(c.pools, 'pool')}, {c.nodes:,} nodes today, "
            f"{c.planning_nodes:,} planned"
            + (
                ""
                if c.room is None
                else f", {room_text(None, c.room.limited_by)}"
                if c.room.nodes is None
                else f", room for {c.room.nodes:,}"
            )
            + ")"
        )
    growth = sum(1 for c in plan.clusters for p in c.node_pools if p.growth is not None)
    return [
        f"**{sc.name}**: {plural(len(sc.vnets), 'VNet')}: {vnets}; "
        + (
            f"{plural(len(plan.clusters), 'cluster')}: " + "; ".join(clusters)
            if clusters
            else "no cluster"
        )
        + ".",
        f"Forecast {f.months[0]} to {f.months[-1]} ({show(len(f.months) - 1, 'months')}, "
        f"{plural(growth, 'growing pool')}); models compared: "
        f"{', '.join(str(n) for n in sc.planning.compare)}; headroom "
        f"{sc.planning.headroom_pct}%, warn at {sc.planning.warn_at_pct}%.",
    ]


def _room_cells(row: Comparison) -> tuple[object, object]:
    """The room columns of a comparison row: with no room (rule A18), ``no room`` and the
    limit broken already, never a count."""
    if row.room_nodes is None and row.room_limited_by is not None:
        return "no room", f"{row.room_limited_by}, exceeded already"
    return row.room_nodes, row.room_limited_by


def _month(forecast: Forecast, index: int | None) -> str:
    return f"lasts past {forecast.months[-1]}" if index is None else forecast.months[index]


def _verdict(plan: Plan) -> str:
    v = verdict(plan)
    f = plan.forecast
    if not v.fits:
        return f"**Verdict: the plan does not fit today** ({plural(v.errors, 'problem')} below)."
    if v.first is not None:
        return (
            f"**Verdict: fits today; the first resource runs out in {v.month}** "
            f"({v.first.resource.label}, "
            f"{show(v.first.exhaustion_month or 0, 'months')} of runway)."
        )
    return f"**Verdict: fits today and nothing runs out before {f.months[-1]}.**"


def _lasts(f: Forecast, binding: Series | None) -> str:
    if binding is None:
        return "nothing it uses is sized"
    where = binding.resource.label
    if binding.exhaustion_month == 0:
        return f"with today's sizes its {where} is already short"
    if binding.exhaustion_month is not None:
        return (
            f"with today's sizes its {where} runs out in {f.months[binding.exhaustion_month]} "
            f"({show(binding.exhaustion_month, 'months')})"
        )
    end = binding.utilization_pct(len(f.months) - 1)
    return f"with today's sizes it lasts past {f.months[-1]} (tightest: {where}, {end}% used)"


def _density(o: Option) -> str:
    """The pod density an option was judged at (rule A20)."""
    if o.max_pods is None:
        return ""
    return f"max pods {o.max_pods_by_pool}"


def _reasons(f: Forecast, rec: Recommendation, headroom_pct: int) -> list[str]:
    best = rec.best
    head = "the current model" if best.current else f"today {rec.current}"
    if best.blockers:
        verdict_text = (
            "no compared model avoids a hard limit; this one does least badly: "
            + "; ".join(best.blockers)
        )
    else:
        verdict_text = f"no hard limit before {f.months[-1]}"
    out = [
        f"{best.model} ({head}, {_density(best)}): {verdict_text}; {_lasts(f, best.binding)}; "
        f"{best.vnet_ips:,} VNet IPs at peak"
    ]
    out += [f"whatever the model, set: {s}" for s in best.settings]
    for o in rec.others:
        grow = [f"a {s.phrase}" for s in o.sizes if s.grows]
        # the size for the horizon plus headroom, not the comparison's smallest for the peak
        sized = f", sized for {f.months[-1]} plus {headroom_pct}% headroom"
        needs = f" with {' and '.join(grow)}{sized}" if grow else ""
        at = f" at {_density(o)}" if o.max_pods is not None else ""
        if o.blockers:
            out.append(f"not {o.model}: {o.blockers[0]}")
        elif o.warnings:
            out.append(f"not {o.model}: {o.warnings[0]}")
        elif o.current:
            out.append(
                f"not {o.model} (current): works{needs}, but uses {o.vnet_ips:,} VNet IPs{at}"
            )
        elif best.current:
            out.append(
                f"not {o.model}: would work{needs} ({o.vnet_ips:,} VNet IPs at peak{at}), "
                "but means a migration"
            )
        else:
            out.append(f"not {o.model}: would work{needs}, but uses {o.vnet_ips:,} VNet IPs{at}")
    return out


def _size_text(size: Size, f: Forecast, headroom_pct: int, plan: Plan) -> str:
    unit = KINDS[size.kind][0]
    now = "no size yet" if size.current_prefixlen is None else f"/{size.current_prefixlen}"
    advice = "enough"
    if size.grows:
        advice = "make it larger" if size.subnet is None else grow_advice(plan, size)
    return (
        f"{size.words}: /{size.prefixlen} holds the {size.required_end:,} "
        f"{unit} needed in {f.months[-1]} plus {headroom_pct}% headroom; now {now}: {advice}"
    )


def _provenance(plan: Plan) -> str:
    """Which input and which ipplan made this pack: no timestamp, so the same input gives the
    same bytes."""
    sc = plan.scenario
    digest = f", SHA-256 {sc.sha256}" if sc.sha256 else ""
    return f"Input: {PurePath(sc.source).name}{digest}; made by ipplan {__version__}."


def _explained(plan: Plan) -> list[_Block]:
    """Each cluster's numbers with their formulas and rules (ipplan explain), collapsed: of
    the clusters the cluster charts draw, when they leave some out."""
    shown = clusters_that_matter(plan)
    if len(shown) == len(plan.clusters):
        explanations = explain(plan)
    else:
        explanations = tuple(e for c in shown for e in explain(plan, cluster=c.name))
    out = []
    for e in explanations:
        children: list[_Block] = []
        for section in e.sections:
            children.append(_Block("h3", section.title))
            children.append(
                _table(
                    ["number", "result", "formula", "inputs", "rule"],
                    [
                        (
                            step.what,
                            step.shown,
                            step.formula,
                            "; ".join(f"{i.name} = {show(i.value)}" for i in step.inputs),
                            step.rule,
                        )
                        for step in section.steps
                    ],
                )
            )
        count = sum(len(section.steps) for section in e.sections)
        out.append(
            _Block(
                "details",
                f"Where the numbers of {e.subject} ({e.model}) come from: "
                f"{plural(count, 'number')}, each with its formula, inputs and rule",
                children=tuple(children),
            )
        )
    return out


def _alt(plan: Plan, name: str) -> str:
    """What chart *name* shows, in words, for a reader who cannot see it: what it draws (a
    large estate's charts draw a bounded part of it), and where the rest is."""
    f = plan.forecast
    if name == "utilization.png":
        shown = subnets_that_matter(plan, MAX_ROWS)
        each = "; ".join(f"{s.key} {s.utilization_pct:.1f}%" for s in shown)
        return (
            f"Bar chart of each subnet's use at upgrade peak as a percentage of its usable IPs, "
            f"against the {plan.scenario.planning.warn_at_pct}% warn level: {each or 'none'}"
            + _rest(len(shown), len(plan.subnets), "subnets", "subnets.csv")
        )
    clusters = clusters_that_matter(plan)
    if name == "comparison.png":
        parts = []
        for c in clusters:
            feasible = [
                str(n)
                for n, e in plan.comparisons.items()
                if not e.problems_of(c.name, Severity.ERROR)
            ]
            parts.append(
                f"cluster {c.name} (on {c.network}): "
                + (f"fits under {', '.join(feasible)}" if feasible else "no model fits")
            )
        return (
            "Bar charts per cluster of VNet IPs, smallest node subnet and room to grow under "
            f"each compared model: {'; '.join(parts) or 'no cluster'}"
            + _rest(len(clusters), len(plan.clusters), "clusters", "comparison.csv")
        )
    if name == "forecast.png":
        parts = []
        for c in clusters:
            first = f.binding(f.current, c.name)
            if first is None:
                parts.append(f"{c.name}: nothing sized")
            elif first.exhaustion_month is None:
                parts.append(f"{c.name}: {first.resource.label} lasts past {f.months[-1]}")
            else:
                when = f.months[first.exhaustion_month]
                parts.append(f"{c.name}: {first.resource.label} runs out {when}")
        return (
            f"Line charts per cluster and model of the first resource to run out, as a "
            f"percentage of its capacity from {f.months[0]} to {f.months[-1]}; under the "
            f"scenario's own "
            f"models: {'; '.join(parts) or 'no cluster'}"
            + _rest(len(clusters), len(plan.clusters), "clusters", "exhaustion.csv")
        )
    if name == "address_map.png":
        vnets = drawn_vnets(plan.vnets)
        parts = [
            f"VNet {v.name} ({' '.join(str(a) for a in v.address_space)}): "
            f"{plural(sum(1 for b in v.blocks if b.kind != 'free'), 'subnet')}, "
            f"{v.free:,} addresses free"
            for v in vnets
        ]
        return (
            f"Address map to scale of each VNet's subnets and free blocks: {'; '.join(parts)}"
            + _rest(len(vnets), len(plan.vnets), "VNets", "allocation.csv")
        )
    return name


def _rest(shown: int, total: int, things: str, table: str) -> str:
    """The end of an alt text: ``.``, or how many of *total* are drawn and where all are."""
    if shown >= total:
        return "."
    return f" ({shown:,} of {total:,} {things} shown; all {total:,} are in {table})."


def _blocks(plan: Plan, charts: Sequence[str]) -> list[_Block]:
    sc = plan.scenario
    f = plan.forecast
    blocks = [_Block("h1", f"ipplan review pack: {sc.name}")]
    blocks.append(_p(_provenance(plan)))
    blocks += [_p(line) for line in _scenario_lines(plan)]
    blocks.append(_p(_verdict(plan)))
    # recommendation
    blocks.append(_Block("h2", "Recommendation"))
    if not plan.clusters:
        blocks.append(_p("No cluster, so no network model to recommend."))
    recs = recommend(plan)
    headlines = []
    for rec in recs:
        change = "keep" if rec.model is rec.current else f"move from {rec.current} to"
        grow = [s for s in rec.sizes if s.grows]
        sizes = "; ".join(s.phrase for s in grow)
        tail = (
            f", and grow for {f.months[-1]} plus {sc.planning.headroom_pct}% headroom: {sizes}"
            if grow
            else ", at today's sizes"
        )
        headlines.append(f"{change} {rec.model}{tail}")
    # past the cluster charts' dozen, a line per cluster first, each one's reasons collapsed
    many = len(recs) > MAX_CLUSTERS
    if many:
        blocks.append(
            _p(
                f"{len(recs):,} clusters, a line per recommendation, those that change something "
                "first (a move, then a subnet to grow); each cluster's reasons and sizes follow, "
                "collapsed on the HTML page."
            )
        )
        ordered = sorted(
            zip(recs, headlines, strict=True),
            key=lambda pair: (  # a move first, then a subnet to grow, then the rest
                pair[0].model is pair[0].current,
                not any(s.grows for s in pair[0].sizes),
            ),
        )
        # "keep azure-cni-overlay, at today's sizes" 75 times is one line naming 75 clusters
        alike: dict[str, list[str]] = {}
        for rec, headline in ordered:
            alike.setdefault(headline, []).append(rec.cluster)
        lines = [(headline, _some(names, "clusters.csv")) for headline, names in alike.items()]
        blocks.append(_table(["recommendation", "clusters"], lines))
    each: list[_Block] = []  # past a dozen, one collapsed block per cluster, all in one
    for rec, headline in zip(recs, headlines, strict=True):
        why = (
            _ul(_reasons(f, rec, sc.planning.headroom_pct)),
            _ul([_size_text(s, f, sc.planning.headroom_pct, plan) for s in rec.sizes]),
        )
        if many:
            each.append(_Block("details", f"Cluster {rec.cluster}: {headline}", children=why))
        else:
            blocks.append(_p(f"**Cluster {rec.cluster}: {headline}.**"))
            blocks += why
    if each:  # a hundred one-line headings would bury the table above them
        title = f"Each cluster's reasons and sizes ({plural(len(each), 'cluster')})"
        blocks.append(_Block("details", title, children=tuple(each)))
    # key tables: the subnets utilization.png draws (a large estate's are all in subnets.csv)
    blocks.append(_Block("h2", "Subnets"))
    shown = subnets_that_matter(plan, MAX_ROWS)
    if len(shown) < len(plan.subnets):
        blocks.append(
            _p(
                f"The {len(shown):,} of {len(plan.subnets):,} subnets that matter most, as in "
                f"utilization.png: {SUBNETS_ORDER}; all {len(plan.subnets):,} are in subnets.csv."
            )
        )
    # role and kind as subnets.csv names them; the kind column only when a platform subnet is
    # shown. now and peak are IPs (subnets.csv's required_now_ips and required_peak_ips); min is
    # the smallest prefix that holds the peak
    kinds = any(s.kind for s in shown)
    blocks.append(
        _table(
            [
                "subnet",
                "CIDR",
                "origin",
                "role",
                *(["kind"] if kinds else []),
                "usable",
                "now",
                "peak",
                "used %",
                "min at peak",
                "status",
            ],
            [
                (
                    str(s.key),
                    str(s.cidr),
                    s.origin,
                    s.role,
                    *([s.kind or "-"] if kinds else []),
                    s.usable_ips,
                    s.now_ips,
                    s.peak_ips,
                    f"{s.utilization_pct:.1f}",
                    f"/{s.min_prefixlen}",
                    s.status,
                )
                for s in shown
            ],
        )
    )
    platform = _platform_rows(plan)
    if platform:
        blocks.append(_Block("h2", "Platform subnets (rule A24)"))
        blocks.append(
            _table(
                [
                    "subnet",
                    "kind",
                    "CIDR",
                    "kind's min",
                    "kind's recommended",
                    "delegation",
                    "holds",
                    "check",
                ],
                platform,
            )
        )
    blocks.append(_Block("h2", "Network models compared"))
    compared = clusters_that_matter(plan)  # the clusters comparison.png draws
    if len(compared) < len(plan.clusters):
        blocks.append(
            _p(
                f"The {len(compared):,} of {len(plan.clusters):,} clusters comparison.png draws "
                f"({SHOWN_ORDER}); all {len(plan.clusters):,} are in comparison.csv."
            )
        )
    rows = []
    for cluster in compared:
        for model, estimate in plan.comparisons.items():
            row = comparison(estimate, cluster.name)
            binding = first_to_run_out(plan, model, cluster.name)
            runs_out = "-" if binding is None else _month(f, binding.exhaustion_month)
            errors = estimate.problems_of(cluster.name, Severity.ERROR)
            rows.append(
                (
                    cluster.name,
                    f"{model}{' (current)' if model is cluster.network else ''}",
                    "yes" if not errors else f"NO ({cite(sorted({p.rule for p in errors}))})",
                    row.max_pods_by_pool,
                    row.vnet_ips,
                    f"/{row.node_subnet_min_prefix}",
                    *_room_cells(row),
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
                "max pods",
                "VNet IPs at peak",
                "node subnet min at peak",
                "room (planning nodes)",
                "room limited by",
                "first to run out",
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
    if len(own) > _RUNWAY_ROWS:  # soonest to run out first: the rest last longer
        blocks.append(
            _p(
                f"The {_RUNWAY_ROWS} of {len(own):,} resources that run out soonest (then the "
                f"fullest at {f.months[-1]}); all {len(own):,} are in exhaustion.csv."
            )
        )
        own = own[:_RUNWAY_ROWS]
    blocks.append(
        _table(
            # needed in the first and the last month (exhaustion.csv's required_start and
            # required_end): the peak of the nodes planned then, not the subnets table's now
            [
                "resource",
                "capacity",
                f"needed {f.months[0]}",
                f"needed {f.months[-1]}",
                "warns",
                "runs out",
                "runway",
            ],
            [
                (
                    s.resource.label,
                    f"{s.capacity:,} {s.resource.unit}",
                    s.required[0],
                    s.required[-1],
                    "-" if s.warn_month is None else f.months[s.warn_month],
                    _month(f, s.exhaustion_month),
                    "-" if s.exhaustion_month is None else show(s.exhaustion_month, "months"),
                )
                for s in own
            ],
        )
    )
    if plan.clusters:
        blocks.append(_Block("h2", "Where the numbers come from"))
        blocks.append(
            _p(
                "Each rule id is a section of ipplan's rules document, docs/rules.md (A4 is "
                "docs/rules.md#a4); `ipplan explain` prints the same for any cluster, subnet, "
                "model or month."
            )
        )
        blocks += _explained(plan)
        left = len(plan.clusters) - len(clusters_that_matter(plan))
        if left:
            blocks.append(
                _p(
                    f"The other {plural(left, 'cluster')} (the cluster charts draw "
                    f"{len(plan.clusters) - left:,}): `ipplan explain "
                    f"{PurePath(plan.scenario.source).name} --cluster NAME` prints the same."
                )
            )
    # charts: each kept with its caption (a figure), and described in words for screen readers
    if charts:
        blocks.append(_Block("h2", "Charts"))
        for name in CHART_CAPTIONS:
            if name in charts:
                blocks.append(
                    _Block(
                        "figure",
                        name,
                        items=(CHART_CAPTIONS[name], _alt(plan, name)),
                    )
                )
    # warnings and infeasibilities
    blocks.append(_Block("h2", "Problems, warnings and fixes"))
    items = [
        f"INFEASIBLE: {p} ({cite([p.rule])})"
        for p in plan.estimate.problems
        if p.severity is Severity.ERROR
    ]
    under = "the plan as written" if f.current == CURRENT else f.current
    items += [
        f"runs out: {s.resource.label} in {f.months[s.exhaustion_month]} under {under} "
        f"({s.required[s.exhaustion_month]:,} of {s.capacity:,} {s.resource.unit}); "
        + fix_for(s, f.months[-1])
        for s in f.of(f.current)
        if s.capacity is not None and s.exhaustion_month
    ]
    items += [f"warning: {w}" for w in plan.warnings]
    for model, estimate in plan.comparisons.items():
        for p in estimate.problems:
            if p.severity is Severity.ERROR and model.value != f.current:
                items.append(f"if {model}: {p.message}; {p.fix} ({cite([p.rule])})")
    items = list(dict.fromkeys(items)) or ["none"]
    # an estate can have thousands (a warning per subnet at the warn level): the first ones
    # open, the rest in a block of their own (collapsed on the HTML page)
    blocks.append(_ul(items[:_PROBLEMS_SHOWN]))
    if len(items) > _PROBLEMS_SHOWN:
        rest = items[_PROBLEMS_SHOWN:]
        words = "more problem or warning" if len(rest) == 1 else "more problems and warnings"
        blocks.append(_Block("details", f"{len(rest):,} {words}", children=(_ul(rest),)))
    blocks.append(_Block("h2", "Assumptions (challenge them)"))
    blocks.append(_ul(_assumptions(plan)))
    return blocks


#: problems and warnings the summary lists open; the rest are listed in a collapsed block
_PROBLEMS_SHOWN = 25
#: resources the runway table lists, soonest to run out first (exhaustion.csv has them all)
_RUNWAY_ROWS = 40


def _platform_rows(plan: Plan) -> list[tuple[object, ...]]:
    """Each platform subnet with its kind's rule (A24) and the check's verdict at its size."""
    specs = {(v.name, s.name): s for v in plan.scenario.vnets for s in v.subnets}
    rows: list[tuple[object, ...]] = []
    for s in plan.subnets:
        if s.kind is None:
            continue
        spec = specs[(s.vnet, s.name)]
        rule = KIND_RULES[s.kind]
        found = subnet_kind_violations(
            s.name,
            s.kind,
            prefixlen=int(s.cidr.prefixlen),
            existing=s.origin is Origin.EXISTING,
            sku=spec.sku,
        )
        if s.status is Status.FULL:
            check = f"FULL: needs a /{s.min_prefixlen}"
        else:
            check = "; ".join(f"{v.severity}: {v}" for v in found) or "ok"
        recommended = kind_prefixlen(s.kind, spec.sku)
        rows.append(
            (
                str(s.key),
                str(s.kind),
                str(s.cidr),
                f"/{rule.min_prefixlen}",
                "-" if recommended is None else f"/{recommended}",
                rule.delegation or "-",
                f"{s.peak_ips:,} of {s.usable_ips:,} IPs ({rule.consumes})",
                check,
            )
        )
    return rows


def _upgrade_words(pool: NodePool) -> str:
    """How a pool's upgrade peak is reached (rules A1, A25), in a few words."""
    if pool.priority is Priority.SPOT:
        return "spot: no surge"
    if pool.upgrade is Upgrade.BLUE_GREEN:
        return "blue-green: 2 x nodes"
    if pool.upgrade is Upgrade.IN_PLACE:
        return "in-place: no surge"
    return str(pool.max_surge)


def _assumptions(plan: Plan) -> list[str]:
    sc = plan.scenario
    pools = [(c, p) for c in plan.clusters for p in c.node_pools]
    surges = ", ".join(f"{c.name}/{p.name} {_upgrade_words(p)}" for c, p in pools)
    max_pods = ", ".join(
        f"{c.name}/{p.name} "
        + (
            str(p.max_pods)
            if p.max_pods is not None
            else f"default ({default_max_pods(c.network, p.os)})"
        )
        for c, p in pools
    )
    surges, max_pods = surges or "no node pool", max_pods or "no node pool"
    growth = []
    for c, p in pools:
        if p.growth is not None and p.growth.percent_per_month:
            growth.append(f"{c.name}/{p.name} +{p.growth.percent_per_month:g}% a month")
        if p.growth is not None and p.growth.nodes_per_month:
            per = p.growth.nodes_per_month
            growth.append(f"{c.name}/{p.name} +{per:g} {'node' if per == 1 else 'nodes'} a month")
    defaults = ", ".join(f"{n} {v}" for n, v in DEFAULT_MAX_PODS.items())
    return [
        f"Upgrade surge per pool (rules A1, A25): {surges}. A percentage rounds up, capped at "
        f"the pool's size; the default is {DEFAULT_SURGE} (AKS >= 1.32), the docs' examples use "
        "1; a blue-green pool needs twice its nodes at the peak, in-place and spot pools none.",
        f"Max pods per node (rule A2): {max_pods}. Model defaults: {defaults}; a Windows pool's "
        f"default is at most {WINDOWS_MAX_PODS} (rule A19). A pool that sets max_pods is "
        "compared at it under every model (rule A20).",
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
        "Room to grow (rule A18) grows each cluster's largest user pool (the first pool is the "
        "system pool unless pools say mode) until any limit of its model binds.",
        f"kubenet retires on {KUBENET_RETIREMENT}: past that date it counts as run out (rule A21).",
        "Rules: docs/rules.md (every rule id above resolves there, with its source).",
    ]


# --- rendering ----------------------------------------------------------------------------------


def _md_escape(text: str) -> str:
    return text.replace("|", "\\|")


def summary_markdown(plan: Plan, charts: Sequence[str] = ()) -> str:
    """The summary as Markdown; *charts* are the PNG file names written beside it."""
    return "\n".join(_markdown(_blocks(plan, charts)))


def _markdown(blocks: Sequence[_Block]) -> list[str]:
    out: list[str] = []
    for b in blocks:
        if b.kind == "h1":
            out.append(f"# {b.text}\n")
        elif b.kind == "h2":
            out.append(f"## {b.text}\n")
        elif b.kind == "h3":
            out.append(f"#### {b.text}\n")
        elif b.kind == "details":
            out.append(f"### {b.text}\n")
            out += _markdown(b.children)
        elif b.kind == "p":
            out.append(f"{b.text}\n")
        elif b.kind == "ul":
            out.append("".join(f"- {item}\n" for item in b.items))
        elif b.kind == "table":
            lines = ["| " + " | ".join(b.header) + " |"]
            lines.append("|" + "|".join("---" for _ in b.header) + "|")
            lines += ["| " + " | ".join(_md_escape(c) for c in row) + " |" for row in b.rows]
            out.append("\n".join(lines) + "\n")
        elif b.kind == "figure":
            caption, alt = b.items
            out.append(f"![{_md_escape(alt)}]({b.text})\n\n*{caption}*\n")
    return out


_BOLD = re.compile(r"\*\*(.+?)\*\*")

#: the charts' printed width: every chart is drawn CHART_WIDTH_IN inches wide (charts/style.py),
#: and a landscape A4 or Letter page with 12 mm margins is at least 10.06 in wide, so a chart
#: prints at 100% or more and its smallest (8 pt) text stays at least 8 pt on paper
_CSS = """
body { font-family: system-ui, sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em;
       color: #222; line-height: 1.45; }
h1 { font-size: 1.6em; } h2 { font-size: 1.25em; margin-top: 1.6em; border-bottom: 1px solid #ccc; }
h3 { font-size: 1.05em; margin: 1em 0 0.3em; }
table { border-collapse: collapse; font-size: 0.9em; margin: 0.5em 0 1em; }
th, td { border: 1px solid #bbb; padding: 0.25em 0.6em; text-align: left; vertical-align: top; }
td { font-variant-numeric: tabular-nums; }
th.n, td.n { text-align: right; white-space: nowrap; }
th { background: #f0f0f0; }
figure { margin: 0.5em 0 1.5em; width: 100%; }
figure img { display: block; width: 100%; height: auto; border: 1px solid #ddd; }
figcaption { font-size: 0.95em; margin-top: 0.3em; color: #333; }
.slice { overflow: hidden; width: 100%; }
.slice img { display: block; width: 100%; height: auto; border: none; }
details { margin: 0.4em 0; } summary { cursor: pointer; font-weight: 600; }
.provenance { font-size: 0.85em; color: #555; word-break: break-all; }
li { margin: 0.2em 0; }
@page { size: landscape; margin: 12mm; }
@media print {
  body { max-width: none; margin: 0; padding: 0; font-size: 10pt; }
  h1, h2, h3 { break-after: avoid; page-break-after: avoid; }
  figure { break-inside: avoid; page-break-inside: avoid; margin: 0 0 6mm; }
  figure.sliced { break-inside: auto; page-break-inside: auto; }
  .slice, .keep { break-inside: avoid; page-break-inside: avoid; }
  .slice img { max-height: none; width: 100%; }
  figure.sliced figcaption { break-before: avoid; page-break-before: avoid; }
  figure img { max-width: 100%; max-height: 170mm; width: auto; border: none; }
  tr, li { break-inside: avoid; page-break-inside: avoid; }
  thead { display: table-header-group; }
  table { font-size: 9pt; }
}
"""

#: a table cell that is a number: right-aligned (with its unit, a percentage or a prefix)
_NUMBER = re.compile(r"^(-|[<>]?[-+]?/?\d[\d,]*(\.\d+)?%?( [A-Za-z]+)?)$")


_CODE = re.compile(r"`([^`]+)`")


def _inline(text: str) -> str:
    """Markdown's **bold** and `code` as HTML."""
    escaped = html.escape(text, quote=False)
    return _CODE.sub(r"<code>\1</code>", _BOLD.sub(r"<strong>\1</strong>", escaped))


#: a word long enough to widen its table column past the page (a VNet/subnet key, a delegation)
_LONG_WORD = re.compile(r"\S{17,}")
_CIDR_WORD = re.compile(r"[0-9A-Fa-f:.]+/[0-9]{1,3}")


def _html_cell(text: str) -> str:
    """A table cell as HTML: a long word may break after its ``/``, ``.``, ``-`` or ``_``
    (``<wbr>``), a CIDR never. A table cell does not break a word, so hub-spoke's platform
    subnets (``Microsoft.ServiceNetworking/trafficControllers``) made a table 1,265 px wide on
    a 1,100 px page; breaking anywhere would cut CIDRs and short words too."""
    out, at = [], 0
    for word in _LONG_WORD.finditer(text):
        out.append(html.escape(text[at : word.start()]))
        escaped = html.escape(word.group())
        if not _CIDR_WORD.fullmatch(word.group()):
            escaped = re.sub(r"([/._-])", r"\1<wbr>", escaped)
        out.append(escaped)
        at = word.end()
    out.append(html.escape(text[at:]))
    return "".join(out)


def _numeric_columns(b: _Block) -> list[bool]:
    """Which columns hold numbers only ("-" for none allowed): they are right-aligned."""
    return [
        any(row[i] != "-" for row in b.rows) and all(_NUMBER.match(row[i]) for row in b.rows)
        for i in range(len(b.header))
    ]


def _html(blocks: Sequence[_Block], charts: Mapping[str, Rendered]) -> list[str]:
    out = []
    for b in blocks:
        if b.kind in ("h1", "h2", "h3"):
            out.append(f"<{b.kind}>{_inline(b.text)}</{b.kind}>")
        elif b.kind == "p":
            css = ' class="provenance"' if b.text.startswith("Input: ") else ""
            out.append(f"<p{css}>{_inline(b.text)}</p>")
        elif b.kind == "ul":
            out.append("<ul>" + "".join(f"<li>{_inline(i)}</li>" for i in b.items) + "</ul>")
        elif b.kind == "table":
            cls = [' class="n"' if n else "" for n in _numeric_columns(b)]
            head = "".join(f"<th{cls[i]}>{html.escape(h)}</th>" for i, h in enumerate(b.header))
            body = "".join(
                "<tr>"
                + "".join(f"<td{cls[i]}>{_html_cell(c)}</td>" for i, c in enumerate(row))
                + "</tr>"
                for row in b.rows
            )
            out.append(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
        elif b.kind == "details":
            inner = "\n".join(_html(b.children, charts))
            out.append(f"<details><summary>{_inline(b.text)}</summary>\n{inner}\n</details>")
        elif b.kind == "figure":
            caption, alt = b.items
            out.append(_figure_html(b.text, charts[b.text], caption, alt))
    return out


def _figure_html(name: str, chart: Rendered, caption: str, alt: str) -> str:
    """A chart and its caption; a chart with cluster or VNet bands is stacked from one cropped
    PNG per band, which a printer keeps whole (the page embeds about one image per chart)."""
    caption_html = f"<figcaption>{_inline(caption)}</figcaption>"
    if not chart.bands:
        body = f'<img alt="{html.escape(alt)}" src="{_data_uri(chart.png)}">'
        return f'<figure id="{html.escape(name)}">{body}{caption_html}</figure>'
    slices = [
        f'<div class="slice"><img alt="" src="{_data_uri(part)}"></div>' for part in chart.bands
    ]
    # the last slice and the caption share one unbreakable box: a printer cannot part them
    return (
        f'<figure id="{html.escape(name)}" class="sliced">'
        f'<div role="img" aria-label="{html.escape(alt)}">{"".join(slices[:-1])}</div>'
        f'<div class="keep">{slices[-1]}{caption_html}</div></figure>'
    )


def _data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def summary_html(plan: Plan, charts: Mapping[str, Rendered]) -> str:
    """The summary as one self-contained HTML page, the rendered *charts* embedded as base64
    PNGs (a chart with print bands as one PNG per band)."""
    title = html.escape(f"ipplan review pack: {plan.scenario.name}")
    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        f'<head><meta charset="utf-8"><title>{title}</title><style>{_CSS}</style></head>',
        "<body>",
    ]
    out += _html(_blocks(plan, list(charts)), charts)
    out += ["</body>", "</html>", ""]
    return "\n".join(out)
