"""comparison.png: every network model side by side per cluster."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ipplan.core.answers import clusters_that_matter
from ipplan.core.capacity import Cluster, Comparison, comparison
from ipplan.core.plan import Plan
from ipplan.report.charts.clusters import left_out_note
from ipplan.rules import Network

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
from ipplan.report.charts.style import (
    _BOX,
    _DPI,
    ALERT,
    CHART_WIDTH_IN,
    MODEL_COLORS,
    _figure,
    _line_h,
    _n,
    _text_h,
    _text_px,
    _why,
    _wrap,
    problem_rules,
)

#: a cluster's band, in inches: its heading, the axes' titles, the bars, the space under them
_HEADER, _TITLE, _BOTTOM = 0.32, 0.62, 0.3
#: the heading's and the panels' titles' font sizes (points)
_HEADING_PT, _TITLE_PT = 10.5, 9.5
#: the widest a model's label may be (inches), and the gap between two panels
_LABEL_MAX_IN, _GAP = 3.0, 0.3
#: what each panel's bars count
_TITLES = (
    "VNet IPs consumed\n(VNet private IPs at peak)",
    "smallest node subnet at peak\n(prefix; each step right doubles)",
    "room to grow (rule A18)\n(planning nodes while every limit holds)",
)
#: the line under the bands that says how many clusters are left out, when some are
_NOTE = 0.35


def _networks(plan: Plan) -> list[Network]:
    """The models compared, in the scenario's order."""
    return [n for n in plan.scenario.planning.compare if n in plan.comparisons]


def _current(plan: Plan, cluster: Cluster) -> tuple[int | None, int]:
    """The prefix of *cluster*'s node subnet (None when it has none yet) and its planned
    nodes, which its heading states and its panels mark."""
    networks = _networks(plan)
    subnet = plan.subnet_sizes.get(cluster.node_pools[0].subnet) if cluster.node_pools else None
    planned = comparison(plan.comparisons[networks[0]], cluster.name).nodes if networks else 0
    return (subnet.prefixlen if subnet is not None else None), planned


def _headings(
    plan: Plan, currents: Sequence[tuple[int | None, int]], clusters: Sequence[Cluster]
) -> tuple[list[str], float]:
    """Each drawn cluster's heading (its *currents*: node subnet prefix and planned nodes),
    broken to the page's width (long names run past it), and the height every band gives its
    heading: room for the one that breaks into most lines."""
    out = []
    for cluster, (now_prefix, planned) in zip(clusters, currents, strict=True):
        out.append(
            _wrap(
                f"cluster {cluster.name}: {cluster.network} today, {planned:,} planned nodes; "
                f"node subnet {cluster.node_pools[0].subnet if cluster.node_pools else '-'}"
                + (f" (/{now_prefix})" if now_prefix else ""),
                CHART_WIDTH_IN - 0.16,
                _HEADING_PT,
                "bold",
            )
        )
    return out, max((_text_h(h, _HEADING_PT, _HEADER) for h in out), default=_HEADER)


@dataclass(frozen=True)
class _Layout:
    """What comparison_figure draws and comparison_bands cuts, computed once for each."""

    networks: list[Network]  # the models compared
    clusters: list[Cluster]  # the clusters drawn, a band each
    currents: list[tuple[int | None, int]]  # each one's node subnet prefix and planned nodes
    headings: list[str]  # each cluster's heading, broken to the page's width
    header: float  # the height of a band's heading (inches)
    rules: dict[tuple[str, Network], list[str]]  # (cluster, model): the rules it breaks
    labelled: dict[tuple[str, Network], str]  # (cluster, model): its row's label
    left: float  # the label column's width, where the first panel starts (inches)
    unit: float  # each panel's width (inches)
    titles: list[str]  # each panel's title, broken to its width
    title: float  # the height of a band's titles, the space above its frames (inches)
    band: float  # a cluster's band (inches)


