"""The README's embedding example (examples/embed_in_stack.py) synthesizes and uses the role."""

import re
import runpy
from pathlib import Path

import pytest
from aws_cdk.assertions import Template

ROOT = Path(__file__).parents[2]
EXAMPLE = ROOT / "examples" / "embed_in_stack.py"


@pytest.fixture(scope="module")
def example():
    """Runs the example as a script (its own App, the EmrStudioChecks plugin, app.synth())."""
    scope = runpy.run_path(str(EXAMPLE), run_name="__main__")
    return scope["stack"], Template.from_stack(scope["stack"])


def _one(template, type_):
    (logical_id, resource), = template.find_resources(type_).items()
    return logical_id, resource


def test_example_synthesizes_one_studio(example):
    _, template = example
    template.resource_count_is("AWS::EMR::Studio", 1)


def test_studio_service_role_is_the_construct_role(example):
    stack, template = example
    _, studio = _one(template, "AWS::EMR::Studio")
    role_id = stack.get_logical_id(
        stack.node.find_child("StudioServiceRole").role.node.default_child
    )
    assert studio["Properties"]["ServiceRole"] == {"Fn::GetAtt": [role_id, "Arn"]}


def test_studio_depends_on_every_policy_of_the_role(example):
    stack, template = example
    _, studio = _one(template, "AWS::EMR::Studio")
    policies = template.find_resources("AWS::IAM::ManagedPolicy")
    assert policies
    assert set(policies) <= set(studio["DependsOn"])


def test_studio_default_location_is_the_granted_prefix(example):
    stack, template = example
    _, studio = _one(template, "AWS::EMR::Studio")
    bucket_id, _ = _one(template, "AWS::S3::Bucket")
    location = studio["Properties"]["DefaultS3Location"]
    assert location == {"Fn::Join": ["", ["s3://", {"Ref": bucket_id}, "/studio/"]]}


def test_vpc_subnets_and_security_groups_carry_the_emr_tag(example):
    _, template = example
    tag = {"Key": "for-use-with-amazon-emr-managed-policies", "Value": "true"}
    for type_ in ("AWS::EC2::VPC", "AWS::EC2::SecurityGroup"):
        for resource in template.find_resources(type_).values():
            assert tag in resource["Properties"]["Tags"], type_
    private = [
        r for r in template.find_resources("AWS::EC2::Subnet").values()
        if {"Key": "aws-cdk:subnet-type", "Value": "Private"} in r["Properties"]["Tags"]
    ]
    assert len(private) == 2 and all(tag in r["Properties"]["Tags"] for r in private)


def test_readme_embeds_the_example_verbatim():
    readme = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", readme, re.S)
    assert EXAMPLE.read_text() in blocks
