"""``ipplan diff OLD NEW``: what a change to a scenario does, and its regressions (rule A27).

Registered on the app by ``ipplan.cli``; the comparison is pure (``ipplan.core.diff``).
"""

import csv
import io
from dataclasses import asdict
from pathlib import Path

import typer

from ipplan.cli import (
    ExitCode,
    Format,
    _Command,
    app,
    min_runway_option,
    runway_horizon,
    user_errors,
)

__all__ = ["diff"]


def _cell(value: object, field: str = "") -> str:
    if value is None:
        return {"runway_months": "beyond horizon", "first_to_run_out": "nothing"}.get(field, "-")
    if isinstance(value, bool):
        return "yes" if value else "NO"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _left_table(rows: list[dict[str, str]]) -> str:
    """Rows as a text table, every column left-aligned (the cells are words, not numbers)."""
    keys = list(rows[0])
    cells = [keys] + [[r[k] for k in keys] for r in rows]
    widths = [max(len(line[i]) for line in cells) for i in range(len(keys))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)) for line in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(line.rstrip() for line in lines)


@app.command(cls=_Command)
@user_errors()
def diff(
    old: Path = typer.Argument(..., help="The scenario before the change (YAML or JSON)."),
    new: Path = typer.Argument(..., help="The scenario after the change."),
    output: Format = typer.Option(Format.TABLE, "--format", help="table, csv or json."),
    fail_on_regression: bool = typer.Option(
        False, "--fail-on-regression", help="Exit 1 when NEW regresses on OLD (rule A27)."
    ),
    min_runway_months: int = min_runway_option("A runway shorter than this is a regression"),
) -> None:
    """Show what a scenario change does: OLD against NEW.

    CIDRs (new, moved, removed), IPs required now and at peak, room to grow, the first resource
    to run out and its runway, feasibility, and new problems and warnings. A regression (rule
    A27): a resource of the clusters' own models whose runway in NEW is below
    --min-runway-months and shorter than in OLD, a cluster feasible in OLD and not in NEW, or an
    existing subnet whose CIDR changes. With --fail-on-regression, exit 1 when there is one.
    """
    from ipplan.core.diff import CHANGE_COLUMNS
    from ipplan.core.diff import diff as compare_plans
    from ipplan.core.plan import build_plan
    from ipplan.scenario import load_scenario

    before, after = build_plan(load_scenario(old)), build_plan(load_scenario(new))
    # the forecasts run over the longest horizon, the runway's included: each month evaluates
    # every cluster under every model, so the runway is bounded as check bounds it, and so is
    # the growth over it
    for plan in (before, after):
        runway_horizon(plan, min_runway_months)
    result = compare_plans(before, after, min_runway_months)
    rows = [asdict(c) for c in result.changes]
    if output is Format.JSON:
        import json

        payload = {
            "changes": rows,
            "regressions": list(result.regressions),
            "notes": list(result.notes),
            "min_runway_months": min_runway_months,
        }
        typer.echo(json.dumps(payload, indent=2))
    elif output is Format.CSV:
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=list(CHANGE_COLUMNS), lineterminator="\n")
        writer.writeheader()
        writer.writerows({k: "" if v is None else v for k, v in r.items()} for r in rows)
        typer.echo(buffer.getvalue(), nl=False)
    elif not rows:
        typer.echo(f"no change from {old} to {new}")
    else:
        shown = [
            {
                "scope": r["scope"],
                "subject": r["subject"] or "-",
                "model": r["model"] or "-",
                "field": r["field"],
                "old": _cell(r["old"], r["field"]),
                "new": _cell(r["new"], r["field"]),
                "change": r["change"] + (" (regression)" if r["regression"] else ""),
            }
            for r in rows
        ]
        typer.echo(_left_table(shown))
    if output is Format.TABLE:
        for line in result.notes:
            typer.echo(f"note: {line}")
        for line in result.regressions:
            typer.echo(f"REGRESSION: {line}")
        if rows and not result.regressions:
            typer.echo(
                f"no regression (rule A27): no runway below {min_runway_months} months got "
                "shorter, nothing became infeasible, no existing subnet moves"
            )
    if fail_on_regression and result.regressions:
        raise typer.Exit(code=ExitCode.FALLS_SHORT)
