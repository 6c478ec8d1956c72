"""Issue 12, one test (or more) per class of hostile input: growth, sweep arithmetic and size,
output paths, one-line messages. The loaders' bounds are in test_bounds.py, the fuzzer in
test_fuzz.py."""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ipplan.cli import app
from ipplan.core.plan import build_plan
from ipplan.errors import OutputError, one_line
from ipplan.report.pack import write_csv, write_report
from ipplan.scenario import load_scenario
from test_cli import COMMANDS

ROOT = Path(__file__).parent.parent
EXAMPLE = ROOT / "data" / "example.yaml"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def _dead_pid() -> int:
    process = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        text=True,
        capture_output=True,
        check=True,
    )
    return int(process.stdout)


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


# ----- class 3: growth that validate passes must plan --------------------------------------


@pytest.mark.parametrize(
    ("growth", "horizon", "message"),
    [
        (
            "{nodes_per_month: 1.0e+20}",
            36,
            "clusters[0].node_pools[1].growth.nodes_per_month: 1e+20 is above ipplan's bound of "
            "100,000 nodes a month (a pool holds at most 1,000)",
        ),
        (
            "{percent_per_month: 1000000}",
            120,
            "clusters[0].node_pools[1].growth.percent_per_month: 1000000 is above ipplan's bound "
            "of 1,000% a month",
        ),
        (
            "{percent_per_month: 100}",
            120,
            "clusters[0].node_pools[1].growth: growth {percent_per_month: 100} takes the scenario "
            "to 5.32e+37 planning nodes by 2037-01, above ipplan's bound of 1,000,000 (200 x "
            "AKS's 5,000 per cluster); lower the rate or planning.horizon_months",
        ),
    ],
    ids=["linear-1e20", "compound-1e6", "compound-100-over-120"],
)
def test_growth_beyond_the_bound_is_refused_by_validate_and_plan_alike(
    tmp_path: Path, growth: str, horizon: int, message: str
) -> None:
    path = tmp_path / "grow.yaml"
    text = EXAMPLE.read_text().replace("{nodes_per_month: 1}", growth)
    path.write_text(text.replace("horizon_months: 36", f"horizon_months: {horizon}"))
    for command in (["validate", str(path)], ["plan", str(path), "--out", str(tmp_path / "r")]):
        assert run(*command) == (2, "", f"Error: {path}: {message}\n")
    assert not (tmp_path / "r").exists()


def test_growth_up_to_the_bound_plans_and_everything_runs_out(tmp_path: Path) -> None:
    path = tmp_path / "grow.yaml"
    path.write_text(EXAMPLE.read_text().replace("{nodes_per_month: 1}", "{nodes_per_month: 27000}"))
    assert run("validate", str(path))[0] == 0
    code, out, _ = run("plan", str(path), "--out", str(tmp_path / "r"))
    assert code == 0
    assert "runway (azure-cni-overlay): node subnet spoke/aks-nodes runs out 2027-02" in out


def test_check_bounds_its_longer_horizon_like_validate(tmp_path: Path) -> None:
    path = tmp_path / "grow.yaml"
    path.write_text(EXAMPLE.read_text().replace("{nodes_per_month: 1}", "{percent_per_month: 5}"))
    assert run("validate", str(path))[0] == 0
    code, _, err = run("check", str(path), "--min-runway-months", "1200")
    assert (code, err) == (
        2,
        f"Error: --min-runway-months 1200: {path}: clusters[0].node_pools[1].growth: growth "
        "{percent_per_month: 5} takes the scenario to 1.07e+27 planning nodes by 2127-01, above "
        "ipplan's bound of 1,000,000 (200 x AKS's 5,000 per cluster); lower the rate or "
        "--min-runway-months\n",
    )
    assert run("check", str(path), "--min-runway-months", "100000000")[0] == 2  # not a hang


