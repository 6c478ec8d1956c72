"""``ipplan explain``: where each number of a plan comes from (renders ipplan.core.explain)."""

from dataclasses import asdict
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from ipplan.cli import _Command, _quote, app, user_errors
from ipplan.core.keys import SubnetKey
from ipplan.errors import ScenarioError
from ipplan.rules import Network

if TYPE_CHECKING:
    from ipplan.core.explain import Explanation

__all__ = ["ExplainFormat", "explain", "render_markdown", "render_text"]


class ExplainFormat(StrEnum):
    """How ``explain`` prints."""

    TEXT = "text"
    JSON = "json"
    MD = "md"


def _head(e: "Explanation") -> str:
    return f"{e.subject} under {e.model}, node counts of {e.month}"


def render_text(e: "Explanation") -> str:
    """One line per number (``what = result``), then its formula, rule and inputs, indented."""
    from ipplan.core.explain import show

    lines = [_head(e)]
    for section in e.sections:
        lines += ["", f"{section.title}:"]
        for step in section.steps:
            lines.append(f"  {step.what} = {step.shown}")
            lines.append(f"      formula: {step.formula}")
            if step.inputs:
                values = "; ".join(f"{i.name} = {show(i.value)}" for i in step.inputs)
                lines.append(f"      inputs: {values}")
            lines.append(f"      rule {step.rule}: {step.link}")
    return "\n".join(lines)


def render_markdown(e: "Explanation", rules_href: str = "docs/rules.md") -> str:
    """The same as Markdown: a heading per section, a table row per number."""
    from ipplan.core.explain import show

    lines = [f"## {_head(e)}"]
    for section in e.sections:
        lines += ["", f"### {section.title}", ""]
        lines.append("| number | result | formula | inputs | rule |")
        lines.append("|---|--:|---|---|---|")
        for step in section.steps:
            values = "; ".join(f"{i.name} = {show(i.value)}" for i in step.inputs)
            anchor = f"{rules_href}#{step.rule.lower()}"
            cells = [
                step.what,
                step.shown,
                step.formula,
                values,
                f"[{step.rule}]({anchor})",
            ]
            lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines)


def _subnet_key(value: str | None) -> SubnetKey | None:
    if value is None:
        return None
    vnet, slash, name = value.partition("/")
    if not slash or not vnet or not name:
        raise ScenarioError(f"--subnet: {value!r} is not VNET/NAME, e.g. spoke/aks-nodes")
    return SubnetKey(vnet, name)


def _model(value: str | None) -> Network | None:
    if value is None:
        return None
    try:
        return Network(value)
    except ValueError:
        raise ScenarioError(
            f"--network: {value!r} is not a network model: use one of {', '.join(Network)}"
        ) from None


@app.command(cls=_Command)
@user_errors()
def explain(
    scenario: Path = typer.Argument(..., help="The scenario file (YAML or JSON)."),
    cluster: str | None = typer.Option(None, help="One cluster; default every cluster."),
    subnet: str | None = typer.Option(None, help="One subnet instead, as VNET/NAME."),
    model: str | None = typer.Option(
        None,
        "--network",
        "--model",
        help="Explain under this network model (--network, as compare and sweep name it; "
        "--model is the same); default each cluster's own.",
    ),
    month: str | None = typer.Option(
        None, help="YYYY-MM in the planning horizon: node counts grown to that month."
    ),
    output: ExplainFormat = typer.Option(
        ExplainFormat.TEXT, "--format", help="text, json or md (Markdown)."
    ),
) -> None:
    """Explain where each number of a plan comes from.

    For SCENARIO's cluster (--cluster) or subnet (--subnet): every number with its formula,
    the values put in, the rule (docs/rules.md#aN) and the result: the pools' peak nodes, a
    subnet's peak IPs pool by pool, its smallest prefix, room to grow and the limit that binds,
    and when each resource runs out.
    """
    from ipplan.core.explain import explain as explain_plan
    from ipplan.core.plan import build_plan
    from ipplan.scenario import load_scenario
    from ipplan.scenario.bounds import month_problem

    if cluster is not None and subnet is not None:
        raise ScenarioError("--cluster and --subnet: give one of them, not both")
    if month is not None and (problem := month_problem(month)):  # before the horizon's check
        raise ScenarioError(f"--month: {_quote(month)} {problem}")
    result = build_plan(load_scenario(scenario))
    found = explain_plan(result, cluster, _subnet_key(subnet), _model(model), month)
    if output is ExplainFormat.JSON:
        import json

        typer.echo(json.dumps([asdict(e) for e in found], indent=2, ensure_ascii=False))
    elif output is ExplainFormat.MD:
        typer.echo("\n\n".join(render_markdown(e) for e in found))
    else:
        typer.echo("\n\n".join(render_text(e) for e in found))
