"""The charts: what each figure says (titles, labels, lines), PNG bytes, parallel rendering."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

from ipplan.core.capacity import Growth
from ipplan.core.plan import Plan, build_plan
from ipplan.report.chart import (
    BANDS,
    CHARTS,
    MODEL_COLORS,
    _callouts,
    address_map_figure,
    comparison_figure,
    forecast_figure,
    png,
    rendering,
    sweep_figure,
    utilization_figure,
)
from ipplan.report.charts.comparison import _TITLES
from ipplan.report.charts.style import ALERT, CHART_WIDTH_IN
from ipplan.rules import Network
from ipplan.scenario import load_scenario
from review_scenarios import big, small


@pytest.fixture(scope="module")
def plan() -> Plan:
    return build_plan(small())


@pytest.fixture(scope="module")
def pinned() -> Plan:
    """The README's example with aks-pods fixed at a /19, so a pod subnet runs out."""
    return build_plan(small(pods_prefixlen=19))


@pytest.fixture(scope="module")
def estate() -> Plan:
    return build_plan(big())


def _texts(figure: object) -> list[str]:
    return [t.get_text() for ax in figure.axes for t in ax.texts]  # type: ignore[attr-defined]


def test_utilization(plan: Plan) -> None:
    fig = utilization_figure(plan)
    assert fig._suptitle.get_text() == (  # type: ignore[union-attr]
        "contoso-prod: subnet utilization now and at upgrade peak (% of usable IPs; warn at 80%)"
    )
    (ax,) = fig.axes
    assert ax.get_title(loc="left") == "VNet spoke-prod"
    assert ax.get_xlabel() == "utilization (% of the subnet's usable IPs; 100% = full)"
    # aks-pods is sized for the pod-subnet models in 2030-01: the user pool grows from 60 to
    # 60 + 2 x 36 = 132 nodes, + ceil(33%) = 44 surge = 176; dynamic 48 IPs each = 8,448, +20%
    # = 10,138 IPs; static 4 blocks each = 704, +20% = 845 blocks: a /18 either way. Best fit:
    # the /27 at 10.20.0.0 splits 10.20.0.0/17, whose smallest free block a /18 fits is
    # 10.20.64.0/18 itself
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        "aks-pods  10.20.64.0/18\nunused, sized",
        "aks-nodes  10.20.1.0/24\nnode, allocated",
        "gateway  10.20.0.0/27\nother, existing",
    ]
    # the warn line (80%) and the capacity line (100%)
    assert sorted(line.get_xdata()[0] for line in ax.get_lines()) == [80, 100]
    assert _texts(fig) == [
        "unused (16,379 usable IPs)",  # 2^14 - 5
        "89 of 251 IPs at peak (35.5%)",
        "9 of 27 IPs at peak (33.3%)",
    ]


def test_utilization_facets_per_vnet(estate: Plan) -> None:
    fig = utilization_figure(estate)
    assert [ax.get_title(loc="left") for ax in fig.axes] == [
        "VNet hub",
        "VNet spoke-web",
        "VNet spoke-legacy",
        "VNet spoke-data",
    ]


def test_comparison(plan: Plan) -> None:
    fig = comparison_figure(plan)
    # the cluster's heading, then each panel's title, over its column
    assert [t.get_text() for t in fig.texts if t is not fig._suptitle] == [
        "cluster prod-aks: azure-cni-overlay today, 63 planned nodes; "
        "node subnet spoke-prod/aks-nodes (/24)",
        "VNet IPs consumed\n(VNet private IPs at peak)",
        "smallest node subnet at peak\n(prefix; each step right\ndoubles)",
        "room to grow (rule A18)\n(planning nodes while every\nlimit holds)",
    ]
    # one axes per column, whatever the number of clusters (each panel frames itself)
    vnet, smallest, fits = fig.axes
    flat = {title.replace("\n", " ") for title in _TITLES}  # as written, before wrapping
    titles = [t for t in fig.texts if t.get_text().replace("\n", " ") in flat]
    assert [t.get_position()[0] for t in titles] == [
        pytest.approx(ax.get_position().x0) for ax in fig.axes
    ]
    # every bar says its number: no panel has an x scale (ticks, labels, grid) to read
    assert all(not ax.get_xticks().size and not ax.get_xlabel() for ax in fig.axes)
    assert [t.get_text() for t in vnet.get_yticklabels()] == [
        "kubenet",
        "azure-cni\nINFEASIBLE: node subnet too small (rule A3)",
        "azure-cni-overlay (current)",
        "azure-cni-pod-subnet",
        "azure-cni-pod-subnet-static",
    ]
    # VNet IPs count the cluster's 4 ILB frontends and private API endpoint too (rule A15)
    assert [t.get_text() for t in vnet.texts] == [" 89", " 4,529", " 89", " 4,369", " 437"]
    assert [t.get_text() for t in smallest.texts][:2] == [" /25 (89 IPs)", " /19 (4,529 IPs)"]
    # room to grow (rule A18), as in clusters.csv: the user pool grows to 181 (181 + 60 surge =
    # 241 of the 242 IPs the system pool and other consumers leave), + 3 system nodes = 184;
    # under azure-cni the system pool alone (4 peak x 111 = 444 IPs) and the 5 others overflow
    # the /24's 251 with the user pool at 0: no room, said, never a count (it said 3 before)
    assert [t.get_text() for t in fits.texts] == [
        " 184",
        " no room",
        " 184",
        " 184",
        " 184",
        "planned 63",
    ]
    # one bar per model, in the model's colour; the infeasible one hatched
    bars = vnet.containers[0].patches
    assert [b.get_facecolor()[:3] for b in bars] == [
        pytest.approx(tuple(int(MODEL_COLORS[n][i : i + 2], 16) / 255 for i in (1, 3, 5)))
        for n in (
            "kubenet",
            "azure-cni",
            "azure-cni-overlay",
            "azure-cni-pod-subnet",
            "azure-cni-pod-subnet-static",
        )
    ]
    assert [b.get_hatch() for b in bars] == [None, "///", None, None, None]


