"""EmrStudio-NetworkTagged on hand-written templates and the construct's, in both directions."""

from __future__ import annotations

import json
from typing import Any, Dict, List

import pytest
from aws_cdk import aws_ec2 as ec2

from emr_studio_role.checks import (
    RULE_NETWORK,
    Finding,
    check_templates,
)
from tests.checks_support import (
    IMPORTED_NETWORK,
    PAGE,
    STUDIO_ARN_ROLE,
    TRUST,
)
from tests.checks_support import check as _check
from tests.checks_support import role_resource as _role_resource
from tests.checks_support import studio as _studio

# ---- EmrStudio-NetworkTagged (issue 12, item 10)

EMR_TAG = {"Key": "for-use-with-amazon-emr-managed-policies", "Value": "true"}


def _network(tags: Dict[str, List[Dict[str, str]]]) -> Dict[str, Any]:
    """A VPC, a subnet and two security groups, each with the given tags (default the EMR tag)."""
    def tags_of(name):
        return {"Tags": tags.get(name, [EMR_TAG])} if tags.get(name, [EMR_TAG]) else {}

    return {
        "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.0.0.0/16", **tags_of("Vpc")}},
        "Subnet": {"Type": "AWS::EC2::Subnet", "Properties": {"VpcId": {"Ref": "Vpc"}, **tags_of("Subnet")}},
        "EngineSg": {"Type": "AWS::EC2::SecurityGroup", "Properties": tags_of("EngineSg")},
        "WorkspaceSg": {"Type": "AWS::EC2::SecurityGroup", "Properties": tags_of("WorkspaceSg")},
    }


OWNED_IDS = {
    "VpcId": {"Ref": "Vpc"},
    "SubnetIds": [{"Ref": "Subnet"}],
    "EngineSecurityGroupId": {"Fn::GetAtt": ["EngineSg", "GroupId"]},
    "WorkspaceSecurityGroupId": {"Fn::GetAtt": ["WorkspaceSg", "GroupId"]},
}
LITERAL_IDS = {
    "VpcId": "vpc-0123456789abcdef0",
    "SubnetIds": ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"],
    "EngineSecurityGroupId": "sg-0123456789abcdef1",
    "WorkspaceSecurityGroupId": "sg-0123456789abcdef2",
}


def _net_studio(ids: Dict[str, Any]) -> Dict[str, Any]:
    return {
        "Type": "AWS::EMR::Studio",
        "Properties": {
            "DefaultS3Location": "s3://bucket-name/studio/",
            "ServiceRole": STUDIO_ARN_ROLE,
            **ids,
        },
    }


def _s3_ok_role() -> Dict[str, Any]:
    return _role_resource(TRUST, PAGE["serverless_policy"])


def _tagger(ids: Any, *, action: str = "createTags", tags=(EMR_TAG,)) -> Dict[str, Any]:
    """A ``Custom::AWS`` as AwsCustomResource writes it: Create is a JSON string, with
    ``Fn::Join`` around token ids."""
    def part(i):
        return json.dumps(i) if isinstance(i, str) else None

    head = json.dumps({"action": action, "service": "EC2"})[:-1] + ',"parameters":{"Resources":['
    tail = '],"Tags":' + json.dumps(list(tags)) + "}}"
    pieces: List[Any] = [head]
    for n, i in enumerate(ids):
        if n:
            pieces.append(",")
        if isinstance(i, str):
            pieces.append(part(i))
        else:
            pieces += ['"', i, '"']
    pieces.append(tail)
    create: Any = "".join(pieces) if all(isinstance(p, str) for p in pieces) else {"Fn::Join": ["", pieces]}
    return {"Type": "Custom::AWS", "Properties": {"ServiceToken": "arn:aws:lambda:x", "Create": create}}


def _network_findings(resources: Dict[str, Any]) -> List[Finding]:
    return [f for f in _check({"Role": _s3_ok_role(), **resources}) if f.rule == RULE_NETWORK]


def test_tagger_helper_writes_json_that_names_its_ids():
    created = _tagger(["subnet-1", "sg-2"])["Properties"]["Create"]
    assert json.loads(created)["parameters"]["Resources"] == ["subnet-1", "sg-2"]


def test_studio_on_a_tagged_vpc_subnet_and_security_groups_of_the_app_passes():
    assert _network_findings({**_network({}), "Studio": _net_studio(OWNED_IDS)}) == []


@pytest.mark.parametrize(
    "untagged, prop, location",
    [
        ("Vpc", "VpcId", "Properties/VpcId"),
        ("Subnet", "SubnetIds", "Properties/SubnetIds/0"),
        ("EngineSg", "EngineSecurityGroupId", "Properties/EngineSecurityGroupId"),
        ("WorkspaceSg", "WorkspaceSecurityGroupId", "Properties/WorkspaceSecurityGroupId"),
    ],
)
def test_studio_on_an_untagged_resource_of_the_app_is_an_error(untagged, prop, location):
    (finding,) = _network_findings({**_network({untagged: []}), "Studio": _net_studio(OWNED_IDS)})
    assert (finding.location, finding.severity) == (location, "error")
    assert f"its {prop} {untagged} " in finding.message


@pytest.mark.parametrize(
    "tags",
    [
        [{"Key": "for-use-with-amazon-emr-managed-policies", "Value": "false"}],
        [{"Key": "for-use-with-amazon-emr-managed-policies", "Value": "True"}],
        [{"Key": "For-Use-With-Amazon-EMR-Managed-Policies", "Value": "true"}],
        [{"Key": "other", "Value": "true"}],
    ],
)
def test_a_tag_with_another_key_or_value_is_not_the_emr_tag(tags):
    (finding,) = _network_findings({**_network({"Vpc": tags}), "Studio": _net_studio(OWNED_IDS)})
    assert finding.location == "Properties/VpcId"


