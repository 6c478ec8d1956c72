"""forecast.png: per cluster and model, the resource that runs out first."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ipplan.core.answers import clusters_that_matter
from ipplan.core.capacity import Cluster
from ipplan.core.forecast import CURRENT, KINDS, Forecast, Series
from ipplan.core.plan import Plan
from ipplan.report.charts.clusters import left_out_note
from ipplan.rules import Network

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
from ipplan.report.charts.style import (
    _BOX,
    _DPI,
    _THOUSANDS,
    ALERT,
    CHART_WIDTH_IN,
    MODEL_COLORS,
    MODEL_MARKERS,
    _few_ticks,
    _figure,
    _fit_words,
    _n,
    _text_px,
    problem_rules,
)


def _wrap_name(name: str) -> str:
    """Break a long resource name after its VNet: ``spoke-prod/\naks-nodes``."""
    return name.replace("/", "/\n", 1) if len(name) > 22 and "/" in name else name


def _forecast_panel(
    ax: Axes,
    forecast: Forecast,
    series: Series | None,
    model: str,
    own: bool,
    rules: list[str],
    width_in: float = 2.0,
) -> None:
    """One model's binding resource for one cluster: required vs capacity, month by month."""
    months = list(range(len(forecast.months)))
    infeasible = bool(rules)
    status = ", ".join(
        w
        for w in ("current" if own else "", f"INFEASIBLE now ({', '.join(rules)})" * infeasible)
        if w
    )
    ax.set_title(
        f"{_fit_words(model, width_in, 9, 'bold', '-')}\n{status}",
        loc="left",
        fontsize=9,
        fontweight="bold",
        color=ALERT if infeasible else "black",
    )
    # as many yearly labels as the panel's width holds (a "YYYY-MM" label is about 0.5 in)
    room = max(int(width_in / 0.55), 2)
    step = next(k for k in (12, 18, 24, 36, 48, 60, 120, 10**6) if len(months[::k]) <= room)
    ticks = months[::step]
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
    peak = max(series.required)
    low = min(series.required)
    # far above (or below) its capacity, a linear axis squashes the capacity and warn lines
    # into the bottom (top) pixels: a log axis keeps both readable (a "short now" panel)
    log = low > 0 and peak > 5 * cap
    if log:
        ax.set_yscale("log")
        bottom, top = min(low, cap * forecast.warn_at_pct / 100) / 1.6, max(cap, peak) * 2.2
    else:
        bottom, top = 0, max(cap, peak) * 1.22
    ax.set_ylim(bottom, top)
    _capacity_label(ax, series, cap, (bottom, top, log), (width_in, _PANEL_H))
    if not log:
        _few_ticks(ax.yaxis, 4)
    ax.yaxis.set_major_formatter(_THOUSANDS())
    ax.yaxis.set_minor_formatter(_NONE())
    ax.tick_params(axis="y", labelsize=8)
    # "AKS nodes per pool, with surge," reads as one phrase on an axis
    kind = KINDS[series.resource.kind][1].rstrip(",").replace(", with", " with")
    ax.set_xlabel(
        f"{_fit_words(f'{kind} ({unit})', width_in + 0.3, 8.5)}\n"
        f"{_wrap_name(series.resource.name)}",
        fontsize=8.5,
    )
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
    elif not rules:  # an infeasible model lasts nothing: its title says why
        end = series.utilization_pct(len(months) - 1)
        low = _fraction(series.required[-1], bottom, top, log) < 0.45  # ends low: write above
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


def _fraction(value: float, bottom: float, top: float, log: bool) -> float:
    """Where *value* sits on the y axis, 0 (bottom) to 1 (top)."""
    import math

    if log:
        return math.log(max(value, bottom) / bottom) / math.log(top / bottom)
    return (value - bottom) / (top - bottom)


