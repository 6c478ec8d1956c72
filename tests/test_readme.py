"""The README's commands are true: the quick start, the library snippet, CI's test command."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _console_commands() -> list[str]:
    return re.findall(r"^\$ (.+?)(?:\s+#.*)?$", README, flags=re.MULTILINE)


def test_quick_start_is_make_report_then_make_test() -> None:
    quick = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"^\$ (\S+ \S+)", quick, flags=re.MULTILINE)
    assert commands[:2] == ["make report", "make test"]


def test_ci_runs_exactly_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    steps = [line for line in ci.splitlines() if line and not line.startswith(("#", "set ", "cd "))]
    assert steps == ["make test"]


def test_make_test_runs_the_whole_gate() -> None:
    dry = subprocess.run(
        ["make", "-n", "test"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    for tool in ("ruff check .", "ruff format --check .", "mypy", "pytest"):
        assert tool in dry


def test_make_report_plans_the_example_into_reports() -> None:
    if shutil.which("make") is None or not (ROOT / ".venv" / "bin" / "ipplan").exists():
        # the gate runs inside .venv, which `make test` creates; outside it there is no .venv
        import pytest

        pytest.skip("make report needs the project's .venv")
    done = subprocess.run(["make", "report"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "wrote" in done.stdout and "reports/example/" in done.stdout
    for name in ("subnets.csv", "node_pools.csv", "clusters.csv", "comparison.csv"):
        assert (ROOT / "reports" / "example" / name).is_file()


def test_library_snippet_runs() -> None:
    snippet = README.split("## As a library", 1)[1].split("```python\n", 1)[1].split("```", 1)[0]
    done = subprocess.run(
        [sys.executable, "-c", snippet], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.splitlines()[0].startswith("gateway 10.20.0.0/27 9 27")


def test_every_ipplan_command_in_the_readme_exits_cleanly() -> None:
    # The Azure section's commands read the user's az exports: tests/test_azure.py runs them on
    # sample exports and checks their output.
    azure = README.split("## Start from your Azure estate", 1)[1].split("\n## ", 1)[0]
    ipplan = [c for c in _console_commands() if c.startswith("ipplan ") and f"$ {c}" not in azure]
    assert "ipplan --help" in ipplan
    for command in ipplan:
        args = command.split()[1:]
        done = subprocess.run(
            [sys.executable, "-m", "ipplan", *args], cwd=ROOT, capture_output=True, text=True
        )
        assert done.returncode == 0, f"{command}: {done.stderr}"
