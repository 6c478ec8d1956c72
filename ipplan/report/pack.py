"""The review pack: CSV tables (pandas), PNG charts (through ``chart``) and the summaries.

The only module besides ``chart`` that imports pandas; it is imported lazily so quick commands
stay fast. Every table is sorted, has fixed columns and no timestamps: the same plan gives
byte-identical files.
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
from collections.abc import Callable, Collection, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ipplan.core.capacity import COMPARISON_COLUMNS, comparison
from ipplan.core.cidr import gc_paused
from ipplan.core.forecast import Forecast, Resource
from ipplan.core.plan import Plan
from ipplan.errors import OutputError

if TYPE_CHECKING:
    import pandas as pd

    from ipplan.report.charts.style import Rendered

__all__ = [
    "DEFAULT_WRITERS",
    "recover",
    "remove_stale",
    "report_target",
    "tables",
    "write_charts",
    "write_csv",
    "write_pack",
    "write_report",
    "write_summaries",
]


@dataclass(frozen=True)
class _Table:
    """A table's rows and columns: a DataFrame for library users (``tables``), CSV text for
    ``ipplan plan`` without importing pandas (a third of a second it need not spend)."""

    rows: list[dict[str, object]]
    columns: list[str]


def _frame(rows: list[dict[str, object]], columns: list[str]) -> _Table:
    return _Table(rows, columns)


def _dataframe(table: _Table) -> pd.DataFrame:
    import pandas as pd

    rows, columns = table.rows, table.columns
    frame = pd.DataFrame(rows, columns=columns)
    # integers stay integers even where some rows are n/a (an empty CSV cell)
    for column in columns:
        values = [r.get(column) for r in rows]
        if any(isinstance(v, bool) for v in values):
            continue
        # (IPv6 counts beyond 64 bits stay Python ints: they print exactly as they are)
        if values and all(v is None or (isinstance(v, int) and abs(v) < 2**63) for v in values):
            frame[column] = frame[column].astype("Int64")
    return frame


def _cells(values: list[object]) -> list[str]:
    """One column as pandas' to_csv writes it from ``_dataframe``: n/a is empty; a column of
    numbers with a float in it is float64, so its ints print as floats (3.0)."""
    numbers = all(
        v is None or (isinstance(v, int | float) and not isinstance(v, bool)) for v in values
    )
    floats = numbers and any(isinstance(v, float) for v in values)
    return [
        "" if v is None else repr(float(v)) if floats else str(v)  # type: ignore[arg-type]
        for v in values
    ]


def _csv_text(table: _Table) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(table.columns)
    columns = [_cells([r.get(c) for r in table.rows]) for c in table.columns]
    writer.writerows(zip(*columns, strict=True) if columns else [])
    return buffer.getvalue()


def _subnets(plan: Plan) -> _Table:
    rows: list[dict[str, object]] = [
        {
            "vnet": s.vnet,
            "subnet": s.name,
            "cidr": str(s.cidr),
            "prefix": int(s.cidr.prefixlen),
            "origin": s.origin,
            "role": s.role,
            "users": " ".join(s.users),
            "total_ips": int(s.cidr.size),
            "usable_ips": s.usable_ips,
            "used_ips": s.used_ips,
            "required_now_ips": s.now_ips,
            "required_peak_ips": s.peak_ips,
            "min_prefix": s.min_prefixlen,
            "utilization_pct": s.utilization_pct,
            "headroom_ips": s.headroom_ips,
            "room_nodes": None if s.room is None else s.room.nodes,
            "room_growth_pool": None if s.room is None else s.room.growth_pool,
            "room_limited_by": None if s.room is None else s.room.limited_by,
            "status": s.status,
            "kind": None if s.kind is None else str(s.kind),
        }
        for s in plan.subnets
    ]
    return _frame(rows, list(rows[0]) if rows else ["vnet", "subnet", "cidr"])


def _allocation(plan: Plan) -> _Table:
    """Every VNet's address space block by block, free blocks included, each subnet with what
    it must hold (the subnets.csv numbers), so the table alone answers "where does it go"."""
    subnets = {(s.vnet, s.name): s for s in plan.subnets}
    rows: list[dict[str, object]] = []
    for vnet in plan.vnets:
        for block in vnet.blocks:
            s = subnets.get((vnet.name, block.name)) if block.name else None
            rows.append(
                {
                    "vnet": vnet.name,
                    "cidr": str(block.cidr),
                    "prefix": int(block.cidr.prefixlen),
                    "first_ip": str(block.cidr.network),
                    "last_ip": str(block.cidr.broadcast or block.cidr[-1]),
                    "total_ips": int(block.cidr.size),
                    "origin": block.kind,
                    "subnet": block.name,
                    "usable_ips": None if s is None else s.usable_ips,
                    "required_now_ips": None if s is None else s.now_ips,
                    "required_peak_ips": None if s is None else s.peak_ips,
                    "utilization_pct": None if s is None else s.utilization_pct,
                    "headroom_ips": None if s is None else s.headroom_ips,
                    "status": "free" if s is None else s.status,
                    "kind": None if block.subnet_kind is None else str(block.subnet_kind),
                }
            )
    columns = [
        "vnet",
        "cidr",
        "prefix",
        "first_ip",
        "last_ip",
        "total_ips",
        "origin",
        "subnet",
        "usable_ips",
        "required_now_ips",
        "required_peak_ips",
        "utilization_pct",
        "headroom_ips",
        "status",
        "kind",
    ]
    return _frame(rows, columns)


def _node_pools(plan: Plan) -> _Table:
    specs = {(c.name, p.name): p for c in plan.clusters for p in c.node_pools}
    rows: list[dict[str, object]] = [
        {
            "cluster": d.cluster,
            "pool": d.pool,
            "network": str(d.network),
            "os": str(d.os),
            "subnet": str(d.subnet),
            "pod_subnet": None if d.pod_subnet is None else str(d.pod_subnet),
            "nodes": d.nodes,
            "planning_nodes": d.planning_nodes,
            "max_surge": str(specs[(d.cluster, d.pool)].max_surge),
            "surge_nodes": d.surge_nodes,
            "peak_nodes": d.peak_nodes,
            "max_pods": d.max_pods,
            "pods_in_use": d.pods_in_use,
            "node_subnet_ips_now": d.node_subnet_ips_now,
            "node_subnet_ips": d.node_subnet_ips,
            "pod_ips_per_node": d.pod_ips_per_node,
            "pod_subnet_ips": d.pod_subnet_ips,
            "static_blocks": d.static_blocks,
            "pod_cidr_nodes": d.pod_cidr_nodes,
            "max_pods_total": d.max_pods_total,
            "vnet_ips": d.vnet_ips,
            "upgrade": str(specs[(d.cluster, d.pool)].upgrade),
            "priority": str(specs[(d.cluster, d.pool)].priority),
        }
        for d in plan.estimate.pools
    ]
    rows.sort(key=lambda r: (str(r["cluster"]), str(r["pool"])))
    return _frame(rows, list(rows[0]) if rows else ["cluster", "pool"])


def _clusters(plan: Plan) -> _Table:
    specs = {c.name: c for c in plan.scenario.clusters}
    rows: list[dict[str, object]] = []
    for c in plan.estimate.clusters:
        spec = specs[c.name]
        row = comparison(plan.estimate, c.name)
        pod_cidr = spec.pod_cidr_in_use
        rows.append(
            {
                "cluster": c.name,
                "vnet": c.vnet,
                "network": str(c.network),
                "dataplane": str(c.dataplane),
                "pools": c.pools,
                "nodes": c.nodes,
                "planning_nodes": c.planning_nodes,
                "peak_nodes": c.peak_nodes,
                "max_pods_total": c.max_pods_total,
                "node_subnet_ips": c.node_subnet_ips,
                "pod_subnet_ips": c.pod_subnet_ips,
                "vnet_ips": c.vnet_ips,
                "pod_cidr": None if pod_cidr is None else str(pod_cidr),
                "pod_cidr_min_prefix": c.pod_cidr_min_prefixlen,
                "pod_cidr_max_nodes": c.pod_cidr_max_nodes,
                "service_cidr": str(spec.service_cidr),
                "cluster_ips": c.service_ips,
                "dns_service_ip": str(spec.dns_service_ip),
                "route_limit": c.route_limit,
                "node_port_limit": c.node_port_limit,
                "lb_service_limit": c.lb_service_limit,
                "internal_lbs": spec.internal_lbs,
                "private_cluster": spec.private_cluster,
                "room_nodes": row.room_nodes,
                "room_growth_pool": row.room_growth_pool,
                "room_growth_pool_nodes": row.room_growth_pool_nodes,
                "room_limited_by": row.room_limited_by,
                "feasible": row.feasible,
                "problems": row.problems,
                "warnings": row.warnings,
                "internal_lb_subnet": spec.internal_lb_subnet,
                "api_server_subnet": spec.api_server_subnet,
                "private_link_services": len(spec.private_link_services),
                "private_link_nat_ips": sum(ips for _, ips in spec.private_link_services),
            }
        )
    rows.sort(key=lambda r: str(r["cluster"]))
    return _frame(rows, list(rows[0]) if rows else ["cluster"])


def _comparison(plan: Plan) -> _Table:
    own = {c.name: c.network for c in plan.scenario.clusters}
    rows: list[dict[str, object]] = []
    for network, estimate in plan.comparisons.items():
        for c in estimate.clusters:
            row = asdict(comparison(estimate, c.name))
            row["current"] = own[c.name] is network
            rows.append(row)
    order = {str(n): i for i, n in enumerate(plan.scenario.planning.compare)}
    rows.sort(key=lambda r: (str(r["cluster"]), order[str(r["network"])]))
    return _frame(rows, [*COMPARISON_COLUMNS, "current"])


def _month(forecast: Forecast, index: int | None, sized: bool) -> str:
    if not sized:
        return "n/a"
    return "beyond horizon" if index is None else forecast.months[index]


def _forecast(plan: Plan) -> _Table:
    f = plan.forecast
    rows: list[dict[str, object]] = [
        {
            "month": month,
            "network": s.model,
            "resource": s.resource.name,
            "resource_kind": s.resource.kind,
            "unit": s.resource.unit,
            "required": s.required[m],
            "capacity": s.capacity,
            "utilization_pct": s.utilization_pct(m),
            "status": "n/a"
            if s.capacity is None
            else "short"
            if s.required[m] > s.capacity
            else "warn"
            if s.warn_month is not None and m >= s.warn_month
            else "ok",
        }
        for s in f.series
        for m, month in enumerate(f.months)
    ]
    columns = ["month", "network", "resource", "resource_kind", "unit", "required", "capacity"]
    return _frame(rows, [*columns, "utilization_pct", "status"])


def _exhaustion(plan: Plan) -> _Table:
    f = plan.forecast
    end = len(f.months) - 1
    binding: dict[tuple[str, Resource], list[str]] = {}
    for model in f.models:
        for cluster in plan.clusters:
            s = f.binding(model, cluster.name)
            if s is not None:
                binding.setdefault((model, s.resource), []).append(cluster.name)
    rows: list[dict[str, object]] = [
        {
            "network": s.model,
            "resource": s.resource.name,
            "resource_kind": s.resource.kind,
            "unit": s.resource.unit,
            "clusters": " ".join(s.resource.clusters),
            "capacity": s.capacity,
            "required_start": s.required[0],
            "required_end": s.required[end],
            "utilization_start_pct": s.utilization_pct(0),
            "utilization_end_pct": s.utilization_pct(end),
            "warn_month": _month(f, s.warn_month, s.capacity is not None),
            "exhaustion_month": _month(f, s.exhaustion_month, s.capacity is not None),
            "runway_months": s.runway_months,
            "status": s.status,
            "limiting_factor_for": " ".join(binding.get((s.model, s.resource), [])),
        }
        for s in f.series
    ]
    columns = ["network", "resource", "resource_kind", "unit", "clusters", "capacity"]
    columns += ["required_start", "required_end", "utilization_start_pct", "utilization_end_pct"]
    columns += ["warn_month"]
    columns += ["exhaustion_month", "runway_months", "status", "limiting_factor_for"]
    return _frame(rows, columns)


#: file name -> the table it holds
TABLES: dict[str, Callable[[Plan], _Table]] = {
    "subnets.csv": _subnets,
    "node_pools.csv": _node_pools,
    "clusters.csv": _clusters,
    "comparison.csv": _comparison,
    "allocation.csv": _allocation,
    "forecast.csv": _forecast,
    "exhaustion.csv": _exhaustion,
}


def tables(plan: Plan) -> dict[str, pd.DataFrame]:
    """Every CSV table of the review pack, by file name."""
    return {name: _dataframe(build(plan)) for name, build in TABLES.items()}


@gc_paused()  # the tables' rows are acyclic dicts: no collector walks while they are built
def write_csv(plan: Plan, folder: Path) -> list[Path]:
    """Write the CSV tables into *folder* (which must exist); return the paths written.

    The text is what ``tables(plan)[name].to_csv(index=False)`` gives, byte for byte (the
    golden tests hold both to it), without importing pandas.
    """
    paths = []
    for name, build in TABLES.items():
        path = folder / name
        path.write_text(_csv_text(build(plan)), encoding="utf-8", newline="")
        paths.append(path)
    return paths


def write_charts(plan: Plan, folder: Path, jobs: int | None = None) -> list[Path]:
    """Write the four PNG charts into *folder*; return the paths written."""
    from ipplan.report.chart import rendering

    with rendering(plan, jobs) as wait:
        charts = wait()
    return _write_pngs(folder, charts)


def _write_pngs(folder: Path, charts: Mapping[str, Rendered]) -> list[Path]:
    paths = []
    for name, chart in charts.items():
        path = folder / name
        path.write_bytes(chart.png)
        paths.append(path)
    return paths


def write_pack(plan: Plan, folder: Path) -> list[Path]:
    """The tables, the charts and the summaries; the charts render in worker processes while
    the tables are written (see :func:`ipplan.report.chart.rendering`)."""
    from ipplan.report.chart import CHARTS, rendering

    with rendering(plan) as wait:
        paths = write_csv(plan, folder)
        md = _write_markdown(plan, folder, list(CHARTS))  # while the charts render
        charts = wait()
        paths += _write_pngs(folder, charts)
    return [*paths, md, _write_html(plan, folder, charts)]


def write_summaries(plan: Plan, folder: Path, charts: Mapping[str, Rendered]) -> list[Path]:
    """Write summary.md and summary.html into *folder*, embedding the rendered *charts*."""
    return [_write_markdown(plan, folder, list(charts)), _write_html(plan, folder, charts)]


def _write_markdown(plan: Plan, folder: Path, charts: list[str]) -> Path:
    from ipplan.report.summary import summary_markdown

    path = folder / "summary.md"
    path.write_text(summary_markdown(plan, charts), encoding="utf-8", newline="\n")
    return path


def _write_html(plan: Plan, folder: Path, charts: Mapping[str, Rendered]) -> Path:
    from ipplan.report.summary import summary_html

    path = folder / "summary.html"
    path.write_text(summary_html(plan, charts), encoding="utf-8", newline="\n")
    return path


#: what ``ipplan plan`` writes: the tables, the charts, then the summaries that embed them
DEFAULT_WRITERS: list[Callable[[Plan, Path], list[Path]]] = [write_pack]


def report_files() -> set[str]:
    """The names of every file a review pack holds."""
    from ipplan.report.chart import CHARTS

    return {*TABLES, *CHARTS, "summary.md", "summary.html"}


def _check_replaceable(folder: Path, known: Collection[str] | None = None) -> None:
    """Refuse to replace anything but a missing, empty or earlier report folder (one holding
    only files named in *known*, by default the review pack's).

    Raises:
        OutputError: *folder* is a file, or holds files an ipplan report does not.
    """
    if not folder.exists():
        return
    if not folder.is_dir():
        what = "a file" if folder.is_file() else "not a folder (a device, socket or pipe)"
        raise OutputError(f"{folder}: is {what}, not a report folder; give --out a folder")
    known = report_files() if known is None else known
    foreign = sorted(p.name for p in folder.iterdir() if p.name not in known or not p.is_file())
    if foreign:
        others = len(foreign) - 1
        what = (
            f"{_quote(foreign[0])}, which is not"
            if not others
            else f"{_quote(foreign[0])} and {others} other "
            f"{'file' if others == 1 else 'files'}, which are not"
        )
        raise OutputError(
            f"{folder}: holds {what} part of an ipplan report, and the report replaces the "
            "folder; give --out a new folder"
        )
    # the earlier report is removed once the new one is in place; files in a folder the user
    # cannot write (chmod 555, no CAP_DAC_OVERRIDE) cannot be, and it stayed behind as a hidden
    # .NAME.<pid>.old copy every run: refuse before anything is written
    effective = os.access in os.supports_effective_ids
    if any(True for _ in folder.iterdir()) and not os.access(
        folder, os.W_OK | os.X_OK, effective_ids=effective
    ):
        raise OutputError(
            f"{folder}: the earlier report's folder is read-only, and the report replaces it "
            f"(its files must be removed); make it writable (chmod u+w {folder}) or give --out "
            "a new folder"
        )


def _quote(name: str) -> str:
    """A file name for a one-line message: escaped, and cut to 60 characters."""
    return repr(name if len(name) <= 60 else name[:57] + "...")


def report_target(folder: Path) -> Path:
    """The folder a report given as *folder* replaces: a symlink is followed, on purpose (the
    link keeps pointing at the new report), and the current folder or one holding it refused.

    Raises:
        OutputError: *folder* is empty, ``.``, ``..``, ``/`` or holds the current folder.
    """
    if str(folder) in ("", ".") or folder.name in ("", ".", ".."):
        raise OutputError(
            f"{_quote(str(folder))}: names no report folder of its own, and a report replaces "
            "its folder; give --out a folder name such as reports/example"
        )
    target = Path(os.path.realpath(folder))
    here = Path(os.path.realpath(Path.cwd()))
    if target == here or target in here.parents:
        raise OutputError(
            f"{folder}: is the current folder or holds it, and a report replaces its folder; "
            "give --out a folder name such as reports/example"
        )
    return target


#: the temporary siblings of report folder NAME: ``.NAME.<pid>.new`` (being written) and
#: ``.NAME.<pid>.old`` (the earlier report, between the two renames)
_SIBLING = re.compile(r"\.(?P<name>.+)\.(?P<pid>[0-9]+)\.(?P<kind>new|old)")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return pid < 2**31  # another user's process (or no such pid at all)
    return True


def remove_stale(path: Path) -> None:
    """Remove the ``.NAME.<pid>.tmp`` files beside *path* whose process is gone (killed while
    writing *path* through a temporary file, as ``ipplan sweep`` and ``import azure -o`` do)."""
    pattern = re.compile(re.escape(f".{path.name}.") + r"([0-9]+)\.tmp")
    try:
        entries = list(path.parent.iterdir())
    except OSError:
        return
    for entry in entries:
        match = pattern.fullmatch(entry.name)
        if match and entry.is_file() and not _alive(int(match[1])):
            entry.unlink(missing_ok=True)


def recover(folder: Path) -> None:
    """Repair what a killed ``ipplan plan`` left beside *folder* (by a process no longer alive).

    A ``.new`` folder was still being written: it is removed. An ``.old`` folder is the earlier
    report between the two renames: it is put back when *folder* is missing (the kill came
    after the first rename), else removed (it came after the second).
    """
    parent = folder.parent
    if not parent.is_dir():
        return
    stale = []
    for entry in parent.iterdir():
        match = _SIBLING.fullmatch(entry.name)
        if match and match["name"] == folder.name and not _alive(int(match["pid"])):
            stale.append((match["kind"], entry))
    for kind, entry in sorted(stale, key=lambda item: item[0] != "old"):
        if kind == "old" and not folder.exists() and not folder.is_symlink():
            entry.rename(folder)
        else:
            shutil.rmtree(entry, ignore_errors=True)


def write_report(
    plan: Plan,
    folder: Path,
    writers: list[Callable[[Plan, Path], list[Path]]] | None = None,
    known: Collection[str] | None = None,
) -> list[Path]:
    """Write the whole review pack to *folder*, atomically: a failed run leaves it untouched.

    Everything is written to a temporary sibling folder ``.NAME.<pid>.new`` first; then the
    earlier report (if any) is renamed to ``.NAME.<pid>.old``, the new one to *folder*, and the
    old one removed. A run killed anywhere in between is repaired by the next (:func:`recover`).
    Only a missing, empty or earlier report folder is ever replaced; a symlink to one is
    followed. Folders and files get the modes the umask gives.
    Only files named in *known* (by default the review pack's; ``ipplan export`` gives its
    own) may be in a folder it replaces.

    Raises:
        OutputError: *folder* is a file or holds other files, or the disk refused a write.
    """
    target = report_target(folder)
    temp = target.with_name(f".{target.name}.{os.getpid()}.new")
    old = target.with_name(f".{target.name}.{os.getpid()}.old")
    try:
        recover(target)
        _check_replaceable(target, known)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(temp, ignore_errors=True)
        temp.mkdir()  # the umask's mode, not mkdtemp's 0700
    except OSError as err:
        raise OutputError(f"{folder}: cannot write the report there ({_reason(err)})") from None
    try:
        written = []
        for write in DEFAULT_WRITERS if writers is None else writers:
            written += write(plan, temp)
        if target.exists():
            target.rename(old)
        temp.rename(target)
        shutil.rmtree(old, ignore_errors=True)
    except BaseException as err:
        shutil.rmtree(temp, ignore_errors=True)
        if old.exists() and not target.exists():
            old.rename(target)
        if isinstance(err, OSError):
            raise OutputError(f"{folder}: cannot write the report ({_reason(err)})") from None
        raise
    if os.path.lexists(old):  # what the check above cannot foresee (an immutable file)
        raise OutputError(
            f"{folder}: wrote the report, but the earlier one could not be removed and is left "
            f"beside it as {_quote(old.name)}; remove it"
        )
    return [folder / p.name for p in written]


def _reason(err: OSError) -> str:
    return " ".join(str(err.strerror or err).split())