def _capacity_label(
    ax: Axes,
    series: Series,
    cap: int,
    span: tuple[float, float, bool],
    size_in: tuple[float, float],
) -> None:
    """ "capacity N" on its line, at the first of left-above, right-above, left-below and
    right-below where the required line does not run through the text (issue 15)."""
    bottom, top, log = span
    width_in, height_in = size_in
    months = len(series.required)
    high = (8 * 1.5 / 72) / height_in  # of the axes' height
    line = _fraction(cap, bottom, top, log)

    def clear(text: str, at_left: bool, above: bool) -> bool:
        if (above and line + high > 0.98) or (not above and line - high < 0.02):
            return False
        wide = (_text_px(text, 8) / _DPI + 0.1) / width_in  # of the axes' width
        cells = max(int(wide * months) + 1, 1)
        window = series.required[:cells] if at_left else series.required[-cells:]
        lo, hi = (line, line + high) if above else (line - high, line)
        points = [(_fraction(v, bottom, top, log)) for v in window]
        # a segment between two months crosses the band too
        return not any(lo - 0.01 <= p <= hi + 0.01 for p in points) and not any(
            min(a, b) <= lo <= max(a, b) or min(a, b) <= hi <= max(a, b)
            for a, b in zip(points, points[1:], strict=False)
        )

    # the words when they fit clear of the required line, else the number alone (the legend
    # names the black line "capacity")
    options = [
        (text, at_left, above)
        for text in (f"capacity {_n(cap)}", _n(cap))
        for above in (True, False)
        for at_left in (True, False)
    ]
    text, at_left, above = next((o for o in options if clear(*o)), options[0])
    ax.text(
        0.02 if at_left else 0.98,
        line + (0.015 if above else -0.015),
        text,
        transform=ax.transAxes,
        ha="left" if at_left else "right",
        va="bottom" if above else "top",
        fontsize=8,
        bbox=_BOX,
        zorder=4,
    )


def _NONE() -> Any:
    from matplotlib.ticker import NullFormatter

    return NullFormatter()


#: a forecast panel's height, in inches, and a cluster's band around it
_PANEL_H = 1.6
_TITLE_H, _LABEL_H, _BOTTOM_H = 0.3, 0.55, 0.85
_BAND = _TITLE_H + _LABEL_H + _PANEL_H + _BOTTOM_H


def _legend_rows(models: int) -> int:
    return -(-(models + 3) // 5)


#: the line under the legend that says how many clusters are left out, when some are
_NOTE = 0.3


def _height(clusters: int, models: int, left_out: bool = False) -> float:
    return 0.45 + _BAND * clusters + 0.2 + 0.22 * _legend_rows(models) + _NOTE * left_out


def _models(plan: Plan, clusters: list[Cluster]) -> list[str]:
    """The columns: the compared models, then any drawn cluster's own model not among them."""
    models = [m for m in plan.forecast.models if m != CURRENT]
    return models + [c.network.value for c in clusters if c.network.value not in models]


def forecast_bands(plan: Plan) -> tuple[float, ...]:
    """Where forecast.png may be cut between clusters, in inches from its top (0 first, the
    height last; the legend stays with the last cluster), so a page prints it a cluster at a
    time at full size (issue 15)."""
    shown = clusters_that_matter(plan)
    count = len(shown)
    return (
        0.0,
        *(0.45 + _BAND * i for i in range(1, count)),
        _height(count, len(_models(plan, shown)), count < len(plan.clusters)),
    )


#: the narrowest forecast panel, in inches: room for two year labels
_MIN_PANEL_W = 1.2


def forecast_figure(plan: Plan) -> Figure:
    """Per cluster (a row) and model (a column), the binding resource: the one that runs out
    first. Required (the model's colour) vs capacity (black) month by month, the warn level
    dotted, the exhaustion month marked and labelled; the resource is named under each panel.

    The cluster's own model's panel shows the plan as written (every cluster on its own model).
    Laid out by hand in inches (no layout engine: it would double the rendering time). A large
    estate draws the clusters :func:`clusters_that_matter` picks (those that run out first) and says
    how many it left out (they are in exhaustion.csv).
    """
    forecast = plan.forecast
    clusters = clusters_that_matter(plan)
    left_out = len(clusters) < len(plan.clusters)
    models = _models(plan, clusters)
    panels = []
    for cluster in clusters:
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
    title_h, panel_h, label_h, gap = _TITLE_H, _PANEL_H, _LABEL_H, 0.14
    band = _BAND
    # each panel keeps at least _MIN_PANEL_W inches, however wide its tick labels (a pool
    # growing 1000% a month needs 27-digit ones): the figure widens instead
    n = len(models)
    width = max(CHART_WIDTH_IN, 0.45 + n * (left + _MIN_PANEL_W) + (n - 1) * gap)
    height = _height(len(clusters), len(models), left_out)
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
        _forecast_panel(ax, forecast, binding, model, own, rules, panel_w)
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
        bbox_to_anchor=(0.5, (0.04 + _NOTE * left_out) / height),
        ncols=5,
        frameon=False,
        fontsize=8.5,
    )
    if left_out:
        fig.text(
            0.5,
            0.08 / height,
            left_out_note(plan, len(clusters), "exhaustion.csv"),
            ha="center",
            va="bottom",
            fontsize=9,
        )
    return fig


# --- address_map.png ---------------------------------------------------------------------------
