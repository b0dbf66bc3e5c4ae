"""The role where enterprises put it (issue 9): shared VPCs, CMK-encrypted Git secrets, the
Workspace key's account and region, partitions."""

import pytest
from aws_cdk import Environment, Stack
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_secretsmanager as sm
from aws_cdk.assertions import Template

from emr_studio_role import EmrStudioRoleValidationError, EmrStudioServiceRole, GitSecretAccess
from tests.helpers import (
    cdk_app,
    rendered_resources,
    role_stack,
    statements_by_sid,
    template_of,
)

OWNER = "999988887777"
ENV = Environment(account="111122223333", region="eu-west-1")
SECRET_KEY = "arn:aws:kms:eu-west-1:111122223333:key/3333cccc-33cc-33cc-33cc-333333333333"
SECRET = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:git-AbCdEf"


def _refused(configure=None, **props) -> str:
    with pytest.raises(EmrStudioRoleValidationError) as err:
        role_stack(configure, **props)
    return str(err.value)


def _resources(stack, sid):
    return rendered_resources(statements_by_sid(template_of(stack))[sid])


# ------------------------------------------------------------------ shared VPCs


@pytest.mark.parametrize(
    "sid,kind",
    [
        ("AllowEC2ENICreationInSubnetAndSecurityGroupWithEMRTags", "subnet"),
        ("AllowEC2ENICreationInSubnetAndSecurityGroupWithEMRTags", "security-group"),
        ("AllowDefaultEC2SecurityGroupsCreationInVPCWithEMRTags", "vpc"),
    ],
)
def test_network_owner_account_adds_the_owner_arns(sid, kind):
    stack, _ = role_stack(network_owner_account=OWNER)
    assert f"arn:${{AWS::Partition}}:ec2:${{AWS::Region}}:{OWNER}:{kind}/*" in _resources(stack, sid)


def test_without_network_owner_account_only_the_stack_account_is_granted():
    stack, _ = role_stack()
    for resource in _resources(stack, "AllowEC2ENICreationInSubnetAndSecurityGroupWithEMRTags"):
        assert ":${AWS::AccountId}:" in resource


def test_network_owner_account_must_be_twelve_digits():
    assert "network_owner_account: got '1234'" in _refused(network_owner_account="1234")


def test_tagging_imported_resources_of_a_shared_vpc_is_refused():
    text = _refused(network_owner_account=OWNER, tag_imported_resources=True)
    assert "tag_imported_resources: got True with network_owner_account" in text


def test_an_imported_shared_subnet_warns_that_the_owner_must_tag_it():
    stack, _ = role_stack(
        lambda s: {"subnets": [ec2.Subnet.from_subnet_id(s, "Shared", "subnet-0abc")]},
        network_owner_account=OWNER,
    )
    warnings = Annotations_of(stack)
    assert any(OWNER in w and "must apply the tag" in w for w in warnings)


def Annotations_of(stack):
    from aws_cdk.assertions import Annotations, Match

    found = Annotations.from_stack(stack).find_warning("*", Match.any_value())
    return [str(f.entry.data) for f in found]


# ------------------------------------------------------------------ CMK-encrypted Git secrets


def _secret_with_key(stack):
    key = kms.Key.from_key_arn(stack, "SecretKey", SECRET_KEY)
    return sm.Secret.from_secret_attributes(stack, "Git", secret_complete_arn=SECRET, encryption_key=key)


@pytest.mark.parametrize("access", [GitSecretAccess.TAGGED_SECRETS, GitSecretAccess.LISTED_SECRETS])
def test_a_git_secret_key_gets_decrypt_through_secrets_manager_only(access):
    stack, _ = role_stack(lambda s: {"git_secrets": [_secret_with_key(s)]}, git_secret_access=access)
    statement = statements_by_sid(template_of(stack))["AllowGitSecretKeyDecryptViaSecretsManager"]
    assert statement["Action"] == "kms:Decrypt"
    assert rendered_resources(statement) == [SECRET_KEY]
    (via,) = rendered_resources({"Resource": statement["Condition"]["StringEquals"]["kms:ViaService"]})
    assert via == "secretsmanager.${AWS::Region}.${AWS::URLSuffix}"


