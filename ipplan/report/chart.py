"""The review pack's charts: matplotlib figure builders (the only module besides report.py that
imports matplotlib, always lazily and on the Agg backend).

Every builder returns a :class:`matplotlib.figure.Figure` (no pyplot, no global state), so tests
can read its titles, labels and lines; :func:`png` renders one to PNG bytes. Colours are the
Okabe-Ito palette, which stays distinct under the common colour-vision deficiencies; each network
model has one colour and one marker in every chart, and vermillion always means "runs out" or
"infeasible".
"""

from __future__ import annotations

import io
import ipaddress
import multiprocessing
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from ipplan.core.capacity import Estimate, comparison_row
from ipplan.core.forecast import CURRENT, KINDS, Forecast, Series
from ipplan.core.plan import Plan, VNetPlan
from ipplan.report.summary import cluster_problems, subnet_room
from ipplan.rules import Network, Severity

if TYPE_CHECKING:
    from matplotlib.artist import Artist
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "ALERT",
    "CHARTS",
    "MODEL_COLORS",
    "MODEL_MARKERS",
    "address_map_figure",
    "comparison_figure",
    "forecast_figure",
    "png",
    "rendering",
    "sweep_figure",
    "utilization_figure",
]

#: one colour per network model, in every chart (Okabe-Ito)
MODEL_COLORS: dict[str, str] = {
    Network.KUBENET.value: "#E69F00",  # orange
    Network.AZURE_CNI.value: "#CC79A7",  # reddish purple
    Network.OVERLAY.value: "#0072B2",  # blue
    Network.POD_SUBNET.value: "#009E73",  # bluish green
    Network.POD_SUBNET_STATIC.value: "#56B4E9",  # sky blue
    CURRENT: "#000000",  # the scenario's own (mixed) models
}
#: and one marker, so the models differ without colour too
MODEL_MARKERS: dict[str, str] = {
    Network.KUBENET.value: "o",
    Network.AZURE_CNI.value: "s",
    Network.OVERLAY.value: "^",
    Network.POD_SUBNET.value: "D",
    Network.POD_SUBNET_STATIC.value: "v",
    CURRENT: "P",
}
#: vermillion: runs out, over capacity, infeasible
ALERT = "#D55E00"
#: at or above the warn level
WARN = "#F0E442"
#: neutral greys for "now" and for "at peak" when all is well
NOW_GREY, PEAK_GREY = "#BBBBBB", "#555555"
#: address map block kinds
BLOCK_COLORS = {
    "existing": "#999999",
    "allocated": "#F0E442",
    "sized": "#9AD0B9",
    "free": "#F2F2F2",
}
BLOCK_WORDS = {
    "existing": "existing subnet",
    "allocated": "allocated by ipplan",
    "sized": "sized and allocated by ipplan",
    "free": "free",
}

_DPI = 100
#: a white box behind labels that may sit on a line
_BOX = {"facecolor": "white", "edgecolor": "none", "alpha": 0.85, "pad": 0.6}


def _figure(width: float, height: float, layout: bool = True) -> Figure:
    import matplotlib

    matplotlib.use("Agg")
    rc = matplotlib.rcParams
    rc["font.size"], rc["axes.titlesize"], rc["axes.labelsize"], rc["legend.fontsize"] = (
        9.5,
        10.5,
        9.5,
        9,
    )
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=_DPI, layout="constrained" if layout else None)


