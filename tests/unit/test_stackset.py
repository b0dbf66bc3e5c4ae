"""The StackSet of the role (issue 11): its properties, its member template, its refusals.

The app is built as app.py builds it, with the context keys that add the StackSet
stack, and synthesized once (with the four cdk-nag packs and EmrStudioChecks).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any, Dict, Mapping, Optional

import pytest
from aws_cdk import App, Environment, Stack, Stage, Validations
from aws_cdk.assertions import Template

from emr_studio_role import EmrStudioChecks, EmrStudioRoleValidationError
from emr_studio_role import stackset as stackset_module
from emr_studio_role.nag import nag_plugins
from emr_studio_role.stack import EmrStudioServiceRoleStack, StudioStackConfig
from emr_studio_role.stackset import (
    STACKSET_STACK_ID,
    EmrStudioRoleStackSet,
    StackSetCaller,
    add_stackset_from_context,
    stackset_targets_from_context,
)
from tests.helpers import cdk_app, cfn_lint, context_get, render

OUS = ["ou-aaaa-11111111", "ou-bbbb-22222222"]
REGIONS = ["eu-west-1", "us-east-1"]
CONTEXT = {
    "stackSetOrganizationalUnits": ",".join(OUS),
    "stackSetRegions": ",".join(REGIONS),
}
STACKSET = "AWS::CloudFormation::StackSet"


def build_app(context: Optional[Mapping[str, Any]] = None, *, nag: bool = True) -> App:
    """The app as app.py builds it: the role stack, the StackSet stack from context, the checks."""
    app = cdk_app(context)
    EmrStudioServiceRoleStack(
        app, "EmrStudioServiceRoleStack", config=StudioStackConfig.from_context(context_get(app))
    )
    add_stackset_from_context(app)
    if nag:
        Validations.of(app).add_plugins(*nag_plugins(app), EmrStudioChecks())
    return app


def stackset_of(app: App) -> EmrStudioRoleStackSet:
    stack = app.node.find_child(STACKSET_STACK_ID)
    return stack.node.find_child("EmrStudioRoleStackSet")


def stackset_properties(template: Template) -> Dict[str, Any]:
    (resource,) = template.find_resources(STACKSET).values()
    return resource["Properties"]


@pytest.fixture(scope="module")
def synthesized():
    app = build_app(CONTEXT)
    assembly = app.synth()  # runs the nag packs over every stack, the member's included
    construct = stackset_of(app)
    return {
        "app": app,
        "assembly": assembly,
        "construct": construct,
        "template": Template.from_stack(app.node.find_child(STACKSET_STACK_ID)),
        "member": construct.member_template(),
    }


@pytest.fixture(scope="module")
def props(synthesized) -> Dict[str, Any]:
    return stackset_properties(synthesized["template"])


@pytest.fixture(scope="module")
def member(synthesized) -> Dict[str, Any]:
    return synthesized["member"]


# --------------------------------------------------------------------------- the StackSet


def test_the_stackset_stack_holds_exactly_one_stackset(synthesized):
    synthesized["template"].resource_count_is(STACKSET, 1)


def test_permission_model_is_service_managed(props):
    assert props["PermissionModel"] == "SERVICE_MANAGED"


def test_auto_deployment_is_enabled_and_removes_stacks_of_accounts_that_leave(props):
    assert props["AutoDeployment"] == {"Enabled": True, "RetainStacksOnAccountRemoval": False}


def test_targets_are_the_context_ous_in_the_context_regions(props):
    assert props["StackInstancesGroup"] == [
        {"DeploymentTargets": {"OrganizationalUnitIds": OUS}, "Regions": REGIONS}
    ]


def test_iam_capabilities_are_acknowledged(props):
    assert sorted(props["Capabilities"]) == ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM"]


def test_managed_execution_is_active(props):
    assert props["ManagedExecution"] == {"Active": True}


def test_call_as_is_self_by_default(props):
    assert props["CallAs"] == "SELF"


def test_call_as_delegated_admin_from_context():
    app = build_app({**CONTEXT, "stackSetCallAs": "delegated_admin"}, nag=False)
    template = Template.from_stack(app.node.find_child(STACKSET_STACK_ID))
    assert stackset_properties(template)["CallAs"] == "DELEGATED_ADMIN"


def test_stackset_name_is_generated_and_valid(props):
    assert stackset_module.STACK_SET_NAME_PATTERN.match(props["StackSetName"]), props["StackSetName"]


def test_the_template_is_inline_so_the_stackset_needs_no_upload(props):
    assert "TemplateURL" not in props
    assert isinstance(props["TemplateBody"], str)


def test_retain_stacks_on_account_removal_can_be_chosen():
    stack = Stack(cdk_app(), "Holder")
    EmrStudioRoleStackSet(
        stack, "Set", organizational_units=OUS[:1], regions=REGIONS[:1],
        retain_stacks_on_account_removal=True, call_as=StackSetCaller.DELEGATED_ADMIN,
    )
    Template.from_stack(stack).has_resource_properties(
        STACKSET,
        {
            "AutoDeployment": {"Enabled": True, "RetainStacksOnAccountRemoval": True},
            "CallAs": "DELEGATED_ADMIN",
        },
    )


def test_stackset_stack_snapshot_without_the_member_body(synthesized, snapshot):
    """The holding stack; the member body is elided (it is the role stack, tested below)."""
    template = copy.deepcopy(synthesized["template"].to_json())
    for resource in template["Resources"].values():
        if resource["Type"] == STACKSET:
            resource["Properties"]["TemplateBody"] = "<member template>"
    assert template == snapshot


# --------------------------------------------------------------------------- the member template


def test_template_body_is_the_member_stacks_template(props, member):
    assert json.loads(props["TemplateBody"]) == member


def test_member_is_the_role_stack_with_its_own_bucket_and_key(member):
    types = sorted({r["Type"] for r in member["Resources"].values()})
    assert {"AWS::IAM::Role", "AWS::S3::Bucket", "AWS::KMS::Key"} <= set(types)
    for resource in member["Resources"].values():
        if resource["Type"] == "AWS::S3::Bucket":
            assert "BucketName" not in resource["Properties"], "a fixed name collides across accounts"


def test_member_is_environment_agnostic(synthesized, props):
    body = props["TemplateBody"]
    for literal in ("111122223333", "123456789012", *REGIONS):
        assert literal not in body
    stack = synthesized["construct"].member_stack
    assert stack.resolve(stack.region) == {"Ref": "AWS::Region"}
    assert stack.resolve(stack.account) == {"Ref": "AWS::AccountId"}


def test_member_trust_takes_account_and_region_from_pseudo_parameters(member):
    (role,) = [r for r in member["Resources"].values() if r["Type"] == "AWS::IAM::Role"]
    (statement,) = role["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    condition = statement["Condition"]
    assert condition["StringEquals"]["aws:SourceAccount"] == {"Ref": "AWS::AccountId"}
    source_arn = render(condition["ArnLike"]["aws:SourceArn"])
    assert "${AWS::Region}" in source_arn and "${AWS::AccountId}" in source_arn


def test_member_has_no_bootstrap_version_parameter_or_rule(member):
    assert "BootstrapVersion" not in member.get("Parameters", {})
    assert "Rules" not in member
    assert "Parameters" not in member


def test_member_has_no_assets(synthesized, member):
    construct = synthesized["construct"]
    member_assembly = construct.member_stage.synth()
    artifact = member_assembly.get_stack_artifact(construct.member_stack.artifact_id)
    assert artifact.assets == []
    assert not [a for a in member_assembly.artifacts if a.manifest.type == "cdk:asset-manifest"]
    text = json.dumps(member)
    assert "cdk-hnb659fds" not in text and "aws:asset:" not in text


def test_member_is_not_a_top_level_stack_so_deploy_all_skips_it(synthesized):
    names = sorted(s.stack_name for s in synthesized["assembly"].stacks)
    assert names == ["EmrStudioRoleStackSetStack", "EmrStudioServiceRoleStack"]


def test_member_template_body_must_fit_cloudformations_limit(monkeypatch):
    monkeypatch.setattr(stackset_module, "TEMPLATE_BODY_LIMIT", 100)
    app = build_app(CONTEXT, nag=False)
    with pytest.raises(RuntimeError, match=r"member template is \d+ bytes.*at most 100"):
        app.synth()


# --------------------------------------------------------------------------- checks


def test_cfn_lint_reports_nothing_on_the_stackset_and_member_templates(synthesized, member, tmp_path):
    files = []
    for name, template in (
        ("stackset", synthesized["template"].to_json()),
        ("member", member),
    ):
        path = tmp_path / f"{name}.template.json"
        path.write_text(json.dumps(template, indent=1))
        files.append(path)
    assert cfn_lint(files) == []  # in process: tests/helpers.py


def test_nag_packs_report_nothing_on_the_app_with_the_stackset(synthesized):
    report = json.loads((Path(synthesized["assembly"].directory) / "validation-report.json").read_text())
    violations = [v for r in report["pluginReports"] for v in r["violations"]]
    assert violations == []


def test_nag_packs_check_the_member_stack(monkeypatch):
    """Without the bucket's acknowledgments, the member's bucket fails synth: it is checked."""
    monkeypatch.setattr("emr_studio_role.stack.acknowledge_notebook_bucket", lambda bucket: None)
    app = cdk_app(CONTEXT)
    add_stackset_from_context(app)  # the member only: the app's own stack is not built
    Validations.of(app).add_plugins(*nag_plugins(app), EmrStudioChecks())
    with pytest.raises(RuntimeError, match=r"Member/EmrStudioServiceRoleStack/NotebookBucket"):
        app.synth()


# --------------------------------------------------------------------------- refusals


def _construct(**kwargs: Any) -> EmrStudioRoleStackSet:
    stack = Stack(cdk_app(), "Holder")
    return EmrStudioRoleStackSet(stack, "Set", **{"organizational_units": OUS, "regions": REGIONS, **kwargs})


def test_tag_imported_resources_is_refused_because_it_needs_an_asset():
    message = r"tag_imported_resources.*tagImportedResources.*asset"
    with pytest.raises(EmrStudioRoleValidationError, match=message):
        _construct(config=StudioStackConfig(tag_imported_resources=True))


def test_a_fixed_role_name_is_refused_with_two_regions():
    message = r"role_name.*'studio-role' with 2 regions.*collide"
    with pytest.raises(EmrStudioRoleValidationError, match=message):
        _construct(config=StudioStackConfig(role_name="studio-role"))


def test_a_fixed_role_name_is_allowed_with_one_region():
    construct = _construct(regions=["eu-west-1"], config=StudioStackConfig(role_name="studio-role"))
    roles = [r for r in construct.member_template()["Resources"].values() if r["Type"] == "AWS::IAM::Role"]
    assert [r["Properties"]["RoleName"] for r in roles] == ["studio-role"]


@pytest.mark.parametrize(
    "field,value,key",
    [
        ("subnet_ids", ("subnet-0123456789abcdef0",), "subnetIds"),
        ("bucket_name", "team-notebooks", "bucketName"),
        ("git_secret_arns", ("arn:aws:secretsmanager:eu-west-1:111122223333:secret:g-AbC",), "gitSecretArns"),
    ],
)
def test_settings_naming_one_accounts_resources_are_refused(field, value, key):
    with pytest.raises(EmrStudioRoleValidationError, match=rf"config\.{field} \(context '{key}'\)"):
        _construct(config=StudioStackConfig(**{field: value}))


def test_bad_targets_are_refused_together():
    with pytest.raises(EmrStudioRoleValidationError) as caught:
        _construct(
            organizational_units=["ou-AAAA-1", "o-abcdefghij"], regions=["eu-west-1", "eu-west-1", "EU"]
        )
    problems = caught.value.problems
    assert len(problems) == 3, problems
    assert problems[0].startswith("organizational_units: got ['ou-AAAA-1', 'o-abcdefghij']")
    assert any(p.startswith("regions: got ['EU']") for p in problems)
    assert any(p.startswith("regions: got ['eu-west-1'] more than once") for p in problems)


def test_an_organization_root_id_is_a_valid_target():
    construct = _construct(organizational_units=["r-ab12"], regions=["eu-west-1"])
    assert construct.organizational_units == ("r-ab12",)


def test_a_bad_stackset_name_is_refused():
    with pytest.raises(EmrStudioRoleValidationError, match=r"stack_set_name: got '1-bad_name'"):
        _construct(stack_set_name="1-bad_name")


# --------------------------------------------------------------------------- the app's context keys


def test_without_the_context_keys_the_app_has_no_stackset_stack():
    app = cdk_app()
    assert add_stackset_from_context(app) is None
    assert app.node.children == []


@pytest.mark.parametrize(
    "context,message",
    [
        ({"stackSetOrganizationalUnits": "ou-aaaa-11111111"},
         r"context 'stackSetRegions': missing or empty \(given 'stackSetOrganizationalUnits'\)"),
        ({"stackSetRegions": "eu-west-1"},
         r"context 'stackSetOrganizationalUnits': missing or empty"),
        ({**CONTEXT, "stackSetOrganizationalUnits": "ou-aaaa-11111111,marketing"},
         r"context 'stackSetOrganizationalUnits': got 'marketing'; allowed: comma-separated organizational"),
        ({**CONTEXT, "stackSetRegions": "eu-west-1,Ireland"},
         r"context 'stackSetRegions': got 'Ireland'; allowed: comma-separated region codes"),
        ({**CONTEXT, "stackSetRegions": "eu-west-1,eu-west-1"},
         r"context 'stackSetRegions': got 'eu-west-1' more than once"),
        ({**CONTEXT, "stackSetCallAs": "ADMIN"},
         r"context 'stackSetCallAs': got 'ADMIN'; allowed: SELF or DELEGATED_ADMIN"),
        ({"stackSetCallAs": "SELF"},
         r"context 'stackSetCallAs': got 'SELF' without"),
    ],
)
def test_bad_context_values_are_refused_naming_the_key(context, message):
    with pytest.raises(EmrStudioRoleValidationError, match=message):
        stackset_targets_from_context(context.get)


def test_role_name_from_context_is_refused_for_the_stackset_with_two_regions():
    with pytest.raises(EmrStudioRoleValidationError, match=r"context 'roleName'"):
        build_app({**CONTEXT, "roleName": "studio-role"}, nag=False)


@pytest.mark.parametrize("extra", [{}, {"compute": "EMR_SERVERLESS"}])
def test_the_members_resources_are_the_apps_role_stack_for_the_same_context(extra):
    """The member is the app's role stack: same context, same resources (the app's stack has no env)."""
    app = build_app({**CONTEXT, **extra}, nag=False)
    app_stack = app.node.find_child("EmrStudioServiceRoleStack")
    app_stack_resources = Template.from_stack(app_stack).to_json()["Resources"]
    member_resources = stackset_of(app).member_template()["Resources"]
    for resources in (app_stack_resources, member_resources):
        resources.pop("CDKMetadata", None)
    assert member_resources == app_stack_resources


def test_a_member_bound_to_an_environment_by_its_stage_is_refused():
    """Inside a Stage with an env, the member would inherit it: refused, not silently pinned."""
    env = Environment(account="111122223333", region="eu-west-1")
    stage = Stage(cdk_app(), "Prod", env=env)
    with pytest.raises(EmrStudioRoleValidationError, match="must be environment-agnostic"):
        EmrStudioRoleStackSet(Stack(stage, "Holder"), "Set", organizational_units=OUS, regions=REGIONS)


# --------------------------------------------------------------------------- hostile props (issue 16)


def _problems_of(**kwargs: Any) -> tuple:
    with pytest.raises(EmrStudioRoleValidationError) as caught:
        _construct(**kwargs)
    assert caught.value.construct == "EmrStudioRoleStackSet"
    return caught.value.problems


def test_a_config_that_is_no_studio_stack_config_is_refused():
    (problem,) = _problems_of(config={"compute": "EMR_SERVERLESS"})
    assert problem.startswith("config: got {'compute': 'EMR_SERVERLESS'}; allowed: a StudioStackConfig")


@pytest.mark.parametrize(
    "field, value, key",
    [("vpc_id", "vpc-0123456789abcdef0", "vpcId"),
     ("user_role_arn", "arn:aws:iam::111122223333:role/EMRStudioUser", "userRoleArn")],
)
def test_a_vpc_or_user_role_of_one_account_is_refused_for_every_account(field, value, key):
    (problem,) = _problems_of(config=StudioStackConfig(**{field: value}))
    assert problem.startswith(f"config.{field} (context '{key}'): got {value!r}; allowed: unset")


@pytest.mark.parametrize("field, value", [("account", "111122223333"), ("region", "eu-west-1")])
def test_an_account_or_region_in_the_config_is_refused_naming_the_setting_not_the_path(field, value):
    (problem,) = _problems_of(config=StudioStackConfig(**{field: value}))
    assert problem.startswith(f"config.{field} (context '{field}'): got {value!r}")
    assert "environment-agnostic" in problem


@pytest.mark.parametrize("name", ["", "studio-set\n", "a" * 129, "set_1"])
def test_a_stackset_name_cloudformation_refuses_is_refused(name):
    (problem,) = _problems_of(stack_set_name=name)
    assert problem.startswith(f"stack_set_name: got {name!r}")


@pytest.mark.parametrize("description", ["", "   ", "x" * 1025, "nul\x00here"])
def test_a_description_cloudformation_refuses_is_refused(description):
    (problem,) = _problems_of(description=description)
    assert problem.startswith("description: got")


def test_call_as_given_as_a_string_is_refused_with_the_enum():
    (problem,) = _problems_of(call_as="SELF")
    assert problem == "call_as: got 'SELF'; allowed: StackSetCaller.SELF or StackSetCaller.DELEGATED_ADMIN"


def test_retain_stacks_given_as_a_string_is_refused():
    (problem,) = _problems_of(retain_stacks_on_account_removal="false")
    assert problem.startswith("retain_stacks_on_account_removal: got 'false'; allowed: True or False")


def test_operation_preferences_given_as_a_dict_is_refused():
    (problem,) = _problems_of(operation_preferences={"MaxConcurrentCount": 2})
    assert problem.startswith("operation_preferences: got {'MaxConcurrentCount': 2}")


@pytest.mark.parametrize("regions", [["eu-west-1\n"], ["eu-west-1 "], ["Europe"]])
def test_a_region_with_anything_around_it_is_refused(regions):
    (problem,) = _problems_of(regions=regions)
    assert problem.startswith(f"regions: got {regions!r}")


def test_a_member_refusal_is_the_stacksets_naming_the_config():
    (problem,) = _problems_of(config=StudioStackConfig(prefix="studio/*"))
    assert problem.startswith("config (the member's EmrStudioServiceRole): prefix: got 'studio/*'")


def test_every_problem_of_the_props_is_reported_at_once():
    problems = _problems_of(regions=["EU"], stack_set_name="1x", description="", call_as="SELF")
    assert [p.split(":")[0] for p in problems] == ["regions", "call_as", "stack_set_name", "description"]


def test_a_refused_stackset_leaves_nothing_in_its_scope():
    stack = Stack(cdk_app(), "Holder")
    with pytest.raises(EmrStudioRoleValidationError):
        EmrStudioRoleStackSet(stack, "Set", organizational_units=OUS, regions=REGIONS,
                              config=StudioStackConfig(prefix="studio/*"))
    assert stack.node.try_find_child("Set") is None
