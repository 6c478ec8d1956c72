"""The summary and the whole review pack: recommendation, Markdown, self-contained HTML, files."""

from __future__ import annotations

import base64
import io
import re
import struct
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy
import pytest

from ipplan.core.plan import Plan, build_plan
from ipplan.report.chart import Rendered, comparison_bands, comparison_figure, render
from ipplan.report.pack import tables, write_csv, write_report
from ipplan.report.summary import recommend, summary_html, summary_markdown
from ipplan.rules import Network
from ipplan.scenario import load_scenario
from review_scenarios import big, small

PACK = [
    "subnets.csv",
    "node_pools.csv",
    "clusters.csv",
    "comparison.csv",
    "allocation.csv",
    "forecast.csv",
    "exhaustion.csv",
    "utilization.png",
    "comparison.png",
    "forecast.png",
    "address_map.png",
    "summary.md",
    "summary.html",
]


@pytest.fixture(scope="module")
def plan() -> Plan:
    return build_plan(small())


@pytest.fixture(scope="module")
def estate() -> Plan:
    return build_plan(big())


def test_recommend_keeps_a_current_model_that_lasts(plan: Plan) -> None:
    (rec,) = recommend(plan)
    assert (rec.cluster, rec.current, rec.model) == ("prod-aks", Network.OVERLAY, Network.OVERLAY)
    # the node subnet needs 185 IPs in 2030-01, 222 with 20% headroom: a /24, as today
    sizes = [(s.kind, s.name, s.required_end, s.prefixlen, s.current_prefixlen) for s in rec.sizes]
    assert sizes == [
        ("node-subnet", "spoke-prod/aks-nodes", 185, 24, 24),
        ("pod-cidr", "prod-aks", 180, 16, 16),
    ]
    assert not any(s.grows for s in rec.sizes)
    # kubenet lasts too, but retires: ranked below every model that merely means a migration
    assert [o.model for o in rec.others][-1] is Network.KUBENET
    assert rec.others[-1].warnings == ("prod-aks: kubenet retires on 2028-03-31 (rule A7)",)


def test_recommend_moves_off_a_model_that_hits_a_limit_or_cannot_grow(estate: Plan) -> None:
    recs = {r.cluster: r for r in recommend(estate)}
    # web: its pod subnet would need a /18; spoke-web's largest free block is a /20
    web = recs["web"]
    assert web.model is Network.OVERLAY
    pod_subnet = next(o for o in web.others if o.model is Network.POD_SUBNET)
    assert pod_subnet.blockers == (
        "needs a /18 for spoke-web/web-pods, but VNet spoke-web has a largest free block of "
        "10.30.16.0/20",
    )
    assert [s.phrase for s in web.sizes if s.grows] == ["/15 pod CIDR web"]
    # legacy: kubenet retires; overlay needs the node subnet grown to a /23
    legacy = recs["legacy"]
    assert (legacy.current, legacy.model) == (Network.KUBENET, Network.OVERLAY)
    assert [s.phrase for s in legacy.sizes if s.grows] == [
        "/23 node subnet spoke-legacy/legacy-nodes",
        "/15 pod CIDR legacy",
    ]
    # data: azure-cni lasts the horizon, so it stays (a migration costs)
    assert recs["data"].model is Network.AZURE_CNI


