"""What a change to a scenario does: two plans compared, and the regressions of rule A27.

``diff(old, new, min_runway_months)`` compares, per subnet, per cluster (on its own model) and
per cluster and compared model: CIDRs (new, moved, removed), IPs required now and at peak, room
to grow and what binds it, the first resource to run out and its runway, feasibility, and the
problems and warnings NEW adds. A regression (rule A27) is judged on the clusters' own models,
against OLD: a resource whose runway in NEW is below *min_runway_months* and shorter than in OLD,
a cluster feasible in OLD and infeasible in NEW, or an existing subnet whose CIDR changes (Azure
cannot move a subnet in use, rule A22).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from ipplan.core.capacity import Comparison, comparison
from ipplan.core.cidr import PrefixIndex
from ipplan.core.forecast import Forecast, Series
from ipplan.core.keys import Origin, ResourceKind
from ipplan.core.plan import Plan, SubnetPlan
from ipplan.rules import Severity

__all__ = ["CHANGE_COLUMNS", "Change", "Diff", "diff"]

Value = str | int | bool | None


@dataclass(frozen=True)
class Change:
    """One field that differs between OLD and NEW."""

    scope: str  # subnet, cluster (its own model), model (a compared model), resource, scenario
    subject: str  # the subnet (vnet/name), cluster, resource or "" for the scenario
    model: str  # the network model, "" for a subnet or the scenario
    field: str  # what differs, as in the CSV columns: cidr, required_peak_ips, runway_months...
    old: Value  # None: absent in OLD (or, for a runway, lasting past the horizon)
    new: Value
    change: str  # new, removed, moved, up, down or changed
    regression: str = ""  # the regression line (rule A27), "" when it is none


#: the columns of ``ipplan diff --format csv``
CHANGE_COLUMNS = ("scope", "subject", "model", "field", "old", "new", "change", "regression")


@dataclass(frozen=True)
class Diff:
    """Every change from OLD to NEW, and the regressions among them."""

    changes: tuple[Change, ...]
    min_runway_months: int
    #: existing subnets NEW leaves out, each with what NEW places over it (:func:`_left_out`)
    left_out: tuple[str, ...] = ()

    @property
    def regressions(self) -> tuple[str, ...]:
        """One line per regression (rule A27), in the order of the changes."""
        return tuple(c.regression for c in self.changes if c.regression)

    @property
    def notes(self) -> tuple[str, ...]:
        """Subnets ipplan places that land elsewhere in NEW: no regression (the scenario says
        they do not exist yet), but one deployed from OLD already would have to move; then the
        existing subnets NEW leaves out."""
        moved = tuple(
            f"subnet {c.subject} moves from {c.old} to {c.new}: if it is deployed already, "
            f"pin it in NEW with cidr: {c.old} (Azure cannot move a subnet in use)"
            for c in self.changes
            if c.scope == "subnet" and c.change == "moved" and not c.regression
        )
        return moved + self.left_out

    @property
    def moved_existing(self) -> tuple[Change, ...]:
        """Existing subnets whose CIDR NEW changes: always called out (a regression)."""
        return tuple(
            c for c in self.changes if c.scope == "subnet" and c.change == "moved" and c.regression
        )


#: the value of room_nodes when there is no room (rule A18): a limit is broken already with the
#: growth pool at 0, so it is less than any count
NO_ROOM = "no room"


def _room_nodes(nodes: int | None, limited_by: str | None) -> Value:
    """room_nodes as diff compares it: the count, NO_ROOM, or None when room is not computed."""
    return NO_ROOM if nodes is None and limited_by is not None else nodes


def _direction(field: str, old: Value, new: Value) -> str:
    if field == "room_nodes" and NO_ROOM in (old, new):
        return "down" if new == NO_ROOM else "up"
    if field == "runway_months":  # None: it lasts past the horizon
        if not isinstance(new, int):
            return "up"
        return "down" if not isinstance(old, int) or new < old else "up"
    if field == "first_to_run_out":
        return "changed"
    if old is None:
        return "new"
    if new is None:
        return "removed"
    if isinstance(old, int) and isinstance(new, int) and not isinstance(old, bool):
        return "up" if new > old else "down"
    return "changed"


def _fields(
    scope: str, subject: str, model: str, old: dict[str, Value], new: dict[str, Value]
) -> list[Change]:
    return [
        Change(scope, subject, model, name, old.get(name), new.get(name), "")
        for name in dict.fromkeys([*old, *new])
        if old.get(name) != new.get(name)
    ]


def _with_direction(changes: Iterable[Change]) -> list[Change]:
    return [
        c if c.change else replace(c, change=_direction(c.field, c.old, c.new)) for c in changes
    ]


def _subnet_fields(s: SubnetPlan) -> dict[str, Value]:
    return {
        "cidr": str(s.cidr),
        "origin": str(s.origin),
        "role": str(s.role),
        "usable_ips": s.usable_ips,
        "required_now_ips": s.now_ips,
        "required_peak_ips": s.peak_ips,
        "room_nodes": None if s.room is None else _room_nodes(s.room.nodes, s.room.limited_by),
        "room_limited_by": None if s.room is None else s.room.limited_by,
        "status": str(s.status),
    }


def _subnets(old: Plan, new: Plan) -> list[Change]:
    before = {s.key: s for s in old.subnets}
    after = {s.key: s for s in new.subnets}
    changes: list[Change] = []
    for key in sorted(before.keys() | after.keys()):
        subject = str(key)
        if key not in after:
            changes.append(
                Change("subnet", subject, "", "cidr", str(before[key].cidr), None, "removed")
            )
            continue
        if key not in before:
            changes.append(Change("subnet", subject, "", "cidr", None, str(after[key].cidr), "new"))
            continue
        b, a = before[key], after[key]
        for c in _fields("subnet", subject, "", _subnet_fields(b), _subnet_fields(a)):
            if c.field == "cidr":
                existing = b.origin is Origin.EXISTING
                why = (
                    f"existing subnet {key} moves from {b.cidr} to {a.cidr}: Azure cannot "
                    f"move a subnet in use (rule A27); keep cidr: {b.cidr}"
                    if existing
                    else ""
                )
                c = replace(c, change="moved", regression=why)
            changes.append(c)
    return changes


def _left_out(old: Plan, new: Plan) -> tuple[str, ...]:
    """The existing subnets of OLD that NEW does not have: no regression (rule A27 counts a
    move, and deleting a subnet is a choice), but Azure keeps a subnet until someone deletes
    it, and NEW's plan takes its addresses for free space: say what NEW places over it."""
    kept = {s.key for s in new.subnets}
    gone = [s for s in old.subnets if s.origin is Origin.EXISTING and s.key not in kept]
    if not gone:
        return ()
    index = PrefixIndex([s.cidr for s in new.subnets])
    notes = []
    for s in gone:
        over = [new.subnets[i] for i in index.overlapping(s.cidr)]
        over = [n for n in over if n.vnet == s.vnet]
        where = ", ".join(f"{n.key} ({n.cidr})" for n in over)
        notes.append(
            f"existing subnet {s.key} ({s.cidr}, {s.now_ips:,} IPs in use in OLD) is not in NEW: "
            + (f"NEW places {where} over it; " if over else "")
            + "if it is still deployed, keep it in NEW until it is deleted in Azure"
        )
    return tuple(notes)


