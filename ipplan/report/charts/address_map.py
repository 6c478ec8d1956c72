"""address_map.png: each VNet's address space to scale."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ipplan.core.plan import Plan, VNetPlan

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
from ipplan.report.charts.style import (
    _BOX,
    _DPI,
    BLOCK_COLORS,
    BLOCK_WORDS,
    CHART_WIDTH_IN,
    KIND_COLORS,
    _figure,
    _ip,
    _n,
    _text_h,
    _text_px,
    _wrap,
)

#: the legend's font size (rcParams' legend.fontsize), and what each entry adds to its label
#: in pixels: the handle and the pad after it (2.8 em), and the space between columns (2 em)
_LEGEND_PT = 9
_ENTRY_PX, _COLUMN_GAP_PX = 2.8 * _LEGEND_PT * _DPI / 72, 2.0 * _LEGEND_PT * _DPI / 72


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


#: a block narrower than this (pixels) is part of a dense run: a run of two or more is one band
_DENSE_PX = 2.0
#: labels above one strip at most (the largest blocks first); the rest are counted in its title
_MAX_CALLOUTS = 12
#: a dense run of small subnets, drawn as one hatched band
_BAND_COLOR = "#CCCCCC"
_BAND_WORDS = "many small subnets (one band; see allocation.csv)"
#: VNets drawn at most (those ipplan allocates in first, then the most subnets)
_MAX_VNETS = 8


def _widest_px(text: str) -> float:
    """At least the width of *text*'s widest line (pixels), without measuring it: a block
    wider than this holds its label, so it need not be measured (measuring text costs more
    than drawing it). Azure's names are letters, digits and - _ . and "W" is the widest of
    them in the chart's font. A fixed 400 px left unlabelled a block wider than that whose
    80-character name was wider still."""
    return max(len(line) for line in text.split("\n")) * _text_px("W") + 8


def _narrow(name: str, cidr: Any, size: int, width_px: float) -> bool:
    """True when a block of *cidr* in a strip of *size* addresses is too narrow for its label."""
    px = int(cidr.size) / size * width_px
    label = f"{name}\n{cidr}"
    if px >= _widest_px(label):  # it holds its label whatever it says
        return False
    if px < _DENSE_PX:
        return True
    return px <= _text_px(label) + 8


@dataclass(frozen=True)
class _Bar:
    """One drawn bar of a strip: a block, or a dense run of blocks drawn as one band."""

    x: float  # 0..1 of the strip
    w: float
    kind: str  # a block kind, or "band"
    text: str  # its label ("" for none)
    count: int  # subnets in it
    subnet_kind: str | None = None  # a platform subnet's kind (rule A24), for its colour
    origins: frozenset[str] = frozenset()  # a band's: its subnets' origins


def _strip_bars(vnet: VNetPlan, first: int, size: int, width_px: float) -> list[_Bar]:
    """The bars of addresses [first, first + size): blocks in order, each run of two or more
    blocks narrower than ``_DENSE_PX`` merged into one band (or one free bar if all free).

    When that still leaves more than ``_MAX_CALLOUTS`` subnets too narrow for their label,
    every run of existing or free blocks too narrow for their labels becomes one band too (the
    subnets ipplan allocates are never merged: they are what the plan is about).
    """
    blocks = [
        b for b in vnet.blocks if int(b.cidr.first) < first + size and int(b.cidr.last) >= first
    ]
    bars = _merged(blocks, first, size, lambda b, px: px < _DENSE_PX, width_px)
    narrow = sum(b.count for b in bars if b.kind != "free" and _too_narrow(b, width_px))
    if narrow <= _MAX_CALLOUTS:
        return bars

    def mergeable(b: Any, px: float) -> bool:
        if px < _DENSE_PX:
            return True
        if b.kind not in ("existing", "free"):
            return False
        return _too_narrow(_bar(0.0, px / width_px, b), width_px)

    return _merged(blocks, first, size, mergeable, width_px)


def _too_narrow(b: _Bar, width_px: float) -> bool:
    """Whether bar *b* is too narrow to hold its label."""
    px = b.w * width_px
    return px < _widest_px(b.text) and not px > _text_px(b.text) + 8


def _merged(
    blocks: Sequence[Any],
    first: int,
    size: int,
    mergeable: Callable[[Any, float], bool],
    width_px: float,
) -> list[_Bar]:
    """*blocks* as bars, each run of two or more *mergeable* ones (block, width in px) merged."""
    out: list[_Bar] = []
    run: list[tuple[float, float, Any]] = []

    def flush() -> None:
        subnets = [b for _, _, b in run if b.kind != "free"]
        if len(run) == 1 or len(subnets) == 1:  # a lone subnet is drawn (and labelled) alone
            out.extend(_bar(x, w, b) for x, w, b in run)
        elif run:
            x, end = run[0][0], run[-1][0] + run[-1][1]
            if subnets:
                low, high = subnets[0].cidr, subnets[-1].cidr
                text = f"{len(subnets):,} small subnets\n{_ip(low.version, int(low.first))}"
                text += f" - {_ip(high.version, int(high.last))}"
                origins = frozenset(str(b.kind) for b in subnets)
                out.append(_Bar(x, end - x, "band", text, len(subnets), origins=origins))
            else:
                out.append(_Bar(x, end - x, "free", "", 0))
        run.clear()

    for b in blocks:
        x = (max(int(b.cidr.first), first) - first) / size
        w = (min(int(b.cidr.last) + 1, first + size) - first) / size - x
        if mergeable(b, w * width_px):
            run.append((x, w, b))
            continue
        flush()
        out.append(_bar(x, w, b))
    flush()
    return out


def _bar(x: float, w: float, b: Any) -> _Bar:
    free = b.kind == "free"
    text = f"free /{b.cidr.prefixlen}" if free else f"{b.name}\n{b.cidr}"
    return _Bar(x, w, b.kind, text, 0 if free else 1, b.subnet_kind)


def _spans(bars: Sequence[_Bar], width_px: float) -> tuple[list[tuple[float, str]], int]:
    """The labels that go above the strip (sorted by centre), at most ``_MAX_CALLOUTS`` (the
    subnets ipplan places first, then the widest), and how many narrow subnets were left
    unlabelled."""
    narrow = [b for b in bars if b.kind != "free" and _too_narrow(b, width_px)]
    # ipplan's own subnets first, then the widest
    kept = sorted(narrow, key=lambda b: (b.kind not in ("allocated", "sized"), -b.w, b.x))
    kept = kept[:_MAX_CALLOUTS]
    left = sum(b.count for b in narrow) - sum(b.count for b in kept)
    return sorted((b.x + b.w / 2, b.text) for b in kept), left


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


def drawn_vnets(vnets: Sequence[VNetPlan]) -> list[VNetPlan]:
    """The VNets the map draws, in their order: all of them up to ``_MAX_VNETS``, else those
    ipplan allocates in first, then those with the most subnets."""
    if len(vnets) <= _MAX_VNETS:
        return list(vnets)

    def rank(i: int) -> tuple[bool, int, int]:
        kinds = [b.kind for b in vnets[i].blocks]
        placed = any(k in ("allocated", "sized") for k in kinds)
        return (not placed, -sum(k != "free" for k in kinds), i)

    chosen = sorted(sorted(range(len(vnets)), key=rank)[:_MAX_VNETS])
    return [vnets[i] for i in chosen]


def _strip_top(rows: int) -> float:
    """The top of a strip's y axis: the bar spans 0..1, each row of callouts 0.95 above it."""
    return 1.15 + 0.95 * rows + (0.1 if rows else 0)


