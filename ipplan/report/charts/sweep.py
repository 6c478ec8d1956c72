"""sweep.png: the heatmap of ``ipplan sweep``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.figure import Figure
from ipplan.report.charts.style import (
    _THOUSANDS,
    _few_ticks,
    _figure,
)

#: the cells that break an AKS or Azure limit: hatched light grey, which no colour of the
#: prefix scale (viridis: purple to yellow, no grey) can be taken for
INFEASIBLE_FACE, INFEASIBLE_HATCH = "#F4F4F4", "#9A9A9A"


def _edges(values: Sequence[int], log: bool) -> list[float]:
    """Cell edges around each value: midpoints (geometric on a log axis), extended at the ends."""
    v = [float(x) for x in values]
    if len(v) == 1:
        return [v[0] / 1.5, v[0] * 1.5] if log else [v[0] - 0.5, v[0] + 0.5]
    if log:
        mids = [(a * b) ** 0.5 for a, b in zip(v, v[1:], strict=False)]
        return [v[0] ** 2 / mids[0], *mids, v[-1] ** 2 / mids[-1]]
    mids = [(a + b) / 2 for a, b in zip(v, v[1:], strict=False)]
    return [2 * v[0] - mids[0], *mids, 2 * v[-1] - mids[-1]]


def sweep_figure(
    nodes: Sequence[int],
    max_pods: Sequence[int],
    prefixes: Mapping[tuple[str, str], Any],
    feasible: Mapping[tuple[str, str], Any],
    title: str,
) -> Figure:
    """Smallest node subnet prefix by nodes (x) and max pods (y), one panel per model and
    surge; cells the CSV marks infeasible (an AKS or Azure limit, or --subnet) are hatched grey.

    Args:
        nodes, max_pods: the axes' values, ascending. The node axis is logarithmic when the
            values span more than a decade (1 to 100 nodes would squash the small counts).
        prefixes, feasible: per (model, surge), grids indexed [max pods index][nodes index].
        title: the figure title (what was swept).
    """
    import matplotlib
    import numpy as np
    from matplotlib.colors import BoundaryNorm, ListedColormap
    from matplotlib.patches import Patch, Rectangle

    panels = list(prefixes)
    surges = list(dict.fromkeys(surge for _, surge in panels))
    # a panel is a few hundred pixels wide: more than 1,000 columns only cost time
    thin = max(1, -(-len(nodes) // 1000))
    if thin > 1:
        nodes = list(nodes)[::thin]
        prefixes = {k: np.asarray(prefixes[k])[:, ::thin] for k in panels}
        feasible = {k: np.asarray(feasible[k])[:, ::thin] for k in panels}
    grids = {k: np.ma.masked_where(~np.asarray(feasible[k]), prefixes[k]) for k in panels}
    shown = [grids[k].compressed() for k in panels if grids[k].count()]
    values = [int(v) for a in shown for v in (a.min(), a.max())] or [24]
    low, high = min(values), max(values)
    levels = list(range(low, high + 2))
    base = matplotlib.colormaps["viridis"].resampled(max(len(levels) - 1, 1))
    cmap = ListedColormap(base(range(len(levels) - 1)))
    norm = BoundaryNorm([v - 0.5 for v in levels], cmap.N)
    cols = min(len(panels), 3)
    rows = -(-len(panels) // cols)
    fig = _figure(4.4 * cols + 0.6, 1.5 + 2.4 * rows + 0.2 * len(max_pods) * rows)
    fig.suptitle(title, fontweight="bold")
    grid = fig.subplots(rows, cols, squeeze=False)
    mesh = None
    annotate = len(nodes) * len(max_pods) <= 150
    log = len(nodes) > 1 and nodes[0] > 0 and nodes[-1] / nodes[0] > 10
    x_edges = _edges(nodes, log)
    y_edges = [i - 0.5 for i in range(len(max_pods) + 1)]
    for i, ax in enumerate(grid.flat):
        if i >= len(panels):
            ax.set_axis_off()
            continue
        model, surge = panels[i]
        # the hatched background shows through the masked (infeasible) cells
        ax.add_patch(
            Rectangle(
                (0, 0),
                1,
                1,
                transform=ax.transAxes,
                facecolor=INFEASIBLE_FACE,
                edgecolor=INFEASIBLE_HATCH,
                hatch="///",
                linewidth=0,
                zorder=0,
            )
        )
        mesh = ax.pcolormesh(x_edges, y_edges, grids[panels[i]], cmap=cmap, norm=norm, zorder=1)
        if log:
            ax.set_xscale("log")
        ax.set_xlim(x_edges[0], x_edges[-1])
        label = model if len(surges) == 1 else f"{model}, surge {surge}"
        ax.set_title(label, loc="left", fontweight="bold", fontsize=9.5)
        if not log:
            _few_ticks(ax.xaxis, 6)
        ax.xaxis.set_major_formatter(_THOUSANDS())
        ax.tick_params(axis="x", labelsize=8)
        ystep = max(1, -(-len(max_pods) // 8))
        yticks = list(range(0, len(max_pods), ystep))
        ax.set_yticks(yticks, [str(max_pods[t]) for t in yticks], fontsize=8)
        ax.set_xlabel("nodes (planning count" + (", log scale)" if log else ")"))
        ax.set_ylabel("max pods per node")
        # label each run of one prefix along a row (every cell when the grid is small)
        for y in range(len(max_pods)):
            row = np.where(
                np.asarray(feasible[panels[i]][y]), np.asarray(prefixes[panels[i]][y]), -1
            )
            starts = [0, *(np.flatnonzero(row[1:] != row[:-1]) + 1).tolist()]
            ends = [*(s - 1 for s in starts[1:]), len(row) - 1]
            for first, last in zip(starts, ends, strict=True):
                p = int(row[first])
                if p < 0 or not (annotate or last - first + 1 >= len(nodes) / 12):
                    continue
                middle = (
                    (x_edges[first] * x_edges[last + 1]) ** 0.5
                    if log
                    else (x_edges[first] + x_edges[last + 1]) / 2
                )
                light = (p - low) / max(high - low, 1) > 0.55
                ax.text(
                    middle,
                    y,
                    f"/{p}",
                    ha="center",
                    va="center",
                    fontsize=7.5,
                    color="black" if light else "white",
                    zorder=2,
                )
    if mesh is not None:
        # horizontal under the panels: its label has the figure's width, never clipped
        bar = fig.colorbar(
            mesh,
            ax=grid.ravel().tolist(),
            ticks=levels[:-1],
            orientation="horizontal",
            location="bottom",
            shrink=0.6,
            aspect=40,
        )
        every = max(1, -(-len(levels[:-1]) // 12))
        bar.set_ticks(levels[:-1][::every], labels=[f"/{p}" for p in levels[:-1][::every]])
        bar.ax.tick_params(labelsize=8)
        bar.set_label("smallest node subnet prefix (darker = larger subnet)", fontsize=9)
    fig.legend(
        handles=[
            Patch(
                facecolor=INFEASIBLE_FACE,
                edgecolor=INFEASIBLE_HATCH,
                hatch="///",
                label="infeasible: breaks an AKS or Azure limit, or does not fit --subnet "
                "(see the CSV)",
            )
        ],
        loc="outside lower center",
        frameon=False,
    )
    return fig
