"""cdk-nag 3: the app is clean under four packs, and every acknowledgment is narrow and explained."""

import json
from pathlib import Path

import pytest
from aws_cdk import Validations

import emr_studio_role.nag as nag
import emr_studio_role.role as role_module
from tests.conftest import ASSEMBLIES
from tests.helpers import app_stack

ACK_KEY = Validations.ACKNOWLEDGED_RULES_METADATA_KEY


def _acknowledgments(app):
    """{construct path: {finding id: reason}} for every acknowledgment in the app."""
    found = {}
    for construct in app.node.find_all():
        for entry in construct.node.metadata:
            if entry.type == ACK_KEY:
                found.setdefault(construct.node.path, {}).update(entry.data)
    return found


@pytest.fixture(scope="module")
def default_app():
    app, _ = app_stack({})
    return app


def test_the_four_packs_are_applied():
    app, _ = app_stack({})
    names = sorted(type(p).__name__ for p in nag.nag_plugins(app))
    assert names == ["AwsSolutionsChecks", "HIPAASecurityChecks", "NIST80053R5Checks", "PCIDSS321Checks"]


@pytest.mark.parametrize(
    "scenario", ["default", "serverless", "listed_secrets", "user_role_secrets", "collaboration_off"]
)
def test_every_scenario_synthesizes_with_an_empty_validation_report(scenario_templates, scenario):
    report = json.loads((Path(ASSEMBLIES[scenario]) / "validation-report.json").read_text())
    violations = [v for r in report["pluginReports"] for v in r["violations"]]
    # The only things allowed through are our own warnings: an imported Git secret cannot
    # be tagged by CloudFormation (tests/unit/test_imported.py), and USER_ROLE without
    # userRoleArn leaves nobody able to read the Git secrets (tests/unit/test_app.py).
    ours = {
        "Annotation::emr-studio-role:importedResourceNotTagged",
        "Annotation::emr-studio-role:app:noGitSecretReader",
    }
    assert [v for v in violations if v["ruleName"] not in ours] == []


def test_removing_a_role_acknowledgment_makes_synth_fail(monkeypatch):
    real = role_module.acknowledge

    def without_resource_star(scope, findings):
        real(scope, [f for f in findings if f[0] != "AwsSolutions-IAM5[Resource::*]"])

    monkeypatch.setattr(role_module, "acknowledge", without_resource_star)
    app, _ = app_stack({})
    with pytest.raises(RuntimeError, match=r"ValidationFailed(.|\n)*IAM5\[Resource::\*\]"):
        app.synth()


def test_removing_a_bucket_acknowledgment_makes_synth_fail(monkeypatch):
    monkeypatch.setattr(
        "emr_studio_role.stack.acknowledge_notebook_bucket", lambda bucket: None
    )
    app, _ = app_stack({})
    with pytest.raises(RuntimeError, match=r"NotebookBucket(.|\n)*S3BucketReplicationEnabled"):
        app.synth()


def test_role_acknowledgments_name_exact_iam5_resource_findings(default_app):
    acks = _acknowledgments(default_app)
    policy_acks = acks["EmrStudioServiceRoleStack/StudioServiceRole/Policy"]
    assert policy_acks
    for finding in policy_acks:
        assert finding.startswith("Annotation::AwsSolutions-IAM5[Resource::"), finding
        assert finding.endswith("]")


def test_role_acknowledgments_cite_the_page(default_app):
    policy_acks = _acknowledgments(default_app)["EmrStudioServiceRoleStack/StudioServiceRole/Policy"]
    for finding, reason in policy_acks.items():
        assert "AWS's page" in reason, finding


def test_acknowledgments_sit_on_the_resources_they_cover_not_on_the_stack(default_app):
    paths = set(_acknowledgments(default_app))
    assert paths == {
        "EmrStudioServiceRoleStack/AccessLogsBucket",
        "EmrStudioServiceRoleStack/NotebookBucket",
        "EmrStudioServiceRoleStack/StudioServiceRole/Policy",
    }


def test_every_acknowledgment_has_a_real_reason(default_app):
    for path, acks in _acknowledgments(default_app).items():
        for finding, reason in acks.items():
            assert len(reason) >= 60, (path, finding)
