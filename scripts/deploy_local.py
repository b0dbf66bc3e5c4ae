#!/usr/bin/env python3
"""``make deploy-local``: deploy the app with the pinned CDK CLI to a local moto server.

No AWS account is needed.  The script:

1. starts ``moto_server`` (from the venv) on 127.0.0.1, on a free port;
2. synthesizes the app once into a temporary cloud assembly, then runs the pinned
   CLI against the emulator: ``cdk bootstrap`` and ``cdk deploy --require-approval
   never`` (both ``--no-notices``, both ``--app <assembly>`` so the app is not
   synthesized three times), with ``AWS_ENDPOINT_URL=http://localhost:PORT`` and
   dummy credentials.  Each CLI step has a timeout (``--step-timeout``, default
   300 s): on expiry its whole process group is killed and the run fails.  A stack
   with a custom resource (Lambda: ``-c tagImportedResources=true``) is refused
   after synth, before anything is deployed, because moto runs Lambda only in
   Docker and CloudFormation would wait for it without end.  ``-c account=`` of another
   account than moto's and ``-c createStudio=true`` are refused up front
   (:func:`check_context`); ``-c region=`` deploys in that region;
3. reads the deployed role back through the IAM API (trust policy, attached managed
   policies, inline policies, path) and compares it with the synthesized template,
   every CloudFormation intrinsic resolved against the deployed values;
4. prints the role ARN and a one-line verdict, and always stops the server.

moto 5 does not apply updates to IAM resources and cannot delete a role that has a
policy attached, so every run starts a fresh, empty server: there is nothing to
update or delete.  See docs/deploy-local.md.

The read-back and comparison helpers (:class:`Resolver`, :func:`expected_role`,
:func:`deployed_role`, :func:`compare_roles`, :func:`read_back`) are also used by
``tests/integration``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = ROOT / ".venv" / "bin"

#: moto's default account, and the region the local deploy uses.
ACCOUNT = "123456789012"
REGION = "us-east-1"

_PSEUDO_DEFAULTS = {"AWS::URLSuffix": "amazonaws.com", "AWS::NoValue": None}


# --------------------------------------------------------------------------- intrinsics


class UnresolvableError(ValueError):
    """An intrinsic function or reference the resolver does not know."""


class Resolver:
    """Resolves the CloudFormation intrinsics of a template value to plain JSON.

    ``pseudo`` maps pseudo parameters (``AWS::AccountId``, ``AWS::Region``,
    ``AWS::Partition``, ...) to values; ``ref(logical_id)`` gives a resource's
    ``Ref`` value and ``get_att(logical_id, attribute)`` its ``Fn::GetAtt``.
    Supported: ``Ref``, ``Fn::GetAtt``, ``Fn::Join``, ``Fn::Sub``, ``Fn::Select``,
    ``Fn::Split``.  Anything else raises :class:`UnresolvableError`, so that a
    template the comparison does not understand fails loudly instead of passing.
    """

    def __init__(
        self,
        pseudo: Mapping[str, Any],
        ref: Callable[[str], Any],
        get_att: Callable[[str, str], Any],
    ) -> None:
        self.pseudo = {**_PSEUDO_DEFAULTS, **pseudo}
        self._ref = ref
        self._get_att = get_att

    def ref(self, name: str) -> Any:
        if name in self.pseudo:
            return self.pseudo[name]
        return self._ref(name)

    def __call__(self, value: Any) -> Any:
        if isinstance(value, list):
            return [self(v) for v in value]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            ((fn, arg),) = value.items()
            if fn == "Ref":
                return self.ref(arg)
            if fn == "Fn::GetAtt":
                logical, attr = arg.split(".", 1) if isinstance(arg, str) else arg
                return self._get_att(logical, self(attr))
            if fn == "Fn::Join":
                sep, parts = arg
                return self(sep).join(str(self(p)) for p in self(parts))
            if fn == "Fn::Select":
                index, items = arg
                return self(items)[int(self(index))]
            if fn == "Fn::Split":
                sep, text = arg
                return str(self(text)).split(self(sep))
            if fn == "Fn::Sub":
                return self._sub(arg)
            if fn.startswith("Fn::") or fn == "Condition":
                raise UnresolvableError(f"intrinsic {fn} is not supported: {value!r}")
        return {k: self(v) for k, v in value.items()}

    def _sub(self, arg: Any) -> str:
        text, variables = (arg, {}) if isinstance(arg, str) else (arg[0], arg[1])
        out, i = [], 0
        while i < len(text):
            start = text.find("${", i)
            if start < 0:
                out.append(text[i:])
                break
            out.append(text[i:start])
            end = text.index("}", start)
            name = text[start + 2 : end]
            if name.startswith("!"):
                out.append("${" + name[1:] + "}")
            elif name in variables:
                out.append(str(self(variables[name])))
            elif "." in name and name.split(".", 1)[0] not in self.pseudo:
                logical, attr = name.split(".", 1)
                out.append(str(self._get_att(logical, attr)))
            else:
                out.append(str(self.ref(name)))
            i = end + 1
        return "".join(out)


# --------------------------------------------------------------------------- policies


def _as_sorted_list(value: Any) -> Any:
    values = value if isinstance(value, list) else [value]
    return sorted(values, key=lambda v: json.dumps(v, sort_keys=True))


def normalize_policy(document: Any) -> Dict[str, Any]:
    """A policy document in a canonical form: IAM's equivalences removed.

    Single values and one-element lists compare alike, and the order of actions,
    resources, principals, condition values and statements does not matter.
    """
    if isinstance(document, str):
        document = json.loads(document)
    statements = document.get("Statement", [])
    if isinstance(statements, dict):
        statements = [statements]
    canonical = []
    for statement in statements:
        out: Dict[str, Any] = {}
        for key, value in statement.items():
            if key in ("Action", "NotAction", "Resource", "NotResource"):
                value = _as_sorted_list(value)
            elif key in ("Principal", "NotPrincipal") and isinstance(value, dict):
                value = {k: _as_sorted_list(v) for k, v in sorted(value.items())}
            elif key == "Condition":
                value = {
                    op: {k: _as_sorted_list(v) for k, v in sorted(keys.items())}
                    for op, keys in sorted(value.items())
                }
            out[key] = value
        canonical.append(out)
    return {
        "Version": document.get("Version"),
        "Statement": sorted(canonical, key=lambda s: json.dumps(s, sort_keys=True)),
    }


@dataclass
class RoleView:
    """What matters of a role: its trust, its policies by ARN or name, its path."""

    trust: Dict[str, Any]
    managed: Dict[str, Dict[str, Any]] = field(default_factory=dict)
    inline: Dict[str, Dict[str, Any]] = field(default_factory=dict)
    path: str = "/"
    permissions_boundary: Optional[str] = None
    arn: Optional[str] = None


def studio_role_id(template: Mapping[str, Any]) -> str:
    """The logical ID of the EMR Studio service role in a template.

    The stack's ``RoleArn`` output names it; without outputs, the one
    ``AWS::IAM::Role`` whose logical ID starts with ``StudioServiceRole``.
    """
    output = (template.get("Outputs") or {}).get("RoleArn", {}).get("Value")
    if isinstance(output, dict) and "Fn::GetAtt" in output:
        att = output["Fn::GetAtt"]
        return att.split(".", 1)[0] if isinstance(att, str) else att[0]
    roles = [
        lid
        for lid, res in template.get("Resources", {}).items()
        if res.get("Type") == "AWS::IAM::Role" and lid.startswith("StudioServiceRole")
    ]
    if len(roles) != 1:
        raise ValueError(f"expected one StudioServiceRole* AWS::IAM::Role, found {roles}")
    return roles[0]


def _refers_to(value: Any, logical_id: str) -> bool:
    return value == {"Ref": logical_id}


def expected_role(template: Mapping[str, Any], resolve: Resolver, role_id: str) -> RoleView:
    """The role ``role_id`` as the template defines it, resolved with ``resolve``."""
    resources = template["Resources"]
    props = resources[role_id].get("Properties", {})
    view = RoleView(
        trust=normalize_policy(resolve(props["AssumeRolePolicyDocument"])),
        path=props.get("Path", "/"),
        permissions_boundary=resolve(props.get("PermissionsBoundary")),
    )
    for arn in resolve(props.get("ManagedPolicyArns", [])):
        view.managed[arn] = {}
    for inline in props.get("Policies", []):
        view.inline[resolve(inline["PolicyName"])] = normalize_policy(resolve(inline["PolicyDocument"]))
    for lid, res in resources.items():
        rprops = res.get("Properties", {})
        roles = rprops.get("Roles", [])
        if not any(_refers_to(r, role_id) for r in roles):
            continue
        if res["Type"] == "AWS::IAM::ManagedPolicy":
            view.managed[resolve.ref(lid)] = normalize_policy(resolve(rprops["PolicyDocument"]))
        elif res["Type"] == "AWS::IAM::Policy":
            view.inline[resolve(rprops["PolicyName"])] = normalize_policy(resolve(rprops["PolicyDocument"]))
    return view


def deployed_role(iam: Any, role_name: str) -> RoleView:
    """The role ``role_name`` as the IAM API returns it."""
    role = iam.get_role(RoleName=role_name)["Role"]
    view = RoleView(
        trust=normalize_policy(role["AssumeRolePolicyDocument"]),
        path=role.get("Path", "/"),
        permissions_boundary=(role.get("PermissionsBoundary") or {}).get("PermissionsBoundaryArn"),
        arn=role["Arn"],
    )
    for page in iam.get_paginator("list_attached_role_policies").paginate(RoleName=role_name):
        for attached in page["AttachedPolicies"]:
            arn = attached["PolicyArn"]
            policy = iam.get_policy(PolicyArn=arn)["Policy"]
            version = iam.get_policy_version(PolicyArn=arn, VersionId=policy["DefaultVersionId"])[
                "PolicyVersion"
            ]
            view.managed[arn] = normalize_policy(version["Document"])
    for page in iam.get_paginator("list_role_policies").paginate(RoleName=role_name):
        for name in page["PolicyNames"]:
            doc = iam.get_role_policy(RoleName=role_name, PolicyName=name)["PolicyDocument"]
            view.inline[name] = normalize_policy(doc)
    return view


def compare_roles(expected: RoleView, actual: RoleView) -> List[str]:
    """Every difference between the template's role and the deployed one (empty: equal)."""
    problems: List[str] = []
    if expected.trust != actual.trust:
        problems.append(
            f"trust policy differs:\n  template: {json.dumps(expected.trust, sort_keys=True)}"
            f"\n  deployed: {json.dumps(actual.trust, sort_keys=True)}"
        )
    if expected.path != actual.path:
        problems.append(f"path differs: template {expected.path!r}, deployed {actual.path!r}")
    if expected.permissions_boundary != actual.permissions_boundary:
        problems.append(
            f"permissions boundary differs: template {expected.permissions_boundary!r}, "
            f"deployed {actual.permissions_boundary!r}"
        )
    for kind, want, got in (
        ("managed policy", expected.managed, actual.managed),
        ("inline policy", expected.inline, actual.inline),
    ):
        for name in sorted(set(want) - set(got)):
            problems.append(f"{kind} {name} is in the template but not attached to the role")
        for name in sorted(set(got) - set(want)):
            problems.append(f"{kind} {name} is attached to the role but not in the template")
        for name in sorted(set(want) & set(got)):
            # An empty expected document is a policy named by ARN only (ManagedPolicyArns).
            if want[name] and want[name] != got[name]:
                problems.append(
                    f"{kind} {name} differs:\n  template: {json.dumps(want[name], sort_keys=True)}"
                    f"\n  deployed: {json.dumps(got[name], sort_keys=True)}"
                )
    return problems


