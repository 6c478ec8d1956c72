"""The review pack: golden CSVs for every example scenario, determinism, atomic writes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ipplan.cli import app
from ipplan.plan import Plan, build_plan
from ipplan.report import TABLES, write_csv, write_report
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

    with pytest.raises(OSError, match="disk full"):
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
