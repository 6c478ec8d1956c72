"""``ipplan check`` (a CI gate on runway) and ``ipplan sweep`` (the what-if grid) from the CLI."""

from __future__ import annotations

import csv
import io
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ipplan.cli import app
from ipplan.sweep import Progress

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


# --- check --------------------------------------------------------------------------------------


def test_check_passes_when_everything_lasts() -> None:
    assert run("check", "data/example.yaml") == (
        0,
        "ok: every resource lasts 12 months or more; nothing runs out before 2030-01\n",
        "",
    )


# enterprise's dev-nodes is a hand-picked /26 (59 usable IPs) under overlay: system 3 + 1 surge
# = 4, plus the user pool's N = ceil(20 x 1.04^m) + ceil(10% of N) surge. Month 23: N =
# ceil(49.29) = 50, 4 + 50 + 5 = 59 fits; month 24 (2029-01): N = ceil(51.27) = 52, 4 + 52 + 6 =
# 62 > 59. At the horizon (month 36): N = ceil(82.08) = 83, 4 + 83 + 9 = 96 IPs -> a /25 (123).


def test_check_names_the_first_resource_to_run_out_when_it_is_far_enough() -> None:
    code, out, _ = run("check", "data/enterprise.yaml", "--min-runway-months", "24")
    assert (code, out) == (
        0,
        "ok: every resource lasts 24 months or more; "
        "first to run out: node subnet spoke-dev/dev-nodes in 2029-01\n",
    )


def test_check_fails_on_short_runway_one_line_each(tmp_path: Path) -> None:
    # enterprise's prod-pods is size: auto, sized for the horizon (a /18), so it lasts: only the
    # hand-picked dev-nodes falls short of a 30-month gate
    code, out, err = run("check", "data/enterprise.yaml", "--min-runway-months", "30")
    assert (code, err) == (1, "")
    dev_nodes = (
        "node subnet spoke-dev/dev-nodes: runs out 2029-01, 24 months of runway (30 required): "
        "62 of 59 IPs needed then; fix: a /25 holds the 96 IPs needed in 2030-01"
    )
    assert out.splitlines() == [dev_nodes]
    # pinned at a /19 (8,187 usable IPs), prod-pods runs out too: one line per shortfall. Dynamic
    # pod IPs per node (rule A8): system 5 + 1 surge = 6 x 110, win 10 + 1 = 11 x 30, apps
    # (U 60) 16 x ceil(0.5 + 60/16) = 80 on 40 + m nodes + ceil(33%) surge: 990 + 80 x M.
    # Month 26: M = 66 + 22 = 88, 8,030 IPs fit; month 27 (2029-04): M = 67 + 23 = 90, 8,190 do
    # not. At the horizon: M = 76 + 26 = 102, 990 + 8,160 = 9,150 IPs -> a /18 (16,379)
    auto = "{name: prod-pods, size: auto}"
    text = (ROOT / "data/enterprise.yaml").read_text()
    assert auto in text
    pinned = tmp_path / "pinned.yaml"
    pinned.write_text(text.replace(auto, "{name: prod-pods, prefix: 19}"))
    code, out, err = run("check", str(pinned), "--min-runway-months", "30")
    assert (code, err) == (1, "")
    assert out.splitlines() == [
        dev_nodes,
        "pod subnet spoke-prod/prod-pods: runs out 2029-04, 27 months of runway (30 required): "
        "8,190 of 8,187 IPs needed then; fix: a /18 holds the 9,150 IPs needed in 2030-01",
    ]


def test_check_kubenet_estate_fails_the_default_gate() -> None:
    code, out, _ = run("check", "data/kubenet-migration.yaml")
    assert code == 1
    assert out == (
        "kubenet route table fabrikam-prod: runs out 2027-08, 7 months of runway (12 required): "
        "406 of 400 routes needed then; fix: move to azure-cni-overlay (no route table)\n"
    )