# --------------------------------------------------------------------------- read-back


def deployed_resolver(session: Any, stack_name: str) -> Resolver:
    """A :class:`Resolver` whose values are those of the deployed stack ``stack_name``."""
    cfn = session.client("cloudformation")
    stack = cfn.describe_stacks(StackName=stack_name)["Stacks"][0]
    _, partition, _, region, account, _ = stack["StackId"].split(":", 5)
    physical: Dict[str, str] = {}
    types: Dict[str, str] = {}
    for page in cfn.get_paginator("list_stack_resources").paginate(StackName=stack_name):
        for res in page["StackResourceSummaries"]:
            physical[res["LogicalResourceId"]] = res.get("PhysicalResourceId", "")
            types[res["LogicalResourceId"]] = res["ResourceType"]

    def ref(logical_id: str) -> str:
        if logical_id not in physical:
            raise UnresolvableError(f"Ref {logical_id}: no such resource in stack {stack_name}")
        return physical[logical_id]

    def get_att(logical_id: str, attribute: str) -> str:
        type_, pid = types.get(logical_id), ref(logical_id)
        if attribute == "Arn":
            if type_ == "AWS::S3::Bucket":
                return f"arn:{partition}:s3:::{pid}"
            if type_ == "AWS::KMS::Key":
                # ListKeys, not DescribeKey: moto 5 stores the KeyPolicy of a key made by
                # CloudFormation as a dict, and its DescribeKey then fails to parse it.
                kms = session.client("kms")
                for page in kms.get_paginator("list_keys").paginate():
                    for key in page["Keys"]:
                        if key["KeyId"] == pid:
                            return key["KeyArn"]
                raise UnresolvableError(f"Fn::GetAtt {logical_id}.Arn: no KMS key {pid}")
            if type_ == "AWS::IAM::Role":
                return session.client("iam").get_role(RoleName=pid)["Role"]["Arn"]
            if type_ == "AWS::IAM::ManagedPolicy":
                return pid
        raise UnresolvableError(f"Fn::GetAtt {logical_id}.{attribute} ({type_}) is not supported")

    pseudo = {
        "AWS::AccountId": account,
        "AWS::Region": region,
        "AWS::Partition": partition,
        "AWS::StackName": stack_name,
        "AWS::StackId": stack["StackId"],
    }
    return Resolver(pseudo, ref, get_att)


