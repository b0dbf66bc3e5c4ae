"""EmrStudio-SecurityGroupTagged, and the EMR tag as a YAML template writes it: security groups the
template makes with EMR Studio's TCP 18888 rules carry the tag (terraform-aws-emr issue 25)."""

from __future__ import annotations

from typing import Any, Dict, List

import pytest

from emr_studio_role.checks import RULE_NETWORK, RULE_SECURITY_GROUPS, Finding, check_templates

TAG = {"Key": "for-use-with-amazon-emr-managed-policies", "Value": "true"}


def _group(tags=None, **rules: Any) -> Dict[str, Any]:
    properties: Dict[str, Any] = {"GroupDescription": "g", "VpcId": "vpc-0123456789abcdef0", **rules}
    if tags is not None:
        properties["Tags"] = tags
    return {"Type": "AWS::EC2::SecurityGroup", "Properties": properties}


def _rule(kind: str, group: str, other: str, protocol: Any = "tcp", low: Any = 18888, high: Any = 18888):
    peer = "SourceSecurityGroupId" if kind == "Ingress" else "DestinationSecurityGroupId"
    return {
        "Type": f"AWS::EC2::SecurityGroup{kind}",
        "Properties": {
            "GroupId": {"Fn::GetAtt": [group, "GroupId"]},
            peer: {"Fn::GetAtt": [other, "GroupId"]},
            "IpProtocol": protocol, "FromPort": low, "ToPort": high,
        },
    }


def _pair(tags=None, **rule: Any) -> Dict[str, Any]:
    """EMR Studio's two groups as CDK writes them: the engine takes 18888 from the Workspace group."""
    return {
        "Engine": _group(tags),
        "Workspace": _group(tags),
        "EngineIn": _rule("Ingress", "Engine", "Workspace", **rule),
        "WorkspaceOut": _rule("Egress", "Workspace", "Engine", **rule),
    }


def _findings(resources: Dict[str, Any], rule: str = RULE_SECURITY_GROUPS) -> List[Finding]:
    return [f for f in check_templates({"t.template.json": {"Resources": resources}}) if f.rule == rule]


def test_an_untagged_pair_is_warned_about_once_per_group():
    findings = _findings(_pair())
    assert {(f.logical_id, f.severity) for f in findings} == {("Engine", "warning"), ("Workspace", "warning")}
    assert "TCP 18888 with security group Workspace" in findings[0].message


def test_a_tagged_pair_passes():
    assert _findings(_pair([TAG])) == []


@pytest.mark.parametrize("value", [True, "true"])
def test_the_tag_value_true_of_a_yaml_template_counts(value):
    assert _findings(_pair([{**TAG, "Value": value}])) == []


def test_inline_rules_count():
    resources = {
        "Engine": _group(SecurityGroupIngress=[{
            "IpProtocol": "6", "FromPort": "18888", "ToPort": "18888",
            "SourceSecurityGroupId": {"Ref": "Workspace"},
        }]),
        "Workspace": _group(),
    }
    assert {f.logical_id for f in _findings(resources)} == {"Engine", "Workspace"}


@pytest.mark.parametrize(
    "rule",
    [{"protocol": "-1", "low": -1, "high": -1}, {"low": 0, "high": 65535}, {"low": 443, "high": 443},
     {"protocol": "udp"}],
)
def test_a_rule_that_is_not_tcp_18888_alone_is_not_emr_studios(rule):
    assert _findings(_pair(**rule)) == []


def test_a_group_open_to_an_address_range_on_18888_is_not_a_pair():
    resources = {"Engine": _group(SecurityGroupIngress=[
        {"IpProtocol": "tcp", "FromPort": 18888, "ToPort": 18888, "CidrIp": "10.0.0.0/16"}
    ])}
    assert _findings(resources) == []


def test_groups_a_studio_names_are_left_to_network_tagged():
    resources = {
        **_pair(),
        "Studio": {
            "Type": "AWS::EMR::Studio",
            "Properties": {
                "EngineSecurityGroupId": {"Fn::GetAtt": ["Engine", "GroupId"]},
                "WorkspaceSecurityGroupId": {"Fn::GetAtt": ["Workspace", "GroupId"]},
                "DefaultS3Location": "s3://notebooks/", "ServiceRole": "arn:aws:iam::111122223333:role/r",
            },
        },
    }
    assert _findings(resources) == []
    network = _findings(resources, RULE_NETWORK)
    assert {(f.location, f.severity) for f in network} >= {
        ("Properties/EngineSecurityGroupId", "error"), ("Properties/WorkspaceSecurityGroupId", "error")
    }


@pytest.mark.parametrize("value", [True, "true"])
def test_a_studio_on_groups_tagged_in_yaml_passes_network_tagged(value):
    resources = {
        **_pair([{**TAG, "Value": value}]),
        "Studio": {
            "Type": "AWS::EMR::Studio",
            "Properties": {"EngineSecurityGroupId": {"Ref": "Engine"}, "DefaultS3Location": "s3://n/",
                           "ServiceRole": "arn:aws:iam::111122223333:role/r"},
        },
    }
    assert _findings(resources, RULE_NETWORK) == []