def _required(ax: object) -> dict[str, object]:
    """A forecast panel's required lines, by model."""
    return {
        line.get_gid().removeprefix("required "): line  # type: ignore[attr-defined]
        for line in ax.get_lines()  # type: ignore[attr-defined]
        if (line.get_gid() or "").startswith("required ")
    }


def test_forecast(pinned: Plan) -> None:
    # aks-pods pinned at a /19: sized for the horizon (size: auto) it would last under every
    # pod-subnet model, and no feasible model would run out
    fig = forecast_figure(pinned)
    assert fig._suptitle.get_text() == (  # type: ignore[union-attr]
        "contoso-prod: the first resource to run out, per cluster and model, 2027-01 to 2030-01"
    )
    assert [t.get_text() for t in fig.texts if t is not fig._suptitle] == [
        "cluster prod-aks (today azure-cni-overlay)"
    ]
    # one panel for the cluster: every model's binding resource on one % scale
    (ax,) = fig.axes
    assert ax.get_ylim() == (0, 125) and ax.get_ylabel() == "% of capacity used"
    assert [t.get_text() for t in ax.get_yticklabels()] == ["0%", "25%", "50%", "75%", "100%"]
    # beside each line, its status and its binding resource (the one that runs out first)
    assert [t.get_text() for t in ax.texts] == [
        # 2027-01..2028-03, both counted: 15 months (rule A21; it said 14 beside a 15-month runway)
        "kubenet: unsupported from 2028-04\nkubenet support (retires 2028-03-31): 15 months\n"
        "\u2191 off the scale (above 125%) from 2028-07",
        # above the scale from month 0: the label says there is no line to look for
        "azure-cni: INFEASIBLE now (rule A3)\nnode subnet spoke-prod/aks-nodes: 251 IPs\n"
        "\u2191 off the scale, no line: 1,804.4% of capacity in 2027-01",
        "azure-cni-overlay (current): lasts, 73.7% used in 2030-01\n"
        "node subnet spoke-prod/aks-nodes: 251 IPs",
        "azure-cni-pod-subnet: runs out 2029-11\npod subnet spoke-prod/aks-pods: 8,187 IPs",
        "azure-cni-pod-subnet-static: runs out 2028-07\npod subnet spoke-prod/aks-pods: 8,160 IPs\n"
        "\u2191 off the scale (above 125%) from 2029-07",
    ]
    # the cluster's own model in bold, what runs out (or cannot be built) in the alert colour
    assert [t.get_fontweight() for t in ax.texts] == [
        "normal",
        "normal",
        "bold",
        "normal",
        "normal",
    ]
    assert [t.get_color() for t in ax.texts] == [ALERT, ALERT, "black", ALERT, ALERT]
    # capacity (100%) and the warn level, then the required lines in % of capacity: the
    # overlay node subnet's 89, 92, 95 IPs of 251 (Series.utilization_pct)
    assert [list(line.get_ydata()) for line in ax.get_lines()[:2]] == [[100, 100], [80, 80]]
    required = _required(ax)
    # azure-cni, above the scale every month, has no line (its label says so) and no leader
    assert list(required) == [
        "kubenet",
        "azure-cni-overlay",
        "azure-cni-pod-subnet",
        "azure-cni-pod-subnet-static",
    ]
    leaders = {
        line.get_gid(): line
        for line in ax.get_lines()
        if (line.get_gid() or "").startswith("leader ")
    }
    assert "leader azure-cni" not in leaders
    # the two lines that leave the top of the scale: each leader starts where its own line
    # leaves it (kubenet 16 of 15 months at month 17, 120%, and 19 at month 18, 126.7%:
    # 17 + 5/6.7 of 36 months; the static pod subnet 120.3% at month 29, 126.2% at 30),
    # dotted, and the earlier one's label is the higher: they never meet in the corner
    starts = {
        gid: (float(line.get_xdata()[0]), float(line.get_ydata()[0]))
        for gid, line in leaders.items()
    }
    assert starts["leader kubenet"] == pytest.approx((0.4930, 1.0), abs=1e-4)
    assert starts["leader azure-cni-pod-subnet-static"] == pytest.approx((0.8275, 1.0), abs=1e-4)
    assert starts["leader azure-cni-overlay"] == (1.0, pytest.approx(73.7 / 125))
    assert [leaders[f"leader {m}"].get_linestyle() for m in required] == [":", "-", "-", ":"]
    label_y = {t.get_gid(): t.get_position()[1] for t in ax.texts}
    assert label_y["label kubenet"] > label_y["label azure-cni-pod-subnet-static"]
    overlay = required["azure-cni-overlay"]
    assert overlay.get_color() == MODEL_COLORS["azure-cni-overlay"]  # type: ignore[attr-defined]
    assert list(overlay.get_ydata())[:3] == [35.5, 36.7, 37.8]  # type: ignore[attr-defined]
    assert overlay.get_linewidth() > required["kubenet"].get_linewidth()  # type: ignore[attr-defined]
    # a marker where each runs out: kubenet's retirement (rule A21) in 2028-04 (month 15, which
    # needs 16 of its 15 supported months: 106.7%), the pod subnets in 2029-11 and 2028-07;
    # azure-cni is off the scale (1,804% now)
    marks = [
        (int(line.get_xdata()[0]), float(line.get_ydata()[0]))
        for line in ax.get_lines()
        if line.get_gid() == "runs-out"
    ]
    assert marks == [(15, 106.7), (34, 100.3), (18, 100.4)]
    assert [t.get_text() for t in fig.legends[0].get_texts()][-4:] == [
        "capacity (100%)",
        "warn level 80%",
        "runs out",
        "above capacity",
    ]