@dataclass
class ReadBack:
    """The outcome of reading a deployed stack's role back and comparing it."""

    stack_name: str
    role_arn: str
    managed_policies: int
    inline_policies: int
    problems: List[str]

    @property
    def ok(self) -> bool:
        return not self.problems

    def verdict(self) -> str:
        if self.ok:
            return (
                f"deploy-local: OK: {self.stack_name}: the deployed role's trust policy and its "
                f"{self.managed_policies} managed / {self.inline_policies} inline policies "
                "match the synthesized template"
            )
        return (
            f"deploy-local: MISMATCH: {self.stack_name}: {len(self.problems)} difference(s) "
            "between the deployed role and the synthesized template"
        )


def read_back(session: Any, stack_name: str, template: Mapping[str, Any]) -> ReadBack:
    """Read the deployed Studio role of ``stack_name`` and compare it with ``template``."""
    resolve = deployed_resolver(session, stack_name)
    role_id = studio_role_id(template)
    want = expected_role(template, resolve, role_id)
    got = deployed_role(session.client("iam"), resolve.ref(role_id))
    return ReadBack(
        stack_name=stack_name,
        role_arn=got.arn or "",
        managed_policies=len(got.managed),
        inline_policies=len(got.inline),
        problems=compare_roles(want, got),
    )


