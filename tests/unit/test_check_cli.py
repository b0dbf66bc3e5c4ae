"""`emr-studio-check` (emr_studio_role.checks.cli): templates nobody here synthesized, the app's own
cdk.out, the three report formats (SARIF validated against the SARIF 2.1.0 schema), exit statuses,
and bad input (one line naming the file, never a traceback).

Most tests call ``main(argv)`` in this process; one starts the installed console script."""

from __future__ import annotations

import json
import os
import runpy
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, List, Tuple

import jsonschema
import pytest

from emr_studio_role.checks import (
    RULE_GUARDED,
    RULE_NETWORK,
    RULE_REQUEST_TAG,
    RULE_S3,
    RULE_S3_SCOPE,
    RULE_SECURITY_GROUPS,
)
from emr_studio_role.checks.cli import BAD_INPUT, CLEAN, VIOLATED, main
from emr_studio_role.checks.load import read_template, resource_line
from tests.helpers import cdk_app, context_get

ROOT = Path(__file__).parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
TEMPLATES = FIXTURES / "templates"
PAGE = json.loads((FIXTURES / "aws_page_policies.json").read_text())
SARIF_SCHEMA = json.loads((FIXTURES / "sarif-schema-2.1.0.json").read_text())

#: Each fixture: the findings expected, as (rule, severity, logical id), and the exit status.
EXPECTED: Dict[str, Tuple[List[Tuple[str, str, str]], int]] = {
    "page-compliant.yaml": ([], CLEAN),
    "page-role-s3-star.yaml": ([(RULE_S3_SCOPE, "error", "StudioServiceRole")], VIOLATED),
    "untagged-security-groups.yaml": ([(RULE_NETWORK, "error", "Studio")] * 2, VIOLATED),
    "untagged-security-groups-no-studio.yaml": (
        [(RULE_SECURITY_GROUPS, "warning", "EngineSecurityGroup"),
         (RULE_SECURITY_GROUPS, "warning", "WorkspaceSecurityGroup")],
        CLEAN,
    ),
    "resource-tag-on-create.yaml": (
        [(RULE_GUARDED, "error", "StudioServiceRole")] * 2
        + [(RULE_REQUEST_TAG, "error", "StudioServiceRole")] * 2,
        VIOLATED,
    ),
    "other-bucket.yaml": (
        [(RULE_S3, "error", "Studio"), (RULE_S3_SCOPE, "error", "StudioServiceRole")], VIOLATED
    ),
    "imported-network.yaml": ([(RULE_NETWORK, "warning", "Studio")] * 5, CLEAN),
    "not-emr.yaml": ([], CLEAN),
}


def _run(capsys, *argv: str) -> Tuple[int, str, str]:
    status = main([*argv])
    out, err = capsys.readouterr()
    return status, out, err


def _json(capsys, *argv: str) -> Tuple[int, Dict[str, Any]]:
    status, out, _ = _run(capsys, "--format", "json", *argv)
    return status, json.loads(out)


def _found(report: Dict[str, Any]) -> List[Tuple[str, str, str]]:
    return sorted((f["rule"], f["severity"], f["logicalId"]) for f in report["findings"])


# ------------------------------------------------------------------ the fixtures


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_fixture_gives_its_findings_and_exit_status(capsys, name):
    findings, expected_status = EXPECTED[name]
    status, report = _json(capsys, str(TEMPLATES / name))
    assert (_found(report), status) == (sorted(findings), expected_status)


def test_every_fixture_has_its_expectation():
    assert sorted(p.name for p in TEMPLATES.glob("*.yaml")) == sorted(EXPECTED)


def _policy_sids(name: str) -> Dict[str, Any]:
    template, _ = read_template(str(TEMPLATES / name))
    document = template["Resources"]["StudioServicePolicy"]["Properties"]["PolicyDocument"]
    return {s["Sid"]: s for s in document["Statement"]}


