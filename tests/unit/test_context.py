"""One reader for every context key of the app (issue 16): near misses, value kinds, shapes, contradictions.

Each test reads context the way the app does (``emr_studio_role.context``), in process; the few
that build stacks use ``build_app``, which ``app.py`` runs.
"""

from __future__ import annotations

from typing import Any, Mapping

import pytest
from aws_cdk import App

from emr_studio_role import EmrStudioRoleValidationError
from emr_studio_role.application import build_app, read_app_settings
from emr_studio_role.context import ALL_KEYS, ContextReader, misspelled_keys
from emr_studio_role.context_settings import STACKSET_REFUSED_KEYS
from emr_studio_role.options import StudioAuthMode
from emr_studio_role.studio_stack import StudioAppConfig
from tests.helpers import cdk_app

STACKSET = {"stackSetOrganizationalUnits": "ou-aaaa-11111111", "stackSetRegions": "eu-west-1"}
SUBNET_A, SUBNET_B = "subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb"
VPC = "vpc-0123456789abcdef0"


def _app(context: Mapping[str, Any]) -> App:
    return cdk_app(context)


def _problems(context: Mapping[str, Any]) -> tuple:
    with pytest.raises(EmrStudioRoleValidationError) as caught:
        read_app_settings(_app(context))
    assert str(caught.value).startswith("The app's context has")
    return caught.value.problems


def _one_problem(context: Mapping[str, Any]) -> str:
    problems = _problems(context)
    assert len(problems) == 1, problems
    return problems[0]


# --------------------------------------------------------------------------- near misses


@pytest.mark.parametrize(
    "typed, meant",
    [
        ("createstudio", "createStudio"),
        ("CREATESTUDIO", "createStudio"),
        ("studioname", "studioName"),
        ("authmode", "authMode"),
        ("stackSetCalAs", "stackSetCallAs"),
        ("stacksetcallas", "stackSetCallAs"),
        ("stackSetRegion", "stackSetRegions"),
        ("stackSetOrganisationalUnits", "stackSetOrganizationalUnits"),
        ("regoin", "region"),
        ("acount", "account"),
        ("createStudios", "createStudio"),
    ],
)
def test_a_near_miss_of_any_key_of_the_app_is_refused_with_the_right_spelling(typed, meant):
    problem = _one_problem({typed: "true"})
    assert problem.startswith(f"context '{typed}': not a key of this app; did you mean {meant}?")


def test_every_key_of_the_app_is_known_to_the_near_miss_check():
    assert misspelled_keys(ALL_KEYS) == []
    for key in ("createStudio", "studioName", "authMode", "stackSetCallAs", "stackSetRegions"):
        assert key in ALL_KEYS


def test_a_key_far_from_every_key_is_left_alone():
    assert misspelled_keys(["teamOwner", "costCentre", "environmentName"]) == []


def test_a_near_miss_is_refused_with_create_studio_too():
    problems = _problems({"createStudio": "true", "studioname": "analytics"})
    assert any("did you mean studioName?" in p for p in problems)


# --------------------------------------------------------------------------- empty and blank


@pytest.mark.parametrize(
    "context, key",
    [
        ({"createStudio": "true", "prefix": ""}, "prefix"),
        ({"createStudio": "true", "prefix": "   "}, "prefix"),
        ({"prefix": "\t"}, "prefix"),
        ({"createStudio": "true", "studioName": ""}, "studioName"),
        ({"createStudio": "true", "authMode": " "}, "authMode"),
        ({"createStudio": ""}, "createStudio"),
        ({**STACKSET, "stackSetRegions": ""}, "stackSetRegions"),
        ({**STACKSET, "stackSetCallAs": "  "}, "stackSetCallAs"),
        ({"account": " "}, "account"),
        ({"region": ""}, "region"),
    ],
)
def test_an_empty_or_blank_value_is_refused_naming_its_key(context, key):
    problem = _one_problem(context)
    assert problem.startswith(f"context '{key}': got a")
    assert "empty value" in problem or "blank value" in problem
    assert "or leave the key out" in problem