def _layout(plan: Plan) -> _Layout:
    """The clusters drawn, their labels and the widths and heights of their bands."""
    networks = _networks(plan)
    clusters = clusters_that_matter(plan)
    currents = [_current(plan, c) for c in clusters]
    headings, header = _headings(plan, currents, clusters)
    rules = {
        (c.name, n): problem_rules(plan.comparisons[n], c.name) for c in clusters for n in networks
    }
    # a model's label: its name, and why it is infeasible broken to at most _LABEL_MAX_IN (two
    # rules' words would squeeze the panels); the current model's is bold, so measured bold
    labelled = {
        (c.name, n): f"{n}{' (current)' if n is c.network else ''}"
        + (
            "\n" + _wrap(f"INFEASIBLE: {_why(rules[c.name, n])}", _LABEL_MAX_IN, 8.5)
            if rules[c.name, n]
            else ""
        )
        for c in clusters
        for n in networks
    }
    # laid out by hand in inches: a layout engine would double the rendering time
    widest = max(
        (
            _text_px(labelled[c.name, n], 8.5, "bold" if n is c.network else "normal")
            for c in clusters
            for n in networks
        ),
        default=0,
    )
    left = widest / _DPI + 0.2
    unit = (CHART_WIDTH_IN - left - 0.25 - 2 * _GAP) / 3.0  # widths 1 : 1 : 1
    # each title to its panel's width: a wide label column narrows the panels
    titles = [
        "\n".join(_wrap(line, unit, _TITLE_PT) for line in words.split("\n")) for words in _TITLES
    ]
    extra = max(t.count("\n") - w.count("\n") for t, w in zip(titles, _TITLES, strict=True))
    title = _TITLE + _line_h(_TITLE_PT) * extra
    band = header + title + 0.5 * len(networks) + _BOTTOM
    return _Layout(
        networks,
        clusters,
        currents,
        headings,
        header,
        rules,
        labelled,
        left,
        unit,
        titles,
        title,
        band,
    )


def comparison_bands(plan: Plan) -> tuple[float, ...]:
    """Where comparison.png may be cut between clusters, in inches from its top (0 first, the
    height last), so a page can print it a cluster at a time at full size (issue 15)."""
    layout = _layout(plan)
    band, count = layout.band, len(layout.clusters)
    return (0.0, *(0.45 + band * i for i in range(1, count)), _height(plan, band, count))


def _height(plan: Plan, band: float, count: int) -> float:
    """The figure's height: the title, *count* bands, and the note when clusters are left out."""
    return 0.45 + band * count + (_NOTE if count < len(plan.clusters) else 0.0)


