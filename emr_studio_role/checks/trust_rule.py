"""Rule ``EmrStudio-TrustConditions``: the trust policy's confused-deputy conditions."""

from __future__ import annotations

from typing import List

from .. import statements as st
from .model import Finding, Json, as_list, props
from .policies import Statement, statements_of
from .render import STACK_URL_SUFFIX, Renderer
from .rules import RULE_TRUST

_POSITIVE_OPERATORS = {"stringequals", "stringlike", "arnequals", "arnlike"}
#: EMR's service principal: ``elasticmapreduce.<URL suffix>``, the ``.cn`` name in aws-cn.
_EMR_SERVICE = st.EMR_SERVICE_PRINCIPAL.split(".", 1)[0]
_EMR_PRINCIPALS = frozenset(
    (st.EMR_SERVICE_PRINCIPAL, st.EMR_SERVICE_PRINCIPAL + ".cn", f"{_EMR_SERVICE}.{STACK_URL_SUFFIX}")
)


def trusts_emr(statement: Statement) -> bool:
    """An Allow statement whose principal is EMR's service principal (in any partition)."""
    if statement.get("Effect") != "Allow":
        return False
    principal = statement.get("Principal")
    if not isinstance(principal, dict):
        return False
    renderer = Renderer(None, "")
    services = {renderer.render(s) for s in as_list(principal.get("Service"))}
    return bool(services & _EMR_PRINCIPALS)


def role_trusts_emr(role: Json) -> bool:
    """The role's trust policy allows EMR's service principal."""
    return any(trusts_emr(s) for s in statements_of(props(role).get("AssumeRolePolicyDocument")))


def _condition_values(condition: Json, key: str) -> List[str]:
    """Values of ``key`` under positive operators (condition keys are case-insensitive)."""
    values: List[str] = []
    if not isinstance(condition, dict):
        return values
    for operator, block in condition.items():
        if operator.lower() not in _POSITIVE_OPERATORS or not isinstance(block, dict):
            continue
        for k, v in block.items():
            if k.lower() == key.lower():
                values += list(v)
    return values


def _account_open(value: str, arn: bool) -> bool:
    if arn:
        parts = value.split(":", 5)
        account = parts[4] if len(parts) == 6 else value
    else:
        account = value
    return account == "" or "*" in account or "?" in account


def check_trust(logical_id: str, role: Json, template: str = "") -> List[Finding]:
    """Rule ``EmrStudio-TrustConditions`` for one ``AWS::IAM::Role`` resource."""
    findings = []
    document = props(role).get("AssumeRolePolicyDocument")
    for index, statement in enumerate(statements_of(document)):
        if not trusts_emr(statement):
            continue
        condition = statement.get("Condition")
        missing = []
        for key, is_arn in (("aws:SourceAccount", False), ("aws:SourceArn", True)):
            values = _condition_values(condition, key)
            if not values or any(_account_open(v, is_arn) for v in values):
                missing.append(key)
        if missing:
            findings.append(
                Finding(
                    RULE_TRUST,
                    template,
                    logical_id,
                    f"Properties/AssumeRolePolicyDocument/Statement/{index}",
                    f"Role {logical_id} trusts {st.EMR_SERVICE_PRINCIPAL} without "
                    f"{' and '.join(missing)} (each under StringEquals/StringLike/ArnEquals/"
                    "ArnLike, naming one account): AWS's page requires both against the "
                    "confused deputy problem.",
                )
            )
    return findings
