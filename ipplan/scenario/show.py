"""How a message shows a value the user wrote: on one line, as YAML would write it."""

from __future__ import annotations

from datetime import date

__all__ = ["flow", "kind", "show"]


def show(value: object) -> str:
    """A value as the user wrote it, on one line and at most 60 characters.

    >>> show("10.0.0.0/8"), show({"name": "x", "cidrs": ["10.0.0.0/8"]})
    ("'10.0.0.0/8'", '{name: x, cidrs: [10.0.0.0/8]}')
    """
    text = repr(value[:61]) if isinstance(value, str) else flow(value, 61)
    return text if len(text) <= 60 else text[:57] + "..."


def flow(value: object, budget: int = 61, depth: int = 0) -> str:
    """YAML flow style: ``{name: x, cidrs: [10.0.0.0/8]}``.

    Stops once past *budget* characters (the caller cuts there), and shows what is nested more
    than 10 deep as ``...``: a huge or deep value costs no more than a short one.
    """
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int) and value.bit_length() > 4 * budget:  # str() refuses 4,300 digits
        digits = int(value.bit_length() * 0.30103)  # log10(2): a digit or so short
        return str(value // 10 ** max(digits - budget, 0))[:budget] + "..."
    if isinstance(value, dict | list | tuple):
        if depth >= 10:
            return "..."
        dict_ = isinstance(value, dict)
        text = "{" if dict_ else "["
        for i, item in enumerate(value.items() if isinstance(value, dict) else value):
            if len(text) > budget:
                return text
            text += ", " if i else ""
            if dict_:
                key, item_value = item
                text += flow(key, budget - len(text), depth + 1) + ": "
                text += flow(item_value, budget - len(text), depth + 1)
            else:
                text += flow(item, budget - len(text), depth + 1)
        return text + ("}" if dict_ else "]")
    if isinstance(value, str):
        value = value[: max(budget, 0) + 1]
        if not (value.isprintable() and value.strip() == value and value):
            return repr(value)  # keeps the message on one line and shows the spaces
    return str(value)


def kind(value: object) -> str:
    """What a value is, in a message: "a list", "text" or "a value"."""
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "text"
    return "a value"
