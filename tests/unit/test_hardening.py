"""Every promise holds for every input (issue 8): each class of bad input, one behaviour per test.

Size: no policy over IAM's limit.  Wildcards and wrong ARNs: refused.  Types: checked,
with the construct's path in the message.  Nothing silently dropped.  The guard sees
the synthesized template.
"""

import re

import pytest
from aws_cdk import App, Aws, CfnParameter, Stack
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_secretsmanager as sm

from emr_studio_role import EmrStudioRoleValidationError, EmrStudioServiceRole, GitSecretAccess
from emr_studio_role.limits import MANAGED_POLICY_MAX_CHARS, ArnKind, bound_length
from emr_studio_role.validation import KEY_ARN as KEY_ARN_SHAPE
from emr_studio_role.validation import check_arn
from tests.helpers import (
    cdk_app,
    rendered_resources,
    role_stack,
    statements_by_sid,
    template_of,
)

KEY_ARN = "arn:aws:kms:eu-west-1:111122223333:key/1111aaaa-11aa-11aa-11aa-111111111111"


def _refused(configure=None, **props) -> str:
    with pytest.raises(EmrStudioRoleValidationError) as err:
        role_stack(configure, **props)
    return str(err.value)


# ------------------------------------------------------------------ size


def test_a_token_followed_by_literal_text_counts_as_both():
    value = "${Token[TOKEN.12]}/" + "a" * 100 + "/*"
    assert bound_length(value, ArnKind.BUCKET) == ArnKind.BUCKET.value + 103


def test_a_second_unknown_token_counts_at_the_unknown_bound():
    value = "${Token[TOKEN.1]}/${Token[TOKEN.2]}/*"
    assert bound_length(value, ArnKind.BUCKET) == ArnKind.BUCKET.value + 2048 + 3


def test_literal_text_counts_its_json_escapes():
    assert bound_length('a"b') == 4


def test_forty_listed_secrets_spill_into_more_policies_within_the_limit():
    def configure(stack):
        return {
            "git_secrets": [
                sm.Secret.from_secret_complete_arn(
                    stack,
                    f"S{i}",
                    f"arn:aws:secretsmanager:eu-west-1:111122223333:secret:{'g' * 60}-{i:03d}-AbCdEf",
                )
                for i in range(40)
            ]
        }

    _, role = role_stack(configure, git_secret_access=GitSecretAccess.LISTED_SECRETS)
    assert len(role.policies) > 1
    assert max(role.policy_size_bounds) <= MANAGED_POLICY_MAX_CHARS


def test_listed_secrets_split_across_policies_are_all_granted():
    arns = [
        f"arn:aws:secretsmanager:eu-west-1:111122223333:secret:{'g' * 60}-{i:03d}-AbCdEf" for i in range(40)
    ]

    def configure(stack):
        return {
            "git_secrets": [sm.Secret.from_secret_complete_arn(stack, f"S{i}", a) for i, a in enumerate(arns)]
        }

    stack, _ = role_stack(configure, git_secret_access=GitSecretAccess.LISTED_SECRETS)
    granted = []
    for policy in template_of(stack).find_resources("AWS::IAM::ManagedPolicy").values():
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
            if statement["Sid"] == "AllowSecretsManagerReadOnlyActionsWithEMRTags":
                granted += rendered_resources(statement)
    assert sorted(granted) == sorted(arns)


def test_owned_bucket_with_long_prefixes_stays_within_the_limit():
    def configure(stack):
        return {"bucket": s3.Bucket(stack, "Owned")}

    stack, role = role_stack(configure)
    for i in range(30):
        role.add_storage_location(role.storage_locations[0].bucket, prefix=f"{'p' * 200}{i}/")
    assert max(role.policy_size_bounds) <= MANAGED_POLICY_MAX_CHARS
    assert len(role.policies) > 1


def test_fifty_imported_subnets_and_groups_get_tagging_policies_within_the_limit():
    def configure(stack):
        return {
            "subnets": [ec2.Subnet.from_subnet_id(stack, f"Sn{i}", f"subnet-{i:017x}") for i in range(25)],
            "security_groups": [
                ec2.SecurityGroup.from_security_group_id(stack, f"Sg{i}", f"sg-{i:017x}") for i in range(25)
            ],
            "tag_imported_resources": True,
        }

    stack, role = role_stack(configure)
    tagger = role.node.find_child("TagImportedResources")
    assert len(tagger.policies) > 1
    assert max(tagger.policy_size_bounds) <= MANAGED_POLICY_MAX_CHARS


# ------------------------------------------------------------------ wildcards and wrong ARNs


