"""One answer everywhere (issue: one rulebook, typed keys, answers that agree).

Room to grow (rule A18) and the limit that binds it must read the same in the CLI, clusters.csv,
comparison.csv, summary.md and the data behind comparison.png; a default never causes a
warning (A19); check counts kubenet's retirement (A21); names with ``/`` plan as any other.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ipplan.cli import app
from ipplan.core.answers import recommend
from ipplan.core.plan import build_plan
from ipplan.report.chart import comparison_figure
from ipplan.rules import KUBENET_MAX_NODES, Network
from ipplan.scenario import load_scenario

DATA = Path(__file__).resolve().parent.parent / "data"
EXAMPLE = (DATA / "example.yaml").read_text(encoding="utf-8")
WINDOWS_POOL = "      - {name: win, subnet: aks-nodes, os: windows, nodes: 3}\n"
MULTI_POOLS = (
    "      - {name: batch, subnet: aks-nodes, nodes: 30, max_pods: 30, max_surge: 2}\n"
    "      - {name: web, subnet: aks-nodes, nodes: 12, max_nodes: 50, max_pods: 60}\n"
)


def _variants(tmp: Path) -> dict[str, Path]:
    """The shipped examples plus a Windows, a kubenet and a multi-pool variant of the example."""
    files = {name: DATA / f"{name}.yaml" for name in ("example", "enterprise", "kubenet-migration")}
    for name, text in {
        "windows": EXAMPLE + WINDOWS_POOL,
        "kubenet": EXAMPLE.replace("network: azure-cni-overlay", "network: kubenet"),
        "multi-pool": EXAMPLE + MULTI_POOLS,
    }.items():
        path = tmp / f"{name}.yaml"
        path.write_text(text.replace("name: example\n", f"name: {name}\n", 1), encoding="utf-8")
        files[name] = path
    return files


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


_CLI_ROOM = re.compile(r"^(\S+) \((\S+)\): .* room for ([\d,]+) nodes, limited by (.+)$")


@pytest.mark.parametrize(
    "variant", ["example", "enterprise", "kubenet-migration", "windows", "kubenet", "multi-pool"]
)
def test_room_reads_the_same_in_every_output(variant: str, tmp_path: Path) -> None:
    source = _variants(tmp_path)[variant]
    out = tmp_path / "pack"
    result = CliRunner().invoke(app, ["plan", str(source), "--out", str(out)])
    assert result.exit_code == 0, result.output
    cli = {
        m[1]: (int(m[3].replace(",", "")), m[4])
        for line in result.stdout.splitlines()
        if (m := _CLI_ROOM.match(line))
    }
    clusters = {
        r["cluster"]: (int(r["room_nodes"]), r["room_limited_by"])
        for r in _csv(out / "clusters.csv")
    }
    own = {
        r["cluster"]: (int(r["room_nodes"]), r["room_limited_by"])
        for r in _csv(out / "comparison.csv")
        if r["current"] == "True"
    }
    summary = (out / "summary.md").read_text(encoding="utf-8")
    rows = [line.split(" | ") for line in summary.splitlines() if "(current) |" in line]
    md = {cells[0].lstrip("| "): (int(cells[6].replace(",", "")), cells[7]) for cells in rows}
    plan = build_plan(load_scenario(source))
    assert set(cli) == set(clusters) == set(own) == set(md) == {c.name for c in plan.clusters}
    assert cli == clusters == own == md
    # the chart's third panel labels each model's bar with the same number
    figure = comparison_figure(plan)
    networks = [n for n in plan.scenario.planning.compare if n in plan.comparisons]
    room_axis = figure.axes[2]  # the third column: every cluster's room, a panel each
    bars = [t.get_text().strip() for t in room_axis.texts if not t.get_text().startswith("planned")]
    assert len(bars) == len(networks) * len(plan.clusters)
    for index, cluster in enumerate(plan.clusters):
        shown = bars[index * len(networks) + networks.index(cluster.network)]
        assert int(shown.replace(",", "")) == clusters[cluster.name][0]


def test_no_room_reads_the_same_in_every_output(tmp_path: Path) -> None:
    # enterprise, dev under azure-cni: the system pool alone needs 4 x 111 = 444 IPs of the /26's
    # 59 with the user pool at 0 nodes: no room (rule A18), never a number (it said 3 nodes,
    # the system pool's, and a growth pool count of 0). Every output names the limit broken
    out = tmp_path / "pack"
    result = CliRunner().invoke(app, ["plan", str(DATA / "enterprise.yaml"), "--out", str(out)])
    assert result.exit_code == 0, result.output
    limit = "node subnet spoke-dev/dev-nodes (/26, 59 usable IPs)"
    (row,) = [
        r
        for r in _csv(out / "comparison.csv")
        if (r["cluster"], r["network"]) == ("dev", "azure-cni")
    ]
    assert (
        row["room_nodes"],
        row["room_growth_pool"],
        row["room_growth_pool_nodes"],
        row["room_limited_by"],
    ) == ("", "dev/user", "", limit)
    summary = (out / "summary.md").read_text(encoding="utf-8")
    assert (
        "| dev | azure-cni | NO (rule A3) | system 110, user 30 (azure-cni's default) | 1,126 "
        f"| /21 | no room | {limit}, exceeded already |" in (summary)
    )
    html = (out / "summary.html").read_text(encoding="utf-8")
    assert "<td>no room</td>" in html
    # the chart's room panel: dev is the second cluster drawn, azure-cni its second model
    plan = build_plan(load_scenario(DATA / "enterprise.yaml"))
    room_axis = comparison_figure(plan).axes[2]
    bars = [t.get_text().strip() for t in room_axis.texts if not t.get_text().startswith("planned")]
    assert bars[5:10] == ["53", "no room", "53", "53", "53"]


def test_kubenet_room_never_passes_its_400_routes(tmp_path: Path) -> None:
    plan = build_plan(load_scenario(DATA / "kubenet-migration.yaml"))
    (cluster,) = plan.estimate.clusters
    assert cluster.room is not None
    # fabrikam-prod: system 3 + 1 surge = 4 and batch 30 + 3 = 33 at peak stay; apps (max 300,
    # 10% surge) grows: 400 - 4 - 33 = 363 = n + ceil(n / 10) -> n = 330 (330 + 33 = 363;
    # 331 + 34 = 365 > 363), so room is 3 + 30 + 330 = 363 nodes, bound by the route table
    assert (cluster.room.nodes, cluster.room.growth_pool, cluster.room.growth_pool_nodes) == (
        363,
        "fabrikam-prod/apps",
        330,
    )
    assert cluster.room.limited_by == f"kubenet route table ({KUBENET_MAX_NODES} routes)"
    # and the subnet's own room is bound by the same routes, never the 470 the subnet alone holds
    (aks_subnet,) = [s for s in plan.subnets if s.name == "aks-subnet"]
    assert aks_subnet.room is not None and aks_subnet.room.nodes == 363


def test_a_windows_pool_without_max_pods_raises_no_warning_and_changes_no_recommendation(
    tmp_path: Path,
) -> None:
    files = _variants(tmp_path)
    plain = build_plan(load_scenario(files["example"]))
    windows = build_plan(load_scenario(files["windows"]))
    # overlay's default is 250, but a Windows pool's default is min(250, 110) = 110 (rule A19)
    (win,) = [p for p in windows.estimate.pools if p.pool == "win"]
    assert (win.max_pods, win.max_pods_default) == (110, True)
    assert not [w for w in windows.warnings if "Windows" in w or "windows" in w]
    assert [(r.cluster, r.model) for r in recommend(windows)] == [
        (r.cluster, r.model) for r in recommend(plain)
    ]
    assert recommend(windows)[0].model is Network.OVERLAY


def test_check_fails_a_kubenet_plan_whose_runway_passes_its_retirement(tmp_path: Path) -> None:
    source = _variants(tmp_path)["kubenet"]
    result = CliRunner().invoke(app, ["check", str(source), "--min-runway-months", "36"])
    # planning starts 2027-01; kubenet is supported to the end of 2028-03: 15 months (rule A21)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "kubenet support (retires 2028-03-31) for example-aks: unsupported from 2028-04, 15 "
        "months of runway (36 required); fix: move to azure-cni-overlay before 2028-03-31"
    ]
    short = CliRunner().invoke(app, ["check", str(source), "--min-runway-months", "15"])
    assert short.exit_code == 0, short.output


_SLASHED = """\
name: slashed
vnets:
  - name: {vnet}
    address_space: [10.20.0.0/16]
    subnets:
      - {{name: nodes, prefix: 22}}
      - {{name: pods, prefix: 18}}
