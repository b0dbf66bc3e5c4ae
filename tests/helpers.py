"""Shared builders for the tests: one App per scenario, templates synthesized once."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Mapping, Optional, Sequence, Tuple

from aws_cdk import App, Environment, Stack, Validations
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from aws_cdk.assertions import Template

from emr_studio_role import EmrStudioChecks, EmrStudioServiceRole
from emr_studio_role.nag import nag_plugins
from emr_studio_role.stack import EmrStudioServiceRoleStack, StudioStackConfig

ENV = Environment(account="111122223333", region="eu-west-1")

#: The app's feature flags (cdk.json), so that tests synthesize what `cdk synth` does.
FEATURE_FLAGS: Dict[str, Any] = json.loads(
    (Path(__file__).parents[1] / "cdk.json").read_text()
)["context"]


#: CDK's built-in CloudFormation template validation (``CloudFormation-Validate``: a
#: WebAssembly engine that takes about 2 s to start in each process and about 35 ms per synth)
#: runs where the tests stand for what users synthesize: ``tests/unit/test_cfn_validation.py``
#: synthesizes every main configuration of the app (the role stack's scenarios, the Studio
#: app, the StackSet) with it, once, and ``tests/unit/test_example.py`` runs the examples with
#: their own ``App()``, which runs it.  The README's run of its commands (``tests/readme.py``)
#: and the other tests' apps (``validation=False``, the default here) check the construct,
#: not CloudFormation's view of the template, and skip it: about a third of the suite's CPU
#: time, and the engine's start in every worker.
def cdk_app(
    context: Optional[Mapping[str, Any]] = None,
    *,
    validation: bool = False,
    flags: bool = True,
    **kwargs: Any,
) -> App:
    """An ``App`` with the app's feature flags (``cdk.json``; ``flags=False``: none) and
    ``context``; CDK's built-in template validation only with ``validation=True``."""
    return App(
        context={**(FEATURE_FLAGS if flags else {}), **dict(context or {})},
        builtin_cloud_formation_validation=validation,
        **kwargs,
    )


def context_get(app: App) -> Callable[[str], Any]:
    """``app.node.try_get_context`` for a ``from_context(get)``, from one read of the whole
    context (``get_all_context()``, as ``ContextReader.of`` reads it): not a round trip to the
    jsii runtime for every key."""
    return dict(app.node.get_all_context()).get


def app_stack(
    context: Optional[Mapping[str, Any]] = None,
    *,
    env: Optional[Environment] = None,
    nag: bool = True,
    validation: bool = False,
) -> Tuple[App, EmrStudioServiceRoleStack]:
    """The app's stack, as app.py builds it, from ``context``.

    Without ``env`` the stack's environment comes from the context, as in app.py
    (environment-agnostic unless ``account``/``region`` are given).
    """
    app = cdk_app(context, validation=validation)
    stack = EmrStudioServiceRoleStack(
        app,
        "EmrStudioServiceRoleStack",
        config=StudioStackConfig.from_scope(app),
        **({"env": env} if env is not None else {}),
    )
    if nag:
        Validations.of(app).add_plugins(*nag_plugins(app), EmrStudioChecks())
    return app, stack


#: The Studio app (-c createStudio=true) on an existing VPC and subnets, by ID.
STUDIO_EXISTING_VPC = {
    "vpcId": "vpc-0123456789abcdef0",
    "subnetIds": "subnet-0aaaaaaaaaaaaaaaa,subnet-0bbbbbbbbbbbbbbbb",
    "authMode": "IAM_IDENTITY_CENTER",
}


