"""Packaging: version, dependency floors and pins, the nag extra, the Makefile's install split, Node."""

import json
import os
import re
import shutil
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement

import emr_studio_role
from scripts import floors

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
PROJECT = PYPROJECT["project"]


def _pins(name):
    pins = {}
    for line in (ROOT / name).read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-"):
            req = Requirement(line)
            pins[req.name.lower()] = req
    return pins


def test_version_is_written_once_and_read_by_pyproject():
    assert "version" in PROJECT["dynamic"]
    assert PYPROJECT["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "emr_studio_role.__version__"}
    assert re.fullmatch(r"\d+\.\d+\.\d+", emr_studio_role.__version__)


def test_installed_distribution_has_the_package_version():
    assert metadata.version("emr-studio-role") == emr_studio_role.__version__


def test_requires_python_is_the_floor_of_aws_cdk_lib_jsii_and_cdk_nag():
    assert PROJECT["requires-python"] == ">=3.10"
    for dist in ("aws-cdk-lib", "jsii", "constructs", "cdk-nag"):
        assert metadata.metadata(dist)["Requires-Python"].replace("~=", ">=").startswith(">=3.10"), dist


def test_cdk_nag_is_an_extra_not_a_dependency():
    assert not any(Requirement(r).name == "cdk-nag" for r in PROJECT["dependencies"])
    assert [Requirement(r).name for r in PROJECT["optional-dependencies"]["nag"]] == ["cdk-nag"]


def test_every_app_pin_is_within_the_library_ranges():
    pins = _pins("requirements.txt")
    for text in PROJECT["dependencies"] + PROJECT["optional-dependencies"]["nag"]:
        req = Requirement(text)
        (pin,) = req_pin = [p for p in pins[req.name].specifier]
        assert pin.operator == "==", req_pin
        assert req.specifier.contains(pin.version), (text, pin.version)


def test_floors_constraints_are_the_lower_bounds_of_pyproject():
    assert floors.floors() == {"aws-cdk-lib": "2.269.0", "constructs": "10.5.1", "cdk-nag": "3.0.2"}


def test_classifiers_and_license_metadata():
    assert PROJECT["license"] == "Apache-2.0"
    assert PROJECT["license-files"] == ["LICENSE"]
    assert "Apache License" in (ROOT / "LICENSE").read_text()[:200]
    assert "Programming Language :: Python :: 3.10" in PROJECT["classifiers"]
    assert "Framework :: AWS CDK :: 2" in PROJECT["classifiers"]
    for url in PROJECT["urls"].values():
        assert url.startswith("https://") and "<" not in url


def test_package_readme_has_no_relative_links():
    """README.md is the long description on an index, where a relative link leads nowhere."""
    readme = (ROOT / PROJECT["readme"]).read_text()
    relative = [t for t in re.findall(r"\]\(([^)]+)\)", readme) if not t.startswith(("https://", "#"))]
    assert relative == []


def test_package_json_states_the_node_engines_and_the_readme_says_which_node():
    package = json.loads((ROOT / "package.json").read_text())
    assert package["engines"]["node"] == ">=20"
    assert "Node.js 22 or 24" in (ROOT / "README.md").read_text()


def test_the_cli_is_a_dependency_and_the_evaluator_a_dev_dependency():
    package = json.loads((ROOT / "package.json").read_text())
    assert "aws-cdk" in package["dependencies"]
    assert "@cloud-copilot/iam-simulate" in package["devDependencies"]


@pytest.fixture(scope="module")
def without_cdk_nag():
    """One fresh Python in which cdk_nag cannot be imported: it builds and synthesizes the
    construct, then asks for the nag packs (one process for both checks below)."""
    code = (
        "import sys, traceback; sys.modules['cdk_nag'] = None\n"
        "from aws_cdk import App, Stack\n"
        "from aws_cdk import aws_s3 as s3\n"
        "from emr_studio_role import EmrStudioServiceRole\n"
        "app = App(builtin_cloud_formation_validation=False); stack = Stack(app, 'S')\n"
        "bucket = s3.Bucket.from_bucket_name(stack, 'B', 'notebooks-bucket')\n"
        "EmrStudioServiceRole(stack, 'R', bucket=bucket)\n"
        "app.synth(); print('synthesized', flush=True)\n"
        "from emr_studio_role.nag import nag_plugins\n"
        "try:\n"
        "    nag_plugins(App())\n"
        "except BaseException:\n"
        "    print('nag_plugins raised:', flush=True); traceback.print_exc(file=sys.stdout)\n"
        "else:\n"
        "    print('nag_plugins returned', flush=True)\n"
    )
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=300
    )


def test_library_imports_and_synthesizes_without_cdk_nag(without_cdk_nag):
    result = without_cdk_nag
    assert result.returncode == 0, result.stderr[-3000:]
    assert "synthesized" in result.stdout


def test_nag_plugins_without_cdk_nag_says_which_extra_to_install(without_cdk_nag):
    raised = without_cdk_nag.stdout.partition("nag_plugins raised:")[2]
    assert raised and "ImportError" in raised and "emr-studio-role[nag]" in raised, (
        without_cdk_nag.stdout[-3000:] + without_cdk_nag.stderr[-3000:]
    )


# ------------------------------------------------------------ the Makefile

