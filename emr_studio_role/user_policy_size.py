"""The size of a user policy: sound bounds, the compact form, and the refusal.

A user policy is one customer-managed policy (a session mapping takes exactly one), so it must
fit IAM's 6,144 characters.  Sizes are bounded as :mod:`emr_studio_role.limits` bounds the
service role's policies; a role ARN counts at the longest it can be.  A policy whose page form
could exceed the limit takes its compact form (:func:`compact_statements`), which allows
exactly the same requests; one that cannot fit even so is refused (:class:`UserPolicyTooLarge`).
"""

from __future__ import annotations

import json
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

from aws_cdk import Token
from aws_cdk import aws_iam as iam

from .limits import DOCUMENT_OVERHEAD, MANAGED_POLICY_MAX_CHARS, ArnKind, Bound, bound_length, statement_bound
from .user_statements import UserPolicyLevel

#: The longest role ARN: ``arn:aws-us-gov:iam::<12 digits>:role``, a path of up to 512
#: characters (its slashes included) and a name of up to 64.
ROLE_ARN_MAX = len("arn:aws-us-gov:iam::123456789012:role") + 512 + 64
#: The longest Glue database name.
GLUE_NAME_MAX = 255

_PARTITION_MAX = 10  # aws-us-gov
_ACCOUNT_LEN = 12


class UserPolicyTooLarge(ValueError):
    """A user policy that could exceed IAM's 6,144 characters even in its compact form."""

    def __init__(self, level: UserPolicyLevel, bound: int, costliest: Sequence[Tuple[str, int]]):
        self.level = level
        self.bound = bound
        self.costliest = tuple(costliest)
        shown = ", ".join(f"{sid} ({cost})" for sid, cost in costliest)
        super().__init__(
            f"the {level.name} user policy could reach {bound:,} characters (its sound size bound, "
            f"in its compact form), over IAM's {MANAGED_POLICY_MAX_CHARS:,} for "
            f"a managed policy (the largest statements: {shown}); allowed: fewer or shorter roles, "
            "data buckets or Glue databases (a role created in this app counts at 37 characters "
            "plus its path and name, one imported by name or literal ARN at its length, any other "
            f"at {ROLE_ARN_MAX}); a session mapping takes one policy, so it cannot be split"
        )


def role_arn_bound(role: iam.IRole) -> Optional[int]:
    """The longest ARN ``role`` can have, when its ARN holds a token that is not a pseudo
    parameter (``None`` when :func:`~emr_studio_role.limits.bound_length` measures it as is):
    a role created in the app by its path and name, any other at :data:`ROLE_ARN_MAX`."""
    arn = role.role_arn
    if bound_length(arn, ArnKind.ANY) < ArnKind.ANY.value:
        return None  # literal, or pseudo parameters only (from_role_name)
    cfn = role.node.default_child
    if isinstance(cfn, iam.CfnRole):
        given_path, given_name = cfn.path, cfn.role_name  # one round trip each
        path = given_path if _literal(given_path) else None
        name = given_name if _literal(given_name) else None
        return (
            len("arn:") + _PARTITION_MAX + len(":iam::") + _ACCOUNT_LEN + len(":role")
            + (len(path) if path else (1 if given_path is None else 512))
            + (len(name) if name else 64)
        )
    return ROLE_ARN_MAX


def _literal(value: Any) -> bool:
    return isinstance(value, str) and not Token.is_unresolved(value)


def compact_statements(
    statements: Sequence[Mapping[str, Any]],
) -> List[Dict[str, Any]]:
    """The compact form of a policy: statements with the same effect, resources and condition
    merged into one (the union of their actions, at the place of the first), then statements
    with the same effect, actions and condition (the union of their resources), and no Sids.

    IAM allows a request when any statement allows it, and a statement allows an action on
    a resource when the action is one of its actions: the compact form allows exactly the
    same requests.
    """
    out: List[Dict[str, Any]] = []
    by_key: Dict[str, Dict[str, Any]] = {}
    for statement in statements:
        resources = statement["Resource"]
        key = json.dumps(
            [
                statement.get("Effect"),
                sorted(resources) if isinstance(resources, list) else [resources],
                statement.get("Condition"),
            ],
            sort_keys=True,
        )
        actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        merged = by_key.get(key)
        if merged is None:
            merged = {k: v for k, v in statement.items() if k != "Sid"}
            merged["Action"] = list(actions)
            by_key[key] = merged
            out.append(merged)
        else:
            merged["Action"] += [a for a in actions if a not in merged["Action"]]
    # Then statements with the same effect, actions and condition: the union of their resources.
    final: List[Dict[str, Any]] = []
    by_actions: Dict[str, Dict[str, Any]] = {}
    for statement in out:
        key = json.dumps(
            [statement.get("Effect"), sorted(statement["Action"]), statement.get("Condition")],
            sort_keys=True,
        )
        resources = statement["Resource"]
        resources = resources if isinstance(resources, list) else [resources]
        same = by_actions.get(key)
        if same is None or "*" in resources or "*" in same["Resource"]:
            statement["Resource"] = list(resources)
            by_actions.setdefault(key, statement)
            final.append(statement)
        else:
            same["Resource"] += [r for r in resources if r not in same["Resource"]]
    for statement in final:
        for part in ("Action", "Resource"):
            if len(statement[part]) == 1:
                statement[part] = statement[part][0]
    return final


def document_bound(statements: Sequence[Mapping[str, Any]], kind_of: Mapping[str, Bound]) -> int:
    """Sound upper bound of a policy document's length (see :mod:`emr_studio_role.limits`)."""
    return DOCUMENT_OVERHEAD + sum(statement_bound(s, kind_of) for s in statements)


def glue_arn_bound(value: str) -> Bound:
    """A Glue database or table ARN with a token name: the name at :data:`GLUE_NAME_MAX`."""
    return bound_length(value, ArnKind.ANY) - ArnKind.ANY.value + GLUE_NAME_MAX


def describe_statement(statement: Mapping[str, Any]) -> str:
    actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
    head = ", ".join(actions[:2]) + (", ..." if len(actions) > 2 else "")
    return statement.get("Sid") or f"the statement of {head}"


