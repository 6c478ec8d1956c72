"""What every chart shares: the Okabe-Ito colours, one per network model, figure set-up,
PNG output and text measuring (matplotlib is imported lazily, on the Agg backend)."""

from __future__ import annotations

import io
import ipaddress
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from ipplan.core.capacity import Estimate
from ipplan.core.forecast import CURRENT
from ipplan.rules import Network, Severity, SubnetKind

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


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
    "allocated": "placed by ipplan (prefix)",
    "sized": "sized and placed by ipplan (size: auto)",
    "free": "free",
}

#: platform subnets by kind (rule A24), in the address map and the utilization chart: light
#: colours (Paul Tol's "light" scheme first) under black labels; a gateway subnet is one colour,
#: whichever gateway it holds
KIND_COLORS: dict[str, str] = {
    SubnetKind.AZURE_FIREWALL.value: "#EE8866",
    SubnetKind.AZURE_FIREWALL_MANAGEMENT.value: "#FFAABB",
    SubnetKind.BASTION.value: "#77AADD",
    SubnetKind.VPN_GATEWAY.value: "#99DDFF",
    SubnetKind.EXPRESSROUTE_GATEWAY.value: "#99DDFF",
    SubnetKind.ROUTE_SERVER.value: "#44BB99",
    SubnetKind.APPLICATION_GATEWAY.value: "#BBCC33",
    SubnetKind.APP_GATEWAY_FOR_CONTAINERS.value: "#AAAA00",
    SubnetKind.API_SERVER.value: "#E5C494",
    SubnetKind.PRIVATE_ENDPOINTS.value: "#C2A5CF",
    SubnetKind.ACI.value: "#B2DF8A",
}

_DPI = 100
#: every review-pack chart is this wide, in inches: one width in the summary, and at 100% or
#: more on a landscape A4 or Letter page (10.06 in inside 12 mm margins), so 8 pt chart text
#: prints at 8 pt or more (issue 15)
CHART_WIDTH_IN = 10.0
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
    # titles sit a fixed pad above their axes: left to matplotlib, every draw measures each
    # axes' tick labels to place its title, a quarter of a many-panel chart's render time
    rc["axes.titley"] = 1.0
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=_DPI, layout="constrained" if layout else None)


@dataclass(frozen=True)
class Rendered:
    """A chart drawn once: its PNG, and the same pixels cut into one PNG per print band."""

    png: bytes
    bands: tuple[bytes, ...] = ()  # none: the chart is not cut


def png(figure: Figure) -> bytes:
    """*figure* as PNG bytes (no software or date metadata: the same plan, the same bytes)."""
    return render(figure).png


def render(figure: Figure, cuts: Sequence[float] = ()) -> Rendered:
    """*figure* drawn once: the whole chart as PNG bytes and, when *cuts* (inches from its
    top, its height last) makes more than one band, one PNG per band, cropped from the same
    pixels (the summary stacks them so a printer keeps each band whole, issue 15).

    Agg draws the pixels and :func:`matplotlib.image.imsave` encodes them, as savefig does.
    Cropping the drawn pixels costs an encode per band, not a decode of the PNG as well.
    """
    import numpy
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    for axes in figure.axes:
        _ticks_in_view(axes)
    canvas = FigureCanvasAgg(figure)
    canvas.draw()  # type: ignore[no-untyped-call]
    pixels = numpy.asarray(canvas.buffer_rgba())  # type: ignore[no-untyped-call]
    whole = _encode(pixels)
    if len(cuts) <= 2:
        return Rendered(whole)
    scale = len(pixels) / cuts[-1]  # pixel rows per inch of the drawn figure
    bands = tuple(
        _encode(pixels[round(top * scale) : round(bottom * scale)])
        for top, bottom in zip(cuts, cuts[1:], strict=False)
    )
    return Rendered(whole, bands)


