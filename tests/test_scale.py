"""Scaling (issue 11): work that follows the estate, counted, never timed; no orphan workers.

Each test counts what grows (capacity-model rows computed, subnets handed to ``evaluate``,
artists drawn), so a change that makes ``plan`` quadratic fails here however fast the machine.
Timings belong to ``benchmarks/bench_plan.py``.
"""

from __future__ import annotations

import importlib.util
import os
import re
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest

import ipplan.core.capacity as capacity
import ipplan.core.forecast as core_forecast
import ipplan.core.plan as core_plan
from ipplan.core.answers import MAX_CLUSTERS, clusters_that_matter, first_to_run_out
from ipplan.core.plan import Plan, build_plan
from ipplan.report.charts.address_map import address_map_figure
from ipplan.report.charts.comparison import comparison_bands, comparison_figure
from ipplan.report.charts.forecast import forecast_bands, forecast_figure
from ipplan.report.charts.utilization import MAX_ROWS, utilization_figure
from ipplan.scenario.checks import parse_scenario

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("estates", ROOT / "benchmarks" / "estates.py")
assert _spec is not None and _spec.loader is not None
estates = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(estates)


def _plan(subnets: int, clusters: int = 4, pools: int = 8) -> Plan:
    return build_plan(parse_scenario(estates.estate(subnets, clusters, pools), "estate"))