def studio_app_stack(
    context: Mapping[str, Any], *, validation: bool = False
) -> Tuple[Stack, Template]:
    """The app with -c createStudio=true (EmrStudioStack), as app.py builds it, synthesized with
    the four cdk-nag packs and EmrStudioChecks (raises on any unacknowledged finding); with
    CDK's built-in template validation when ``validation=True``."""
    from emr_studio_role.studio_stack import EmrStudioStack, StudioAppConfig

    app = cdk_app(context, validation=validation)
    stack = EmrStudioStack(
        app, "EmrStudioStack", config=StudioAppConfig.from_context(context_get(app))
    )
    Validations.of(app).add_plugins(*nag_plugins(app), EmrStudioChecks())
    app.synth()
    return stack, Template.from_stack(stack)


def role_stack(
    configure: Optional[Callable[[Stack], Dict[str, Any]]] = None,
    *,
    env: Optional[Environment] = None,
    **props: Any,
) -> Tuple[Stack, EmrStudioServiceRole]:
    """A bare stack holding one EmrStudioServiceRole on an imported bucket.

    ``configure(stack)`` may return more props built in the stack (keys, VPCs, ...).
    """
    app = cdk_app()
    stack = Stack(app, "TestStack", env=env)
    if "bucket" not in props:
        props["bucket"] = s3.Bucket.from_bucket_name(stack, "Bucket", "notebooks-bucket")
    if configure is not None:
        props.update(configure(stack))
    role = EmrStudioServiceRole(stack, "StudioServiceRole", **props)
    return stack, role


def template_of(stack: Stack) -> Template:
    return Template.from_stack(stack)


def resources(template: Template, type_: str) -> Dict[str, Dict[str, Any]]:
    return template.find_resources(type_)


def policy_statements(template: Template) -> List[Dict[str, Any]]:
    """Every statement of every AWS::IAM::ManagedPolicy in the template, in order."""
    out: List[Dict[str, Any]] = []
    for _, res in sorted(resources(template, "AWS::IAM::ManagedPolicy").items()):
        out.extend(res["Properties"]["PolicyDocument"]["Statement"])
    return out


def statements_by_sid(template: Template) -> Dict[str, Dict[str, Any]]:
    return {s["Sid"]: s for s in policy_statements(template) if "Sid" in s}


def as_list(value: Any) -> List[Any]:
    return value if isinstance(value, list) else [value]


def actions_of(template: Template) -> List[str]:
    return sorted({a for s in policy_statements(template) for a in as_list(s["Action"])})