def test_diff_bounds_its_runway_as_check_does(tmp_path: Path) -> None:
    # diff forecasts both plans over the runway, every model every month: 99999999999 hung
    for runway in ("1201", "99999999999"):
        assert run("diff", str(EXAMPLE), str(EXAMPLE), "--min-runway-months", runway) == (
            2,
            "",
            f"Error: --min-runway-months: '{runway}' is invalid: input should be less than or "
            "equal to 1200; see 'ipplan diff --help'\n",
        )
    path = tmp_path / "grow.yaml"
    path.write_text(EXAMPLE.read_text().replace("{nodes_per_month: 1}", "{percent_per_month: 5}"))
    code, _, err = run("diff", str(EXAMPLE), str(path), "--min-runway-months", "1200")
    assert (code, err) == (
        2,
        f"Error: --min-runway-months 1200: {path}: clusters[0].node_pools[1].growth: growth "
        "{percent_per_month: 5} takes the scenario to 1.07e+27 planning nodes by 2127-01, above "
        "ipplan's bound of 1,000,000 (200 x AKS's 5,000 per cluster); lower the rate or "
        "--min-runway-months\n",
    )


HUB_SPOKE = ROOT / "data" / "hub-spoke.yaml"


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (  # validate placed the prefixes, plan sized the size: auto subnets too
            "address_space: [10.102.0.0/18]",
            "address_space: [10.102.0.0/21]",
            "vnets[2].subnets[1]: subnet 'aks-pods' (size: auto, 2,690 IPs at peak in 2030-01 "
            "+ 20% headroom -> /20) does not fit in VNet 'spoke-data' (its largest free block "
            "is /21, 2,048 addresses free); add address space to the VNet, or lower the pools' "
            "growth, max_nodes or planning.headroom_pct",
        ),
        (  # plan said "4,000,000,000 IPs -> /0"
            "endpoints: 12,",
            "endpoints: 4000000000,",
            "vnets[2].subnets[2].endpoints: 4000000000 is above 65,536, a VNet's private IPs "
            "(each endpoint takes one)",
        ),
        (
            "{name: endpoints, kind: private-endpoints, endpoints: 12, size: auto}",
            "{name: endpoints, kind: aci, pods: 70000, size: auto}",
            "vnets[2].subnets[2].pods: 70000 is above 65,536, a VNet's private IPs (each "
            "virtual-node pod takes one)",
        ),
    ],
    ids=["auto-does-not-fit", "endpoints-above-vnet", "aci-pods-above-vnet"],
)
def test_validate_rejects_what_plan_rejects_in_the_same_words(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    path = tmp_path / "hub-spoke.yaml"
    text = HUB_SPOKE.read_text()
    assert old in text
    path.write_text(text.replace(old, new))
    for command in (["validate", str(path)], ["plan", str(path), "--out", str(tmp_path / "r")]):
        assert run(*command) == (2, "", f"Error: {path}: {message}\n")
    assert not (tmp_path / "r").exists()


@pytest.mark.parametrize(
    ("start", "side"), [("9999-12", "after 2100-12"), ("0000-01", "before 2000-01")]
)
def test_a_start_outside_the_years_is_refused_by_file_and_option_alike(
    tmp_path: Path, start: str, side: str
) -> None:
    # 9999-12 forecast months such as 10000-01; the file and import's --start share one check
    problem = f"is {side} (ipplan plans from 2000-01 to 2100-12); give a month such as 2027-01"
    path = tmp_path / "start.yaml"
    path.write_text(EXAMPLE.read_text().replace("start: 2027-01", f"start: {start}"))
    for command in (["validate", str(path)], ["plan", str(path), "--out", str(tmp_path / "r")]):
        assert run(*command) == (2, "", f"Error: {path}: planning.start: '{start}' {problem}\n")
    vnets = str(ROOT / "tests/data/azure/arm-vnet-get.json")
    assert run("import", "azure", "--vnets", vnets, "--start", start) == (
        2,
        "",
        f"Error: --start: '{start}' {problem}\n",
    )
    assert not (tmp_path / "r").exists()


# ----- class 4: the sweep's arithmetic is exact --------------------------------------------


@pytest.mark.parametrize(
    "surge", ["2147483647%", "4294967296%", "2147483648", "999999999999999999"]
)
def test_sweep_agrees_with_compare_at_huge_surges(tmp_path: Path, surge: str) -> None:
    out = tmp_path / "s.csv"
    code, _, err = run(
        "sweep",
        "--nodes",
        "500",
        "--max-pods",
        "30",
        "--network",
        "kubenet",
        "--max-surge",
        surge,
        "--out",
        str(out),
    )
    assert code == 0, err
    row = next(csv.DictReader(io.StringIO(out.read_text())))
    assert (row["surge_nodes"], row["peak_nodes"]) == ("500", "1000")
    code, text, _ = run(  # a peak of at most 1,000: compare refuses what a scenario refuses
        "compare",
        "--nodes",
        "500",
        "--network",
        "kubenet",
        "--max-surge",
        surge,
        "--format",
        "csv",
    )
    compared = next(csv.DictReader(io.StringIO(text)))
    assert (compared["surge_nodes"], compared["peak_nodes"]) == ("500", "1000")


def test_a_surge_of_5000_digits_is_one_line() -> None:
    code, _, err = run("compare", "--nodes", "5", "--max-surge", "9" * 5000)
    assert code == 2
    assert err == (
        "Error: --max-surge: '9999999999999999999999999999999999999'... has 5,000 digits, above "
        "18: a surge above the pool's node count adds the node count, so use 100% or a count "
        "such as 1000\n"
    )


# ----- class 5: bounded work ----------------------------------------------------------------


def test_a_huge_range_is_refused_before_any_list_is_built() -> None:
    assert run("sweep", "--nodes", "1:199999999") == (
        2,
        "",
        "Error: --nodes: 199999999 is outside 0..1,000,000: use values in that range\n",
    )


def test_a_sweep_whose_csv_could_pass_the_bound_says_how_to_lift_it(tmp_path: Path) -> None:
    out = tmp_path / "s.csv"
    code, _, err = run(
        "sweep",
        "--nodes",
        "1:1000000",
        "--max-pods",
        "10:48",
        "--network",
        "all",
        "--out",
        str(out),
    )
    assert (code, err) == (
        2,
        "Error: --out: the sweep's 195,000,000 rows could take up to 24,362 MiB of CSV, above "
        "--max-csv-mb 1,024; use larger steps or fewer values, or raise --max-csv-mb to "
        "24,362\n",
    )
    assert list(tmp_path.iterdir()) == []


def test_the_csv_bound_is_an_upper_bound(tmp_path: Path) -> None:
    from ipplan.rules import Network, Surge
    from ipplan.sweep import SweepSpec, write_sweep

    spec = SweepSpec(
        tuple(range(1, 5001, 7)), (10, 30, 250), (Surge(1), Surge(2**40, True)), tuple(Network), 24
    )
    write_sweep(spec, tmp_path / "s.csv")
    assert (tmp_path / "s.csv").stat().st_size <= spec.csv_bytes


# ----- class 6: output paths ----------------------------------------------------------------


@pytest.mark.parametrize("out", [".", "", ".."])
def test_plan_out_naming_no_folder_of_its_own_is_refused(out: str) -> None:
    code, _, err = run("plan", str(EXAMPLE), "--out", out)
    assert code == 2
    assert err.endswith(
        "names no report folder of its own, and a report replaces its folder; give --out a "
        "folder name such as reports/example\n"
    )


def test_plan_out_holding_the_current_folder_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "inside").mkdir()
    monkeypatch.chdir(tmp_path / "inside")
    assert run("plan", str(EXAMPLE), "--out", str(tmp_path))[0] == 2


