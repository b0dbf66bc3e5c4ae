"""Every command block of the README runs as written.

The README's ``sh`` blocks are read top to bottom, as a reader would type them into
one terminal in a clone where ``make synth`` has run (``make test`` runs it first).
Each command is either run here, in that order in one bash session (so that
``source .venv/bin/activate`` carries over), or listed in :data:`NOT_RUN_HERE` with
the reason and what covers it instead.  A command that is in neither fails the first
test: a new README command must be classified.
"""

import os
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
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


def test_every_readme_command_is_run_here_or_says_why_not():
    commands = readme_commands()
    assert "source .venv/bin/activate" in commands
    runs = ("source ", "npx cdk ", "python ", "emr-studio-check ")
    unknown = [c for c in commands if _is_quick(c) and not c.startswith(runs)]
    assert unknown == [], f"classify these README commands in NOT_RUN_HERE or run them: {unknown}"
    stale = [c for c in NOT_RUN_HERE if c not in commands]
    assert stale == [], f"no longer in the README: {stale}"


def test_the_quick_readme_commands_run_as_written(tmp_path):
    quick = [c for c in readme_commands() if _is_quick(c)]
    assert "npx cdk synth -c compute=EMR_SERVERLESS" in quick
    assert "python examples/embed_in_stack.py" in quick
    script = "set -euo pipefail\n" + "\n".join(f"echo '+ {c}' >&2\n{c} > /dev/null" for c in quick)
    # A reader's shell: the repository's venv is not on PATH until the README activates it.
    venv_bin = str(ROOT / ".venv" / "bin")
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if p != venv_bin)
    result = subprocess.run(
        ["bash", "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stderr[-4000:]


@pytest.mark.parametrize("command", sorted(NOT_RUN_HERE))
def test_each_command_not_run_here_gives_a_reason(command):
    assert len(NOT_RUN_HERE[command]) > 20
