"""Imported VPCs, subnets, security groups and secrets: a warning each, or tagged at deploy time."""

from __future__ import annotations

import json
from typing import Any, Dict, List

import pytest
from aws_cdk import Stack
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_secretsmanager as sm
from aws_cdk import custom_resources as cr
from aws_cdk.assertions import Annotations, Match, Template

from emr_studio_role import EMR_TAG_KEY, EMR_TAG_VALUE, EmrStudioRoleValidationError
from emr_studio_role.imported import SINGLETON_ID, ImportedResourceTagger
from emr_studio_role.tagging import WARN_IMPORTED_UNTAGGED
from tests.helpers import app_stack, as_list, cdk_app, render, role_stack

VPC_ID = "vpc-0123456789abcdef0"
SUBNET_ID = "subnet-0123456789abcdef0"
GROUP_ID = "sg-0123456789abcdef0"
SECRET_ARN = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:git-abc-AbCdEf"
TAG = {"Key": EMR_TAG_KEY, "Value": EMR_TAG_VALUE}
APP_CONTEXT = {
    "subnetIds": SUBNET_ID,
    "securityGroupIds": GROUP_ID,
    "gitSecretArns": SECRET_ARN,
    "tagImportedResources": "true",
}


def _imported(stack: Stack) -> Dict[str, Any]:
    return {
        "vpc": ec2.Vpc.from_vpc_attributes(
            stack, "ImportedVpc", vpc_id=VPC_ID, availability_zones=["eu-west-1a"]
        ),
        "subnets": [ec2.Subnet.from_subnet_id(stack, "ImportedSubnet", SUBNET_ID)],
        "security_groups": [
            ec2.SecurityGroup.from_security_group_id(stack, "ImportedGroup", GROUP_ID)
        ],
        "git_secrets": [sm.Secret.from_secret_complete_arn(stack, "ImportedSecret", SECRET_ARN)],
    }


@pytest.fixture(scope="module")
def warnings() -> List[str]:
    """Warning messages of a role on imported resources, tag_imported_resources off."""
    stack, _ = role_stack(_imported)
    return [w.entry.data for w in Annotations.from_stack(stack).find_warning("*", Match.any_value())]


@pytest.fixture(scope="module")
def tagger_template() -> Dict[str, Any]:
    """The template of a role on imported resources, tag_imported_resources on."""
    stack, role = role_stack(_imported, tag_imported_resources=True)
    template = Template.from_stack(stack)
    return {
        "json": template.to_json(),
        "warnings": Annotations.from_stack(stack).find_warning("*", Match.any_value()),
    }


@pytest.fixture(scope="module")
def tagged_app():
    """The app as app.py builds it, with imported resources and tagImportedResources=true."""
    app, stack = app_stack(APP_CONTEXT)
    assembly = app.synth()  # runs all four cdk-nag packs: raises on any finding
    return assembly.get_stack_by_name(stack.stack_name).template


def _of_type(template: Dict[str, Any], type_: str) -> Dict[str, Dict[str, Any]]:
    return {k: v for k, v in template["Resources"].items() if v["Type"] == type_}


def _calls(template: Dict[str, Any]) -> Dict[str, Dict[str, Dict[str, Any]]]:
    """Each Custom::AWS resource's SDK calls, by logical ID and event (Create/Update/Delete)."""
    out = {}
    for logical_id, res in _of_type(template, "Custom::AWS").items():
        out[logical_id] = {
            event: json.loads(res["Properties"][event]) for event in ("Create", "Update", "Delete")
        }
    return out


def _call_for(template: Dict[str, Any], resource_id: str) -> Dict[str, Dict[str, Any]]:
    found = [
        calls
        for calls in _calls(template).values()
        if calls["Create"]["physicalResourceId"]["id"] == resource_id
    ]
    assert len(found) == 1, f"expected one custom resource for {resource_id}, got {len(found)}"
    return found[0]