# --------------------------------------------------------------------------- JSON values of cdk.json


def test_a_json_number_account_is_taken_as_its_digits():
    settings = read_app_settings(_app({"account": 111122223333}))
    assert settings.role["account"] == "111122223333"


def test_a_json_number_account_that_lost_its_leading_zero_is_refused_saying_why():
    problem = _one_problem({"account": 12345678901})  # meant "012345678901"
    assert problem.startswith("context 'account': got 12345678901;") and "leading zeros" in problem


@pytest.mark.parametrize("key", ["vpcId", "region", "bucketName"])
def test_a_json_number_where_an_id_or_name_is_expected_is_refused_naming_the_key(key):
    problem = _one_problem({key: 12})
    assert problem.startswith(f"context '{key}': got 12;")


@pytest.mark.parametrize(
    "key, value, kind",
    [
        ("vpcId", True, "a JSON boolean"),
        ("roleName", False, "a JSON boolean"),
        ("account", 1.5, "a JSON number with a fraction"),
        ("studioName", {"a": 1}, "a JSON dict"),
    ],
)
def test_a_json_value_of_the_wrong_kind_is_refused_naming_the_key(key, value, kind):
    context = {key: value, "createStudio": True} if key == "studioName" else {key: value}
    problem = _one_problem(context)
    assert problem.startswith(f"context '{key}': got") and kind in problem


def test_a_json_list_for_a_one_value_key_is_refused_naming_the_key():
    problem = _one_problem({"vpcId": [VPC]})
    assert problem.startswith(f"context 'vpcId': got the list ['{VPC}']; allowed: one value")


def test_a_json_list_for_a_list_key_is_taken_item_by_item():
    settings = read_app_settings(_app({"subnetIds": [SUBNET_A, SUBNET_B]}))
    assert settings.role["subnet_ids"] == (SUBNET_A, SUBNET_B)


def test_an_empty_json_list_is_refused_naming_the_key():
    assert _one_problem({"subnetIds": []}).startswith("context 'subnetIds': got an empty list")


def test_a_json_list_holding_a_list_is_refused_naming_the_key():
    assert _one_problem({"securityGroupIds": [["sg-0123456789abcdef0"]]}).startswith(
        "context 'securityGroupIds': got the list"
    )


@pytest.mark.parametrize(
    "value, expected", [(True, True), (False, False), ("TRUE", True), (" false ", False)]
)
def test_json_booleans_and_true_false_in_any_case_are_booleans(value, expected):
    assert ContextReader({"createStudio": value}.get).boolean("createStudio") is expected


@pytest.mark.parametrize("value", ["yes", "1", 1, "on", ["true"]])
def test_anything_else_for_a_boolean_key_is_refused(value):
    assert _one_problem({"createStudio": value}).startswith("context 'createStudio': got")


# --------------------------------------------------------------------------- lists


@pytest.mark.parametrize("value", [f"{SUBNET_A},,{SUBNET_B}", f"{SUBNET_A},", f",{SUBNET_A}"])
def test_a_list_with_an_empty_item_is_refused(value):
    assert "which has an empty item" in _one_problem({"subnetIds": value})


@pytest.mark.parametrize(
    "key, item",
    [
        ("subnetIds", SUBNET_A),
        ("securityGroupIds", "sg-0123456789abcdef0"),
        ("gitSecretArns", "arn:aws:secretsmanager:eu-west-1:111122223333:secret:git-AbCdEf"),
        ("stackSetOrganizationalUnits", "ou-aaaa-11111111"),
    ],
)
def test_the_same_item_twice_is_refused(key, item):
    context = {**STACKSET, key: f"{item}, {item}"} if key.startswith("stackSet") else {key: f"{item},{item}"}
    assert _one_problem(context).startswith(f"context '{key}': got '{item}' more than once")


# --------------------------------------------------------------------------- shapes


