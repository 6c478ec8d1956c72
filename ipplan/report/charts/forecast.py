"""forecast.png: per cluster, each model's resource that runs out first, as a share of it."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from ipplan.core.answers import clusters_that_matter
from ipplan.core.capacity import Cluster
from ipplan.core.forecast import CURRENT, KINDS, Forecast, Series, unsupported_from
from ipplan.core.keys import ResourceKind
from ipplan.core.plan import Plan
from ipplan.report.charts.clusters import left_out_note
from ipplan.report.charts.style import (
    ALERT,
    CHART_WIDTH_IN,
    MODEL_COLORS,
    MODEL_MARKERS,
    _figure,
    _line_h,
    _n,
    _text_h,
    _wrap,
    problem_rules,
)
from ipplan.rules import Network, cite

if TYPE_CHECKING:
    from matplotlib.artist import Artist
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

#: the y axis of every panel, in % of a resource's capacity: one scale for every cluster and
#: model, so that a reader compares heights across the page; a line above it leaves the panel
#: at its top edge, and its label says when it ran out
TOP_PCT = 125
#: the panel's plot area and the label column at its right, in inches
_LEFT, _PLOT_W, _GAP = 0.62, 5.0, 0.32
_LABEL_W = CHART_WIDTH_IN - _LEFT - _PLOT_W - _GAP - 0.12
_LABEL_PT = 8
#: a label line's height, in inches, and the space between two labels
_LINE_H, _LABEL_SPACE = _line_h(_LABEL_PT), 0.05
#: a cluster's band: its heading, its panel (at least _PANEL_H) and the x axis under it
_HEAD_H, _PANEL_H, _AXIS_H = 0.36, 1.9, 0.5
_HEAD_PT = 10.5
#: the top of the figure (its title) and the line under the legend that says how many
#: clusters are left out, when some are
_TITLE_H, _NOTE = 0.45, 0.3
#: a line's markers, every so many months; lines drawn on one another share them out, and
#: their dashes too, each this long (points)
_MARK_EVERY, _DASH_PT = 6, 7.0


@dataclass(frozen=True)
class _Line:
    """One model's line in a cluster's panel: its binding resource and the words beside it."""

    model: str
    own: bool
    series: Series | None  # None: nothing sized
    label: str  # the model and its status, the resource, and what the line does off scale
    alert: bool  # infeasible now, or runs out within the horizon
    shares: tuple[float, ...] = ()  # % of capacity month by month (none: no line to draw)
    #: where the line leaves the top of the scale for good, in months (None: it ends on the
    #: scale; 0.0 with ``off`` when it is above the scale from month 0)
    exit: float | None = None
    off: bool = False  # above the scale every month: no line is drawn, the label says so
    #: the lines drawn on exactly this one (in the panel's order, this line first), each with
    #: its own dash and marker phase so that every colour shows (issue: lines at one value)
    shared: tuple[str, ...] = ()


def _drawn(series: Series | None) -> bool:
    """Whether *series* has a line: a capacity to be a share of (kubenet's support months are
    none once the plan starts after its retirement month)."""
    return series is not None and series.capacity is not None and series.capacity > 0


def _status(forecast: Forecast, series: Series | None, rules: list[str]) -> str:
    """How the model's binding resource ends: infeasible now, short now, runs out, or lasts."""
    if rules:
        return f"INFEASIBLE now ({cite(rules)})"
    if series is None or series.capacity is None:
        return "nothing sized"
    m = series.exhaustion_month
    end = len(forecast.months) - 1
    if series.resource.kind is ResourceKind.RETIREMENT:  # rule A21: a date, not a count
        if m is None:
            return f"supported past {forecast.months[end]}"
        return f"unsupported from {unsupported_from()}"
    if m == 0:
        pct = series.utilization_pct(0)
        return "short now" if pct is None else f"short now ({pct}% of capacity)"
    if m is not None:
        return f"runs out {forecast.months[m]}"
    return f"lasts, {series.utilization_pct(end)}% used in {forecast.months[end]}"


def _resource_words(series: Series | None, weight: str) -> str:
    """``node subnet vnet-000/c000-nodes: 507 IPs``, broken to the label column's width (at
    the label's *weight*: the cluster's own model's label is bold, and wider)."""
    if series is None or series.capacity is None:
        return ""
    resource = series.resource
    if resource.kind is ResourceKind.RETIREMENT:
        months = f": {_n(series.capacity)} months" if series.capacity > 0 else ""
        words = f"{KINDS[resource.kind][1]}{months}"
    else:
        words = f"{resource.label}: {_n(series.capacity)} {resource.unit}"
    return _fit(words, weight)


