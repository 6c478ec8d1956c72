"""What every chart shares: the Okabe-Ito colours, one per network model, figure set-up,
PNG output and text measuring (matplotlib is imported lazily, on the Agg backend)."""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from ipplan.core.capacity import Estimate
from ipplan.core.forecast import CURRENT
from ipplan.rules import Network, Severity, SubnetKind, cite

if TYPE_CHECKING:
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
    # Tol's muted rose: his light mint was too near "sized" (BLOCK_COLORS) to tell apart
    SubnetKind.ROUTE_SERVER.value: "#CC6677",
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

    Agg draws the pixels and :func:`_encode` compresses them once for the whole chart and its
    bands alike.
    """
    import numpy
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    for axes in figure.axes:
        _ticks_in_view(axes)
    canvas = FigureCanvasAgg(figure)
    canvas.draw()  # type: ignore[no-untyped-call]
    pixels = numpy.asarray(canvas.buffer_rgba())  # type: ignore[no-untyped-call]
    if len(cuts) <= 2:
        return Rendered(_encode(pixels, (0,))[0])
    scale = len(pixels) / cuts[-1]  # pixel rows per inch of the drawn figure
    whole, bands = _encode(pixels, tuple(round(top * scale) for top in cuts[:-1]))
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


#: zlib's fastest level: zlib's default 6 makes the files a sixth smaller (comparison.png of a
#: 100-subnet estate: 454 KB against 541 KB) in twice the time
_PNG_COMPRESS_LEVEL = 1
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
#: a final deflate block holding nothing (fixed Huffman codes, then the end-of-block code)
_DEFLATE_END = b"\x03\x00"


def _encode(pixels: Any, starts: Sequence[int]) -> tuple[bytes, tuple[bytes, ...]]:
    """RGBA *pixels* (rows x columns x 4 bytes) as one PNG, and, when *starts* (the first
    pixel row of each band, 0 first) holds more than one band, one PNG per band.

    The pixels are filtered and compressed once for all of them (issue 11): each row is
    stored as its difference from the row above (PNG's "Up" filter) except a band's first
    row, which is stored as it is, and the compressor is fully flushed at the end of each
    band, so each band's compressed bytes stand alone. The whole PNG is every band's bytes
    in a row; a band's PNG is its own bytes with an end and a checksum of its own. Through
    Pillow (what matplotlib's savefig uses) comparison.png of a 100-subnet estate and its 10
    bands took 0.18 s of CPU against 0.044 s, most of it spent choosing a filter per row
    (0.085 s for the whole chart with compression off). No text chunks: the same chart, the
    same bytes.
    """
    import zlib

    import numpy

    height, width = int(pixels.shape[0]), int(pixels.shape[1])
    ends = (*starts[1:], height)
    if not starts or starts[0] != 0 or any(a >= b for a, b in zip(starts, ends, strict=True)):
        raise ValueError(f"band starts {tuple(starts)} must rise from 0 to below {height} rows")
    rows = pixels.reshape(height, width * 4)
    data = numpy.empty((height, width * 4 + 1), numpy.uint8)
    data[:, 0] = 2  # Up
    numpy.subtract(rows[1:], rows[:-1], out=data[1:, 1:])  # modulo 256, as PNG's filters are
    for start in starts:
        data[start, 0] = 0  # None: the band starts afresh
        data[start, 1:] = rows[start]
    compressor = zlib.compressobj(_PNG_COMPRESS_LEVEL)
    pieces = [
        compressor.compress(data[start:end].data) + compressor.flush(zlib.Z_FULL_FLUSH)
        for start, end in zip(starts, ends, strict=True)
    ]
    header, pieces[0] = pieces[0][:2], pieces[0][2:]  # zlib's header comes with the first
    whole = _png_file(width, height, header + b"".join(pieces) + compressor.flush())
    if len(starts) < 2:
        return whole, ()
    bands = tuple(
        _png_file(
            width,
            end - start,
            header + piece + _DEFLATE_END + zlib.adler32(data[start:end].data).to_bytes(4, "big"),
        )
        for start, end, piece in zip(starts, ends, pieces, strict=True)
    )
    return whole, bands


def _png_file(width: int, height: int, compressed: bytes) -> bytes:
    """A PNG file of 8-bit RGBA pixels: its header, its resolution, the *compressed* rows."""
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            len(body).to_bytes(4, "big") + kind + body + zlib.crc32(kind + body).to_bytes(4, "big")
        )

    per_metre = round(_DPI / 0.0254).to_bytes(4, "big")
    return b"".join(
        (
            _PNG_SIGNATURE,
            chunk(
                b"IHDR", width.to_bytes(4, "big") + height.to_bytes(4, "big") + b"\x08\x06\0\0\0"
            ),
            chunk(b"pHYs", per_metre + per_metre + b"\x01"),
            chunk(b"IDAT", compressed),
            chunk(b"IEND", b""),
        )
    )


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
    return "; ".join(f"{RULE_WORDS.get(r, r)} ({cite([r])})" for r in rules)


def _int(value: object) -> int:
    return int(value) if isinstance(value, int) else 0


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


#: the narrowest width _wrap breaks text to, in inches
_WRAP_MIN_IN = 1.0


def _wrap(text: str, width_in: float, size: float, weight: str = "normal") -> str:
    """*text* broken into lines no wider than *width_in* at font *size*: at spaces; a word
    still too wide (a long subnet, VNet or cluster name) after its ``/`` and ``-``; and as a
    last resort anywhere. Azure's names run to 64 characters (VNet), 80 (subnet) and 63 (AKS
    cluster): a heading that names three of them is wider than the page."""

    # never narrower than an inch: a column squeezed by something else still gets lines of
    # a few characters, and each line at least one (an empty line never fits a width below 0)
    width_in = max(width_in, _WRAP_MIN_IN)

    def fits(part: str) -> bool:
        return _text_px(part, size, weight) / _DPI <= width_in

    if fits(text):
        return text
    lines: list[str] = []
    for line in _fit_words(text, width_in, size, weight).split("\n"):
        for sep in ("/", "-"):
            line = "\n".join(
                part if fits(part) else _fit_words(part, width_in, size, weight, sep)
                for part in line.split("\n")
            )
        for part in line.split("\n"):
            while len(part) > 1 and not fits(part):
                # the longest head that fits (at least one character): widths grow with length
                low, high = 1, len(part) - 1
                while low < high:
                    mid = (low + high + 1) // 2
                    low, high = (mid, high) if fits(part[:mid]) else (low, mid - 1)
                lines.append(part[:low])
                part = part[low:]
            if part:
                lines.append(part)
    return "\n".join(lines)


def _text_h(text: str, size: float, first: float) -> float:
    """The height in inches that *text*, perhaps broken onto lines (:func:`_wrap`), takes:
    *first* for its first line, and a line at font *size* for each line more."""
    return first + _line_h(size) * text.count("\n")


def _line_h(size: float) -> float:
    """The height in inches of one line of text at font *size* (matplotlib's line spacing)."""
    return size * 1.22 / 72


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