@pytest.mark.parametrize(
    "context, key",
    [
        ({"account": "abc"}, "account"),
        ({"account": "1111-2222-3333"}, "account"),
        ({"account": "1111222233334"}, "account"),
        ({"region": "Europe"}, "region"),
        ({"region": "eu-west-1a"}, "region"),
        ({"region": "eu west 1"}, "region"),
        ({"vpcId": "vpc-zz"}, "vpcId"),
        ({"vpcId": "vpc-0123456"}, "vpcId"),
        ({"vpcId": "vpc-0123456789ABCDEF0"}, "vpcId"),
        ({"subnetIds": "subnet-XYZ"}, "subnetIds"),
        ({"subnetIds": "subnet-abc"}, "subnetIds"),
        ({"securityGroupIds": "sg-abc"}, "securityGroupIds"),
        ({"createStudio": "true", "vpcId": "vpc-zz", "subnetIds": SUBNET_A}, "vpcId"),
        ({"createStudio": "true", "vpcId": VPC, "subnetIds": "subnet-XYZ"}, "subnetIds"),
        ({"createStudio": "true", "account": "abc"}, "account"),
        ({"createStudio": "true", "region": "Europe"}, "region"),
    ],
)
def test_ids_accounts_and_regions_of_the_wrong_shape_are_refused_naming_the_key(context, key):
    problem = _one_problem(context)
    assert problem.startswith(f"context '{key}': got {context[key]!r}; allowed:")


@pytest.mark.parametrize("name", ["my studio", "studio*", "a" * 257, "stüdio", "studio\n2"])
def test_a_studio_name_that_emr_refuses_is_refused_naming_the_key(name):
    problem = _one_problem({"createStudio": "true", "studioName": name})
    assert problem.startswith("context 'studioName': got") and "AWS::EMR::Studio Name" in problem


def test_an_unknown_auth_mode_is_refused_with_the_allowed_ones():
    problem = _one_problem({"createStudio": "true", "authMode": "SAML"})
    assert problem == "context 'authMode': got 'SAML'; allowed: IAM or IAM_IDENTITY_CENTER"


def test_auth_mode_in_any_case_is_read():
    config = StudioAppConfig.from_context({"authMode": "iam_identity_center"}.get)
    assert config.auth_mode is StudioAuthMode.IAM_IDENTITY_CENTER


def test_more_subnets_than_emr_takes_are_refused_with_create_studio():
    subnets = ",".join(f"subnet-{i:017x}" for i in range(6))
    problem = _one_problem({"createStudio": "true", "vpcId": VPC, "subnetIds": subnets})
    assert problem.startswith("context 'subnetIds': got 6 subnet IDs; allowed: 1 to 5")


def test_a_value_is_shown_escaped():
    problem = _one_problem({"region": "eu-west-1\u0000x"})
    assert "'eu-west-1\\x00x'" in problem


# --------------------------------------------------------------------------- the Studio stack's environment


def test_account_and_region_bind_the_studio_stack():
    app = _app({"createStudio": "true", "account": "111122223333", "region": "eu-west-1"})
    build_app(app, nag=False)
    stack = app.node.find_child("EmrStudioStack")
    assert (stack.account, stack.region) == ("111122223333", "eu-west-1")


# --------------------------------------------------------------------------- contradictions


@pytest.mark.parametrize("key", STACKSET_REFUSED_KEYS)
def test_a_key_naming_one_accounts_resource_is_refused_with_a_stackset(key):
    values = {
        "bucketName": "team-notebooks",
        "kmsKeyArn": "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        "workspaceKmsKeyArn": "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        "gitSecretArns": "arn:aws:secretsmanager:eu-west-1:111122223333:secret:git-AbCdEf",
        "userRoleArn": "arn:aws:iam::111122223333:role/EMRStudioUser",
        "vpcId": VPC,
        "subnetIds": SUBNET_A,
        "securityGroupIds": "sg-0123456789abcdef0",
    }
    context = {**STACKSET, key: values[key]}
    if key == "userRoleArn":
        context["gitSecretAccess"] = "USER_ROLE"
    if key == "kmsKeyArn":
        context["bucketName"] = "team-notebooks"
    problems = _problems(context)
    assert any(p.startswith(f"context '{key}': got") and "with a StackSet rollout" in p for p in problems)


