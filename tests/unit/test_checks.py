"""EmrStudioChecks, the app-wide check: compliant apps pass, each broken rule is reported."""

from __future__ import annotations

import copy
import glob
import json
import os
import re
from pathlib import Path
from typing import Any, Dict, List

import pytest
from aws_cdk import Acknowledgment, App, CfnTag, Stack, Validations
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_emr as emr
from aws_cdk import aws_iam as iam

from emr_studio_role import EmrStudioChecks
from emr_studio_role.checks import (
    RULE_GUARDED,
    RULE_NETWORK,
    RULE_S3,
    RULE_TRUST,
    Finding,
    check_templates,
    stack_names,
)
from tests.helpers import app_stack

PAGE = json.loads(
    (Path(__file__).parent.parent / "fixtures" / "aws_page_policies.json").read_text()
)
TRUST = PAGE["trust_policy"]
GUARDED_SG, GUARDED_ENI = PAGE["guarded_sids"]


#: The Studio's network as literal (imported) ids.
IMPORTED_NETWORK = {
    "engine_security_group_id": "sg-0123456789abcdef1",
    "subnet_ids": ["subnet-0123456789abcdef0"],
    "vpc_id": "vpc-0123456789abcdef0",
    "workspace_security_group_id": "sg-0123456789abcdef2",
}


def _tagged_network(scope) -> Dict[str, Any]:
    """A VPC, a subnet and two security groups made in ``scope``, each with the EMR tag."""
    tags = [CfnTag(key="for-use-with-amazon-emr-managed-policies", value="true")]
    vpc = ec2.CfnVPC(scope, "StudioVpc", cidr_block="10.0.0.0/16", tags=tags)
    subnet = ec2.CfnSubnet(scope, "StudioSubnet", vpc_id=vpc.ref, cidr_block="10.0.0.0/24", tags=tags)
    groups = [
        ec2.CfnSecurityGroup(scope, f"Studio{n}Sg", group_description=n, vpc_id=vpc.ref, tags=tags)
        for n in ("Engine", "Workspace")
    ]
    return {
        "engine_security_group_id": groups[0].attr_group_id,
        "subnet_ids": [subnet.ref],
        "vpc_id": vpc.ref,
        "workspace_security_group_id": groups[1].attr_group_id,
    }


def _studio(scope, id: str, *, role_arn: str, location: str, network=None) -> emr.CfnStudio:
    return emr.CfnStudio(
        scope,
        id,
        auth_mode="IAM",
        default_s3_location=location,
        name=id,
        service_role=role_arn,
        **(network or IMPORTED_NETWORK),
    )


def _page_role(scope, id: str, policy: Dict[str, Any], trust: Dict[str, Any] = TRUST) -> iam.CfnRole:
    return iam.CfnRole(
        scope,
        id,
        assume_role_policy_document=trust,
        policies=[iam.CfnRole.PolicyProperty(policy_name="studio", policy_document=policy)],
    )


def _templates(outdir: str) -> Dict[str, Dict[str, Any]]:
    return {
        path: json.loads(Path(path).read_text())
        for path in glob.glob(os.path.join(outdir, "*.template.json"))
    }


def _by(findings: List[Finding], rule: str, logical_id_prefix: str) -> List[Finding]:
    return [f for f in findings if f.rule == rule and f.logical_id.startswith(logical_id_prefix)]


@pytest.fixture(scope="module")
def compliant():
    """Our app stack, a Studio on our role and bucket in it, and one in another stack.

    Depends on the page's rendering of the guarded statements (issue 9 item 2): with
    the construct's region/account-narrowed rendering, EmrStudio-GuardedStatements
    fails this synth.
    """
    app, stack = app_stack({}, nag=False)
    role = stack.studio_role
    bucket = role.storage_locations[0].bucket
    location = f"s3://{bucket.bucket_name}/{role.storage_locations[0].prefix}"
    network = _tagged_network(stack)
    _studio(stack, "SameStackStudio", role_arn=role.role.role_arn, location=location,
            network=network)
    other = Stack(app, "StudioStack")
    _studio(other, "CrossStackStudio", role_arn=role.role.role_arn, location=location,
            network=network)
    Validations.of(app).add_plugins(EmrStudioChecks())
    assembly = app.synth()  # raises if the check reports anything
    return {s.template_full_path: s.template for s in assembly.stacks}


