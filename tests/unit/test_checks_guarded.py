"""EmrStudio-GuardedStatements on hand-written templates: exactly the page's form."""

from __future__ import annotations

import copy
from typing import Any, Dict, List

import pytest

from emr_studio_role.checks import (
    RULE_GUARDED,
    Finding,
    check_templates,
)
from tests.checks_support import (
    GUARDED_ENI,
    GUARDED_SG,
    PAGE,
    TRUST,
)
from tests.checks_support import check as _check
from tests.checks_support import role_resource as _role_resource

# ---- EmrStudio-GuardedStatements: exactly the page's form (issue 9, item 2)

AGNOSTIC_SG = {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":ec2:*:*:security-group/*"]]}
AGNOSTIC_ENI = {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":ec2:*:*:network-interface/*"]]}


def _studio_policy(sg_resource: Any = None, eni_resource: Any = None, **changes: Any) -> Dict[str, Any]:
    """The page's step-2 policy with the guarded statements' resources replaced."""
    policy = copy.deepcopy(PAGE["studio_policy"])
    for statement in policy["Statement"]:
        if statement["Sid"] == GUARDED_SG and sg_resource is not None:
            statement["Resource"] = sg_resource
        if statement["Sid"] == GUARDED_ENI and eni_resource is not None:
            statement["Resource"] = eni_resource
        if statement["Sid"] in changes:
            statement.update(changes[statement["Sid"]])
    return policy


def _guarded(policy: Dict[str, Any]) -> List[Finding]:
    findings = _check({"Role": _role_resource(TRUST, policy)})
    return [f for f in findings if f.rule == RULE_GUARDED]


def test_guarded_statements_with_the_partition_from_the_stack_pass():
    assert _guarded(_studio_policy(AGNOSTIC_SG, AGNOSTIC_ENI)) == []


@pytest.mark.parametrize("partition", ["aws", "aws-cn", "aws-us-gov", "aws-iso-b"])
def test_guarded_statements_with_a_literal_partition_pass(partition):
    policy = _studio_policy(
        f"arn:{partition}:ec2:*:*:security-group/*", [f"arn:{partition}:ec2:*:*:network-interface/*"]
    )
    assert _guarded(policy) == []


def test_guarded_statements_through_fn_sub_pass():
    policy = _studio_policy(
        {"Fn::Sub": "arn:${AWS::Partition}:ec2:*:*:security-group/*"},
        {"Fn::Sub": "arn:${AWS::Partition}:ec2:*:*:network-interface/*"},
    )
    assert _guarded(policy) == []


@pytest.mark.parametrize(
    "sg_resource",
    [
        # Narrowed to the stack's region and account (the construct's old rendering).
        {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":ec2:", {"Ref": "AWS::Region"}, ":",
                           {"Ref": "AWS::AccountId"}, ":security-group/*"]]},
        "arn:aws:ec2:eu-west-1:*:security-group/*",  # region narrowed
        "arn:aws:ec2:*:111122223333:security-group/*",  # account narrowed
        "arn:aws:ec2:eu-*:*:security-group/*",
        "arn:*:ec2:*:*:security-group/*",  # partition opened
        "arn:aws-foo:ec2:*:*:security-group/*",  # not a partition
        {"Fn::Join": ["", ["arn:", {"Ref": "PartitionParameter"}, ":ec2:*:*:security-group/*"]]},
        "arn:aws:ec2:*:*:security-group/sg-0123456789abcdef0",  # one group
        "arn:aws:ec2:*:*:security-group*",
        "arn:aws:ec2:*:*:*",
        "*",
        ["arn:aws:ec2:*:*:security-group/*", "arn:aws:ec2:*:*:network-interface/*"],  # more
    ],
)
def test_guarded_statement_with_any_other_resource_is_reported(sg_resource):
    (finding,) = _guarded(_studio_policy(sg_resource, AGNOSTIC_ENI))
    assert f"'{GUARDED_SG}' altered" in finding.message


def test_guarded_eni_statement_narrowed_to_a_region_is_reported():
    (finding,) = _guarded(_studio_policy(AGNOSTIC_SG, "arn:aws:ec2:us-east-1:*:network-interface/*"))
    assert f"'{GUARDED_ENI}' altered" in finding.message


@pytest.mark.parametrize(
    "change",
    [
        {"Action": ["ec2:CreateTags", "ec2:DeleteTags"]},
        {"Effect": "Deny"},
        {"Condition": {"StringEqualsIfExists": {"ec2:CreateAction": "CreateNetworkInterface"}}},
        {"Condition": {"StringEquals": {"ec2:CreateAction": "CreateSecurityGroup"}}},
        {"Condition": {}},
        {"NotResource": "arn:aws:ec2:*:*:vpc/*"},
    ],
)
def test_guarded_eni_statement_with_other_actions_effect_or_condition_is_reported(change):
    (finding,) = _guarded(_studio_policy(AGNOSTIC_SG, AGNOSTIC_ENI, **{GUARDED_ENI: change}))
    assert f"'{GUARDED_ENI}' altered" in finding.message


def test_guarded_statements_of_the_real_construct_pass():
    """DEPENDS ON issue 9 item 2: the construct renders the guarded statements as the page
    does (``arn:<partition>:ec2:*:*:...``); fails while they are narrowed to the stack's
    region and account."""
    from tests.helpers import role_stack, template_of

    stack, _ = role_stack()
    findings = check_templates({"t.template.json": template_of(stack).to_json()})
    assert [f for f in findings if f.rule == RULE_GUARDED] == []