@pytest.mark.parametrize("key, value", [("account", "111122223333"), ("region", "eu-west-1")])
def test_account_or_region_with_a_stackset_is_refused_naming_the_key(key, value):
    problem = _one_problem({**STACKSET, key: value})
    assert problem.startswith(f"context '{key}': got '{value}' with a StackSet rollout")
    assert "environment-agnostic" in problem


def test_create_studio_with_a_stackset_is_refused():
    problem = _one_problem({**STACKSET, "createStudio": "true"})
    assert problem.startswith("context 'createStudio': got true with a StackSet rollout")


def test_tag_imported_resources_with_a_stackset_is_refused_by_the_reader():
    problem = _one_problem({**STACKSET, "tagImportedResources": "true"})
    assert problem.startswith("context 'tagImportedResources': got true with a StackSet rollout")


def test_call_as_without_targets_is_refused():
    problem = _one_problem({"stackSetCallAs": "DELEGATED_ADMIN"})
    assert problem.startswith("context 'stackSetCallAs': got 'DELEGATED_ADMIN' without")


def test_a_stackset_needs_both_target_keys():
    problem = _one_problem({"stackSetRegions": "eu-west-1"})
    assert problem.startswith("context 'stackSetOrganizationalUnits': missing or empty")


def test_subnet_ids_without_vpc_id_are_refused_with_create_studio():
    problem = _one_problem({"createStudio": "true", "subnetIds": SUBNET_A})
    assert problem.startswith(f"context 'subnetIds': got '{SUBNET_A}' without vpcId")


def test_every_problem_of_the_context_is_reported_at_once():
    problems = _problems(
        {"createStudio": "true", "studioname": "x", "account": "abc", "region": "Europe", "authMode": "SAML"}
    )
    assert [p.split(":")[0] for p in problems] == [
        "context 'studioname'", "context 'authMode'", "context 'account'", "context 'region'"
    ]


# --------------------------------------------------------------------------- construct refusals name the key


def test_a_studio_refusal_reached_from_context_names_the_context_key_not_the_path():
    with pytest.raises(EmrStudioRoleValidationError) as caught:
        build_app(_app({"createStudio": "true", "prefix": "studio/*"}), nag=False)
    text = str(caught.value)
    assert text.startswith("The app's context has 1 invalid value(s)")
    assert "EmrStudioStack/Studio" not in text
    assert "[context key 'prefix']" in text and "wildcard" in text


def test_a_stackset_member_refusal_reached_from_context_names_the_context_key():
    with pytest.raises(EmrStudioRoleValidationError) as caught:
        build_app(_app({**STACKSET, "prefix": "a//b/"}), nag=False)
    assert "[context key 'prefix']" in str(caught.value)
    assert str(caught.value).startswith("The app's context has")


# --------------------------------------------------------------------------- one read


def test_the_reader_of_a_scope_holds_what_try_get_context_returns_for_every_key():
    from aws_cdk import Stack

    app = cdk_app({"compute": "EMR_SERVERLESS", "subnetIds": [SUBNET_A, SUBNET_B], "account": 1})
    stack = Stack(app, "S")
    stack.node.set_context("compute", "EMR_EC2")  # the nearest scope's value wins
    reader = ContextReader.of(stack)
    for key in ("compute", "subnetIds", "account", "createStudio", *app.node.get_all_context()):
        assert reader.raw(key) == stack.node.try_get_context(key), key
    assert reader.raw("compute") == "EMR_EC2"


def test_the_apps_context_is_read_in_one_round_trip(monkeypatch):
    """Every key the app knows is read from one ``get_all_context()``, not one
    ``try_get_context`` each (a round trip to the jsii runtime each)."""
    import jsii

    app = _app({"compute": "EMR_SERVERLESS", **STACKSET})
    provider = jsii.kernel.provider
    calls = []
    invoke = provider.invoke
    monkeypatch.setattr(provider, "invoke", lambda r: calls.append(r.method) or invoke(r))
    settings = read_app_settings(app)
    assert settings.role is not None and settings.stackset is not None
    assert calls == ["getAllContext"], calls