def test_key_arn_with_wildcards_is_refused():
    text = _refused(
        lambda s: {"encryption_key": kms.Key.from_key_arn(s, "K", f"arn:{Aws.PARTITION}:kms:*:*:key/*")}
    )
    assert "encryption_key (key ARN)" in text and "wildcard" in text


def test_wildcard_key_reached_through_the_bucket_is_refused():
    def configure(stack):
        key = kms.Key.from_key_arn(stack, "K", "arn:aws:kms:*:*:key/*")
        return {
            "bucket": s3.Bucket.from_bucket_attributes(
                stack, "B", bucket_name="notebooks-x", encryption_key=key
            )
        }

    assert "bucket.encryption_key (key ARN)" in _refused(configure)


def test_bucket_arn_with_a_wildcard_is_refused():
    text = _refused(
        lambda s: {
            "bucket": s3.Bucket.from_bucket_attributes(s, "B", bucket_arn=f"arn:aws:s3:::{Aws.ACCOUNT_ID}-*")
        }
    )
    assert "bucket (bucket ARN)" in text and "wildcard" in text


def test_role_arn_given_as_a_bucket_arn_is_refused():
    text = _refused(
        lambda s: {
            "bucket": s3.Bucket.from_bucket_attributes(s, "B", bucket_arn="arn:aws:iam::111122223333:role/x")
        }
    )
    assert "service 'iam', expected 's3'" in text


def test_s3_arn_given_as_a_key_arn_is_refused():
    # aws-cdk-lib 2.275 refuses this in Key.from_key_arn already; older releases do not.
    assert "service 's3', expected 'kms'" in " ".join(
        check_arn("encryption_key", "arn:aws:s3:::notebooks", KEY_ARN_SHAPE)
    )


@pytest.mark.parametrize("name", ["*", "git*"])
def test_listed_secret_with_a_wildcard_name_is_refused(name):
    text = _refused(
        lambda s: {"git_secrets": [sm.Secret.from_secret_name_v2(s, "S", name)]},
        git_secret_access=GitSecretAccess.LISTED_SECRETS,
    )
    assert "git_secrets[0] (secret ARN)" in text and "wildcard" in text


@pytest.mark.parametrize(
    "prop,factory",
    [
        ("subnets[0] (subnet id)", lambda s: {"subnets": [ec2.Subnet.from_subnet_id(s, "X", "subnet-*")]}),
        (
            "security_groups[0] (security group id)",
            lambda s: {"security_groups": [ec2.SecurityGroup.from_security_group_id(s, "X", "*")]},
        ),
    ],
)
def test_imported_network_id_with_a_wildcard_is_refused(prop, factory):
    assert prop in _refused(factory)


def test_wildcard_in_the_literal_part_of_a_token_prefix_is_refused():
    assert "wildcard" in _refused(prefix=f"*/{Aws.ACCOUNT_ID}/")


@pytest.mark.parametrize("prefix,what", [("a\x00b/", "control character"), ("${aws:username}/", "'${'")])
def test_prefix_characters_iam_rejects_or_misreads_are_refused(prefix, what):
    assert what in _refused(prefix=prefix)


# ------------------------------------------------------------------ types


@pytest.mark.parametrize("prop", ["workspace_collaboration", "tag_imported_resources"])
def test_a_bool_prop_given_a_string_is_refused(prop):
    assert f"{prop}: got 'false'; allowed: True or False" in _refused(**{prop: "false"})


def test_a_vpc_in_subnets_is_refused_by_its_path():
    text = _refused(lambda s: {"subnets": [ec2.Vpc(s, "Vpc", max_azs=1, nat_gateways=0)]})
    assert "subnets[0]: got Vpc at 'TestStack/Vpc'; allowed: ec2.ISubnet" in text


def test_a_vpc_in_security_groups_is_refused():
    text = _refused(lambda s: {"security_groups": [ec2.Vpc(s, "Vpc", max_azs=1, nat_gateways=0)]})
    assert "security_groups[0]" in text and "ec2.ISecurityGroup" in text


@pytest.mark.parametrize("kind", ["policy", "role"])
def test_a_permissions_boundary_that_is_not_a_managed_policy_is_refused(kind):
    def configure(stack):
        if kind == "role":
            return {"permissions_boundary": iam.Role(stack, "X", assumed_by=iam.AccountRootPrincipal())}
        return {
            "permissions_boundary": iam.Policy(
                stack, "X", statements=[iam.PolicyStatement(actions=["s3:GetObject"], resources=["*"])]
            )
        }

    assert "permissions_boundary: got" in _refused(configure)


