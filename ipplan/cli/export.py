"""``ipplan export terraform``: the plan handed over as Terraform (rule A27).

Registered on the app by ``ipplan.cli``; the builder is pure (``ipplan.export``), and the files
are written by the report layer's atomic writer, so a failed run writes nothing.
"""

from pathlib import Path

import typer

from ipplan.cli import _Command, _Group, app, user_errors

__all__ = ["export_terraform"]

export_app = typer.Typer(
    cls=_Group,
    rich_markup_mode=None,
    no_args_is_help=True,
    help="Hand the plan over to other tools (Terraform).",
)
app.add_typer(export_app, name="export")


@export_app.command("terraform", cls=_Command)
@user_errors()
def export_terraform(
    scenario: Path = typer.Argument(..., help="The scenario file (YAML or JSON)."),
    out: Path = typer.Option(..., "--out", help="The folder to write the Terraform files to."),
    everything: bool = typer.Option(
        False,
        "--all",
        help="Also the existing subnets, and the VNets as resources (a greenfield estate).",
    ),
) -> None:
    """Write SCENARIO's subnets as Terraform for the azurerm provider.

    An azurerm_subnet per subnet ipplan allocated or sized (with --all, every subnet and the
    VNets), a map from each cluster's node pools to their subnet IDs, the pod CIDR, service CIDR
    and DNS service IP as outputs, and ipplan.auto.tfvars.json with the same map by subnet name.
    The same scenario gives the same bytes; a failed run writes nothing.
    """
    from ipplan.core.plan import build_plan
    from ipplan.export import TERRAFORM_FILES, terraform_files
    from ipplan.report.pack import write_report
    from ipplan.scenario import load_scenario

    plan = build_plan(load_scenario(scenario))
    files = terraform_files(plan, everything=everything)

    def write(_: object, folder: Path) -> list[Path]:
        paths = []
        for name, text in files.items():
            path = folder / name
            path.write_text(text, encoding="utf-8", newline="\n")
            paths.append(path)
        return paths

    written = write_report(plan, out, [write], known=TERRAFORM_FILES)
    resources = files["network.tf"].count('resource "azurerm_subnet"')
    typer.echo(
        f"wrote {len(written)} files to {out}/: {resources} azurerm_subnet resource"
        f"{'' if resources == 1 else 's'}"
    )
    typer.echo("  " + "  ".join(p.name for p in written))
