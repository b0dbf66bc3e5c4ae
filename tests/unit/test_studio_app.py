"""The app with -c createStudio=true: EmrStudioStack (its own VPC, or vpcId), nag-clean, linted."""

import json
import runpy
from pathlib import Path

import aws_cdk
import pytest

from emr_studio_role import EmrStudioRoleValidationError
from emr_studio_role.studio_stack import EmrStudioStack, StudioAppConfig, create_studio_requested
from tests.helpers import ENV, FEATURE_FLAGS, cdk_app, cfn_lint_findings, context_get
from tests.helpers import STUDIO_EXISTING_VPC as EXISTING

ROOT = Path(__file__).parents[2]
TAG = {"Key": "for-use-with-amazon-emr-managed-policies", "Value": "true"}
# own_vpc and existing_vpc: session fixtures (tests/conftest.py), synthesized with the nag packs
# and EmrStudioChecks.


def test_app_py_builds_the_studio_stack_with_create_studio(tmp_path, monkeypatch):
    # app.py as the CLI runs it, in this process: the CLI hands the app its context and output
    # folder (CDK_CONTEXT_JSON, CDK_OUTDIR), which App() reads from the jsii runtime's
    # environment; here App() gets the same two directly. (The README's `npx cdk synth` runs
    # app.py through the real CLI: tests/unit/test_readme_commands.py.)
    real_app = aws_cdk.App
    context = {**FEATURE_FLAGS, "createStudio": "true"}
    monkeypatch.setattr(aws_cdk, "App", lambda: real_app(context=context, outdir=str(tmp_path)))
    runpy.run_path(str(ROOT / "app.py"), run_name="__main__")  # nag packs + EmrStudioChecks ran
    assert sorted(p.name for p in tmp_path.glob("*.template.json")) == ["EmrStudioStack.template.json"]
    template = json.loads((tmp_path / "EmrStudioStack.template.json").read_text())
    assert [r["Type"] for r in template["Resources"].values()].count("AWS::EMR::Studio") == 1


def test_create_studio_is_off_by_default_and_refuses_other_values():
    assert create_studio_requested({}.get) is False
    assert create_studio_requested({"createStudio": "TRUE"}.get) is True
    with pytest.raises(EmrStudioRoleValidationError, match="context 'createStudio': got 'yes'"):
        create_studio_requested({"createStudio": "yes"}.get)


def test_own_vpc_studio_uses_the_private_subnets_only(own_vpc):
    stack, template = own_vpc
    (studio,) = template.find_resources("AWS::EMR::Studio").values()
    private = [
        k for k, v in template.find_resources("AWS::EC2::Subnet").items()
        if {"Key": "aws-cdk:subnet-type", "Value": "Private"} in v["Properties"]["Tags"]
    ]
    assert len(private) == 2
    assert sorted(s["Ref"] for s in studio["Properties"]["SubnetIds"]) == sorted(private)
    for logical_id, subnet in template.find_resources("AWS::EC2::Subnet").items():
        assert (TAG in subnet["Properties"]["Tags"]) == (logical_id in private)


def test_own_vpc_public_subnets_give_no_public_ips_and_hold_one_nat(own_vpc):
    _, template = own_vpc
    template.resource_count_is("AWS::EC2::NatGateway", 1)
    for subnet in template.find_resources("AWS::EC2::Subnet").values():
        assert subnet["Properties"]["MapPublicIpOnLaunch"] is False


def test_own_vpc_has_flow_logs_to_the_access_logs_bucket(own_vpc):
    _, template = own_vpc
    (flow_log,) = template.find_resources("AWS::EC2::FlowLog").values()
    assert flow_log["Properties"]["LogDestinationType"] == "s3"
    assert "AccessLogsBucket" in json.dumps(flow_log["Properties"]["LogDestination"])


def test_outputs_hold_the_studio_id_url_and_role(own_vpc):
    _, template = own_vpc
    outputs = template.to_json()["Outputs"]
    (studio_id,) = template.find_resources("AWS::EMR::Studio")
    assert outputs["StudioId"]["Value"] == {"Fn::GetAtt": [studio_id, "StudioId"]}
    assert outputs["StudioUrl"]["Value"] == {"Fn::GetAtt": [studio_id, "Url"]}
    assert "RoleArn" in outputs


