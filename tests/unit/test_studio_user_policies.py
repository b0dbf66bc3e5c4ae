"""The user-permissions page's example policies, as user_policies.py builds them, against the page."""

import json
from pathlib import Path

import pytest
from aws_cdk import Stack
from aws_cdk import aws_iam as iam

from emr_studio_role import user_policies as up
from tests.helpers import as_list, cdk_app, render

ROOT = Path(__file__).parents[2]
PAGE = json.loads((ROOT / "tests" / "fixtures" / "aws_user_policies.json").read_text())
LEVELS = {
    up.UserPolicyLevel.BASIC: "basic",
    up.UserPolicyLevel.INTERMEDIATE: "intermediate",
    up.UserPolicyLevel.ADVANCED: "advanced",
}
#: The service role, imported by name: its ARN has the stack's partition and account.
SERVICE_ROLE_ARN = "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/studio-service-role"


def _build(level, **inputs):
    app = cdk_app()
    stack = Stack(app, "UserPolicies")
    service = iam.Role.from_role_name(stack, "Service", "studio-service-role")
    runtime = iam.Role.from_role_name(stack, "Runtime", "serverless-runtime")
    eks = iam.Role.from_role_name(stack, "Eks", "eks-execution")
    kwargs = {}
    if inputs.get("runtime"):
        kwargs["serverless_runtime_roles"] = (runtime,)
    if inputs.get("eks"):
        kwargs["eks_execution_roles"] = (eks,)
    inputs = up.UserPolicyInputs(service_role_arn=service.role_arn, **kwargs)
    made = up.build_user_policy(stack, "Policy", level=level, inputs=inputs)
    # The page's form, statement by statement (the built policy merges its Resource '*'
    # statements when it could exceed 6,144 characters: tests below).
    # The statements this package adds to the level (up.ADDED, documented departures) are
    # left out here, where the page's own statements are compared with the page.
    statements = [
        s for spec in up.POLICIES[level] if spec.sid not in up.ADDED[level]
        for s in up.render_statements(stack, spec, inputs)
    ]
    return made, stack.resolve(statements)


def _page(level):
    return PAGE[LEVELS[level]]["Statement"]


@pytest.mark.parametrize("level", list(LEVELS))
def test_policy_has_the_pages_sids_in_the_pages_order_when_every_placeholder_is_filled(level):
    _, statements = _build(level, runtime=True, eks=True)
    assert [s["Sid"] for s in statements] == [s["Sid"] for s in _page(level)]


@pytest.mark.parametrize("level", list(LEVELS))
def test_each_statement_has_the_pages_actions(level):
    _, statements = _build(level, runtime=True, eks=True)
    for ours, page in zip(statements, _page(level)):
        assert sorted(as_list(ours["Action"])) == sorted(as_list(page["Action"])), page["Sid"]


@pytest.mark.parametrize("level", list(LEVELS))
def test_each_condition_is_the_pages_except_the_eks_execution_role_placeholder(level):
    _, statements = _build(level, runtime=True, eks=True)
    for ours, page in zip(statements, _page(level)):
        if page["Sid"] == up.ALLOW_ADDING_TAGS_ON_SECRETS.sid:
            # A documented departure (DEPARTURES): the page has no condition here.
            assert "Condition" not in page
            assert ours["Condition"] == {
                k: {kk: list(vv) if isinstance(vv, tuple) else vv for kk, vv in v.items()}
                for k, v in up.TAG_RESOURCE_CONDITION.items()
            }
            continue
        if page["Sid"] == "AllowRetrievingManagedEndpointCredentials":
            assert list(ours["Condition"]["StringEquals"]) == ["emr-containers:ExecutionRoleArn"]
            roles = ours["Condition"]["StringEquals"]["emr-containers:ExecutionRoleArn"]
            assert "eks-execution" in render(roles)
            continue
        assert ours.get("Condition") == page.get("Condition"), page["Sid"]


@pytest.mark.parametrize("level", list(LEVELS))
def test_star_resources_stay_star_and_no_resource_hard_codes_the_aws_partition(level):
    _, statements = _build(level, runtime=True, eks=True)
    for ours, page in zip(statements, _page(level)):
        rendered = [render(r) for r in as_list(ours["Resource"])]
        if as_list(page["Resource"]) == ["*"]:
            assert rendered == ["*"], page["Sid"]
        for r in rendered:
            assert not r.startswith("arn:aws:"), (page["Sid"], r)


@pytest.mark.parametrize("level", list(LEVELS))
def test_service_role_placeholder_is_the_service_role_arn(level):
    _, statements = _build(level)
    (passing,) = [s for s in statements if s["Sid"] == "AllowPassingServiceRoleForWorkspaceCreation"]
    assert render(as_list(passing["Resource"])[0]) == SERVICE_ROLE_ARN


def test_advanced_also_passes_the_emr_default_roles_by_name():
    _, statements = _build(up.UserPolicyLevel.ADVANCED)
    (passing,) = [s for s in statements if s["Sid"] == "AllowPassingServiceRoleForWorkspaceCreation"]
    names = [render(r).rsplit("/", 1)[-1] for r in passing["Resource"][1:]]
    assert names == ["EMR_DefaultRole_V2", "EMR_EC2_DefaultRole"]


def test_log_bucket_placeholder_is_the_stacks_account_and_region():
    _, statements = _build(up.UserPolicyLevel.BASIC)
    (logs,) = [s for s in statements if s["Sid"] == "AllowS3ReadOnlyAccessToLogs"]
    assert render(logs["Resource"]) == (
        "arn:${AWS::Partition}:s3:::aws-logs-${AWS::AccountId}-${AWS::Region}/elasticmapreduce/*"
    )