@pytest.fixture(scope="module")
def broken():
    """An app with one broken thing per resource: synth fails; its templates are kept."""
    app, stack = app_stack({}, nag=False)
    role = stack.studio_role
    bucket = role.storage_locations[0].bucket

    no_arn = copy.deepcopy(TRUST)
    del no_arn["Statement"][0]["Condition"]["ArnLike"]
    _page_role(stack, "NoSourceArnRole", PAGE["serverless_policy"], trust=no_arn)

    any_account = copy.deepcopy(TRUST)
    any_account["Statement"][0]["Condition"] = {
        "StringLike": {"aws:SourceAccount": "*"},
        "ArnLike": {"aws:SourceArn": "arn:aws:elasticmapreduce:*:*:*"},
    }
    _page_role(stack, "AnyAccountRole", PAGE["serverless_policy"], trust=any_account)

    altered = copy.deepcopy(PAGE["studio_policy"])
    for statement in altered["Statement"]:
        if statement["Sid"] == GUARDED_ENI:
            statement["Condition"] = {}  # ENI tagging without the CreateAction condition
    _page_role(stack, "AlteredGuardRole", altered)

    missing = copy.deepcopy(PAGE["studio_policy"])
    missing["Statement"] = [s for s in missing["Statement"] if s["Sid"] != GUARDED_SG]
    _page_role(stack, "MissingGuardRole", missing)

    _studio(stack, "OtherBucketStudio", role_arn=role.role.role_arn,
            location="s3://somebody-elses-bucket/studio/")
    _studio(stack, "OtherPrefixStudio", role_arn=role.role.role_arn,
            location=f"s3://{bucket.bucket_name}/elsewhere/")
    untagged_vpc = ec2.CfnVPC(stack, "UntaggedVpc", cidr_block="10.1.0.0/16")
    _studio(stack, "UntaggedVpcStudio", role_arn=role.role.role_arn,
            location=f"s3://{bucket.bucket_name}/{role.storage_locations[0].prefix}",
            network={**IMPORTED_NETWORK, "vpc_id": untagged_vpc.ref})

    Validations.of(app).add_plugins(EmrStudioChecks())
    with pytest.raises(RuntimeError, match="ValidationFailed") as failed:
        app.synth()
    report = re.search(r"found in: (\S+)", str(failed.value)).group(1)
    templates = _templates(app.outdir)
    return {
        "report": json.loads(Path(report).read_text()),
        "findings": check_templates(templates),
    }


# ---------------------------------------------------------------- compliant


def test_every_app_scenario_passes_the_check(scenario_templates):
    findings = {
        name: check_templates({f"{name}.template.json": t.to_json()})
        for name, t in scenario_templates.items()
    }
    assert findings == {name: [] for name in scenario_templates}


def test_studio_on_our_role_and_bucket_synthesizes_with_the_check(compliant):
    studios = [
        r
        for t in compliant.values()
        for r in t["Resources"].values()
        if r["Type"] == "AWS::EMR::Studio"
    ]
    assert len(studios) == 2
    assert check_templates(compliant) == []


def test_cross_stack_studio_role_and_bucket_are_followed_to_the_other_stack(compliant):
    (studio_stack,) = [t for p, t in compliant.items() if p.endswith("StudioStack.template.json")]
    (studio,) = studio_stack["Resources"].values()
    # CDK's cross-stack reference (Fn::GetStackOutput in this CDK version).
    assert "Fn::GetStackOutput" in studio["Properties"]["ServiceRole"]
    assert "Fn::GetStackOutput" in json.dumps(studio["Properties"]["DefaultS3Location"])
    assert check_templates(compliant) == []


