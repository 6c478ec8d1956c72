"""ipplan's command line: a thin typer shell over the library.

Exit status: 0 ok; 1 a crash (a bug) or, for ``check``, a plan that falls short; 2 a problem
the user can fix (one line on stderr); 130 interrupted.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

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
