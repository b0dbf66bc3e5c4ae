"""Every command block of the README runs as written.

The README's ``sh`` blocks are read top to bottom, as a reader would type them into
one terminal in a clone where ``make synth`` has run (``make test`` runs it first).
Each command is either run here, in that order in one bash session (so that
``source .venv/bin/activate`` carries over), or listed in ``NOT_RUN_HERE``
(``tests/readme.py``) with the reason and what covers it instead.  A command that is in
neither fails the first test: a new README command must be classified.

The run is the session fixture ``cli_synth`` (``tests/conftest.py``): once per session, in a
folder of its own, and shared with every test that needs a real CLI synth.  It runs in a
reader's environment (``tests.readme.reader_env``) with one difference: CDK's built-in
template validation is off (``CDK_VALIDATION=false``), because the suite runs it in process on
the same templates (the examples in ``tests/unit/test_example.py``, app.py's configurations in
``tests/unit/test_cfn_validation.py``).
"""

import json

import pytest

from tests.readme import NOT_RUN_HERE, _is_quick, readme_commands


def test_every_readme_command_is_run_here_or_says_why_not():
    commands = readme_commands()
    assert "source .venv/bin/activate" in commands
    runs = ("source ", "npx cdk ", "python ", "emr-studio-check ")
    unknown = [c for c in commands if _is_quick(c) and not c.startswith(runs)]
    assert unknown == [], f"classify these README commands in NOT_RUN_HERE or run them: {unknown}"
    stale = [c for c in NOT_RUN_HERE if c not in commands]
    assert stale == [], f"no longer in the README: {stale}"


def test_the_quick_readme_commands_run_as_written(cli_synth):
    quick = cli_synth.commands
    assert "npx cdk synth -c compute=EMR_SERVERLESS" in quick
    assert "python examples/embed_in_stack.py" in quick
    assert cli_synth.returncode == 0, cli_synth.stderr[-4000:]


def test_the_readme_cli_synth_builds_the_serverless_role_the_suite_tests(cli_synth, serverless_template):
    """`npx cdk synth -c compute=EMR_SERVERLESS`, run as written, gives the same IAM resources
    (same logical IDs, same properties) as the in-process ``serverless`` session template."""
    assert cli_synth.returncode == 0, cli_synth.stderr[-4000:]
    cli = json.loads((cli_synth.cdk_out / "EmrStudioServiceRoleStack.template.json").read_text())

    def iam(template):
        return {
            logical_id: resource["Properties"]
            for logical_id, resource in template["Resources"].items()
            if resource["Type"].startswith("AWS::IAM::")
        }

    assert iam(cli) and iam(cli) == iam(serverless_template.to_json())


@pytest.mark.parametrize("command", sorted(NOT_RUN_HERE))
def test_each_command_not_run_here_gives_a_reason(command):
    assert len(NOT_RUN_HERE[command]) > 20


def test_the_readme_commands_run_with_a_readers_node_and_path_without_cdk_validation():
    from tests.conftest import SINGLE_THREADED_NODE
    from tests.readme import ROOT, reader_env

    venv_bin = str(ROOT / ".venv" / "bin")
    env = reader_env({
        "PATH": f"{venv_bin}:/usr/bin", "VIRTUAL_ENV": "x", "HOME": "/h",
        "JSII_NODE": str(SINGLE_THREADED_NODE),
    })
    assert env == {"PATH": "/usr/bin", "HOME": "/h", "CDK_VALIDATION": "false"}
    assert reader_env({"JSII_NODE": "/opt/node"})["JSII_NODE"] == "/opt/node"  # the reader's own