def png(figure: Figure) -> bytes:
    """*figure* as PNG bytes (no software or date metadata: the same plan, the same bytes)."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=_DPI, metadata={"Software": None})
    return buffer.getvalue()


def _n(value: int | float) -> str:
    return f"{value:,}"


# --- utilization.png ---------------------------------------------------------------------------


def utilization_figure(plan: Plan) -> Figure:
    """Each subnet: used now and at peak as % of its usable IPs, with the warn and 100% lines."""
    warn_at = plan.scenario.planning.warn_at_pct
    by_vnet: dict[str, list[Any]] = {}
    for s in plan.subnets:
        by_vnet.setdefault(s.vnet, []).append(s)
    vnets = [v.name for v in plan.vnets if v.name in by_vnet]
    labels = {id(s): f"{s.name}  {s.cidr}\n{s.role}, {s.origin}" for s in plan.subnets}
    # laid out by hand in inches: a layout engine would double the rendering time
    left = max((_text_px(t, 8.5) for t in labels.values()), default=0) / _DPI + 0.2
    row_h, title_h, gap, bottom, legend = 0.42, 0.3, 0.12, 0.55, 0.6
    width = 11.5
    height = 0.45 + sum(title_h + row_h * (len(by_vnet[v]) + 0.6) + gap for v in vnets)
    height += bottom + legend
    fig = _figure(width, height, layout=False)
    fig.suptitle(
        f"{plan.scenario.name}: subnet utilization now and at upgrade peak "
        f"(% of usable IPs; warn at {warn_at}%)",
        fontweight="bold",
        y=1 - 0.1 / height,
        va="top",
    )
    axes = []
    y = height - 0.45
    for vnet in vnets:
        h = row_h * (len(by_vnet[vnet]) + 0.6)
        y -= title_h + h
        rect = (left / width, y / height, (width - left - 0.25) / width, h / height)
        axes.append(fig.add_axes(rect))
        y -= gap
    top = max([110.0] + [min(s.utilization_pct, 150.0) + 25 for s in plan.subnets])
    for ax, vnet in zip(axes, vnets, strict=True):
        subnets = by_vnet[vnet][::-1]  # first subnet on top
        ys = range(len(subnets))
        now = [100 * s.now_ips / s.usable_ips if s.usable_ips else 0.0 for s in subnets]
        peak = [s.utilization_pct for s in subnets]
        colors = [
            ALERT if s.status == "full" else WARN if s.status == "warn" else PEAK_GREY
            for s in subnets
        ]
        ax.barh([y + 0.18 for y in ys], [min(v, top) for v in now], 0.34, color=NOW_GREY)
        ax.barh(
            [y - 0.18 for y in ys],
            [min(v, top) for v in peak],
            0.34,
            color=colors,
            edgecolor="black",
            linewidth=0.4,
        )
        for y, s in zip(ys, subnets, strict=True):
            tag = {"full": "  FULL", "warn": "  WARN"}.get(s.status, "")
            text = f"{_n(s.peak_ips)} of {_n(s.usable_ips)} IPs at peak ({s.utilization_pct}%){tag}"
            if s.role == "unused":
                text = f"unused ({_n(s.usable_ips)} usable IPs)"
            ax.text(
                min(s.utilization_pct, top) + 1,
                y - 0.18,
                text,
                va="center",
                bbox=_BOX,
                fontsize=8.5,
                color=ALERT if s.status == "full" else "black",
                fontweight="bold" if tag else "normal",
            )
        ax.set_yticks(list(ys), [labels[id(s)] for s in subnets], fontsize=8.5)
        ax.tick_params(axis="x", labelbottom=ax is axes[-1])
        ax.axvline(100, color="black", linewidth=1.2)
        ax.axvline(warn_at, color="black", linewidth=1, linestyle="--")
        ax.set_xlim(0, top)
        ax.set_xticks(range(0, int(top) + 1, 20 if top <= 160 else 40))
        ax.set_ylim(-0.7, len(subnets) - 0.3)
        ax.set_title(f"VNet {vnet}", loc="left")
        ax.grid(axis="x", color="#DDDDDD", linewidth=0.6)
        ax.set_axisbelow(True)
    if axes:  # a scenario may have no subnet at all (a VNet to plan into, nothing yet)
        axes[-1].set_xlabel("utilization (% of the subnet's usable IPs; 100% = full)")
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    statuses = {s.status for s in plan.subnets}
    handles: list[Artist] = [
        Patch(color=NOW_GREY, label="now (today's nodes, other users)"),
        Patch(facecolor=PEAK_GREY, edgecolor="black", label="at peak (planned nodes + surge)"),
    ]
    if "warn" in statuses:
        handles.append(Patch(facecolor=WARN, edgecolor="black", label=f"peak >= {warn_at}%"))
    if "full" in statuses:
        handles.append(Patch(facecolor=ALERT, edgecolor="black", label="peak above capacity"))
    handles += [
        Line2D([], [], color="black", linestyle="--", label=f"warn level {warn_at}%"),
        Line2D([], [], color="black", linewidth=1.2, label="capacity (100%)"),
    ]
    fig.legend(
        handles=handles,
        loc="lower center",
        bbox_to_anchor=(0.5, 0.04 / height),
        ncols=3,
        frameon=False,
    )
    return fig


# --- comparison.png ----------------------------------------------------------------------------

#: a few words per rule of aks-ip-rules.md Part A, for labels
RULE_WORDS = {
    "A2": "max pods out of range",
    "A3": "node subnet too small",
    "A6": "pod CIDR too small",
    "A7": "kubenet limit",
    "A8": "pod subnet too small",
    "A9": "static pod subnet too small",
    "A10": "AKS node limits",
    "A15": "VNet IP limit",
}


def problem_rules(estimate: Estimate, cluster: str) -> list[str]:
    """The Part A rules *cluster* breaks under *estimate* (errors only), sorted."""
    return sorted({p.rule for p in cluster_problems(estimate, cluster, Severity.ERROR)})


def _why(rules: Sequence[str]) -> str:
    return "; ".join(f"{RULE_WORDS.get(r, r)} ({r})" for r in rules)


def _int(value: object) -> int:
    return int(value) if isinstance(value, int) else 0


def _bars(
    ax: Axes,
    networks: Sequence[Network],
    bad: Mapping[Network, Sequence[str]],
    values: Sequence[float],
    texts: Sequence[str],
) -> None:
    """One horizontal bar per model, top to bottom; infeasible ones hatched with a red edge."""
    ys = list(range(len(networks)))[::-1]
    for y, n, v, t in zip(ys, networks, values, texts, strict=True):
        infeasible = bool(bad[n])
        ax.barh(
            y,
            v,
            0.62,
            color=MODEL_COLORS[n.value],
            hatch="///" if infeasible else None,
            edgecolor=ALERT if infeasible else "black",
            linewidth=1.4 if infeasible else 0.4,
        )
        ax.text(v, y, f" {t}", va="center", fontsize=8.5)
    ax.set_ylim(-0.6, len(ys) - 0.4)
    ax.grid(axis="x", color="#DDDDDD", linewidth=0.6)
    ax.set_axisbelow(True)
    ax.set_yticks(ys, [""] * len(ys))


def comparison_figure(plan: Plan) -> Figure:
    """Per cluster, every compared model side by side: VNet IPs, smallest node subnet, max nodes
    the current node subnet holds; infeasible models hatched, with the rule they break."""
    networks = [n for n in plan.scenario.planning.compare if n in plan.comparisons]
    clusters = list(plan.clusters)
    sizes = plan.subnet_sizes
    rules = {
        (c.name, n): problem_rules(plan.comparisons[n], c.name) for c in clusters for n in networks
    }
    labelled = {
        (c.name, n): f"{n}{'  (current)' if n is c.network else ''}"
        + (f"\nINFEASIBLE: {_why(rules[c.name, n])}" if rules[c.name, n] else "")
        for c in clusters
        for n in networks
    }
    # laid out by hand in inches: a layout engine would double the rendering time
    left = max((_text_px(t, 8.5) for t in labelled.values()), default=0) / _DPI + 0.2
    header, title, bottom, gap = 0.32, 0.42, 0.62, 0.45
    plot_h = 0.5 * len(networks)
    band = header + title + plot_h + bottom
    width, height = 13.5, 0.45 + band * len(clusters)
    fig = _figure(width, height, layout=False)
    fig.suptitle(
        f"{plan.scenario.name}: the network models side by side, at upgrade peak "
        "(hatched = infeasible)",
        fontweight="bold",
        y=1 - 0.1 / height,
        va="top",
    )
    unit = (width - left - 0.25 - 2 * gap) / 3.25  # widths 1.25 : 1 : 1
    for index, cluster in enumerate(clusters):
        top = height - 0.45 - index * band
        rows = {n: comparison_row(plan.comparisons[n], cluster.name) for n in networks}
        bad = {n: rules[cluster.name, n] for n in networks}
        current = sizes.get(cluster.node_pools[0].subnet) if cluster.node_pools else None
        now_prefix = current.prefixlen if current is not None else None
        planned = _int(rows[networks[0]]["nodes"]) if networks else 0
        fig.text(
            0.08 / width,
            (top - 0.04) / height,
            f"cluster {cluster.name}: {cluster.network} today, {planned:,} planned nodes; "
            f"node subnet {cluster.node_pools[0].subnet if cluster.node_pools else '-'}"
            + (f" (/{now_prefix})" if now_prefix else ""),
            fontweight="bold",
            fontsize=10.5,
            va="top",
        )
        y = (top - header - title - plot_h) / height
        x, axes = left, []
        for share in (1.25, 1.0, 1.0):
            axes.append(fig.add_axes((x / width, y, share * unit / width, plot_h / height)))
            x += share * unit + gap
        ys = list(range(len(networks)))[::-1]

        # 1. VNet IPs consumed; the model names (and why a model is infeasible) label its rows
        ax = axes[0]
        vnet_ips = [_int(rows[n]["vnet_ips"]) for n in networks]
        _bars(ax, networks, bad, vnet_ips, [_n(v) for v in vnet_ips])
        labels = [labelled[cluster.name, n] for n in networks]
        ax.set_yticks(ys, labels, fontsize=8.5)
        for tick, n in zip(ax.get_yticklabels(), networks, strict=True):
            if bad[n]:
                tick.set_color(ALERT)
            if n is cluster.network:
                tick.set_fontweight("bold")
        ax.set_xlim(0, max(vnet_ips + [1]) * 1.3)
        _few_ticks(ax.xaxis, 4)
        ax.set_xlabel("VNet private IPs consumed at peak (IPs)")
        ax.set_title("VNet IPs consumed", loc="left")
        # 2. smallest node subnet, on a prefix axis: /29 is one step, each step doubles
        ax = axes[1]
        prefixes = [_int(rows[n]["node_subnet_min_prefix"]) for n in networks]
        ips = [_int(rows[n]["node_subnet_ips"]) for n in networks]
        steps = [30 - p for p in prefixes]
        _bars(
            ax,
            networks,
            bad,
            steps,
            [f"/{p} ({_n(i)} IPs)" for p, i in zip(prefixes, ips, strict=True)],
        )
        longest = max(steps + ([30 - now_prefix] if now_prefix else []))
        ax.set_xlim(0, longest + 4.2)
        # every other prefix is labelled, always including the current one
        anchor = 30 - now_prefix if now_prefix else 1
        ticks = [t for t in range(1, int(longest + 4.2) + 1) if (t - anchor) % 2 == 0]
        ax.set_xticks(ticks, [f"/{30 - t}" for t in ticks], fontsize=8)
        if now_prefix is not None:
            ax.axvline(30 - now_prefix, color="black", linestyle="--", linewidth=1.2)
            ax.annotate(
                f"current /{now_prefix}",
                (30 - now_prefix, 1.0),
                xycoords=("data", "axes fraction"),
                ha="center",
                va="bottom",
                fontsize=8.5,
            )
        ax.set_xlabel("prefix length (each step right doubles the IPs)")
        ax.set_title("smallest node subnet", loc="left", pad=14)
        # 3. max nodes in the current node subnet
        ax = axes[2]
        room = [subnet_room(plan.comparisons[n], cluster.name) for n in networks]
        fits = [r or 0 for r, _ in room]
        in_subnet = room[0][1] if room else 0
        _bars(ax, networks, bad, fits, [_n(r) if r else "does not fit" for r, _ in room])
        ax.axvline(in_subnet, color="black", linestyle="--", linewidth=1.2)
        ax.annotate(
            f"planned {in_subnet:,}",
            (in_subnet, 1.0),
            xycoords=("data", "axes fraction"),
            ha="center",
            va="bottom",
            fontsize=8.5,
        )
        ax.set_xlim(0, max(fits + [in_subnet, 1]) * 1.3)
        _few_ticks(ax.xaxis, 4)
        ax.set_xlabel("nodes, all its pools (surge must fit too)")
        ax.set_title("max nodes in the current node subnet", loc="left", pad=14)
        axes[0].set_title("VNet IPs consumed", loc="left", pad=14)
    return fig


# --- forecast.png ------------------------------------------------------------------------------


def _wrap_name(name: str) -> str:
    """Break a long resource name after its VNet: ``spoke-prod/\naks-nodes``."""
    return name.replace("/", "/\n", 1) if len(name) > 22 and "/" in name else name


def _forecast_panel(
    ax: Axes, forecast: Forecast, series: Series | None, model: str, own: bool, rules: list[str]
) -> None:
    """One model's binding resource for one cluster: required vs capacity, month by month."""
    months = list(range(len(forecast.months)))
    infeasible = bool(rules)
    ax.set_title(
        f"{model}{'  (current)' if own else ''}"
        + (f"\nINFEASIBLE now ({', '.join(rules)})" if infeasible else "\n"),
        loc="left",
        fontsize=9,
        fontweight="bold",
        color=ALERT if infeasible else "black",
    )
    ticks = months[:: 12 if len(months) <= 61 else 24]
    ax.set_xticks(ticks, [forecast.months[t] for t in ticks], fontsize=8)
    ax.set_xlim(0, max(months[-1], 1))
    ax.grid(color="#EEEEEE", linewidth=0.6)
    if series is None or not series.capacity:
        words = "not compared" if model not in forecast.models and not own else "nothing sized"
        ax.text(0.5, 0.5, words, ha="center", va="center", transform=ax.transAxes)
        ax.set_yticks([])
        return
    cap, unit = series.capacity, series.resource.unit
    ax.plot(
        months,
        series.required,
        color=MODEL_COLORS.get(model, "black"),
        linewidth=2.2,
        marker=MODEL_MARKERS.get(model, "o"),
        markevery=6,
        markersize=5,
    )
    ax.axhline(cap, color="black", linewidth=1.3)
    ax.axhline(cap * forecast.warn_at_pct / 100, color="black", linestyle=":", linewidth=1)
    top = max(cap, max(series.required)) * 1.22
    ax.set_ylim(0, top)
    ax.text(0.5, cap + top * 0.015, f"capacity {_n(cap)}", va="bottom", fontsize=8, bbox=_BOX)
    _few_ticks(ax.yaxis, 4)
    ax.yaxis.set_major_formatter(_THOUSANDS())
    ax.tick_params(axis="y", labelsize=8)
    kind = KINDS[series.resource.kind][1]
    ax.set_xlabel(f"{kind} ({unit})\n{_wrap_name(series.resource.name)}", fontsize=8.5)
    m = series.exhaustion_month
    if m is not None:
        ax.axvline(m, color=ALERT, linewidth=1.8, linestyle="--")
        words = "short now" if m == 0 else f"runs out\n{forecast.months[m]}"
        right = m < len(months) * 0.55
        ax.text(
            m + 0.6 if right else m - 0.6,
            top * 0.97,
            words,
            color=ALERT,
            fontweight="bold",
            fontsize=8.5,
            va="top",
            ha="left" if right else "right",
            bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.5},
        )
    else:
        end = series.utilization_pct(len(months) - 1)
        low = series.required[-1] / top < 0.45  # the line ends low: write above it
        ax.text(
            0.97,
            0.72 if low else 0.04,
            f"lasts: {end}% used\nin {forecast.months[-1]}",
            transform=ax.transAxes,
            ha="right",
            va="top" if low else "bottom",
            fontsize=8,
            bbox=_BOX,
        )


