"""EmrStudio-RequestTagOnCreate: a Create* action on the resource it creates, conditioned on the
resource's tags (which a new resource does not have yet), in both directions."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any, Dict, List

import pytest

from emr_studio_role.checks import RULE_REQUEST_TAG, Finding, check_templates

PAGE = json.loads((Path(__file__).parent.parent / "fixtures" / "aws_page_policies.json").read_text())
ENI_SID = "AllowEC2ENICreationWithEMRTags"
SG_SID = "AllowDefaultEC2SecurityGroupsCreationWithEMRTags"
TAG = "for-use-with-amazon-emr-managed-policies"


def _policy(**changes: Dict[str, Any]) -> Dict[str, Any]:
    """The page's policy with the statements of the given Sids changed (``None`` drops one)."""
    policy = copy.deepcopy(PAGE["studio_policy"])
    statements = []
    for statement in policy["Statement"]:
        change = changes.get(statement["Sid"], {})
        if change is None:
            continue
        statements.append({**statement, **change})
    policy["Statement"] = statements
    return policy


def _resource_tag(operator: str = "StringEquals", key: str = f"aws:ResourceTag/{TAG}", value="true"):
    return {"Condition": {operator: {key: value}}}


def _findings(policy: Dict[str, Any], trust: Dict[str, Any] = PAGE["trust_policy"]) -> List[Finding]:
    role = {
        "Type": "AWS::IAM::Role",
        "Properties": {
            "AssumeRolePolicyDocument": trust,
            "Policies": [{"PolicyName": "studio", "PolicyDocument": policy}],
        },
    }
    findings = check_templates({"t.template.json": {"Resources": {"Role": role}}})
    return [f for f in findings if f.rule == RULE_REQUEST_TAG]


def test_the_pages_policy_passes():
    assert _findings(_policy()) == []


def test_network_interface_creation_on_the_resource_tag_is_reported():
    (finding,) = _findings(_policy(**{ENI_SID: _resource_tag()}))
    assert "allows ec2:CreateNetworkInterface on network-interface/*" in finding.message
    assert f"'{ENI_SID}'" in finding.message and f"aws:ResourceTag/{TAG}" in finding.message
    assert finding.severity == "error"


def test_security_group_creation_on_the_resource_tag_is_reported():
    (finding,) = _findings(_policy(**{SG_SID: _resource_tag()}))
    assert "allows ec2:CreateSecurityGroup on security-group/*" in finding.message


def test_both_page_statements_on_the_resource_tag_give_one_finding_each():
    findings = _findings(_policy(**{SG_SID: _resource_tag(), ENI_SID: _resource_tag()}))
    assert len(findings) == 2


def test_the_ec2_resource_tag_key_is_reported_too():
    (finding,) = _findings(_policy(**{ENI_SID: _resource_tag(key=f"ec2:ResourceTag/{TAG}")}))
    assert f"ec2:ResourceTag/{TAG}" in finding.message


def test_the_resource_tag_beside_the_request_tag_is_still_reported():
    condition = {"StringEquals": {f"aws:RequestTag/{TAG}": "true", f"aws:ResourceTag/{TAG}": "true"}}
    assert len(_findings(_policy(**{ENI_SID: {"Condition": condition}}))) == 1


@pytest.mark.parametrize(
    "operator, value",
    [("StringEqualsIfExists", "true"), ("StringNotEquals", "false"), ("Null", "true"),
     ("ForAllValues:StringEquals", "true")],
)
def test_an_operator_that_holds_without_the_tag_is_not_reported(operator, value):
    assert _findings(_policy(**{ENI_SID: _resource_tag(operator, value=value)})) == []


def test_a_wildcard_create_action_on_any_resource_is_reported():
    wide = {"Sid": "Wide", "Effect": "Allow", "Action": "ec2:Create*", "Resource": "*",
            **_resource_tag()}
    policy = _policy(**{ENI_SID: None, SG_SID: None})
    policy["Statement"].append(wide)
    assert {f.message.split(" allows ")[1].split(" ")[0] for f in _findings(policy)} == {
        "ec2:CreateNetworkInterface", "ec2:CreateSecurityGroup"
    }


def test_a_usable_statement_beside_the_resource_tag_one_is_not_reported():
    policy = _policy(**{ENI_SID: _resource_tag()})
    policy["Statement"].append(
        {"Effect": "Allow", "Action": "ec2:CreateNetworkInterface",
         "Resource": "arn:aws:ec2:eu-west-1:111122223333:network-interface/*",
         "Condition": {"StringEquals": {f"aws:RequestTag/{TAG}": "true"}}}
    )
    assert _findings(policy) == []


def test_the_resource_tag_on_the_subnet_and_security_group_is_the_pages_and_not_reported():
    # AllowEC2ENICreationInSubnetAndSecurityGroupWithEMRTags: existing resources, ResourceTag.
    policy = _policy()
    sid = "AllowEC2ENICreationInSubnetAndSecurityGroupWithEMRTags"
    (page,) = [s for s in policy["Statement"] if s["Sid"] == sid]
    assert "aws:ResourceTag/" + TAG in json.dumps(page["Condition"])
    assert _findings(policy) == []


def test_a_role_that_is_not_an_emr_studio_role_is_left_alone():
    trust = copy.deepcopy(PAGE["trust_policy"])
    trust["Statement"][0]["Principal"] = {"Service": "lambda.amazonaws.com"}
    assert _findings(_policy(**{ENI_SID: _resource_tag()}), trust) == []
