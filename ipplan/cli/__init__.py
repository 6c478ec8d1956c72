"""ipplan's command line: a thin typer shell over the library.

Exit status (:class:`ExitCode`): 0 ok; 1 a crash (a bug) or, for ``check``, a plan that falls
short; 2 a problem the user can fix (one line on stderr); 130 interrupted.
"""

import csv
import io
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict
from enum import IntEnum, StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from netaddr import IPNetwork

# typer vendors click (0.26+) and exports neither the usage error class nor the command classes
# it raises them from; these are what make a rejected option one line
from typer._click.core import Context
from typer._click.exceptions import BadParameter, ClickException, MissingParameter, UsageError
from typer.core import TyperCommand, TyperGroup

from ipplan import __version__
from ipplan.cli.compare_options import CompareOptions, check_compare_options, compare_words
from ipplan.core.capacity import Cluster, NodePool, Subnet, comparison, evaluate, room_text
from ipplan.core.cidr import parse_network
from ipplan.core.keys import SubnetKey
from ipplan.errors import FieldPath, IpplanError, ScenarioError, one_line
from ipplan.rules import (
    DEFAULT_SERVICE_CIDR,
    DEFAULT_SURGE,
    OS,
    Dataplane,
    Network,
    Priority,
    Severity,
    Upgrade,
    cite,
    parse_surge,
    plural,
    unused_setting_violations,
)
from ipplan.scenario.bounds import MAX_RUNWAY_MONTHS
from ipplan.scenario.networks import subnet_size_problem

if TYPE_CHECKING:
    from ipplan.core.capacity import ClusterDemand
    from ipplan.core.plan import Plan, SubnetPlan


def _usage_line(err: UsageError, command: str, args: Sequence[str]) -> ClickException:
    """A usage error as one ``Error:`` line (exit 2) that quotes the value given, instead of
    typer's usage screen of four lines."""
    message = one_line(err.format_message(), 300)
    if isinstance(err, BadParameter) and not isinstance(err, MissingParameter) and err.param:
        opts = [o for o in getattr(err.param, "opts", []) if o.startswith("-")]
        value = next(
            (
                args[i + 1] if arg in opts else arg.split("=", 1)[1]
                for i, arg in enumerate(args)
                if (arg in opts and i + 1 < len(args)) or arg.split("=", 1)[0] in opts
            ),
            None,
        )
        if opts and value is not None:
            shown = repr(value) if len(value) <= 40 else repr(value[:37]) + "..."
            reason = one_line(err.message, 200).rstrip(".")
            message = f"{opts[-1]}: {one_line(shown)} is invalid: {reason[:1].lower()}{reason[1:]}"
    # the program is ipplan however it was started (python -m ipplan, a test runner)
    command = " ".join(["ipplan", *command.split()[1:]])
    line = ClickException(f"{message.rstrip('.')}; see '{command} --help'")
    line.exit_code = 2
    return line


def _one_line_context(
    make: Callable[..., Context],
    info_name: str | None,
    args: list[str],
    parent: Context | None,
    **extra: Any,
) -> Context:
    """*make* (a command's or group's own make_context), its usage errors made one line."""
    given = list(args)
    try:
        return make(info_name, args, parent, **extra)
    except UsageError as err:
        name = f"{parent.command_path} {info_name}" if parent else str(info_name)
        raise _usage_line(err, name, given) from None


class _Command(TyperCommand):
    """A command whose usage errors are one line (see _usage_line)."""

    def make_context(
        self, info_name: str | None, args: list[str], parent: Context | None = None, **extra: Any
    ) -> Context:
        return _one_line_context(super().make_context, info_name, args, parent, **extra)


class _Group(TyperGroup):
    """A command group whose usage errors are one line (see _usage_line)."""

    def make_context(
        self, info_name: str | None, args: list[str], parent: Context | None = None, **extra: Any
    ) -> Context:
        return _one_line_context(super().make_context, info_name, args, parent, **extra)

    def resolve_command(self, ctx: Context, args: list[str]) -> tuple[str | None, Any, list[str]]:
        try:
            return super().resolve_command(ctx, args)
        except UsageError as err:
            raise _usage_line(err, ctx.command_path, args) from None


app = typer.Typer(
    cls=_Group,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    no_args_is_help=True,
    add_completion=False,
    help="Plan AKS subnet and IP capacity; write CSV/PNG reports.",
)


class ExitCode(IntEnum):
    """ipplan's exit statuses; a crash (a bug) exits 1 as Python does."""

    OK = 0
    FALLS_SHORT = 1  # ``check``: a resource runs out within the runway, or a plan is infeasible
    USER_ERROR = 2  # a problem the user can fix, said in one line on stderr
    INTERRUPTED = 130  # Ctrl-C: typer exits with it


