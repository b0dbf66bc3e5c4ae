"""The README's EmrStudio example (examples/studio_in_stack.py) synthesizes what it says."""

import re
import runpy
from pathlib import Path

import pytest
from aws_cdk.assertions import Template

ROOT = Path(__file__).parents[2]
EXAMPLE = ROOT / "examples" / "studio_in_stack.py"
TAG = {"Key": "for-use-with-amazon-emr-managed-policies", "Value": "true"}


@pytest.fixture(scope="module")
def example():
    """Runs the example as a script (its own App, the EmrStudioChecks plugin, app.synth())."""
    scope = runpy.run_path(str(EXAMPLE), run_name="__main__")
    return scope["stack"], Template.from_stack(scope["stack"])


def test_example_synthesizes_one_identity_center_studio(example):
    _, template = example
    template.resource_count_is("AWS::EMR::Studio", 1)
    template.has_resource_properties("AWS::EMR::Studio", {"AuthMode": "SSO", "Name": "analytics"})


def test_example_maps_two_groups_with_two_of_the_pages_user_policies(example):
    _, template = example
    mappings = template.find_resources("AWS::EMR::StudioSessionMapping").values()
    assert sorted(m["Properties"]["IdentityName"] for m in mappings) == ["data-analysts", "data-engineers"]
    assert len({m["Properties"]["SessionPolicyArn"]["Ref"] for m in mappings}) == 2


def test_example_tags_the_vpc_private_subnets_and_groups_only(example):
    _, template = example
    for resource in template.find_resources("AWS::EC2::VPC").values():
        assert TAG in resource["Properties"]["Tags"]
    for resource in template.find_resources("AWS::EC2::SecurityGroup").values():
        assert TAG in resource["Properties"]["Tags"]
    for resource in template.find_resources("AWS::EC2::Subnet").values():
        private = {"Key": "aws-cdk:subnet-type", "Value": "Private"} in resource["Properties"]["Tags"]
        assert (TAG in resource["Properties"]["Tags"]) == private


def test_example_studio_depends_on_the_service_role_policies(example):
    stack, template = example
    (studio,) = template.find_resources("AWS::EMR::Studio").values()
    role = stack.node.find_child("Studio").service_role
    policies = [stack.get_logical_id(p.node.default_child) for p in role.policies]
    assert policies and set(policies) <= set(studio["DependsOn"])


def test_readme_embeds_the_example_verbatim():
    readme = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", readme, re.S)
    assert EXAMPLE.read_text() in blocks