def test_kubenet_support_is_15_months_in_the_gate_and_every_output(tmp_path: Path) -> None:
    # rule A21: from 2027-01 kubenet is supported 2027-01..2028-03, both counted: 15 months, and
    # unsupported from 2028-04 (month 15). The gate flags it at 16 months and not at 15, and the
    # retirement's capacity is that same 15 (it said 14 beside a runway of 15)
    retirement = "kubenet support (retires 2028-03-31) for fabrikam-prod"
    code, out, _ = run("check", "data/kubenet-migration.yaml", "--min-runway-months", "15")
    assert code == 1  # the route table runs out in 7 months
    assert retirement not in out
    code, out, _ = run("check", "data/kubenet-migration.yaml", "--min-runway-months", "16")
    assert code == 1
    assert (
        f"{retirement}: unsupported from 2028-04, 15 months of runway (16 required); fix: move "
        "to azure-cni-overlay before 2028-03-31"
    ) in out.splitlines()
    pack = tmp_path / "pack"
    assert run("plan", "data/kubenet-migration.yaml", "--out", str(pack))[0] == 0
    with (pack / "exhaustion.csv").open(encoding="utf-8", newline="") as handle:
        (row,) = [r for r in csv.DictReader(handle) if r["resource_kind"] == "retirement"]
    # months needed through 2027-01: 1 of 15 (6.7%); through 2029-01 (month 24): 25 (166.7%);
    # warns at 80%: m + 1 >= 12 -> 2027-12
    assert (row["capacity"], row["runway_months"], row["exhaustion_month"]) == (
        "15",
        "15",
        "2028-04",
    )
    assert (row["required_start"], row["required_end"], row["warn_month"]) == ("1", "25", "2027-12")
    assert (row["utilization_start_pct"], row["utilization_end_pct"]) == ("6.7", "166.7")
    summary = (pack / "summary.md").read_text(encoding="utf-8")
    assert (
        "| kubenet support (retires 2028-03-31) fabrikam-prod | 15 months | 1 | 25 | 2027-12 | "
        "2028-04 | 15 months |"
    ) in summary


def test_check_extends_the_horizon_to_the_gate() -> None:
    # the example forecasts 36 months; a 48-month gate looks 48 months ahead
    assert run("check", "data/example.yaml", "--min-runway-months", "48")[1] == (
        "ok: every resource lasts 48 months or more; nothing runs out before 2031-01\n"
    )


def test_check_reports_infeasibility(tmp_path: Path) -> None:
    # the example's node subnet as a /27: 58 IPs at peak do not fit in 27
    text = (ROOT / "data/example.yaml").read_text().replace("prefix: 22", "prefix: 27")
    scenario = tmp_path / "small.yaml"
    scenario.write_text(text)
    assert run("check", str(scenario), "--min-runway-months", "0")[:2] == (
        1,
        "INFEASIBLE: azure-cni-overlay: node subnet spoke/aks-nodes (/27, 27 usable IPs) needs "
        "58 IPs at peak; use a /26 or larger, or fewer nodes or max pods (rule A3)\n",
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["check", "nope.yaml"],
            "Error: nope.yaml: no such file; give the path of a scenario file\n",
        ),
    ],
)
def test_check_bad_input_exits_2_with_one_line(args: list[str], message: str) -> None:
    code, out, err = run(*args)
    assert (code, out, err) == (2, "", message)


def test_check_negative_gate_is_a_usage_error() -> None:
    code, _, err = run("check", "data/example.yaml", "--min-runway-months", "-1")
    assert code == 2 and "Traceback" not in err
    assert err == (
        "Error: --min-runway-months: '-1' is invalid: input should be greater than or equal "
        "to 0; see 'ipplan check --help'\n"
    )


# --- sweep --------------------------------------------------------------------------------------


