"""Scenario files: YAML (or JSON) validated by pydantic into typed, frozen values.

The package follows a file's way in: ``load`` reads the text, ``format`` (the pydantic models,
the single definition of the format and of ``ipplan schema``) validates its shape, ``messages``
says a shape error in the scenario's words, ``checks`` runs the semantic checks (one module per
concern) and returns the frozen values of ``types``. Every problem is one ``ScenarioError``
line: ``{source}: {path}: {value} {what is wrong}; {fix}``.
"""

from typing import TYPE_CHECKING, Any

from ipplan.scenario.checks import parse_scenario
from ipplan.scenario.format import scenario_schema
from ipplan.scenario.types import (
    ClusterSpec,
    ExternalRange,
    Planning,
    Scenario,
    SubnetSpec,
    VNet,
)

if TYPE_CHECKING:
    from ipplan.scenario.load import load_scenario

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


def __getattr__(name: str) -> Any:
    """``load_scenario`` on first use: loading brings in PyYAML, which ``ipplan compare``
    (options, no file) does not need."""
    if name == "load_scenario":
        from ipplan.scenario.load import load_scenario

        return load_scenario
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