def render(value: Any) -> str:
    """A CloudFormation value with intrinsics as text: Ref -> ${X}, GetAtt -> ${X.Y}, Join concatenated."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        if "Ref" in value:
            return "${" + value["Ref"] + "}"
        if "Fn::GetAtt" in value:
            return "${" + ".".join(value["Fn::GetAtt"]) + "}"
        if "Fn::Join" in value:
            sep, parts = value["Fn::Join"]
            return sep.join(render(p) for p in parts)
    return json.dumps(value, sort_keys=True)


def rendered_resources(statement: Mapping[str, Any]) -> List[str]:
    return [render(r) for r in as_list(statement["Resource"])]


def walk(node: Any) -> Iterator[Any]:
    yield node
    if isinstance(node, dict):
        for v in node.values():
            yield from walk(v)
    elif isinstance(node, list):
        for v in node:
            yield from walk(v)


def imported_key(stack: Stack, id: str, key_id: str = "1234abcd-12ab-34cd-56ef-1234567890ab") -> kms.IKey:
    return kms.Key.from_key_arn(stack, id, f"arn:aws:kms:eu-west-1:111122223333:key/{key_id}")


#: checkov, in its own venv (it pins a boto3 that conflicts with moto's).
CHECKOV = Path(__file__).parents[1] / ".venv-checkov" / "bin" / "checkov"


def checkov_run(template_dir: Path) -> Tuple[Dict[str, Tuple[List[Dict[str, Any]], int]], str]:
    """Run checkov once, offline, on every CloudFormation template in ``template_dir``:
    ``({file name: (failed checks, number passed)}, raw output)``.

    checkov takes about 2.5 s to start and little per template: run it once over all the
    templates that tests check (``tests/conftest.py``: ``checkov_report``)."""
    import os
    import subprocess

    assert CHECKOV.exists(), "make setup installs checkov in .venv-checkov"
    env = {
        **os.environ, "BC_SKIP_MAPPING": "TRUE", "CHECKOV_RUN_SCA_PACKAGE_SCAN_V2": "false",
        # checkov's own setting for its parallel runner (default: a fork per CPU core): one
        # process. The same checks and results; on this run's 8 small templates the forks
        # only added about 0.5 CPU-s, taken from the other worker on a busy 2-core machine.
        "CHECKOV_PARALLELIZATION_TYPE": "none",
    }
    result = subprocess.run(
        [str(CHECKOV), "-d", str(template_dir), "--framework", "cloudformation",
         "--skip-download", "--compact", "-o", "json"],  # not --quiet: it drops the passed checks
        capture_output=True, text=True, env=env,
    )
    report = json.loads(result.stdout)
    reports = report if isinstance(report, list) else [report]
    by_file: Dict[str, Tuple[List[Dict[str, Any]], int]] = {
        p.name: ([], 0) for p in template_dir.glob("*.template.json")
    }
    for r in reports:
        results = r.get("results", {})
        for check in results.get("failed_checks", []):
            by_file[Path(check["file_path"]).name][0].append(check)
        for check in results.get("passed_checks", []):
            failed, passed = by_file[Path(check["file_path"]).name]
            by_file[Path(check["file_path"]).name] = (failed, passed + 1)
    return by_file, result.stdout


def checkov_results(template_dir: Path) -> Tuple[List[Dict[str, Any]], int, str]:
    """Run checkov on the CloudFormation templates in ``template_dir``, offline:
    ``(failed checks, number passed, raw output)``."""
    by_file, output = checkov_run(template_dir)
    failed = [c for f, _ in by_file.values() for c in f]
    return failed, sum(p for _, p in by_file.values()), output


def cfn_lint(files: Sequence[Path], *options: str) -> List[str]:
    """What ``cfn-lint <options> -- <files>`` reports (nothing: its exit code is 0), run in this
    process: cfn-lint's import and start-up (about 1 s) are paid once per process, not per run."""
    return [str(m) for m in _cfn_lint_matches(files, *options)]


def cfn_lint_findings(files: Sequence[Path], *options: str) -> List[Dict[str, Any]]:
    """:func:`cfn_lint`'s findings as ``cfn-lint --format json`` prints them (``Rule.Id``,
    ``Message``, ``Location.Path`` ...), run in this process."""
    from cfnlint.formatters import JsonFormatter

    encode = JsonFormatter.CustomEncoder().default
    return [encode(m) for m in _cfn_lint_matches(files, *options)]


#: cfn-lint's rule collections, by the options that choose them (``--append-rules``,
#: ``--custom-rules``): a ``Runner`` loads every rule module again (about 0.3 s), and one
#: collection serves any number of templates (cfn-lint's own runs share it between files).
_CFN_LINT_RULES: Dict[Tuple[Any, ...], Any] = {}


def _cfn_lint_matches(files: Sequence[Path], *options: str) -> List[Any]:
    from cfnlint.config import ConfigMixIn
    from cfnlint.runner import Runner

    class SharedRulesRunner(Runner):
        def _get_rules(self) -> None:
            key = (tuple(self.config.append_rules), str(self.config.custom_rules))
            if key not in _CFN_LINT_RULES:
                super()._get_rules()
                _CFN_LINT_RULES[key] = self.rules
            self.rules = _CFN_LINT_RULES[key]

    return list(SharedRulesRunner(ConfigMixIn([*options, "--", *map(str, files)])).run())