def test_studio_on_imported_ids_nobody_tags_gets_one_warning_per_id():
    findings = _network_findings({"Studio": _net_studio(LITERAL_IDS)})
    assert {(f.location, f.severity) for f in findings} == {
        ("Properties/VpcId", "warning"),
        ("Properties/SubnetIds/0", "warning"),
        ("Properties/SubnetIds/1", "warning"),
        ("Properties/EngineSecurityGroupId", "warning"),
        ("Properties/WorkspaceSecurityGroupId", "warning"),
    }
    assert "subnet-0123456789abcdef1 is not a resource of the app" in findings[2].message


def test_imported_ids_tagged_by_a_tagging_custom_resource_pass():
    tagger = _tagger([LITERAL_IDS["VpcId"], *LITERAL_IDS["SubnetIds"]])
    sgs = _tagger([LITERAL_IDS["EngineSecurityGroupId"], LITERAL_IDS["WorkspaceSecurityGroupId"]])
    resources = {"TagNet": tagger, "TagSgs": sgs, "Studio": _net_studio(LITERAL_IDS)}
    assert _network_findings(resources) == []


def test_token_id_tagged_by_a_tagging_custom_resource_passes():
    ids = {**LITERAL_IDS, "EngineSecurityGroupId": {"Ref": "EngineSgParameter"}}
    tagged = [v for k, v in LITERAL_IDS.items() if k != "SubnetIds"] + LITERAL_IDS["SubnetIds"]
    resources = {
        "Tag": _tagger([*tagged, {"Ref": "EngineSgParameter"}]),
        "Studio": _net_studio(ids),
    }
    assert _network_findings(resources) == []


def test_token_id_that_no_custom_resource_tags_is_a_warning():
    ids = {**LITERAL_IDS, "EngineSecurityGroupId": {"Ref": "EngineSgParameter"}}
    resources = {"Tag": _tagger([{"Ref": "OtherParameter"}]), "Studio": _net_studio(ids)}
    locations = {f.location for f in _network_findings(resources)}
    assert "Properties/EngineSecurityGroupId" in locations


@pytest.mark.parametrize(
    "tagger",
    [
        _tagger(["vpc-0123456789abcdef0"], action="deleteTags"),
        _tagger(["vpc-0123456789abcdef0"], tags=[{**EMR_TAG, "Value": "false"}]),
        _tagger(["vpc-0123456789abcdef0"], tags=[{"Key": "Name", "Value": "true"}]),
        _tagger(["vpc-0123456789abcdef1"]),
        {"Type": "Custom::Other", "Properties": _tagger(["vpc-0123456789abcdef0"])["Properties"]},
    ],
)
def test_a_custom_resource_that_does_not_add_the_emr_tag_to_the_id_does_not_count(tagger):
    resources = {"Tag": tagger, "Studio": _net_studio(LITERAL_IDS)}
    locations = {f.location for f in _network_findings(resources)}
    assert "Properties/VpcId" in locations


def test_subnet_ids_that_are_not_a_list_are_a_warning():
    ids = {**LITERAL_IDS, "SubnetIds": {"Ref": "SubnetListParameter"}}
    tag_all = _tagger(
        [LITERAL_IDS[k] for k in ("VpcId", "EngineSecurityGroupId", "WorkspaceSecurityGroupId")]
    )
    (finding,) = _network_findings({"Tag": tag_all, "Studio": _net_studio(ids)})
    assert (finding.location, finding.severity) == ("Properties/SubnetIds", "warning")


def test_a_template_without_a_studio_has_no_network_findings():
    assert _network_findings(_network({"Vpc": []})) == []


def _construct_studio_template(tag_imported: bool) -> Dict[str, Any]:
    """Our construct with an imported VPC, subnet and security groups, and a Studio on them."""
    from tests.helpers import role_stack, template_of

    def configure(stack):
        vpc = ec2.Vpc.from_vpc_attributes(stack, "Vpc", vpc_id=LITERAL_IDS["VpcId"], availability_zones=["a"])
        return {
            "vpc": vpc,
            "subnets": [ec2.Subnet.from_subnet_id(stack, "Subnet", "subnet-0123456789abcdef0")],
            "security_groups": [
                ec2.SecurityGroup.from_security_group_id(stack, f"Sg{n}", f"sg-0123456789abcdef{n}")
                for n in (1, 2)
            ],
            "tag_imported_resources": tag_imported,
        }

    stack, role = role_stack(configure)
    _studio(stack, "Studio", role_arn=role.role.role_arn, location="s3://notebooks-bucket/",
            network={**IMPORTED_NETWORK, "subnet_ids": ["subnet-0123456789abcdef0"]})
    return template_of(stack).to_json()


def test_studio_on_imported_network_tagged_by_the_construct_passes():
    template = _construct_studio_template(True)
    findings = check_templates({"t.template.json": template})
    assert [f for f in findings if f.rule == RULE_NETWORK] == []


def test_studio_on_imported_network_the_construct_does_not_tag_is_warned_about():
    template = _construct_studio_template(False)
    findings = [f for f in check_templates({"t.template.json": template}) if f.rule == RULE_NETWORK]
    assert len(findings) == 4
    assert {f.severity for f in findings} == {"warning"}
