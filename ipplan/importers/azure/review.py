"""What scenario validation rejects in a build, and the vetoes that leave it out of the next.

The import keeps what ipplan cannot plan out of the scenario rather than write a file that
``ipplan plan`` rejects, such as a service CIDR that overlaps a peered VNet. It locates each
problem by the ScenarioError's field path, never by reading its message.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from netaddr import IPNetwork

from ipplan.core.cidr import PrefixIndex, parse_network
from ipplan.errors import FieldPath, IpplanError, ScenarioError
from ipplan.importers.azure.names import valid_name
from ipplan.importers.azure.render import Entry, review
from ipplan.rules import DEFAULT_POD_CIDR, DEFAULT_SERVICE_CIDR
from ipplan.scenario import parse_scenario

__all__ = ["REJECTED", "Problem", "Vetoes", "problems", "renamed"]

REJECTED = "not imported, as ipplan would reject it; fix it here and uncomment it"
#: a validation problem, and which cluster the trial's ``clusters[0]`` is (None: the build's own)
Problem = tuple[ScenarioError, int | None]
_SECTIONS = ("vnets", "external", "clusters")
_CHILDREN = ("subnets", "node_pools")


def renamed(entry: Entry, what: str, name: str, unique: str) -> None:
    """Say that Azure's *name* is written as *unique*, and why."""
    if unique == name:
        return
    why = "another one has its name" if valid_name(name) else "names use letters, digits, - _ ."
    review(entry, f"{what} {name} renamed {unique}: {why}")


class _Item:
    """The entry (and child entry) a field path names in a build, such as
    ``clusters[1].node_pools[0].os``: the cluster and pool entries, and the fields after them."""

    def __init__(
        self, path: FieldPath, sections: Mapping[str, list[Entry]], cluster: int | None
    ) -> None:
        if len(path) < 2 or path[0] not in _SECTIONS or not isinstance(path[1], int):
            raise LookupError(path)
        self.section = str(path[0])
        index = cluster if self.section == "clusters" and cluster is not None else path[1]
        self.entry = [e for e in sections[self.section] if not e.dropped][index]
        self.child: tuple[str, Entry] | None = None
        size = 2
        if len(path) >= 4 and path[2] in _CHILDREN and isinstance(path[3], int):
            key = str(path[2])
            self.child = (key, [c for c in self.entry.children[key] if not c.dropped][path[3]])
            size = 4
        self.rest = FieldPath(path[size:])

    def key(self) -> tuple[Any, ...]:
        """What the next build looks the veto up by: the Azure resources it was built from."""
        key: tuple[Any, ...] = (self.section, self.entry.origin)
        return key if self.child is None else (*key, self.child[1].origin)

    def named(self) -> str:
        """The path with names for positions, which change once an item is left out."""
        text = f"{self.section}[{self.entry.data['name']}]"
        if self.child is not None:
            text += f".{self.child[0]}[{self.child[1].data['name']}]"
        return f"{text}.{self.rest}" if self.rest else text


class Vetoes:
    """Items that scenario validation rejected, with its reason: the next build leaves them out."""

    def __init__(self) -> None:
        self.reasons: dict[tuple[Any, ...], str] = {}

    def get(self, *key: Any) -> str | None:
        return self.reasons.get(key)

    def add(self, problem: Problem, sections: Mapping[str, list[Entry]]) -> None:
        error, cluster = problem
        try:
            item = _Item(error.path, sections, cluster)
        except LookupError:
            raise RuntimeError(f"bug: the imported scenario does not validate: {error}") from None
        key = item.key()
        if key in self.reasons:
            raise RuntimeError(f"bug: the import does not leave out {key}: {error}")

        def name(ref: FieldPath) -> str:
            try:
                return _Item(ref, sections, cluster).named()
            except LookupError:
                return str(ref)

        message = error.cited(name)
        self.reasons[key] = f"{item.rest}: {message}" if item.rest else message


def _check(scenario: dict[str, Any]) -> ScenarioError | None:
    try:
        parse_scenario(scenario, source="<import>")
    except ScenarioError as err:
        return err
    return None


def problems(scenario: dict[str, Any]) -> list[Problem]:
    """What scenario validation rejects in a build: the first problem of the VNets and external
    ranges; else the first of each cluster, checked one by one (one pass finds them all); else
    the first of the whole scenario (what spans clusters)."""
    # A part of a build has no problem its whole lacks: leaving VNets, subnets, external
    # ranges or clusters out only takes checks away, except a ``size: auto`` subnet, which
    # needs a cluster's pool to size it (the import writes none). So a build that passes as a
    # whole, as the last build always does, is checked once, not once per cluster.
    whole = _check(scenario)
    sized = any("size" in s for v in scenario.get("vnets", []) for s in v.get("subnets", []))
    if whole is None and not sized:
        return []
    clusters = scenario.get("clusters", [])
    base = {key: value for key, value in scenario.items() if key != "clusters"}
    problem = _check(base)
    if problem:
        return [(problem, None)]
    vnets, externals = base["vnets"], base.get("external", [])
    # every VNet and external prefix in one index, each tagged with its owner: a cluster then
    # finds the ones its pod and service CIDRs touch by lookup, not by a pass over them all
    owners = [(0, vi) for vi, v in enumerate(vnets) for _ in v["address_space"]]
    owners += [(1, ei) for ei, e in enumerate(externals) for _ in e["cidrs"]]
    index = PrefixIndex(
        [parse_network(c) for v in vnets for c in v["address_space"]]
        + [parse_network(c) for e in externals for c in e["cidrs"]]
    )
    by_name: dict[str, list[int]] = {}
    for vi, v in enumerate(vnets):
        by_name.setdefault(v["name"], []).append(vi)
    found: list[Problem] = []
    for i, cluster in enumerate(clusters):
        # Other VNets' subnets never matter to a cluster, and VNets or ranges away from its pod
        # and service CIDRs only to the wording of a problem (indices, suggested ranges): check
        # without them first (fast), and with them only to word a problem found.
        ranges = _cluster_ranges(cluster)
        if ranges is None:
            touched = {(0, vi) for vi in range(len(vnets))}
            touched |= {(1, ei) for ei in range(len(externals))}
        else:
            touched = {owners[k] for r in ranges for k in index.overlapping(r)}
        own = by_name.get(cluster["vnet"], [])
        near = [
            {**vnets[vi], "subnets": []} if vnets[vi]["name"] != cluster["vnet"] else vnets[vi]
            for vi in sorted({vi for kind, vi in touched if kind == 0} | set(own))
        ]
        near_external = [externals[ei] for kind, ei in sorted(touched) if kind == 1]
        if _check({**base, "vnets": near, "external": near_external, "clusters": [cluster]}):
            full = [
                v if v["name"] == cluster["vnet"] else {**v, "subnets": []} for v in base["vnets"]
            ]
            problem = _check({**base, "vnets": full, "clusters": [cluster]})
            if problem:
                found.append((problem, i))  # the trial's clusters[0] is cluster i
    if found or not clusters:
        return found
    return [(whole, None)] if whole else []


def _cluster_ranges(cluster: Mapping[str, Any]) -> list[IPNetwork] | None:
    """The ranges a cluster's checks compare with the VNets: its pod and service CIDRs, or the
    defaults; None when one does not parse."""
    texts = [cluster.get("pod_cidr"), cluster.get("service_cidr")]
    texts += [DEFAULT_POD_CIDR, DEFAULT_SERVICE_CIDR]
    try:
        return [parse_network(text) for text in texts if text]
    except IpplanError:
        return None