def _runway(series: Series | None) -> tuple[str | None, int | None]:
    if series is None or series.exhaustion_month is None:
        return None, None
    return series.resource.label, series.exhaustion_month


def _answers(row: Comparison, forecast: Forecast, model: str) -> dict[str, Value]:
    first, runway = _runway(forecast.binding(model, row.cluster))
    return {
        "network": str(row.network),
        "nodes": row.nodes,
        "peak_nodes": row.peak_nodes,
        "node_subnet_ips": row.node_subnet_ips,
        "pod_subnet_ips": row.pod_subnet_ips,
        "vnet_ips": row.vnet_ips,
        "room_nodes": _room_nodes(row.room_nodes, row.room_limited_by),
        "room_limited_by": row.room_limited_by,
        "first_to_run_out": first,
        "runway_months": runway,
        "feasible": row.feasible,
    }


def _issues(plan: Plan, cluster: str, severity: Severity) -> list[str]:
    return [f"{p.message}; {p.fix}" for p in plan.estimate.problems_of(cluster, severity)]


def _clusters(old: Plan, new: Plan, old_f: Forecast, new_f: Forecast) -> list[Change]:
    before = {c.name: c for c in old.estimate.clusters}
    after = {c.name: c for c in new.estimate.clusters}
    changes: list[Change] = []
    for name in sorted(before.keys() | after.keys()):
        if name not in after or name not in before:
            gone = name not in after
            network = str((before if gone else after)[name].network)
            changes.append(
                Change(
                    "cluster",
                    name,
                    network,
                    "cluster",
                    name if gone else None,
                    None if gone else name,
                    "removed" if gone else "new",
                )
            )
            continue
        b = _answers(comparison(old.estimate, name), old_f, old_f.current)
        a = _answers(comparison(new.estimate, name), new_f, new_f.current)
        model = str(after[name].network)
        for c in _fields("cluster", name, model, b, a):
            if c.field == "feasible" and c.old is True:
                problems = "; ".join(_issues(new, name, Severity.ERROR))
                why = f"cluster {name} ({model}) is feasible in OLD, not in NEW: {problems}"
                c = replace(c, change="changed", regression=why)
            changes.append(c)
        for severity, field in ((Severity.ERROR, "problem"), (Severity.WARNING, "warning")):
            had = set(_issues(old, name, severity))
            for text in _issues(new, name, severity):
                if text not in had:
                    changes.append(Change("cluster", name, model, field, None, text, "new"))
        own = {str(before[name].network), model}
        for model_name in sorted(set(old.comparisons) & set(new.comparisons)):
            if str(model_name) in own and len(own) == 1:
                continue  # the cluster rows above are this model's
            b = _answers(comparison(old.comparisons[model_name], name), old_f, str(model_name))
            a = _answers(comparison(new.comparisons[model_name], name), new_f, str(model_name))
            del b["network"], a["network"]
            changes += _fields("model", name, str(model_name), b, a)
    return changes


