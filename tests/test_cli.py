"""The command line as a whole: help for every command, exit codes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from ipplan.cli import ExitCode, app

COMMANDS = [
    "compare",
    "plan",
    "validate",
    "schema",
    "check",
    "sweep",
    "diff",
    "explain",
    "export",
    "export terraform",
    "import",
    "import azure",
]


def test_main_help_lists_every_command_on_one_full_line() -> None:
    result = CliRunner().invoke(app, ["--help"], prog_name="ipplan")
    assert result.exit_code == 0
    listed = result.stdout.split("Commands:\n", 1)[1].splitlines()
    assert [line.split()[0] for line in listed if line.strip()] == [
        "compare",
        "plan",
        "validate",
        "schema",
        "check",
        "sweep",
        "diff",
        "explain",
        "import",
        "export",
    ]
    assert not any(line.endswith("...") for line in listed)  # typer cuts long first lines


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_that_explains_its_options(command: str) -> None:
    result = CliRunner().invoke(app, [*command.split(), "--help"], prog_name="ipplan")
    assert result.exit_code == 0
    assert result.stdout.startswith(f"Usage: ipplan {command}")
    assert "Options:" in result.stdout


def _commands(group: Any, prefix: str = "") -> dict[str, Any]:
    found = {}
    for name, command in getattr(group, "commands", {}).items():
        found[f"{prefix}{name}"] = command
        found.update(_commands(command, f"{prefix}{name} "))
    return found


def test_every_command_and_option_has_help_text() -> None:
    commands = _commands(get_command(app))
    assert sorted(commands) == sorted(COMMANDS)
    for name, command in commands.items():
        assert command.help, name
        for param in command.params:
            if param.param_type_name == "option":
                assert param.help, f"{name} {param.opts[0]}"


def test_no_arguments_shows_help_and_exits_2() -> None:
    result = CliRunner().invoke(app, [], prog_name="ipplan")
    assert result.exit_code == 2
    assert "Usage: ipplan" in result.output


def test_exit_codes_are_the_documented_ones() -> None:
    assert {code.name: int(code) for code in ExitCode} == {
        "OK": 0,
        "FALLS_SHORT": 1,
        "USER_ERROR": 2,
        "INTERRUPTED": 130,
    }
    result = CliRunner().invoke(app, ["validate", "no-such-file.yaml"])
    assert result.exit_code == ExitCode.USER_ERROR


def test_ctrl_c_exits_130(monkeypatch: pytest.MonkeyPatch) -> None:
    import ipplan.cli

    def interrupted(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(ipplan.cli, "check_compare_options", interrupted)
    result = CliRunner().invoke(app, ["compare", "--nodes", "3"])
    assert result.exit_code == ExitCode.INTERRUPTED


#: the ``ipplan`` program run as the console script runs it, on ``--version``
_RUN_MAIN = (
    "from ipplan.__main__ import main\n"
    "sys.argv = ['ipplan', '--version']\n"
    "try:\n"
    "    main()\n"
    "except SystemExit:\n"
    "    pass\n"
)


def _python(code: str, env: dict[str, str] | None = None) -> list[str]:
    """The lines *code* prints in a fresh interpreter (which must end cleanly)."""
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=Path(__file__).resolve().parents[1],
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )
    assert (done.returncode, done.stderr) == (0, "")
    return done.stdout.splitlines()


def test_only_the_program_touches_the_garbage_collector() -> None:
    """``ipplan.__main__:main`` (the console script) freezes start-up's objects (issue 11);
    importing ipplan.cli, as tests and library users do, leaves the collector as it was."""
    lines = _python(
        "import gc, sys\n"
        "import ipplan.cli\n"
        "print(gc.isenabled(), gc.get_freeze_count())\n"
        + _RUN_MAIN
        + "print(gc.isenabled(), gc.get_freeze_count() > 0)\n"
    )
    assert (lines[0], lines[-1]) == ("True 0", "True True")


@pytest.mark.parametrize(
    ("given", "expected"), [(None, "None __all__"), ("logfire", "logfire logfire")], ids=str
)
def test_only_the_program_turns_pydantic_plugins_off(given: str | None, expected: str) -> None:
    """``ipplan.__main__:main`` skips pydantic's plugin scan (issue 11) unless the environment
    says otherwise; importing ipplan.cli leaves the environment as it was."""
    env = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"}
    if given is not None:
        env["PYDANTIC_DISABLE_PLUGINS"] = given
    lines = _python(
        "import os, sys\n"
        "import ipplan.cli\n"
        "before = os.environ.get('PYDANTIC_DISABLE_PLUGINS')\n"
        + _RUN_MAIN
        + "print(before, os.environ.get('PYDANTIC_DISABLE_PLUGINS'))\n",
        env,
    )
    assert lines[-1] == expected
