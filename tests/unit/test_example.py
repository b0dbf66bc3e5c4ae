"""The README's examples synthesize, use the role, and are shown in the README verbatim.

- examples/embed_in_stack.py: a new VPC, bucket and key, the role and the Studio;
- examples/existing_platform.py: the VPC, subnets, security groups, bucket and key imported by ID.
"""

import json
import re
import runpy
from pathlib import Path

import pytest
from aws_cdk import App
from aws_cdk.assertions import Annotations, Match, Template

from emr_studio_role import EMR_TAG_KEY

ROOT = Path(__file__).parents[2]
EXAMPLE = ROOT / "examples" / "embed_in_stack.py"
PLATFORM = ROOT / "examples" / "existing_platform.py"
UNTAGGED = "emr-studio-role:importedResourceNotTagged"


def _run(path):
    """Runs the example as a script (its own App, the EmrStudioChecks plugin, app.synth())."""
    scope = runpy.run_path(str(path), run_name="__main__")
    return scope["stack"], Template.from_stack(scope["stack"])


@pytest.fixture(scope="module")
def example():
    return _run(EXAMPLE)


@pytest.fixture(scope="module")
def platform():
    return _run(PLATFORM)


@pytest.mark.parametrize("name", ["example", "platform"])
def test_cdk_template_validation_finds_nothing_in_the_example(name, request):
    """The example's own ``App()`` ran CDK's built-in template validation when ``app.synth()``
    ran (the README's run of the examples leaves it to this test, tests/readme.py), and it found
    nothing: not even a warning (without ``cdk.json``'s flag its findings are warnings, which
    would not fail the example)."""
    stack, _ = request.getfixturevalue(name)
    report = json.loads((Path(App.of(stack).outdir) / "validation-report.json").read_text())
    violations = [
        (r["pluginName"], v["ruleName"], v["description"])
        for r in report["pluginReports"]
        for v in r.get("violations", [])
    ]
    assert violations == []


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


def test_studio_depends_on_the_role_and_every_policy_of_it(example):
    _, template = example
    _, studio = _one(template, "AWS::EMR::Studio")
    policies = template.find_resources("AWS::IAM::ManagedPolicy")
    (role_id,) = template.find_resources("AWS::IAM::Role")
    assert policies
    assert set(policies) | {role_id} <= set(studio["DependsOn"])


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


# ------------------------------------------------------------ the platform example


def test_platform_example_creates_only_the_role_its_policy_and_the_studio(platform):
    _, template = platform
    types = sorted(r["Type"] for r in template.to_json()["Resources"].values())
    assert types == ["AWS::EMR::Studio", "AWS::IAM::ManagedPolicy", "AWS::IAM::Role"]


def test_platform_studio_uses_the_imported_ids(platform):
    _, template = platform
    _, studio = _one(template, "AWS::EMR::Studio")
    props = studio["Properties"]
    assert props["VpcId"] == "vpc-0123456789abcdef0"
    assert props["SubnetIds"] == ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"]
    assert props["EngineSecurityGroupId"] == "sg-0123456789abcdef0"
    assert props["DefaultS3Location"] == "s3://platform-emr-notebooks/studio/"


def test_platform_role_is_granted_the_imported_bucket_and_its_key(platform):
    _, template = platform
    text = str(template.to_json())
    assert "platform-emr-notebooks/studio/*" in text
    assert "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab" in text


def test_platform_studio_depends_on_the_whole_role(platform):
    _, template = platform
    _, studio = _one(template, "AWS::EMR::Studio")
    (role_id,) = template.find_resources("AWS::IAM::Role")
    (policy_id,) = template.find_resources("AWS::IAM::ManagedPolicy")
    assert {role_id, policy_id} <= set(studio["DependsOn"])


def _untagged_warnings(stack):
    return [
        w.entry.data for w in Annotations.from_stack(stack).find_warning("*", Match.any_value())
        if EMR_TAG_KEY in w.entry.data
    ]


def test_platform_subnets_and_groups_are_still_warned_about(platform):
    stack, _ = platform
    warnings = _untagged_warnings(stack)
    for resource_id in ("subnet-0123456789abcdef0", "subnet-0fedcba9876543210",
                        "sg-0123456789abcdef0", "sg-0fedcba9876543210"):
        assert any(resource_id in w for w in warnings), resource_id


def test_acknowledging_one_resource_silences_only_its_warning(platform):
    stack, _ = platform
    warnings = _untagged_warnings(stack)
    assert not any("vpc-0123456789abcdef0" in w for w in warnings)
    assert len(warnings) == 4


def test_no_cdk_warning_besides_the_untagged_resources(platform):
    stack, _ = platform
    others = [
        w.entry.data for w in Annotations.from_stack(stack).find_warning("*", Match.any_value())
        if EMR_TAG_KEY not in w.entry.data
    ]
    assert others == []


# ------------------------------------------------------------ shown in the README


@pytest.mark.parametrize("path", [EXAMPLE, PLATFORM], ids=lambda p: p.name)
def test_readme_embeds_the_example_verbatim(path):
    readme = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", readme, re.S)
    assert path.read_text() in blocks