def _fit(text: str, weight: str) -> str:
    """*text* broken to the label column's width."""
    return _wrap(text, _LABEL_W, _LABEL_PT, weight)


def _shares(forecast: Forecast, series: Series | None) -> tuple[float, ...]:
    """*series* in % of its capacity, month by month (none when it has no line)."""
    if series is None or not _drawn(series):
        return ()
    return tuple(series.utilization_pct(m) or 0.0 for m in range(len(forecast.months)))


def _exit(shares: tuple[float, ...]) -> float | None:
    """Where a line ending above the scale (TOP_PCT) leaves it for good, in months, the
    segments between months straight as drawn (0.0 when it is above it every month); None
    when it ends on the scale."""
    if not shares or shares[-1] <= TOP_PCT:
        return None
    last = max((m for m, v in enumerate(shares) if v <= TOP_PCT), default=None)
    if last is None:
        return 0.0
    low, high = shares[last], shares[last + 1]
    return last + (TOP_PCT - low) / (high - low)


def _off_words(forecast: Forecast, shares: tuple[float, ...], exit: float | None) -> str:
    """What the label says of a line that leaves the scale: from which month it is above it,
    or that it is above it from the start (so no line is drawn), with its share then."""
    if exit is None:
        return ""
    if exit == 0.0:
        return (
            f"\u2191 off the scale, no line: {_n(shares[0])}% of capacity in {forecast.months[0]}"
        )
    month = forecast.months[min(int(exit) + 1, len(shares) - 1)]
    return f"\u2191 off the scale (above {TOP_PCT}%) from {month}"


def _lines(plan: Plan, cluster: Cluster, models: list[str]) -> list[_Line]:
    """The lines of *cluster*'s panel: each model compared, and its own (the plan as written)."""
    forecast = plan.forecast
    out = []
    drawn: dict[tuple[float, ...], list[str]] = {}  # each drawn line's shares: its models
    for model in models:
        own = model == cluster.network.value
        if not own and model not in forecast.models:
            continue  # not compared
        source = forecast.current if own else model
        estimate = plan.estimate if own else plan.comparisons.get(Network(model))
        rules = [] if estimate is None else problem_rules(estimate, cluster.name)
        series = forecast.binding(source, cluster.name)
        head = _fit(
            f"{model}{' (current)' if own else ''}: {_status(forecast, series, rules)}",
            "bold" if own else "normal",
        )
        weight = "bold" if own else "normal"
        shares = _shares(forecast, series)
        exit = _exit(shares)
        off = exit == 0.0
        # what is drawn: the shares up to the top of the scale, where the line leaves it
        seen = (
            drawn.setdefault(tuple(min(v, TOP_PCT) for v in shares), [])
            if shares and not off
            else []
        )
        same = f"same line as {seen[0]}" if seen else ""
        seen.append(model)
        label = "\n".join(
            filter(
                None,
                (
                    head,
                    _resource_words(series, weight),
                    _fit(_off_words(forecast, shares, exit), weight),
                    _fit(same, weight),
                ),
            )
        )
        runs_out = series is not None and series.exhaustion_month is not None
        out.append(_Line(model, own, series, label, bool(rules) or runs_out, shares, exit, off))
    groups = {model: tuple(models) for models in drawn.values() for model in models}
    return [replace(line, shared=groups.get(line.model, ())) for line in out]


def _label_h(line: _Line) -> float:
    return (line.label.count("\n") + 1) * _LINE_H


def _panel_h(lines: list[_Line]) -> float:
    """A panel's height: at least _PANEL_H, and room for its labels stacked."""
    return max(_PANEL_H, sum(_label_h(line) + _LABEL_SPACE for line in lines) + 0.1)


def _models(plan: Plan, clusters: list[Cluster]) -> list[str]:
    """The models drawn, each once: the compared ones, then the drawn clusters' own models not
    among them."""
    compared = [m for m in plan.forecast.models if m != CURRENT]
    return list(dict.fromkeys([*compared, *(c.network.value for c in clusters)]))


@dataclass(frozen=True)
class _Layout:
    """What forecast_figure draws and forecast_bands cuts, computed once for both."""

    #: each drawn cluster, its heading (broken to the page's width), its lines, its height
    rows: list[tuple[Cluster, str, list[_Line], float]]
    models: list[str]  # the legend's models
    left_out: bool  # some clusters are not drawn: a note says so under the legend
    cuts: list[float]  # the top of each cluster's band, inches from the top; the height last


