"""cfn-lint and checkov report nothing on the app's templates (every main configuration)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import checkov_results

ROOT = Path(__file__).parents[2]
CFN_LINT = Path(sys.executable).parent / "cfn-lint"
CHECKOV = ROOT / ".venv-checkov" / "bin" / "checkov"


@pytest.fixture(scope="module")
def template_dir(scenario_templates, tmp_path_factory):
    out = tmp_path_factory.mktemp("templates")
    for name, template in scenario_templates.items():
        (out / f"{name}.template.json").write_text(json.dumps(template.to_json(), indent=1))
    return out


def test_cfn_lint_reports_nothing(template_dir):
    files = sorted(str(p) for p in template_dir.glob("*.template.json"))
    result = subprocess.run([str(CFN_LINT), *files], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_checkov_reports_no_failed_check(template_dir):
    failed, passed, output = checkov_results(template_dir)
    assert failed == [], [(c["check_id"], c["resource"]) for c in failed]
    assert passed > 0, output[:2000]


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
