"""Node pool and cluster checks: the subnets a pool names, and AKS's rules from the rulebook.

Every AKS limit on a pool or a cluster is checked by ``ipplan.rules`` (the same checks the
capacity model runs per network model); this module only says where in the file each one is.
"""

from __future__ import annotations

from collections.abc import Sequence

from ipplan.core.capacity import Growth, NodePool, max_pods_for, planning_nodes
from ipplan.core.keys import SubnetKey
from ipplan.errors import FieldPath, ScenarioError
from ipplan.rules import (
    POD_SUBNET_NETWORKS,
    Network,
    Severity,
    Violation,
    cluster_violations,
    is_system_pool,
    parse_surge,
    pool_violations,
    surge_nodes,
    unused_setting_violations,
)
from ipplan.scenario.format import ClusterModel, GrowthModel, NodePoolModel
from ipplan.scenario.names import unknown
from ipplan.scenario.show import show
from ipplan.scenario.types import ScenarioWarning

__all__ = ["Warnings", "check_cluster_rules", "node_pool"]

#: the warnings found so far, each at its field
Warnings = list[ScenarioWarning]

#: rules the plan reports as a model's infeasibility rather than the file's error: kubenet's
#: route table (rule A7) depends on the peak the plan computes, and the comparison exists to show
#: the models that do fit
_PLAN_REPORTS = frozenset({("A7", "node_pools")})


def _apply(
    violations: Sequence[Violation], path: FieldPath, model: object, warnings: Warnings
) -> None:
    """Raise the first error at its field; keep the warnings."""
    for violation in violations:
        if (violation.rule, violation.field) in _PLAN_REPORTS:
            continue
        where = path / violation.field if violation.field else path
        if violation.severity is Severity.WARNING:
            warnings.append(ScenarioWarning.of(violation, where))
            continue
        value = getattr(model, violation.field, None) if violation.field else None
        raise ScenarioError(
            f"{violation}", path=where, value=None if value is None else show(value)
        )


def check_cluster_rules(
    model: ClusterModel,
    path: FieldPath,
    pools: Sequence[NodePool],
    warnings: Warnings,
    compared: Sequence[Network] = (),
) -> None:
    """The rulebook's cluster rules (A6, A7, A10, A16, A21) for the cluster as written; a pod
    CIDR neither its model nor a model *compared* uses is warned of (rule A6)."""
    planning = [planning_nodes(pool) for pool in pools]
    violations = cluster_violations(
        f"cluster {model.name!r}",
        network=model.network,
        dataplane=model.dataplane,
        pools=len(pools),
        planning_nodes=sum(planning),
        peak_nodes=sum(
            n + surge_nodes(n, p.max_surge, p.upgrade, p.priority)
            for n, p in zip(planning, pools, strict=True)
        ),
        internal_lbs=model.internal_lbs,
    )
    given = {"pod_cidr": model.pod_cidr if "pod_cidr" in model.model_fields_set else None}
    violations += unused_setting_violations(
        f"cluster {model.name!r}", given, {model.network, *compared}
    )
    _apply(violations, path, model, warnings)


def node_pool(
    model: NodePoolModel,
    path: FieldPath,
    cluster: ClusterModel,
    subnets: Sequence[str],
    warnings: Warnings,
    compared: Sequence[Network] = (),
) -> NodePool:
    """A node pool: its subnets exist in the cluster's VNet, and it keeps AKS's pool rules; pods
    in use or a pod subnet that neither the cluster's model nor a model *compared* uses is
    warned of (rule A8)."""
    noun = f"subnet of VNet {cluster.vnet!r}"
    if model.subnet not in subnets:
        raise unknown(model.subnet, noun, subnets, path / "subnet")
    if model.pod_subnet is not None:
        if model.pod_subnet not in subnets:
            raise unknown(model.pod_subnet, noun, subnets, path / "pod_subnet")
        if model.pod_subnet == model.subnet:
            raise ScenarioError(
                f"{model.pod_subnet!r} is also the pool's node subnet; pods need a "
                "subnet of their own",
                path=path / "pod_subnet",
                value=repr(model.pod_subnet),
            )
    elif cluster.network in POD_SUBNET_NETWORKS:
        raise ScenarioError(
            f"pool {model.name!r} has no pod_subnet, but {cluster.network.value} takes pod "
            f"IPs from a separate subnet; add pod_subnet: <a subnet of VNet {cluster.vnet!r}>",
            path=path,
        )
    pool = NodePool(
        name=model.name,
        nodes=model.nodes,
        subnet=SubnetKey(cluster.vnet, model.subnet),
        max_nodes=model.max_nodes,
        max_pods=model.max_pods,
        pods_in_use=model.pods_in_use,
        max_surge=parse_surge(model.max_surge),
        os=model.os,
        pod_subnet=None if model.pod_subnet is None else SubnetKey(cluster.vnet, model.pod_subnet),
        growth=_growth(model.growth, path / "growth"),
        mode=model.mode,
        upgrade=model.upgrade,
        priority=model.priority,
    )
    index = path[-1] if isinstance(path[-1], int) else 0
    violations = pool_violations(
        f"pool {model.name!r}",
        network=cluster.network,
        dataplane=cluster.dataplane,
        os=pool.os,
        nodes=pool.nodes,
        max_nodes=pool.max_nodes,
        max_pods=max_pods_for(pool, cluster.network),  # a Windows default stays <= 110 (A19)
        max_pods_given=pool.max_pods is not None,
        pods_in_use=pool.pods_in_use,
        surge_nodes=surge_nodes(planning_nodes(pool), pool.max_surge, pool.upgrade, pool.priority),
        surge=str(pool.max_surge),
        upgrade=pool.upgrade,
        priority=pool.priority,
        system=is_system_pool([p.mode for p in cluster.node_pools], index),
        surge_given="max_surge" in model.model_fields_set,
    )
    violations += unused_setting_violations(
        f"pool {model.name!r}",
        {
            "pods_in_use": pool.pods_in_use,
            "pod_subnet": model.pod_subnet and show(model.pod_subnet),
        },
        {cluster.network, *compared},
    )
    _apply(violations, path, model, warnings)
    return pool


def _growth(model: GrowthModel | None, path: FieldPath) -> Growth | None:
    if model is None:
        return None
    if (model.nodes_per_month is None) == (model.percent_per_month is None):
        what = "has no rate" if model.nodes_per_month is None else "has both rates"
        rates = {
            "nodes_per_month": model.nodes_per_month,
            "percent_per_month": model.percent_per_month,
        }
        shown = "{" + ", ".join(f"{k}: {v:g}" for k, v in rates.items() if v is not None) + "}"
        raise ScenarioError(
            f"{shown} {what}; give exactly one: "
            "{nodes_per_month: 2} (linear) or {percent_per_month: 5} (compound)",
            path=path,
            value=shown,
        )
    return Growth(
        nodes_per_month=model.nodes_per_month or 0.0,
        percent_per_month=model.percent_per_month or 0.0,
    )
