"""EmrStudioChecks in every partition: ARNs in the stack's partition, written literally or as
``Ref AWS::Partition``, pass; a name that is not a partition does not (issue 15, item 5)."""

from __future__ import annotations

import json

import pytest
from aws_cdk import Environment, Stack, Validations
from aws_cdk import aws_emr as emr
from aws_cdk import aws_s3 as s3

from emr_studio_role import EmrStudioChecks, EmrStudioServiceRole
from emr_studio_role.checks import RULE_S3, check_templates
from tests.helpers import cdk_app

TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": "elasticmapreduce.amazonaws.com"},
            "Action": "sts:AssumeRole",
            "Condition": {
                "StringEquals": {"aws:SourceAccount": "111122223333"},
                "ArnLike": {"aws:SourceArn": "arn:aws-cn:elasticmapreduce:cn-north-1:111122223333:*"},
            },
        }
    ],
}


@pytest.mark.parametrize("region, partition", [("cn-north-1", "aws-cn"), ("us-gov-west-1", "aws-us-gov")])
def test_studio_on_a_bucket_imported_by_name_synthesizes_with_the_checks(region, partition):
    app = cdk_app()
    stack = Stack(app, "Studio", env=Environment(account="111122223333", region=region))
    bucket = s3.Bucket.from_bucket_name(stack, "Notebooks", "notebooks-x")
    role = EmrStudioServiceRole(stack, "Role", bucket=bucket, prefix="studio/")
    emr.CfnStudio(
        stack, "S", auth_mode="IAM", name="s", default_s3_location="s3://notebooks-x/studio/",
        service_role=role.role.role_arn, vpc_id="vpc-0123456789abcdef0",
        subnet_ids=["subnet-0123456789abcdef0"], engine_security_group_id="sg-0123456789abcdef1",
        workspace_security_group_id="sg-0123456789abcdef2",
    )
    Validations.of(app).add_plugins(EmrStudioChecks())
    template = app.synth().get_stack_by_name("Studio").template  # raised DefaultS3LocationGrant before
    # The template is right: the grant is in the stack's partition, written literally.
    assert f'"arn:{partition}:s3:::notebooks-x/studio/*"' in json.dumps(template)


def _studio_with_object_grant(resource) -> dict:
    grant = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": ["s3:PutObject", "s3:GetObject"], "Resource": resource}],
    }
    return {
        "Role": {
            "Type": "AWS::IAM::Role",
            "Properties": {
                "AssumeRolePolicyDocument": TRUST,
                "Policies": [{"PolicyName": "p", "PolicyDocument": grant}],
            },
        },
        "Studio": {
            "Type": "AWS::EMR::Studio",
            "Properties": {
                "DefaultS3Location": "s3://notebooks-x/studio/",
                "ServiceRole": {"Fn::GetAtt": ["Role", "Arn"]},
            },
        },
    }


@pytest.mark.parametrize(
    "resource",
    [
        "arn:aws-cn:s3:::notebooks-x/studio/*",
        "arn:aws-us-gov:s3:::notebooks-x/*",
        "arn:aws:s3:::notebooks-x/studio/*",
        {"Fn::Sub": "arn:${AWS::Partition}:s3:::notebooks-x/studio/*"},
    ],
)
def test_an_object_grant_in_any_partition_covers_the_location(resource):
    findings = check_templates({"t.template.json": {"Resources": _studio_with_object_grant(resource)}})
    assert [f for f in findings if f.rule == RULE_S3] == []


@pytest.mark.parametrize(
    "resource",
    [
        "arn:aws-moon:s3:::notebooks-x/studio/*",  # not a partition
        {"Fn::Sub": "arn:${PartitionParameter}:s3:::notebooks-x/studio/*"},  # unknown value
    ],
)
def test_an_object_grant_in_something_that_is_not_a_partition_is_reported(resource):
    findings = check_templates({"t.template.json": {"Resources": _studio_with_object_grant(resource)}})
    assert [f.rule for f in findings if f.rule == RULE_S3] == [RULE_S3]


def test_the_two_actions_granted_in_different_partitions_do_not_cover_the_location():
    resources = _studio_with_object_grant("arn:aws-cn:s3:::notebooks-x/*")
    resources["Role"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"] = [
        {"Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws-cn:s3:::notebooks-x/*"},
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::notebooks-x/*"},
    ]
    findings = check_templates({"t.template.json": {"Resources": resources}})
    assert [f.rule for f in findings if f.rule == RULE_S3] == [RULE_S3]


def test_a_bucket_arn_of_the_app_takes_the_stacks_partition():
    arn = {"Fn::Join": ["", [{"Fn::GetAtt": ["Bucket", "Arn"]}, "/studio/*"]]}
    resources = _studio_with_object_grant(arn)
    resources["Bucket"] = {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": "notebooks-x"}}
    findings = check_templates({"t.template.json": {"Resources": resources}})
    assert [f for f in findings if f.rule == RULE_S3] == []


def test_the_constructs_trust_principal_with_the_url_suffix_is_emrs():
    """The construct writes ``elasticmapreduce.${AWS::URLSuffix}``: the rules must see EMR in it,
    or they would skip the role (no finding, silently)."""
    from emr_studio_role.checks.trust_rule import role_trusts_emr
    from tests.helpers import role_stack, template_of

    stack, _ = role_stack()
    (role,) = template_of(stack).find_resources("AWS::IAM::Role").values()
    assert role_trusts_emr(role)
