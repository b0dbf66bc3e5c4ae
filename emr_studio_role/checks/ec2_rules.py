"""Rule ``EmrStudio-GuardedStatements``: the page's EC2 statements that must not change."""

from __future__ import annotations

from typing import Dict, List, Sequence, Tuple

from .. import statements as st
from .model import Finding
from .policies import RolePolicies, Statement, actions, iam_match, unread_note
from .render import PARTITIONS, STACK_PARTITION
from .rules import RULE_GUARDED

_PAGE_EC2_STATEMENTS = tuple(
    spec for spec in st.PAGE_STATEMENTS if any(a.startswith("ec2:") for a in spec.actions)
)
_PAGE_EC2_SIDS = frozenset(spec.sid for spec in _PAGE_EC2_STATEMENTS)


def _condition(statement: Statement) -> Dict[str, Dict[str, Tuple[str, ...]]]:
    """The condition with keys lower-cased (IAM condition keys are case-insensitive)
    and values as sorted tuples; an empty condition is no condition."""
    out: Dict[str, Dict[str, Tuple[str, ...]]] = {}
    condition = statement.get("Condition")
    if not isinstance(condition, dict):
        return out
    for operator, block in condition.items():
        if isinstance(block, dict):
            if block:
                out[operator] = {k.lower(): tuple(sorted(v)) for k, v in block.items()}
        else:
            out[operator] = {"": (block,)}
    return out


def _spec_condition(spec: st.StatementSpec) -> Dict[str, Dict[str, Tuple[str, ...]]]:
    return {op: {k.lower(): (v,) for k, v in block.items()} for op, block in spec.condition.items()}


def _is_page_ec2_statement(statement: Statement) -> bool:
    if statement.get("Sid") in _PAGE_EC2_SIDS:
        return True
    return any(
        actions(statement) == frozenset(a.lower() for a in spec.actions)
        and _condition(statement) == _spec_condition(spec)
        for spec in _PAGE_EC2_STATEMENTS
    )


def _resource_as_page(rendered: str, pattern: st.ArnPattern) -> bool:
    """Exactly the page's ``arn:aws:<service>:*:*:<resource>/*``: only the partition may
    differ (a partition's name, or ``Ref AWS::Partition``); region and account are the
    page's ``*``, never narrowed."""
    parts = rendered.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn" or (parts[1] not in PARTITIONS and parts[1] != STACK_PARTITION):
        return False
    expected = f"{pattern.resource}{pattern.separator}{pattern.resource_name}"
    return parts[2] == pattern.service and parts[3:] == ["*", "*", expected]


def _matches_guarded(statement: Statement, spec: st.StatementSpec) -> bool:
    if statement.get("Sid") != spec.sid or statement.get("Effect") != "Allow":
        return False
    if set(statement) - {"Sid", "Effect", "Action", "Resource", "Condition"}:
        return False  # NotAction, NotResource, Principal...
    if actions(statement) != frozenset(a.lower() for a in spec.actions):
        return False
    if _condition(statement) != _spec_condition(spec):
        return False
    resources = list(statement.get("Resource", ()))
    patterns = [r for r in spec.resources if isinstance(r, st.ArnPattern)]
    return len(resources) == len(patterns) and all(
        any(_resource_as_page(r, p) for p in patterns) for r in resources
    )


def is_studio_policy(statements: Sequence[Statement]) -> bool:
    """True when the statements hold one of the page's EC2 statements (by Sid or by content)."""
    return any(_is_page_ec2_statement(s) for s in statements)


def check_guarded_statements(
    logical_id: str, policies: RolePolicies, template: str = ""
) -> List[Finding]:
    """Rule ``EmrStudio-GuardedStatements`` for the policies of one EMR Studio role."""
    findings = []
    for spec in st.GUARDED_STATEMENTS:
        same_sid = [s for s in policies.statements if s.get("Sid") == spec.sid]
        if any(_matches_guarded(s, spec) for s in same_sid):
            continue
        state = "altered" if same_sid else "missing"
        findings.append(
            Finding(
                RULE_GUARDED,
                template,
                logical_id,
                "Properties",
                f"The EMR Studio policy of role {logical_id} has the page's guarded statement "
                f"'{spec.sid}' {state}{unread_note(policies)}: AWS's page says it must not be changed.",
            )
        )
    return findings


def has_ec2_action(statements: Sequence[Statement]) -> bool:
    """Some Allow statement grants an ``ec2:`` action (or a wildcard that covers one)."""
    return any(
        a.startswith("ec2:") or iam_match(a, "ec2:createnetworkinterface")
        for s in statements
        if s.get("Effect") == "Allow"
        for a in actions(s)
    )