def test_sweep_writes_csv_and_heatmap(tmp_path: Path) -> None:
    out = tmp_path / "sweep.csv"
    code, stdout, err = run(
        "sweep",
        "--nodes", "10:30:10",
        "--max-pods", "30,110",
        "--max-surge", "1",
        "--network", "kubenet,azure-cni",
        "--subnet", "10.240.0.0/24",
        "--out", str(out),
    )  # fmt: skip
    assert (code, err) == (0, "")
    # a run of a second or more says how long it took (a loaded machine's may)
    said = r"wrote 12 rows to (.+?)(?: in [0-9.]+ s)? and the heatmap to (.+)\n"
    took = re.fullmatch(said, stdout)
    assert took is not None and took.groups() == (str(out), str(tmp_path / "sweep.png"))
    lines = out.read_text().splitlines()
    assert lines[0].startswith("network,max_surge,max_pods,nodes,surge_nodes,peak_nodes,")
    # kubenet, 30 pods, 10 nodes + 1 surge: 11 IPs (/28); pod CIDR 11 /24s -> /20; room (A18):
    # a /24 holds 251 peak nodes -> 250 planned
    assert lines[1] == "kubenet,1,30,10,1,11,11,28,,,20,11,250,node-subnet,True,True"
    # azure-cni, 110 pods, 30 nodes: 31 x 111 = 3,441 IPs -> /20; a /24 holds 2 peak -> 1 node
    assert lines[-1] == "azure-cni,1,110,30,1,31,3441,20,,,,3441,1,node-subnet,False,False"
    assert (tmp_path / "sweep.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_sweep_says_pods_in_use_is_ignored_when_no_swept_model_uses_them(tmp_path: Path) -> None:
    # rule A8: only the dynamic pod subnet counts pods in use; compare warns the same way
    out = tmp_path / "sweep.csv"
    args = ["sweep", "--nodes", "10", "--max-pods", "30", "--pods-in-use", "20", "--out", str(out)]
    code, stdout, err = run(*args, "--network", "kubenet,azure-cni-overlay")
    assert code == 0 and stdout.startswith("wrote 2 rows to ")
    assert err == (
        "warning: --pods-in-use: the sweep: pods_in_use 20 counts only under "
        "azure-cni-pod-subnet, which is neither planned nor compared: it is ignored; remove "
        "--pods-in-use, or add azure-cni-pod-subnet to --network (rule A8)\n"
    )
    code, stdout, err = run(*args, "--network", "kubenet,azure-cni-pod-subnet")
    assert (code, err) == (0, "")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--nodes", "10:5"], "--nodes: '10:5' is not a range: use start:stop:step with start "
         "<= stop and a step of 1 or more, e.g. 10:1000:10"),
        (["--nodes", "x"], "--nodes: 'x' is not a list of whole numbers: use e.g. 10:1000:10 "
         "or 30,50,110"),
        (["--nodes", "10", "--max-pods", "300"], "--max-pods: 300 is outside 10..250: use values "
         "in that range"),
        (["--nodes", "10", "--network", "flannel"], "--network: 'flannel' is not a network model: "
         "use one of all, kubenet, azure-cni, azure-cni-overlay, azure-cni-pod-subnet, "
         "azure-cni-pod-subnet-static"),
        (["--nodes", "10", "--max-surge", "lots"], "--max-surge: 'lots' is not a surge: use a "
         "node count such as 1 or a percentage such as 33%"),
        (["--nodes", "10", "--subnet", "10.0.0.0/30"], "--subnet: 10.0.0.0/30 is outside Azure's "
         "subnet sizes, /2 to /29; use a prefix in that range"),
        (["--nodes", "10", "--out", "/nonexistent/x.csv"], "--out: folder /nonexistent does not "
         "exist: create it first"),
        (["--nodes", "0:1000000", "--max-pods", "10:250"], "the sweep has 1,205,001,205 rows, "
         "above 200,000,000: use larger steps or fewer values"),
    ],
)  # fmt: skip
def test_sweep_bad_input_exits_2_with_one_line(args: list[str], message: str) -> None:
    code, out, err = run("sweep", *args)
    assert (code, out, err) == (2, "", f"Error: {message}\n")


def test_progress_bar_only_after_a_second() -> None:
    stream = io.StringIO()
    quiet = Progress(stream, after_seconds=3600)
    quiet(5, 10)
    quiet.close()
    assert stream.getvalue() == ""
    loud = Progress(stream, after_seconds=0)
    loud(5, 10)
    loud(10, 10)
    loud.close()
    assert stream.getvalue() == (
        "\rsweep [###############...............]  50% 5/10 rows"
        "\rsweep [##############################] 100% 10/10 rows\n"
    )


def test_compare_and_check_help_do_not_import_pandas_or_matplotlib() -> None:
    code = (
        "import sys; from typer.testing import CliRunner; from ipplan.cli import app; "
        "CliRunner().invoke(app, ['check', '--help']); "
        "CliRunner().invoke(app, ['sweep', '--help']); "
        "print(sorted(m for m in ('pandas', 'matplotlib', 'numpy') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert out.stdout == "[]\n"
