"""A pydantic validation error said in the scenario's words: one located line.

pydantic says ``Input should be a valid integer``; a scenario author wants
``clusters[0].node_pools[1].nodes: '3' is not a whole number; write 3 without quotes``.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Sequence
from datetime import date

from pydantic import BaseModel
from pydantic_core import ErrorDetails

from ipplan.errors import FieldPath, ScenarioError
from ipplan.rules import OS, AppGatewaySku, Dataplane, Mode, Network, Priority, SubnetKind, Upgrade
from ipplan.scenario.format import (
    ClusterModel,
    ExternalModel,
    GrowthModel,
    NodePoolModel,
    PlanningModel,
    PrivateLinkServiceModel,
    ScenarioModel,
    SubnetModel,
    VNetModel,
)
from ipplan.scenario.show import show

__all__ = ["validation_problem"]

#: which model a mapping is, by the key it sits under (the root is the scenario)
_MODELS: dict[str, tuple[type[BaseModel], str]] = {
    "": (ScenarioModel, "a top-level"),
    "planning": (PlanningModel, "a planning"),
    "vnets": (VNetModel, "a VNet"),
    "subnets": (SubnetModel, "a subnet"),
    "external": (ExternalModel, "an external range"),
    "clusters": (ClusterModel, "a cluster"),
    "node_pools": (NodePoolModel, "a node pool"),
    "growth": (GrowthModel, "a growth"),
    "private_link_services": (PrivateLinkServiceModel, "a Private Link Service"),
}

#: what to write for a missing key
_EXAMPLES = {
    ".name": "contoso-prod (letters, digits, - _ .; it names the report folder)",
    "name": "a name",
    "vnets": "[{name: spoke, address_space: [10.20.0.0/16]}]",
    "address_space": "[10.20.0.0/16]",
    "cidrs": "[10.0.0.0/12]",
    "vnet": "the name of one of the vnets",
    "subnet": "the name of a subnet in the cluster's VNet",
    "nodes": "3",
    "node_pools": "[{name: system, subnet: aks-nodes, nodes: 3}]",
    "start": "2027-01",
}

#: why a number has its bounds, per field: (too small, too big); {limit} is the bound
_BOUNDS: dict[str, tuple[str, str]] = {
    "max_pods": (
        "is below AKS's minimum of {limit} pods per node",
        "is above AKS's limit of {limit}",
    ),
    "pods_in_use": ("is negative", "is above AKS's limit of {limit} pods per node"),
    "nodes": ("is negative", "is above AKS's limit of {limit} nodes per pool"),
    "nat_ips": (
        "is below {limit}; a Private Link Service takes 1 to 8 NAT IPs (rule A24)",
        "is above {limit}; a Private Link Service takes 1 to 8 NAT IPs (rule A24)",
    ),
    "instances": (
        "is below {limit}; an Application Gateway runs 1 to 125 instances (rule A24)",
        "is above {limit}; an Application Gateway v2 runs at most 125 instances (rule A24)",
    ),
    "max_nodes": (
        "is below {limit}; give the autoscaler's maximum node count",
        "is above AKS's limit of {limit} nodes per pool",
    ),
    "prefix": (
        "is shorter than Azure allows (the largest subnet is a /{limit})",
        "is longer than Azure allows (the smallest subnet is a /{limit}); use {limit} or less",
    ),
    "horizon_months": (
        "is below {limit}; forecast at least one month",
        "is above the limit of {limit} months",
    ),
    "headroom_pct": ("is negative; use 0 for none", "is above the limit of {limit}%"),
    "warn_at_pct": ("is below {limit}%", "is above {limit}%"),
    "used_ips": (
        "is negative; use 0 for none",
        "is above {limit}, the addresses of Azure's largest subnet (a /2)",
    ),
    "internal_lbs": (
        "is negative; use 0 for none",
        "is above {limit}, a VNet's private IPs (each frontend takes one)",
    ),
    "private_endpoints": (
        "is negative; use 0 for none",
        "is above {limit}, a VNet's private IPs (each endpoint takes one)",
    ),
    "endpoints": (
        "is negative; use 0 for none",
        "is above {limit}, a VNet's private IPs (each endpoint takes one)",
    ),
    "pods": (
        "is negative; use 0 for none",
        "is above {limit}, a VNet's private IPs (each virtual-node pod takes one)",
    ),
    "nodes_per_month": (
        "is negative; use 0 for no growth",
        "is above ipplan's bound of {limit} nodes a month (a pool holds at most 1,000)",
    ),
    "percent_per_month": (
        "is negative; use 0 for no growth",
        "is above ipplan's bound of {limit}% a month",
    ),
}

_PATTERNS = {
    "name": "is not a valid scenario name; use letters, digits, - _ . only, starting with a "
    "letter or digit (it names the report folder)",
    "start": "is not a month; write YYYY-MM, such as 2027-01",
    "max_surge": "is not a surge; use a node count such as 1 or a percentage such as 33%",
}

_EMPTY_LISTS = {
    "vnets": "give at least one VNet",
    "address_space": "give at least one CIDR, such as [10.20.0.0/16]",
    "cidrs": "give at least one CIDR, such as [10.0.0.0/12]",
    "node_pools": "give at least one node pool",
    "compare": "list at least one network model, or leave compare out for all five",
}

_ENUMS: dict[str, tuple[str, tuple[str, ...]]] = {
    "network": ("a network model", tuple(Network)),
    "compare": ("a network model", tuple(Network)),
    "dataplane": ("a dataplane", tuple(Dataplane)),
    "os": ("an OS", tuple(OS)),
    "mode": ("a pool mode", tuple(Mode)),
    "kind": ("a subnet kind", tuple(SubnetKind)),
    "sku": ("an Application Gateway SKU", tuple(AppGatewaySku)),
    "upgrade": ("an upgrade mode", tuple(Upgrade)),
    "priority": ("a pool priority", tuple(Priority)),
}

#: a YAML 1.1 trap: unquoted yes/no/on/off are booleans
_YAML_BOOLEANS = " (YAML reads unquoted yes/no/on/off as true/false; quote it)"


def validation_problem(errors: Sequence[ErrorDetails]) -> ScenarioError:
    """The error to report: an unknown key first (it explains a "missing" one), else the first."""
    unknown = [error for error in errors if error["type"] in ("extra_forbidden", "invalid_key")]
    error = (unknown or list(errors))[0]
    return _describe(error)


def _describe(error: ErrorDetails) -> ScenarioError:
    """One pydantic error, located, in the scenario's words."""
    loc = FieldPath(error["loc"])
    kind = error["type"]
    value = error["input"]
    ctx = error.get("ctx", {})
    keys = [part for part in loc if isinstance(part, str)]
    field = keys[-1] if keys else ""
    if kind in ("extra_forbidden", "missing", "invalid_key"):
        parent, key = FieldPath(loc[:-1]), loc[-1]
        parent_keys = [part for part in parent if isinstance(part, str)]
        model, noun = _MODELS.get(parent_keys[-1] if parent_keys else "", _MODELS[""])
        if kind == "missing":
            example = _EXAMPLES.get(f"{parent}.{key}", _EXAMPLES.get(str(key), "..."))
            return ScenarioError(
                f"required key {key!r} is missing; add {key}: {example}", path=parent
            )
        if kind == "invalid_key":
            return ScenarioError(
                f"{show(value)} is not a valid key; keys are names such as nodes",
                path=parent,
                value=show(value),
            )
        allowed = list(model.model_fields)
        close = difflib.get_close_matches(str(key), allowed, n=1, cutoff=0.6)
        fix = f"did you mean {close[0]}?" if close else f"use one of: {', '.join(allowed)}"
        return ScenarioError(f"{show(key)} is not {noun} key; {fix}", path=parent, value=show(key))
    shown = show(value)
    message: str
    if value is None and kind.endswith("_type"):
        fix = "list its items, each starting with '- '" if kind == "list_type" else "give one"
        message = f"has no value; {fix}"
    elif field == "start" and kind in ("string_type", "string_pattern_mismatch"):
        kind_of = "a date, not a month" if isinstance(value, date) else "not a month"
        message = f"{shown} is {kind_of}; write YYYY-MM, such as 2027-01"
    elif kind in ("int_type", "int_parsing", "int_from_float"):
        example = "22" if field == "prefix" else "3"
        message = f"{shown} is not a whole number" + _number_fix(value, example, whole=True)
    elif kind in ("float_type", "float_parsing"):
        message = f"{shown} is not a number" + _number_fix(value, "2", whole=False)
    elif kind == "finite_number":
        message = f"{shown} is not a finite number; give a number such as 2"
    elif kind == "string_type":
        hint = _YAML_BOOLEANS if isinstance(value, bool) else ""
        message = f"{shown} is not text" + (hint or "; quote it")
    elif kind in ("bool_type", "bool_parsing"):
        message = f"{shown} is not true or false; write true or false without quotes"
    elif kind == "list_type":
        message = f"{shown} is not a list; " + _list_fix(field, value)
    elif kind in ("dict_type", "model_type", "model_attributes_type"):
        message = f"{shown} is not a mapping; write key: value pairs (ipplan schema lists them)"
    elif kind == "literal_error" and field == "size":
        message = f"{shown} is not a size; write size: auto, or prefix: 22 for a fixed size"
    elif kind in ("enum", "literal_error"):
        noun, choices = _ENUMS.get(field, ("allowed", ()))
        if not choices:
            message = f"{shown} is not allowed; use {ctx.get('expected', '')}"
        else:
            close = difflib.get_close_matches(str(value), choices, n=1, cutoff=0.6)
            fix = f"did you mean {close[0]}?" if close else f"use one of: {', '.join(choices)}"
            if field == "kind" and value == "nat-gateway":
                # rule A24: a NAT gateway attaches to subnets but takes none of their IPs
                fix = "a NAT gateway takes no subnet IPs (rule A24); leave kind out"
            message = f"{shown} is not {noun}; {fix}"
    elif kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        below = kind.startswith("greater")
        limit = ctx.get("ge", ctx.get("gt", ctx.get("le", ctx.get("lt"))))
        phrases = _BOUNDS.get(field, ("is below the minimum of {limit}", "is above {limit}"))
        if isinstance(limit, float) and limit.is_integer():
            limit = int(limit)
        shown_limit = f"{limit:,}" if isinstance(limit, int) else limit
        message = f"{shown} " + phrases[0 if below else 1].format(limit=shown_limit)
    elif kind == "string_pattern_mismatch":
        message = f"{shown} " + _PATTERNS.get(field, f"does not match {ctx.get('pattern')}")
    elif kind == "string_too_short":
        message = f"{shown} is empty; give a name"
    elif kind == "string_too_long":
        message = f"{shown} is longer than {ctx.get('max_length')} characters; shorten it"
    elif kind == "too_short":
        message = f"{shown} is empty; " + _EMPTY_LISTS.get(field, "give at least one item")
    elif kind == "too_long" and field == "node_pools":
        count = ctx.get("actual_length")
        limit = ctx.get("max_length")
        shown = f"{count} node pools" if count is not None else "the list"
        message = f"{shown} is above AKS's limit of {limit} per cluster; split the cluster"
    elif kind == "value_error":
        message = str(ctx.get("error", error["msg"]))
    else:
        message = f"{shown} is invalid: {error['msg'][:1].lower()}{error['msg'][1:]}"
    return ScenarioError(message, path=loc, value=shown)


def _list_fix(field: str, value: object) -> str:
    if isinstance(value, dict):
        return "start each item with '- ' (a YAML list)"
    if field == "compare":
        return (
            "write a list such as [kubenet, azure-cni-overlay], or leave compare out for all five"
        )
    if isinstance(value, str):
        return f"write [{value}]"
    return "write a list, such as [a, b]"


def _number_fix(value: object, example: str, whole: bool) -> str:
    """How to write *value* as a number (a whole one when *whole*)."""
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("/") and text[1:].isdigit():
            return f"; write {text[1:]} (no slash)"
        # only forms YAML reads back as a number once unquoted (it keeps 1e3 as text)
        if re.fullmatch(r"-?[0-9]+" if whole else r"-?[0-9]+(\.[0-9]+)?", text):
            return f"; write {text} without quotes"
    elif isinstance(value, float) and whole:
        # past 2^53 a float is no exact whole number: 1e308 rounded was 309 digits of noise
        sane = math.isfinite(value) and abs(value) < 2**53
        return f"; give a whole number such as {round(value) if sane else example}"
    return f"; give a number such as {example}"