def test_subnets_none_means_no_subnets():
    stack, role = role_stack(subnets=None)
    assert role.subnets == ()


def test_an_arn_string_in_git_secrets_is_refused_with_the_fix():
    text = _refused(git_secrets=["arn:aws:secretsmanager:eu-west-1:111122223333:secret:g-AbCdEf"])
    assert "git_secrets[0]: got the string" in text and "from_secret_complete_arn" in text


def test_an_l1_cfn_bucket_is_refused_naming_the_l2_import():
    text = _refused(lambda s: {"bucket": s3.CfnBucket(s, "L1")})
    assert "bucket: got CfnBucket at 'TestStack/L1'" in text and "from_cfn_bucket" in text


def test_messages_never_show_a_jsii_proxy():
    text = _refused(lambda s: {"vpc": ec2.Subnet.from_subnet_id(s, "Sn", "subnet-0abc")})
    assert "InterfaceDynamicProxy" not in text and "'TestStack/Sn'" in text


def test_a_subnet_id_string_is_refused_pointing_to_from_subnet_id():
    assert "ec2.Subnet.from_subnet_id(scope, id, 'subnet-1')" in _refused(subnets=["subnet-1"])


# ------------------------------------------------------------------ nothing dropped


def test_the_same_location_with_a_second_key_keeps_both_keys():
    def configure(stack):
        return {"encryption_key": kms.Key.from_key_arn(stack, "K1", KEY_ARN)}

    stack, role = role_stack(configure)
    second = kms.Key.from_key_arn(stack, "K2", KEY_ARN.replace("1111aaaa", "2222bbbb"))
    role.add_storage_location(role.storage_locations[0].bucket, prefix=None, encryption_key=second)
    keys = rendered_resources(statements_by_sid(template_of(stack))["KmsKeyActions"])
    assert len(keys) == 2


def test_an_alias_reached_through_the_bucket_is_refused():
    def configure(stack):
        alias = kms.Alias.from_alias_name(stack, "A", "alias/notebooks")
        return {
            "bucket": s3.Bucket.from_bucket_attributes(
                stack, "B", bucket_name="notebooks-x", encryption_key=alias
            )
        }

    assert "bucket.encryption_key: got the KMS alias" in _refused(configure)


def test_a_refused_add_leaves_the_role_unchanged():
    stack, role = role_stack()
    bucket = s3.Bucket.from_bucket_name(stack, "Many", "b" * 63)
    added = 0
    with pytest.raises(EmrStudioRoleValidationError):
        while True:
            role.add_storage_location(bucket, prefix=f"{'p' * 900}{added}/")
            added += 1
    before = (role.storage_locations, role.policies, role.policy_size_bounds)
    with pytest.raises(EmrStudioRoleValidationError):
        role.add_storage_location(bucket, prefix=f"{'p' * 900}{added}/")
    assert (role.storage_locations, role.policies, role.policy_size_bounds) == before
    assert len(role.storage_locations) == added + 1


def test_add_storage_location_after_synth_says_so():
    stack, role = role_stack()
    App.of(stack).synth()
    with pytest.raises(EmrStudioRoleValidationError, match="after the app was synthesized"):
        role.add_storage_location(s3.Bucket.from_bucket_name(stack, "Late", "late-bucket"))


def test_grant_git_secret_read_to_a_string_is_refused():
    _, role = role_stack()
    with pytest.raises(EmrStudioRoleValidationError, match="grantee: got 'arn:aws:iam"):
        role.grant_git_secret_read("arn:aws:iam::111122223333:role/x")


# ------------------------------------------------------------------ the guard


def test_a_guarded_statement_overridden_on_the_l1_fails_synth():
    stack, role = role_stack()
    statements = template_of(stack).find_resources("AWS::IAM::ManagedPolicy")
    (policy,) = statements.values()
    index = [s["Sid"] for s in policy["Properties"]["PolicyDocument"]["Statement"]].index(
        "AllowAddingTagsDuringEC2ENICreation"
    )
    app = cdk_app()
    stack = Stack(app, "TestStack")
    role = EmrStudioServiceRole(stack, "Role", bucket=s3.Bucket.from_bucket_name(stack, "B", "notebooks-x"))
    role.policies[0].node.default_child.add_property_override(
        f"PolicyDocument.Statement.{index}.Resource", "*"
    )
    with pytest.raises(Exception, match="AllowAddingTagsDuringEC2ENICreation' was altered"):
        app.synth()