def _tagging_statements(
    template: Dict[str, Any], tagger: str = "TagImportedResources"
) -> Dict[str, Dict[str, Any]]:
    policies = [
        res
        for logical_id, res in _of_type(template, "AWS::IAM::ManagedPolicy").items()
        if f"{tagger}Policy" in logical_id
    ]
    assert len(policies) == 1
    return {s["Sid"]: s for s in policies[0]["Properties"]["PolicyDocument"]["Statement"]}


def _ec2_arn(kind: str, resource_id: str) -> str:
    return f"arn:${{AWS::Partition}}:ec2:${{AWS::Region}}:${{AWS::AccountId}}:{kind}/{resource_id}"


# ------------------------------------------------------------------ warnings


@pytest.mark.parametrize(
    "kind, resource_id",
    [("vpc", VPC_ID), ("subnet", SUBNET_ID), ("security group", GROUP_ID), ("secret", SECRET_ARN)],
)
def test_imported_resource_warns_naming_its_id_and_the_exact_tag(warnings, kind, resource_id):
    mine = [w for w in warnings if f"The imported {kind} {resource_id} " in w]
    assert len(mine) == 1
    assert f"{EMR_TAG_KEY}={EMR_TAG_VALUE}" in mine[0]


def test_imported_resource_warning_has_the_stable_id(warnings):
    ours = [w for w in warnings if "cannot be tagged by CloudFormation" in w]
    assert len(ours) == 4
    assert all(w.endswith(f"[ack: {WARN_IMPORTED_UNTAGGED}]") for w in ours)
    assert WARN_IMPORTED_UNTAGGED == "emr-studio-role:importedResourceNotTagged"


def test_no_untagged_warning_when_tag_imported_resources_is_on(tagger_template):
    assert not [
        w for w in tagger_template["warnings"] if WARN_IMPORTED_UNTAGGED in str(w.entry.data)
    ]


# ---------------------------------------------------------- custom resources


def test_one_custom_resource_per_imported_resource(tagger_template):
    ids = sorted(c["Create"]["physicalResourceId"]["id"] for c in _calls(tagger_template["json"]).values())
    assert ids == sorted([VPC_ID, SUBNET_ID, GROUP_ID, SECRET_ARN])


@pytest.mark.parametrize("resource_id", [VPC_ID, SUBNET_ID, GROUP_ID])
def test_ec2_resource_is_tagged_with_create_tags_on_create_and_update(tagger_template, resource_id):
    calls = _call_for(tagger_template["json"], resource_id)
    for event in ("Create", "Update"):
        call = calls[event]
        assert (call["service"], call["action"]) == ("EC2", "createTags")
        assert call["parameters"] == {"Resources": [resource_id], "Tags": [TAG]}


@pytest.mark.parametrize("resource_id", [VPC_ID, SUBNET_ID, GROUP_ID])
def test_ec2_resource_tag_is_removed_with_delete_tags_on_delete(tagger_template, resource_id):
    call = _call_for(tagger_template["json"], resource_id)["Delete"]
    assert (call["service"], call["action"]) == ("EC2", "deleteTags")
    # Key and value: DeleteTags removes the tag only if it still has our value.
    assert call["parameters"] == {"Resources": [resource_id], "Tags": [TAG]}


def test_secret_is_tagged_with_tag_resource_on_create_and_update(tagger_template):
    calls = _call_for(tagger_template["json"], SECRET_ARN)
    for event in ("Create", "Update"):
        call = calls[event]
        assert (call["service"], call["action"]) == ("SecretsManager", "tagResource")
        assert call["parameters"] == {"SecretId": SECRET_ARN, "Tags": [TAG]}
        assert call["region"] == "eu-west-1"


def test_secret_tag_is_removed_with_untag_resource_on_delete(tagger_template):
    call = _call_for(tagger_template["json"], SECRET_ARN)["Delete"]
    assert (call["service"], call["action"]) == ("SecretsManager", "untagResource")
    assert call["parameters"] == {"SecretId": SECRET_ARN, "TagKeys": [EMR_TAG_KEY]}


