"""utilization.png: how full each subnet is now and at upgrade peak."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ipplan.core.answers import SUBNETS_ORDER, subnets_that_matter
from ipplan.core.plan import Plan

if TYPE_CHECKING:
    from matplotlib.artist import Artist
    from matplotlib.figure import Figure
from ipplan.report.charts.style import (
    _BOX,
    _DPI,
    ALERT,
    CHART_WIDTH_IN,
    KIND_COLORS,
    NOW_GREY,
    PEAK_GREY,
    WARN,
    _figure,
    _fit_words,
    _n,
    _text_h,
    _text_px,
    _wrap,
)

#: subnets drawn at most: beyond this a bar chart is unreadable (and slow to draw)
MAX_ROWS = 40


#: inches: a subnet's row, a VNet panel's title, the gap between panels
_ROW_H, _TITLE_H, _GAP = 0.42, 0.3, 0.12
#: a VNet panel's title's font size (matplotlib's axes.titlesize, as ipplan sets it)
_TITLE_PT = 10.5


def _cuts(rows: list[int], titles: list[str], foot: float) -> tuple[float, ...]:
    """Where the figure may be cut between VNet panels, in inches from its top (0 first, the
    height last): the title and first panel, each next panel, the last with the legend."""
    ys = [0.45]
    for n, title in zip(rows, titles, strict=True):
        ys.append(ys[-1] + _text_h(title, _TITLE_PT, _TITLE_H) + _ROW_H * (n + 0.6) + _GAP)
    return (0.0, *ys[1:-1], ys[-1] + foot)


def _kinds(plan: Plan) -> list[Any]:
    """The platform subnet kinds the legend lists (rule A24)."""
    return sorted({s.kind for s in plan.subnets if s.kind})


#: the note under the legend that says which subnets are left out: its font size, and the
#: height of one of its lines in inches
_NOTE_PT, _NOTE_LINE = 9, 0.18


@dataclass(frozen=True)
class _Panels:
    """What the figure shows and its layout, computed once for the figure and its bands."""

    shown: list[Any]  # the subnets shown
    by_vnet: dict[str, list[Any]]  # them by VNet
    vnets: list[str]  # the VNets with a panel, in order
    note: str  # the note on the subnets left out ("" when none is)
    foot: float  # the height of the axis, note and legend below the panels
    labels: dict[int, str]  # each shown subnet's row label, by id
    left: float  # the label column's width, inches
    titles: list[str]  # each panel's title, broken to its width


def _panels(plan: Plan) -> _Panels:
    """The subnets shown, the VNet panels and their titles, the note and the figure's foot."""
    shown = subnets_that_matter(plan, MAX_ROWS)
    by_vnet: dict[str, list[Any]] = {}
    for s in shown:
        by_vnet.setdefault(s.vnet, []).append(s)
    vnets = [v.name for v in plan.vnets if v.name in by_vnet]
    left_out = len(plan.subnets) - len(shown)
    note = ""
    if left_out:
        hidden = len({s.vnet for s in plan.subnets} - set(vnets))
        where = f" (and {hidden:,} VNets with none shown)" if hidden else ""
        note = _fit_words(
            f"{len(shown):,} of {len(plan.subnets):,} subnets shown ({SUBNETS_ORDER}); the other "
            f"{left_out:,}{where} are in subnets.csv",
            CHART_WIDTH_IN - 0.5,
            _NOTE_PT,
        )
    kinds = _kinds(plan)
    legend = 0.6 + 0.2 * -(-len(kinds) // 3)  # a row of legend per three kinds
    labels = {id(s): _row_label(s) for s in shown}
    # laid out by hand in inches: a layout engine would double the rendering time
    left = max((_text_px(t, 8.5) for t in labels.values()), default=0) / _DPI + 0.2
    totals: dict[str, list[int]] = {}
    if note:
        for s in plan.subnets:
            row = totals.setdefault(s.vnet, [0, 0, 0])
            row[0] += 1
            row[1] += s.peak_ips
            row[2] += s.usable_ips
    titles = []
    for vnet in vnets:
        title = f"VNet {vnet}"
        if note:
            count, peak_ips, usable = totals[vnet]
            pct = 100 * peak_ips / usable if usable else 0.0
            title += (
                f": {len(by_vnet[vnet]):,} of {count:,} subnets shown; all {count:,}: "
                f"{_n(peak_ips)} of {_n(usable)} usable IPs at peak ({pct:.1f}%)"
            )
        # over the panel, which starts after the label column (a long VNet name ran off it)
        titles.append(_wrap(title, CHART_WIDTH_IN - left - 0.25, _TITLE_PT))
    foot = 0.55 + legend + _note_height(note)
    return _Panels(shown, by_vnet, vnets, note, foot, labels, left, titles)


#: the widest a row's label may be, in inches: a long subnet name (Azure allows 80 characters)
#: would otherwise squeeze the bars into what is left of the page
_LABEL_MAX_IN = 3.8


def _row_label(s: Any) -> str:
    """A subnet's row label: its name and CIDR, then its kind or role and its origin; a name
    too long for one line with its CIDR takes the first line alone (broken if it must be)."""
    label = f"{s.name}  {s.cidr}\n{s.kind or s.role}, {s.origin}"
    if _text_px(label, 8.5) / _DPI <= _LABEL_MAX_IN:
        return label
    return f"{_wrap(s.name, _LABEL_MAX_IN, 8.5)}\n{s.cidr}  {s.kind or s.role}, {s.origin}"


def _note_height(note: str) -> float:
    """Inches the note on left-out subnets takes at the figure's foot (none without one)."""
    return 0.12 + _NOTE_LINE * (note.count("\n") + 1) if note else 0.0


def _tag(s: Any) -> str:
    return {"full": "  FULL", "warn": "  WARN"}.get(s.status, "")


def _bar_label(s: Any, warn_at: int) -> str:
    """What a subnet's peak bar says: its IPs at peak of its usable ones, and its status."""
    if s.role == "unused":
        return f"unused ({_n(s.usable_ips)} usable IPs)"
    # a reserving kind's subnet is as planned at any share: past the warn level (*warn_at* %),
    # say why it is not a warning
    past = s.utilization_pct >= warn_at
    reserved = ", reserved" if s.reserved and s.status == "ok" and past else ""
    return (
        f"{_n(s.peak_ips)} of {_n(s.usable_ips)} IPs at peak ({s.utilization_pct}%)"
        f"{reserved}{_tag(s)}"
    )


#: the x axis runs this far past 100% (or past the fullest subnet above 100%), in %
_X_MARGIN_PCT = 10.0
#: and never past this: a subnet fuller still has its bar cut at the axis's end (its label
#: says its share)
_X_MAX_PCT = 150.0 + _X_MARGIN_PCT


def _x_end(shown: Sequence[Any]) -> float:
    """Where the x axis ends, in %: 100% and a margin, further only for a subnet above 100%,
    and at most ``_X_MAX_PCT`` (the data, not the labels, sets the scale)."""
    fullest = max((float(s.utilization_pct) for s in shown), default=0.0)
    return min(max(100.0, fullest) + _X_MARGIN_PCT, _X_MAX_PCT)


def _label_x(bar: float, text_px: float, top: float, axes_px: float) -> tuple[float, str]:
    """Where a peak bar's label goes, in %, and how it is aligned: after the bar's end *bar*
    when its *text_px* fits before the axis's end *top*; else inside the bar, ending just
    before its end (its white box keeps it readable on the bar); a bar too short for that
    too has the label start at the axis's left end."""
    px_per_pct = axes_px / top
    room = (text_px + 8) / px_per_pct  # the label, its box and a gap, in %
    if bar + room <= top:
        return bar + 1, "left"
    if bar - room >= 0:
        return bar - 1, "right"
    return 1.0, "left"


def utilization_bands(plan: Plan) -> tuple[float, ...]:
    """Where utilization.png may be cut between VNets, in inches from its top, so a page prints
    it a few VNets at a time at full size (issue 15): the layout :func:`utilization_figure`
    draws, without drawing it."""
    p = _panels(plan)
    return _cuts([len(p.by_vnet[v]) for v in p.vnets], p.titles, p.foot)


def utilization_figure(plan: Plan) -> Figure:
    """Each subnet: used now and at peak as % of its usable IPs, with the warn and 100% lines.

    A large estate shows the subnets that matter (:func:`ipplan.core.answers.subnets_that_matter`);
    each VNet's title then gives its totals and how many of its subnets are left out (they are in
    subnets.csv).
    """
    warn_at = plan.scenario.planning.warn_at_pct
    panels = _panels(plan)
    shown, by_vnet, vnets, note = panels.shown, panels.by_vnet, panels.vnets, panels.note
    labels, left = panels.labels, panels.left
    row_h, gap = _ROW_H, _GAP
    kinds = _kinds(plan)
    width = CHART_WIDTH_IN  # one chart width in the summary, legible when printed (issue 15)
    height = _cuts([len(by_vnet[v]) for v in vnets], panels.titles, panels.foot)[-1]
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
    for vnet, title in zip(vnets, panels.titles, strict=True):
        h = row_h * (len(by_vnet[vnet]) + 0.6)
        y -= _text_h(title, _TITLE_PT, _TITLE_H) + h
        rect = (left / width, y / height, (width - left - 0.25) / width, h / height)
        axes.append(fig.add_axes(rect))
        y -= gap
    top = _x_end(shown)
    axes_px = (width - left - 0.25) * _DPI
    for ax, vnet, title in zip(axes, vnets, panels.titles, strict=True):
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
            text = _bar_label(s, warn_at)
            weight = "bold" if _tag(s) else "normal"
            at, ha = _label_x(
                min(s.utilization_pct, top), _text_px(text, 8.5, weight), top, axes_px
            )
            ax.text(
                at,
                y - 0.18,
                text,
                ha=ha,
                va="center",
                bbox=_BOX,
                fontsize=8.5,
                color=ALERT if s.status == "full" else "black",
                fontweight=weight,
            )
        ax.set_yticks(list(ys), [labels[id(s)] for s in subnets], fontsize=8.5)
        for label, s in zip(ax.get_yticklabels(), subnets, strict=True):
            if s.kind:  # a platform subnet's label sits on its kind's colour (rule A24)
                label.set_bbox({"facecolor": KIND_COLORS[s.kind], "edgecolor": "none", "pad": 1})
        ax.tick_params(axis="x", labelbottom=ax is axes[-1])
        ax.axvline(100, color="black", linewidth=1.2)
        ax.axvline(warn_at, color="black", linewidth=1, linestyle="--")
        ax.set_xlim(0, top)
        ax.set_xticks(range(0, int(top) + 1, 20))
        ax.set_ylim(-0.7, len(subnets) - 0.3)
        ax.set_title(title, loc="left")
        ax.grid(axis="x", color="#DDDDDD", linewidth=0.6)
        ax.set_axisbelow(True)
    if axes:  # a scenario may have no subnet at all (a VNet to plan into, nothing yet)
        axes[-1].set_xlabel("utilization (% of the subnet's usable IPs; 100% = full)")
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    statuses = {s.status for s in shown}
    handles: list[Artist] = [
        Patch(color=NOW_GREY, label="now (today's nodes, other users)"),
        Patch(facecolor=PEAK_GREY, edgecolor="black", label="at peak (planned nodes + surge)"),
    ]
    handles += [Patch(color=KIND_COLORS[k], label=k) for k in kinds]
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
        bbox_to_anchor=(0.5, (_note_height(note) + 0.04) / height),
        ncols=3,
        frameon=False,
    )
    if note:
        fig.text(0.5, 0.08 / height, note, ha="center", va="bottom", fontsize=_NOTE_PT)
    return fig


# --- comparison.png ----------------------------------------------------------------------------
