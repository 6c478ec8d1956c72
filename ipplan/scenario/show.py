"""How a message shows a value the user wrote: on one line, as YAML would write it."""

from __future__ import annotations

from datetime import date

__all__ = ["flow", "kind", "show"]


def show(value: object) -> str:
    """A value as the user wrote it, on one line and at most 60 characters.

    >>> show("10.0.0.0/8"), show({"name": "x", "cidrs": ["10.0.0.0/8"]})
    ("'10.0.0.0/8'", '{name: x, cidrs: [10.0.0.0/8]}')
    """
    text = repr(value) if isinstance(value, str) else flow(value)
    return text if len(text) <= 60 else text[:57] + "..."


def flow(value: object) -> str:
    """YAML flow style: ``{name: x, cidrs: [10.0.0.0/8]}``."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return "{" + ", ".join(f"{flow(k)}: {flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(flow(item) for item in value) + "]"
    if isinstance(value, str) and not (value.isprintable() and value.strip() == value and value):
        return repr(value)  # keeps the message on one line and shows the spaces
    return str(value)


def kind(value: object) -> str:
    """What a value is, in a message: "a list", "text" or "a value"."""
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "text"
    return "a value"