def test_delete_of_a_resource_already_gone_does_not_fail(tagger_template):
    patterns = {
        rid: _call_for(tagger_template["json"], rid)["Delete"]["ignoreErrorCodesMatching"]
        for rid in (VPC_ID, SUBNET_ID, GROUP_ID, SECRET_ARN)
    }
    assert patterns == {
        VPC_ID: r"InvalidVpcID\.NotFound",
        SUBNET_ID: r"InvalidSubnetID\.NotFound",
        GROUP_ID: r"InvalidGroup\.NotFound",
        SECRET_ARN: "ResourceNotFoundException",
    }


def test_sdk_responses_are_not_logged(tagger_template):
    calls = _calls(tagger_template["json"]).values()
    assert all(c[e]["logApiResponseData"] is False for c in calls for e in c)


def test_custom_resources_use_the_lambda_runtime_sdk(tagger_template):
    props = [r["Properties"] for r in _of_type(tagger_template["json"], "Custom::AWS").values()]
    assert [p["InstallLatestAwsSdk"] for p in props] == [False] * 4


def test_custom_resources_wait_for_the_tagging_policy(tagger_template):
    template = tagger_template["json"]
    (policy_id,) = [
        k for k in _of_type(template, "AWS::IAM::ManagedPolicy") if "TagImportedResourcesPolicy" in k
    ]
    for res in _of_type(template, "Custom::AWS").values():
        assert policy_id in res["DependsOn"]


# -------------------------------------------------------------------- policy


def test_ec2_tag_statements_name_exactly_the_imported_ec2_resources(tagger_template):
    statements = _tagging_statements(tagger_template["json"])
    expected = sorted(
        [_ec2_arn("vpc", VPC_ID), _ec2_arn("subnet", SUBNET_ID), _ec2_arn("security-group", GROUP_ID)]
    )
    for sid, action in (("TagImportedEc2Resources", "ec2:CreateTags"),
                        ("UntagImportedEc2Resources", "ec2:DeleteTags")):
        assert statements[sid]["Action"] == action
        assert sorted(render(r) for r in as_list(statements[sid]["Resource"])) == expected


def test_secret_tag_statements_name_exactly_the_imported_secret(tagger_template):
    statements = _tagging_statements(tagger_template["json"])
    for sid, action in (("TagImportedSecrets", "secretsmanager:TagResource"),
                        ("UntagImportedSecrets", "secretsmanager:UntagResource")):
        assert statements[sid]["Action"] == action
        assert as_list(statements[sid]["Resource"]) == [SECRET_ARN]


def test_secret_known_by_name_is_matched_with_its_six_character_suffix():
    app = cdk_app(flags=False)
    stack = Stack(app, "S")
    secret = sm.Secret.from_secret_name_v2(stack, "ByName", "git-by-name")
    ImportedResourceTagger(stack, "Tagger", resources=[("secret", secret)])
    statements = _tagging_statements(Template.from_stack(stack).to_json(), tagger="Tagger")
    assert [render(r) for r in as_list(statements["TagImportedSecrets"]["Resource"])] == [
        "arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:git-by-name-??????"
    ]


def test_tagging_policy_has_no_other_statement(tagger_template):
    assert sorted(_tagging_statements(tagger_template["json"])) == [
        "TagImportedEc2Resources",
        "TagImportedSecrets",
        "UntagImportedEc2Resources",
        "UntagImportedSecrets",
    ]


def test_every_tag_statement_allows_only_the_emr_tag_key(tagger_template):
    for statement in _tagging_statements(tagger_template["json"]).values():
        condition = statement["Condition"]
        assert condition["ForAllValues:StringEquals"] == {"aws:TagKeys": [EMR_TAG_KEY]}
        # Without it, a request with no tag keys (DeleteTags of every tag) would match.
        assert condition["Null"] == {"aws:TagKeys": "false"}