def test_an_unchanged_role_passes_the_guard():
    app = cdk_app()
    stack = Stack(app, "TestStack")
    EmrStudioServiceRole(stack, "Role", bucket=s3.Bucket.from_bucket_name(stack, "B", "notebooks-x"))
    assert app.synth().get_stack_by_name("TestStack").template


# ------------------------------------------------------------------ CDK conventions


def test_the_construct_is_grantable_to_its_role():
    stack, role = role_stack()
    s3.Bucket(stack, "Extra").grant_read(role)
    (policy,) = template_of(stack).find_resources("AWS::IAM::Policy").values()
    assert policy["Properties"]["Roles"] == [{"Ref": re.sub(r"\W", "", "StudioServiceRole8E5765BC")}]


def test_vpc_subnets_select_from_the_vpc_and_get_the_tag():
    def configure(stack):
        vpc = ec2.Vpc(
            stack,
            "Vpc",
            max_azs=2,
            nat_gateways=0,
            subnet_configuration=[
                ec2.SubnetConfiguration(name="a", subnet_type=ec2.SubnetType.PUBLIC),
                ec2.SubnetConfiguration(name="b", subnet_type=ec2.SubnetType.PRIVATE_ISOLATED),
            ],
        )
        return {"vpc": vpc, "vpc_subnets": ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_ISOLATED)}

    stack, role = role_stack(configure)
    assert len(role.subnets) == 2
    tagged = [
        r
        for r in template_of(stack).find_resources("AWS::EC2::Subnet").values()
        if {"Key": "for-use-with-amazon-emr-managed-policies", "Value": "true"}
        in r["Properties"].get("Tags", [])
    ]
    assert len(tagged) == 2


def test_vpc_subnets_without_a_vpc_is_refused():
    assert "vpc_subnets: got a SubnetSelection without vpc" in _refused(vpc_subnets=ec2.SubnetSelection())


def test_token_prefix_parameter_is_refused_without_slash():
    text = _refused(lambda s: {"prefix": CfnParameter(s, "P").value_as_string})
    assert "literal '/'" in text


@pytest.mark.parametrize("prefix", ["my notes/", "a+b=c,d@e/", "x[y/", "a::b/"])
def test_nag_acknowledgments_match_a_legal_prefix(prefix):
    from tests.helpers import app_stack

    app, _ = app_stack({"prefix": prefix})
    assert app.synth().get_stack_by_name("EmrStudioServiceRoleStack").template


def test_a_finding_cdk_cannot_hold_is_warned_about_not_dropped():
    from aws_cdk.assertions import Annotations, Match

    stack, _ = role_stack(prefix="a}b/")
    warnings = Annotations.from_stack(stack).find_warning(
        "*", Match.string_like_regexp("cannot be acknowledged")
    )
    assert len(warnings) == 1


def test_a_parameter_prefix_after_a_literal_bucket_arn_counts_at_the_unknown_bound():
    _, literal = role_stack(prefix="p/")
    _, token = role_stack(lambda s: {"prefix": CfnParameter(s, "P").value_as_string + "/"})
    # The bucket ARN is literal text and pseudo parameters: the parameter is the only token
    # that is not a pseudo parameter, and it is a prefix, not a bucket ARN.
    assert token.policy_size_bounds[0] - literal.policy_size_bounds[0] >= 2048 - len("p")


def test_a_grant_larger_than_a_roles_inline_policies_is_refused():
    def configure(stack):
        name = "g" * 200
        return {
            "git_secrets": [
                sm.Secret.from_secret_complete_arn(
                    stack,
                    f"S{i}",
                    f"arn:aws:secretsmanager:eu-west-1:111122223333:secret:{name}{i:03d}-AbCdEf",
                )
                for i in range(60)
            ]
        }

    stack, role = role_stack(configure, git_secret_access=GitSecretAccess.LISTED_SECRETS)
    user = iam.Role(stack, "User", assumed_by=iam.AccountRootPrincipal())
    with pytest.raises(EmrStudioRoleValidationError, match="grant_git_secret_read: the statement for 60"):
        role.grant_git_secret_read(user)


def test_a_grant_of_a_few_listed_secrets_is_made():
    stack, role = role_stack(
        lambda s: {
            "git_secrets": [
                sm.Secret.from_secret_complete_arn(
                    s, "S", "arn:aws:secretsmanager:eu-west-1:111122223333:secret:g-AbCdEf"
                )
            ]
        },
        git_secret_access=GitSecretAccess.LISTED_SECRETS,
    )
    user = iam.Role(stack, "User", assumed_by=iam.AccountRootPrincipal())
    assert role.grant_git_secret_read(user).success