def _ticks_in_view(axes: Any) -> None:
    """Fix each axis's ticks to the ones its locator puts inside the axis's view.

    A locator returns ticks beyond both ends of the view (MaxNLocator one on each side, a log
    locator whole decades), and matplotlib builds a tick for each (three lines and two texts,
    before it leaves out those it does not draw: 180 of forecast.png's 479 ticks at 1,000
    subnets (issue 11), though building them is only about 2% of the charts' instructions
    (callgrind). The pixels are the same; fixed ticks (labels set by hand) are left as they are.
    """
    from matplotlib.ticker import FixedLocator, NullLocator

    for axis in (axes.xaxis, axes.yaxis):
        low, high = sorted(axis.get_view_interval())
        slack = (high - low) * 1e-9
        for minor in (False, True):
            locator = axis.get_minor_locator() if minor else axis.get_major_locator()
            if isinstance(locator, FixedLocator | NullLocator):
                continue
            ticks = [t for t in locator() if low - slack <= t <= high + slack]
            axis.set_ticks(ticks, minor=minor)


#: zlib's fastest level: on these charts (flat colours, text) it is half the encoding time of
#: PIL's default 6 and the files come out no larger (forecast.png: 753 KB against 783 KB)
_PNG_COMPRESS_LEVEL = 1


def _encode(pixels: Any) -> bytes:
    """RGBA *pixels* as PNG bytes, without a Software chunk (the same chart, the same bytes
    whichever matplotlib drew it)."""
    from matplotlib import image

    buffer = io.BytesIO()
    image.imsave(
        buffer,
        pixels,
        format="png",
        dpi=_DPI,
        metadata={"Software": None},  # type: ignore[dict-item]
        pil_kwargs={"compress_level": _PNG_COMPRESS_LEVEL},
    )
    return buffer.getvalue()


def _n(value: int | float) -> str:
    return f"{value:,}"


# --- utilization.png ---------------------------------------------------------------------------


#: a few words per rule of docs/rules.md, for labels
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
    return sorted({p.rule for p in estimate.problems_of(cluster, Severity.ERROR)})


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
    infeasible = [bool(bad[n]) for n in networks]
    # one call for the panel's bars: each barh call is a container and a limits update
    ax.barh(
        ys,
        values,
        0.62,
        color=[MODEL_COLORS[n.value] for n in networks],
        hatch=["///" if i else None for i in infeasible],
        edgecolor=[ALERT if i else "black" for i in infeasible],
        linewidth=[1.4 if i else 0.4 for i in infeasible],
    )
    for y, v, t in zip(ys, values, texts, strict=True):
        ax.text(v, y, f" {t}", va="center", fontsize=8.5)
    ax.set_ylim(-0.6, len(ys) - 0.4)
    # no tick marks where no label says what they mark: a tick is three lines and two texts
    # (the first panel of a row labels its bars with the models' names); every bar says its
    # number, so no x scale either: ticks, their labels and grid lines were a third of
    # comparison.png's rendering (issue 11)
    ax.set_xticks([])
    ax.set_yticks([])


def _few_ticks(axis: Any, count: int) -> None:
    """At most *count* + 1 round-numbered ticks: each tick costs render time."""
    from matplotlib.ticker import MaxNLocator

    axis.set_major_locator(MaxNLocator(nbins=count, integer=True, min_n_ticks=2))


def _THOUSANDS() -> Any:
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda value, _: f"{value:,.0f}")


def _ip(version: int, value: int) -> str:
    return str(ipaddress.IPv4Address(value) if version == 4 else ipaddress.IPv6Address(value))


def _fit_words(
    text: str, width_in: float, size: float, weight: str = "normal", sep: str = " "
) -> str:
    """*text* broken after *sep* into lines no wider than *width_in* (a word stays whole)."""
    lines: list[str] = []
    for word in text.split(sep):
        if lines and _text_px(lines[-1] + sep + word, size, weight) / _DPI <= width_in:
            lines[-1] += sep + word
        else:
            if lines and sep != " ":
                lines[-1] += sep  # keep the hyphen at the end of the broken line
            lines.append(word)
    return "\n".join(lines)


@lru_cache(maxsize=512)
def _text_px(text: str, size: float = 8, weight: str = "normal") -> float:
    """Width in pixels of *text* (its widest line) at font *size*, measured on the real font."""
    from matplotlib.font_manager import FontProperties

    font = FontProperties(size=size, weight=weight)
    widths = [
        _renderer().get_text_width_height_descent(line, font, ismath=False)[0]
        for line in text.split("\n")
    ]
    return float(max(widths))


@lru_cache(maxsize=1)
def _renderer() -> Any:
    from matplotlib.backends.backend_agg import RendererAgg

    return RendererAgg(1, 1, _DPI)  # type: ignore[no-untyped-call]