def _strip(
    ax: Axes, vnet: VNetPlan, version: int, first: int, size: int, title: str, width_px: float
) -> None:
    """Addresses [first, first + size) of a VNet as a to-scale strip, its blocks labelled."""
    bars = _strip_bars(vnet, first, size, width_px)
    for b in bars:
        free = b.kind == "free"
        band = b.kind == "band"
        ax.broken_barh(
            [(b.x, b.w)],
            (0, 1),
            facecolors=_BAND_COLOR
            if band
            else KIND_COLORS[b.subnet_kind]
            if b.subnet_kind
            else BLOCK_COLORS[b.kind],
            edgecolors="#AAAAAA" if free else "black",
            linewidth=0.6,
            hatch="||||" if band else None,
        )
        if b.subnet_kind:
            # a platform subnet is its kind's colour, its origin the colour of its foot
            ax.broken_barh(
                [(b.x, b.w)],
                (0, _FOOT),
                facecolors=BLOCK_COLORS[b.kind],
                edgecolors="black",
                linewidth=0.6,
                gid=f"origin {b.kind}",
            )
        if b.text and b.w * width_px > _text_px(b.text) + 8:
            ax.text(
                b.x + b.w / 2,
                (1 + _FOOT) / 2 if b.subnet_kind else 0.5,
                b.text,
                ha="center",
                va="center",
                fontsize=8,
                color="#666666" if free else "black",
                **({"bbox": _BOX} if band else {}),
            )
    spans, _ = _spans(bars, width_px)
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


