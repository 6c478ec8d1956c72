"""The plan as Terraform for the azurerm provider (rule A27), as text ``terraform fmt`` keeps.

``terraform_files(plan)`` returns the files of a small root module, by name:

* ``network.tf``: an ``azurerm_subnet`` for each subnet ipplan allocated or sized, named by its
  Azure name, with ``address_prefixes`` and the delegation its kind needs. The VNets are read by
  name (``data "azurerm_virtual_network"``), and so are the existing subnets a node pool uses.
  With ``everything`` (``--all``, a greenfield estate) the VNets and the existing subnets are
  resources too.
* ``variables.tf``: the resource group (and, with ``everything``, the location): ipplan does not
  know them.
* ``outputs.tf``: ``local.clusters``, each cluster's pod CIDR, service CIDR, DNS service IP and
  its node pools' ``vnet_subnet_id`` and ``pod_subnet_id`` (what
  ``azurerm_kubernetes_cluster_node_pool`` takes), and outputs of them.
* ``ipplan.auto.tfvars.json``: the same map by subnet name, for teams with their own modules.

Resource labels are ``<vnet>_<subnet>`` made valid Terraform identifiers, unique over the whole
scenario (a clash gets ``_2``, ``_3`` in the order of the subnets' keys), so a label does not
change with ``--all``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from ipplan.core.keys import Origin, SubnetKey
from ipplan.core.plan import Plan, SubnetPlan
from ipplan.export.hcl import Attr, Block, Comment, Obj, Raw, identifier, quote, render
from ipplan.rules import KIND_RULES, SubnetKind
from ipplan.scenario import SubnetSpec

__all__ = ["TERRAFORM_FILES", "delegation_for", "subnet_labels", "terraform_files"]

#: the files ``terraform`` returns, in order
TERRAFORM_FILES = ("network.tf", "outputs.tf", "variables.tf", "ipplan.auto.tfvars.json")


def delegation_for(kind: SubnetKind | None) -> str | None:
    """The service a subnet of *kind* must be delegated to (rule A24), None for none: read from
    the rulebook's kind table, the one home of each delegation.

    >>> delegation_for(SubnetKind("aci")), delegation_for(SubnetKind("bastion"))
    ('Microsoft.ContainerInstance/containerGroups', None)
    """
    return None if kind is None else KIND_RULES[kind].delegation


def subnet_labels(plan: Plan) -> dict[SubnetKey, str]:
    """Every subnet's Terraform label: ``<vnet>_<subnet>``, valid and unique (rule A27).

    Labels are given in the order of the subnets' keys; a label already taken gets the first
    free ``_2``, ``_3``... suffix.
    """
    keys = sorted(s.key for s in plan.subnets)
    wanted = {key: identifier(f"{key.vnet}_{key.name}") for key in keys}
    taken: set[str] = set()
    labels: dict[SubnetKey, str] = {}
    for key in keys:  # first come, first served: the plain label goes to the first key
        label = wanted[key]
        n = 2
        while label in taken:
            label = f"{wanted[key]}_{n}"
            n += 1
        taken.add(label)
        labels[key] = label
    return labels


def _vnet_labels(plan: Plan) -> dict[str, str]:
    labels: dict[str, str] = {}
    for name in sorted(v.name for v in plan.vnets):
        label, n = identifier(name), 2
        while label in labels.values():
            label, n = f"{identifier(name)}_{n}", n + 1
        labels[name] = label
    return labels


def _specs(plan: Plan) -> dict[SubnetKey, SubnetSpec]:
    return {SubnetKey(v.name, s.name): s for v in plan.scenario.vnets for s in v.subnets}


def _exported(subnet: SubnetPlan, everything: bool) -> bool:
    return everything or subnet.origin is not Origin.EXISTING


def _pool_subnets(plan: Plan) -> dict[str, list[tuple[str, SubnetKey, SubnetKey | None]]]:
    """cluster -> [(pool, node subnet, pod subnet)] under the cluster's own model; a pod subnet
    only where the model takes pod IPs from one (kubenet ignores a pool's ``pod_subnet``)."""
    known = {s.key for s in plan.subnets}
    pools: dict[str, list[tuple[str, SubnetKey, SubnetKey | None]]] = {}
    for d in plan.estimate.pools:
        pod = d.pod_subnet if d.pod_subnet in known else None
        pools.setdefault(d.cluster, []).append((d.pool, d.subnet, pod))
    return pools


def _referenced(plan: Plan) -> set[SubnetKey]:
    return {
        key
        for pools in _pool_subnets(plan).values()
        for _, node, pod in pools
        for key in (node, pod)
        if key is not None
    }


def _prefixes(subnet: SubnetPlan) -> Raw:
    return Raw(f"[{quote(str(subnet.cidr))}]")


def _network(plan: Plan, everything: bool) -> str:
    labels, vnet_labels = subnet_labels(plan), _vnet_labels(plan)
    specs = _specs(plan)
    referenced = _referenced(plan)
    exported = [s for s in plan.subnets if _exported(s, everything)]
    read = [s for s in plan.subnets if not _exported(s, everything) and s.key in referenced]
    vnets_used = {s.vnet for s in (*exported, *read)}
    vnet_ref = "azurerm_virtual_network" if everything else "data.azurerm_virtual_network"
    rg = Raw("var.resource_group_name")
    items: list[Block | Comment] = [
        Comment(f"Generated by ipplan from scenario {plan.scenario.name}: do not edit by hand;"),
        Comment("change the scenario and run `ipplan export terraform` again."),
    ]
    for vnet in sorted(plan.vnets, key=lambda v: vnet_labels[v.name]):
        if vnet.name not in vnets_used and not everything:
            continue
        label = vnet_labels[vnet.name]
        if everything:
            space = ", ".join(quote(str(n)) for n in vnet.address_space)
            body: list[Attr | Block | Comment] = [
                Attr("name", Raw(quote(vnet.name))),
                Attr("location", Raw("var.location")),
                Attr("resource_group_name", rg),
                Attr("address_space", Raw(f"[{space}]")),
            ]
            items.append(Block("resource", ("azurerm_virtual_network", label), body))
        else:
            body = [Attr("name", Raw(quote(vnet.name))), Attr("resource_group_name", rg)]
            items.append(Block("data", ("azurerm_virtual_network", label), body))
    for subnet in sorted((*exported, *read), key=lambda s: labels[s.key]):
        vnet_name = Raw(f"{vnet_ref}.{vnet_labels[subnet.vnet]}.name")
        if not _exported(subnet, everything):  # read: an existing subnet a node pool uses
            body = [
                Comment(f"{subnet.key}: existing {subnet.cidr}, used by a node pool"),
                Attr("name", Raw(quote(subnet.name))),
                Attr("resource_group_name", rg),
                Attr("virtual_network_name", vnet_name),
            ]
            items.append(Block("data", ("azurerm_subnet", labels[subnet.key]), body))
            continue
        users = f", for {' '.join(subnet.users)}" if subnet.users else ""
        body = [
            Comment(
                f"{subnet.key}: {subnet.origin} /{subnet.cidr.prefixlen}, {subnet.peak_ips:,} "
                f"of {subnet.usable_ips:,} usable IPs at peak{users}"
            ),
            Attr("name", Raw(quote(subnet.name))),
            Attr("resource_group_name", rg),
            Attr("virtual_network_name", vnet_name),
            Attr("address_prefixes", _prefixes(subnet)),
        ]
        service = delegation_for(specs[subnet.key].kind)
        if service is not None:
            delegation = Block(
                "delegation",
                (),
                [
                    Attr("name", Raw(quote(service.split("/")[-1]))),
                    Block("service_delegation", (), [Attr("name", Raw(quote(service)))]),
                ],
            )
            body.append(delegation)
        items.append(Block("resource", ("azurerm_subnet", labels[subnet.key]), body))
    return render(items)


def _pod_cidr(plan: Plan, cluster: str) -> str | None:
    spec = next(c for c in plan.scenario.clusters if c.name == cluster)
    in_use = spec.pod_cidr_in_use
    return None if in_use is None else str(in_use)


def _cluster_facts(plan: Plan) -> dict[str, dict[str, str | None]]:
    return {
        c.name: {
            "network": str(c.network),
            "pod_cidr": _pod_cidr(plan, c.name),
            "service_cidr": str(c.service_cidr),
            "dns_service_ip": str(c.dns_service_ip),
        }
        for c in plan.scenario.clusters
    }


def _text(value: str | None) -> Raw:
    return Raw("null" if value is None else quote(value))


def _outputs(plan: Plan, everything: bool) -> str:
    labels = subnet_labels(plan)
    origins = {s.key: s for s in plan.subnets}

    def subnet_id(key: SubnetKey | None) -> Raw:
        if key is None:
            return Raw("null")
        data = "" if _exported(origins[key], everything) else "data."
        return Raw(f"{data}azurerm_subnet.{labels[key]}.id")

    pools = _pool_subnets(plan)
    clusters: list[tuple[str, Raw | Obj]] = []
    for name, facts in sorted(_cluster_facts(plan).items()):
        node_pools = Obj(
            [
                (
                    quote(pool),
                    Obj([("vnet_subnet_id", subnet_id(node)), ("pod_subnet_id", subnet_id(pod))]),
                )
                for pool, node, pod in pools.get(name, [])
            ]
        )
        items: list[tuple[str, Raw | Obj]] = [(k, _text(v)) for k, v in facts.items()]
        clusters.append((quote(name), Obj([*items, ("node_pools", node_pools)])))
    described = {
        "node_pools": "Each cluster's node pools: vnet_subnet_id and pod_subnet_id.",
        "pod_cidr": "Each cluster's pod CIDR (null where its network model has none).",
        "service_cidr": "Each cluster's service CIDR.",
        "dns_service_ip": "Each cluster's DNS service IP.",
    }
    outputs = [
        Block(
            "output",
            (name,),
            [
                Attr("description", Raw(quote(words))),
                Attr("value", Raw(f"{{ for name, c in local.clusters : name => c.{name} }}")),
            ],
        )
        for name, words in described.items()
    ]
    return render([Block("locals", (), [Attr("clusters", Obj(clusters))]), *outputs])


def _variables(everything: bool) -> str:
    blocks = [
        Block(
            "variable",
            ("resource_group_name",),
            [
                Attr("description", Raw(quote("The resource group of the virtual networks."))),
                Attr("type", Raw("string")),
            ],
        )
    ]
    if everything:
        blocks.append(
            Block(
                "variable",
                ("location",),
                [
                    Attr("description", Raw(quote("The Azure region of the virtual networks."))),
                    Attr("type", Raw("string")),
                ],
            )
        )
    blocks.append(
        Block(
            "variable",
            ("ipplan_clusters",),
            [
                Attr(
                    "description",
                    Raw(
                        quote(
                            "The clusters of local.clusters by subnet name, for your own modules "
                            "(set by ipplan.auto.tfvars.json)."
                        )
                    ),
                ),
                Attr(
                    "type",
                    Raw(
                        "map(object({ network = string, pod_cidr = string, service_cidr = string, "
                        "dns_service_ip = string, virtual_network_name = string, node_pools = "
                        "map(object({ vnet_subnet_name = string, pod_subnet_name = string })) }))"
                    ),
                ),
                Attr("default", Raw("{}")),
            ],
        )
    )
    return render(blocks)


def _tfvars(plan: Plan) -> str:
    pools = _pool_subnets(plan)
    vnets = {c.name: c.vnet for c in plan.scenario.clusters}
    clusters: dict[str, object] = {}
    for name, facts in _cluster_facts(plan).items():
        clusters[name] = {
            **facts,
            "virtual_network_name": vnets[name],
            "node_pools": {
                pool: {
                    "vnet_subnet_name": node.name,
                    "pod_subnet_name": None if pod is None else pod.name,
                }
                for pool, node, pod in pools.get(name, [])
            },
        }
    return json.dumps({"ipplan_clusters": clusters}, indent=2, sort_keys=True) + "\n"


def terraform_files(plan: Plan, *, everything: bool = False) -> Mapping[str, str]:
    """The Terraform files for *plan*, by file name (:data:`TERRAFORM_FILES`).

    Args:
        everything: also the existing subnets, and the VNets as resources (``--all``).
    """
    return {
        "network.tf": _network(plan, everything),
        "outputs.tf": _outputs(plan, everything),
        "variables.tf": _variables(everything),
        "ipplan.auto.tfvars.json": _tfvars(plan),
    }