@pytest.mark.parametrize(
    "name, changed",
    [
        ("page-compliant.yaml", set()),
        ("page-role-s3-star.yaml", set()),
        ("other-bucket.yaml", set()),
        ("resource-tag-on-create.yaml", {
            "AllowDefaultEC2SecurityGroupsCreationWithEMRTags", "AllowEC2ENICreationWithEMRTags",
            "AllowAddingEMRTagsDuringDefaultSecurityGroupCreation", "AllowAddingTagsDuringEC2ENICreation",
        }),
    ],
)
def test_fixture_policies_are_the_pages_but_for_the_shape_they_reproduce(name, changed):
    page = {s["Sid"]: s for s in PAGE["studio_policy"]["Statement"]}
    fixture = _policy_sids(name)
    assert fixture.keys() == page.keys()
    assert {sid for sid in page if fixture[sid] != page[sid]} == changed


def test_templates_of_two_stacks_resolve_each_others_exports(capsys):
    cross = TEMPLATES / "cross-stack"
    status, report = _json(capsys, str(cross / "roles.json"), str(cross / "studio.yaml"))
    assert (report["findings"], status) == ([], CLEAN)
    assert report["inventory"]["studios"] == 1 and report["inventory"]["studio_roles"] == 1


def test_a_studio_without_the_template_of_its_role_cannot_be_checked(capsys):
    status, report = _json(capsys, str(TEMPLATES / "cross-stack" / "studio.yaml"))
    (finding,) = report["findings"]
    assert (finding["rule"], status) == (RULE_S3, VIOLATED)
    assert '{"Fn::ImportValue":"emr-studio-service-role-arn"} is not in the app' in finding["message"]


# ------------------------------------------------------------------ the app's own output


@pytest.mark.parametrize(
    "scenario", ["default", "serverless", "listed_secrets", "user_role_secrets", "collaboration_off"]
)
def test_the_apps_cdk_out_is_clean(capsys, scenario_templates, scenario):
    from tests.conftest import ASSEMBLIES

    status, report = _json(capsys, ASSEMBLIES[scenario])
    assert (report["findings"], status) == ([], CLEAN)
    assert report["inventory"]["studio_roles"] == 1


@pytest.fixture(scope="module")
def studio_app_out(tmp_path_factory) -> str:
    """The app with -c createStudio=true, synthesized in this process (its cloud assembly)."""

    from emr_studio_role.studio_stack import EmrStudioStack, StudioAppConfig

    outdir = tmp_path_factory.mktemp("studio-cdk-out")
    app = cdk_app({"createStudio": "true"}, outdir=str(outdir))
    EmrStudioStack(app, "EmrStudioStack", config=StudioAppConfig.from_context(context_get(app)))
    return app.synth().directory


def test_the_studio_apps_cdk_out_is_clean_and_its_studio_found(capsys, studio_app_out):
    status, report = _json(capsys, studio_app_out)
    assert (report["findings"], status) == ([], CLEAN)
    inventory = report["inventory"]
    assert (inventory["studios"], inventory["studio_roles"], inventory["studio_security_groups"]) == (1, 1, 2)


# ------------------------------------------------------------------ the reports


def test_text_names_rule_severity_resource_file_line_message_and_fix(capsys):
    path = str(TEMPLATES / "untagged-security-groups.yaml")
    status, out, _ = _run(capsys, path)
    line = resource_line(Path(path).read_text(), "Studio")
    assert line > 0
    block = out.split("\n\n")[0].splitlines()
    assert block[0].startswith(f"{RULE_NETWORK} [error] Studio Studio: its ")
    assert block[1].startswith("Fix: Tag the Studio's VPC, subnets and security groups")
    assert block[2].startswith(f"{path}:{line} (Resources/Studio/Properties/")
    assert status == VIOLATED


def test_the_resource_line_is_the_resources_key_in_the_file():
    text = (TEMPLATES / "untagged-security-groups.yaml").read_text()
    line = resource_line(text, "Studio")
    assert text.splitlines()[line - 1] == "  Studio:"


def test_what_was_checked_is_said(capsys):
    _, out, _ = _run(capsys, str(TEMPLATES / "page-compliant.yaml"))
    assert out.splitlines()[-2:] == [
        "Checked 1 template: 1 EMR Studio, 1 EMR Studio service role, 0 other roles trusted by EMR, "
        "2 EMR Studio security groups.",
        "No findings.",
    ]