def test_tagging_statements_allow_only_the_emr_tag_value(tagger_template):
    statements = _tagging_statements(tagger_template["json"])
    for sid in ("TagImportedEc2Resources", "TagImportedSecrets"):
        assert statements[sid]["Condition"]["StringEquals"] == {
            f"aws:RequestTag/{EMR_TAG_KEY}": EMR_TAG_VALUE
        }


def test_lambda_role_has_only_the_tagging_and_log_policies(tagger_template):
    template = tagger_template["json"]
    (role_id,) = [k for k in _of_type(template, "AWS::IAM::Role") if "TagImportedResourcesRole" in k]
    role = template["Resources"][role_id]
    assert "ManagedPolicyArns" not in role["Properties"]  # no AWSLambdaBasicExecutionRole
    assert "Policies" not in role["Properties"]
    attached = {
        k: res
        for k, res in template["Resources"].items()
        if res["Type"] in ("AWS::IAM::ManagedPolicy", "AWS::IAM::Policy")
        and {"Ref": role_id} in res["Properties"].get("Roles", [])
    }
    assert sorted(k.split("TagImportedResources")[1][:-8] for k in attached) == ["LogsPolicy", "Policy"]
    (logs,) = [r for k, r in attached.items() if "LogsPolicy" in k]
    (log_group_id,) = _of_type(template, "AWS::Logs::LogGroup")
    assert logs["Properties"]["PolicyDocument"]["Statement"] == [
        {
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Effect": "Allow",
            "Resource": {"Fn::GetAtt": [log_group_id, "Arn"]},
        }
    ]


def test_lambda_logs_to_a_log_group_kept_one_year(tagger_template):
    template = tagger_template["json"]
    ((log_group_id, log_group),) = _of_type(template, "AWS::Logs::LogGroup").items()
    assert log_group["Properties"]["RetentionInDays"] == 365
    function = template["Resources"][[k for k in template["Resources"] if k.startswith(SINGLETON_ID)][0]]
    assert function["Properties"]["LoggingConfig"] == {"LogGroup": {"Ref": log_group_id}}


def test_lambda_waits_for_its_log_policy_not_only_its_role(tagger_template):
    template = tagger_template["json"]
    (function,) = _of_type(template, "AWS::Lambda::Function").values()
    (logs_id,) = [k for k in template["Resources"] if "TagImportedResourcesLogsPolicy" in k]
    assert function["DependsOn"] == [logs_id]


# --------------------------------------------------------------- stability


def _resource_by_logical_id(reverse: bool) -> Dict[str, str]:
    """Custom::AWS logical ID -> the subnet it tags, for two subnets in either order."""

    def configure(stack):
        subnets = [
            ec2.Subnet.from_subnet_id(stack, "First", SUBNET_ID),
            ec2.Subnet.from_subnet_id(stack, "Second", "subnet-0fedcba9876543210"),
        ]
        return {"subnets": subnets[::-1] if reverse else subnets}

    stack, _ = role_stack(configure, tag_imported_resources=True)
    template = Template.from_stack(stack).to_json()
    return {k: c["Create"]["physicalResourceId"]["id"] for k, c in _calls(template).items()}


def test_reordering_resources_keeps_each_custom_resource_on_its_resource():
    # Index-based IDs would swap the resources of two custom resources, and the
    # update would untag a subnet that is still in use.
    before = _resource_by_logical_id(reverse=False)
    assert len(before) == 2
    assert _resource_by_logical_id(reverse=True) == before


def test_custom_resource_id_is_named_for_the_resource_id(tagger_template):
    ids = list(_of_type(tagger_template["json"], "Custom::AWS"))
    assert any("Subnetsubnet0123456789abcdef0" in i for i in ids)
    assert any("SecurityGroupsg0123456789abcdef0" in i for i in ids)


