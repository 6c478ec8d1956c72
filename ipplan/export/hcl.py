"""A small HCL writer that lays text out as ``terraform fmt`` does (pure, stdlib only).

Only what the Terraform export needs: blocks with labels, attributes, object constructors and
comments. ``terraform fmt`` indents by two spaces and aligns the ``=`` of consecutive one-line
attributes; a multi-line value, a nested block, a comment or a blank line ends the run.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

__all__ = ["Attr", "Block", "Comment", "Obj", "Raw", "identifier", "quote", "render"]

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")


def quote(text: str) -> str:
    r"""*text* as an HCL string literal: quotes, backslashes, control characters and the
    template openers ``${`` and ``%{`` escaped.

    >>> print(quote('a "b" ${c} \\ d'))
    "a \"b\" $${c} \\ d"
    """
    body = json.dumps(text, ensure_ascii=False)[1:-1]  # \" \\ \n \t \uXXXX: HCL's escapes too
    return '"' + body.replace("${", "$${").replace("%{", "%%{") + '"'


def identifier(text: str) -> str:
    """*text* as a Terraform label in snake case: lowercase; anything but letters, digits and
    ``_`` becomes ``_``; a leading digit gets a ``_`` before it.

    >>> identifier("spoke-prod_AzureFirewallSubnet"), identifier("10net_a.b")
    ('spoke_prod_azurefirewallsubnet', '_10net_a_b')
    """
    label = re.sub(r"[^a-z0-9_]", "_", text.lower())
    if not label or not _IDENTIFIER.fullmatch(label):
        label = "_" + label
    return label


@dataclass(frozen=True)
class Raw:
    """An expression written as is: a reference, ``null``, a number, a quoted string."""

    text: str


@dataclass(frozen=True)
class Obj:
    """An object constructor ``{ key = value ... }``, one item a line; keys written as given."""

    items: Sequence[tuple[str, Raw | Obj]]


@dataclass(frozen=True)
class Attr:
    """``name = value``."""

    name: str
    value: Raw | Obj


@dataclass(frozen=True)
class Comment:
    """A ``#`` comment line."""

    text: str


@dataclass(frozen=True)
class Block:
    """``type "label" ... { body }``."""

    type: str
    labels: Sequence[str] = ()
    body: Sequence[Attr | Block | Comment] = field(default_factory=tuple)


def _value(value: Raw | Obj, depth: int) -> list[str]:
    """The lines of *value*; the first one continues its ``name =`` line."""
    if isinstance(value, Raw):
        return [value.text]
    if not value.items:
        return ["{}"]
    return ["{", *_items(value.items, depth + 1), "  " * depth + "}"]


def _items(items: Sequence[tuple[str, Raw | Obj]], depth: int) -> list[str]:
    """Assignments at *depth*, with the ``=`` of each run of one-line values aligned."""
    pad = "  " * depth
    lines: list[str] = []
    run: list[tuple[str, str]] = []

    def flush() -> None:
        width = max((len(name) for name, _ in run), default=0)
        lines.extend(f"{pad}{name.ljust(width)} = {text}" for name, text in run)
        run.clear()

    for name, value in items:
        rendered = _value(value, depth)
        if len(rendered) == 1:
            run.append((name, rendered[0]))
            continue
        flush()
        lines.append(f"{pad}{name} = {rendered[0]}")
        lines.extend(rendered[1:])
    flush()
    return lines


def _block(block: Block, depth: int) -> list[str]:
    pad = "  " * depth
    head = " ".join([block.type, *(quote(label) for label in block.labels)])
    lines = [f"{pad}{head} {{"]
    pending: list[tuple[str, Raw | Obj]] = []
    for item in block.body:
        if isinstance(item, Attr):
            pending.append((item.name, item.value))
            continue
        lines.extend(_items(pending, depth + 1))
        pending = []
        if isinstance(item, Comment):
            lines.append(f"{pad}  # {item.text}".rstrip())
        else:
            if len(lines) > 1 and not lines[-1].lstrip().startswith("#"):
                lines.append("")
            lines.extend(_block(item, depth + 1))
    lines.extend(_items(pending, depth + 1))
    lines.append(f"{pad}}}")
    return lines


def render(items: Sequence[Block | Comment]) -> str:
    """A file of top-level blocks (a blank line between them) and comments."""
    lines: list[str] = []
    for item in items:
        if isinstance(item, Comment):
            lines.append(f"# {item.text}".rstrip())
            continue
        if lines and not lines[-1].startswith("#"):
            lines.append("")
        lines.extend(_block(item, 0))
    return "\n".join(lines) + "\n"