# --------------------------------------------------------------------------- the run


#: Default timeout of one CLI step, in seconds (a normal run takes 2 to 10 s per step).
STEP_TIMEOUT = 300.0


class TimedSession:
    """A boto3 session whose clients give up: 5 s to connect, 60 s to read, 2 attempts."""

    def __init__(self, session: Any) -> None:
        from botocore.config import Config

        self._session = session
        self._config = Config(connect_timeout=5, read_timeout=60, retries={"max_attempts": 2})

    def client(self, name: str) -> Any:
        return self._session.client(name, config=self._config)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_moto(port: int, log_path: Path) -> subprocess.Popen:
    """``moto_server`` on 127.0.0.1:``port``, its output in ``log_path``; waits until it answers."""
    server = VENV_BIN / "moto_server"
    if not server.exists():
        raise SystemExit(f"{server} not found: run `make setup` first")
    with open(log_path, "wb") as log:  # the server keeps its own copy of the descriptor
        proc = subprocess.Popen(
            [str(server), "-H", "127.0.0.1", "-p", str(port)],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"moto_server exited with {proc.returncode}; see {log_path}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/moto-api/", timeout=1):
                return proc
        except (urllib.error.URLError, OSError):
            time.sleep(0.2)
    stop_moto(proc)
    raise RuntimeError(f"moto_server did not answer on port {port} within 30 s; see {log_path}")


def stop_moto(proc: Optional[subprocess.Popen]) -> None:
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