def test_forecast_one_row_per_cluster_own_model_marked(estate: Plan) -> None:
    fig = forecast_figure(estate)
    assert [t.get_text() for t in fig.texts if t is not fig._suptitle] == [
        "cluster web (today azure-cni-pod-subnet)",
        "cluster legacy (today kubenet)",
        "cluster data (today azure-cni)",
    ]
    assert len(fig.axes) == 3
    bold = [
        t.get_text().split(":")[0]
        for ax in fig.axes
        for t in ax.texts
        if t.get_fontweight() == "bold"
    ]
    assert bold == ["azure-cni-pod-subnet (current)", "kubenet (current)", "azure-cni (current)"]
    assert [
        _required(ax)[m].get_linewidth()
        for ax, m in zip(fig.axes, ("azure-cni-pod-subnet", "kubenet", "azure-cni"), strict=True)
    ] == [2.8] * 3  # type: ignore[attr-defined]
    # rows go down the page
    bottoms = [ax.get_position().y0 for ax in fig.axes]
    assert bottoms == sorted(bottoms, reverse=True)


def test_address_map(plan: Plan) -> None:
    fig = address_map_figure(plan)
    assert [ax.get_title(loc="left") for ax in fig.axes] == [
        # 32 + 256 + 16,384 = 16,672 of 65,536 addresses in subnets
        "VNet spoke-prod: 10.20.0.0/16 (65,536 addresses, 25.4% in subnets)",
        "    zoom on 10.20.0.0/23, where its subnets are (512 addresses)",
    ]
    overview, zoom = fig.axes
    # the /18 is wide enough for its label; the /27 and /24 are labelled above the strip
    assert "aks-pods\n10.20.64.0/18" in [t.get_text() for t in overview.texts]
    assert {"gateway\n10.20.0.0/27", "aks-nodes\n10.20.1.0/24"} <= {
        t.get_text() for t in overview.texts
    }
    assert "aks-nodes\n10.20.1.0/24" in [t.get_text() for t in zoom.texts]
    assert [t.get_text() for t in zoom.get_xticklabels()] == [
        "10.20.0.0",
        "10.20.0.128",
        "10.20.1.0",
        "10.20.1.128",
        "10.20.1.255",
    ]
    assert [t.get_text() for t in fig.legends[0].get_texts()] == [
        "existing subnet",
        "placed by ipplan (prefix)",
        "sized and placed by ipplan (size: auto)",
        "free",
    ]


def test_callouts_keep_order_and_do_not_overlap() -> None:
    # three tiny blocks at the left of a 1,000-pixel strip: labels fan out to the right
    spans = [(0.001, "a\n10.0.0.0/27"), (0.002, "b\n10.0.0.32/27"), (0.003, "c\n10.0.0.64/27")]
    placed = _callouts(spans, 1000.0)
    xs = [x for x, _, _ in placed]
    assert xs == sorted(xs) and [row for _, _, row in placed] == [0, 0, 0]
    assert all(b - a > 0.07 for a, b in zip(xs, xs[1:], strict=False))
    # a strip too narrow for all of them on one row starts a second row
    assert [row for _, _, row in _callouts(spans, 150.0)] == [0, 1, 2]


def test_sweep_heatmap_masks_infeasible_cells() -> None:
    prefixes = {
        ("kubenet", "1"): np.array([[28, 27], [28, 27]]),
        ("azure-cni", "1"): np.array([[24, 23], [22, 21]]),
    }
    feasible = {
        ("kubenet", "1"): np.ones((2, 2), bool),
        ("azure-cni", "1"): np.array([[True, True], [True, False]]),
    }
    fig = sweep_figure((10, 20), (30, 110), prefixes, feasible, "sweep")
    assert fig._suptitle.get_text() == "sweep"  # type: ignore[union-attr]
    panels = [ax for ax in fig.axes if ax.get_title(loc="left")]
    assert [ax.get_title(loc="left") for ax in panels] == ["kubenet", "azure-cni"]
    assert panels[0].get_xlabel() == "nodes (planning count)"
    assert panels[0].get_xscale() == "linear"
    assert panels[0].get_ylabel() == "max pods per node"
    # every feasible cell is labelled with its prefix; the masked one is not
    assert [t.get_text() for t in panels[1].texts] == ["/24", "/23", "/22"]
    assert png(fig)[:8] == b"\x89PNG\r\n\x1a\n"


