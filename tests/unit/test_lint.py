"""cfn-lint and checkov report nothing on the app's templates (every main configuration)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests import helpers
from tests.helpers import cfn_lint

ROOT = Path(__file__).parents[2]


@pytest.fixture(scope="module")
def template_dir(scenario_templates, tmp_path_factory):
    out = tmp_path_factory.mktemp("templates")
    for name, template in scenario_templates.items():
        (out / f"{name}.template.json").write_text(json.dumps(template.to_json(), indent=1))
    return out


def test_cfn_lint_reports_nothing(template_dir):
    files = sorted(template_dir.glob("*.template.json"))
    assert len(files) == 5
    assert cfn_lint(files) == []


def test_checkov_reports_no_failed_check(checkov_report, scenario_templates):
    for name in scenario_templates:
        failed, passed = checkov_report[name]
        assert failed == [], [(c["check_id"], c["resource"]) for c in failed]
        assert passed > 0, (name, checkov_report["_output"][:2000])


def test_checkov_skips_carry_a_comment(scenario_templates):
    skips = [
        skip
        for template in scenario_templates.values()
        for res in template.to_json()["Resources"].values()
        for skip in res.get("Metadata", {}).get("checkov", {}).get("skip", [])
    ]
    assert skips, "the access-logs bucket's CKV_AWS_18 skip is expected"
    for skip in skips:
        assert skip["id"].startswith("CKV_") and len(skip["comment"]) > 20, skip


def test_ruff_reports_nothing():
    ruff = Path(sys.executable).parent / "ruff"
    result = subprocess.run([str(ruff), "check", str(ROOT)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_cfn_lint_in_process_reports_what_is_wrong(tmp_path):
    """The in-process cfn-lint can fail: a broken template is reported."""
    bad = {"Resources": {"Bucket": {"Type": "AWS::S3::Bucket", "Properties": {"Nope": True}}}}
    path = tmp_path / "bad.template.json"
    path.write_text(json.dumps(bad))
    assert any("Nope" in finding for finding in cfn_lint([path]))


def test_checkov_reports_the_canary_in_the_same_run(checkov_report):
    """The shared checkov run can fail: its canary (an unencrypted bucket) is reported, by file."""
    failed, _ = checkov_report["canary"]
    assert "CKV_AWS_18" in {c["check_id"] for c in failed}, checkov_report["_output"][:2000]


def test_the_in_process_cfn_lint_loads_its_rules_once_and_they_still_report(tmp_path):
    """Each run reuses the rule collection of the first (tests/helpers.py: loading it costs about
    0.3 s a run); a later run finds what a first run finds."""
    bad = {"Resources": {"Bucket": {"Type": "AWS::S3::Bucket", "Properties": {"Nope": True}}}}
    path = tmp_path / "bad.template.json"
    path.write_text(json.dumps(bad))
    first = cfn_lint([path])
    collections = dict(helpers._CFN_LINT_RULES)
    assert cfn_lint([path]) == first and any("Nope" in finding for finding in first)
    assert helpers._CFN_LINT_RULES == collections and len(collections) == 1
