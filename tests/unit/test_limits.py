"""IAM size limits: every managed policy within 6,144 characters, at most 10 per role."""

import json

import pytest
from aws_cdk import aws_s3 as s3

from emr_studio_role import EmrStudioRoleValidationError
from emr_studio_role.limits import (
    MANAGED_POLICY_MAX_CHARS,
    ArnKind,
    bound_length,
    document_length,
)
from tests.helpers import imported_key, role_stack, template_of

#: Worst-case values for the pseudo parameters (limits.py's documented bounds).
WORST = {"AWS::Partition": "aws-us-gov", "AWS::Region": "r" * 20, "AWS::AccountId": "1" * 12}


def _concrete(value, template):
    """Resolve intrinsics with worst-case pseudo parameters and the template's own resources."""
    if isinstance(value, dict):
        if "Ref" in value:
            return WORST[value["Ref"]]
        if "Fn::Join" in value:
            sep, parts = value["Fn::Join"]
            return sep.join(_concrete(p, template) for p in parts)
        return {k: _concrete(v, template) for k, v in value.items()}
    if isinstance(value, list):
        return [_concrete(v, template) for v in value]
    return value


def _concrete_lengths(stack):
    template = template_of(stack).to_json()
    policies = {k: v for k, v in template["Resources"].items() if v["Type"] == "AWS::IAM::ManagedPolicy"}
    return {
        k: document_length(_concrete(v["Properties"]["PolicyDocument"], template))
        for k, v in policies.items()
    }


def _locations(n):
    """n locations, each with its own 63-character bucket name, prefix and key."""

    def build(stack):
        return {}

    stack, role = role_stack(build, prefix="studio/")
    for i in range(n):
        bucket = s3.Bucket.from_bucket_name(stack, f"B{i}", f"{i:03d}" + "b" * 60)
        key = imported_key(stack, f"K{i}", f"{i:08d}-1111-2222-3333-444444444444")
        role.add_storage_location(bucket, prefix=f"team-{i:03d}/studio/", encryption_key=key)
    return stack, role


@pytest.fixture(scope="module")
def sixty():
    return _locations(60)


def test_bound_counts_pseudo_parameters_at_their_documented_maximum():
    assert bound_length("arn:${Token[AWS.Partition.9]}:s3:::b") == len("arn:aws-us-gov:s3:::b")


def test_bound_of_an_unknown_token_is_the_bound_of_its_kind():
    assert bound_length("${Token[TOKEN.42]}", ArnKind.KMS_KEY) == ArnKind.KMS_KEY.value


def test_document_length_ignores_white_space():
    assert document_length({"a": [1, 2]}) == len('{"a":[1,2]}')


def test_default_role_is_one_policy_within_the_limit():
    stack, role = role_stack(lambda s: {"encryption_key": imported_key(s, "K")}, prefix="studio/")
    (length,) = _concrete_lengths(stack).values()
    assert length <= role.policy_size_bounds[0] <= MANAGED_POLICY_MAX_CHARS


def test_sixty_locations_synthesize_with_every_policy_within_the_limit(sixty):
    stack, _ = sixty
    lengths = _concrete_lengths(stack)
    assert len(lengths) > 1
    assert max(lengths.values()) <= MANAGED_POLICY_MAX_CHARS, lengths


def test_size_bounds_are_upper_bounds_of_the_deployed_sizes(sixty):
    stack, role = sixty
    lengths = _concrete_lengths(stack)
    ids = [stack.get_logical_id(p.node.default_child) for p in role.policies]
    for logical_id, bound in zip(ids, role.policy_size_bounds):
        assert lengths[logical_id] <= bound <= MANAGED_POLICY_MAX_CHARS


def test_sixty_locations_grant_every_location_exactly_once(sixty):
    stack, _ = sixty
    template = template_of(stack).to_json()
    objects = [
        r
        for v in template["Resources"].values()
        if v["Type"] == "AWS::IAM::ManagedPolicy"
        for s in v["Properties"]["PolicyDocument"]["Statement"]
        if s["Sid"] == "ObjectActions"
        for r in (s["Resource"] if isinstance(s["Resource"], list) else [s["Resource"]])
    ]
    rendered = [json.dumps(r, sort_keys=True) for r in objects]
    assert len(rendered) == len(set(rendered)) == 61


def test_policies_get_stable_sequential_construct_ids(sixty):
    _, role = sixty
    ids = [p.node.id for p in role.policies]
    assert ids == ["Policy"] + [f"Policy{i}" for i in range(2, len(ids) + 1)]


def test_packing_is_deterministic():
    first = template_of(_locations(25)[0]).to_json()
    second = template_of(_locations(25)[0]).to_json()
    assert first == second


def test_a_role_needing_more_than_ten_policies_fails_with_a_clear_message():
    with pytest.raises(EmrStudioRoleValidationError) as err:
        _locations(200)
    text = str(err.value)
    assert "more than 10 managed policies" in text and "6144" in text and "quota" in text