def test_studio_role_and_bucket_are_followed_through_import_value():
    role_template = {
        "Resources": {
            "Role": {
                "Type": "AWS::IAM::Role",
                "Properties": {
                    "AssumeRolePolicyDocument": TRUST,
                    "Policies": [{"PolicyName": "p", "PolicyDocument": PAGE["serverless_policy"]}],
                },
            },
            "Bucket": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": "bucket-name"}},
        },
        "Outputs": {
            "RoleArn": {"Value": {"Fn::GetAtt": ["Role", "Arn"]}, "Export": {"Name": "studio-role"}},
            "Bucket": {"Value": {"Ref": "Bucket"}, "Export": {"Name": "studio-bucket"}},
        },
    }
    studio_template = {
        "Resources": {
            "Studio": {
                "Type": "AWS::EMR::Studio",
                "Properties": {
                    "DefaultS3Location": {
                        "Fn::Join": ["", ["s3://", {"Fn::ImportValue": "studio-bucket"}, "/studio/"]]
                    },
                    "ServiceRole": {"Fn::ImportValue": "studio-role"},
                },
            }
        }
    }
    templates = {"Roles.template.json": role_template, "Studio.template.json": studio_template}
    assert check_templates(templates) == []


def test_page_policies_verbatim_pass_the_check():
    template = {
        "Resources": {
            "PageRole": {
                "Type": "AWS::IAM::Role",
                "Properties": {
                    "RoleName": "EMRStudio_Service_Role",
                    "AssumeRolePolicyDocument": TRUST,
                    "Policies": [
                        {"PolicyName": "studio", "PolicyDocument": PAGE["studio_policy"]},
                        {"PolicyName": "storage", "PolicyDocument": PAGE["serverless_policy"]},
                    ],
                },
            },
            "Studio": {
                "Type": "AWS::EMR::Studio",
                "Properties": {
                    "DefaultS3Location": "s3://bucket-name/studio/",
                    "ServiceRole": "arn:aws:iam::111122223333:role/EMRStudio_Service_Role",
                },
            },
        }
    }
    assert check_templates({"page.template.json": template}) == []


def test_serverless_minimum_role_of_a_studio_needs_no_guarded_statements():
    template = {
        "Resources": {
            "Role": {
                "Type": "AWS::IAM::Role",
                "Properties": {
                    "AssumeRolePolicyDocument": TRUST,
                    "Policies": [{"PolicyName": "p", "PolicyDocument": PAGE["serverless_policy"]}],
                },
            },
            "Studio": {
                "Type": "AWS::EMR::Studio",
                "Properties": {
                    "DefaultS3Location": "s3://bucket-name",
                    "ServiceRole": {"Fn::GetAtt": ["Role", "Arn"]},
                },
            },
        }
    }
    assert check_templates({"serverless.template.json": template}) == []


def test_acknowledged_finding_does_not_fail_synth():
    app = App()
    stack = Stack(app, "Acked")
    role = iam.Role(stack, "Role", assumed_by=iam.ServicePrincipal("elasticmapreduce.amazonaws.com"))
    Validations.of(role).acknowledge(
        Acknowledgment(id=f"EmrStudioChecks::{RULE_TRUST}", reason="test: a cluster role")
    )
    Validations.of(app).add_plugins(EmrStudioChecks())
    app.synth()
    assert check_templates(_templates(app.outdir))[0].rule == RULE_TRUST


# ------------------------------------------------------------- non-compliant


def test_plugin_fails_synth_naming_each_broken_rule(broken):
    ours = [r for r in broken["report"]["pluginReports"] if r["pluginName"] == "EmrStudioChecks"]
    assert len(ours) == 1
    rules = {v["ruleName"] for v in ours[0]["violations"]}
    assert rules == {RULE_TRUST, RULE_GUARDED, RULE_S3, RULE_NETWORK}


def test_plugin_reports_imported_network_ids_as_warnings_and_owned_untagged_ones_as_errors(broken):
    (ours,) = [r for r in broken["report"]["pluginReports"] if r["pluginName"] == "EmrStudioChecks"]
    network = [v for v in ours["violations"] if v["ruleName"] == RULE_NETWORK]
    severities = {
        (
            c["cloudFormationResource"]["logicalId"].startswith("UntaggedVpcStudio"),
            c["cloudFormationResource"]["propertyPaths"][0],
            v["severity"],
        )
        for v in network
        for c in v["violatingConstructs"]
    }
    assert (True, "Properties/VpcId", "error") in severities
    assert (False, "Properties/VpcId", "warning") in severities
    assert all(sev == "warning" for owned, _, sev in severities if not owned)


def test_role_trusted_by_emr_without_source_arn_is_reported(broken):
    (finding,) = _by(broken["findings"], RULE_TRUST, "NoSourceArnRole")
    assert "without aws:SourceArn " in finding.message
    assert finding.location == "Properties/AssumeRolePolicyDocument/Statement/0"