clusters:
  - name: {cluster}
    vnet: {vnet}
    network: azure-cni-overlay
    pod_cidr: 100.64.0.0/16
    service_cidr: 172.16.0.0/16
    node_pools:
      - {{name: system, subnet: nodes, nodes: 3, max_surge: 1}}
      - {{name: user, subnet: nodes, nodes: 20}}
"""


@pytest.mark.parametrize(
    ("vnet", "cluster"),
    [("hub/east", "aks"), ("spoke", "spoke"), ("a/b", "a"), ("a", "a/pods")],
    ids=["slash-in-vnet", "cluster-named-like-its-vnet", "cluster-prefix-of-vnet", "slash-pods"],
)
def test_names_with_slashes_or_repeats_plan_like_any_other(
    vnet: str, cluster: str, tmp_path: Path
) -> None:
    plain = tmp_path / "plain.yaml"
    plain.write_text(_SLASHED.format(vnet="v", cluster="c"), encoding="utf-8")
    odd = tmp_path / "odd.yaml"
    odd.write_text(_SLASHED.format(vnet=f"'{vnet}'", cluster=f"'{cluster}'"), encoding="utf-8")
    want, got = build_plan(load_scenario(plain)), build_plan(load_scenario(odd))
    for model in Network:
        a, b = want.comparisons[model], got.comparisons[model]
        assert [(s.key.name, s.peak_ips, s.usable_ips) for s in a.subnets] == [
            (s.key.name, s.peak_ips, s.usable_ips) for s in b.subnets
        ]
        assert [(c.room.nodes if c.room else None) for c in a.clusters] == [
            (c.room.nodes if c.room else None) for c in b.clusters
        ]
    result = CliRunner().invoke(app, ["plan", str(odd), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output


def test_check_on_a_kubenet_plan_that_starts_after_its_retirement(tmp_path: Path) -> None:
    text = _variants(tmp_path)["kubenet"].read_text(encoding="utf-8")
    late = tmp_path / "late.yaml"
    late.write_text(text.replace("start: 2027-01", "start: 2028-05"), encoding="utf-8")
    result = CliRunner().invoke(app, ["check", str(late)])
    # support ended with 2028-03, before the plan starts: no runway at all (rule A21)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "kubenet support (retires 2028-03-31) for example-aks: unsupported from 2028-04, 0 "
        "months of runway (12 required); fix: move to azure-cni-overlay before 2028-03-31"
    ]


def _with_subnets(tmp_path: Path, subnets: list[str]) -> tuple[Path, Path]:
    """The example with *subnets* (YAML flow mappings) after its node subnet: the scenario
    file written, and the report folder to plan it into."""
    lines = "".join(f"\n      - {subnet}" for subnet in subnets)
    marker = "      - {name: aks-nodes, prefix: 22}"
    source = tmp_path / "more-subnets.yaml"
    source.write_text(EXAMPLE.replace(marker, marker + lines), encoding="utf-8")
    return source, tmp_path / "pack"


def test_plan_prints_the_subnets_that_matter_and_says_where_the_rest_are(tmp_path: Path) -> None:
    # 40 idle /28s, plus the example's gateway and node subnet: 42 subnets, 25 printed
    idle = [f"{{name: idle{i:02d}, prefix: 28}}" for i in range(40)]
    source, out = _with_subnets(tmp_path, idle)
    result = CliRunner().invoke(app, ["plan", str(source), "--out", str(out)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    table = lines[2 : lines.index("")]
    more = table.pop()
    assert len(table) == 25
    assert more == f"... and 17 more subnets in {out / 'subnets.csv'} (--all prints them here)"
    # the cluster's node subnet is always among them, whatever its place in the VNet
    assert any(row.startswith("spoke/aks-nodes") for row in table)
    every = CliRunner().invoke(app, ["plan", str(source), "--out", str(out), "--all"])
    assert every.exit_code == 0, every.output
    all_lines = every.stdout.splitlines()
    assert len(all_lines[2 : all_lines.index("")]) == 42


def test_plan_prints_the_first_warnings_and_says_where_the_rest_are(tmp_path: Path) -> None:
    # 14 existing /29s with 3 of 3 usable IPs used: each at 100%, above the 80% warn level
    full = [f"{{name: full{i:02d}, cidr: 10.20.1.{8 * i}/29, used_ips: 3}}" for i in range(14)]
    source, out = _with_subnets(tmp_path, full)
    result = CliRunner().invoke(app, ["plan", str(source), "--out", str(out)])
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()  # warnings on stderr, the results on stdout
    warnings = [line for line in lines if line.startswith("warning: ")]
    assert len(warnings) == 10 and "warning: " not in result.stdout
    assert warnings[0].startswith("warning: subnet spoke/full00 (10.20.1.0/29) is 100.0% used")
    more = lines[lines.index(warnings[-1]) + 1]
    assert more == f"... and 4 more warnings in {out / 'summary.md'} (--all prints them here)"
    every = CliRunner().invoke(app, ["plan", str(source), "--out", str(out), "--all"])
    assert every.exit_code == 0, every.output
    assert sum(line.startswith("warning: ") for line in every.stderr.splitlines()) == 14
    assert "more warnings in" not in every.stderr