@contextmanager
def user_errors() -> Iterator[None]:
    """Show an IpplanError as one line on stderr and exit with status 2.

    The line is escaped (no newline, control character or terminal escape from a file or an
    option gets through) and at most MAX_MESSAGE_CHARS long.
    """
    try:
        yield
    except IpplanError as err:
        typer.echo(f"Error: {one_line(str(err))}", err=True)
        raise typer.Exit(code=ExitCode.USER_ERROR) from None


def _version(value: bool) -> None:
    if value:
        typer.echo(f"ipplan {__version__}")
        raise typer.Exit(code=ExitCode.OK)


@app.callback()
def main(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """Plan AKS subnet and IP capacity; write CSV/PNG reports."""


class Format(StrEnum):
    """How quick commands print their rows."""

    TABLE = "table"
    CSV = "csv"
    JSON = "json"


def _networks(value: str) -> list[Network]:
    """``all`` or one model; parsed here so a typo is one line on stderr, not a usage screen."""
    if value.strip() == "all":
        return list(Network)
    try:
        return [Network(value.strip())]
    except ValueError:
        choices = ", ".join(["all", *Network])
        raise ScenarioError(
            f"--network: {value!r} is not a network model: use one of {choices}"
        ) from None


def _option_prefixlen(option: str, value: str | None, subnet: bool = True) -> int | None:
    """The prefix length of an IPv4 CIDR option; a subnet must be /2 to /29 (rule A17)."""
    if value is None:
        return None
    network = parse_network_option(option, value)
    if network.version != 4:
        raise ScenarioError(
            f"{option}: {value} is IPv6; compare sizes the IPv4 ranges "
            "(AKS has no IPv6-only clusters): give an IPv4 CIDR"
        )
    problem = subnet_size_problem(network) if subnet else None
    if problem:
        raise ScenarioError(f"{option}: {problem}")
    prefixlen: int = network.prefixlen
    return prefixlen


@app.command(cls=_Command)
@user_errors()
def compare(
    nodes: int = typer.Option(
        ..., min=0, help="Node count of the pool (AKS allows 1,000 per pool)."
    ),
    network: str = typer.Option(
        "all",
        help="all (side by side), or one of kubenet, azure-cni, azure-cni-overlay, "
        "azure-cni-pod-subnet, azure-cni-pod-subnet-static.",
    ),
    max_nodes: int | None = typer.Option(
        None, min=1, help="Autoscaler maximum; sizing uses it instead of --nodes."
    ),
    max_pods: int | None = typer.Option(
        None,
        help="Max pods per node; omit for each model's default (kubenet 110, "
        "azure-cni 30, overlay 250, pod subnet 110).",
    ),
    max_surge: str | None = typer.Option(
        None,
        help=f"Upgrade surge: a node count (1) or a percentage (33%); default {DEFAULT_SURGE}.",
        show_default=False,
    ),
    pods_in_use: int | None = typer.Option(
        None, min=0, help="Pods expected in use per node (dynamic pod subnet); default max pods."
    ),
    os: OS = typer.Option(OS.LINUX, help="Node OS."),
    dataplane: Dataplane = typer.Option(Dataplane.AZURE, help="Dataplane: azure or cilium."),
    subnet: str | None = typer.Option(
        None, help="The node subnet to test against, e.g. 10.240.0.0/21."
    ),
    pod_cidr: str | None = typer.Option(
        None, help="Pod CIDR for kubenet/overlay (default 10.244.0.0/16)."
    ),
    pod_subnet: str | None = typer.Option(None, help="Pod subnet for the pod-subnet models."),
    service_cidr: str | None = typer.Option(
        None, help=f"Service CIDR (default {DEFAULT_SERVICE_CIDR})."
    ),
    internal_lbs: int = typer.Option(
        0, min=0, help="Internal load balancer frontends placed in the node subnet."
    ),
    upgrade: Upgrade = typer.Option(
        Upgrade.ROLLING,
        help="rolling (surge per --max-surge), blue-green (2 x nodes at the peak) or in-place.",
    ),
    priority: Priority = typer.Option(
        Priority.REGULAR, help="regular, or spot (never surges; compared as a user pool)."
    ),
    output: Format = typer.Option(Format.TABLE, "--format", help="table, csv or json."),
) -> None:
    """Compare every network model for one node pool (quick what-if).

    Prints what each AKS network model needs for the pool: node and pod IPs, the smallest
    subnets, the nodes a given subnet holds, and the limit that binds first. It rejects
    what a scenario file would reject, naming the option, and warns on stderr of what it
    would warn of (an option it ignores, kubenet's retirement when kubenet is compared).
    """
    models = _networks(network)
    warnings = check_compare_options(
        CompareOptions(
            models=models,
            nodes=nodes,
            max_nodes=max_nodes,
            max_pods=max_pods,
            max_surge=max_surge,
            pods_in_use=pods_in_use,
            os=os,
            dataplane=dataplane,
            subnet=subnet,
            pod_cidr=pod_cidr,
            pod_subnet=pod_subnet,
            service_cidr=service_cidr,
            internal_lbs=internal_lbs,
            upgrade=upgrade,
            priority=priority,
        )
    )
    surge = DEFAULT_SURGE if max_surge is None else parse_surge(max_surge)
    service = parse_network_option("--service-cidr", service_cidr or DEFAULT_SERVICE_CIDR)
    pool = NodePool(
        name="pool",
        nodes=nodes,
        subnet=SubnetKey("", subnet or "nodes"),
        max_nodes=max_nodes,
        max_pods=max_pods,
        pods_in_use=pods_in_use,
        max_surge=surge,
        os=os,
        pod_subnet=None if pod_subnet is None else SubnetKey("", pod_subnet),
        upgrade=upgrade,
        priority=priority,
    )
    cluster = Cluster(
        name="cluster",
        network=Network.OVERLAY,
        node_pools=(pool,),
        dataplane=dataplane,
        pod_cidr_prefixlen=_option_prefixlen("--pod-cidr", pod_cidr, subnet=False),
        service_cidr_size=service.size,
        internal_lbs=internal_lbs,
    )
    subnets = {pool.subnet: Subnet(pool.subnet, _option_prefixlen("--subnet", subnet))}
    if pool.pod_subnet is not None:
        subnets[pool.pod_subnet] = Subnet(
            pool.pod_subnet, _option_prefixlen("--pod-subnet", pod_subnet)
        )
    rows = []
    service_ips = 0  # the same under every model (rule A11)
    for model in models:
        estimate = evaluate([cluster], subnets, model)
        service_ips = estimate.clusters[0].service_ips
        row = asdict(comparison(estimate, "cluster"))
        del row["cluster"]
        rows.append(row)
    notes = _compare_notes(rows)
    if service_cidr is not None:  # what the service CIDR given holds, since no row shows it
        notes.append(
            f"service CIDR {service}: {service_ips:,} ClusterIP "
            f"{'address' if service_ips == 1 else 'addresses'} for Services (rule A11)"
        )
    typer.echo(_render(rows, output, notes), nl=False)
    # what a scenario file would be warned of (Windows max pods, kubenet's retirement, an option
    # ignored), as validate says it, once, naming the option; the rows keep theirs as data
    for warning in warnings:
        typer.echo(one_line(f"warning: {warning}"), err=True)


def parse_network_option(option: str, value: str) -> IPNetwork:
    """Parse a CIDR given on the command line; the error names the option."""
    try:
        return parse_network(value)
    except IpplanError as err:
        raise ScenarioError(f"{option}: {err}") from None


def _compare_notes(rows: list[dict[str, object]]) -> list[str]:
    """Room to grow, the pod density and the problems of each model (the row's, each with its
    rule, in compare's words), under the table; the warnings go to stderr."""
    notes = []
    if len(rows) > 1 and any(r["max_pods_default"] for r in rows):
        notes.append(
            "max pods differ by model (each model's default: "
            + ", ".join(f"{r['network']} {r['max_pods']}" for r in rows if r["max_pods_default"])
            + "); give --max-pods to compare every model at one density"
        )
    for row in rows:
        name = row["network"]
        limited_by = str(row["room_limited_by"])
        # rule A18: no room (a limit broken with the pool at 0 nodes) is said, never a count
        no_room = row["room_nodes"] is None and row["room_limited_by"] is not None
        if no_room:
            notes.append(f"{name}: {room_text(None, limited_by)}")
        if row["feasible"] and not no_room:
            notes.append(f"{name}: room for {row['room_nodes']:,} nodes; limited by {limited_by}")
        elif not row["feasible"]:
            notes.append(f"{name}: INFEASIBLE: {compare_words(str(row['problems']))}")
    return notes


#: short headers for the human table
_HEADERS = {
    "network": "network",
    "nodes": "nodes",
    "surge_nodes": "surge",
    "peak_nodes": "peak",
    "max_pods": "max pods",
    "node_subnet_ips": "node IPs",
    "node_subnet_min_prefix": "node subnet",
    "pod_subnet_ips": "pod IPs",
    "pod_subnet_min_prefix": "pod subnet",
    "pod_cidr_min_prefix": "pod CIDR",
    "vnet_ips": "VNet IPs",
    "room_nodes": "room",
    "subnet_utilization_pct": "used %",
    "feasible": "ok",
}


def _cell(key: str, value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "NO"
    if key.endswith("_prefix"):
        return f"/{value}"
    if isinstance(value, int):
        return f"{value:,}"
    return one_line(str(value), 200)  # names come from files: no control character gets out


def _shown(key: str, row: Mapping[str, object]) -> str:
    """A table cell of *row*: no room (rule A18) is ``none``, never ``-`` or a count."""
    if key == "room_nodes" and row[key] is None and row.get("room_limited_by") is not None:
        return "none"
    return _cell(key, row[key])


def _render(rows: list[dict[str, object]], output: Format, notes: list[str]) -> str:
    """Rows as an aligned table (with notes), CSV with a header, or a JSON list.

    json is imported by the format that uses it: the table, compare's default, does without
    (importing it is about 0.5% of ``ipplan compare``, issue 11).
    """
    if output is Format.JSON:
        import json

        return json.dumps(rows, indent=2) + "\n"
    if output is Format.CSV:
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows({k: "" if v is None else v for k, v in r.items()} for r in rows)
        return buffer.getvalue()
    shown = [{_HEADERS[k]: _shown(k, r) for k in _HEADERS if k in r} for r in rows]
    return _table(shown) + "\n\n" + "\n".join(one_line(note) for note in notes) + "\n"


def _table(rows: Sequence[Mapping[str, object]]) -> str:
    """Rows as an aligned text table: the first column left-aligned, the others right-aligned."""
    if not rows:
        return "(none)"
    keys = list(rows[0])
    cells = [keys] + [[_cell(k, r[k]) for k in keys] for r in rows]
    widths = [max(len(line[i]) for line in cells) for i in range(len(keys))]
    lines = [
        "  ".join(
            c.ljust(w) if i == 0 else c.rjust(w)
            for i, (c, w) in enumerate(zip(line, widths, strict=True))
        )
        for line in cells
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(line.rstrip() for line in lines)


#: the subnets ``plan`` prints without --all: the ones that matter most (full, then the
#: clusters' and those at the warn level, the fullest), problems first; the rest are in
#: subnets.csv
_PLAN_ROWS = 25
#: warnings ``plan`` prints without --all (an estate can have thousands: each full subnet's)
_PLAN_WARNINGS = 10


@app.command(cls=_Command)
@user_errors()
def plan(
    scenario: Path = typer.Argument(..., help="The scenario file (YAML or JSON)."),
    out: Path | None = typer.Option(
        None, "--out", help="Report folder; default reports/<scenario name>."
    ),
    every: bool = typer.Option(
        False,
        "--all",
        help=f"Print every subnet, cluster and warning, not only those that matter most (the "
        f"{_PLAN_ROWS} subnets, the clusters the charts draw) and the first {_PLAN_WARNINGS} "
        "warnings.",
    ),
) -> None:
    """Plan a scenario and write its review pack.

    Validates SCENARIO, allocates its subnets, sizes every network model and writes the CSV
    tables, charts and summary to reports/<name>/ (or --out). A failed run writes nothing.
    """
    from ipplan.core.plan import build_plan
    from ipplan.report.pack import write_report
    from ipplan.scenario import load_scenario

    loaded = load_scenario(scenario)
    result = build_plan(loaded)
    folder = out if out is not None else Path("reports") / loaded.name
    written = write_report(result, folder)
    shown = result.subnets if every else _problems_first(result)
    # role and kind as subnets.csv names them; the kind column only when a platform subnet is shown
    kinds = any(s.kind for s in shown)
    rows = [
        {
            "subnet": f"{s.vnet}/{s.name}",
            "cidr": str(s.cidr),
            "origin": s.origin,
            "role": s.role,
            **({"kind": s.kind or "-"} if kinds else {}),
            "usable": s.usable_ips,
            "peak": s.peak_ips,
            "used %": s.utilization_pct,
            "status": s.status,
        }
        for s in shown
    ]
    typer.echo(_table(rows))
    if len(rows) < len(result.subnets):
        more = len(result.subnets) - len(rows)
        typer.echo(
            f"... and {more:,} more {'subnet' if more == 1 else 'subnets'} in "
            f"{one_line(str(folder / 'subnets.csv'))} (--all prints them here)"
        )
    typer.echo("")
    clusters = result.estimate.clusters if every else _clusters_that_matter(result)
    for c in clusters:
        typer.echo(
            one_line(
                f"{c.name} ({c.network}): {c.nodes:,} nodes now, {c.peak_nodes:,} at peak; "
                + ("" if c.room is None else c.room.text)
            )
        )
    if len(clusters) < len(result.estimate.clusters):
        from ipplan.core.answers import SHOWN_ORDER

        more = len(result.estimate.clusters) - len(clusters)
        typer.echo(
            f"... and {plural(more, 'more cluster')} in "
            f"{one_line(str(folder / 'clusters.csv'))} (shown: {SHOWN_ORDER}; --all prints "
            "them here)"
        )
    typer.echo(one_line(_runway(result)))
    for problem in result.estimate.problems:
        if problem.severity is Severity.ERROR:
            typer.echo(one_line(f"INFEASIBLE: {problem} ({cite([problem.rule])})"))
    # warnings on stderr, as every command says them; the results stay on stdout
    warnings = result.warnings if every else result.warnings[:_PLAN_WARNINGS]
    for warning in warnings:
        typer.echo(one_line(f"warning: {warning}"), err=True)
    if len(warnings) < len(result.warnings):
        more = len(result.warnings) - len(warnings)
        typer.echo(
            f"... and {plural(more, 'more warning')} in "
            f"{one_line(str(folder / 'summary.md'))} (--all prints them here)",
            err=True,
        )
    typer.echo(f"\nwrote {len(written)} files to {one_line(str(folder))}/:")
    typer.echo("  " + "  ".join(p.name for p in written))


def _problems_first(result: "Plan") -> "list[SubnetPlan]":
    """The subnets that matter, full ones first, then those at the warn level, then the rest,
    each in plan order."""
    from ipplan.core.answers import subnets_that_matter
    from ipplan.core.keys import Status

    rank = {Status.FULL: 0, Status.WARN: 1}
    return sorted(subnets_that_matter(result, _PLAN_ROWS), key=lambda s: rank.get(s.status, 2))


def _clusters_that_matter(result: "Plan") -> "list[ClusterDemand]":
    """The clusters' lines the charts' blocks match: all of them up to a dozen, else the ones
    that matter (:func:`ipplan.core.answers.clusters_that_matter`), in its order."""
    from ipplan.core.answers import clusters_that_matter

    lines = {c.name: c for c in result.estimate.clusters}
    return [lines[c.name] for c in clusters_that_matter(result)]


def _runway(result: "Plan") -> str:
    """``runway (model): <first resource> runs out YYYY-MM (N months)``, from the forecast."""
    from ipplan.core.explain import show

    f = result.forecast
    models = "each cluster on its own model" if f.current == "current" else f.current
    first = f.first_to_run_out(f.current)
    if first is None or first.exhaustion_month is None:
        return f"runway ({models}): nothing runs out before {f.months[-1]}"
    m = first.exhaustion_month
    return f"runway ({models}): {first.resource.label} runs out {f.months[m]} ({show(m, 'months')})"


import_app = typer.Typer(
    cls=_Group,
    rich_markup_mode=None,
    no_args_is_help=True,
    help="Build a scenario file from what is already deployed.",
)
app.add_typer(import_app, name="import")


def _read_json_file(path: Path) -> tuple[str, str]:
    from ipplan.scenario.bounds import MAX_AZURE_BYTES, read_text_bounded

    try:
        return str(path), read_text_bounded(path, str(path), MAX_AZURE_BYTES, "utf-8-sig")
    except UnicodeDecodeError:
        raise ScenarioError(
            f"{path}: not UTF-8 text: give the JSON that `az ... -o json` prints"
        ) from None
    except OSError as err:
        raise ScenarioError(f"{path}: cannot read it ({err.strerror})") from None


def _quote(text: str) -> str:
    """*text* quoted for a one-line message: escaped, and cut to 60 characters."""
    return one_line(repr(text if len(text) <= 60 else text[:57] + "..."))


def _mib(size: int) -> str:
    return f"{size / 2**20:,.0f} MiB" if size >= 2**20 else f"{size:,} bytes"


def _file_target(option: str, path: Path, example: str) -> Path:
    """The file *option* names, ready to be replaced: a symlink is followed (on purpose: the
    link keeps pointing at the new file), and anything but a regular file or a new name in an
    existing folder is refused, so a device such as /dev/full is never replaced by a file.

    Raises:
        ScenarioError: *path* names a folder, a device, socket or pipe, or a missing folder.
    """
    if str(path) in ("", ".") or path.name in ("", ".", ".."):
        raise ScenarioError(
            f"{option}: {_quote(str(path))} names a folder, not a file; give a file name such as "
            f"{example}"
        )
    try:
        return _checked_target(option, path, example)
    except OSError as err:  # a name too long, a loop of links, no permission
        reason = " ".join(str(err.strerror or err).split())
        raise ScenarioError(f"{option}: cannot write {path} ({reason})") from None


def _checked_target(option: str, path: Path, example: str) -> Path:
    target = Path(os.path.realpath(path, strict=False))
    if target.is_dir():
        raise ScenarioError(
            f"{option}: {path} is a folder; give a file name such as {target / example}"
        )
    if target.exists() and not target.is_file():
        raise ScenarioError(
            f"{option}: {path} is not a regular file (a device, socket or pipe), and ipplan "
            f"replaces what it writes; give a file name such as {example}"
        )
    if not target.parent.is_dir():
        where = path.parent if Path(os.path.realpath(path.parent)) == target.parent else target
        raise ScenarioError(f"{option}: folder {where} does not exist: create it first")
    return target


def _write_atomically(path: Path, data: str | bytes, option: str) -> None:
    """Write *data* to ``.NAME.<pid>.tmp`` beside *path*, then rename it over *path*: never a
    half-written file, and a full disk leaves the earlier one as it was."""
    from ipplan.report.pack import remove_stale

    remove_stale(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    raw = data.encode("utf-8") if isinstance(data, str) else data
    try:
        with tmp.open("xb") as handle:
            handle.write(raw)
        os.replace(tmp, path)
    except OSError as err:
        tmp.unlink(missing_ok=True)
        reason = " ".join(str(err.strerror or err).split())
        raise ScenarioError(f"{option}: cannot write {path} ({reason})") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


@import_app.command("azure", cls=_Command)
@user_errors()
def import_azure(
    vnets: list[Path] = typer.Option(
        ...,
        "--vnets",
        metavar="FILE",
        help="Output of `az network vnet list -o json` (repeat for more files).",
    ),
    clusters: list[Path] = typer.Option(
        [],
        "--clusters",
        metavar="FILE",
        help="Output of `az aks list -o json` or `az aks show -o json` (repeatable).",
    ),
    output: Path | None = typer.Option(
        None,
        "-o",
        "--output",
        "--out",
        metavar="FILE",
        help="Scenario file to write (--out, as the other commands name it, is the same); "
        "default: print it.",
    ),
    name: str | None = typer.Option(
        None, "--name", metavar="NAME", help="Scenario name; default the first VNet's."
    ),
    start: str | None = typer.Option(
        None, "--start", metavar="YYYY-MM", help="First forecast month; default this month."
    ),
) -> None:
    """Build a scenario from Azure's own JSON: VNets, subnets, peerings and AKS clusters.

    ipplan never calls Azure. What it cannot map is kept as a '# ipplan:' comment in the file.
    """
    import datetime

    from ipplan.importers.azure import import_azure as build
    from ipplan.scenario.bounds import start_problem

    month = start if start is not None else datetime.date.today().strftime("%Y-%m")
    if problem := start_problem(month):
        raise ScenarioError(f"--start: {_quote(month)} {problem}")
    target = None if output is None else _file_target("-o", output, "scenario.yaml")
    for option, given in [("--vnets", p) for p in vnets] + [("--clusters", p) for p in clusters]:
        # the output replaces its file by a rename: only the same path, links resolved, is lost
        if target is not None and Path(os.path.realpath(given)) == target:
            raise ScenarioError(
                f"-o: {_quote(str(output))} is also an input ({option} {_quote(str(given))}), "
                "and the scenario would replace it; give the scenario its own name such as "
                "scenario.yaml"
            )
    result = build(
        [_read_json_file(p) for p in vnets],
        [_read_json_file(p) for p in clusters],
        start=month,
        name=name,
    )
    if output is None:
        typer.echo(result.text, nl=False)
    else:
        assert target is not None
        _write_atomically(target, result.text, "-o")
        data = result.scenario
        subnets = sum(len(v.get("subnets", [])) for v in data["vnets"])
        pools = sum(len(c["node_pools"]) for c in data.get("clusters", []))
        typer.echo(
            f"wrote {one_line(str(output))}: {plural(len(data['vnets']), 'VNet')} "
            f"({plural(subnets, 'subnet')}), "
            f"{plural(len(data.get('external', [])), 'external range')}, "
            f"{plural(len(data.get('clusters', [])), 'cluster')} "
            f"({plural(pools, 'node pool')})"
        )
    for note in result.notes:
        typer.echo(f"note: {one_line(note)}", err=True)


@app.command(cls=_Command)
@user_errors()
def validate(
    file: Annotated[Path, typer.Argument(help="Scenario file (YAML, or JSON ending in .json).")],
) -> None:
    """Check a scenario file without planning it.

    Prints ok and the warnings for FILE, or its first problem (exit 2): plan's own allocation
    included, every subnet placed and sized as plan places it, with nothing written.
    """
    from ipplan.core.plan import check_allocation
    from ipplan.scenario import load_scenario

    scenario = load_scenario(file)
    check_allocation(scenario)
    pools = sum(len(cluster.node_pools) for cluster in scenario.clusters)
    typer.echo(
        f"ok: {one_line(scenario.name)} ({plural(len(scenario.vnets), 'vnet')}, "
        f"{plural(len(scenario.clusters), 'cluster')}, {plural(pools, 'node pool')})"
    )
    for warning in scenario.warnings:
        typer.echo(one_line(f"warning: {warning}"), err=True)


@app.command(cls=_Command)
def schema() -> None:
    """Print the JSON Schema of scenario files, for editors."""
    import json

    from ipplan.scenario import scenario_schema

    typer.echo(json.dumps(scenario_schema(), indent=2, sort_keys=True))


def min_runway_option(meaning: str) -> Any:
    """``--min-runway-months`` of ``check`` and ``diff``: one option, one bound, one message."""
    return typer.Option(
        12,
        "--min-runway-months",
        min=0,
        max=MAX_RUNWAY_MONTHS,
        help=f"{meaning} (at most {MAX_RUNWAY_MONTHS:,}: a century of forecast).",
    )


def runway_horizon(result: "Plan", min_runway_months: int) -> int:
    """The months to forecast *result* over for a runway of *min_runway_months*: its own
    horizon or, when longer, the runway's, held to the scenario's growth bound.

    Raises:
        ScenarioError: the scenario's growth passes MAX_PLANNED_NODES over the longer horizon.
    """
    from ipplan.core.forecast import month_label
    from ipplan.scenario.bounds import check_planned_nodes

    planning = result.scenario.planning
    horizon = max(planning.horizon_months, min_runway_months)
    if horizon > planning.horizon_months:  # the scenario's growth bound, over the longer horizon
        pools = [
            (FieldPath(["clusters", i, "node_pools", j]), p)
            for i, c in enumerate(result.scenario.clusters)
            for j, p in enumerate(c.node_pools)
        ]
        end = month_label(planning.start_year, planning.start_month, horizon)
        if too_many := check_planned_nodes(pools, horizon, end):
            raise ScenarioError(
                f"--min-runway-months {min_runway_months}: {result.scenario.source}: "
                f"{too_many[0]}: "
                f"{too_many[1].replace('planning.horizon_months', '--min-runway-months')}"
            )
    return horizon


@app.command(cls=_Command)
@user_errors()
def check(
    scenario: Path = typer.Argument(..., help="The scenario file (YAML or JSON)."),
    min_runway_months: int = min_runway_option("Months every resource must last"),
) -> None:
    """Gate a CI pipeline on a scenario's runway.

    Exit 0 when every resource of SCENARIO's own models lasts at least --min-runway-months and
    nothing is infeasible; otherwise print each shortfall on one line and exit 1.
    """
    from ipplan.core.explain import show
    from ipplan.core.forecast import shortfalls
    from ipplan.core.plan import build_plan
    from ipplan.scenario import load_scenario

    result = build_plan(load_scenario(scenario))
    forecast = result.forecast_for(runway_horizon(result, min_runway_months), own_only=True)
    lines = shortfalls(forecast, result.estimate.problems, min_runway_months)
    for line in lines:
        typer.echo(one_line(line))
    if lines:
        raise typer.Exit(code=ExitCode.FALLS_SHORT)
    first = forecast.first_to_run_out(forecast.current)
    if first is None or first.exhaustion_month is None:
        then = f"nothing runs out before {forecast.months[-1]}"
    else:
        month = forecast.months[first.exhaustion_month]
        then = f"first to run out: {first.resource.label} in {month}"
    typer.echo(
        one_line(f"ok: every resource lasts {show(min_runway_months, 'months')} or more; {then}")
    )


@app.command(cls=_Command)
@user_errors()
def sweep(
    nodes: str = typer.Option(
        ..., help="Node counts: start:stop:step (stop included), a list, or both: 10:1000:10."
    ),
    max_pods: str = typer.Option("30,50,110,250", help="Max pods per node, same forms (10..250)."),
    max_surge: str = typer.Option(
        str(DEFAULT_SURGE), help="Upgrade surge: a node count (1), a percentage (33%), or a list."
    ),
    network: str = typer.Option(
        "all", help="all, or a comma list of kubenet, azure-cni, azure-cni-overlay, ..."
    ),
    subnet: str | None = typer.Option(
        None, help="A node subnet, e.g. 10.240.0.0/21: adds max nodes in it and whether it fits."
    ),
    pods_in_use: int | None = typer.Option(
        None,
        min=1,
        help="Pods expected per node (dynamic pod subnet batches); default max pods. At most "
        "the smallest --max-pods, as compare requires.",
    ),
    os_name: OS = typer.Option(OS.LINUX, "--os", help="linux or windows (kubenet: Linux only)."),
    dataplane: Dataplane = typer.Option(
        Dataplane.AZURE, help="azure or cilium (Linux only; not on kubenet)."
    ),
    out: Path = typer.Option(
        Path("sweep.csv"), "--out", help="The CSV; the heatmap goes beside it as .png."
    ),
    max_csv_mb: int = typer.Option(
        1024, "--max-csv-mb", min=1, help="Refuse a sweep whose CSV could be larger (MiB)."
    ),
) -> None:
    """What-if grid over node counts, max pods, surge and models.

    For every combination: node and pod IPs, the smallest prefixes, max nodes in --subnet.
    Writes a CSV and, beside it, a heatmap PNG of the smallest node subnet.
    """
    import shutil
    import sys
    import time

    from ipplan.report.pack import remove_stale
    from ipplan.sweep import (
        MAX_NODES,
        MAX_ROWS,
        Heatmap,
        Progress,
        SweepSpec,
        check_sweep,
        parse_int_list,
        parse_surges,
        write_sweep,
    )

    spec = SweepSpec(
        nodes=parse_int_list("--nodes", nodes, 0, MAX_NODES),
        max_pods=parse_int_list("--max-pods", max_pods, 10, 250),
        surges=parse_surges(max_surge),
        networks=tuple(dict.fromkeys(n for part in network.split(",") for n in _networks(part))),
        subnet_prefixlen=_option_prefixlen("--subnet", subnet),
        pods_in_use=pods_in_use,
        os=os_name,
        dataplane=dataplane,
    )
    if pods_in_use is not None and pods_in_use > min(spec.max_pods):
        # rule A23: what compare (and a scenario file) rejects, the sweep rejects too
        raise ScenarioError(
            f"--pods-in-use: {pods_in_use} is above --max-pods {min(spec.max_pods)}: a node "
            "cannot run more pods than its max pods; lower --pods-in-use or raise --max-pods"
        )
    if spec.rows > MAX_ROWS:
        raise ScenarioError(
            f"the sweep has {spec.rows:,} rows, above {MAX_ROWS:,}: "
            "use larger steps or fewer values"
        )
    check_sweep(spec)  # the rules first (rule A23), then where and how much it writes
    # rule A8: pods in use count only on the dynamic pod subnet (compare says the same); the
    # fix is said in the sweep's own options
    swept = {"pods_in_use": pods_in_use}
    for unused in unused_setting_violations("the sweep", swept, spec.networks):
        typer.echo(
            one_line(
                f"warning: --pods-in-use: {unused.message}; remove --pods-in-use, or add "
                f"azure-cni-pod-subnet to --network ({cite([unused.rule])})"
            ),
            err=True,
        )
    target = _file_target("--out", out, "sweep.csv")
    picture = _file_target("--out", target.with_suffix(".png"), "sweep.csv")
    if picture == target:
        raise ScenarioError(
            f"--out: {_quote(str(out))} is where the heatmap goes; give the CSV a name ending "
            "in .csv"
        )
    # the CSV replaces --out and the heatmap its .png sibling: a scenario, or what a link
    # points at, named anything but .csv is never taken for an earlier sweep
    for given, what in (
        (out, f"{_quote(str(out))} does not end in .csv"),
        (target, f"{_quote(str(out))} links to {_quote(target.name)}, not a .csv file"),
    ):
        if given.suffix.lower() != ".csv":
            raise ScenarioError(
                f"--out: {what}: the sweep writes its CSV there and its heatmap beside it as "
                ".png; give a name ending in .csv such as sweep.csv"
            )
    size = spec.csv_bytes
    if size > max_csv_mb * 2**20:
        raise ScenarioError(
            f"--out: the sweep's {spec.rows:,} rows could take up to {_mib(size)} of CSV, above "
            f"--max-csv-mb {max_csv_mb:,}; use larger steps or fewer values, or raise "
            f"--max-csv-mb to {-(-size // 2**20):,}"
        )
    free = shutil.disk_usage(target.parent).free
    if size > free:
        raise ScenarioError(
            f"--out: the sweep's {spec.rows:,} rows could take up to {_mib(size)} of CSV, and "
            f"{target.parent} has {_mib(free)} free; free some space or use larger steps"
        )

    def heatmap(heat: Heatmap) -> None:
        from ipplan.report.chart import png, sweep_figure

        what = [f"surge {heat.surges[0]}" if len(heat.surges) == 1 else "one panel per surge"]
        what += [str(spec.os)] if spec.os is not OS.LINUX else []
        what += [f"dataplane {spec.dataplane}"] if spec.dataplane is not Dataplane.AZURE else []
        what += [f"{spec.pods_in_use} pods in use"] if spec.pods_in_use is not None else []
        what += [f"in a /{spec.subnet_prefixlen}"] if spec.subnet_prefixlen is not None else []
        title = f"Smallest node subnet by nodes and max pods ({'; '.join(what)})"
        image = png(sweep_figure(heat.nodes, heat.max_pods, heat.prefixes, heat.feasible, title))
        _write_atomically(picture, image, "--out")

    started = time.perf_counter()
    progress = Progress(sys.stderr)
    remove_stale(picture)
    remove_stale(target)
    try:
        write_sweep(spec, target, progress, then=heatmap)
    except OSError as err:
        reason = " ".join(str(err.strerror or err).split())
        raise ScenarioError(f"--out: cannot write {out}: {reason}") from None
    finally:
        progress.close()
    seconds = time.perf_counter() - started
    beside = out.with_suffix(".png")
    picture = beside if Path(os.path.realpath(beside)) == picture else picture
    speed = f" in {seconds:.1f} s" if seconds >= 1 else ""
    typer.echo(
        one_line(f"wrote {plural(spec.rows, 'row')} to {out}{speed} and the heatmap to {picture}")
    )
    said: list[str] = []  # a warning every model gets (Windows max pods) is said once
    for net in spec.networks:
        blocked = spec.blocked(net)
        for why in blocked:
            typer.echo(one_line(f"note: {net}: every row is infeasible: {why}"))
        if not blocked:  # a model that cannot run the pool at all is not warned of it too
            said += spec.warnings(net)
    for why in dict.fromkeys(said):  # in compare's words: the options, not the fields
        typer.echo(one_line(f"warning: {compare_words(why)}"), err=True)


from ipplan.cli import diff, export  # noqa: E402, F401  (each registers its commands on app)
from ipplan.cli import explain as _explain  # noqa: E402, F401  (registers ``ipplan explain``)
