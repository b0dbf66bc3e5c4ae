"""Grants that cannot take effect are refused, naming the grantee (issue 19, item 7).

A CDK grant to a principal that holds no identity policy of this stack (``AnyPrincipal``,
``AccountRootPrincipal``, a ``ServicePrincipal``, an ``ArnPrincipal``) adds nothing and
returns an ``iam.Grant`` whose ``success`` is ``False``; nothing raises, and the template
has no statement for it.  A role of another account is worse: CDK writes an
``AWS::IAM::Policy`` that attaches by role *name*, which in this stack's account names a
different role, or none.  The grants of this package refuse both: the first after CDK
reports it (nothing was added), the second before anything is added.
"""

from __future__ import annotations

from typing import Any, List

from aws_cdk import Stack, Token
from aws_cdk import aws_iam as iam

from .typecheck import describe
from .validation import arn_region_account


def other_account_problems(method: str, grantee: Any, stack: Stack) -> List[str]:
    """A grantee role (or user) whose ARN names another account than the stack's."""
    principal = getattr(grantee, "grant_principal", None)
    arn = getattr(principal, "role_arn", None) or getattr(principal, "user_arn", None)
    if not isinstance(arn, str) or Token.is_unresolved(stack.account):
        return []
    _, account = arn_region_account(arn)
    if account is None or account == stack.account:
        return []
    return [
        f"{method}: grantee {describe(grantee)} ({arn}) is in account {account}, not this stack's "
        f"{stack.account}; allowed: a role, user or group of account {stack.account} (an identity "
        "policy is attached by name in this stack's account, so the grant could not take effect)"
    ]


def unsuccessful_problems(method: str, grantee: Any, grant: iam.Grant) -> List[str]:
    """A grant CDK could not add to any identity policy (``grant.success`` is ``False``)."""
    if grant.success:
        return []
    return [
        f"{method}: grantee {describe(grantee)} has no identity policy this stack can add to, so "
        "the grant would take no effect (iam.Grant.success is False); allowed: an iam.Role, "
        "iam.User or iam.Group of this stack's account (AnyPrincipal, AccountRootPrincipal, "
        "service and ARN principals take permissions only from resource policies)"
    ]