def test_nothing_found_is_said(capsys):
    status, out, _ = _run(capsys, str(TEMPLATES / "not-emr.yaml"))
    assert "nothing to check" in out and status == CLEAN


def test_json_and_sarif_put_the_summary_on_standard_error(capsys):
    _, out, err = _run(capsys, "--format", "json", str(TEMPLATES / "imported-network.yaml"))
    json.loads(out)  # standard output is the report alone
    assert "0 errors, 5 warnings." in err


def _sarif(capsys, *paths: str) -> Tuple[int, Dict[str, Any]]:
    status, out, _ = _run(capsys, "--format", "sarif", *paths)
    return status, json.loads(out)


def _validate(log: Dict[str, Any]) -> None:
    validator = jsonschema.validators.validator_for(SARIF_SCHEMA)
    validator.check_schema(SARIF_SCHEMA)
    validator(SARIF_SCHEMA).validate(log)


@pytest.mark.parametrize(
    "name", ["resource-tag-on-create.yaml", "page-compliant.yaml", "imported-network.yaml"]
)
def test_sarif_is_valid_sarif_2_1_0(capsys, name):
    _, log = _sarif(capsys, str(TEMPLATES / name))
    _validate(log)


def test_the_schema_check_rejects_what_is_not_sarif(capsys):
    _, log = _sarif(capsys, str(TEMPLATES / "resource-tag-on-create.yaml"))
    log["runs"][0]["results"][0]["level"] = "fatal"  # not a SARIF level
    with pytest.raises(jsonschema.ValidationError):
        _validate(log)


def test_sarif_results_carry_rule_level_file_line_and_resource(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)  # a relative path, as a CI job gives it from the repository's root
    path = TEMPLATES / "untagged-security-groups-no-studio.yaml"
    status, log = _sarif(capsys, os.path.relpath(path))
    (run,) = log["runs"]
    result = run["results"][0]
    rule = run["tool"]["driver"]["rules"][result["ruleIndex"]]
    assert (result["ruleId"], rule["id"], result["level"]) == (RULE_SECURITY_GROUPS,) * 2 + ("warning",)
    location = result["locations"][0]
    assert location["physicalLocation"]["artifactLocation"]["uri"] == "tests/fixtures/templates/" + path.name
    line = resource_line(path.read_text(), "EngineSecurityGroup")
    assert location["physicalLocation"]["region"]["startLine"] == line
    assert location["logicalLocations"][0]["name"] == "EngineSecurityGroup"
    assert run["invocations"][0]["exitCode"] == status == CLEAN


def test_the_report_goes_to_the_output_file(capsys, tmp_path):
    target = tmp_path / "emr-studio.sarif"
    fixture = str(TEMPLATES / "page-role-s3-star.yaml")
    status, out, _ = _run(capsys, "--format", "sarif", "-o", str(target), fixture)
    _validate(json.loads(target.read_text()))
    assert status == VIOLATED and "1 error, 0 warnings." in out


def test_python_dash_m_runs_the_command(capsys, monkeypatch):
    monkeypatch.setattr(sys, "argv", ["emr_studio_role.checks", str(TEMPLATES / "not-emr.yaml")])
    with pytest.raises(SystemExit) as exited:
        runpy.run_module("emr_studio_role.checks", run_name="__main__")
    assert exited.value.code == CLEAN and "nothing to check" in capsys.readouterr().out


# ------------------------------------------------------------------ bad input


BAD = {
    "empty.yaml": b"",
    "list.json": b"[1, 2]",
    "no-resources.json": b'{"AWSTemplateFormatVersion": "2010-09-09"}',
    "resources-not-a-mapping.yaml": b"Resources: [a, b]\n",
    "broken.json": b'{"Resources": ',
    "broken.yaml": b"Resources:\n  A: [b\n",
    "scalar.yaml": b"just some text\n",
    "duplicate.json": b'{"Resources": {"A": {"Type": "X"}, "A": {"Type": "Y"}}}',
    "duplicate.yaml": b"Resources:\n  A:\n    Type: X\n  A:\n    Type: Y\n",
    "binary.json": b"\xff\xfe\x00\x01",
}


