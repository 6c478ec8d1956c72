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
    _n,
)


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
