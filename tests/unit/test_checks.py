"""EmrStudioChecks, the app-wide check: compliant apps pass, each broken rule is reported.

Each rule on hand-written templates: tests/unit/test_checks_<rule>.py."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any, Dict, List

import pytest
from aws_cdk import Acknowledgment, CfnTag, Stack, Validations
from aws_cdk import aws_ec2 as ec2
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
from tests.checks_support import GUARDED_ENI, GUARDED_SG, IMPORTED_NETWORK, PAGE, TRUST
from tests.checks_support import studio as _studio
from tests.checks_support import templates_in as _templates
from tests.helpers import app_stack, cdk_app


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


def _page_role(scope, id: str, policy: Dict[str, Any], trust: Dict[str, Any] = TRUST) -> iam.CfnRole:
    return iam.CfnRole(
        scope,
        id,
        assume_role_policy_document=trust,
        policies=[iam.CfnRole.PolicyProperty(policy_name="studio", policy_document=policy)],
    )


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
    app = cdk_app(flags=False)
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


def test_warnings_alone_do_not_fail_synth():
    app = cdk_app(flags=False)
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