def comparison_figure(plan: Plan) -> Figure:
    """Per cluster, every compared model side by side: VNet IPs, smallest node subnet, room to
    grow (rule A18); infeasible models hatched, with the rule they break.

    A large estate draws the clusters :func:`clusters_that_matter` picks and says how many it left
    out (they are in comparison.csv)."""
    layout = _layout(plan)
    networks, clusters, headings = layout.networks, layout.clusters, layout.headings
    rules, labelled, left, unit = layout.rules, layout.labelled, layout.left, layout.unit
    header, title, band, gap = layout.header, layout.title, layout.band, _GAP
    plot_h = 0.5 * len(networks)
    width, height = CHART_WIDTH_IN, _height(plan, band, len(clusters))
    fig = _figure(width, height, layout=False)
    fig.suptitle(
        f"{plan.scenario.name}: the network models side by side, at upgrade peak "
        "(hatched = infeasible)",
        fontweight="bold",
        y=1 - 0.1 / height,
        va="top",
    )
    # one axes per column, for every cluster: its y data is inches from the figure's bottom, its
    # x each panel's share of its width. Each panel's frame, title and scale are its own, so it
    # reads as before, but 30 axes at 10 clusters were half of the chart's CPU (issue 11)
    tops = [height - 0.45 - index * band - header - title for index in range(len(clusters))]
    columns = []
    if clusters:
        low, high = tops[-1] - plot_h, tops[0]
        for index in range(3):
            x = (left + index * (unit + gap)) / width
            ax = fig.add_axes((x, low / height, unit / width, (high - low) / height))
            ax.set_xlim(0, 1)
            ax.set_ylim(low, high)
            ax.spines[:].set_visible(False)  # each panel draws its own frame
            ax.set_xticks([])
            ax.set_yticks([])
            columns.append(ax)
    # a model's row: the rows' centres 0.6, 1.6, ... steps of n + 0.2 down a panel, each bar
    # 0.62 of a step
    step = plot_h / (len(networks) + 0.2)
    ticks: list[tuple[float, str, bool, bool]] = []  # row, label, infeasible, the current model
    bars: tuple[list[_Bar], ...] = ([], [], [])  # each column's, drawn in one call
    for cluster, (now_prefix, planned), heading, top in zip(
        clusters, layout.currents, headings, tops, strict=True
    ):
        rows: dict[Network, Comparison] = {
            n: comparison(plan.comparisons[n], cluster.name) for n in networks
        }
        bad = {n: rules[cluster.name, n] for n in networks}
        fig.text(
            0.08 / width,
            (top + title + header - 0.04) / height,
            heading,
            fontweight="bold",
            fontsize=_HEADING_PT,
            va="top",
        )
        ys = [top - (0.6 + row) * step for row in range(len(networks))]
        ticks += [
            (y, labelled[cluster.name, n], bool(bad[n]), n is cluster.network)
            for y, n in zip(ys, networks, strict=True)
        ]
        panel = _Panel(top, plot_h, ys, networks, bad, unit)

        # 1. VNet IPs consumed; the model names (and why a model is infeasible) label its rows
        vnet_ips = [rows[n].vnet_ips for n in networks]
        texts = [_n(v) for v in vnet_ips]
        bars[0].extend(panel.bars(columns[0], vnet_ips, texts, _fit(vnet_ips, texts, unit)))
        # 2. smallest node subnet, on a prefix axis: /29 is one step, each step doubles
        prefixes = [rows[n].node_subnet_min_prefix or 0 for n in networks]
        ips = [rows[n].node_subnet_ips for n in networks]
        steps = [30 - p for p in prefixes]
        longest = max(steps + ([30 - now_prefix] if now_prefix else []))
        texts = [f"/{p} ({_n(i)} IPs)" for p, i in zip(prefixes, ips, strict=True)]
        end = max(_fit(steps, texts, unit), longest + 1.0)
        bars[1].extend(panel.bars(columns[1], steps, texts, end))
        if now_prefix is not None:
            panel.line(columns[1], (30 - now_prefix) / end, f"current /{now_prefix}")
        # 3. room to grow (rule A18): the same number as clusters.csv and the CLI
        # no room (a limit broken with the growth pool at 0) is said, never drawn as a count
        room = [rows[n].room_nodes or 0 for n in networks]
        texts = [
            "no room" if rows[n].room_nodes is None and rows[n].room_limited_by else _n(r)
            for n, r in zip(networks, room, strict=True)
        ]
        end = max(_fit(room, texts, unit), planned * 1.15)
        bars[2].extend(panel.bars(columns[2], room, texts, end))
        panel.line(columns[2], planned / end, f"planned {planned:,}")
        # no panel has an x scale: each title says what its bars count
        for index, words in enumerate(layout.titles):
            fig.text(
                (left + index * (unit + gap)) / width,
                (top + _TITLE_PAD) / height,
                words,
                va="baseline",
                fontsize=_TITLE_PT,
            )
    for ax, column in zip(columns, bars, strict=False):
        # one barh call per column: each is a container, its patches and a limits update
        ax.barh(
            [b.y for b in column],
            [b.share for b in column],
            0.62 * step,
            color=[MODEL_COLORS[b.network.value] for b in column],
            hatch=["///" if b.infeasible else None for b in column],
            edgecolor=[ALERT if b.infeasible else "black" for b in column],
            linewidth=[1.4 if b.infeasible else 0.4 for b in column],
        )
    if columns:
        # the models' names label the first column's rows: the current one bold, red the
        # infeasible
        columns[0].set_yticks([t[0] for t in ticks], [t[1] for t in ticks], fontsize=8.5)
        for tick, (_, _, infeasible, own) in zip(columns[0].get_yticklabels(), ticks, strict=True):
            if infeasible:
                tick.set_color(ALERT)
            if own:
                tick.set_fontweight("bold")
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