def test_a_symlinked_report_folder_is_followed_and_stays_a_link(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    link = tmp_path / "link"
    link.symlink_to(tmp_path / "real")
    for _ in range(2):  # and again: the second run must not trip on anything the first left
        assert run("plan", str(EXAMPLE), "--out", str(link))[0] == 0
    assert link.is_symlink() and (tmp_path / "real" / "summary.md").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link", "real"]


SWEEP = ("sweep", "--nodes", "10", "--max-pods", "30")


def test_sweep_out_not_a_csv_is_refused_and_left_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # short names: a message cuts a path to 60 characters
    Path("x.yaml").write_bytes(EXAMPLE.read_bytes())
    Path("link.csv").symlink_to("x.yaml")
    before = _files(tmp_path)
    assert run(*SWEEP, "--out", "x.yaml") == (
        2,
        "",
        "Error: --out: 'x.yaml' does not end in .csv: the sweep writes its CSV there and its "
        "heatmap beside it as .png; give a name ending in .csv such as sweep.csv\n",
    )
    assert run(*SWEEP, "--out", "link.csv") == (
        2,
        "",
        "Error: --out: 'link.csv' links to 'x.yaml', not a .csv file: the sweep writes its CSV "
        "there and its heatmap beside it as .png; give a name ending in .csv such as "
        "sweep.csv\n",
    )
    assert _files(tmp_path) == before and Path("link.csv").is_symlink()


def test_sweep_out_a_link_to_a_csv_writes_through_it_as_plan_does(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    link = tmp_path / "s.csv"
    link.symlink_to(tmp_path / "real" / "grid.csv")
    for _ in range(2):  # a new file, then the earlier sweep: the link stays a link
        code, out, _ = run(*SWEEP, "--out", str(link))
        assert (code, out.split(" in ")[0].split(" and ")[0]) == (0, f"wrote 5 rows to {link}")
        assert out.endswith(f"and the heatmap to {tmp_path / 'real' / 'grid.png'}\n")
    assert link.is_symlink() and sorted(p.name for p in tmp_path.iterdir()) == ["real", "s.csv"]
    assert sorted(p.name for p in (tmp_path / "real").iterdir()) == ["grid.csv", "grid.png"]


def test_import_azure_refuses_to_write_over_its_own_input(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("v.json").write_bytes((ROOT / "tests/data/azure/arm-vnet-get.json").read_bytes())
    Path("link.json").symlink_to("v.json")
    before = _files(tmp_path)
    Path("sub").mkdir()
    for given, output in (
        ("v.json", "v.json"),
        ("link.json", "v.json"),
        ("v.json", "link.json"),
        ("v.json", "sub/../v.json"),
    ):
        assert run("import", "azure", "--vnets", given, "-o", output) == (
            2,
            "",
            f"Error: -o: {output!r} is also an input (--vnets {given!r}), and the scenario "
            "would replace it; give the scenario its own name such as scenario.yaml\n",
        )
    Path("sub").rmdir()
    assert _files(tmp_path) == before


@pytest.mark.parametrize("device", ["/dev/null", "/dev/full"])
def test_a_device_is_never_replaced(device: str) -> None:
    before = os.stat(device)
    for args in (
        ["plan", str(EXAMPLE), "--out", device],
        ["sweep", "--nodes", "10", "--max-pods", "30", "--out", device],
        [
            "import",
            "azure",
            "--vnets",
            str(ROOT / "tests/data/azure/arm-vnet-get.json"),
            "-o",
            device,
        ],
    ):
        code, _, err = run(*args)
        assert code == 2 and err.count("\n") == 1, err
    after = os.stat(device)
    assert (after.st_ino, after.st_rdev) == (before.st_ino, before.st_rdev)


def test_a_full_disk_during_the_heatmap_leaves_the_earlier_pair(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "s.csv"
    assert run("sweep", "--nodes", "10:50:10", "--max-pods", "30", "--out", str(out))[0] == 0
    before = _files(tmp_path)
    import ipplan.report.chart as chart

    def full(figure: object) -> bytes:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(chart, "png", full)
    code, _, err = run("sweep", "--nodes", "10:90:10", "--max-pods", "30", "--out", str(out))
    assert (code, err) == (2, f"Error: --out: cannot write {out}: No space left on device\n")
    assert _files(tmp_path) == before


def test_a_full_disk_during_the_csv_leaves_the_earlier_pair(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "s.csv"
    assert run("sweep", "--nodes", "10:50:10", "--max-pods", "30", "--out", str(out))[0] == 0
    before = _files(tmp_path)
    import ipplan.sweep as sweep

    real = sweep.format_csv

    def full(*args: object) -> bytes:
        real(*args)  # type: ignore[arg-type]
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(sweep, "format_csv", full)
    code, _, err = run("sweep", "--nodes", "10:90:10", "--max-pods", "30", "--out", str(out))
    assert (code, err) == (2, f"Error: --out: cannot write {out}: No space left on device\n")
    assert _files(tmp_path) == before


def _without_dac_override() -> list[str] | None:
    """The prefix that runs a command as a user whom file modes bind (root drops
    CAP_DAC_OVERRIDE), or None when this machine cannot."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        return None
    prefix = [setpriv, "--bounding-set", "-dac_override,-dac_read_search", "--"]
    probe = subprocess.run([*prefix, "true"], capture_output=True, check=False)
    return prefix if probe.returncode == 0 else None


def test_a_read_only_earlier_report_is_refused_and_left_as_it_was(tmp_path: Path) -> None:
    prefix = _without_dac_override()
    if prefix is None:
        pytest.skip("cannot run without CAP_DAC_OVERRIDE here")
    folder = tmp_path / "P"
    write_report(build_plan(load_scenario(EXAMPLE)), folder, [write_csv])
    earlier = _files(folder)
    folder.chmod(0o555)
    try:
        for _ in range(2):  # each run left another full hidden copy, .P.<pid>.old, and exit 0
            process = subprocess.run(
                [
                    *prefix,
                    sys.executable,
                    "-m",
                    "ipplan",
                    "plan",
                    str(EXAMPLE),
                    "--out",
                    str(folder),
                ],
                capture_output=True,
                text=True,
                check=False,
            )
            assert (process.returncode, process.stderr) == (
                2,
                f"Error: {folder}: the earlier report's folder is read-only, and the report "
                f"replaces it (its files must be removed); make it writable (chmod u+w "
                f"{folder}) or give --out a new folder\n",
            )
        assert _files(folder) == earlier
        assert [p.name for p in tmp_path.iterdir()] == ["P"]
    finally:
        folder.chmod(0o755)


def test_a_killed_run_is_repaired_by_the_next(tmp_path: Path) -> None:
    plan = build_plan(load_scenario(EXAMPLE))
    folder = tmp_path / "example"
    write_report(plan, folder, [write_csv])
    earlier = _files(folder)
    dead = _dead_pid()
    # a kill between the two renames: the earlier report is .example.<pid>.old, no example/
    folder.rename(tmp_path / f".example.{dead}.old")
    (tmp_path / f".example.{dead}.new").mkdir()
    (tmp_path / f".example.{dead}.new" / "subnets.csv").write_text("half")
    # a kill while writing, by another run
    other = _dead_pid()
    (tmp_path / f".example.{other}.new").mkdir()

    def broken(plan: object, out: Path) -> list[Path]:
        raise OSError(28, "No space left on device")

    with pytest.raises(OutputError):
        write_report(plan, folder, [broken])
    assert _files(folder) == earlier  # the earlier report is back where it was
    assert sorted(p.name for p in tmp_path.iterdir()) == ["example"]


def test_a_report_folder_follows_the_umask(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        write_report(build_plan(load_scenario(EXAMPLE)), tmp_path / "r", [write_csv])
    finally:
        os.umask(old)
    assert (tmp_path / "r").stat().st_mode & 0o777 == 0o755
    assert (tmp_path / "r" / "subnets.csv").stat().st_mode & 0o777 == 0o644


def test_a_stale_sweep_temp_is_removed(tmp_path: Path) -> None:
    stale = tmp_path / f".s.csv.{_dead_pid()}.tmp"
    stale.write_text("half a sweep")
    assert (
        run("sweep", "--nodes", "10", "--max-pods", "30", "--out", str(tmp_path / "s.csv"))[0] == 0
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.csv", "s.png"]


# ----- class 7: one line --------------------------------------------------------------------


def test_one_line_escapes_what_would_break_the_line_or_drive_the_terminal() -> None:
    assert one_line("a\nb\x1b[2J\u2028\u202e\ud800") == "a\\nb\\x1b[2J\\u2028\\u202e\\ud800"
    assert len(one_line("x" * 100_000)) == 1000


def test_a_100000_character_name_is_a_short_line(tmp_path: Path) -> None:
    path = tmp_path / "long.yaml"
    path.write_text(EXAMPLE.read_text().replace("vnet: spoke", "vnet: " + "x" * 100_000))
    code, _, err = run("validate", str(path))
    assert (code, err) == (
        2,
        f"Error: {path}: clusters[0].vnet: '{'x' * 56}... is longer than 128 characters; "
        "shorten it\n",
    )


@pytest.mark.parametrize("name", ["\x1b]0;pwned\x07hub", "hub\u2028x", "hub\nx", "hub\x1b[2J"])
def test_import_azure_escapes_names_on_screen_and_in_the_yaml(tmp_path: Path, name: str) -> None:
    vnet = (
        '{"name": NAME, "addressSpace": {"addressPrefixes": ["10.0.0.0/16"]}, "subnets": '
        '[{"name": "default", "addressPrefix": "10.0.0.0/24"}, {"name": NAME, '
        '"addressPrefix": "10.0.1.0/24", "delegations": [{"serviceName": NAME}]}]}'
    )
    source = tmp_path / "v.json"
    source.write_text(vnet.replace("NAME", repr(name).replace("'", '"').replace("\\x", "\\u00")))
    out = tmp_path / "s.yaml"
    code, stdout, stderr = run("import", "azure", "--vnets", str(source), "-o", str(out))
    assert code == 0, stderr
    for line in (stdout + stderr).splitlines():
        assert line.isprintable(), line
    for line in out.read_text().splitlines():
        assert line.isprintable(), line
    assert run("validate", str(out))[0] == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["check", str(EXAMPLE), "--min-runway-months", "99999999999"],
            "Error: --min-runway-months: '99999999999' is invalid: input should be less than or "
            "equal to 1200; see 'ipplan check --help'\n",
        ),
        (
            ["compare", "--nodes", "9" * 5000],
            "Error: --nodes: '9999999999999999999999999999999999999'... is invalid: unable to "
            "parse input string as an integer, exceeded maximum size; see 'ipplan compare "
            "--help'\n",
        ),
        (
            ["compare", "--nodes", "1\n2"],
            "Error: --nodes: '1\\n2' is invalid: input should be a valid integer, unable to parse "
            "string as an integer; see 'ipplan compare --help'\n",
        ),
        (
            ["compare", "--nodez", "3"],
            "Error: No such option: --nodez (Possible options: --max-nodes, --nodes); see "
            "'ipplan compare --help'\n",
        ),
        (["nope"], "Error: No such command 'nope'; see 'ipplan --help'\n"),
        (  # compare bounds its counts through the scenario checks (rule A23)
            ["compare", "--nodes", "9" * 4000],
            "Error: --nodes: 999999999999999999999999999999999999999999999999999999999... is above "
            "AKS's limit of 1,000 nodes per pool\n",
        ),
    ],
    ids=["range", "digits", "newline", "unknown-option", "unknown-command", "scenario-bound"],
)
def test_option_errors_are_one_line_quoting_the_value(args: list[str], message: str) -> None:
    assert run(*args) == (2, "", message)


@pytest.mark.parametrize(
    ("number", "fix"), [("1e308", "3"), ("-1e300", "3"), ("2.5", "2"), ("1e15", "1000000000000000")]
)
def test_a_huge_json_number_suggests_a_sane_whole_one(
    tmp_path: Path, number: str, fix: str
) -> None:
    # 1e308 suggested 1000000000000000010979... (309 digits): past 2^53 a float is no exact count
    path = tmp_path / "n.json"
    pool = f'{{"name": "p", "subnet": "s", "nodes": {number}}}'
    path.write_text(
        '{"name": "t", "vnets": [{"name": "v", "address_space": ["10.0.0.0/16"], "subnets": '
        '[{"name": "s", "cidr": "10.0.0.0/24"}]}], "clusters": [{"name": "a", "vnet": "v", '
        f'"network": "azure-cni-overlay", "node_pools": [{pool}]}}]}}'
    )
    shown = repr(float(number))
    assert run("validate", str(path)) == (
        2,
        "",
        f"Error: {path}: clusters[0].node_pools[0].nodes: {shown} is not a whole number; give "
        f"a whole number such as {fix}\n",
    )


@pytest.mark.parametrize("month", ["2027-13", "202701"])
def test_explain_month_not_a_month_is_said_so(month: str) -> None:
    # it said "is outside the planning horizon", as for a real month past the horizon
    assert run("explain", str(EXAMPLE), "--month", month) == (
        2,
        "",
        f"Error: --month: '{month}' is not a month; write YYYY-MM, such as 2027-01\n",
    )


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_says_a_usage_error_in_one_line(command: str) -> None:
    # diff, explain and export terraform printed click's three lines (usage, "Try ...", the
    # error) where every other command printed one
    assert run(*command.split(), "--qqqq") == (
        2,
        "",
        f"Error: No such option: --qqqq; see 'ipplan {command} --help'\n",
    )
