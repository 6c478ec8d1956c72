"""The review pack: golden CSVs for every example scenario, determinism, atomic writes, and
size: auto lasting the horizon end to end."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ipplan.cli import app
from ipplan.core.plan import Plan, build_plan
from ipplan.errors import OutputError
from ipplan.report.pack import TABLES, write_csv, write_report
from ipplan.scenario import load_scenario

DATA = Path(__file__).resolve().parent.parent / "data"
EXAMPLES = sorted(p.name for p in DATA.glob("*.yaml"))


@pytest.mark.parametrize("example", EXAMPLES)
def test_example_csvs_match_their_golden_files(
    example: str, tmp_path: Path, golden: Callable[[str, str], None]
) -> None:
    plan = build_plan(load_scenario(DATA / example))
    write_csv(plan, tmp_path)
    for name in TABLES:
        golden(f"{Path(example).stem}/{name}", (tmp_path / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize("example", EXAMPLES)
def test_same_input_gives_byte_identical_csvs(example: str, tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    for folder in (first, second):
        folder.mkdir()
        write_csv(build_plan(load_scenario(DATA / example)), folder)
    for name in TABLES:
        assert (first / name).read_bytes() == (second / name).read_bytes()


def test_a_failed_write_leaves_the_earlier_report_untouched(tmp_path: Path) -> None:
    plan = build_plan(load_scenario(DATA / "example.yaml"))
    folder = tmp_path / "example"
    write_report(plan, folder, [write_csv])
    before = {p.name: p.read_bytes() for p in folder.iterdir()}

    def broken(plan: Plan, out: Path) -> list[Path]:
        (out / "half.csv").write_text("half", encoding="utf-8")
        raise OSError("disk full")

    with pytest.raises(OutputError, match=r"cannot write the report \(disk full\)"):
        write_report(plan, folder, [write_csv, broken])
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["example"]  # no temporary left behind


def test_plan_on_a_bad_file_exits_2_and_keeps_the_earlier_report(tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "report"
    good = runner.invoke(app, ["plan", str(DATA / "example.yaml"), "--out", str(out)])
    assert good.exit_code == 0, good.output
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    bad = tmp_path / "bad.yaml"
    bad.write_text((DATA / "example.yaml").read_text().replace("nodes: 3,", "nodes: -3,"))
    result = runner.invoke(app, ["plan", str(bad), "--out", str(out)])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith(f"Error: {bad}: clusters[0].node_pools[0].nodes: -3 ")
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_out_pointing_at_a_file_or_a_foreign_folder_is_refused_and_nothing_is_touched(
    tmp_path: Path,
) -> None:
    runner = CliRunner()
    scenario = tmp_path / "my.yaml"
    scenario.write_text((DATA / "example.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "todo.txt").write_text("mine", encoding="utf-8")
    for out, message in [
        (scenario, f"Error: {scenario}: is a file, not a report folder; give --out a folder\n"),
        (
            notes,
            f"Error: {notes}: holds 'todo.txt', which is not part of an ipplan report, and the "
            "report replaces the folder; give --out a new folder\n",
        ),
    ]:
        result = runner.invoke(app, ["plan", str(scenario), "--out", str(out)])
        assert (result.exit_code, result.stderr) == (2, message)
    assert scenario.read_text(encoding="utf-8") == (DATA / "example.yaml").read_text("utf-8")
    assert (notes / "todo.txt").read_text(encoding="utf-8") == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["my.yaml", "notes"]


def test_an_unwritable_out_is_one_line_not_a_traceback(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    result = CliRunner().invoke(
        app, ["plan", str(DATA / "example.yaml"), "--out", str(blocker / "report")]
    )
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {blocker / 'report'}: cannot write the report there (")
    assert result.stderr.count("\n") == 1


GROWING = """\
name: growing
planning: {start: 2027-01, horizon_months: 24, headroom_pct: 20, compare: [azure-cni-overlay]}
vnets:
  - name: spoke
    address_space: [10.1.0.0/16]
    subnets:
      - {name: nodes, size: auto}
clusters:
  - name: aks
    vnet: spoke
    network: azure-cni-overlay
    node_pools:
      - {name: system, subnet: nodes, nodes: 3, max_surge: 1}
      - {name: user, subnet: nodes, nodes: 10, max_nodes: 20, growth: {nodes_per_month: 2}}
"""


def _row(folder: Path, table: str, start: str) -> str:
    lines = (folder / table).read_text(encoding="utf-8").splitlines()
    (row,) = [line for line in lines if line.startswith(start)]
    return row


def test_an_auto_subnet_lasts_the_horizon_of_its_growing_pools(tmp_path: Path) -> None:
    # overlay node subnet: Σ M (rule A3). system 3 + 1 surge = 4, no growth; user from its
    # autoscaler max of 20, + 2 a month: 20 + 2 x 24 = 68 in 2029-01, + ceil(10% x 68) = 7
    # surge = 75. 4 + 75 = 79 IPs; + 20% = ceil(94.8) = 95 -> a /25 (123 usable; a /26 has 59)
    source = tmp_path / "growing.yaml"
    source.write_text(GROWING, encoding="utf-8")
    plan = build_plan(load_scenario(source))
    write_csv(plan, tmp_path)
    assert _row(tmp_path, "subnets.csv", "spoke,nodes,") == (
        # today: 3 + 10 = 13 nodes now; 4 + 20 + ceil(10% x 20) = 26 at peak (a /27 would
        # hold it), 26 / 123 = 21.1%, 97 spare; room (rule A18) grows the user pool beside the
        # system pool's 4 at peak: 123 - 4 = 119 = 108 + ceil(10.8) (109 + 11 = 120 does not
        # fit), so 108 + 3 system nodes = 111, bound by the subnet
        "spoke,nodes,10.1.0.0/25,25,sized,node,aks/system aks/user,128,123,0,13,26,27,21.1,97,"
        '111,aks/user,"node subnet spoke/nodes (/25, 123 usable IPs)",ok,'
    )
    # 79 of 123 in 2029-01 (64.2%), below the 80% warn level: it never warns or runs out
    assert _row(tmp_path, "exhaustion.csv", "azure-cni-overlay,spoke/nodes,") == (
        "azure-cni-overlay,spoke/nodes,node-subnet,IPs,aks,123,26,79,21.1,64.2,"
        "beyond horizon,beyond horizon,,ok,aks"
    )
    # sized for today's peak instead (26 + 20% = ceil(31.2) = 32 IPs -> a /26, 59 usable), it
    # warns at 48 IPs (80% of 59 = 47.2): month 10, 4 + 40 + 4; and runs out at month 16
    # (2028-05): 4 + 52 + 6 = 62 > 59 (month 15: 4 + 50 + 5 = 59 still fits)
    pinned = tmp_path / "pinned.yaml"
    pinned.write_text(GROWING.replace("size: auto", "prefix: 26"), encoding="utf-8")
    write_csv(build_plan(load_scenario(pinned)), tmp_path)
    assert _row(tmp_path, "exhaustion.csv", "azure-cni-overlay,spoke/nodes,") == (
        "azure-cni-overlay,spoke/nodes,node-subnet,IPs,aks,59,26,79,44.1,133.9,"
        "2027-11,2028-05,16,runs out,aks"
    )