#: a platform subnet's foot, in its block's height: the colour of its origin (existing,
#: allocated or sized), under the colour of its kind
_FOOT = 0.25

_Strip = tuple[VNetPlan, int, int, int, str, float]
#: what the strips draw: each bar's (kind, platform subnet kind), for the legend
_Drawn = frozenset[tuple[str, str | None]]
#: inches: one data unit of a strip, a strip's title, its tick labels, the suptitle
_UNIT, _TITLE_H, _TICKS_H, _HEAD = 0.42, 0.3, 0.32, 0.45
#: a strip's title's font size (matplotlib's axes.titlesize, as ipplan sets it)
_TITLE_PT = 10.5


def _strips(plan: Plan, width_px: float) -> tuple[list[_Strip], list[float], _Drawn]:
    """The strips the map draws (a VNet's prefixes, and their zooms), each one's height in
    data units (its callout rows), and what their bars draw (block kinds, with the platform
    subnet kind of each, and the dense-run band): the layout, computed without drawing."""
    strips: list[_Strip] = []
    vnets = drawn_vnets(plan.vnets)
    for vnet in vnets:
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
    heights: list[float] = []
    drawn: set[tuple[str, str | None]] = set()
    for i, (vnet, version, first, size, title, scale) in enumerate(strips):
        bars = _strip_bars(vnet, first, size, width_px)
        drawn.update((b.kind, b.subnet_kind) for b in bars)
        # a band's subnets are on the map, merged into it: their origins stay in the legend
        drawn.update((origin, None) for b in bars for origin in b.origins)
        spans, unlabelled = _spans(bars, width_px)
        rows = 1 + max((r for _, _, r in _callouts(spans, width_px)), default=-1)
        heights.append(_strip_top(rows))
        if unlabelled:
            title += f"; {unlabelled:,} small subnets unlabelled (see allocation.csv)"
        # the strip's width: a long VNet name ran off the page
        title = _wrap(title, width_px / _DPI, _TITLE_PT)
        strips[i] = (vnet, version, first, size, title, scale)
    return strips, heights, frozenset(drawn)


def address_map_bands(plan: Plan) -> tuple[float, ...]:
    """Where address_map.png may be cut between VNets, in inches from its top (0 first, the
    height last), so a page prints it a VNet at a time at full size (issue 15)."""
    strips, heights, drawn = _strips(plan, (CHART_WIDTH_IN - 1.2) * _DPI)
    cuts, y = [0.0], _HEAD
    for i, ((vnet, _, _, _, title, _), h) in enumerate(zip(strips, heights, strict=True)):
        if i and vnet is not strips[i - 1][0]:
            cuts.append(y)
        y += _text_h(title, _TITLE_PT, _TITLE_H) + _UNIT * h + _TICKS_H
    labels = [e.label for e in _legend_entries(drawn)]
    return (*cuts, y + _legend_height(_legend_columns(labels), _legend_title(drawn)))


@dataclass(frozen=True)
class _Entry:
    """One legend entry: its label (which the layout measures) and its patch's look."""

    label: str
    face: str
    edge: str = "black"
    hatch: str | None = None


