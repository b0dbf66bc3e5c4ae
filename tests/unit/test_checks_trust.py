"""EmrStudio-TrustConditions on hand-written templates, in both directions; a Studio's user role."""

from __future__ import annotations

import copy
from typing import Any, Dict

import pytest

from emr_studio_role.checks import (
    RULE_TRUST,
)
from tests.checks_support import (
    TRUST,
)
from tests.checks_support import check as _check
from tests.checks_support import role_resource as _role_resource
from tests.checks_support import rules_of as _rules

# ---- EmrStudio-TrustConditions


def _trust(condition: Dict[str, Any]) -> Dict[str, Any]:
    trust = copy.deepcopy(TRUST)
    trust["Statement"][0]["Condition"] = condition
    return trust


PAGE_TRUST_CONDITION = {
    "StringEquals": {"aws:SourceAccount": "111122223333"},
    "ArnLike": {"aws:SourceArn": "arn:aws:elasticmapreduce:eu-west-1:111122223333:*"},
}


def test_trust_with_both_page_conditions_passes():
    assert _check({"Role": _role_resource(_trust(PAGE_TRUST_CONDITION))}) == []


def test_trust_condition_keys_are_matched_case_insensitively():
    condition = {
        "StringEquals": {"AWS:sourceaccount": "111122223333"},
        "ArnEquals": {"aws:SOURCEARN": "arn:aws:elasticmapreduce:eu-west-1:111122223333:studio/x"},
    }
    assert _check({"Role": _role_resource(_trust(condition))}) == []


@pytest.mark.parametrize("operator", ["StringEqualsIfExists", "StringLikeIfExists"])
def test_trust_with_source_account_under_an_if_exists_operator_is_reported(operator):
    condition = {
        operator: {"aws:SourceAccount": "111122223333"},
        "ArnLike": PAGE_TRUST_CONDITION["ArnLike"],
    }
    (finding,) = _check({"Role": _role_resource(_trust(condition))})
    assert finding.rule == RULE_TRUST
    assert "without aws:SourceAccount (" in finding.message


@pytest.mark.parametrize("operator", ["ArnLikeIfExists", "ArnEqualsIfExists", "StringLikeIfExists"])
def test_trust_with_source_arn_under_an_if_exists_operator_is_reported(operator):
    condition = {
        "StringEquals": PAGE_TRUST_CONDITION["StringEquals"],
        operator: {"aws:SourceArn": "arn:aws:elasticmapreduce:eu-west-1:111122223333:*"},
    }
    (finding,) = _check({"Role": _role_resource(_trust(condition))})
    assert finding.rule == RULE_TRUST
    assert "without aws:SourceArn (" in finding.message


def test_trust_with_both_keys_only_under_if_exists_operators_is_reported_for_both():
    condition = {
        "StringEqualsIfExists": {"aws:SourceAccount": "111122223333"},
        "ArnLikeIfExists": {"aws:SourceArn": "arn:aws:elasticmapreduce:eu-west-1:111122223333:*"},
    }
    (finding,) = _check({"Role": _role_resource(_trust(condition))})
    assert "without aws:SourceAccount and aws:SourceArn" in finding.message


@pytest.mark.parametrize("operator", ["StringNotEquals", "ForAnyValue:StringEquals"])
def test_trust_with_source_account_under_another_operator_is_reported(operator):
    condition = {
        operator: {"aws:SourceAccount": "111122223333"},
        "ArnLike": PAGE_TRUST_CONDITION["ArnLike"],
    }
    assert _rules(_check({"Role": _role_resource(_trust(condition))})) == [RULE_TRUST]


def test_trust_with_an_if_exists_operator_beside_the_page_operator_passes():
    condition = {**PAGE_TRUST_CONDITION, "StringEqualsIfExists": {"aws:SourceAccount": "111122223333"}}
    assert _check({"Role": _role_resource(_trust(condition))}) == []


@pytest.mark.parametrize(
    "account, arn",
    [
        ("1111222233?3", "arn:aws:elasticmapreduce:eu-west-1:111122223333:*"),
        ("111122223333", "arn:aws:elasticmapreduce:eu-west-1:11112222*:*"),
        ("111122223333", "*"),
    ],
)
def test_trust_with_a_wildcard_in_the_account_is_reported(account, arn):
    condition = {"StringLike": {"aws:SourceAccount": account}, "ArnLike": {"aws:SourceArn": arn}}
    assert _rules(_check({"Role": _role_resource(_trust(condition))})) == [RULE_TRUST]


def test_trust_of_another_service_is_not_checked():
    trust = copy.deepcopy(TRUST)
    trust["Statement"][0]["Principal"] = {"Service": "lambda.amazonaws.com"}
    del trust["Statement"][0]["Condition"]
    assert _check({"Role": _role_resource(trust)}) == []




# ---- A Studio's user role (IAM Identity Center)

USER_TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": "elasticmapreduce.amazonaws.com"},
            "Action": ["sts:AssumeRole", "sts:SetContext"],
        }
    ],
}


def _studio_with_user_role() -> Dict[str, Any]:
    return {
        "Type": "AWS::EMR::Studio",
        "Properties": {
            "AuthMode": "IAM_IDENTITY_CENTER",
            "ServiceRole": {"Fn::GetAtt": ["Service", "Arn"]},
            "UserRole": {"Fn::GetAtt": ["User", "Arn"]},
            "DefaultS3Location": "s3://notebooks/studio/",
            "VpcId": "vpc-0abc",
            "SubnetIds": ["subnet-0abc"],
            "WorkspaceSecurityGroupId": "sg-0abc",
            "EngineSecurityGroupId": "sg-0def",
        },
    }


def test_a_studio_user_role_without_source_conditions_is_not_a_trust_finding():
    findings = _check(
        {
            "Service": _role_resource(_trust(PAGE_TRUST_CONDITION)),
            "User": _role_resource(USER_TRUST),
            "Studio": _studio_with_user_role(),
        }
    )
    assert not [f for f in findings if f.logical_id == "User"]


def test_the_same_role_not_named_as_user_role_is_a_trust_finding():
    findings = _check({"User": _role_resource(USER_TRUST)})
    assert "EmrStudio-TrustConditions" in _rules(findings)
