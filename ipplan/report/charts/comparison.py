"""comparison.png: every network model side by side per cluster."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ipplan.core.answers import clusters_that_matter
from ipplan.core.capacity import Comparison, comparison
from ipplan.core.plan import Plan
from ipplan.report.charts.clusters import left_out_note
from ipplan.rules import Network

if TYPE_CHECKING:
    from matplotlib.figure import Figure
from ipplan.report.charts.style import (
    _BOX,
    _DPI,
    ALERT,
    CHART_WIDTH_IN,
    _bars,
    _figure,
    _n,
    _text_px,
    _why,
    problem_rules,
)

#: a cluster's band, in inches: its heading, the axes' titles, the bars, the space under them
_HEADER, _TITLE, _BOTTOM = 0.32, 0.62, 0.3
#: what each panel's bars count
_TITLES = (
    "VNet IPs consumed\n(VNet private IPs at peak)",
    "smallest node subnet\n(prefix; each step right doubles)",
    "room to grow\n(nodes when a first limit binds)",
)
#: the line under the bands that says how many clusters are left out, when some are
_NOTE = 0.35


def _band(models: int) -> float:
    return _HEADER + _TITLE + 0.5 * models + _BOTTOM


def comparison_bands(plan: Plan) -> tuple[float, ...]:
    """Where comparison.png may be cut between clusters, in inches from its top (0 first, the
    height last), so a page can print it a cluster at a time at full size (issue 15)."""
    band = _band(sum(1 for n in plan.scenario.planning.compare if n in plan.comparisons))
    count = len(clusters_that_matter(plan))
    return (0.0, *(0.45 + band * i for i in range(1, count)), _height(plan, band, count))


def _height(plan: Plan, band: float, count: int) -> float:
    """The figure's height: the title, *count* bands, and the note when clusters are left out."""
    return 0.45 + band * count + (_NOTE if count < len(plan.clusters) else 0.0)