@dataclass(frozen=True)
class _Bar:
    """A model's bar in a panel: its row (inches), its length (a share of the panel's width),
    its model, and whether the model is infeasible (hatched, with a red edge)."""

    y: float
    share: float
    network: Network
    infeasible: bool


@dataclass(frozen=True)
class _Panel:
    """Where one cluster's panels are in their column (inches): the frame's *top* and height,
    each model's row; and which models are infeasible, by what rules."""

    top: float
    height: float
    ys: Sequence[float]
    networks: Sequence[Network]
    bad: Mapping[Network, Sequence[str]]
    width: float  # the frame's width (inches)

    def bars(
        self, ax: Axes, values: Sequence[float], texts: Sequence[str], end: float
    ) -> list[_Bar]:
        """The panel's frame and each model's number; its bars, *end* the value at the
        panel's right edge, for the column to draw."""
        from matplotlib.patches import Rectangle

        ax.add_patch(
            Rectangle(
                (0, self.top - self.height),
                1,
                self.height,
                fill=False,
                linewidth=_FRAME,
                clip_on=False,
            )
        )
        for y, v, t in zip(self.ys, values, texts, strict=True):
            # boxed, above the reference lines
            ax.text(v / end, y, f" {t}", va="center", fontsize=8.5, bbox=_LABEL_BOX, zorder=3)
        return [
            _Bar(y, v / end, n, bool(self.bad[n]))
            for y, v, n in zip(self.ys, values, self.networks, strict=True)
        ]

    def line(self, ax: Axes, x: float, label: str) -> None:
        """A dashed reference line at *x* (a share of the panel's width) and its label above
        the frame; behind the bars and their boxed labels, so it never strikes one through."""
        top = self.top
        ax.plot(
            [x, x],
            [top - self.height, top],
            color="black",
            linestyle="--",
            linewidth=1.2,
            zorder=0.9,
        )
        at, ha = _marker_label_x(x, label, self.width)
        ax.text(at, top, label, ha=ha, va="bottom", fontsize=8.5, bbox=_LABEL_BOX, zorder=3)


def _marker_label_x(x: float, label: str, width_in: float) -> tuple[float, str]:
    """Where a reference line's *label* goes over a frame *width_in* wide, and how it is
    aligned there: centred on the line at *x* (a share of the frame's width) when that keeps
    it inside the frame; else starting at the line (a line near the left edge) or ending at it
    (near the right edge); a label wider than what is left beside the line ends at that edge.
    """
    half = (_text_px(label, 8.5) / _DPI / 2 + _BOX_PAD_IN) / width_in  # of the frame's width
    if half <= x <= 1 - half:
        return x, "center"
    pad = _BOX_PAD_IN / width_in
    if x < half:  # near the left edge: the label starts at the line, and ends in the frame
        return min(max(x, pad), 1 - 2 * half + pad), "left"
    return max(min(x, 1 - pad), 2 * half - pad), "right"


#: a panel's frame: matplotlib's axes frame (axes.linewidth)
_FRAME = 0.8
#: a panel's title sits this far above its frame (inches; 14 pt, as an axes title's pad was)
_TITLE_PAD = 14 / 72

#: a white box behind a bar label, tight enough not to notch the bar it follows
_LABEL_BOX = {**_BOX, "pad": 0.1}
#: how far that box reaches beyond its text, in inches (its pad is a share of the font size)
_BOX_PAD_IN = 0.1 * 8.5 / 72


def _fit(values: list[int], texts: list[str], width_in: float) -> float:
    """The axis end that keeps every bar's label (drawn after its bar) inside the axes."""
    ends = [1.0]
    for v, t in zip(values, texts, strict=True):
        share = (_text_px(f" {t} ", 8.5) / _DPI + 0.05) / width_in  # of the axes' width
        ends.append(v / max(1 - share, 0.2))
    return max(ends)
