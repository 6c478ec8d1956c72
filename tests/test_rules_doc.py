"""The project carries its own rules (rule A26): every rule id the code can print has a section in
docs/rules.md, A1..A27 are all there, every link is https, and the README points at the document."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RULES_DOC = ROOT / "docs" / "rules.md"
README = ROOT / "README.md"
ALL_RULES = {f"A{n}" for n in range(1, 28)}

_ID = r"A\d{1,2}\b"
_LIST = rf"{_ID}(?:(?:\s*,\s*|\s+and\s+|\s*/\s*){_ID})*"
# "rule A5", "rules A3, A5", "(A6, A14)", or a string that is only an id ("A7", a Violation's rule)
_PATTERNS = (
    re.compile(rf"\brules?\s+({_LIST})"),
    re.compile(rf"\(({_LIST})\)"),
    re.compile(rf"^({_ID})$"),
)


def rule_ids_in(text: str) -> set[str]:
    """The rule ids a piece of text names.

    >>> sorted(rule_ids_in("surge: the upgrade peak (rules A3, A5; ISS)"))
    ['A3', 'A5']
    >>> sorted(rule_ids_in("A10")), sorted(rule_ids_in("the pod CIDR (A6, A14)"))
    (['A10'], ['A14', 'A6'])
    >>> rule_ids_in("#CC79A7"), rule_ids_in("Part A of the rules")
    (set(), set())
    """
    found: set[str] = set()
    for pattern in _PATTERNS:
        for match in pattern.finditer(text):
            found.update(re.findall(_ID, match.group(1)))
    return found


def code_rule_ids() -> dict[str, list[str]]:
    """Every rule id in a string constant of ipplan/ (f-string parts included), with where."""
    where: dict[str, list[str]] = {}
    for path in sorted((ROOT / "ipplan").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):  # an f-string's literal parts are Constant nodes too
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                for rule in rule_ids_in(node.value):
                    where.setdefault(rule, []).append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return where


def _doc() -> str:
    return RULES_DOC.read_text(encoding="utf-8")


def _anchors(text: str) -> list[str]:
    return re.findall(r'<a id="(a\d{1,2})"></a>', text)


def test_every_rule_id_the_code_can_print_has_a_section() -> None:
    where = code_rule_ids()
    assert {"A2", "A5", "A7", "A10"} <= where.keys(), "the scan found no rule ids: is it broken?"
    anchors = set(_anchors(_doc()))
    missing = {rule: places for rule, places in where.items() if rule.lower() not in anchors}
    assert not missing, f"rule ids with no <a id> in docs/rules.md: {missing}"


def test_rules_a1_to_a27_each_have_one_anchor_and_a_heading() -> None:
    text = _doc()
    anchors = _anchors(text)
    assert sorted(set(anchors)) == sorted(rule.lower() for rule in ALL_RULES)
    assert len(anchors) == len(set(anchors)), "an anchor appears twice"
    for rule in ALL_RULES:
        heading = re.search(rf'<a id="{rule.lower()}"></a>\n## {rule} \S', text)
        assert heading, f"the anchor of {rule} is not followed by a '## {rule} ...' heading"


def test_every_link_in_the_rules_document_is_https() -> None:
    text = _doc()
    urls = re.findall(r"\b[a-zA-Z][a-zA-Z0-9+.-]*://[^\s)>\]]+", text)
    assert urls, "the rules document cites no sources"
    assert [u for u in urls if not u.startswith("https://")] == []
    # a source named without its scheme is not a link a reader can follow
    bare = re.findall(r"(?<![/\w.])(?:learn\.microsoft\.com|github\.com)/\S*", text)
    assert bare == []


def test_the_rules_document_stands_on_its_own() -> None:
    text = _doc()
    assert "aks-ip-rules" not in text and "/work/" not in text


def test_readme_links_the_rules_document_and_its_anchors_resolve() -> None:
    readme = README.read_text(encoding="utf-8")
    assert "aks-ip-rules" not in readme
    links = re.findall(r"\(docs/rules\.md(?:#([\w-]+))?\)", readme)
    assert links, "the README does not link docs/rules.md"
    anchors = set(_anchors(_doc()))
    assert [a for a in links if a and a not in anchors] == []