def test_sweep_heatmap_facets_surges_log_axis_and_a_colour_bar_that_fits() -> None:
    nodes = tuple(range(1, 101))
    grid = np.tile(np.arange(29, 29 - len(nodes), -1) // 4 + 20, (2, 1))
    keys = [("azure-cni-overlay", "1"), ("azure-cni-overlay", "10%")]
    fig = sweep_figure(
        nodes,
        (30, 110),
        dict.fromkeys(keys, grid),
        dict.fromkeys(keys, np.ones(grid.shape, bool)),
        "sweep",
    )
    panels = [ax for ax in fig.axes if ax.get_title(loc="left")]
    assert [ax.get_title(loc="left") for ax in panels] == [
        "azure-cni-overlay, surge 1",
        "azure-cni-overlay, surge 10%",
    ]
    # 1 to 100 nodes span two decades: a log axis, so the small counts are not squashed
    assert panels[0].get_xscale() == "log"
    assert panels[0].get_xlabel() == "nodes (planning count, log scale)"
    # the colour bar lies under the panels and its label stays on the figure
    canvas = FigureCanvasAgg(fig)
    canvas.draw()  # the layout engine places the colour bar while drawing
    renderer = canvas.get_renderer()
    bar = next(ax for ax in fig.axes if not ax.get_title(loc="left") and ax.get_xlabel())
    label = bar.xaxis.label.get_window_extent(renderer)
    assert _inside(label, fig.bbox)
    # the infeasible hatch is no colour of the prefix scale
    assert panels[0].patches[0].get_hatch() == "///"


def test_every_chart_is_a_png_and_workers_give_the_same_bytes() -> None:
    plan = build_plan(load_scenario(Path("data/example.yaml")))
    with rendering(plan, jobs=1) as wait:
        alone = wait()
    with rendering(plan, jobs=2) as wait:
        workers = wait()
    assert list(alone) == list(CHARTS)
    assert all(chart.png[:8] == b"\x89PNG\r\n\x1a\n" for chart in alone.values())
    # a chart of several print bands carries one PNG per band, cropped where it was drawn
    for name, chart in alone.items():
        bands = len(BANDS[name](plan)) - 1
        assert len(chart.bands) == (bands if bands > 1 else 0), name
    assert alone == workers


def test_the_png_and_its_bands_decode_to_the_pixels_agg_drew(estate: Plan) -> None:
    # ipplan encodes the PNGs itself (one compression for the whole chart and its bands):
    # Pillow, an independent decoder, must read back exactly the drawn pixels, at 100 dpi
    import io

    from PIL import Image

    from ipplan.report.charts.style import _encode

    fig = comparison_figure(estate)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    pixels = np.asarray(canvas.buffer_rgba())
    starts = (0, 17, 18, len(pixels) - 1)  # bands of 17 rows, 1 row, the rest, the last row
    whole, bands = _encode(pixels, starts)
    ends = (*starts[1:], len(pixels))

    def decoded(data: bytes) -> np.ndarray:
        with Image.open(io.BytesIO(data)) as image:
            assert image.mode == "RGBA" and image.info["dpi"] == pytest.approx((100, 100), 1e-4)
            return np.asarray(image)

    assert np.array_equal(decoded(whole), pixels)
    assert len(bands) == len(starts)
    for start, end, band in zip(starts, ends, bands, strict=True):
        assert np.array_equal(decoded(band), pixels[start:end]), start
    # one band: the whole PNG only, and the same bytes every time
    alone, no_bands = _encode(pixels, (0,))
    assert no_bands == () and _encode(pixels, (0,))[0] == alone
    assert np.array_equal(decoded(alone), pixels)


def test_forecast_draws_each_model_once_when_clusters_share_an_uncompared_one(
    estate: Plan,
) -> None:
    # two clusters on kubenet, which planning.compare leaves out: each cluster's panel has one
    # kubenet line (its own) and the legend one kubenet entry
    scenario = estate.scenario
    clusters = scenario.clusters
    kubenet = tuple(replace(c, network=Network.KUBENET) for c in clusters[:2])
    planning = replace(scenario.planning, compare=(Network.OVERLAY,))
    plan = build_plan(replace(scenario, clusters=kubenet + clusters[2:], planning=planning))
    fig = forecast_figure(plan)
    assert [[t.get_text().split(":")[0] for t in ax.texts] for ax in fig.axes] == [
        ["azure-cni-overlay", "kubenet (current)"],
        ["azure-cni-overlay", "kubenet (current)"],
        ["azure-cni-overlay", "azure-cni (current)"],
    ]
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert legend[:3] == ["azure-cni-overlay", "kubenet", "azure-cni"]


def test_forecast_keeps_its_width_with_huge_numbers() -> None:
    # a pool growing 1000% a month needs 10^26 nodes by the horizon: the 27-digit tick labels
    # once left the panels a negative width (matplotlib raised, ipplan plan crashed); on the
    # % scale the line leaves the panel at its top and its label says when it runs out
    scenario = small(pods_prefixlen=19)  # size: auto could not allocate 10^26 nodes' pods
    cluster = scenario.clusters[0]
    user = replace(cluster.node_pools[1], growth=Growth(percent_per_month=1000))
    huge = replace(scenario, clusters=(replace(cluster, node_pools=(cluster.node_pools[0], user)),))
    fig = forecast_figure(build_plan(huge))
    assert fig.get_figwidth() == CHART_WIDTH_IN
    (ax,) = fig.axes
    assert _required(ax)["azure-cni-overlay"].get_ydata()[-1] > 10**26  # type: ignore[attr-defined]
    assert ax.get_ylim() == (0, 125)
    assert ax.texts[2].get_text().startswith("azure-cni-overlay (current): runs out 2027-02\n")
    _labels_on_the_page_and_apart(fig)


def test_platform_subnets_are_coloured_by_kind() -> None:
    # rule A24: a platform subnet's label (utilization) and block (address map) take its kind's
    # colour, and each legend names the kinds shown
    from matplotlib.colors import to_hex

    from ipplan.report.charts.style import KIND_COLORS

    plan = build_plan(load_scenario(Path(__file__).parent.parent / "data" / "hub-spoke.yaml"))
    fig = utilization_figure(plan)
    boxes = {
        label.get_text().split()[0]: to_hex(label.get_bbox_patch().get_facecolor())
        for ax in fig.axes
        for label in ax.get_yticklabels()
        if label.get_bbox_patch() is not None
    }
    assert boxes["AzureBastionSubnet"] == KIND_COLORS["bastion"].lower()
    assert boxes["agc"] == KIND_COLORS["app-gateway-for-containers"].lower()
    assert "aks-nodes" not in boxes
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert {"bastion", "vpn-gateway", "api-server"} <= set(legend)
    amap = address_map_figure(plan)
    faces = {to_hex(p.get_facecolor()[0]) for ax in amap.axes for p in ax.collections}
    assert KIND_COLORS["route-server"].lower() in faces


def test_address_map_says_every_block_s_origin_and_lists_only_what_it_draws() -> None:
    # hub-spoke: every subnet is a platform one in the hub, its fill its kind; the stripe at
    # its foot is its origin's colour (the firewall and gateway subnets exist, the others
    # ipplan sizes), so "existing subnet" is drawn, and listed; nothing listed is not drawn
    from matplotlib.colors import to_hex

    from ipplan.report.charts.style import BLOCK_COLORS, KIND_COLORS

    plan = build_plan(load_scenario(Path("data/hub-spoke.yaml")))
    fig = address_map_figure(plan)
    hub = fig.axes[0]
    feet = [(c.get_gid(), to_hex(c.get_facecolor()[0])) for c in hub.collections if c.get_gid()]
    origins = ["existing", "sized", "sized", "existing", "sized"]  # in address order
    assert feet == [(f"origin {o}", BLOCK_COLORS[o].lower()) for o in origins]
    # one foot per platform block, in every strip (spoke-apps: AGC and the API server)
    assert [len([c for c in ax.collections if c.get_gid()]) for ax in fig.axes] == [5, 2, 2, 1, 1]
    legend = fig.legends[0]
    assert legend.get_title().get_text() == (
        "platform subnets: the colour is the kind, the stripe at the foot the origin"
    )
    assert [t.get_text() for t in legend.get_texts()] == [
        "existing subnet",
        "placed by ipplan (prefix)",
        "sized and placed by ipplan (size: auto)",
        "free",
        "api-server",
        "app-gateway-for-containers",
        "azure-firewall",
        "azure-firewall-management",
        "bastion",
        "private-endpoints",
        "route-server",
        "vpn-gateway",
    ]
    drawn = {to_hex(c.get_facecolor()[0]) for ax in fig.axes for c in ax.collections}
    handles = [to_hex(h.get_facecolor()) for h in legend.legend_handles]
    assert set(handles) <= drawn
    # the route server is no longer a green next to "sized"
    assert KIND_COLORS["route-server"] == "#CC6677"
    # no platform subnet: no legend title
    assert not address_map_figure(build_plan(small())).legends[0].get_title().get_text()


EXAMPLES = sorted(Path("data").glob("*.yaml"))


@pytest.fixture(scope="module", params=EXAMPLES, ids=[p.stem for p in EXAMPLES])
def example(request: pytest.FixtureRequest) -> Plan:
    return build_plan(load_scenario(request.param))


def _inside(inner: object, outer: object, slack: float = 1.0) -> bool:
    return bool(
        inner.x0 >= outer.x0 - slack  # type: ignore[attr-defined]
        and inner.x1 <= outer.x1 + slack  # type: ignore[attr-defined]
        and inner.y0 >= outer.y0 - slack  # type: ignore[attr-defined]
        and inner.y1 <= outer.y1 + slack  # type: ignore[attr-defined]
    )


def test_review_pack_charts_share_one_width(example: Plan) -> None:
    # one chart width in the summary, printed at 100% or more on landscape A4/Letter (issue 15)
    assert comparison_figure(example).get_figwidth() == CHART_WIDTH_IN
    assert forecast_figure(example).get_figwidth() == CHART_WIDTH_IN


def test_comparison_labels_stay_inside_and_above_the_reference_lines(example: Plan) -> None:
    fig = comparison_figure(example)
    renderer = FigureCanvasAgg(fig).get_renderer()
    page = fig.bbox
    for ax in fig.axes:
        # each panel's frame: one per cluster in every column
        frames = [p.get_window_extent(renderer) for p in ax.patches if not p.get_fill()]
        assert len(frames) == len(example.clusters)
        # every y tick label (bold for the current model, red when infeasible) is on the page
        for tick in ax.get_yticklabels():
            assert _inside(tick.get_window_extent(renderer), page), tick.get_text()
        for text in ax.texts:
            extent = text.get_window_extent(renderer)
            if text.get_text().startswith(" "):  # a bar's label: inside its panel's frame
                assert any(_inside(extent, frame) for frame in frames), text.get_text()
            else:  # a marker's label (current prefix, planned nodes): above it, as wide
                assert any(
                    extent.x0 >= frame.x0 - 1
                    and extent.x1 <= frame.x1 + 1
                    and frame.y1 - 1 <= extent.y0 <= frame.y1 + 4
                    for frame in frames
                ), text.get_text()
            # boxed and drawn above the dashed current/planned lines, never struck through
            assert text.get_bbox_patch() is not None
            assert all(text.get_zorder() > line.get_zorder() for line in ax.get_lines())


def _labels_on_the_page_and_apart(fig: object) -> None:
    renderer = FigureCanvasAgg(fig).get_renderer()  # type: ignore[arg-type]
    page = fig.bbox  # type: ignore[attr-defined]
    for ax in fig.axes:  # type: ignore[attr-defined]
        extents = [t.get_window_extent(renderer) for t in ax.texts]
        for text, extent in zip(ax.texts, extents, strict=True):
            assert _inside(extent, page), text.get_text()
            assert extent.x0 > ax.get_window_extent(renderer).x1  # beside the plot, not on it
        for i, one in enumerate(extents):
            for other in extents[i + 1 :]:
                assert one.y1 <= other.y0 or other.y1 <= one.y0  # stacked, never overlapping


def test_forecast_labels_stay_on_the_page_apart_and_tied_to_their_lines(example: Plan) -> None:
    fig = forecast_figure(example)
    _labels_on_the_page_and_apart(fig)
    for ax in fig.axes:
        _tied(ax)


def _tied(ax: object) -> None:
    """Each drawn line's leader runs from where the line ends (dotted, from where it leaves
    the top edge for good when it ends above the scale) to the middle of its own label; a
    line above the scale every month is not drawn and its label says so."""
    labels = {t.get_gid(): t for t in ax.texts}  # type: ignore[attr-defined]
    leaders = {
        line.get_gid(): line
        for line in ax.get_lines()  # type: ignore[attr-defined]
        if (line.get_gid() or "").startswith("leader ")
    }
    required = _required(ax)
    assert required and sorted(leaders) == sorted(f"leader {m}" for m in required)
    x_end = ax.get_xlim()[1]  # type: ignore[attr-defined]
    for model, line in required.items():
        leader = leaders[f"leader {model}"]
        ys = [float(y) for y in line.get_ydata()]  # type: ignore[attr-defined]
        end = min(max(ys[-1], 0), 125) / 125
        assert leader.get_ydata()[0] == pytest.approx(end)
        assert leader.get_ydata()[1] == pytest.approx(labels[f"label {model}"].get_position()[1])
        if ys[-1] > 125:  # from where the line crosses 125% for the last time
            last = max(m for m, y in enumerate(ys) if y <= 125)
            exit = last + (125 - ys[last]) / (ys[last + 1] - ys[last])
            assert leader.get_xdata()[0] == pytest.approx(exit / x_end)
            assert leader.get_linestyle() == ":"
        else:
            assert leader.get_xdata()[0] == 1.0 and leader.get_linestyle() == "-"
    for model, label in labels.items():
        if "no line" in label.get_text():
            assert model.removeprefix("label ") not in required


def test_forecast_after_kubenet_retired_draws_no_share_of_it(tmp_path: Path) -> None:
    # planned from 2028-06, kubenet has no months of support left (rule A21: -3): no line and
    # no leader for it, its label at the top, in the core's words (forecast.shortfalls)
    text = Path("data/kubenet-migration.yaml").read_text(encoding="utf-8")
    path = tmp_path / "late.yaml"
    path.write_text(re.sub(r"start: \d{4}-\d{2}", "start: 2028-06", text), encoding="utf-8")
    fig = forecast_figure(build_plan(load_scenario(path)))
    (ax,) = fig.axes
    assert [t.get_text() for t in ax.texts] == [
        "kubenet (current): unsupported from 2028-04\nkubenet support (retires 2028-03-31)",
        "azure-cni-overlay: lasts, 99.0% used in 2030-06\n"
        "node subnet fabrikam-aks/aks-subnet: 507 IPs",
        "azure-cni-pod-subnet: INFEASIBLE now (rule A8)\npod subnet fabrikam-aks/pods: 16,379 IPs\n"
        "\u2191 off the scale, no line: 246.5% of capacity in 2028-06",
    ]
    assert list(_required(ax)) == ["azure-cni-overlay"]
    assert ax.texts[0].get_color() == ALERT
    assert ax.texts[0].get_position()[1] > ax.texts[1].get_position()[1]  # at the top
    _tied(ax)
    _labels_on_the_page_and_apart(fig)


@pytest.mark.parametrize(
    "name", ["nodes-" + "y" * 70, "-".join(["nodes"] * 15)], ids=["one-word", "hyphenated"]
)
def test_forecast_labels_of_long_names_stay_on_the_page(name: str, tmp_path: Path) -> None:
    # Azure allows 80-character subnet names: a label breaks after the name's "/" and "-", and
    # as a last resort anywhere, rather than run off the chart
    text = Path("data/example.yaml").read_text(encoding="utf-8").replace("aks-nodes", name)
    path = tmp_path / "long.yaml"
    path.write_text(text, encoding="utf-8")
    fig = forecast_figure(build_plan(load_scenario(path)))
    _labels_on_the_page_and_apart(fig)
    assert any(name[-12:] in t.get_text().replace("\n", "") for t in fig.axes[0].texts)


def test_utilization_says_why_a_reserved_platform_subnet_past_the_warn_level_is_ok() -> None:
    # AGC's 250 IPs and the API server's 9 are reserved whole (rule A24): 99.6% and 81.8% are
    # as planned, not warnings, and the bar says so rather than leave a reader to wonder
    plan = build_plan(load_scenario(Path("data/hub-spoke.yaml")))
    labels = _texts(utilization_figure(plan))
    reserved = sorted(t for t in labels if "reserved" in t)
    assert reserved == [
        "250 of 251 IPs at peak (99.6%), reserved",
        "9 of 11 IPs at peak (81.8%), reserved",
    ]
    assert {s.name for s in plan.subnets if s.reserved} == {"agc", "apiserver"}
    assert all(s.status == "ok" for s in plan.subnets if s.reserved)


_CLUSTER_63 = ("aks-platform-prod-westeurope-" * 3)[:63]
_VNET_64 = ("vnet-spoke-platform-prod-westeurope-" * 2)[:64]


@pytest.mark.parametrize(
    ("subnet", "edits"),
    [
        (("snet-aks-nodes-platform-prod-westeurope-" * 2)[:80], ()),
        # the widest glyph, no place to break: the label column is capped, not the page
        ("W" * 80, ()),
        # a /24 for 203 nodes: every model infeasible, two rules' words in a label, narrow
        # panels whose titles break onto more lines
        (
            "aks-nodes",
            (("prefix: 22}", "prefix: 24}"), ("max_nodes: 40 ", "max_nodes: 200")),
        ),
    ],
    ids=["azure-maximums", "widest-glyphs", "infeasible-labels"],
)
def test_every_chart_keeps_azure_s_longest_names_on_the_page(
    tmp_path: Path, subnet: str, edits: tuple[tuple[str, str], ...]
) -> None:
    # Azure's longest names: a cluster of 63 characters, a VNet of 64, a subnet of 80; the
    # headings and titles that name them break into lines, and the layout makes room for them
    cluster, vnet = _CLUSTER_63, _VNET_64
    text = Path("data/example.yaml").read_text(encoding="utf-8")
    for old, new in edits:
        text = text.replace(old, new)
    text = text.replace("example-aks", cluster).replace("aks-nodes", subnet)
    text = text.replace("name: spoke", f"name: {vnet}").replace("vnet: spoke", f"vnet: {vnet}")
    path = tmp_path / "long.yaml"
    path.write_text(text, encoding="utf-8")
    plan = build_plan(load_scenario(path))
    for name, chart in CHARTS.items():
        fig = chart(plan)
        renderer = FigureCanvasAgg(fig).get_renderer()
        page = fig.bbox
        titles = [t for t in fig.texts if t.get_text()] + [
            ax.title if ax.get_title() else ax._left_title for ax in fig.axes
        ]
        texts = titles + [t for ax in fig.axes for t in (*ax.texts, *ax.get_yticklabels())]
        for t in texts:
            assert _inside(t.get_window_extent(renderer), page), (name, t.get_text())
        # headings and titles never run into one another
        boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in titles if t.get_text()]
        for i, (one, a) in enumerate(boxes):
            for other, b in boxes[i + 1 :]:
                apart = a.x1 <= b.x0 or b.x1 <= a.x0 or a.y1 <= b.y0 or b.y1 <= a.y0
                assert apart, (name, one, other)
        # each name is said whole, if broken
        said = "".join(t.get_text().replace("\n", "") for t in texts)
        assert cluster in said or name in ("utilization.png", "address_map.png"), name
        assert vnet in said, name
        bands = BANDS[name](plan)
        assert bands[-1] == pytest.approx(fig.get_figheight()), name


