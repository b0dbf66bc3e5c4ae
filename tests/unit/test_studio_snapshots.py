"""Whole-template snapshots of EmrStudio's two main configurations.

IAM mode, and IAM Identity Center mode with a session mapping (user-role Git secrets,
the basic user policy). Update with ``pytest --snapshot-update`` only for a change you
meant, and say so in the commit message.
"""

import pytest
from aws_cdk import Stack
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from aws_cdk.assertions import Template

from emr_studio_role import EmrStudio, GitSecretAccess, StudioAuthMode, UserPolicyLevel
from tests.helpers import ENV, cdk_app


def _studio_stack(**props):
    app = cdk_app()
    stack = Stack(app, "StudioStack", env=ENV)
    vpc = ec2.Vpc(
        stack, "Vpc", max_azs=2, nat_gateways=0, restrict_default_security_group=False,
        subnet_configuration=[
            ec2.SubnetConfiguration(name="Studio", subnet_type=ec2.SubnetType.PRIVATE_ISOLATED)
        ],
    )
    key = kms.Key(stack, "NotebookKey", enable_key_rotation=True)
    bucket = s3.Bucket(stack, "Notebooks", encryption_key=key, enforce_ssl=True)
    studio = EmrStudio(
        stack, "Studio", vpc=vpc, subnets=vpc.isolated_subnets, bucket=bucket, prefix="studio/",
        name="analytics", **props,
    )
    return stack, studio


def _iam():
    stack, _ = _studio_stack()
    return stack


def _identity_center():
    stack, studio = _studio_stack(
        auth_mode=StudioAuthMode.IAM_IDENTITY_CENTER, git_secret_access=GitSecretAccess.USER_ROLE
    )
    studio.add_session_mapping(
        identity_name="analysts",
        identity_type="GROUP",
        session_policy=studio.user_policy(UserPolicyLevel.BASIC).policy,
    )
    return stack


@pytest.mark.parametrize("build", [_iam, _identity_center], ids=["iam", "identity_center_with_mapping"])
def test_studio_template_matches_snapshot(snapshot, build):
    assert Template.from_stack(build()).to_json() == snapshot
