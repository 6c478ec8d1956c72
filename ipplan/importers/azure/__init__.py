"""Import an Azure estate into a scenario: VNets, subnets, peerings and AKS clusters.

ipplan never calls Azure: the user runs ``az`` and hands over the JSON. This module is pure: it
takes the text of those files and returns the scenario as data and as YAML text with comments.

Accepted documents (each a single object, a list, a ``{"value": [...]}`` list body, or a REST
example ``{"responses": {"200": {"body": ...}}}``, where 200 is read before 201):

- VNets: ``az network vnet list -o json`` / ``az network vnet show`` (flattened camelCase) and the
  ARM REST shape (fields under ``properties``). Keys are matched case-insensitively, so
  ``vnetSubnetID`` (ARM) and ``vnetSubnetId`` (CLI) are the same field.
- Clusters: ``az aks list|show -o json`` and ARM managed cluster bodies, with their
  ``agentPoolProfiles``. Standalone agent pool documents (``az aks nodepool list|show``,
  ``AgentPools_Get``) replace the same-named pool of their cluster (matched by resource ID), or
  are added to it; a pool whose cluster is not imported is reported and ignored.

How a subnet's ``used_ips`` is counted: the number of its ``ipConfigurations``, less those an
imported cluster's settings already model, so nothing is counted twice. An ipConfiguration belongs
to an imported cluster when its resource group is the cluster's node resource group and it is

- a NIC of one of the cluster's imported node pools' scale sets (``virtualMachineScaleSets/
  aks-<pool>-...`` for Linux, ``aks<pool>`` for Windows): node IPs, and with azure-cni or a pod
  subnet also the pod IPs; the node pools model these;
- a frontend of the ``kubernetes-internal`` load balancer in the subnet of the cluster's first
  node pool: it is counted in the cluster's ``internal_lbs`` instead;
- the API server's private endpoint NIC (``kube-apiserver.nic.*``) of a private cluster, in the
  subnet of its first node pool: ``private_cluster: true`` models it.

Anything else stays in ``used_ips``: counting it twice only makes the plan more cautious.

Clusters are matched to subnets by the pools' ``vnetSubnetID``/``podSubnetID`` (case-insensitive,
as Azure compares resource IDs). A pool without ``vnetSubnetID`` runs in the AKS-managed VNet
(``aks-vnet-*`` with subnet ``aks-subnet`` in the node resource group); it is used when that VNet is
imported. What cannot be mapped is kept as a ``# ipplan:`` comment in the generated file.

The result always passes ``parse_scenario``: each build is validated, and what ipplan would
reject (VNets that overlap, a service CIDR that overlaps a VNet, ...) is left out, commented out
with the validation message, and the scenario built again without it.

The package follows the import: ``read`` (the JSON documents), ``vnets``, ``clusters``,
``used_ips`` and ``peerings`` (building the scenario's entries), ``review`` (what validation
rejects, and the vetoes that leave it out) and ``render`` (the YAML with its comments).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ipplan.core.cidr import gc_paused
from ipplan.errors import ScenarioError
from ipplan.importers.azure.clusters import build_clusters
from ipplan.importers.azure.names import unique_name
from ipplan.importers.azure.peerings import build_external
from ipplan.importers.azure.read import read_clusters, read_vnets
from ipplan.importers.azure.render import REVIEW, notes, one_line, render
from ipplan.importers.azure.review import Vetoes, problems
from ipplan.importers.azure.used_ips import count_used_ips
from ipplan.importers.azure.vnets import build_vnets, estate
from ipplan.scenario import Planning
from ipplan.scenario.bounds import start_problem

__all__ = ["AzureImport", "import_azure"]

_PLANNING_DEFAULTS = {
    "horizon_months": Planning.horizon_months,
    "headroom_pct": Planning.headroom_pct,
    "warn_at_pct": Planning.warn_at_pct,
}


@dataclass(frozen=True)
class AzureImport:
    """The result of an import: the scenario as data, as YAML text, and what needs review.

    ``text`` loads (``yaml.safe_load``) to exactly ``scenario``; ``notes`` are the items the import
    could not map as they are (each is also a ``# ipplan:`` comment in ``text``).
    """

    scenario: dict[str, Any]
    text: str
    notes: tuple[str, ...]


def import_azure(
    vnet_files: Sequence[tuple[str, str]],
    cluster_files: Sequence[tuple[str, str]] = (),
    *,
    start: str,
    name: str | None = None,
) -> AzureImport:
    """Build a scenario from Azure JSON documents: VNets, and optionally AKS clusters.

    Args:
        vnet_files: ``(source, text)`` of each VNet document; *source* names it in messages.
        cluster_files: ``(source, text)`` of each cluster or agent pool document.
        start: the first forecast month, ``YYYY-MM``.
        name: the scenario's name; default the first imported VNet's.

    Raises:
        ScenarioError: a document is not JSON, or not the kind of Azure resource expected.

    >>> vnet = '{"name": "hub", "addressSpace": {"addressPrefixes": ["10.0.0.0/16"]},'
    >>> vnet += ' "subnets": [{"name": "default", "addressPrefix": "10.0.0.0/24"}]}'
    >>> print(import_azure([("vnets.json", vnet)], start="2027-01").text, end="")
    # ipplan scenario imported from Azure: vnets.json
    name: hub
    planning: {start: 2027-01, horizon_months: 36, headroom_pct: 20, warn_at_pct: 80}
    vnets:
      - name: hub
        address_space: [10.0.0.0/16]
        subnets:
          - {name: default, cidr: 10.0.0.0/24}
    """
    try:
        with gc_paused():  # the estate's resources and each build's entries: 10^5 objects
            return _import(vnet_files, cluster_files, start, name)
    except ScenarioError as err:  # Azure's values are quoted in messages: keep them one line
        raise ScenarioError(
            one_line(err.message), source=err.source, path=err.path, value=err.value, refs=err.refs
        ) from None


def _import(
    vnet_files: Sequence[tuple[str, str]],
    cluster_files: Sequence[tuple[str, str]],
    start: str,
    name: str | None,
) -> AzureImport:
    if wrong := start_problem(start):
        raise ScenarioError(f"start: {start!r} {wrong}")
    read_notes: list[str] = []
    vnets = read_vnets(vnet_files)
    clusters = read_clusters(cluster_files, read_notes)
    vetoes = Vetoes()
    while True:
        top = list(read_notes)
        resources = estate(vnets, clusters, top)
        names: set[str] = set()  # VNet and external range names share one namespace
        placed = build_vnets(resources, names, vetoes)
        cluster_entries, live = build_clusters(resources, placed, vetoes)
        count_used_ips(resources, placed, live)
        sections = {
            "vnets": placed.entries,
            "external": build_external(resources, placed, names, vetoes),
            "clusters": cluster_entries,
        }
        kept = [e for e in placed.entries if not e.dropped]
        if not kept:
            sources = ", ".join(source for source, _ in vnet_files)
            why = next(notes(placed.entries))
            raise ScenarioError(f"{sources}: no VNet can be imported; the first: {why}")
        head = {
            "name": unique_name(name or kept[0].data["name"], set())[:100],  # the scenario's limit
            "planning": {"start": start, **_PLANNING_DEFAULTS},
        }
        scenario: dict[str, Any] = dict(head)
        for key, entries in sections.items():
            if entries:
                scenario[key] = [e.scenario() for e in entries if not e.dropped]
        found = problems(scenario)
        if not found:
            break
        for problem in found:
            vetoes.add(problem, sections)  # and build again without them
    if placed.mapped:
        top.append(
            f"{len(placed.mapped)} platform subnet{'s' if len(placed.mapped) > 1 else ''} "
            f"mapped to kinds (rule A24): {', '.join(placed.mapped)}"
        )
    sources = ", ".join(source for source, _ in [*vnet_files, *cluster_files])
    header = [f"ipplan scenario imported from Azure: {sources}"]
    top = [one_line(text) for text in top]
    all_notes = top + [note for entries in sections.values() for note in notes(entries)]
    if all_notes:
        count = f"{len(all_notes)} note{'s' if len(all_notes) > 1 else ''}"
        header.append(
            f"{count} to review: the comments starting 'ipplan:' mark what could not be "
            "imported as it is"
        )
    header += [f"{REVIEW}{text}" for text in top]
    return AzureImport(scenario, render(header, head, sections), tuple(all_notes))