def test_address_map_labels_a_wide_block_whose_long_name_is_wider_still(tmp_path: Path) -> None:
    # hub-spoke's AGC /24 fills half of its VNet's zoom strip (440 px), but an 80-character
    # name is wider: it was neither labelled inside (no room) nor called out (a block over
    # 400 px was taken to hold any label), and no count said so
    name = ("agc-platform-prod-westeurope-" * 3)[:80]
    text = Path("data/hub-spoke.yaml").read_text(encoding="utf-8")
    path = tmp_path / "agc.yaml"
    path.write_text(text.replace("name: agc", f"name: {name}"), encoding="utf-8")
    fig = address_map_figure(build_plan(load_scenario(path)))
    said = [t.get_text() for ax in fig.axes for t in ax.texts]
    zoom = next(ax for ax in fig.axes if ax.get_title(loc="left").strip().startswith("zoom"))
    assert f"{name}\n10.101.0.0/24" in [t.get_text() for t in zoom.texts]
    assert sum(f"{name}\n" in t for t in said) == 2  # the VNet's strip and its zoom


def test_wrap_always_ends_and_never_writes_an_empty_line() -> None:
    from ipplan.report.charts.style import _wrap

    # a width below zero (a label column wider than the page) once looped forever
    for width in (-3.0, 0.0, 0.05, 2.0):
        lines = _wrap("VNet " + "W" * 80, width, 10.5).split("\n")
        assert all(lines) and "".join(lines) == "VNet" + "W" * 80, width
    assert _wrap("a  b", 5, 10) == "a  b"