def test_markdown_sections_and_numbers(plan: Plan) -> None:
    text = summary_markdown(plan, ["utilization.png", "forecast.png"])
    headings = [line for line in text.splitlines() if line.startswith(("# ", "## "))]
    assert headings == [
        "# ipplan review pack: contoso-prod",
        "## Recommendation",
        "## Subnets",
        "## Network models compared",
        "## Runway under the scenario's own models (azure-cni-overlay)",
        "## Where the numbers come from",
        "## Charts",
        "## Problems, warnings and fixes",
        "## Assumptions (challenge them)",
    ]
    assert "**Verdict: fits today and nothing runs out before 2030-01.**" in text
    assert "**Cluster prod-aks: keep azure-cni-overlay, at today's sizes.**" in text
    assert (
        "| spoke-prod/aks-nodes | 10.20.1.0/24 | allocated | node | 251 | 28 | 89 | 35.5 | /25 "
        "| ok |" in text
    )
    # VNet IPs (A15) count the cluster's 4 ILB frontends and private API endpoint: 4,524 + 5.
    # Room (A18): the system pool alone (4 peak x 111 = 444 IPs) and the 5 others overflow the
    # /24's 251 with the user pool at 0, so there is no room (it said 3, the system pool's nodes)
    assert (
        "| prod-aks | azure-cni | NO (rule A3) | system 110, user 50 | 4,529 | /19 | no room | "
        "node subnet spoke-prod/aks-nodes (/24, 251 usable IPs), exceeded already | "
        "node subnet spoke-prod/aks-nodes | 2027-01 |" in text
    )
    # room (rule A18) grows the user pool, not the 3-node system pool: a /24 (251) less 5 other
    # IPs and the system pool's 4 at peak leaves 242; the user pool at n has n + ceil(0.33 n):
    # 181 + 60 = 241 fits, 182 + 61 = 243 does not, so 181 + the system pool's 3 = 184 nodes
    assert (
        "| prod-aks | azure-cni-overlay (current) | yes | system 110, user 50 | 89 | /25 | 184 | "
        "node subnet spoke-prod/aks-nodes (/24, 251 usable IPs) | "
        "node subnet spoke-prod/aks-nodes | lasts past 2030-01 |" in text
    )
    # kubenet's first resource to run out is its retirement (rule A21): 2028-04
    assert (
        "| prod-aks | kubenet | yes | system 110, user 50 | 89 | /25 | 184 | "
        "node subnet spoke-prod/aks-nodes (/24, 251 usable IPs) | "
        "kubenet support (retires 2028-03-31) prod-aks | 2028-04 |" in text
    )
    # only the charts that exist are referenced
    assert re.findall(r"!\[[^]]*\]\(([^)]+)\)", text) == ["utilization.png", "forecast.png"]
    assert "- Upgrade surge per pool (rules A1, A25): prod-aks/system 1, prod-aks/user 33%." in text
    assert "warn level 80% utilization" in text


def test_markdown_lists_every_shortfall_with_its_fix(estate: Plan) -> None:
    text = summary_markdown(estate)
    # web-pods is a fixed /19 (8,187 usable): system 3 + 1 surge = 4 nodes x 110 = 440, plus the
    # frontend pool's N = ceil(80 x 1.03^m) + ceil(10%) surge x 48 (rule A8, U 40). Month 21
    # (2028-10): N = ceil(148.82) = 149 + 15 = 164 x 48 = 7,872 + 440 = 8,312 > 8,187 (month 20:
    # N = 145 + 15 = 160, 8,120 fit). Month 36: N = ceil(231.86) = 232 + 24 = 256 -> 12,728
    assert (
        "- runs out: pod subnet spoke-web/web-pods in 2028-10 under the plan as written "
        "(8,312 of 8,187 IPs); fix: a /18 holds the 12,728 IPs needed in 2030-01" in text
    )
    assert (
        "- if azure-cni: node subnet spoke-legacy/legacy-nodes (/24, 251 usable IPs) needs "
        "4,681 IPs at peak; use a /19 or larger, or fewer nodes or max pods (rule A3)" in text
    )


def test_markdown_carries_the_scenario_warnings() -> None:
    text = summary_markdown(build_plan(load_scenario(Path("data/kubenet-migration.yaml"))))
    assert (
        "- warning: data/kubenet-migration.yaml: clusters[0].network: cluster 'fabrikam-prod': "
        "kubenet retires on 2028-03-31; plan the move to azure-cni-overlay (rule A7)\n" in text
    )
    assert "**Verdict: fits today; the first resource runs out in 2027-08**" in text


def test_markdown_of_an_estate_without_clusters() -> None:
    # VNets only: the assumptions once read "Upgrade surge per pool (rule A1): ." (empty lists)
    md = summary_markdown(build_plan(replace(small(pods_prefixlen=19), clusters=())))
    assert "\n- Upgrade surge per pool (rules A1, A25): no node pool. A percentage rounds up" in md
    assert "\n- Max pods per node (rule A2): no node pool. Model defaults: kubenet 110" in md
    assert "No cluster, so no network model to recommend." in md
    assert "): ." not in md


