"""ipplan's command line: a thin typer shell over the library.

Exit status: 0 ok; 1 a crash (a bug) or, for ``check``, a plan that falls short; 2 a problem
the user can fix (one line on stderr); 130 interrupted.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from ipplan import __version__
from ipplan.errors import IpplanError

app = typer.Typer(
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    no_args_is_help=True,
    add_completion=False,
    help="Plan AKS subnet and IP capacity; write CSV/PNG reports.",
)


@contextmanager
def user_errors() -> Iterator[None]:
    """Show an IpplanError as one line on stderr and exit with status 2."""
    try:
        yield
    except IpplanError as err:
        typer.echo(f"Error: {err}", err=True)
        raise typer.Exit(code=2) from None


def _version(value: bool) -> None:
    if value:
        typer.echo(f"ipplan {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """Plan AKS subnet and IP capacity; write CSV/PNG reports."""


@app.command()
@user_errors()
def validate(
    file: Annotated[Path, typer.Argument(help="Scenario file (YAML, or JSON ending in .json).")],
) -> None:
    """Check scenario FILE; print ok and its warnings, or its first problem."""
    from ipplan.scenario import load_scenario

    scenario = load_scenario(file)
    pools = sum(len(cluster.node_pools) for cluster in scenario.clusters)
    typer.echo(
        f"ok: {scenario.name} ({_count(len(scenario.vnets), 'vnet')}, "
        f"{_count(len(scenario.clusters), 'cluster')}, {_count(pools, 'node pool')})"
    )
    for warning in scenario.warnings:
        typer.echo(f"warning: {warning}")


@app.command()
def schema() -> None:
    """Print the JSON Schema of scenario files, for editors."""
    from ipplan.scenario import scenario_schema

    typer.echo(json.dumps(scenario_schema(), indent=2, sort_keys=True))


def _count(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