def test_encode_refuses_bands_that_do_not_rise_from_the_first_row() -> None:
    from ipplan.report.charts.style import _encode

    pixels = np.zeros((10, 4, 4), np.uint8)
    for starts in ((), (2,), (0, 3, 3), (0, 5, 3), (0, 10)):
        with pytest.raises(ValueError, match="band starts"):
            _encode(pixels, starts)


def test_forecast_infeasible_models_do_not_say_lasts(example: Plan) -> None:
    fig = forecast_figure(example)
    for ax in fig.axes:
        for text in ax.texts:
            head, *resource = text.get_text().split("\n")
            if "INFEASIBLE" in head:
                assert "lasts" not in head and text.get_color() == ALERT
            assert ", (" not in text.get_text() and ") (nodes)" not in text.get_text()


def test_forecast_labels_spread_to_stay_apart() -> None:
    from ipplan.report.charts.forecast import _LABEL_SPACE, _spread

    # three labels 0.3 in tall that want one height: the first keeps it, the others go under
    step = 0.3 + _LABEL_SPACE
    assert _spread([1.0, 1.0, 1.0], [0.3] * 3, 1.9) == pytest.approx(
        [1.0, 1.0 - step, 1.0 - 2 * step]
    )
    # at the bottom they are lifted to stay in the panel; at the top, pushed under it
    assert _spread([0.0, 0.0], [0.3, 0.3], 1.9) == pytest.approx([0.15 + step, 0.15])
    assert _spread([1.9, 0.5], [0.3, 0.3], 1.9) == pytest.approx([1.75, 0.5])