def test_html_is_self_contained_and_escaped(plan: Plan) -> None:
    page = summary_html(plan, {"forecast.png": Rendered(b"\x89PNG fake")})
    assert page.startswith('<!DOCTYPE html>\n<html lang="en">')
    assert (
        '<figure id="forecast.png"><img alt="Line charts per cluster and model of the first '
        "resource to run out, as a percentage of its capacity from 2027-01 to 2030-01; under the "
        "scenario&#x27;s own models: prod-aks: node subnet spoke-prod/aks-nodes lasts past "
        '2030-01." src="data:image/png;base64,iVBORyBmYWtl"><figcaption>Per cluster and model, '
        "the resource that runs out first, month by month.</figcaption></figure>"
    ) in page
    assert "<h2>Recommendation</h2>" in page
    assert (
        "<strong>Cluster prod-aks: keep azure-cni-overlay, at today&#x27;s sizes.</strong>"
        not in page
    )
    assert "<strong>Cluster prod-aks: keep azure-cni-overlay, at today's sizes.</strong>" in page
    # a long word may break after its "/" and "-" (a table cell does not break words, and a
    # table of long names ran past the page); a CIDR never breaks
    assert "<td>spoke-<wbr>prod/<wbr>aks-<wbr>nodes</td><td>10.20.1.0/24</td>" in page
    # numbers are right-aligned, the words left
    assert '<th class="n">usable</th>' in page and "<th>subnet</th>" in page
    assert '<td class="n">251</td>' in page
    # the explanation of each cluster's numbers, collapsed
    assert (
        "<details><summary>Where the numbers of cluster prod-aks (azure-cni-overlay) come " in page
    )
    # provenance: the input's name and digest and ipplan's version, no timestamp
    assert '<p class="provenance">Input: t.yaml; made by ipplan 0.1.0.</p>' in page
    # nothing fetched from elsewhere
    assert not re.search(r"(src|href)=\"(https?:)?//", page)


