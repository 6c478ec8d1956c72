"""Scenario files: YAML (or JSON) validated by pydantic into typed, frozen values.

The package follows a file's way in: ``load`` reads the text, ``format`` (the pydantic models,
the single definition of the format and of ``ipplan schema``) validates its shape, ``messages``
says a shape error in the scenario's words, ``checks`` runs the semantic checks (one module per
concern) and returns the frozen values of ``types``. Every problem is one ``ScenarioError``
line: ``{source}: {path}: {value} {what is wrong}; {fix}``.
"""

from ipplan.scenario.checks import parse_scenario
from ipplan.scenario.format import scenario_schema
from ipplan.scenario.load import load_scenario
from ipplan.scenario.types import (
    ClusterSpec,
    ExternalRange,
    Planning,
    Scenario,
    SubnetSpec,
    VNet,
)

__all__ = [
    "ClusterSpec",
    "ExternalRange",
    "Planning",
    "Scenario",
    "SubnetSpec",
    "VNet",
    "load_scenario",
    "parse_scenario",
    "scenario_schema",
]