def local_env(port: int, home: Path, region: str = REGION) -> Dict[str, str]:
    """The environment of the CLI and of boto3: the emulator, dummy credentials, the venv first."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    empty = home / "empty-aws-config"
    empty.write_text("")
    env.update(
        {
            "AWS_ENDPOINT_URL": f"http://localhost:{port}",
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_SESSION_TOKEN": "testing",
            "AWS_REGION": region,
            "AWS_DEFAULT_REGION": region,
            # Nothing from the user's ~/.aws may redirect the run to a real account.
            "AWS_CONFIG_FILE": str(empty),
            "AWS_SHARED_CREDENTIALS_FILE": str(empty),
            "AWS_EC2_METADATA_DISABLED": "true",
            "CDK_DISABLE_CLI_TELEMETRY": "true",
            "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20",
            "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        }
    )
    return env


class StepTimeout(RuntimeError):
    """A CLI step ran past its timeout; its process group was killed."""


def cdk(args: Sequence[str], env: Mapping[str, str], timeout: float) -> None:
    """Run the pinned CDK CLI (``npx --no-install cdk``) in the repo; raise on failure or timeout."""
    run_step(["npx", "--no-install", "cdk", *args, "--no-notices"], env, timeout)


def run_step(cmd: Sequence[str], env: Mapping[str, str], timeout: float) -> None:
    """Run ``cmd`` in the repo, printing it and its time; raise on failure, :class:`StepTimeout` on timeout.

    The command runs in a process group of its own, so that on timeout the whole group
    (npx, node, the app's python) is killed, not only its first process.
    """
    print("$ " + " ".join(cmd) + f"   (timeout {timeout:g} s)", flush=True)
    started = time.monotonic()
    proc = subprocess.Popen(
        list(cmd), cwd=ROOT, env=dict(env), stdin=subprocess.DEVNULL, start_new_session=True
    )
    try:
        returncode = proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(proc)
        raise StepTimeout(
            f"`{' '.join(cmd)}` did not finish within {timeout:g} s and was stopped "
            "(raise it with --step-timeout)"
        ) from None
    except BaseException:  # Ctrl-C: never leave the step running
        _kill_group(proc)
        raise
    print(f"  ({time.monotonic() - started:.1f} s, exit {returncode})", flush=True)
    if returncode != 0:
        raise RuntimeError(f"`{' '.join(cmd)}` failed with exit code {returncode}")


def _kill_group(proc: subprocess.Popen) -> None:
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=10)
            return
        except subprocess.TimeoutExpired:
            continue


#: Resource types whose deployment runs AWS Lambda code.  moto runs Lambda only in Docker,
#: so a stack holding one would wait for a custom resource that never answers.
LAMBDA_TYPES = ("AWS::Lambda::Function", "AWS::CloudFormation::CustomResource")


def custom_resources(template: Mapping[str, Any]) -> List[str]:
    """Each resource of ``template`` that needs Lambda at deploy time, as ``LogicalId (Type, path)``."""
    found = []
    for logical_id, resource in template.get("Resources", {}).items():
        type_ = resource.get("Type", "")
        if type_ in LAMBDA_TYPES or type_.startswith("Custom::"):
            path = resource.get("Metadata", {}).get("aws:cdk:path", "")
            found.append(f"{logical_id} ({type_}{', ' + path if path else ''})")
    return found


#: Why this app holds a custom resource, and how to deploy without it locally, by cause.
_CAUSES = {
    "restrictDefaultSecurityGroup": (
        "CDK's restrictDefaultSecurityGroup custom resource (the feature flag "
        "@aws-cdk/aws-ec2:restrictDefaultSecurityGroup in cdk.json), which removes every rule of "
        "the default security group of the VPC that the Studio stack creates (-c createStudio=true "
        "without -c vpcId). The app keeps it on purpose: the Studio never uses the default group, "
        "and a default group without rules is what AWS Security Hub (EC2.2) and CIS ask for. "
        "Use a VPC without it locally (restrict_default_security_group=False), or check the "
        "template with `npx cdk synth` and make test instead."
    ),
    "tagImportedResources": (
        "-c tagImportedResources=true: a custom resource tags the imported subnets, security "
        "groups, VPCs and secrets at deploy time. Deploy without it locally; "
        "tests/unit/test_imported.py checks that part of the template."
    ),
    "other": "a custom resource this script does not know; deploy without it locally.",
}


def _cause(logical_id: str, type_: str, path: str) -> str:
    """Which of :data:`_CAUSES` made a custom resource (by type, logical ID or construct path)."""
    if type_ == "Custom::VpcRestrictDefaultSG" or "VpcRestrictDefaultSG" in logical_id + path:
        return "restrictDefaultSecurityGroup"
    singleton = "AWS679f53fac002430cb0da5b7982bd2287"  # AwsCustomResource's provider function
    if type_ == "Custom::AWS" or singleton in logical_id + path or "TagImportedResources" in path:
        return "tagImportedResources"
    return "other"


def refuse_custom_resources(templates: Mapping[str, Mapping[str, Any]]) -> Optional[str]:
    """The message refusing the deploy when any stack has a custom resource, else ``None``.

    It names each such resource and, for each cause, what makes it and how to deploy
    without it.
    """
    lines: List[str] = []
    causes: Dict[str, None] = {}
    for stack_name, template in templates.items():
        found = custom_resources(template)
        if found:
            lines.append(f"  {stack_name}:")
            lines += [f"    - {item}" for item in found]
        for logical_id, resource in template.get("Resources", {}).items():
            type_ = resource.get("Type", "")
            if type_ in LAMBDA_TYPES or type_.startswith("Custom::"):
                path = resource.get("Metadata", {}).get("aws:cdk:path", "")
                causes[_cause(logical_id, type_, path)] = None
    if not lines:
        return None
    return "\n".join(
        [
            "deploy-local: REFUSED: the app holds custom resources, which run AWS Lambda code at "
            "deploy time:",
            *lines,
            "The local emulator (moto) runs Lambda functions only in Docker, so CloudFormation would "
            "wait for them without end. Nothing was deployed.",
            *(f"Here the custom resource comes from {_CAUSES[c]}" for c in causes),
        ]
    )


def check_context(context: Sequence[str]) -> Tuple[Optional[str], str]:
    """``(refusal or None, region)`` for the ``-c key=value`` arguments of a local deploy,
    decided up front, before any server or CLI starts.

    * ``account``: the local deploy bootstraps and deploys into moto's account
      (:data:`ACCOUNT`); another account binds the stacks to an environment the run cannot
      bootstrap (CDK then fails on the missing bootstrap version parameter): refused.
    * ``region``: taken; the run bootstraps and deploys in that region.
    * ``createStudio``: moto does not emulate ``AWS::EMR::Studio`` (its CreateStack fails on
      the Studio's attributes, and the Studio stack's own VPC holds CDK's
      restrictDefaultSecurityGroup custom resource): refused, with what to run instead.
    """
    values: Dict[str, str] = {}
    for item in context:
        key, sep, value = item.partition("=")
        if sep:
            values[key.strip()] = value.strip()
    region = values.get("region") or REGION
    if values.get("createStudio", "").lower() == "true":
        return (
            "deploy-local: REFUSED: -c createStudio=true: the local emulator (moto) does not "
            "emulate AWS::EMR::Studio (CreateStack fails on the Studio's StudioId and Url), and the "
            "Studio stack's own VPC holds CDK's restrictDefaultSecurityGroup custom resource, whose "
            "Lambda moto runs only in Docker. Check the Studio stack with `npx cdk synth -c "
            "createStudio=true` (cdk-nag and EmrStudioChecks) and `make test` (cfn-lint and "
            "checkov, tests/unit/test_studio_app.py); deploy-local deploys the role stack. "
            "Nothing was deployed.",
            region,
        )
    account = values.get("account")
    if account is not None and account != ACCOUNT:
        return (
            f"deploy-local: REFUSED: -c account={account} binds the stacks to account {account}, "
            f"but the local emulator is account {ACCOUNT}, the only one this run bootstraps "
            "(CDK would look for that account's bootstrap stack and fail). Leave -c account out "
            f"(the template is environment-agnostic) or pass -c account={ACCOUNT}. Nothing was "
            "deployed.",
            region,
        )
    return None, region


def stack_templates(assembly: Path) -> Dict[str, Dict[str, Any]]:
    """The CloudFormation stacks of a cloud assembly: stack name -> template."""
    manifest = json.loads((assembly / "manifest.json").read_text())
    out = {}
    for artifact_id, artifact in manifest.get("artifacts", {}).items():
        if artifact.get("type") == "aws:cloudformation:stack":
            props = artifact["properties"]
            name = props.get("stackName") or artifact.get("displayName") or artifact_id
            out[name] = json.loads((assembly / props["templateFile"]).read_text())
    return out


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "-c",
        "--context",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="CDK context for the app, as for `cdk -c` (e.g. -c compute=EMR_SERVERLESS)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the work directory (assembly, moto log)")
    parser.add_argument(
        "--step-timeout",
        type=float,
        default=STEP_TIMEOUT,
        metavar="SECONDS",
        help=f"stop a CLI step (synth, bootstrap, deploy) after this long (default {STEP_TIMEOUT:.0f})",
    )
    args = parser.parse_args(argv)

    refusal, region = check_context(args.context)
    if refusal is not None:
        print(refusal, file=sys.stderr)
        return 2
    work = Path(tempfile.mkdtemp(prefix="emr-studio-deploy-local-"))
    assembly = work / "cdk.out"
    log_path = work / "moto.log"
    context = [a for kv in args.context for a in ("-c", kv)]
    proc: Optional[subprocess.Popen] = None
    ok = False
    started = time.monotonic()
    try:
        port = free_port()
        proc = start_moto(port, log_path)
        print(f"moto_server: http://localhost:{port} (pid {proc.pid}, log {log_path})", flush=True)
        env = local_env(port, work, region)
        # Synthesize once; bootstrap and deploy then read the assembly (--app <dir>).
        cdk(["synth", "--quiet", "-o", str(assembly), *context], env, args.step_timeout)
        refusal = refuse_custom_resources(stack_templates(assembly))
        if refusal is not None:
            print(refusal, file=sys.stderr)
            return 2
        cdk(["bootstrap", "--app", str(assembly), f"aws://{ACCOUNT}/{region}"], env, args.step_timeout)
        # --method=direct: CreateStack instead of a change set.  moto does not fill in a
        # stack's Outputs when it executes a change set; with CreateStack it does.
        cdk(
            [
                "deploy",
                "--app",
                str(assembly),
                "--all",
                "--require-approval",
                "never",
                "--method=direct",
                "--progress",
                "events",
            ],
            env,
            args.step_timeout,
        )

        import boto3  # the venv's; imported late so that --help works anywhere

        session = TimedSession(
            boto3.session.Session(
                aws_access_key_id="testing",
                aws_secret_access_key="testing",
                aws_session_token="testing",
                region_name=region,
            )
        )
        os.environ["AWS_ENDPOINT_URL"] = env["AWS_ENDPOINT_URL"]
        results = []
        for stack_name, template in stack_templates(assembly).items():
            result = read_back(session, stack_name, template)
            outputs = (
                session.client("cloudformation")
                .describe_stacks(StackName=stack_name)["Stacks"][0]
                .get("Outputs")
                or []
            )
            output_arn = next((o["OutputValue"] for o in outputs if o["OutputKey"] == "RoleArn"), None)
            if output_arn is not None and output_arn != result.role_arn:
                result.problems.append(
                    f"stack output RoleArn {output_arn} is not the role read back ({result.role_arn})"
                )
            results.append(result)
            print(f"\n{stack_name}")
            print(f"  role ARN: {result.role_arn}")
            print(f"  output RoleArn: {output_arn or '(none)'}")
            for problem in result.problems:
                print(f"  - {problem}")
        ok = bool(results) and all(r.ok for r in results)
        print()
        for result in results:
            print(result.verdict())
        if not results:
            print("deploy-local: FAILED: the assembly holds no stack")
        return 0 if ok else 1
    except Exception as error:
        print(f"\ndeploy-local: FAILED: {error}", file=sys.stderr)
        if log_path.exists():
            tail = log_path.read_text(errors="replace").splitlines()[-20:]
            print("moto_server log (last lines):\n  " + "\n  ".join(tail), file=sys.stderr)
        return 1
    finally:
        stop_moto(proc)
        print(f"moto_server stopped ({time.monotonic() - started:.1f} s in all)")
        if args.keep or not ok:
            print(f"work directory kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
