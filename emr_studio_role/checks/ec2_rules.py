"""The EMR Studio policy's EC2 statements: ``EmrStudio-GuardedStatements`` (the page's
statements that must not change) and ``EmrStudio-RequestTagOnCreate`` (a new resource's
tag is in the request, not on the resource)."""

from __future__ import annotations

from typing import Dict, List, Sequence, Tuple

from .. import statements as st
from .model import Finding
from .policies import RolePolicies, Statement, actions, iam_match, unread_note
from .render import PARTITIONS, STACK_PARTITION
from .rules import RULE_GUARDED, RULE_REQUEST_TAG

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


# ---------------------------------------------------------------------------
# EmrStudio-RequestTagOnCreate
# ---------------------------------------------------------------------------

#: The page's two ``Create*`` statements conditioned on ``aws:RequestTag``: the action, the
#: type of the resource it creates, and the page's Sid.
CREATE_ACTIONS: Tuple[Tuple[str, str, str], ...] = (
    ("ec2:CreateNetworkInterface", "network-interface", st.ALLOW_EC2_ENI_CREATION_WITH_EMR_TAGS.sid),
    ("ec2:CreateSecurityGroup", "security-group", st.ALLOW_DEFAULT_SG_CREATION_WITH_EMR_TAGS.sid),
)
#: A resource id no policy names literally: only a wildcard covers it.
_NEW_ID = "\x01new"


def _covers_new(pattern: str, resource_type: str) -> bool:
    """The resource pattern covers a new EC2 resource of ``resource_type``, in any partition,
    region and account (the pattern's own where it names them)."""
    parts = pattern.split(":", 5)
    if len(parts) == 6 and parts[0] == "arn":
        return iam_match(parts[2], "ec2") and iam_match(parts[5], f"{resource_type}/{_NEW_ID}")
    return any(
        iam_match(pattern, f"arn:{p}:ec2:\x01:\x01:{resource_type}/{_NEW_ID}")
        for p in (STACK_PARTITION, *sorted(PARTITIONS))
    )


def _operator_needs_the_key(operator: str, values: Sequence[str]) -> bool:
    """The operator is false when its key is absent from the request (IAM: positive
    operators without ``...IfExists``, ``ForAnyValue:``, ``Null`` = ``false``); negated
    operators, ``...IfExists``, ``ForAllValues:`` and ``Null`` = ``true`` hold without it."""
    op = operator.lower()
    if op == "null":
        return all(v.lower() == "false" for v in values)
    if op.startswith("forallvalues:") or op.endswith("ifexists") or "not" in op:
        return False
    return True


def _resource_tag_keys(statement: Statement) -> List[str]:
    """The resource-tag condition keys (``aws:ResourceTag/...``, ``ec2:ResourceTag/...``) that
    the statement needs on the resource: with such a key, it never allows a resource that
    has no tags yet."""
    condition = statement.get("Condition")
    if not isinstance(condition, dict):
        return []
    return [
        key
        for operator, block in condition.items()
        if isinstance(block, dict)
        for key, values in block.items()
        if key.lower().startswith(("aws:resourcetag/", "ec2:resourcetag/"))
        and _operator_needs_the_key(operator, values)
    ]


def _allows_create(statement: Statement, action: str, resource_type: str) -> bool:
    if statement.get("Effect") != "Allow" or "Action" not in statement or "Resource" not in statement:
        return False
    if not any(iam_match(a, action.lower()) for a in actions(statement)):
        return False
    return any(_covers_new(r, resource_type) for r in statement["Resource"])


def check_create_request_tag(
    logical_id: str, policies: RolePolicies, template: str = ""
) -> List[Finding]:
    """Rule ``EmrStudio-RequestTagOnCreate`` for the policies of one EMR Studio role.

    For each of the page's two ``Create*`` actions on the resource type it creates: when
    every statement that allows it is conditioned on the resource's existing tags, each
    of those statements is reported (none can ever allow the request).
    """
    findings = []
    for action, resource_type, page_sid in CREATE_ACTIONS:
        allowing = [s for s in policies.statements if _allows_create(s, action, resource_type)]
        dead = [s for s in allowing if _resource_tag_keys(s)]
        if not dead or len(dead) < len(allowing):
            continue  # not granted at all (the guarded rules' concern), or granted by a usable statement
        for statement in dead:
            sid = statement.get("Sid")
            named = f"statement '{sid}'" if sid else "a statement without Sid"
            keys = ", ".join(sorted(set(_resource_tag_keys(statement))))
            findings.append(
                Finding(
                    RULE_REQUEST_TAG,
                    template,
                    logical_id,
                    "Properties",
                    f"The EMR Studio policy of role {logical_id} allows {action} on "
                    f"{resource_type}/* only in {named}, conditioned on {keys}: a "
                    f"{resource_type} being created has no tags yet, so the request is always "
                    f"denied and EMR Studio cannot create it. AWS's page ({page_sid}) conditions "
                    f"it on aws:RequestTag/{st.EMR_TAG_KEY}={st.EMR_TAG_VALUE}"
                    f"{unread_note(policies)}.",
                )
            )
    return findings