def _legend_h(models: int) -> float:
    return 0.2 + 0.22 * -(-(models + 4) // 4)


def _layout(plan: Plan) -> _Layout:
    """The drawn clusters (those :func:`clusters_that_matter` picks), their lines and panel
    heights, and where their bands start."""
    clusters = clusters_that_matter(plan)
    models = _models(plan, clusters)
    rows = []
    for cluster in clusters:
        lines = _lines(plan, cluster, models)
        heading = _wrap(
            f"cluster {cluster.name} (today {cluster.network})",
            CHART_WIDTH_IN - 0.12,
            _HEAD_PT,
            "bold",
        )
        rows.append((cluster, heading, lines, _panel_h(lines)))
    tops = [0.0]
    for _, heading, _, panel_h in rows:
        tops.append(tops[-1] + _text_h(heading, _HEAD_PT, _HEAD_H) + panel_h + _AXIS_H)
    left_out = len(rows) < len(plan.clusters)
    height = _TITLE_H + tops[-1] + _legend_h(len(models)) + _NOTE * left_out
    return _Layout(rows, models, left_out, [_TITLE_H + t for t in tops[:-1]] + [height])


def forecast_bands(plan: Plan) -> tuple[float, ...]:
    """Where forecast.png may be cut between clusters, in inches from its top (0 first, the
    height last; the legend stays with the last cluster), so a page prints it a cluster at a
    time at full size (issue 15)."""
    cuts = _layout(plan).cuts
    return (0.0, *cuts[1:-1], cuts[-1])


def _spread(wanted: list[float], heights: list[float], top: float) -> list[float]:
    """Label centres (inches above the panel's bottom) as close to *wanted* as they go
    without overlapping, each *heights* tall, all between 0 and *top*."""
    order = sorted(range(len(wanted)), key=lambda i: -wanted[i])
    placed = [0.0] * len(wanted)
    ceiling = top
    for i in order:  # top down: each below the one above it
        half = heights[i] / 2
        placed[i] = min(wanted[i], ceiling - half)
        ceiling = placed[i] - half - _LABEL_SPACE
    floor = 0.0
    for i in reversed(order):  # bottom up: lift the ones pushed under the panel
        half = heights[i] / 2
        placed[i] = max(placed[i], floor + half)
        floor = placed[i] + half + _LABEL_SPACE
    return placed


def _panel(ax: Axes, forecast: Forecast, lines: list[_Line], panel_h: float) -> None:
    """One cluster: each model's binding resource in % of its capacity, month by month, with
    its label (status and resource) at the right, level with where its line ends."""
    months = list(range(len(forecast.months)))
    room = max(int(_PLOT_W / 0.55), 2)  # a "YYYY-MM" label is about 0.5 in
    step = next(k for k in (6, 12, 18, 24, 36, 48, 60, 120, 10**6) if len(months[::k]) <= room)
    ticks = months[::step]
    ax.set_xticks(ticks, [forecast.months[t] for t in ticks], fontsize=8)
    ax.set_xlim(0, max(months[-1], 1))
    ax.set_ylim(0, TOP_PCT)
    ax.set_yticks([0, 25, 50, 75, 100], ["0%", "25%", "50%", "75%", "100%"], fontsize=8)
    ax.set_ylabel("% of capacity used", fontsize=8)
    ax.grid(color="#EEEEEE", linewidth=0.6)
    ax.axhspan(100, TOP_PCT, color=ALERT, alpha=0.07, linewidth=0)
    ax.axhline(100, color="black", linewidth=1.3)
    ax.axhline(forecast.warn_at_pct, color="black", linestyle=":", linewidth=1)
    x_end = max(months[-1], 1)
    ends = []  # where each label wants to be, in % (above TOP_PCT: only its order at the top)
    starts: list[tuple[float, float] | None] = []  # each leader's start, in axes fractions
    for line in lines:
        share = list(line.shares)
        if not share or line.off:
            # no line: what has run out (kubenet past its retirement) or what is above the
            # scale from the start labelled at the top, with no leader
            ends.append(TOP_PCT if line.alert or line.off else 0.0)
            starts.append(None)
            continue
        color = MODEL_COLORS.get(line.model, "black")
        width = 2.8 if line.own else 1.8
        # lines on one another: each its share of every dash and its own marker months
        k, i = max(len(line.shared), 1), max(line.shared.index(line.model), 0) if line.shared else 0
        dash = (i * _DASH_PT / width, (_DASH_PT / width, (k - 1) * _DASH_PT / width))
        ax.plot(
            months,
            share,
            color=color,
            linewidth=width,
            linestyle="-" if k == 1 else dash,
            marker=MODEL_MARKERS.get(line.model, "o"),
            markevery=(i * _MARK_EVERY // k, _MARK_EVERY),
            markersize=5,
            zorder=3 if line.own else 2,
            gid=f"required {line.model}",
        )
        m = line.series.exhaustion_month if line.series is not None else None
        if m is not None and share[m] <= TOP_PCT:
            ax.plot(
                [m],
                [share[m]],
                linestyle="none",
                marker="X",
                markersize=9,
                color=ALERT,
                markeredgecolor="white",
                zorder=5,
                gid="runs-out",
            )
        if line.exit is None:
            ends.append(max(share[-1], 0.0))
            starts.append((1.0, ends[-1] / TOP_PCT))
        else:
            # the leader starts where the line leaves the top of the scale, dotted (it is
            # no data): two lines that leave it never share the top right corner. Their labels
            # go first at the top, the earlier one's higher: the longer a leader runs across
            # the panel, the flatter it is, in the band above capacity, not across the lines
            ends.append(TOP_PCT + 2 - line.exit / x_end)
            starts.append((line.exit / x_end, 1.0))
    wanted = [end / TOP_PCT * panel_h for end in ends]
    heights = [_label_h(line) for line in lines]
    placed = _spread(wanted, heights, panel_h)
    x_label = 1 + _GAP / _PLOT_W
    for line, start, at in zip(lines, starts, placed, strict=True):
        color = MODEL_COLORS.get(line.model, "black")
        if start is not None:
            clipped = line.exit is not None
            ax.plot(
                [start[0], x_label - 0.01],
                [start[1], at / panel_h],
                color=color,
                linewidth=1.2 if clipped else 1,
                linestyle=":" if clipped else "-",
                transform=ax.transAxes,
                clip_on=False,
                gid=f"leader {line.model}",
            )
        ax.text(
            x_label,
            at / panel_h,
            line.label,
            transform=ax.transAxes,
            ha="left",
            va="center",
            fontsize=_LABEL_PT,
            fontweight="bold" if line.own else "normal",
            color=ALERT if line.alert else "black",
            clip_on=False,
            gid=f"label {line.model}",
        )


def forecast_figure(plan: Plan) -> Figure:
    """Per cluster (a row), each model's binding resource, the one that runs out first, as a
    share of its capacity month by month on one 0-125% scale: the warn level dotted, capacity
    (100%) solid, the month it runs out marked; beside each line its status and the resource.

    The cluster's own model's line shows the plan as written (every cluster on its own model),
    drawn thicker. Laid out by hand in inches (no layout engine: it would double the rendering
    time). A large estate draws the clusters :func:`clusters_that_matter` picks (those that run
    out first) and says how many it left out (they are in exhaustion.csv).
    """
    forecast = plan.forecast
    layout = _layout(plan)
    rows, cuts, left_out, models = layout.rows, layout.cuts, layout.left_out, layout.models
    width, height = CHART_WIDTH_IN, cuts[-1]
    fig = _figure(width, height, layout=False)
    fig.suptitle(
        f"{plan.scenario.name}: the first resource to run out, per cluster and model, "
        f"{forecast.months[0]} to {forecast.months[-1]}",
        fontweight="bold",
        y=1 - 0.12 / height,
        va="top",
    )
    for (_, heading, lines, panel_h), top in zip(rows, cuts, strict=False):
        fig.text(
            0.06 / width,
            1 - (top + 0.06) / height,
            heading,
            fontweight="bold",
            fontsize=_HEAD_PT,
            va="top",
        )
        y = height - top - _text_h(heading, _HEAD_PT, _HEAD_H) - panel_h
        ax = fig.add_axes((_LEFT / width, y / height, _PLOT_W / width, panel_h / height))
        _panel(ax, forecast, lines, panel_h)
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles: list[Artist] = [
        Line2D(
            [],
            [],
            color=MODEL_COLORS.get(m, "black"),
            marker=MODEL_MARKERS.get(m, "o"),
            linewidth=1.8,
            label=m,
        )
        for m in models
    ]
    handles += [
        Line2D([], [], color="black", linewidth=1.3, label="capacity (100%)"),
        Line2D([], [], color="black", linestyle=":", label=f"warn level {forecast.warn_at_pct}%"),
        Line2D(
            [],
            [],
            linestyle="none",
            marker="X",
            markersize=9,
            color=ALERT,
            markeredgecolor="white",
            label="runs out",
        ),
        Patch(color=ALERT, alpha=0.07, label="above capacity"),
    ]
    fig.legend(
        handles=handles,
        loc="lower center",
        bbox_to_anchor=(0.5, (0.04 + _NOTE * left_out) / height),
        ncols=4,
        frameon=False,
        fontsize=8.5,
    )
    if left_out:
        fig.text(
            0.5,
            0.08 / height,
            left_out_note(plan, len(rows), "exhaustion.csv"),
            ha="center",
            va="bottom",
            fontsize=9,
        )
    return fig