def _few_ticks(axis: Any, count: int) -> None:
    """At most *count* + 1 round-numbered ticks: each tick costs render time."""
    from matplotlib.ticker import MaxNLocator

    axis.set_major_locator(MaxNLocator(nbins=count, integer=True, min_n_ticks=2))


def _THOUSANDS() -> Any:
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda value, _: f"{value:,.0f}")


#: the narrowest forecast panel, in inches: room for the 3 year labels of a 36-month horizon
_MIN_PANEL_W = 1.9


def forecast_figure(plan: Plan) -> Figure:
    """Per cluster (a row) and model (a column), the binding resource: the one that runs out
    first. Required (the model's colour) vs capacity (black) month by month, the warn level
    dotted, the exhaustion month marked and labelled; the resource is named under each panel.

    The cluster's own model's panel shows the plan as written (every cluster on its own model).
    Laid out by hand in inches (no layout engine: it would double the rendering time).
    """
    forecast = plan.forecast
    models = [m for m in forecast.models if m != CURRENT]
    models += [c.network.value for c in plan.clusters if c.network.value not in models]
    panels = []
    for cluster in plan.clusters:
        for model in models:
            own = model == cluster.network.value
            source = forecast.current if own else model
            estimate = plan.estimate if own else plan.comparisons.get(Network(model))
            rules = [] if estimate is None else problem_rules(estimate, cluster.name)
            panels.append((cluster, model, own, rules, forecast.binding(source, cluster.name)))
    # the widest y tick label is at most the axis top (capacity or peak, plus 22%)
    tops = [
        int(max(b.capacity, *b.required) * 1.22) for _, _, _, _, b in panels if b and b.capacity
    ]
    left = _text_px(_n(max(tops, default=0)), 8) / _DPI + 0.16  # the y tick labels
    title_h, panel_h, bottom_h, label_h, gap = 0.3, 1.6, 0.7, 0.42, 0.14
    band = title_h + label_h + panel_h + bottom_h
    legend_rows = -(-(len(models) + 3) // 5)
    # each panel keeps at least _MIN_PANEL_W inches, however wide its tick labels (a pool
    # growing 1000% a month needs 27-digit ones): the figure widens instead
    n = len(models)
    width = max(2.65 * n + 0.4, 9.0, 0.45 + n * (left + _MIN_PANEL_W) + (n - 1) * gap)
    height = 0.45 + band * len(plan.clusters) + 0.2 + 0.22 * legend_rows
    fig = _figure(width, height, layout=False)
    fig.suptitle(
        f"{plan.scenario.name}: the first resource to run out, per cluster and model, "
        f"{forecast.months[0]} to {forecast.months[-1]}",
        fontweight="bold",
        y=1 - 0.12 / height,
        va="top",
    )
    # 0.35 in on the right: the last month's tick label is centred on the axis end
    panel_w = (width - 0.45 - len(models) * left - (len(models) - 1) * gap) / len(models)
    for index, (cluster, model, own, rules, binding) in enumerate(panels):
        row, col = divmod(index, len(models))
        top = height - 0.45 - row * band
        if col == 0:
            fig.text(
                0.06 / width,
                (top - 0.04) / height,
                f"cluster {cluster.name} (today {cluster.network})",
                fontweight="bold",
                fontsize=10.5,
                va="top",
            )
        x = 0.1 + left + col * (panel_w + gap + left)
        y = top - title_h - label_h - panel_h
        ax = fig.add_axes((x / width, y / height, panel_w / width, panel_h / height))
        _forecast_panel(ax, forecast, binding, model, own, rules)
    from matplotlib.lines import Line2D

    handles = [
        Line2D(
            [],
            [],
            color=MODEL_COLORS.get(m, "black"),
            marker=MODEL_MARKERS.get(m, "o"),
            linewidth=2.2,
            label=f"required: {m}",
        )
        for m in models
    ]
    handles += [
        Line2D([], [], color="black", linewidth=1.3, label="capacity"),
        Line2D([], [], color="black", linestyle=":", label=f"warn level {forecast.warn_at_pct}%"),
        Line2D([], [], color=ALERT, linestyle="--", linewidth=1.8, label="runs out"),
    ]
    fig.legend(
        handles=handles,
        loc="lower center",
        bbox_to_anchor=(0.5, 0.04 / height),
        ncols=5,
        frameon=False,
        fontsize=8.5,
    )
    return fig


# --- address_map.png ---------------------------------------------------------------------------


def _ip(version: int, value: int) -> str:
    return str(ipaddress.IPv4Address(value) if version == 4 else ipaddress.IPv6Address(value))


@lru_cache(maxsize=512)
def _text_px(text: str, size: float = 8) -> float:
    """Width in pixels of *text* (its widest line) at font *size*, measured on the real font."""
    from matplotlib.font_manager import FontProperties

    font = FontProperties(size=size)
    widths = [
        _renderer().get_text_width_height_descent(line, font, ismath=False)[0]
        for line in text.split("\n")
    ]
    return float(max(widths))


@lru_cache(maxsize=1)
def _renderer() -> Any:
    from matplotlib.backends.backend_agg import RendererAgg

    return RendererAgg(1, 1, _DPI)  # type: ignore[no-untyped-call]


def _callouts(
    spans: Sequence[tuple[float, str]], width_px: float
) -> list[tuple[float, float, int]]:
    """Place labels above a strip for blocks too narrow to hold theirs.

    *spans* are (block centre in 0..1, label) sorted by centre. Labels go left to right on one
    row, each at its block or just after the previous one (so leader lines never cross); when
    a row runs out of room, the next row up starts. Returns (label x, its block centre, row).
    """
    out: list[tuple[float, float, int]] = []
    row, end = 0, 0.0
    for centre, text in spans:
        need = (_text_px(text) + 14) / width_px
        x = max(centre - need / 2, end)
        if x + need > 1.0 and end > 0:
            row, end = row + 1, 0.0
            x = max(centre - need / 2, 0.0)
        x = min(max(x, 0.0), 1.0 - need)
        out.append((x, centre, row))
        end = x + need
    return out


def _narrow(name: str, cidr: Any, size: int, width_px: float) -> bool:
    """True when a block of *cidr* in a strip of *size* addresses is too narrow for its label."""
    return int(cidr.size) / size * width_px <= _text_px(f"{name}\n{cidr}") + 8


def _zoom(vnet: VNetPlan, prefix: Any, width_px: float) -> tuple[int, int, int] | None:
    """The smallest aligned block holding the subnets too narrow to label in *prefix*'s strip,
    when there are two or more and it is at most 1/8 of the prefix: (start, size, prefixlen)."""
    size = int(prefix.size)
    narrow = [
        b.cidr
        for b in vnet.blocks
        if b.kind != "free"
        and prefix.first <= b.cidr.first <= prefix.last
        and _narrow(b.name, b.cidr, size, width_px)
    ]
    if len(narrow) < 2:
        return None
    low = min(int(c.first) for c in narrow)
    high = max(int(c.last) for c in narrow)
    bits = (low ^ high).bit_length()
    width = 32 if prefix.version == 4 else 128
    if prefix.prefixlen + 3 > width - bits:
        return None
    return (low >> bits << bits, 1 << bits, width - bits)


def _strip_top(rows: int) -> float:
    """The top of a strip's y axis: the bar spans 0..1, each row of callouts 0.95 above it."""
    return 1.15 + 0.95 * rows + (0.1 if rows else 0)


def _strip(
    ax: Axes, vnet: VNetPlan, version: int, first: int, size: int, title: str, width_px: float
) -> None:
    """Addresses [first, first + size) of a VNet as a to-scale strip, its blocks labelled."""
    blocks = [
        b for b in vnet.blocks if int(b.cidr.first) < first + size and int(b.cidr.last) >= first
    ]
    spans: list[tuple[float, str]] = []
    for b in blocks:
        x = (max(int(b.cidr.first), first) - first) / size
        w = (min(int(b.cidr.last) + 1, first + size) - first) / size - x
        free = b.kind == "free"
        ax.broken_barh(
            [(x, w)],
            (0, 1),
            facecolors=BLOCK_COLORS[b.kind],
            edgecolors="#AAAAAA" if free else "black",
            linewidth=0.6,
        )
        text = f"free /{b.cidr.prefixlen}" if free else f"{b.name}\n{b.cidr}"
        if w * width_px > _text_px(text) + 8:
            ax.text(
                x + w / 2,
                0.5,
                text,
                ha="center",
                va="center",
                fontsize=8,
                color="#666666" if free else "black",
            )
        elif not free:
            spans.append((x + w / 2, text))
    spans.sort()
    placed = _callouts(spans, width_px)
    rows = 1 + max((row for _, _, row in placed), default=-1)
    for (x, centre, row), (_, text) in zip(placed, spans, strict=True):
        ax.annotate(
            text,
            (centre, 1.0),
            xytext=(x, 1.25 + 0.95 * row),
            textcoords="data",
            fontsize=8,
            va="bottom",
            ha="left",
            arrowprops={
                "arrowstyle": "-",
                "color": "#444444",
                "linewidth": 0.7,
                "shrinkA": 0,
                "shrinkB": 0,
                "relpos": (0, 0),
            },
        )
    ax.set_ylim(0, _strip_top(rows))
    ax.set_xlim(0, 1)
    ticks = [i / 4 for i in range(5)]
    labels = [_ip(version, first + int(t * size)) for t in ticks[:-1]]
    ax.set_xticks(ticks, labels + [_ip(version, first + size - 1)], fontsize=8)
    ax.set_yticks([])
    for side in ("left", "right", "top"):
        ax.spines[side].set_visible(False)
    ax.set_title(title, loc="left")


def address_map_figure(plan: Plan) -> Figure:
    """Each VNet's address space to scale, one strip per prefix: existing, allocated, sized and
    free blocks, labelled with name and CIDR (above the strip when a block is too narrow).

    When a prefix's subnets all sit in a small corner of it, a second strip zooms in on the
    smallest aligned block that holds them, also to scale.
    """
    width = 13.0
    width_px = (width - 1.2) * _DPI
    strips: list[tuple[VNetPlan, int, int, int, str, float]] = []
    for vnet in plan.vnets:
        for prefix in vnet.address_space:
            first, size, version = int(prefix.first), int(prefix.size), int(prefix.version)
            used = sum(
                int(b.cidr.size)
                for b in vnet.blocks
                if b.kind != "free" and prefix.first <= b.cidr.first <= prefix.last
            )
            title = (
                f"VNet {vnet.name}: {prefix} ({_n(size)} addresses, "
                f"{100 * used / size:.1f}% in subnets)"
            )
            strips.append((vnet, version, first, size, title, 1.0))
            zoom = _zoom(vnet, prefix, width_px)
            if zoom is not None:
                start, zsize, zlen = zoom
                strips.append(
                    (
                        vnet,
                        version,
                        start,
                        zsize,
                        f"    zoom on {_ip(version, start)}/{zlen}, where its subnets are "
                        f"({_n(zsize)} addresses)",
                        1.0,
                    )
                )
    heights = []
    for vnet, _, first, size, _, _ in strips:
        spans = []
        for b in vnet.blocks:
            if b.kind == "free" or not first <= int(b.cidr.first) < first + size:
                continue
            if _narrow(b.name, b.cidr, size, width_px):
                w = int(b.cidr.size) / size
                spans.append(((int(b.cidr.first) - first) / size + w / 2, f"{b.name}\n{b.cidr}"))
        rows = 1 + max((r for _, _, r in _callouts(sorted(spans), width_px)), default=-1)
        heights.append(_strip_top(rows))
    # laid out by hand in inches (one data unit of a strip is 0.42 in): no layout engine
    unit, title_h, ticks_h, legend = 0.42, 0.3, 0.32, 0.75
    height = 0.45 + sum(title_h + unit * h + ticks_h for h in heights) + legend
    fig = _figure(width, height, layout=False)
    fig.suptitle(
        f"{plan.scenario.name}: VNet address maps (to scale)",
        fontweight="bold",
        y=1 - 0.1 / height,
        va="top",
    )
    y = height - 0.45
    axes = []
    for (vnet, version, first, size, title, _), h in zip(strips, heights, strict=True):
        y -= title_h + unit * h
        # 0.6 in each side: the first and last tick labels are centred on the strip's ends
        ax = fig.add_axes((0.6 / width, y / height, (width - 1.2) / width, unit * h / height))
        _strip(ax, vnet, version, first, size, title, width_px)
        axes.append(ax)
        y -= ticks_h
    axes[-1].set_xlabel("address (each strip to its own scale)")
    from matplotlib.patches import Patch

    kinds = [k for k in BLOCK_COLORS if any(b.kind == k for v in plan.vnets for b in v.blocks)]
    handles = [
        Patch(
            facecolor=BLOCK_COLORS[k],
            edgecolor="#AAAAAA" if k == "free" else "black",
            label=BLOCK_WORDS[k],
        )
        for k in kinds
    ]
    fig.legend(
        handles=handles,
        loc="lower center",
        bbox_to_anchor=(0.5, 0.04 / height),
        ncols=len(handles),
        frameon=False,
    )
    return fig


# --- sweep heatmap -----------------------------------------------------------------------------


def sweep_figure(
    nodes: Sequence[int],
    max_pods: Sequence[int],
    prefixes: Mapping[str, Any],
    feasible: Mapping[str, Any],
    title: str,
) -> Figure:
    """Smallest node subnet prefix by nodes (x) and max pods (y), one panel per model; cells
    that break an AKS or Azure limit are grey.

    Args:
        nodes, max_pods: the axes' values, ascending.
        prefixes, feasible: per model, grids indexed [max pods index][nodes index].
        title: the figure title (what was swept).
    """
    import matplotlib
    import numpy as np
    from matplotlib.colors import BoundaryNorm, ListedColormap
    from matplotlib.patches import Patch

    models = list(prefixes)
    # a panel is a few hundred pixels wide: more than 1,000 columns only cost time
    thin = max(1, -(-len(nodes) // 1000))
    if thin > 1:
        nodes = list(nodes)[::thin]
        prefixes = {m: np.asarray(prefixes[m])[:, ::thin] for m in models}
        feasible = {m: np.asarray(feasible[m])[:, ::thin] for m in models}
    grids = {m: np.ma.masked_where(~np.asarray(feasible[m]), prefixes[m]) for m in models}
    shown = [grids[m].compressed() for m in models if grids[m].count()]
    values = [int(v) for a in shown for v in (a.min(), a.max())] or [24]
    low, high = min(values), max(values)
    levels = list(range(low, high + 2))
    base = matplotlib.colormaps["cividis"].resampled(max(len(levels) - 1, 1))
    cmap = ListedColormap(base(range(len(levels) - 1))).with_extremes(bad="#DDDDDD")
    norm = BoundaryNorm([v - 0.5 for v in levels], cmap.N)
    cols = min(len(models), 3)
    rows = -(-len(models) // cols)
    fig = _figure(4.4 * cols + 1.4, 1.0 + 2.4 * rows + 0.2 * len(max_pods) * rows)
    fig.suptitle(title, fontweight="bold")
    grid = fig.subplots(rows, cols, squeeze=False)
    image = None
    annotate = len(nodes) * len(max_pods) <= 150
    # evenly spaced node counts get a real, round-numbered axis; a list gets one tick per value
    gaps = {b - a for a, b in zip(nodes, nodes[1:], strict=False)}
    even = len(gaps) == 1
    step = gaps.pop() if even else 1
    xs = list(nodes) if even else list(range(len(nodes)))
    extent = (xs[0] - step / 2, xs[-1] + step / 2, -0.5, len(max_pods) - 0.5)
    for i, ax in enumerate(grid.flat):
        if i >= len(models):
            ax.set_axis_off()
            continue
        model = models[i]
        image = ax.imshow(
            grids[model],
            aspect="auto",
            origin="lower",
            cmap=cmap,
            norm=norm,
            interpolation="nearest",
            extent=extent,
        )
        ax.set_title(model, loc="left", fontweight="bold")
        if even:
            _few_ticks(ax.xaxis, 6)
            ax.xaxis.set_major_formatter(_THOUSANDS())
            ax.tick_params(axis="x", labelsize=8)
        else:
            every = max(1, -(-len(nodes) // 6))
            xticks = list(range(0, len(nodes), every))
            ax.set_xticks(xticks, [_n(nodes[t]) for t in xticks], fontsize=8)
        ystep = max(1, -(-len(max_pods) // 8))
        yticks = list(range(0, len(max_pods), ystep))
        ax.set_yticks(yticks, [str(max_pods[t]) for t in yticks], fontsize=8)
        ax.set_xlabel("nodes (planning count)")
        ax.set_ylabel("max pods per node")
        # label each run of one prefix along a row (every cell when the grid is small)
        for y in range(len(max_pods)):
            row = np.where(np.asarray(feasible[model][y]), np.asarray(prefixes[model][y]), -1)
            starts = [0, *(np.flatnonzero(row[1:] != row[:-1]) + 1).tolist()]
            ends = [*(s - 1 for s in starts[1:]), len(row) - 1]
            for first, last in zip(starts, ends, strict=True):
                p = int(row[first])
                if p < 0 or not (annotate or last - first + 1 >= len(nodes) / 12):
                    continue
                light = (p - low) / max(high - low, 1) > 0.55
                ax.text(
                    (xs[first] + xs[last]) / 2,
                    y,
                    f"/{p}",
                    ha="center",
                    va="center",
                    fontsize=7.5,
                    color="black" if light else "white",
                )
    if image is not None:
        bar = fig.colorbar(image, ax=grid.ravel().tolist(), ticks=levels[:-1], shrink=0.9)
        bar.ax.set_yticklabels([f"/{p}" for p in levels[:-1]], fontsize=8)
        bar.set_label("smallest node subnet (prefix; darker = larger subnet)")
    fig.legend(
        handles=[Patch(color="#DDDDDD", label="breaks an AKS or Azure limit (see the CSV)")],
        loc="outside lower center",
        frameon=False,
    )
    return fig


#: file name -> figure builder, in the order the summary shows them
CHARTS = {
    "utilization.png": utilization_figure,
    "comparison.png": comparison_figure,
    "forecast.png": forecast_figure,
    "address_map.png": address_map_figure,
}
#: the order worker processes take them in: the slowest first
_BY_COST = ("forecast.png", "comparison.png", "address_map.png", "utilization.png")

_JOB_PLAN: list[Plan] = []  # the plan forked workers render (inherited, never pickled)


def _render_job(name: str) -> bytes:
    return png(CHARTS[name](_JOB_PLAN[0]))


@contextmanager
def rendering(plan: Plan, jobs: int | None = None) -> Iterator[Callable[[], dict[str, bytes]]]:
    """Start rendering every chart of *plan*; yield a function that waits for them all.

    Rendering is most of ``ipplan plan``'s time, so where ``fork`` exists and there is more
    than one CPU the charts render in worker processes while the caller goes on (writing the
    CSV tables); otherwise they render one by one when waited for. Same bytes either way.

    Args:
        jobs: worker processes; default one per CPU, at most one per chart. 1: no workers.
    """
    workers = min(len(CHARTS), jobs or os.cpu_count() or 1)
    if workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        yield lambda: {name: png(build(plan)) for name, build in CHARTS.items()}
        return
    plan.forecast  # noqa: B018 - computed once here, so the workers inherit it
    _figure(1, 1)  # and matplotlib imported once, not once per worker
    _JOB_PLAN[:] = [plan]
    context = multiprocessing.get_context("fork")
    try:
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            futures = {name: pool.submit(_render_job, name) for name in _BY_COST}
            yield lambda: {name: futures[name].result() for name in CHARTS}
    finally:
        _JOB_PLAN.clear()