def _legend_entries(drawn: _Drawn) -> list[_Entry]:
    """The legend's entries, each for something the strips draw: the block origins (a
    platform subnet's at its foot), the platform subnet kinds (rule A24), and the dense-run
    band."""
    kinds = {kind for kind, _ in drawn}
    entries = [
        _Entry(BLOCK_WORDS[k], BLOCK_COLORS[k], "#AAAAAA" if k == "free" else "black")
        for k in BLOCK_COLORS
        if k in kinds
    ]
    entries += [_Entry(k, KIND_COLORS[k]) for k in sorted({s for _, s in drawn if s})]
    if "band" in kinds:
        entries.append(_Entry(_BAND_WORDS, _BAND_COLOR, hatch="||||"))
    return entries


def _legend_title(drawn: _Drawn) -> str:
    """The legend's title: how a platform subnet's block says both its kind and its origin
    (none when no platform subnet is drawn)."""
    if not any(s for _, s in drawn):
        return ""
    return "platform subnets: the colour is the kind, the stripe at the foot the origin"


def _legend_columns(labels: Sequence[str]) -> tuple[int, int]:
    """(columns, rows) of the widest legend that fits the chart: matplotlib fills it column
    by column, so each column is as wide as its widest entry."""
    room = (CHART_WIDTH_IN - 0.4) * _DPI
    widths = [_text_px(label, _LEGEND_PT) + _ENTRY_PX for label in labels]
    for columns in range(max(len(widths), 1), 0, -1):
        rows = -(-len(widths) // columns)
        used = [max(widths[i : i + rows]) for i in range(0, len(widths), rows)]
        if sum(used) + _COLUMN_GAP_PX * (len(used) - 1) <= room or columns == 1:
            return len(used), rows
    return 1, len(widths)


def _legend_height(layout: tuple[int, int], title: str) -> float:
    return 0.75 + 0.25 * (max(layout[1], 1) - 1) + (0.25 if title else 0.0)


def address_map_figure(plan: Plan) -> Figure:
    """Each VNet's address space to scale, one strip per prefix: existing, allocated, sized and
    free blocks, labelled with name and CIDR (above the strip when a block is too narrow).

    When a prefix's subnets all sit in a small corner of it, a second strip zooms in on the
    smallest aligned block that holds them, also to scale.
    """
    width = CHART_WIDTH_IN  # one chart width in the summary, legible when printed (issue 15)
    width_px = (width - 1.2) * _DPI
    strips, heights, drawn = _strips(plan, width_px)
    vnets = drawn_vnets(plan.vnets)
    # laid out by hand in inches (one data unit of a strip is 0.42 in): no layout engine
    unit, ticks_h = _UNIT, _TICKS_H
    entries = _legend_entries(drawn)
    legend = _legend_columns([e.label for e in entries])
    legend_title = _legend_title(drawn)
    height = (
        _HEAD
        + sum(
            _text_h(s[4], _TITLE_PT, _TITLE_H) + unit * h + ticks_h
            for s, h in zip(strips, heights, strict=True)
        )
        + _legend_height(legend, legend_title)
    )
    fig = _figure(width, height, layout=False)
    hidden = len(plan.vnets) - len(vnets)
    more = f"; {hidden:,} more VNets in allocation.csv" if hidden else ""
    fig.suptitle(
        f"{plan.scenario.name}: VNet address maps (to scale){more}",
        fontweight="bold",
        y=1 - 0.1 / height,
        va="top",
    )
    y = height - 0.45
    axes = []
    for (vnet, version, first, size, title, _), h in zip(strips, heights, strict=True):
        y -= _text_h(title, _TITLE_PT, _TITLE_H) + unit * h
        # 0.6 in each side: the first and last tick labels are centred on the strip's ends
        ax = fig.add_axes((0.6 / width, y / height, (width - 1.2) / width, unit * h / height))
        _strip(ax, vnet, version, first, size, title, width_px)
        axes.append(ax)
        y -= ticks_h
    axes[-1].set_xlabel("address (each strip to its own scale)")
    from matplotlib.patches import Patch

    handles = [
        Patch(facecolor=e.face, edgecolor=e.edge, hatch=e.hatch, label=e.label) for e in entries
    ]
    fig.legend(
        handles=handles,
        loc="lower center",
        bbox_to_anchor=(0.5, 0.04 / height),
        ncols=legend[0],
        frameon=False,
        fontsize=_LEGEND_PT,
        title=legend_title or None,
        title_fontsize=_LEGEND_PT,
    )
    return fig


# --- sweep heatmap -----------------------------------------------------------------------------
