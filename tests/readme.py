"""The README's shell commands: which ones the suite runs as written, and a run of them.

``tests/unit/test_readme_commands.py`` checks the classification and that the run passes;
``tests/conftest.py``'s ``cli_synth`` fixture runs the quick commands once per session, so
that every test that needs a real CLI synth reads the same ``cdk.out``.
"""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Mapping

ROOT = Path(__file__).parents[1]
README = ROOT / "README.md"

_DEPLOY_LOCAL = (
    "a moto server and three CLI runs, about 25 s; tests/integration/test_deploy_local.py "
    "deploys and reads back the same templates in process"
)
_PIP = "installs into the active environment; `make floors` installs the package from the clone the same way"

_SAME_CLI = (
    "the same CLI path (the venv activated, npx, app.py) as `npx cdk synth -c compute=EMR_SERVERLESS`, "
    "which is run here; a CLI synth with the cdk-nag packs takes 10 to 15 s, and these keys' values are "
    "tested through the same config reader in tests/unit/test_app.py"
)

#: Commands that are not run by this test, and why.
NOT_RUN_HERE = {
    "make synth": "the first run installs; `make test` (which runs this suite) made the same setup, "
    "and the fresh-clone check runs it",
    "make test": "this suite itself: it would run itself again",
    "pip install .": _PIP,
    'pip install ".[nag]"': _PIP,
    'pip install ".[yaml]"': _PIP,
    "make deploy-local": _DEPLOY_LOCAL,
    'make deploy-local DEPLOY_LOCAL_ARGS="-c compute=EMR_SERVERLESS"': _DEPLOY_LOCAL,
    "npx cdk synth -c bucketName=my-notebooks -c kmsKeyArn=arn:aws:kms:eu-west-1:111122223333:key/"
    "1234abcd-12ab-34cd-56ef-1234567890ab": _SAME_CLI,
    "npx cdk synth -c compute=EMR_SERVERLESS -c account=111122223333 -c region=eu-west-1": _SAME_CLI,
    "npx cdk synth -c gitSecretAccess=USER_ROLE -c userRoleArn=arn:aws:iam::111122223333:role/EMRStudioUser":
    _SAME_CLI,
    "npx cdk synth -c createStudio=true": _SAME_CLI.replace(
        "tests/unit/test_app.py", "tests/unit/test_studio_app.py (the Studio stack, nag-clean)"
    ),
    "npx cdk synth -c stackSetOrganizationalUnits=ou-aaaa-11111111,ou-bbbb-22222222 "
    "-c stackSetRegions=eu-west-1,us-east-1": _SAME_CLI.replace(
        "tests/unit/test_app.py", "tests/unit/test_stackset.py (the StackSet stack, nag-clean)"
    ),
    "make deploy-local-stackset": "a moto server, four stack instances, about 30 s; "
    "tests/integration/test_stackset_local.py deploys the same member template in process",
}


def readme_commands():
    """The README's ``sh`` block lines, in order (blank lines and comments left out)."""
    blocks = re.findall(r"```sh\n(.*?)```", README.read_text(), re.S)
    return [
        line.strip()
        for block in blocks
        for line in block.splitlines()
        if line.strip() and not line.strip().startswith("#")
    ]


def _is_quick(command):
    return command not in NOT_RUN_HERE



def quick_commands() -> List[str]:
    """The README commands that are run here, in the README's order."""
    return [c for c in readme_commands() if _is_quick(c)]


@dataclass
class ReadmeRun:
    """One run of :func:`quick_commands` in one bash session."""

    commands: List[str]
    returncode: int
    stderr: str
    #: Where ``npx cdk synth`` wrote the cloud assembly (the run's own folder, not the clone's).
    cdk_out: Path


#: The environment variable that turns CDK's built-in template validation off (aws-cdk-lib's
#: ``App``: ``builtin_cloud_formation_validation``'s default reads it).
VALIDATION_ENV = "CDK_VALIDATION"


def reader_env(environ: Mapping[str, str]) -> Dict[str, str]:
    """The environment the README's commands run in, made from the test process's ``environ``."""
    # A reader's shell: the repository's venv is not on PATH until the README activates it.
    venv_bin = str(ROOT / ".venv" / "bin")
    env = {k: v for k, v in environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if p != venv_bin)
    # CDK's built-in template validation (CDK_VALIDATION) is off for this run only: it would
    # start its engine in each of the three app processes (about 4 CPU-s each, two thirds of the
    # run) to validate templates that the suite validates in process already, with the same
    # engine, as an ``App()`` does by default: tests/unit/test_example.py runs both examples
    # (runpy, their own ``App()``), tests/unit/test_cfn_validation.py runs app.py's
    # ``compute=EMR_SERVERLESS`` (and every other main configuration); and
    # test_cfn_validation's canary shows that an ``App()`` in the test process validates.
    env[VALIDATION_ENV] = "false"
    # A reader's Node, not the suite's single-threaded one (tests/conftest.py).
    if env.get("JSII_NODE", "").endswith("node-single-threaded"):
        del env["JSII_NODE"]
    return env


def run_quick_commands(workdir: Path) -> ReadmeRun:
    """Run the quick commands as written, in order, in one bash session, in a view of the clone.

    ``workdir`` becomes the clone as a reader sees it: a symbolic link to every top-level entry
    of the repository except ``cdk.out``, so that the commands find the same files (``.venv``,
    ``node_modules``, ``cdk.json``, ``app.py``, ``examples``) while ``npx cdk synth`` writes its
    ``cdk.out`` into ``workdir``: no test writes into the clone, and parallel runs do not share
    an output folder."""
    for entry in ROOT.iterdir():
        if entry.name != "cdk.out":
            (workdir / entry.name).symlink_to(entry)
    quick = quick_commands()
    script = "set -euo pipefail\n" + "\n".join(f"echo '+ {c}' >&2\n{c} > /dev/null" for c in quick)
    result = subprocess.run(
        ["bash", "-c", script], cwd=workdir, env=reader_env(os.environ), capture_output=True,
        text=True, timeout=600,
    )
    return ReadmeRun(quick, result.returncode, result.stderr, workdir / "cdk.out")