def _count_rows(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """A one-item list counting every subnet row the capacity model computes."""
    count = [0]
    real = capacity._subnet_demand

    def counted(*args: Any) -> Any:
        count[0] += 1
        return real(*args)

    monkeypatch.setattr(capacity, "_subnet_demand", counted)
    return count


def test_plan_and_forecast_rows_grow_linearly_in_subnets(monkeypatch: pytest.MonkeyPatch) -> None:
    count = _count_rows(monkeypatch)
    rows = []
    for subnets in (400, 800):
        count[0] = 0
        _plan(subnets).forecast  # noqa: B018 - computing it is the point
        rows.append(count[0])
    # 6 models evaluated in the plan and at month 0 of the forecast, per subnet: doubling the
    # subnets at most doubles the rows (months after 0 compute only the pools' subnets)
    assert rows[1] <= 2 * rows[0]
    assert rows[1] - rows[0] <= 20 * 400


def test_forecast_months_evaluate_only_the_subnets_pools_use(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    plan = _plan(600, clusters=5, pools=15)
    sizes: list[int] = []
    real = core_forecast.evaluate

    def recording(clusters: Any, subnets: Any, *args: Any, **kwargs: Any) -> Any:
        sizes.append(len(subnets))
        return real(clusters, subnets, *args, **kwargs)

    monkeypatch.setattr(core_forecast, "evaluate", recording)
    forecast = plan.forecast_for(plan.scenario.planning.horizon_months)
    models = len(forecast.models)
    used = {k for c in plan.clusters for p in c.node_pools for k in (p.subnet, p.pod_subnet)}
    used.discard(None)
    assert sizes.count(len(plan.subnet_sizes)) == models  # month 0, once per model
    later = [n for n in sizes if n != len(plan.subnet_sizes)]
    assert later and max(later) <= len(used)
    # and only in months in which some pool's node count changes
    assert len(sizes) <= models * len(forecast.months)


def test_utilization_draws_a_bounded_number_of_subnets() -> None:
    plan = _plan(1000)
    fig = utilization_figure(plan)
    bars = sum(len(ax.patches) for ax in fig.axes)
    assert bars <= 2 * MAX_ROWS  # now and at peak
    assert fig.get_size_inches()[1] < 30
    note = " ".join(t.get_text() for t in fig.texts)
    assert f"{MAX_ROWS} of 1,000 subnets shown" in note and "subnets.csv" in note
    # every cluster's node subnet is among those drawn
    labels = {t.get_text().split()[0] for ax in fig.axes for t in ax.get_yticklabels()}
    assert {f"c{i:03d}-nodes" for i in range(4)} <= labels


def test_the_notes_and_legends_of_a_large_estate_fit_on_their_charts() -> None:
    # 10,000 subnets in 50 VNets: the utilization note names 9,960 left out and the VNets
    # with none shown, which on one line ran off both sides of a 10 in chart
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    plan = _plan(10_000, clusters=12, pools=24)
    charts = (utilization_figure, comparison_figure, forecast_figure, address_map_figure)
    for figure in (chart(plan) for chart in charts):
        renderer = FigureCanvasAgg(figure).get_renderer()
        box = figure.bbox
        labels = [t for ax in figure.axes for t in ax.texts]  # bar labels, callouts
        for text in [*figure.texts, *figure.legends, *labels]:
            extent = text.get_window_extent(renderer)
            assert box.x0 <= extent.x0 and extent.x1 <= box.x1, text
            assert box.y0 <= extent.y0 and extent.y1 <= box.y1, text
    # the address map's five legend entries (with the dense-run band) take two rows
    (legend,) = address_map_figure(plan).legends
    assert [t.get_text() for t in legend.get_texts()] == [
        "existing subnet",
        "placed by ipplan (prefix)",
        "sized and placed by ipplan (size: auto)",
        "free",
        "many small subnets (one band; see allocation.csv)",
    ]
    assert legend._ncols == 3  # the widest layout that fits 10 in
    # 50 VNets, 12 of them with a subnet drawn: the note takes two lines
    assert utilization_figure(plan).texts[-1].get_text() == (
        "40 of 10,000 subnets shown (full ones, then the clusters' node and pod subnets and "
        "those at the warn level (half the rows each while both have\nmore), then the fullest); "
        "the other 9,960 (and 38 VNets with none shown) are in subnets.csv"
    )


def test_address_map_artists_do_not_grow_with_subnets() -> None:
    artists = []
    for subnets in (300, 1000):
        fig = address_map_figure(_plan(subnets))
        artists.append(sum(len(ax.collections) + len(ax.texts) for ax in fig.axes))
        assert fig.get_size_inches()[1] < 30
    # 1,000 subnets in 5 VNets draw about as much as 300 in 2: dense runs are one band each
    assert artists[1] <= 3 * artists[0]
    assert artists[1] < 200


def test_one_vnet_of_small_subnets_is_one_band() -> None:
    plan = build_plan(parse_scenario(estates.one_vnet_slash29s(3000), "slash29"))
    fig = address_map_figure(plan)
    texts = [t.get_text() for ax in fig.axes for t in ax.texts]
    assert any(t.startswith("3,000 small subnets") for t in texts)
    assert sum(len(ax.collections) for ax in fig.axes) < 20


def _hundred_clusters() -> Plan:
    return build_plan(parse_scenario(_hundred_clusters_data(), "estate"))


def _hundred_clusters_data() -> dict[str, Any]:
    """100 clusters, of which aks-077 is infeasible as planned (a /29 node subnet) and aks-062
    and aks-041 outgrow their /23 node subnets, aks-062 first."""
    data = estates.estate(300, 100, 100)
    for vnet in data["vnets"]:
        for subnet in vnet["subnets"]:
            if subnet["name"] == "c077-nodes":
                subnet["prefix"] = 29
    growth = {"aks-062": 40, "aks-041": 20}
    for cluster in data["clusters"]:
        if cluster["name"] in growth:
            cluster["node_pools"][0]["growth"] = {"nodes_per_month": growth[cluster["name"]]}
    return data


def test_cluster_charts_draw_a_bounded_number_of_clusters() -> None:
    plan = _hundred_clusters()
    # infeasible first, then the soonest to run out, then the rest by name
    names = [c.name for c in clusters_that_matter(plan)]
    assert names[:3] == ["aks-077", "aks-062", "aks-041"]
    assert names[3:] == [f"aks-{i:03d}" for i in range(MAX_CLUSTERS - 3)]
    assert first_to_run_out(plan, plan.clusters[62].network, "aks-062") is not None
    models = len(plan.forecast.models) + 1
    for figure, bands, table, panels in (
        (comparison_figure(plan), comparison_bands(plan), "comparison.csv", 3),
        (forecast_figure(plan), forecast_bands(plan), "exhaustion.csv", models),
    ):
        # a band per drawn cluster, never one per cluster of the estate
        assert len(figure.axes) <= panels * MAX_CLUSTERS
        headings = [t.get_text() for t in figure.texts if t.get_text().startswith("cluster ")]
        assert [h.split()[1].rstrip(":") for h in headings] == names
        assert sum(len(ax.texts) + len(ax.lines) + len(ax.patches) for ax in figure.axes) < 1500
        # the summary's print slices: one cut per drawn band, the last at the figure's height
        assert len(bands) == MAX_CLUSTERS + 1 and bands[-1] == figure.get_figheight()
        assert figure.get_figheight() < 60
        note = " ".join(t.get_text() for t in figure.texts)
        assert f"{MAX_CLUSTERS} of 100 clusters shown" in note and table in note


def test_plan_prints_the_clusters_the_charts_draw_and_says_where_the_rest_are(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    import ipplan.report.pack as pack
    from ipplan.cli import app

    # what the terminal prints is the question here, not the pack (20 s of charts each time)
    monkeypatch.setattr(pack, "write_report", lambda plan, folder: [])

    source, out = tmp_path / "estate.yaml", tmp_path / "pack"
    source.write_text(estates.dump(_hundred_clusters_data()), encoding="utf-8")
    result = CliRunner().invoke(app, ["plan", str(source), "--out", str(out)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    clusters = [line.split()[0] for line in lines if re.match(r"aks-\d{3} \(", line)]
    # the dozen of comparison.png and forecast.png, in their order: infeasible, then soonest
    assert clusters == [c.name for c in clusters_that_matter(_hundred_clusters())]
    assert clusters[:3] == ["aks-077", "aks-062", "aks-041"]
    more = lines[lines.index(next(x for x in lines if x.startswith("aks-008 ("))) + 1]
    assert more == (
        f"... and 88 more clusters in {out / 'clusters.csv'} (shown: infeasible as planned "
        "first, then those that run out first, then by name; --all prints them here)"
    )
    every = CliRunner().invoke(app, ["plan", str(source), "--out", str(out), "--all"])
    assert every.exit_code == 0, every.output
    lines = every.stdout.splitlines()
    assert [line.split()[0] for line in lines if re.match(r"aks-\d{3} \(", line)] == [
        f"aks-{i:03d}" for i in range(100)
    ]
    assert "more clusters in" not in every.stdout


_PARENT = textwrap.dedent(
    """
    import multiprocessing, signal, sys, time
    # a shell starts background jobs with SIGINT ignored; a terminal's Ctrl-C is not
    signal.signal(signal.SIGINT, signal.default_int_handler)
    from ipplan.scenario import load_scenario
    from ipplan.core.plan import build_plan
    from ipplan.report.chart import rendering
    plan = build_plan(load_scenario(sys.argv[1]))
    with rendering(plan, jobs=2) as wait:
        print(" ".join(str(p.pid) for p in multiprocessing.active_children()), flush=True)
        time.sleep(60)
    """
)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(") ")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize(
    "how", [signal.SIGKILL, signal.SIGTERM, signal.SIGINT], ids=["SIGKILL", "SIGTERM", "SIGINT"]
)
def test_chart_workers_die_with_their_parent(how: signal.Signals) -> None:
    with subprocess.Popen(
        [sys.executable, "-c", _PARENT, str(ROOT / "data" / "example.yaml")],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,  # Ctrl-C's traceback
        text=True,
    ) as parent:
        assert parent.stdout is not None
        workers = [int(pid) for pid in parent.stdout.readline().split()]
        assert workers, "no worker processes started"
        assert all(_alive(pid) for pid in workers)
        os.kill(parent.pid, how)
        parent.wait(10)
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(pid) for pid in workers)


def _growing(pools: int) -> dict[str, Any]:
    """2,000 subnets, 20 clusters (two a VNet), 60 pools, of which the first *pools* grow."""
    data = estates.estate(2000, 20, 60)
    for pool in (p for c in data["clusters"] for p in c["node_pools"]):
        pool.pop("growth", None)
    for cluster in data["clusters"][:pools]:
        cluster["node_pools"][0]["growth"] = {"nodes_per_month": 1}
    return data


def test_a_month_measures_only_the_vnets_whose_clusters_grew(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    count = _count_rows(monkeypatch)
    rows = []
    for pools in (0, 1):
        plan = build_plan(parse_scenario(_growing(pools), "estate"))
        count[0] = 0
        plan.forecast  # noqa: B018
        rows.append(count[0])
    # month 0 measures every subnet under each of the 6 models (2,005 each); one growing pool
    # adds its VNet's subnets each month and every other VNet's once, not 36 months of all
    # (which was 18,510)
    assert rows[0] == 6 * 2005
    assert rows[1] < rows[0] * 1.1


def test_measuring_by_vnet_gives_the_forecast_of_measuring_the_whole_estate(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = _growing(7)
    data["clusters"][3]["node_pools"][0]["growth"] = {"percent_per_month": 5}
    by_vnet = build_plan(parse_scenario(data, "estate")).forecast
    whole = core_forecast._vnet_groups

    def one_group(clusters: Any) -> Any:
        (members, vnets), *rest = whole(clusters)
        for more, also in rest:
            members, vnets = tuple(sorted(members + more)), vnets | also
        return [(members, vnets)]

    monkeypatch.setattr(core_forecast, "_vnet_groups", one_group)
    assert build_plan(parse_scenario(data, "estate")).forecast == by_vnet
    assert len(whole(build_plan(parse_scenario(data, "estate")).clusters)) == 10


def test_chart_workers_draw_with_the_collector_off_and_the_plan_frozen() -> None:
    # a worker inherits the plan; collections walking it were 16% of the charts' CPU
    script = (
        "import gc, os; from ipplan.report.chart import _start_worker; "
        "_start_worker(os.getppid()); print(gc.isenabled(), gc.get_freeze_count() > 0)"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "False True\n"


def test_the_plan_and_its_forecast_are_built_with_the_collector_paused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import gc

    seen = []
    real = capacity.evaluate

    def watched(*args: Any, **kwargs: Any) -> Any:
        seen.append(gc.isenabled())
        return real(*args, **kwargs)

    for module in (capacity, core_forecast, core_plan):
        monkeypatch.setattr(module, "evaluate", watched)
    plan = _plan(100, clusters=2, pools=4)
    plan.forecast  # noqa: B018
    # build_plan's evaluations, then the forecast's: none with the collector on
    assert len(seen) > 10 and not any(seen)
    assert gc.isenabled()


def test_prefix_index_finds_what_a_pass_over_all_finds() -> None:
    import random

    from ipplan.core.cidr import PrefixIndex, overlaps

    rng = random.Random(5)

    def prefix() -> str:
        length = rng.randint(8, 30)
        start = rng.getrandbits(length) << (32 - length)
        return f"{start >> 24}.{start >> 16 & 255}.{start >> 8 & 255}.{start & 255}/{length}"

    indexed = [prefix() for _ in range(500)] + ["2001:db8::/32", "10.0.0.0/8"]
    index = PrefixIndex(indexed)
    for query in [prefix() for _ in range(300)] + ["2001:db8:1::/48", "0.0.0.0/0"]:
        expected = [i for i, n in enumerate(indexed) if overlaps(query, n)]
        assert index.overlapping(query) == expected


def test_alt_texts_describe_what_the_charts_draw_not_the_whole_estate() -> None:
    from ipplan.report.summary import _alt

    plan = _hundred_clusters()
    utilization = _alt(plan, "utilization.png")
    assert utilization.count("%; ") == MAX_ROWS - 1  # one entry per drawn subnet
    assert utilization.endswith(f"({MAX_ROWS} of 300 subnets shown; all 300 are in subnets.csv).")
    comparison = _alt(plan, "comparison.png")
    assert comparison.count("cluster aks-") == MAX_CLUSTERS
    assert comparison.endswith(
        f"({MAX_CLUSTERS} of 100 clusters shown; all 100 are in comparison.csv)."
    )
    forecast = _alt(plan, "forecast.png")
    assert len(re.findall(r"aks-\d{3}: ", forecast)) == MAX_CLUSTERS  # one entry per drawn
    assert forecast.endswith(
        f"({MAX_CLUSTERS} of 100 clusters shown; all 100 are in exhaustion.csv)."
    )
    # the two VNets of 300 subnets are both drawn: nothing left out, nothing to say
    assert _alt(plan, "address_map.png").endswith("addresses free.")


def test_the_summary_lists_the_subnets_the_chart_draws_and_points_to_the_rest() -> None:
    from ipplan.core.answers import subnets_that_matter
    from ipplan.report.summary import summary_markdown

    plan = _plan(1000)
    text = summary_markdown(plan, [])
    table = text.split("\n## Subnets\n", 1)[1].split("\n## ", 1)[0]
    assert (
        "The 40 of 1,000 subnets that matter most, as in utilization.png: full ones, then the "
        "clusters' node and pod subnets and those at the warn level (half the rows each while "
        "both have more), then the fullest; all 1,000 are in subnets.csv."
    ) in table
    rows = [
        line.split(" | ")[0].lstrip("| ")
        for line in table.splitlines()
        if line.startswith("| vnet-")
    ]
    assert rows == [str(s.key) for s in subnets_that_matter(plan, MAX_ROWS)]


def test_the_subnets_that_matter_share_their_rows_between_clusters_and_warnings() -> None:
    from ipplan.core.answers import subnets_that_matter
    from ipplan.core.keys import Role, Status

    def split(plan: Plan) -> tuple[list[Any], list[Any], list[Any]]:
        chosen = subnets_that_matter(plan, MAX_ROWS)
        full = [s for s in chosen if s.status is Status.FULL]
        mine = [s for s in chosen if s.role in (Role.NODE, Role.POD) and s not in full]
        return full, mine, [s for s in chosen if s not in full and s not in mine]

    # 100 clusters (125 node and pod subnets) and 37 other subnets at the warn level: the full
    # one first, then the 39 rows left shared, 20 and 19, neither crowding the other out
    plan = _hundred_clusters()
    full, mine, warn = split(plan)
    assert [s.name for s in full] == ["c077-nodes"]
    assert (len(mine), len(warn)) == (20, 19)
    assert all(s.status is Status.WARN for s in warn)
    others = [s for s in plan.subnets if s.status is Status.WARN and s.role is Role.OTHER]
    least = min(s.utilization_pct for s in warn)  # the fullest of them
    assert all(s.utilization_pct <= least for s in others if s not in warn)
    # 1,000 subnets, 4 clusters: their 5 subnets leave 35 rows to the warn level's 221
    full, mine, warn = split(_plan(1000))
    assert (len(full), len(mine), len(warn)) == (0, 5, 35)


def test_the_summary_lists_the_first_problems_open_and_the_rest_collapsed() -> None:
    from ipplan.report.summary import summary_html, summary_markdown

    plan = _plan(1000)  # 221 subnets at the warn level, a warning each
    text = summary_markdown(plan, [])
    section = text.split("\n## Problems, warnings and fixes\n", 1)[1].split("\n## ", 1)[0]
    head, rest = section.split("\n### ", 1)
    assert sum(line.startswith("- ") for line in head.splitlines()) == 25
    count = sum(line.startswith("- ") for line in rest.splitlines())
    assert count > 150 and rest.startswith(f"{count:,} more problems and warnings\n")
    # every warning is in the summary once, the first ones open
    listed = [line[len("- warning: ") :] for line in section.splitlines()]
    assert sorted(w for w in listed if w in set(plan.warnings)) == sorted(plan.warnings)
    page = summary_html(plan, {})
    assert f"<details><summary>{count:,} more problems and warnings</summary>" in page


def test_the_summary_opens_with_counts_where_a_list_would_be_a_page() -> None:
    from ipplan.report.summary import _scenario_lines

    assert _scenario_lines(_hundred_clusters())[0] == (
        "**estate-300**: 2 VNets: vnet-000 (10.0.0.0/16), vnet-001 (10.1.0.0/16); 100 clusters: "
        "75 on azure-cni-overlay, 25 on azure-cni-pod-subnet, 300 nodes today, 300 planned "
        "(each in clusters.csv)."
    )
    # 2,000 subnets in VNets of 200: ten VNets, the first eight named
    line = _scenario_lines(_plan(2000))[0]
    assert "vnet-007 (10.7.0.0/16) and 2 more (all in allocation.csv); 4 clusters: aks-000" in line


def test_a_hundred_clusters_are_recommended_a_line_per_recommendation_changes_first() -> None:
    from ipplan.report.summary import summary_html, summary_markdown

    plan = _hundred_clusters()
    section = summary_markdown(plan, []).split("\n## Recommendation\n", 1)[1]
    section = section.split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| keep ")]
    # the three that must grow a subnet first (in plan order), then a line per model for the
    # 97 that keep everything (72 on azure-cni-overlay, every fourth on azure-cni-pod-subnet)
    assert [r.rsplit(" | ", 1)[1] for r in rows] == [
        "aks-041 |",
        "aks-062 |",
        "aks-077 |",
        "aks-000, aks-001, aks-002, aks-004, aks-005, aks-006, aks-008, aks-009 and 64 more "
        "(all in clusters.csv) |",
        "aks-003, aks-007, aks-011, aks-015, aks-019, aks-023, aks-027, aks-031 and 17 more "
        "(all in clusters.csv) |",
    ]
    assert rows[2] == (
        "| keep azure-cni-overlay, and grow for 2030-01 plus 20% headroom: /28 node subnet "
        "vnet-001/c077-nodes | aks-077 |"
    )
    assert rows[3].startswith("| keep azure-cni-overlay, at today's sizes | ")
    assert rows[4].startswith("| keep azure-cni-pod-subnet, at today's sizes | ")
    # each cluster's reasons follow under its own heading, collapsed on the page, all of them
    # inside one collapsed block (100 headings would bury the table)
    assert section.count("\n### Cluster aks-") == 100
    assert "\n### Each cluster's reasons and sizes (100 clusters)\n" in section
    page = summary_html(plan, {})
    outer = page.index(
        "<details><summary>Each cluster's reasons and sizes (100 clusters)</summary>"
    )
    assert (
        page.index(
            "<details><summary>Cluster aks-077: keep azure-cni-overlay, and grow for 2030-01 "
        )
        > outer
    )


def test_the_summary_compares_the_models_of_the_clusters_the_chart_draws() -> None:
    from ipplan.report.summary import summary_markdown

    plan = _hundred_clusters()
    section = summary_markdown(plan, []).split("\n## Network models compared\n", 1)[1]
    section = section.split("\n## ", 1)[0].lstrip("\n")
    assert section.startswith(
        "The 12 of 100 clusters comparison.png draws (infeasible as planned first, then those "
        "that run out first, then by name); all 100 are in comparison.csv."
    )
    rows = [line.split(" | ")[0][2:] for line in section.splitlines() if line.startswith("| aks-")]
    drawn = [c.name for c in clusters_that_matter(plan)]
    assert list(dict.fromkeys(rows)) == drawn
    assert len(rows) == len(drawn) * len(plan.comparisons)


def test_the_summary_runway_lists_the_resources_that_run_out_first() -> None:
    from ipplan.report.summary import summary_markdown

    plan = _hundred_clusters()
    f = plan.forecast
    section = summary_markdown(plan, []).split("\n## Runway under the scenario's own models", 1)[1]
    section = section.split("\n## ", 1)[0]
    own = [s for s in f.of(f.current) if s.capacity is not None]
    assert (
        f"The 40 of {len(own):,} resources that run out soonest (then the fullest at 2030-01); "
        f"all {len(own):,} are in exhaustion.csv."
    ) in section
    rows = [line for line in section.splitlines() if line.startswith("| ") and "---" not in line]
    assert len(rows) == 1 + 40  # the header and 40 resources
    # aks-077's node subnet is short now; aks-062's pod CIDR runs out before aks-041's
    assert rows[1].startswith("| node subnet vnet-001/c077-nodes |")
    labels = [r.split(" | ")[0] for r in rows]
    assert labels.index("| pod CIDR aks-062") < labels.index("| pod CIDR aks-041")


def test_the_summary_explains_the_clusters_the_charts_draw() -> None:
    from ipplan.report.summary import summary_markdown

    plan = _hundred_clusters()
    text = summary_markdown(plan, [])
    headings = re.findall(r"\n### Where the numbers of cluster (aks-\d{3}) ", text)
    assert headings == [c.name for c in clusters_that_matter(plan)]
    assert (
        "The other 88 clusters (the cluster charts draw 12): `ipplan explain estate --cluster "
        "NAME` prints the same."
    ) in text