MAKE = shutil.which("make")
needs_make = pytest.mark.skipif(MAKE is None, reason="make not installed")


def _dry_run(target, cwd=ROOT, **env):
    return subprocess.run(
        [MAKE, "-n", "-B", target], cwd=cwd, capture_output=True, text=True, timeout=60,
        env={**os.environ, "PYTHON": sys.executable, **env},
    )


@needs_make
def test_make_synth_installs_only_the_runtime_pins_and_the_cli():
    result = _dry_run("setup-synth")
    assert result.returncode == 0, result.stderr
    commands = result.stdout
    assert "-r requirements.txt" in commands and "--omit=dev" in commands
    for test_only in ("requirements-dev.txt", "checkov", "moto", "pytest"):
        assert test_only not in commands, test_only


@needs_make
def test_make_test_adds_the_test_tools():
    commands = _dry_run("setup").stdout
    assert "-r requirements-dev.txt" in commands and "requirements-checkov.txt" in commands


def _repo_copy(tmp_path):
    for name in ("Makefile", "requirements.txt", "pyproject.toml", "package.json", "package-lock.json"):
        shutil.copy(ROOT / name, tmp_path / name)
    return tmp_path


@needs_make
def test_a_venv_of_an_unsupported_python_is_removed_to_be_rebuilt(tmp_path):
    repo = _repo_copy(tmp_path)
    fake = repo / ".venv" / "bin" / "python"
    fake.parent.mkdir(parents=True)
    fake.write_text("#!/bin/sh\necho 'Python 3.9.18'\nexit 1\n")  # fails the >= 3.10 check
    fake.chmod(0o755)
    result = _dry_run("setup-synth", cwd=repo)
    assert "Python 3.9.18" in result.stdout and "needs Python 3.10+" in result.stdout
    assert not (repo / ".venv").exists()


@needs_make
def test_without_a_supported_python_make_says_how_to_fix_it(tmp_path):
    fake = tmp_path / "python3.9"
    fake.write_text("#!/bin/sh\necho 'Python 3.9.18'\nexit 1\n")
    fake.chmod(0o755)
    result = subprocess.run(
        [MAKE, "check-python", f"PYTHON={fake}"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode != 0
    assert "needs Python 3.10 or later" in result.stdout and "make PYTHON=" in result.stdout


def _fake_pythons(tmp_path):
    """Every name make looks for Python under, on a PATH of their own: each records its call."""
    bin_dir, log = tmp_path / "bin", tmp_path / "pythons.log"
    bin_dir.mkdir()
    for name in ("python3.14", "python3.13", "python3.12", "python3.11", "python3.10", "python3"):
        fake = bin_dir / name
        fake.write_text(f"#!/bin/sh\necho {name} >> {log}\nexec {sys.executable} \"$@\"\n")
        fake.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHON", "MAKEFLAGS", "MAKELEVEL")}
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    return env, log


def _installed_repo(tmp_path):
    """A copy of the build files where every install of `make setup` is done (its stamps are
    newer than their inputs, and .venv's Python passes the version check)."""
    repo = _repo_copy(tmp_path / "repo")
    shutil.copy(ROOT / "requirements-dev.txt", repo / "requirements-dev.txt")
    shutil.copy(ROOT / "requirements-checkov.txt", repo / "requirements-checkov.txt")
    (repo / "tests" / "tools" / "node").mkdir(parents=True)
    for name in ("package.json", "package-lock.json"):
        shutil.copy(ROOT / "tests" / "tools" / "node" / name, repo / "tests" / "tools" / "node" / name)
    python = repo / ".venv" / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.symlink_to(sys.executable)
    for stamp in (".venv/.installed", ".venv/.dev-installed", ".venv-checkov/.installed",
                  "node_modules/.installed", "node_modules/.dev-installed",
                  "tests/tools/node/node_modules/.installed"):
        (repo / stamp).parent.mkdir(parents=True, exist_ok=True)
        (repo / stamp).touch()
    return repo


@needs_make
def test_a_warm_make_setup_does_not_look_for_python(tmp_path):
    """Nothing to install: make does not search PATH for a Python (through pyenv's shims that
    costs about 0.4 s of every `make test`)."""
    (tmp_path / "repo").mkdir()
    repo = _installed_repo(tmp_path)
    env, log = _fake_pythons(tmp_path)
    result = subprocess.run(
        [MAKE, "setup"], cwd=repo, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert not log.exists(), log.read_text()


@needs_make
def test_make_looks_for_python_once_when_a_venv_is_to_be_made(tmp_path):
    (tmp_path / "repo").mkdir()
    repo = _installed_repo(tmp_path)
    (repo / ".venv-checkov" / ".installed").unlink()
    env, log = _fake_pythons(tmp_path)
    result = subprocess.run(
        [MAKE, "-n", "setup"], cwd=repo, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "python3.14 -m venv .venv-checkov" in result.stdout
    assert log.read_text().split() == ["python3.14"]


def test_every_subpackage_is_listed_for_the_wheel():
    """setuptools ships only the packages listed; a subpackage left out would be missing from it."""
    found = sorted(
        ".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "emr_studio_role").rglob("__init__.py")
    )
    assert sorted(PYPROJECT["tool"]["setuptools"]["packages"]) == found