def test_existing_vpc_and_subnets_are_used_by_id(existing_vpc):
    _, template = existing_vpc
    template.resource_count_is("AWS::EC2::VPC", 0)
    template.has_resource_properties(
        "AWS::EMR::Studio",
        {
            "VpcId": "vpc-0123456789abcdef0",
            "SubnetIds": ["subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb"],
            "AuthMode": "SSO",
        },
    )


def test_existing_vpc_in_an_environment_needs_no_lookup():
    app = cdk_app({"createStudio": "true", **EXISTING})
    EmrStudioStack(
        app, "EmrStudioStack", env=ENV,
        config=StudioAppConfig.from_context(context_get(app)),
    )
    manifest = json.loads((Path(app.synth().directory) / "manifest.json").read_text())
    assert "missing" not in manifest, manifest["missing"]


def test_existing_vpc_needs_subnet_ids():
    with pytest.raises(EmrStudioRoleValidationError, match="context 'subnetIds': missing with vpcId"):
        StudioAppConfig.from_context({"vpcId": "vpc-0123456789abcdef0"}.get)


def test_subnet_ids_without_vpc_id_are_refused():
    with pytest.raises(EmrStudioRoleValidationError, match="without vpcId"):
        StudioAppConfig.from_context({"subnetIds": "subnet-0aaaaaaaaaaaaaaaa"}.get)


def test_unknown_auth_mode_is_refused():
    with pytest.raises(EmrStudioRoleValidationError, match="context 'authMode': got 'SAML'"):
        StudioAppConfig.from_context({"authMode": "SAML"}.get)


def test_role_stack_keys_the_studio_stack_does_not_read_are_refused():
    with pytest.raises(EmrStudioRoleValidationError) as info:
        StudioAppConfig.from_context({"bucketName": "team-notebooks", "gitSecretAccess": "USER_ROLE"}.get)
    assert [p.split(":")[0] for p in info.value.problems] == [
        "context 'bucketName'", "context 'gitSecretAccess'"
    ]


@pytest.fixture(scope="module")
def template_files(own_vpc, existing_vpc, tmp_path_factory):
    out = tmp_path_factory.mktemp("studio-templates")
    for name, (_, template) in (("own_vpc", own_vpc), ("existing_vpc", existing_vpc)):
        (out / f"{name}.template.json").write_text(json.dumps(template.to_json(), indent=1))
    return out


#: The only cfn-lint findings, each a deliberate explicit dependency (W3005: a DependsOn that a
#: GetAtt already implies): the Studio on its service role construct (which includes the role:
#: CDK adds a construct dependency on every resource under it, and CreateStudio checks the
#: role's policies and its tagging custom resource, so all of them must exist first) and on its
#: user role (its Git secret policy); and CDK's own restrictDefaultSecurityGroup provider.
INTENDED_W3005 = (
    ("Studio", "ServiceRole", "/Properties/ServiceRole"),
    ("Studio", "UserRole", "/Properties/UserRole"),
    (
        "CustomVpcRestrictDefaultSGCustomResourceProviderHandler",
        "CustomVpcRestrictDefaultSG",
        "/Properties/Role",
    ),
)


def _intended(finding) -> bool:
    if finding["Rule"]["Id"] != "W3005":
        return False
    resource, message = finding["Location"]["Path"][1], finding["Message"]
    return any(
        resource.startswith(source) and target in message.split("'")[1] and message.endswith(f"{prop}'")
        for source, target, prop in INTENDED_W3005
    )


def test_cfn_lint_reports_nothing_but_the_intended_explicit_dependencies(template_files):
    files = sorted(template_files.glob("*.template.json"))
    assert len(files) == 2
    findings = cfn_lint_findings(files)
    unexpected = [f"{f['Rule']['Id']} {f['Message']}" for f in findings if not _intended(f)]
    assert not unexpected, "\n".join(unexpected)
    assert findings, "the intended W3005 findings are gone: update INTENDED_W3005 and the README"


def test_checkov_reports_no_failed_check(checkov_report):
    for name in ("own_vpc", "existing_vpc"):
        failed, passed = checkov_report[name]
        assert failed == [], [(c["check_id"], c["resource"]) for c in failed]
        assert passed > 0, (name, checkov_report["_output"][:2000])