def _resources(old_f: Forecast, new_f: Forecast, min_runway_months: int) -> list[Change]:
    """Runway per resource of the clusters' own models; a regression when NEW's is below the
    minimum and shorter than OLD's (a resource OLD does not have lasted there)."""
    never = 10**6
    before = {(s.resource.kind, s.resource.name): s for s in old_f.of(old_f.current)}
    changes: list[Change] = []
    for s in new_f.of(new_f.current):
        if s.capacity is None:
            continue
        key = (s.resource.kind, s.resource.name)
        b = before.get(key)
        old_runway = None if b is None else b.exhaustion_month
        new_runway = s.exhaustion_month
        if old_runway == new_runway:
            continue
        shorter = (never if new_runway is None else new_runway) < (
            never if old_runway is None else old_runway
        )
        why = ""
        # short already (month 0) is the cluster's infeasibility, said once there, as check does
        short_now = new_runway == 0 and s.resource.kind is not ResourceKind.RETIREMENT
        if shorter and new_runway is not None and new_runway < min_runway_months and not short_now:
            then = "lasted past the horizon" if old_runway is None else f"had {old_runway}"
            why = (
                f"{s.resource.label}: runs out {new_f.months[new_runway]}, {new_runway} months "
                f"of runway ({min_runway_months} required; OLD {then})"
            )
        changes.append(
            Change(
                "resource",
                s.resource.label,
                new_f.current,
                "runway_months",
                old_runway,
                new_runway,
                "down" if shorter else "up",
                why,
            )
        )
    return changes


def _scenario(old: Plan, new: Plan) -> list[Change]:
    """Warnings NEW adds that are not a cluster's (those are in its rows), without the file name
    (OLD and NEW are different files)."""

    def strip(plan: Plan) -> list[str]:
        prefix = f"{plan.scenario.source}: "
        clusters = {str(p) for p in plan.estimate.problems}
        return [w.removeprefix(prefix) for w in plan.warnings if w not in clusters]

    had = set(strip(old))
    return [
        Change("scenario", "", "", "warning", None, w, "new") for w in strip(new) if w not in had
    ]


def diff(old: Plan, new: Plan, min_runway_months: int = 12) -> Diff:
    """Compare *new* with *old* (rule A27); forecasts run over the longer of the two horizons,
    at least *min_runway_months*.

    >>> from ipplan.core.plan import build_plan
    >>> from ipplan.scenario import parse_scenario
    >>> def plan(cidr):
    ...     vnet = {"name": "v", "address_space": ["10.1.0.0/16"],
    ...             "subnets": [{"name": "gw", "cidr": cidr}]}
    ...     return build_plan(parse_scenario({"name": "t", "vnets": [vnet]}, source="t"))
    >>> diff(plan("10.1.0.0/27"), plan("10.1.0.0/27")).changes
    ()
    >>> diff(plan("10.1.0.0/27"), plan("10.1.1.0/27")).regressions[0][:52]
    'existing subnet v/gw moves from 10.1.0.0/27 to 10.1.'
    """
    horizon = max(
        old.scenario.planning.horizon_months,
        new.scenario.planning.horizon_months,
        min_runway_months,
    )
    old_f, new_f = old.forecast_for(horizon), new.forecast_for(horizon)
    changes = _subnets(old, new) + _clusters(old, new, old_f, new_f)
    changes += _resources(old_f, new_f, min_runway_months) + _scenario(old, new)
    return Diff(tuple(_with_direction(changes)), min_runway_months, _left_out(old, new))