def test_band_cuts_end_at_the_figure_height(example: Plan) -> None:
    # the summary slices comparison.png and forecast.png per cluster at these cuts: they must
    # be the figures' own layout (one height, one band per cluster)
    from ipplan.report.charts.comparison import comparison_bands
    from ipplan.report.charts.forecast import forecast_bands

    for bands, fig in (
        (comparison_bands(example), comparison_figure(example)),
        (forecast_bands(example), forecast_figure(example)),
    ):
        assert len(bands) == len(example.clusters) + 1
        assert bands[0] == 0 and bands[-1] == pytest.approx(fig.get_figheight())
        assert list(bands) == sorted(bands)
    # utilization.png is cut between VNet panels: one band per VNet it shows
    from ipplan.core.answers import subnets_that_matter
    from ipplan.report.charts.utilization import MAX_ROWS, utilization_bands

    cuts, fig = utilization_bands(example), utilization_figure(example)
    assert len(cuts) == len({s.vnet for s in subnets_that_matter(example, MAX_ROWS)}) + 1
    assert cuts[0] == 0 and cuts[-1] == pytest.approx(fig.get_figheight())
    assert list(cuts) == sorted(cuts)
    # address_map.png is cut between VNets (a VNet's strips and zooms stay together)
    from ipplan.report.charts.address_map import address_map_bands

    cuts, fig = address_map_bands(example), address_map_figure(example)
    assert len(cuts) == min(len(example.vnets), 8) + 1
    assert cuts[0] == 0 and cuts[-1] == pytest.approx(fig.get_figheight())
    assert list(cuts) == sorted(cuts)