def test_secrets_without_a_key_get_no_decrypt():
    stack, _ = role_stack()
    assert "AllowGitSecretKeyDecryptViaSecretsManager" not in statements_by_sid(template_of(stack))


def test_the_user_role_grant_includes_decrypt_on_the_secret_key():
    stack, role = role_stack(
        lambda s: {"git_secrets": [_secret_with_key(s)]}, git_secret_access=GitSecretAccess.USER_ROLE
    )
    user = iam.Role(stack, "User", assumed_by=iam.AccountRootPrincipal())
    role.grant_git_secret_read(user)
    (policy,) = template_of(stack).find_resources("AWS::IAM::Policy").values()
    actions = [s["Action"] for s in policy["Properties"]["PolicyDocument"]["Statement"]]
    assert "kms:Decrypt" in actions
    assert "AllowGitSecretKeyDecryptViaSecretsManager" not in statements_by_sid(template_of(stack))


# ------------------------------------------------------------------ Workspace key


@pytest.mark.parametrize(
    "arn,what",
    [
        ("arn:aws:kms:us-east-1:111122223333:key/1111aaaa-11aa-11aa-11aa-111111111111", "region"),
        ("arn:aws:kms:eu-west-1:444455556666:key/1111aaaa-11aa-11aa-11aa-111111111111", "account"),
    ],
)
def test_a_workspace_key_elsewhere_is_refused(arn, what):
    text = _refused(lambda s: {"workspace_encryption_key": kms.Key.from_key_arn(s, "W", arn)}, env=ENV)
    assert f"workspace_encryption_key: got a key in {what}" in text


def test_a_workspace_key_in_the_stack_account_and_region_is_accepted():
    arn = "arn:aws:kms:eu-west-1:111122223333:key/1111aaaa-11aa-11aa-11aa-111111111111"
    stack, _ = role_stack(lambda s: {"workspace_encryption_key": kms.Key.from_key_arn(s, "W", arn)}, env=ENV)
    assert arn in _resources(stack, "KmsKeyActions")


def test_an_owned_workspace_key_token_passes():
    stack, _ = role_stack(lambda s: {"workspace_encryption_key": kms.Key(s, "W")}, env=ENV)
    assert len(_resources(stack, "KmsKeyActions")) == 1


# ------------------------------------------------------------------ partitions


def test_the_trust_principal_takes_the_partitions_url_suffix_in_aws_cn():
    # EMR's principal in aws-cn is elasticmapreduce.amazonaws.com.cn (aws/aws-cdk#19867):
    # AWS::URLSuffix resolves to amazonaws.com.cn there, amazonaws.com elsewhere.
    app = cdk_app()
    stack = Stack(app, "Cn", env=Environment(account="111122223333", region="cn-north-1"))
    EmrStudioServiceRole(stack, "Role", bucket=s3.Bucket.from_bucket_name(stack, "B", "notebooks-x"))
    (role,) = Template.from_stack(stack).find_resources("AWS::IAM::Role").values()
    (statement,) = role["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    assert statement["Principal"] == {
        "Service": {"Fn::Join": ["", ["elasticmapreduce.", {"Ref": "AWS::URLSuffix"}]]}
    }


def test_emr_studio_checks_accept_the_aws_cn_principal_name():
    from emr_studio_role.checks import check_templates

    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "sts:AssumeRole",
                "Principal": {"Service": "elasticmapreduce.amazonaws.com.cn"},
            }
        ],
    }
    role = {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": trust}}
    findings = check_templates({"t.template.json": {"Resources": {"Role": role}}})
    # Trusted by EMR (in aws-cn), without the page's conditions: reported.
    assert [f.rule for f in findings] == ["EmrStudio-TrustConditions"]
