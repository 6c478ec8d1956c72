"""address_map.png: each VNet's address space to scale."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ipplan.core.plan import Plan, VNetPlan

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
from ipplan.report.charts.style import (
    _DPI,
    BLOCK_COLORS,
    BLOCK_WORDS,
    KIND_COLORS,
    _figure,
    _ip,
    _n,
    _text_px,
)

#: legend entries per row: origins and platform kinds may not fit on one
_LEGEND_COLUMNS = 6


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
            facecolors=KIND_COLORS[b.subnet_kind] if b.subnet_kind else BLOCK_COLORS[b.kind],
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
    kinds_shown = sorted({b.subnet_kind for v in plan.vnets for b in v.blocks if b.subnet_kind})
    legend += 0.25 * ((len(BLOCK_COLORS) + len(kinds_shown) - 1) // _LEGEND_COLUMNS)
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
    handles += [Patch(facecolor=KIND_COLORS[k], edgecolor="black", label=k) for k in kinds_shown]
    fig.legend(
        handles=handles,
        loc="lower center",
        bbox_to_anchor=(0.5, 0.04 / height),
        ncols=min(len(handles), _LEGEND_COLUMNS),
        frameon=False,
    )
    return fig


# --- sweep heatmap -----------------------------------------------------------------------------