def test_unfilled_placeholders_leave_their_statements_out_and_say_so():
    made, statements = _build(up.UserPolicyLevel.INTERMEDIATE)
    sids = [s["Sid"] for s in statements]
    assert made.omitted == (
        "AllowRetrievingManagedEndpointCredentials",
        "AllowPassingRuntimeRoleForRunningServerlessJob",
    )
    assert not set(made.omitted) & set(sids)


def test_given_runtime_role_is_the_only_passable_runtime_role():
    made, statements = _build(up.UserPolicyLevel.INTERMEDIATE, runtime=True)
    (runtime,) = [s for s in statements if s["Sid"] == "AllowPassingRuntimeRoleForRunningServerlessJob"]
    assert render(runtime["Resource"]).endswith(":role/serverless-runtime")
    assert made.omitted == ("AllowRetrievingManagedEndpointCredentials",)


def test_eks_endpoints_are_this_account_and_regions_managed_endpoints():
    _, statements = _build(up.UserPolicyLevel.ADVANCED, eks=True)
    (eks,) = [s for s in statements if s["Sid"] == "AllowRetrievingManagedEndpointCredentials"]
    assert render(eks["Resource"]) == (
        "arn:${AWS::Partition}:emr-containers:${AWS::Region}:${AWS::AccountId}:"
        "/virtualclusters/*/endpoints/*"
    )


def test_user_level_git_secret_statement_is_the_pages():
    (page,) = PAGE["user_level_git_secret"]["Statement"] if "Statement" in PAGE[
        "user_level_git_secret"
    ] else [PAGE["user_level_git_secret"]]
    spec = up.USER_LEVEL_GIT_SECRET_READ
    assert spec.sid == page["Sid"]
    assert list(spec.actions) == as_list(page["Action"])
    # The page writes "${aws:{{userid}}}" (a placeholder around the policy variable).
    (key, value), = page["Condition"]["StringEquals"].items()
    assert dict(spec.condition["StringEquals"]) == {key: "${aws:userid}"}
    assert value == "${aws:{{userid}}}"


def test_user_role_trust_is_the_newer_pages_principal_form():
    (page,) = PAGE["user_role_trust"]["Statement"]
    assert up.USER_ROLE_TRUST_SID == page["Sid"]
    assert list(up.USER_ROLE_TRUST_ACTIONS) == page["Action"]
    assert up.USER_ROLE_TRUST_SERVICE == page["Principal"]["Service"]


def test_every_wildcard_resource_kind_has_a_reason():
    used = {r for specs in up.POLICIES.values() for s in specs for r in s.resources}
    wildcards = used - {up.UserResource.SERVICE_ROLE, up.UserResource.EMR_DEFAULT_ROLES,
                        up.UserResource.SERVERLESS_RUNTIME_ROLES}
    assert wildcards <= set(up.WILDCARD_REASONS)


def test_permissions_md_shows_the_user_role_trust_and_every_levels_statements():
    text = (ROOT / "docs" / "permissions.md").read_text()
    section = text[text.index("## EMR Studio users"):]
    trust = "| `AllowSTSAssumerole` | `elasticmapreduce.${URLSuffix}` | `sts:AssumeRole`<br>`sts:SetContext`"
    assert trust in section
    for level, name in LEVELS.items():
        part = section[section.index(f"#### {level.value}"):]
        part = part[: part.find("\n#### ", 1) if "\n#### " in part[1:] else len(part)]
        for statement in PAGE[name]["Statement"]:
            assert f"| `{statement['Sid']}` |" in part, (level, statement["Sid"])


@pytest.mark.parametrize("level", [up.UserPolicyLevel.BASIC, up.UserPolicyLevel.INTERMEDIATE])
def test_list_all_my_buckets_is_also_granted_on_star_where_the_page_names_only_s3_arns(level):
    """A documented departure (up.DEPARTURES): the page grants s3:ListAllMyBuckets only on
    arn:<partition>:s3:::*, which AWS's authorization reference and the evaluator do not match."""
    made, _ = _build(level)
    stack = made.policy.stack
    statements = stack.resolve(made.policy.document.to_json())["Statement"]
    (added,) = [st for st in statements if st.get("Sid") == "AllowS3ListAllMyBuckets"]
    assert (added["Action"], added["Resource"]) == ("s3:ListAllMyBuckets", "*")


def test_every_departure_from_the_page_names_a_statement_and_says_why():
    for departure in up.DEPARTURES:
        assert departure.sid and departure.page and departure.ours and departure.why
    assert up.ADDED_SIDS <= {d.sid for d in up.DEPARTURES}


def test_the_basic_policy_holds_the_intermediate_policys_emr_statements_as_the_pages_table_says():
    basic = {spec.sid: spec for spec in up.POLICIES[up.UserPolicyLevel.BASIC]}
    intermediate = {spec.sid: spec for spec in up.POLICIES[up.UserPolicyLevel.INTERMEDIATE]}
    for sid in ("AllowEMRBasicActions", "AllowEMRContainersBasicActions",
                "AllowRetrievingManagedEndpointCredentials"):
        assert basic[sid] == intermediate[sid]
        assert sid in up.ADDED[up.UserPolicyLevel.BASIC]
    # ... and nothing that creates a cluster (the page: basic "does not let a user create new
    # Amazon EMR clusters").
    actions = {a for spec in basic.values() for a in spec.actions}
    assert not actions & {"elasticmapreduce:RunJobFlow", "servicecatalog:ProvisionProduct"}
