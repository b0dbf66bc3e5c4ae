"""Bad input is refused at construction, all problems at once, each naming prop, value and what is allowed."""

import pytest
from aws_cdk import CfnParameter
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_secretsmanager as sm

from emr_studio_role import EmrStudioRoleValidationError, GitSecretAccess, StudioCompute
from tests.helpers import rendered_resources, role_stack, statements_by_sid, template_of


def _refused(configure=None, **props) -> EmrStudioRoleValidationError:
    with pytest.raises(EmrStudioRoleValidationError) as err:
        role_stack(configure, **props)
    return err.value


def test_error_type_is_a_value_error():
    assert issubclass(EmrStudioRoleValidationError, ValueError)


@pytest.mark.parametrize("prefix", ["studio/*", "stu?dio/"])
def test_prefix_with_wildcard_is_refused(prefix):
    err = _refused(prefix=prefix)
    assert "prefix" in str(err) and repr(prefix) in str(err) and "wildcard" in str(err)


def test_prefix_with_leading_slash_is_refused():
    err = _refused(prefix="/studio/")
    assert "'/studio/'" in str(err) and "leading '/'" in str(err)


def test_prefix_with_empty_segment_is_refused():
    err = _refused(prefix="a//b/")
    assert "'a//b/'" in str(err) and "empty segment" in str(err)


def test_prefix_longer_than_an_s3_key_is_refused():
    err = _refused(prefix="é" * 513 + "/")  # 1,027 bytes of UTF-8
    assert "1027 bytes" in str(err) and "1024" in str(err)


def test_prefix_of_exactly_1024_bytes_is_accepted():
    stack, _ = role_stack(prefix="a" * 1023 + "/")
    (resource,) = rendered_resources(statements_by_sid(template_of(stack))["ObjectActions"])
    assert resource.endswith("/" + "a" * 1023 + "/*")


def test_prefix_token_followed_by_a_literal_slash_is_accepted():
    stack, _ = role_stack(
        lambda s: {"prefix": CfnParameter(s, "Prefix", default="studio").value_as_string + "/"}
    )
    (resource,) = rendered_resources(statements_by_sid(template_of(stack))["ObjectActions"])
    assert resource.endswith("/${Prefix}/*")


def test_prefix_token_without_a_literal_trailing_slash_is_refused():
    with pytest.raises(EmrStudioRoleValidationError) as err:
        role_stack(lambda s: {"prefix": CfnParameter(s, "Prefix", default="studio").value_as_string})
    assert "prefix:" in str(err.value) and "literal '/'" in str(err.value)


def test_prefix_without_trailing_slash_does_not_grant_sibling_prefixes():
    stack, _ = role_stack(prefix="studio")
    (resource,) = rendered_resources(statements_by_sid(template_of(stack))["ObjectActions"])
    assert resource.endswith("/studio/*")


@pytest.mark.parametrize("name", ["", "a" * 65, "has space", "bad/slash", "emoji-🙂"])
def test_role_name_breaking_iam_rules_is_refused(name):
    err = _refused(role_name=name)
    assert "role_name" in str(err) and "1 to 64" in str(err)


def test_role_name_with_all_allowed_characters_is_accepted():
    stack, _ = role_stack(role_name="EMR_Studio+=,.@-Role1")
    (role,) = template_of(stack).find_resources("AWS::IAM::Role").values()
    assert role["Properties"]["RoleName"] == "EMR_Studio+=,.@-Role1"


def test_role_name_with_non_ascii_letters_is_refused():
    err = _refused(role_name="Rôle")
    assert "role_name" in str(err) and "1 to 64" in str(err)


@pytest.mark.parametrize("path", ["emr/", "/emr", "/e mr/", "/" + "a" * 511 + "/"])
def test_path_breaking_iam_rules_is_refused(path):
    err = _refused(path=path)
    assert "path:" in str(err)


def test_path_error_names_the_length_limit():
    err = _refused(path="/" + "a" * 511 + "/")
    assert "513 characters" in str(err) and "512" in str(err)


def test_description_longer_than_1000_characters_is_refused():
    err = _refused(description="d" * 1001)
    assert "description: got 1001 characters; allowed: at most 1000" in str(err)


@pytest.mark.parametrize("prop", ["encryption_key", "workspace_encryption_key"])
def test_kms_alias_instead_of_key_is_refused(prop):
    err = _refused(lambda s: {prop: kms.Alias.from_alias_name(s, "A", "alias/studio")})
    assert prop in str(err) and "alias/studio" in str(err) and "does not grant use of the key" in str(err)


def test_key_arn_string_instead_of_ikey_is_refused():
    err = _refused(encryption_key="arn:aws:kms:eu-west-1:111122223333:key/x")
    assert "encryption_key: got the string" in str(err) and "kms.IKey" in str(err)


def test_bucket_name_string_instead_of_ibucket_is_refused():
    err = _refused(bucket="notebooks")
    assert "bucket: got the string 'notebooks'" in str(err) and "s3.IBucket" in str(err)


def test_listed_secrets_without_secrets_is_refused():
    err = _refused(git_secret_access=GitSecretAccess.LISTED_SECRETS)
    assert "git_secrets" in str(err) and "LISTED_SECRETS" in str(err) and "at least one" in str(err)


def test_serverless_with_collaboration_is_refused():
    err = _refused(compute=StudioCompute.EMR_SERVERLESS, workspace_collaboration=True)
    assert "workspace_collaboration: got True with compute=EMR_SERVERLESS" in str(err)


def test_serverless_with_network_and_secrets_is_refused_naming_each_prop():
    def configure(stack):
        vpc = ec2.Vpc.from_vpc_attributes(stack, "V", vpc_id="vpc-1", availability_zones=["a"])
        return {
            "vpc": vpc,
            "subnets": [ec2.Subnet.from_subnet_id(stack, "S", "subnet-1")],
            "security_groups": [ec2.SecurityGroup.from_security_group_id(stack, "G", "sg-1")],
            "git_secrets": [sm.Secret.from_secret_name_v2(stack, "X", "git")],
        }

    err = _refused(
        configure,
        compute=StudioCompute.EMR_SERVERLESS,
        git_secret_access=GitSecretAccess.TAGGED_SECRETS,
    )
    for prop in ("vpc", "subnets", "security_groups", "git_secrets", "git_secret_access"):
        assert f"  - {prop}: got" in str(err), prop
    assert "minimum EMR Serverless role" in str(err)


def test_all_problems_are_collected_and_raised_once():
    err = _refused(prefix="/a*", role_name="", path="x", description="d" * 1001)
    assert len(err.problems) == 5  # prefix twice (wildcard, leading '/'), role_name, path, description
    assert str(len(err.problems)) + " invalid prop value(s)" in str(err)


def test_error_names_the_construct_path():
    err = _refused(role_name="")
    assert err.construct_path == "TestStack/StudioServiceRole"


def test_add_storage_location_refuses_a_wildcard_prefix():
    _, role = role_stack()
    with pytest.raises(EmrStudioRoleValidationError, match="prefix: got 'x/\\*'"):
        role.add_storage_location(role.storage_locations[0].bucket, prefix="x/*")


def test_same_location_added_twice_does_not_duplicate_resources():
    stack, role = role_stack(prefix="a/")
    other = s3.Bucket.from_bucket_name(stack, "O", "other")
    role.add_storage_location(other, prefix="b/")
    role.add_storage_location(other, prefix="b/")
    sids = statements_by_sid(template_of(stack))
    assert len(rendered_resources(sids["ObjectActions"])) == 2
    assert len(rendered_resources(sids["BucketActions"])) == 2