def test_forecast_lines_drawn_on_one_another_each_show(tmp_path: Path) -> None:
    # hub-spoke's apps-aks: overlay and both pod-subnet models are bound by the node subnet,
    # the same 65.0% line: each keeps its true values, and takes its turn of the dashes and
    # the markers (every 6 months, 2 apart), so every colour and marker shows on the line
    plan = build_plan(load_scenario(Path("data/hub-spoke.yaml")))
    ax = forecast_figure(plan).axes[0]
    required = _required(ax)
    shared = ["azure-cni-overlay", "azure-cni-pod-subnet", "azure-cni-pod-subnet-static"]
    ys = [list(required[m].get_ydata()) for m in shared]  # type: ignore[attr-defined]
    assert ys[0][-1] == 65.0 and ys[0] == ys[1] == ys[2]
    assert [required[m].get_markevery() for m in shared] == [(0, 6), (2, 6), (4, 6)]  # type: ignore[attr-defined]
    # dashes 7 pt on, 14 off, each line 7 pt after the one before (matplotlib scales a
    # pattern by the line's width: the overlay's is 2.8, the others' 1.8)
    dashes = [
        tuple(
            round(v * required[m].get_linewidth(), 6)  # type: ignore[attr-defined]
            for v in (
                required[m]._unscaled_dash_pattern[0],  # type: ignore[attr-defined]
                *required[m]._unscaled_dash_pattern[1],  # type: ignore[attr-defined]
            )
        )
        for m in shared
    ]
    assert dashes == [(0.0, 7.0, 14.0), (7.0, 7.0, 14.0), (14.0, 7.0, 14.0)]
    assert required["kubenet"].get_linestyle() == "-"  # type: ignore[attr-defined]
    assert required["kubenet"].get_markevery() == (0, 6)  # type: ignore[attr-defined]
    said = {t.get_gid(): t.get_text().split("\n")[-1] for t in ax.texts}
    assert said["label azure-cni-pod-subnet"] == "same line as azure-cni-overlay"
    assert said["label azure-cni-pod-subnet-static"] == "same line as azure-cni-overlay"
    assert "same line" not in said["label azure-cni-overlay"]


def test_utilization_x_axis_follows_the_data() -> None:
    # hub-spoke's fullest subnet is AGC at 99.6%: the axis ends at 100% + 10, not where the
    # labels would once have pushed it (160%); a label with no room after its bar goes inside
    # it, ending just before the bar's end, and every label stays inside its panel
    from ipplan.report.charts.utilization import _x_end

    plan = build_plan(load_scenario(Path("data/hub-spoke.yaml")))
    fig = utilization_figure(plan)
    assert [ax.get_xlim() for ax in fig.axes] == [(0, 110)] * 3
    assert list(fig.axes[-1].get_xticks()) == [0, 20, 40, 60, 80, 100]
    inside = {t.get_text(): (t.get_position()[0], t.get_ha()) for t in fig.axes[1].texts}
    assert inside["250 of 251 IPs at peak (99.6%), reserved"] == (pytest.approx(98.6), "right")
    assert inside["44 of 123 IPs at peak (35.8%)"] == (pytest.approx(36.8), "left")
    renderer = FigureCanvasAgg(fig).get_renderer()
    for ax in fig.axes:
        frame = ax.get_window_extent(renderer)
        for text in ax.texts:
            assert _inside(text.get_window_extent(renderer), frame), text.get_text()

    # further only for a subnet above 100%, and at most to 160% (its bar cut there)
    def end(*pcts: float) -> float:
        return _x_end([replace_pct(p) for p in pcts])

    assert (end(), end(35.5), end(100.0), end(120.4), end(900.0)) == (110, 110, 110, 130.4, 160)


def replace_pct(pct: float) -> object:
    from types import SimpleNamespace

    return SimpleNamespace(utilization_pct=pct)


def test_comparison_marker_labels_stay_inside_their_panel() -> None:
    # example.yaml: 43 planned nodes sit near the room panel's left edge (754 nodes at its
    # right): "planned 43" starts at its line instead of being centred across the frame; the
    # current /22 is centred on its line
    fig = comparison_figure(build_plan(load_scenario(Path("data/example.yaml"))))
    marks = {
        t.get_text(): (t.get_ha(), t.get_position()[0])
        for ax in fig.axes
        for t in ax.texts
        if not t.get_text().startswith(" ")
    }
    lines = [float(line.get_xdata()[0]) for ax in fig.axes for line in ax.get_lines()]
    assert marks == {
        "current /22": ("center", pytest.approx(lines[0])),
        "planned 43": ("left", pytest.approx(lines[1])),
    }
    from ipplan.report.charts.comparison import _marker_label_x

    # a 2-inch frame: centred where it fits, else from or to the line, never past an edge
    assert _marker_label_x(0.5, "planned 43", 2.0) == (0.5, "center")
    assert _marker_label_x(0.02, "planned 43", 2.0) == (0.02, "left")
    assert _marker_label_x(0.97, "planned 43", 2.0) == (0.97, "right")
    assert _marker_label_x(0.0, "planned 43", 2.0)[1] == "left"
    assert _marker_label_x(0.0, "planned 43", 2.0)[0] > 0
    assert _marker_label_x(1.0, "planned 43", 2.0)[0] < 1