def test_role_trusted_by_emr_for_any_account_is_reported(broken):
    (finding,) = _by(broken["findings"], RULE_TRUST, "AnyAccountRole")
    assert "without aws:SourceAccount and aws:SourceArn" in finding.message


def test_studio_policy_with_an_altered_guarded_statement_is_reported(broken):
    (finding,) = _by(broken["findings"], RULE_GUARDED, "AlteredGuardRole")
    assert f"'{GUARDED_ENI}' altered" in finding.message


def test_studio_policy_without_a_guarded_statement_is_reported(broken):
    (finding,) = _by(broken["findings"], RULE_GUARDED, "MissingGuardRole")
    assert f"'{GUARDED_SG}' missing" in finding.message


def test_studio_whose_location_bucket_is_not_granted_is_reported(broken):
    (finding,) = _by(broken["findings"], RULE_S3, "OtherBucketStudio")
    assert "s3:PutObject and s3:GetObject" in finding.message
    assert "s3://somebody-elses-bucket/studio/" in finding.message


def test_studio_whose_location_prefix_is_not_granted_is_reported(broken):
    (finding,) = _by(broken["findings"], RULE_S3, "OtherPrefixStudio")
    assert "/elsewhere/" in finding.message


def test_broken_app_reports_nothing_about_our_role(broken):
    assert [f for f in broken["findings"] if f.logical_id.startswith("StudioServiceRole")] == []


def test_stack_names_come_from_the_cloud_assembly_manifest(tmp_path):
    manifest = {
        "artifacts": {
            "RolesStack": {
                "type": "aws:cloudformation:stack",
                "properties": {"templateFile": "RolesStack.template.json", "stackName": "roles-prod"},
            },
            "Tree": {"type": "cdk:tree", "properties": {"file": "tree.json"}},
        }
    }
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    template = str(tmp_path / "RolesStack.template.json")
    assert stack_names([template]) == {"roles-prod": template}


# ------------------------------------------------ rules on hand-written templates
#
# Each rule in both directions, on templates written here rather than synthesized, so
# that each test pins one decision of one rule.

STUDIO_ARN_ROLE = "arn:aws:iam::111122223333:role/EMRStudio_Service_Role"


def _role_resource(trust=TRUST, *documents) -> Dict[str, Any]:
    return {
        "Type": "AWS::IAM::Role",
        "Properties": {
            "RoleName": "EMRStudio_Service_Role",
            "AssumeRolePolicyDocument": trust,
            "Policies": [
                {"PolicyName": f"p{i}", "PolicyDocument": d} for i, d in enumerate(documents)
            ],
        },
    }


def _check(resources: Dict[str, Any]) -> List[Finding]:
    return check_templates({"t.template.json": {"Resources": resources}})


def _rules(findings: List[Finding]) -> List[str]:
    return [f.rule for f in findings]


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


# ---- EmrStudio-DefaultS3LocationGrant


def _s3_studio(location: str) -> Dict[str, Any]:
    return {
        "Type": "AWS::EMR::Studio",
        "Properties": {"DefaultS3Location": location, "ServiceRole": STUDIO_ARN_ROLE},
    }


def _object_grant(actions: List[str], resource: str) -> Dict[str, Any]:
    return {
        "Version": "2012-10-17",
        "Statement": [{"Sid": "ObjectActions", "Effect": "Allow", "Action": actions, "Resource": [resource]}],
    }


BOTH = ["s3:PutObject", "s3:GetObject"]


@pytest.mark.parametrize(
    "resource",
    [
        "arn:aws:s3:::bucket-name/studio/*",
        "arn:aws:s3:::bucket-name/*",
        "arn:aws:s3:::bucket-name/stu*",
        "arn:aws:s3:::bucket-*/studio/*",  # covers the location (and more: EmrStudio-S3GrantScope)
    ],
)
def test_grant_covering_the_whole_studio_prefix_passes(resource):
    resources = {
        "Role": _role_resource(TRUST, _object_grant(BOTH, resource)),
        "Studio": _s3_studio("s3://bucket-name/studio/"),
    }
    assert [f for f in _check(resources) if f.rule == RULE_S3] == []