def test_resource_given_twice_is_tagged_once():
    app = cdk_app(flags=False)
    stack = Stack(app, "S")
    subnet = ec2.Subnet.from_subnet_id(stack, "Subnet", SUBNET_ID)
    ImportedResourceTagger(stack, "Tagger", resources=[("subnet", subnet), ("subnet", subnet)])
    assert len(Template.from_stack(stack).find_resources("Custom::AWS")) == 1


def test_unknown_kind_is_refused():
    app = cdk_app(flags=False)
    stack = Stack(app, "S")
    subnet = ec2.Subnet.from_subnet_id(stack, "Subnet", SUBNET_ID)
    with pytest.raises(EmrStudioRoleValidationError, match="'route table'"):
        ImportedResourceTagger(stack, "Tagger", resources=[("route table", subnet)])  # type: ignore[list-item]


def test_existing_singleton_lambda_role_gets_the_tagging_policy():
    app = cdk_app(flags=False)
    stack = Stack(app, "S")
    cr.AwsCustomResource(
        stack,
        "Earlier",
        on_create=cr.AwsSdkCall(
            service="STS",
            action="getCallerIdentity",
            physical_resource_id=cr.PhysicalResourceId.of("x"),
        ),
        policy=cr.AwsCustomResourcePolicy.from_sdk_calls(
            resources=cr.AwsCustomResourcePolicy.ANY_RESOURCE
        ),
        install_latest_aws_sdk=False,
    )
    subnet = ec2.Subnet.from_subnet_id(stack, "Subnet", SUBNET_ID)
    tagger = ImportedResourceTagger(stack, "Tagger", resources=[("subnet", subnet)])
    template = Template.from_stack(stack).to_json()
    (function,) = _of_type(template, "AWS::Lambda::Function").values()
    singleton_role = function["Properties"]["Role"]["Fn::GetAtt"][0]
    (policy,) = [
        r for k, r in _of_type(template, "AWS::IAM::ManagedPolicy").items() if k.startswith("TaggerPolicy")
    ]
    assert policy["Properties"]["Roles"] == [{"Ref": singleton_role}]
    assert tagger.log_group is None
    assert not [k for k in _of_type(template, "AWS::IAM::Role") if k.startswith("Tagger")]


# --------------------------------------------------------------------- app


def test_app_with_tag_imported_resources_is_nag_clean(tagged_app):
    # The fixture's app.synth() ran the four cdk-nag packs; it raises on any finding.
    custom = _of_type(tagged_app, "Custom::AWS")
    assert sorted(json.loads(r["Properties"]["Create"])["physicalResourceId"]["id"]
                  for r in custom.values()) == sorted([SUBNET_ID, GROUP_ID, SECRET_ARN])


def test_the_tagger_makes_one_logging_and_one_timeout_for_all_its_calls(monkeypatch):
    """Each imported resource's two SDK calls share the tagger's one ``Logging`` and one
    ``Duration`` (each is a round trip to the jsii runtime), and each resource's ID is read
    once, by the checks and the tagger alike."""
    import jsii

    stack = Stack(cdk_app(), "S")
    subnets = [ec2.Subnet.from_subnet_id(stack, f"Sub{i}", f"subnet-0{i}23456789abcdef0") for i in range(3)]
    provider = jsii.kernel.provider
    calls: List[str] = []
    sinvoke, get = provider.sinvoke, provider.get
    monkeypatch.setattr(provider, "sinvoke", lambda r: calls.append(r.method) or sinvoke(r))
    monkeypatch.setattr(provider, "get", lambda r: calls.append(r.property) or get(r))
    ImportedResourceTagger(stack, "Tag", resources=[("subnet", s) for s in subnets])
    assert calls.count("withDataHidden") == 1
    assert calls.count("minutes") == 1
    # One read of each subnet's ID, in one round trip, though Subnet.from_subnet_id returns
    # jsii's interface proxy (whose own ``getattr`` takes two: ``reads.attribute``).
    assert calls.count("subnetId") == len(subnets)
