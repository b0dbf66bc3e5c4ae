"""Fidelity: the role says what AWS's page says (tests/fixtures/aws_page_policies.json).

Sids, actions and conditions must equal the page's, statement for statement.
Resources must be the page's, with ``arn:aws`` replaced by the stack's
partition and ``*:*`` (region, account) by the stack's region and account, except
the two guarded statements, which keep the page's ``*:*`` (the page: "you must not
change" them).
"""

import json
import re
from pathlib import Path

import pytest

from emr_studio_role import statements as st
from tests.helpers import as_list, render, rendered_resources, statements_by_sid, walk

PAGE = json.loads((Path(__file__).parents[1] / "fixtures" / "aws_page_policies.json").read_text())
PAGE_STATEMENTS = PAGE["studio_policy"]["Statement"]
PAGE_SIDS = [s["Sid"] for s in PAGE_STATEMENTS]

#: The one place we deliberately differ from the page's resources (documented in statements.py).
NARROWED = {
    "AllowEMRReadOnlyActions": [
        "arn:${AWS::Partition}:elasticmapreduce:${AWS::Region}:${AWS::AccountId}:cluster/*"
    ]
}


def _narrow(page_arn: str, sid: str = "") -> str:
    """The page's ARN with our narrowing: the stack's partition, region and account (only the
    partition for a guarded statement)."""
    if page_arn == "*":
        return "*"
    if sid in st.GUARDED_SIDS:
        return page_arn.replace("arn:aws:", "arn:${AWS::Partition}:", 1)
    return re.sub(
        r"^arn:aws:([a-z0-9-]+):\*:\*:",
        r"arn:${AWS::Partition}:\1:${AWS::Region}:${AWS::AccountId}:",
        page_arn,
    )


def test_page_fixture_has_thirteen_statements():
    assert len(PAGE_STATEMENTS) == 13


def test_statement_data_lists_the_page_sids_in_the_page_order():
    assert [s.sid for s in st.PAGE_STATEMENTS] == PAGE_SIDS


def test_default_role_has_every_page_sid(default_template):
    assert set(PAGE_SIDS) <= set(statements_by_sid(default_template))


@pytest.mark.parametrize("sid", PAGE_SIDS)
def test_statement_actions_equal_the_page(default_template, sid):
    page = next(s for s in PAGE_STATEMENTS if s["Sid"] == sid)
    ours = statements_by_sid(default_template)[sid]
    assert sorted(as_list(ours["Action"])) == sorted(as_list(page["Action"]))
    assert ours["Effect"] == page["Effect"] == "Allow"


@pytest.mark.parametrize("sid", PAGE_SIDS)
def test_statement_condition_equals_the_page(default_template, sid):
    page = next(s for s in PAGE_STATEMENTS if s["Sid"] == sid)
    ours = statements_by_sid(default_template)[sid]
    assert ours.get("Condition") == page.get("Condition")


@pytest.mark.parametrize("sid", PAGE_SIDS)
def test_statement_resources_are_the_page_narrowed_to_the_stack(default_template, sid):
    page = next(s for s in PAGE_STATEMENTS if s["Sid"] == sid)
    ours = sorted(rendered_resources(statements_by_sid(default_template)[sid]))
    expected = NARROWED.get(sid) or sorted(_narrow(r, sid) for r in as_list(page["Resource"]))
    assert ours == sorted(expected)


def test_serverless_statements_use_the_page_sids_and_actions(serverless_template):
    ours = statements_by_sid(serverless_template)
    for page in PAGE["serverless_policy"]["Statement"]:
        assert sorted(as_list(ours[page["Sid"]]["Action"])) == sorted(as_list(page["Action"]))


def test_storage_actions_are_the_page_list(default_template):
    ours = statements_by_sid(default_template)
    got = as_list(ours["ObjectActions"]["Action"]) + as_list(ours["BucketActions"]["Action"])
    assert sorted(got) == sorted(PAGE["s3_actions"])


def test_kms_actions_are_the_page_list(default_template):
    ours = statements_by_sid(default_template)
    assert sorted(as_list(ours["KmsKeyActions"]["Action"])) == sorted(PAGE["kms_actions"])


def test_no_action_outside_the_page_appears_in_any_scenario(scenario_templates):
    page_actions = {a for s in PAGE_STATEMENTS for a in as_list(s["Action"])}
    page_actions |= set(PAGE["s3_actions"]) | set(PAGE["kms_actions"])
    for name, template in scenario_templates.items():
        for policy in template.find_resources("AWS::IAM::ManagedPolicy").values():
            for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
                extra = set(as_list(statement["Action"])) - page_actions
                assert not extra, f"{name}: {statement.get('Sid')} has {extra}"


def test_every_statement_is_allow_without_not_elements(scenario_templates):
    for template in scenario_templates.values():
        for policy in template.find_resources("AWS::IAM::ManagedPolicy").values():
            for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
                assert statement["Effect"] == "Allow"
                assert not {"NotAction", "NotResource", "NotPrincipal"} & set(statement)


def test_no_arn_is_written_with_a_hard_coded_partition(scenario_templates):
    for name, template in scenario_templates.items():
        for policy in template.find_resources("AWS::IAM::*").values():
            for node in walk(policy):
                if isinstance(node, str):
                    assert not node.startswith("arn:aws"), f"{name}: {node}"


def test_guarded_statements_keep_the_page_region_and_account_wildcards(default_template):
    for sid in st.GUARDED_SIDS:
        (resource,) = rendered_resources(statements_by_sid(default_template)[sid])
        assert resource.startswith("arn:${AWS::Partition}:ec2:*:*:"), resource


def test_page_wildcards_are_narrowed_to_stack_region_and_account(default_template):
    for statement in statements_by_sid(default_template).values():
        if statement["Sid"] in st.GUARDED_SIDS:
            continue
        for resource in rendered_resources(statement):
            assert ":*:*:" not in resource, render(resource)