@pytest.mark.parametrize(
    "resource",
    [
        "arn:aws:s3:::bucket-name/studio/notebooks/*",  # one sub-folder of the prefix
        "arn:aws:s3:::bucket-name/studio/*/*",  # the sub-folders, not the objects directly under it
        "arn:aws:s3:::bucket-name/studio/a*",  # the keys starting with "a"
        "arn:aws:s3:::bucket-name/studio/?",  # one-character keys
        "arn:aws:s3:::bucket-name/studio/",  # the folder object only
        "arn:aws:s3:::bucket-name/studio*/x",
        "arn:aws:s3:::other-bucket/studio/*",
    ],
)
def test_grant_covering_only_part_of_the_studio_prefix_is_reported(resource):
    resources = {
        "Role": _role_resource(TRUST, _object_grant(BOTH, resource)),
        "Studio": _s3_studio("s3://bucket-name/studio/"),
    }
    (finding,) = _check(resources)
    assert finding.rule == RULE_S3
    assert "s3:PutObject and s3:GetObject" in finding.message


@pytest.mark.parametrize(
    "granted, missing", [("s3:GetObject", "s3:PutObject"), ("s3:PutObject", "s3:GetObject")]
)
def test_grant_of_only_one_of_the_two_object_actions_is_reported_naming_the_other(granted, missing):
    resources = {
        "Role": _role_resource(
            TRUST, _object_grant([granted, "s3:DeleteObject"], "arn:aws:s3:::bucket-name/studio/*")
        ),
        "Studio": _s3_studio("s3://bucket-name/studio/"),
    }
    (finding,) = _check(resources)
    assert finding.rule == RULE_S3
    assert f"do not allow {missing} on" in finding.message


def test_the_two_object_actions_in_separate_statements_pass():
    document = _object_grant(["s3:GetObject"], "arn:aws:s3:::bucket-name/studio/*")
    document["Statement"].append(
        {"Effect": "Allow", "Action": "s3:Put*", "Resource": "arn:aws:s3:::bucket-name/*"}
    )
    resources = {"Role": _role_resource(TRUST, document), "Studio": _s3_studio("s3://bucket-name/studio/")}
    assert _check(resources) == []


def test_object_actions_split_over_two_resources_that_each_cover_part_of_the_prefix_are_reported():
    document = _object_grant(BOTH, "arn:aws:s3:::bucket-name/studio/a*")
    document["Statement"][0]["Resource"].append("arn:aws:s3:::bucket-name/studio/b*")
    resources = {"Role": _role_resource(TRUST, document), "Studio": _s3_studio("s3://bucket-name/studio/")}
    assert _rules(_check(resources)) == [RULE_S3]


def test_a_deny_or_not_action_statement_grants_nothing():
    document = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Deny", "Action": BOTH, "Resource": "arn:aws:s3:::bucket-name/*"},
            {"Effect": "Allow", "NotAction": "iam:*", "Resource": "arn:aws:s3:::bucket-name/*"},
        ],
    }
    resources = {"Role": _role_resource(TRUST, document), "Studio": _s3_studio("s3://bucket-name/studio/")}
    assert _rules(_check(resources)) == [RULE_S3]


def test_studio_location_without_a_trailing_slash_is_the_folder():
    resources = {
        "Role": _role_resource(TRUST, _object_grant(BOTH, "arn:aws:s3:::bucket-name/studio/*")),
        "Studio": _s3_studio("s3://bucket-name/studio"),
    }
    assert _check(resources) == []


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


def test_warnings_alone_do_not_fail_synth():
    app = App()
    stack = Stack(app, "Warned")
    role = iam.CfnRole(stack, "Role", assume_role_policy_document=TRUST,
                       policies=[iam.CfnRole.PolicyProperty(policy_name="p",
                                                            policy_document=PAGE["serverless_policy"])])
    _studio(stack, "Studio", role_arn=role.attr_arn, location="s3://bucket-name/")
    Validations.of(app).add_plugins(EmrStudioChecks())
    app.synth()  # raises on an error finding
    findings = check_templates(_templates(app.outdir))
    assert {f.severity for f in findings} == {"warning"}
    assert {f.rule for f in findings} == {RULE_NETWORK}


def test_partitions_are_the_partitions_cdk_knows():
    from aws_cdk import region_info

    from emr_studio_role.checks import PARTITIONS

    assert {r.partition for r in region_info.RegionInfo.regions} <= PARTITIONS


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