def _one_line_error(err: str, path: str) -> None:
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"emr-studio-check: {path}: ")


@pytest.mark.parametrize("name", sorted(BAD))
def test_a_file_that_is_not_a_template_is_bad_input_named_in_one_line(capsys, tmp_path, name):
    path = tmp_path / name
    path.write_bytes(BAD[name])
    status, out, err = _run(capsys, str(path))
    assert (status, out) == (BAD_INPUT, "")
    _one_line_error(err, str(path))


def test_a_missing_file_is_bad_input(capsys, tmp_path):
    path = str(tmp_path / "nowhere.yaml")
    status, _, err = _run(capsys, path)
    assert status == BAD_INPUT and "No such file or directory" in err
    _one_line_error(err, path)


def test_a_folder_without_a_cloud_assembly_is_bad_input(capsys, tmp_path):
    status, _, err = _run(capsys, str(tmp_path))
    assert status == BAD_INPUT and "not a cdk.out folder" in err
    _one_line_error(err, str(tmp_path))


def test_a_broken_manifest_is_bad_input(capsys, tmp_path):
    (tmp_path / "manifest.json").write_text("{")
    status, _, err = _run(capsys, str(tmp_path))
    assert status == BAD_INPUT
    _one_line_error(err, str(tmp_path / "manifest.json"))


def test_bad_input_among_good_templates_stops_the_run(capsys, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{}")
    status, out, err = _run(capsys, str(TEMPLATES / "page-compliant.yaml"), str(bad))
    assert (status, out) == (BAD_INPUT, "")
    _one_line_error(err, str(bad))


def test_yaml_without_the_yaml_extra_says_which_extra_to_install(capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "cfnlint.decode", None)  # as if cfn-lint were not installed
    path = str(TEMPLATES / "page-compliant.yaml")
    status, _, err = _run(capsys, path)
    assert status == BAD_INPUT and 'pip install "emr-studio-role[yaml]"' in err
    _one_line_error(err, path)


def test_json_needs_no_yaml_reader(capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "cfnlint.decode", None)
    status, _ = _json(capsys, str(TEMPLATES / "cross-stack" / "roles.json"))
    assert status == CLEAN


def test_an_output_file_that_cannot_be_written_is_bad_input(capsys, tmp_path):
    target = tmp_path / "missing-folder" / "out.sarif"
    status, _, err = _run(capsys, "-o", str(target), str(TEMPLATES / "not-emr.yaml"))
    assert status == BAD_INPUT
    _one_line_error(err, str(target))


# ------------------------------------------------------------------ the installed command


def test_the_console_script_is_declared_for_main():
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts == {"emr-studio-check": "emr_studio_role.checks.cli:main"}


def test_the_installed_command_reports_and_exits_as_main_does_without_nodejs(tmp_path):
    """The one subprocess: the console script `pip install` made (the venv's bin), with no
    Node.js on PATH: the command reads templates with the standard library and cfn-lint's
    decoder only, and never starts aws-cdk-lib's jsii runtime (which would need `node`)."""
    script = Path(sys.executable).parent / "emr-studio-check"
    assert script.exists(), "make setup installs the package, with its console script"
    bad = tmp_path / "bad.yaml"
    bad.write_text("Resources: [a\n")
    result = subprocess.run(
        [str(script), str(TEMPLATES / "resource-tag-on-create.yaml"), str(bad)],
        capture_output=True, text=True, timeout=300,
        env={"PATH": str(tmp_path), "HOME": str(tmp_path)},
    )
    assert shutil.which("node", path=str(tmp_path)) is None
    assert result.returncode == BAD_INPUT and result.stdout == ""
    assert result.stderr.strip().splitlines()[-1].startswith(f"emr-studio-check: {bad}: not a readable YAML")
    assert "Traceback" not in result.stderr