def test_write_report_writes_the_pack_deterministically(tmp_path: Path) -> None:
    plan = build_plan(load_scenario(Path("data/example.yaml")))
    first = write_report(plan, tmp_path / "a")
    second = write_report(build_plan(load_scenario(Path("data/example.yaml"))), tmp_path / "b")
    assert [p.name for p in first] == PACK
    for name in PACK:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    assert (tmp_path / "a" / "forecast.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert [p.name for p in second] == PACK
    page = (tmp_path / "a" / "summary.html").read_text()
    assert page.count('src="data:image/png;base64,iVBOR') == 4
    assert not re.search(r"20\d\d-\d\d-\d\d[ T]\d\d:\d\d", page)  # no timestamps


def test_forecast_and_exhaustion_tables(tmp_path: Path) -> None:
    write_report(build_plan(load_scenario(Path("data/example.yaml"))), tmp_path, [])
    plan = build_plan(load_scenario(Path("data/example.yaml")))
    frames = tables(plan)
    forecast = frames["forecast.csv"].to_csv(index=False, lineterminator="\n").splitlines()
    assert (
        forecast[0]
        == "month,network,resource,resource_kind,unit,required,capacity,utilization_pct,status"
    )
    assert forecast[1] == "2027-01,kubenet,spoke/aks-nodes,node-subnet,IPs,58,1019,5.7,ok"
    # 37 months x every resource of every model
    assert len(forecast) - 1 == 37 * len(plan.forecast.series)
    exhaustion = frames["exhaustion.csv"].to_csv(index=False, lineterminator="\n").splitlines()
    assert exhaustion[0] == (
        "network,resource,resource_kind,unit,clusters,capacity,required_start,required_end,"
        "utilization_start_pct,utilization_end_pct,warn_month,exhaustion_month,runway_months,"
        "status,limiting_factor_for"
    )
    assert (
        "azure-cni,spoke/aks-nodes,node-subnet,IPs,example-aks,1019,6438,11766,631.8,1154.7,"
        "2027-01,2027-01,0,short now,example-aks" in exhaustion
    )
    assert (
        "azure-cni-pod-subnet,example-aks's pod subnet (none in the plan),pod-subnet,IPs,"
        "example-aks,,6380,11660,,,n/a,n/a,,"
        "n/a," in exhaustion
    )
    assert (
        "azure-cni-overlay,example-aks,pod-cidr,nodes,example-aks,256,58,106,22.7,41.4,"
        "beyond horizon,beyond horizon,,ok,example-aks" in exhaustion
    )


@pytest.mark.parametrize("example", ["example", "enterprise", "kubenet-migration", "big"])
def test_csv_writer_equals_pandas_to_csv(example: str, tmp_path: Path) -> None:
    # write_csv formats without pandas; tables() gives the DataFrames: same bytes either way
    scenario = big() if example == "big" else load_scenario(Path(f"data/{example}.yaml"))
    plan = build_plan(scenario)
    write_csv(plan, tmp_path)
    for name, frame in tables(plan).items():
        assert (tmp_path / name).read_text() == frame.to_csv(index=False, lineterminator="\n")


def test_plan_writes_its_csvs_without_importing_pandas() -> None:
    code = (
        "import sys; from typer.testing import CliRunner; from ipplan.cli import app; "
        "import tempfile; out = tempfile.mkdtemp(); "
        "r = CliRunner().invoke(app, ['plan', 'data/example.yaml', '--out', out]); "
        "print(r.exit_code, 'pandas' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[1],
    )
    assert done.stdout == "0 False\n"


def test_growing_a_subnet_says_whether_it_can_grow_in_place() -> None:
    data = Path(__file__).resolve().parent.parent / "data"
    # kubenet-migration: aks-subnet 10.50.0.0/23 needs a /22 by 2029-01 (502 IPs + 20% = 603 >
    # 507 usable in a /23); 10.50.0.0/22 would also cover ingress at 10.50.2.0/27
    text = summary_markdown(build_plan(load_scenario(data / "kubenet-migration.yaml")), [])
    # rule A22: aks-subnet exists (cidr) and holds nodes, so Azure will not resize it
    assert (
        "now /23: Azure cannot resize a subnet in use: add a new /22 node subnet and a new node "
        "pool in it, move the workload of fabrikam-prod/system, fabrikam-prod/apps, "
        "fabrikam-prod/batch, then delete the old pool"
    ) in text
    # enterprise: dev-nodes is a prefix: 26 that ipplan allocates (96 IPs + 25% = 120 > 59), so
    # the fix is to ask for the larger prefix
    text = summary_markdown(build_plan(load_scenario(data / "enterprise.yaml")), [])
    assert "now /26: ipplan allocates it: ask for a /25 (prefix)" in text


def test_html_slices_a_tall_chart_per_cluster_for_print() -> None:
    estate = build_plan(load_scenario(Path("data/enterprise.yaml")))
    chart = render(comparison_figure(estate), comparison_bands(estate))
    png = chart.png
    page = summary_html(estate, {"comparison.png": chart})
    figure = page.split('<figure id="comparison.png" class="sliced">', 1)[1].split("</figure>")[0]
    # three clusters, three slices, each its own PNG cropped from the one chart and kept whole
    # on paper; the alt text is on the group, the slices are decoration
    assert figure.count('<div class="slice"') == 3
    assert figure.count('<img alt=""') == 3
    parts = [
        base64.b64decode(uri.split('"', 1)[0])
        for uri in figure.split('src="data:image/png;base64,')[1:]
    ]
    width, height = struct.unpack(">II", png[16:24])
    sizes = [struct.unpack(">II", p[16:24]) for p in parts]
    assert {w for w, _ in sizes} == {width} and sum(h for _, h in sizes) == height
    # cropped from the very pixels of the whole chart: stacked, they are the chart
    from matplotlib import image

    stacked = numpy.vstack([image.imread(io.BytesIO(p)) for p in parts])
    assert numpy.array_equal(stacked, image.imread(io.BytesIO(png)))
    # about one image's worth in all, not the whole PNG once per slice
    assert sum(len(p) for p in parts) < 1.5 * len(png)
    assert '<div role="img" aria-label="Bar charts per cluster of VNet IPs' in figure
    # the caption shares the last slice's unbreakable box, so a page never parts them
    assert figure.endswith(
        "<figcaption>Every network model side by side per cluster: VNet IPs, "
        "smallest node subnet, and room to grow (the nodes the cluster "
        "reaches before its first limit binds).</figcaption></div>"
    )
    assert figure.rsplit('<div class="keep">', 1)[1].count('<div class="slice"') == 1