def comparison_figure(plan: Plan) -> Figure:
    """Per cluster, every compared model side by side: VNet IPs, smallest node subnet, room to
    grow (rule A18); infeasible models hatched, with the rule they break.

    A large estate draws the clusters :func:`clusters_that_matter` picks and says how many it left
    out (they are in comparison.csv)."""
    networks = [n for n in plan.scenario.planning.compare if n in plan.comparisons]
    clusters = clusters_that_matter(plan)
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
    # laid out by hand in inches: a layout engine would double the rendering time; the current
    # model's label is bold, so it is measured bold (else an infeasible one is cut at the left)
    left = (
        max(
            (
                _text_px(labelled[c.name, n], 8.5, "bold" if n is c.network else "normal")
                for c in clusters
                for n in networks
            ),
            default=0,
        )
        / _DPI
        + 0.2
    )
    header, title, gap = _HEADER, _TITLE, 0.3
    plot_h = 0.5 * len(networks)
    band = _band(len(networks))
    width, height = CHART_WIDTH_IN, _height(plan, band, len(clusters))
    fig = _figure(width, height, layout=False)
    fig.suptitle(
        f"{plan.scenario.name}: the network models side by side, at upgrade peak "
        "(hatched = infeasible)",
        fontweight="bold",
        y=1 - 0.1 / height,
        va="top",
    )
    unit = (width - left - 0.25 - 2 * gap) / 3.0  # widths 1 : 1 : 1
    for index, cluster in enumerate(clusters):
        top = height - 0.45 - index * band
        rows: dict[Network, Comparison] = {
            n: comparison(plan.comparisons[n], cluster.name) for n in networks
        }
        bad = {n: rules[cluster.name, n] for n in networks}
        current = sizes.get(cluster.node_pools[0].subnet) if cluster.node_pools else None
        now_prefix = current.prefixlen if current is not None else None
        planned = rows[networks[0]].nodes if networks else 0
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
        for share in (1.0, 1.0, 1.0):
            axes.append(fig.add_axes((x / width, y, share * unit / width, plot_h / height)))
            x += share * unit + gap
        ys = list(range(len(networks)))[::-1]

        # 1. VNet IPs consumed; the model names (and why a model is infeasible) label its rows
        ax = axes[0]
        vnet_ips = [rows[n].vnet_ips for n in networks]
        _bars(ax, networks, bad, vnet_ips, [_n(v) for v in vnet_ips])
        labels = [labelled[cluster.name, n] for n in networks]
        ax.set_yticks(ys, labels, fontsize=8.5)
        for tick, n in zip(ax.get_yticklabels(), networks, strict=True):
            if bad[n]:
                tick.set_color(ALERT)
            if n is cluster.network:
                tick.set_fontweight("bold")
        ax.set_xlim(0, _fit(vnet_ips, [_n(v) for v in vnet_ips], unit))
        # 2. smallest node subnet, on a prefix axis: /29 is one step, each step doubles
        ax = axes[1]
        prefixes = [rows[n].node_subnet_min_prefix or 0 for n in networks]
        ips = [rows[n].node_subnet_ips for n in networks]
        steps = [30 - p for p in prefixes]
        _bars(
            ax,
            networks,
            bad,
            steps,
            [f"/{p} ({_n(i)} IPs)" for p, i in zip(prefixes, ips, strict=True)],
        )
        longest = max(steps + ([30 - now_prefix] if now_prefix else []))
        texts = [f"/{p} ({_n(i)} IPs)" for p, i in zip(prefixes, ips, strict=True)]
        end = max(_fit(steps, texts, unit), longest + 1.0)
        ax.set_xlim(0, end)
        if now_prefix is not None:
            # behind the bars and their boxed labels, so it never strikes through a label
            ax.axvline(30 - now_prefix, color="black", linestyle="--", linewidth=1.2, zorder=0.9)
            ax.annotate(
                f"current /{now_prefix}",
                (30 - now_prefix, 1.0),
                xycoords=("data", "axes fraction"),
                ha="center",
                va="bottom",
                fontsize=8.5,
            )
        # 3. room to grow (rule A18): the same number as clusters.csv and the CLI
        ax = axes[2]
        room = [rows[n].room_nodes or 0 for n in networks]
        _bars(ax, networks, bad, room, [_n(r) for r in room])
        ax.axvline(planned, color="black", linestyle="--", linewidth=1.2, zorder=0.9)
        ax.annotate(
            f"planned {planned:,}",
            (planned, 1.0),
            xycoords=("data", "axes fraction"),
            ha="center",
            va="bottom",
            fontsize=8.5,
        )
        ax.set_xlim(0, max(_fit(room, [_n(r) for r in room], unit), planned * 1.15))
        # no panel has an x scale (_bars): each title says what its bars count
        for ax, words in zip(axes, _TITLES, strict=True):
            ax.set_title(words, loc="left", pad=14, fontsize=9.5)
        for ax in axes:
            for text in ax.texts:  # the bar labels: boxed, above the reference lines
                text.set_bbox(_LABEL_BOX)
                text.set_zorder(3)
    if len(clusters) < len(plan.clusters):
        fig.text(
            0.5,
            0.1 / height,
            left_out_note(plan, len(clusters), "comparison.csv"),
            ha="center",
            va="bottom",
            fontsize=9,
        )
    return fig


#: a white box behind a bar label, tight enough not to notch the bar it follows
_LABEL_BOX = {**_BOX, "pad": 0.1}


def _fit(values: list[int], texts: list[str], width_in: float) -> float:
    """The axis end that keeps every bar's label (drawn after its bar) inside the axes."""
    ends = [1.0]
    for v, t in zip(values, texts, strict=True):
        share = (_text_px(f" {t} ", 8.5) / _DPI + 0.05) / width_in  # of the axes' width
        ends.append(v / max(1 - share, 0.2))
    return max(ends)
