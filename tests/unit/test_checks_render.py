"""The checks' CloudFormation value renderer (emr_studio_role.checks.render), shared with
tests/worst_case.py: the Fn::Sub and Fn::GetAtt forms, and values it cannot know."""

from __future__ import annotations

import pytest

from emr_studio_role.checks.model import AppTemplates
from emr_studio_role.checks.render import (
    STACK_PARTITION,
    Renderer,
    get_att_arguments,
    sub_arguments,
    substitute,
)

TEMPLATE = {
    "Resources": {
        "Bucket": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": "notebooks"}},
        "Role": {"Type": "AWS::IAM::Role", "Properties": {}},
    }
}


def _render(value):
    return Renderer(AppTemplates({"t.template.json": TEMPLATE}), "t.template.json").render(value)


@pytest.mark.parametrize("arg", ["Role.Arn", ["Role", "Arn"]])
def test_get_att_takes_the_string_and_the_list_form(arg):
    assert get_att_arguments(arg) == ("Role", "Arn")


@pytest.mark.parametrize("arg", ["Role", ["Role"], ["Role", "Arn", "x"], [1, "Arn"], {"Role": "Arn"}])
def test_a_malformed_get_att_has_no_arguments(arg):
    assert get_att_arguments(arg) is None


@pytest.mark.parametrize("arg", [{"a": 1}, ["text", "not a mapping"], [1, {}], [], ["a", {}, "b"], 7])
def test_a_malformed_sub_has_no_arguments(arg):
    assert sub_arguments(arg) is None


def test_substitute_reads_literals_variables_attributes_and_references():
    text = "${!Literal}/${Var}/${Res.Attr}/${AWS::Region}"
    out = substitute(
        text, {"Var": "v"}, value=lambda v: v.upper(), ref=lambda n: f"<{n}>",
        get_att=lambda r, a: f"<{r}|{a}>",
    )
    assert out == "${Literal}/V/<Res|Attr>/<AWS::Region>"


@pytest.mark.parametrize("value", [{"Fn::Sub": {"a": 1}}, {"Fn::Sub": ["x", "y"]}, {"Fn::GetAtt": 3}])
def test_a_malformed_intrinsic_renders_as_a_token_that_matches_only_itself(value):
    rendered = _render(value)
    assert rendered.startswith("${~") and rendered == _render(value)


def test_a_bucket_renders_as_its_name_and_its_arn_in_the_stacks_partition():
    rendered = _render({"Fn::Sub": "${Bucket}/${Bucket.Arn}"})
    assert rendered == f"notebooks/arn:{STACK_PARTITION}:s3:::notebooks"


def test_pseudo_parameters_render_as_themselves_never_as_one_partitions_value():
    assert _render({"Ref": "AWS::Partition"}) == STACK_PARTITION
    assert _render({"Fn::Sub": "${AWS::URLSuffix}"}) == "${AWS.URLSuffix}"
