"""The page's two guarded statements: synth fails when either is missing or altered."""

import pytest
from aws_cdk import App
from aws_cdk import aws_iam as iam

from emr_studio_role import GUARDED_SIDS, EmrStudioServiceRole, StudioCompute
from tests.helpers import role_stack


def _synth(stack):
    return App.of(stack).synth()


def _sids(stack) -> list:
    """The Sids of every managed policy in the synthesized template (synth ran the guard)."""
    template = _synth(stack).get_stack_by_name(stack.stack_name).template
    return [
        statement.get("Sid")
        for resource in template["Resources"].values()
        if resource["Type"] == "AWS::IAM::ManagedPolicy"
        for statement in resource["Properties"]["PolicyDocument"]["Statement"]
    ]


def test_the_guarded_sids_are_the_page_two():
    assert GUARDED_SIDS == (
        "AllowAddingEMRTagsDuringDefaultSecurityGroupCreation",
        "AllowAddingTagsDuringEC2ENICreation",
    )


def test_unchanged_role_passes_the_guard():
    stack, _ = role_stack()
    sids = _sids(stack)
    assert all(sids.count(sid) == 1 for sid in GUARDED_SIDS)


@pytest.mark.parametrize("sid", GUARDED_SIDS)
def test_guarded_statement_altered_with_add_statements_fails_synth(sid):
    stack, role = role_stack()
    role.policies[0].add_statements(
        iam.PolicyStatement(sid=sid, actions=["ec2:CreateTags"], resources=["*"])
    )
    with pytest.raises(RuntimeError, match=f"guarded statement '{sid}' was altered"):
        _synth(stack)


@pytest.mark.parametrize("sid", GUARDED_SIDS)
def test_guarded_statement_missing_fails_synth(sid):
    class WithoutGuarded(EmrStudioServiceRole):
        def page_statements(self):
            return tuple(s for s in super().page_statements() if s.sid != sid)

    stack, _ = role_stack()
    WithoutGuarded(stack, "Other", bucket=stack.node.find_child("Bucket"))
    with pytest.raises(RuntimeError, match=f"guarded statement '{sid}' is missing"):
        _synth(stack)


def test_other_statements_added_by_users_do_not_trip_the_guard():
    stack, role = role_stack()
    role.policies[0].add_statements(
        iam.PolicyStatement(sid="Extra", actions=["ec2:DescribeRegions"], resources=["*"])
    )
    assert "Extra" in _sids(stack)


def test_serverless_role_has_no_guarded_statements_to_check():
    stack, _ = role_stack(compute=StudioCompute.EMR_SERVERLESS)
    sids = _sids(stack)
    assert sids and not set(GUARDED_SIDS) & set(sids)