@contextlib.contextmanager
def offline_aws(region: str) -> Iterator[Any]:
    """An empty in-process AWS (moto), with dummy credentials only: every ``AWS_*`` variable of
    the caller's environment is removed for the duration."""
    import os

    import boto3
    import pytest
    from moto import mock_aws

    with pytest.MonkeyPatch.context() as mp:
        for name in list(os.environ):
            if name.startswith("AWS_"):
                mp.delenv(name)
        mp.setenv("AWS_ACCESS_KEY_ID", "testing")
        mp.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        mp.setenv("AWS_SESSION_TOKEN", "testing")
        mp.setenv("AWS_DEFAULT_REGION", region)
        with mock_aws():
            yield boto3.session.Session(region_name=region)


#: The IAM evaluator (``@cloud-copilot/iam-simulate``, test-only), driven by one Node process.
SIMULATE = Path(__file__).resolve().parent / "tools" / "simulate.mjs"

#: The Node LTS pinned for the suite's own Node processes (``tests/tools/node/package.json``),
#: where ``make setup`` installs it.
PINNED_NODE = Path(__file__).resolve().parent / "tools" / "node" / "node_modules" / ".bin" / "node"


def suite_node() -> str:
    """The Node that the suite's tools run on (the IAM evaluator; the jsii runtimes go through
    ``tests/tools/node-single-threaded``, which makes the same choice): the pinned LTS where
    ``make setup`` installed it for this platform, else the Node on ``PATH``."""
    import shutil

    if PINNED_NODE.exists():
        return str(PINNED_NODE)
    node = shutil.which("node")
    assert node, "node is required (make setup installs node_modules for it)"
    return node


#: The request fields that hold a policy document, and the one that holds a list of them.
_POLICY_FIELDS = ("resourcePolicy", "sessionPolicy")
_POLICY_LIST_FIELD = "identityPolicies"


def _evaluator_input(batch: Sequence[Mapping[str, Any]]) -> Dict[str, Any]:
    """``batch`` as ``simulate.mjs`` reads it: each distinct policy document once, in
    ``"policies"``, and each request naming its policies by their index there.  A batch's
    requests share a few policies (the same role's, thousands of times): sent once, each is
    serialized, parsed and validated once."""
    policies: List[Any] = []
    by_id: Dict[int, int] = {}  # the batch's own objects, alive while this runs
    by_text: Dict[str, int] = {}

    def index(policy: Any) -> int:
        found = by_id.get(id(policy))
        if found is None:
            text = json.dumps(policy, sort_keys=True)
            found = by_text.setdefault(text, len(policies))
            if found == len(policies):
                policies.append(policy)
            by_id[id(policy)] = found
        return found

    requests = []
    for request in batch:
        sent = dict(request)
        if _POLICY_LIST_FIELD in sent:
            sent[_POLICY_LIST_FIELD] = [index(p) for p in sent[_POLICY_LIST_FIELD]]
        for field in _POLICY_FIELDS:
            if sent.get(field) is not None:
                sent[field] = index(sent[field])
        requests.append(sent)
    return {"policies": policies, "requests": requests}


def simulate(batch: Sequence[Mapping[str, Any]]) -> List[Dict[str, Any]]:
    """The evaluator's verdicts for ``batch`` (``tests/tools/simulate.mjs`` says what a request
    holds; here each policy is a document), in order, from one Node process."""
    import subprocess

    node = suite_node()
    root = SIMULATE.parents[2]
    assert (root / "node_modules" / "@cloud-copilot" / "iam-simulate").is_dir(), (
        "node_modules/@cloud-copilot/iam-simulate is missing: run `make setup` (npm ci)"
    )
    done = subprocess.run(
        [node, str(SIMULATE)], input=json.dumps(_evaluator_input(batch)), capture_output=True,
        text=True, cwd=root, timeout=300, check=False,
    )
    assert done.returncode == 0, f"simulate.mjs failed ({done.returncode}):\n{done.stderr}"
    results = json.loads(done.stdout)
    assert len(results) == len(batch)
    return results

