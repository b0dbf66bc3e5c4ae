"""EmrStudioServiceRole: names and paths checked by the construct, every problem at once (issues 15, 16).

Each test tries one hostile or careless input and checks the refusal names the prop and the
escaped value, or that the input is taken.
"""

from __future__ import annotations

import pytest
from aws_cdk import Aws
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3

from emr_studio_role import EmrStudioRoleValidationError
from tests.helpers import role_stack


def _problems(configure=None, **props) -> tuple:
    with pytest.raises(EmrStudioRoleValidationError) as caught:
        role_stack(configure, **props)
    return caught.value.problems


@pytest.mark.parametrize("name", ["studio-role\n", "studio-role\r\n", "\nstudio-role", "a" * 64 + "\n"])
def test_a_role_name_with_a_line_break_is_refused_by_the_construct_naming_the_escaped_value(name):
    (problem,) = _problems(role_name=name)
    assert problem.startswith(f"role_name: got {name!r};") and "\\n" in problem


@pytest.mark.parametrize("path", ["/emr/\n", "/emr/\t/"])
def test_a_path_with_a_control_character_is_refused_naming_the_escaped_value(path):
    (problem,) = _problems(path=path)
    assert problem.startswith(f"path: got {path!r};")


def test_a_role_name_token_next_to_a_wildcard_is_refused():
    (problem,) = _problems(role_name=f"{Aws.STACK_NAME}-*")
    assert problem.startswith("role_name: got")


def test_a_role_name_token_next_to_allowed_characters_is_accepted():
    _, role = role_stack(role_name=f"{Aws.STACK_NAME}-studio")
    assert role.role is not None


def test_a_path_token_next_to_a_space_is_refused():
    (problem,) = _problems(path=f"/{Aws.STACK_NAME} x/")
    assert problem.startswith("path: got")


def test_a_type_error_does_not_hide_value_errors():
    problems = _problems(vpc="vpc-0123456789abcdef0", role_name="bad*name", path="emr")
    assert [p.split(":")[0] for p in problems] == ["vpc", "role_name", "path"]
    assert "ec2.Vpc.from_vpc_attributes" in problems[0]


def test_a_hint_for_one_prop_does_not_hide_the_type_error_of_another():
    problems = _problems(vpc="vpc-0123456789abcdef0", compute="EC2")
    assert sorted(p.split(":")[0] for p in problems) == ["compute", "vpc"]


def test_a_bucket_of_the_wrong_type_does_not_hide_a_bad_prefix():
    problems = _problems(bucket="notebooks", prefix="studio/*")
    assert [p.split(":")[0] for p in problems] == ["bucket", "prefix"]
    assert "s3.Bucket.from_bucket_name(scope, id, 'notebooks')" in problems[0]


def test_vpc_subnets_selecting_no_subnet_of_the_vpc_is_refused_clearly():
    def configure(stack):
        vpc = ec2.Vpc(stack, "Vpc", subnet_configuration=[
            ec2.SubnetConfiguration(name="Public", subnet_type=ec2.SubnetType.PUBLIC)
        ])
        return {"vpc": vpc, "vpc_subnets": ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_ISOLATED)}

    (problem,) = _problems(configure)
    assert problem.startswith(
        "vpc_subnets: got SubnetSelection(subnet_type=PRIVATE_ISOLATED), which selects no subnet of the "
        "vpc Vpc at 'TestStack/Vpc'"
    )
    assert "There are no 'Isolated' subnet groups" in problem


def test_vpc_subnets_given_a_list_is_refused_with_the_right_prop():
    def configure(stack):
        vpc = ec2.Vpc(stack, "Vpc")
        return {"vpc": vpc, "vpc_subnets": vpc.private_subnets}

    (problem,) = _problems(configure)
    assert problem.startswith("vpc_subnets: got a list") and "use subnets=" in problem
    assert "InterfaceDynamicProxy" not in problem


def test_a_key_arn_of_a_four_letter_region_is_accepted():
    arn = "arn:aws-eusc:kms:eusc-de-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    _, role = role_stack(lambda s: {"encryption_key": kms.Key.from_key_arn(s, "K", arn)})
    assert role.role is not None


def test_the_role_keeps_what_it_tags_for_an_emr_studio_to_read():
    def configure(stack):
        vpc = ec2.Vpc(stack, "Vpc", max_azs=1)
        group = ec2.SecurityGroup(stack, "Sg", vpc=vpc)
        return {"vpc": vpc, "subnets": vpc.private_subnets, "security_groups": [group],
                "bucket": s3.Bucket(stack, "B")}

    stack, role = role_stack(configure)
    assert role.vpc is stack.node.find_child("Vpc")
    assert role.security_groups == (stack.node.find_child("Sg"),)


def test_selected_subnets_given_to_the_role_point_to_its_vpc_subnets_prop():
    def configure(stack):
        vpc = ec2.Vpc(stack, "Vpc", max_azs=1)
        return {"vpc": vpc, "subnets": vpc.select_subnets()}

    with pytest.raises(EmrStudioRoleValidationError) as err:
        role_stack(configure)
    (problem,) = [p for p in err.value.problems if p.startswith("subnets:")]
    assert "pass vpc_subnets=ec2.SubnetSelection(...) with vpc, or selected.subnets" in problem
