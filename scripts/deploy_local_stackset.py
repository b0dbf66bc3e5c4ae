#!/usr/bin/env python3
"""``make deploy-local-stackset``: roll the app's StackSet out to a local moto server.

No AWS account is needed.  The script:

1. synthesizes the app with the pinned CDK CLI and the context keys that add the
   StackSet stack (``-c stackSetOrganizationalUnits=... -c stackSetRegions=...``);
2. starts ``moto_server`` on 127.0.0.1 (as ``make deploy-local`` does);
3. creates a StackSet from the synthesized ``AWS::CloudFormation::StackSet``'s
   ``TemplateBody`` and ``Capabilities``, and stack instances in two accounts x the
   StackSet's regions.  The instances are created **self-managed**, account by
   account, so that each is a stack CloudFormation can describe and the read-back
   can resolve; the template each account gets is the one the service-managed
   StackSet deploys (tests/integration also runs it service-managed, with moto's
   Organizations);
4. in each account (moto's STS ``AssumeRole`` into ``arn:aws:iam::<account>:role/any``)
   and region, reads the role back through the IAM API, compares it with the member
   template (every intrinsic resolved against that stack instance), and checks that it
   trusts EMR only for its own account and region;
5. prints one verdict per stack instance and always stops the server.

Every step is bounded: the CLI by a subprocess timeout, each AWS call by connect/read
timeouts and two attempts, the whole run by ``--timeout`` seconds (default 600).

The deploy and check helpers (:func:`stackset_properties`, :func:`create_stackset`,
:func:`account_session`, :func:`check_instance`, :func:`trust_problems`) are also
used by ``tests/integration/test_stackset_local.py``.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script: make `scripts.deploy_local` importable
    sys.path.insert(0, str(ROOT))

from scripts.deploy_local import (  # noqa: E402
    ACCOUNT,
    REGION,
    free_port,
    local_env,
    read_back,
    stack_templates,
    start_moto,
    stop_moto,
)

#: The accounts that get stack instances (moto's default account administers the StackSet).
TARGET_ACCOUNTS: Tuple[str, ...] = ("111111111111", "222222222222")
#: The context the app is synthesized with.
DEFAULT_OUS = "ou-aaaa-11111111,ou-bbbb-22222222"
DEFAULT_REGIONS = "eu-west-1,us-east-1"
STACKSET_TYPE = "AWS::CloudFormation::StackSet"
EMR_PRINCIPAL = "elasticmapreduce.amazonaws.com"


# --------------------------------------------------------------------------- deploy


def stackset_properties(template: Mapping[str, Any]) -> Dict[str, Any]:
    """The properties of the one ``AWS::CloudFormation::StackSet`` in ``template``."""
    found = [r["Properties"] for r in template.get("Resources", {}).values() if r["Type"] == STACKSET_TYPE]
    if len(found) != 1:
        raise ValueError(f"expected one {STACKSET_TYPE} in the template, found {len(found)}")
    return found[0]


def stackset_regions(props: Mapping[str, Any]) -> List[str]:
    return [r for group in props["StackInstancesGroup"] for r in group["Regions"]]


def create_stackset(
    session: Any, props: Mapping[str, Any], accounts: Sequence[str], name: str = "EmrStudioRole"
) -> List[Tuple[str, str]]:
    """Create the StackSet (self-managed) and its instances in ``accounts`` x its regions.

    Returns the ``(account, region)`` pairs CloudFormation lists as instances.
    """
    cfn = session.client("cloudformation")
    cfn.create_stack_set(
        StackSetName=name,
        Description=props.get("Description", ""),
        TemplateBody=props["TemplateBody"],
        Capabilities=list(props["Capabilities"]),
        PermissionModel="SELF_MANAGED",
    )
    cfn.create_stack_instances(StackSetName=name, Accounts=list(accounts), Regions=stackset_regions(props))
    summaries = cfn.list_stack_instances(StackSetName=name)["Summaries"]
    return sorted((s["Account"], s["Region"]) for s in summaries)


def account_session(session: Any, account: str, region: str) -> Any:
    """A boto3 session in ``account`` and ``region``, by STS AssumeRole (moto takes any role)."""
    import boto3

    partition = session.client("sts").get_caller_identity()["Arn"].split(":")[1]
    creds = session.client("sts").assume_role(
        RoleArn=f"arn:{partition}:iam::{account}:role/any", RoleSessionName="stackset-read-back"
    )["Credentials"]
    botocore_session = _bounded_botocore_session()
    return boto3.session.Session(
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
        region_name=region,
        botocore_session=botocore_session,
    )


def _bounded_botocore_session() -> Any:
    """A botocore session whose every client has connect/read timeouts and two attempts.

    Every such session shares one data loader (botocore's service models and endpoint rules,
    read from JSON once per process): a stack instance's read-back opens a session of its own,
    and each new loader parsed the same files again, about 0.1 s of CPU a session."""
    import botocore.session
    from botocore.config import Config

    bs = botocore.session.get_session()
    bs.register_component("data_loader", _shared_loader())
    bs.set_default_client_config(
        Config(connect_timeout=5, read_timeout=60, retries={"max_attempts": 2, "mode": "standard"})
    )
    return bs


@functools.cache
def _shared_loader() -> Any:
    """One botocore data loader for the process (it caches what it has read)."""
    import botocore.loaders

    return botocore.loaders.create_loader()


# --------------------------------------------------------------------------- check


def trust_problems(document: Mapping[str, Any], partition: str, account: str, region: str) -> List[str]:
    """Every way the trust policy ``document`` differs from "EMR, only for this account and region"."""
    statements = document.get("Statement", [])
    statements = statements if isinstance(statements, list) else [statements]
    if len(statements) != 1:
        return [f"trust policy has {len(statements)} statements; expected 1"]
    (statement,) = statements
    problems = []
    principal = statement.get("Principal", {})
    if principal != {"Service": EMR_PRINCIPAL}:
        problems.append(f"trust principal is {principal}; expected only {EMR_PRINCIPAL}")
    condition = statement.get("Condition", {})
    source_account = condition.get("StringEquals", {}).get("aws:SourceAccount")
    if source_account != account:
        problems.append(f"aws:SourceAccount is {source_account!r}; expected {account!r}")
    source_arn = condition.get("ArnLike", {}).get("aws:SourceArn")
    want_arn = f"arn:{partition}:elasticmapreduce:{region}:{account}:*"
    if source_arn != want_arn:
        problems.append(f"aws:SourceArn is {source_arn!r}; expected {want_arn!r}")
    return problems


@dataclass
class InstanceResult:
    """One stack instance, read back in its account and region."""

    account: str
    region: str
    stack_name: str = ""
    role_arn: str = ""
    problems: List[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def verdict(self) -> str:
        where = f"{self.account}/{self.region}"
        if self.ok:
            return (
                f"deploy-local-stackset: OK: {where}: {self.role_arn} matches the member template "
                f"and trusts EMR only for account {self.account} in {self.region}"
            )
        return f"deploy-local-stackset: MISMATCH: {where}: {len(self.problems)} problem(s)"


def check_instance(
    session: Any, account: str, region: str, member_template: Mapping[str, Any]
) -> InstanceResult:
    """Read the stack instance in ``account``/``region`` back and check its role."""
    result = InstanceResult(account=account, region=region)
    local = account_session(session, account, region)
    stacks = [
        s
        for s in local.client("cloudformation").describe_stacks()["Stacks"]
        if s["StackName"].startswith("StackSet")
    ]
    if len(stacks) != 1:
        result.problems.append(f"expected one StackSet stack in {account}/{region}, found {len(stacks)}")
        return result
    (stack,) = stacks
    result.stack_name = stack["StackName"]
    if stack["StackStatus"] != "CREATE_COMPLETE":
        result.problems.append(f"stack {stack['StackName']} is {stack['StackStatus']}")
    back = read_back(local, stack["StackName"], member_template)
    result.role_arn = back.role_arn
    result.problems += back.problems
    role_name = back.role_arn.rsplit("/", 1)[-1]
    if role_name:
        partition = back.role_arn.split(":")[1]
        trust = local.client("iam").get_role(RoleName=role_name)["Role"]["AssumeRolePolicyDocument"]
        result.problems += trust_problems(trust, partition, account, region)
    else:
        result.problems.append("no role ARN read back")
    return result


def distinct_roles_problems(results: Sequence[InstanceResult]) -> List[str]:
    """Two regions of one account must have two roles (a shared name would have collided)."""
    problems = []
    by_account: Dict[str, List[str]] = {}
    for r in results:
        by_account.setdefault(r.account, []).append(r.role_arn)
    for account, arns in sorted(by_account.items()):
        if len(set(arns)) != len(arns):
            problems.append(f"account {account}: regions share a role: {sorted(arns)}")
    return problems


# --------------------------------------------------------------------------- the run


def run_synth(cmd: Sequence[str], env: Mapping[str, str], timeout: int) -> None:
    """Run the CLI in a process group of its own; on failure, timeout or alarm, end the whole group.

    ``npx`` starts node, which starts the app: killing ``npx`` alone would leave them running.
    """
    child = subprocess.Popen(
        list(cmd), cwd=ROOT, env=dict(env), stdin=subprocess.DEVNULL, start_new_session=True
    )
    try:
        returncode = child.wait(timeout=timeout)
    except BaseException:
        _kill_group(child)
        raise
    if returncode != 0:
        raise RuntimeError(f"`{' '.join(cmd)}` failed with exit code {returncode}")


def _kill_group(child: subprocess.Popen) -> None:
    try:
        os.killpg(child.pid, signal.SIGKILL)  # the group this script started, and only it
    except ProcessLookupError:
        pass
    child.wait(timeout=10)


class _Timeout(Exception):
    pass


def _on_alarm(signum: int, frame: Any) -> None:
    raise _Timeout()


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--ous", default=DEFAULT_OUS, help=f"-c stackSetOrganizationalUnits ({DEFAULT_OUS})")
    parser.add_argument("--regions", default=DEFAULT_REGIONS, help=f"-c stackSetRegions ({DEFAULT_REGIONS})")
    parser.add_argument("--timeout", type=int, default=600, help="seconds for the whole run (default 600)")
    parser.add_argument("--keep", action="store_true", help="keep the work directory (assembly, moto log)")
    args = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="emr-studio-stackset-local-"))
    assembly = work / "cdk.out"
    log_path = work / "moto.log"
    proc = None
    ok = False
    stage = "synth"
    started = time.monotonic()
    signal.signal(signal.SIGALRM, _on_alarm)
    signal.alarm(args.timeout)
    try:
        port = free_port()
        env = local_env(port, work)
        # The CLI may ask the endpoint who the caller is: the server runs before the synth.
        proc = start_moto(port, log_path)
        print(f"moto_server: http://localhost:{port} (pid {proc.pid}, log {log_path})", flush=True)
        cmd = [
            "npx", "--no-install", "cdk", "synth", "--quiet", "--no-notices", "-o", str(assembly),
            "-c", f"stackSetOrganizationalUnits={args.ous}", "-c", f"stackSetRegions={args.regions}",
        ]
        print("$ " + " ".join(cmd), flush=True)
        # The app stays environment-agnostic: no CDK_DEFAULT_* from the local environment.
        synth_env = {k: v for k, v in env.items() if not k.startswith("CDK_DEFAULT_")}
        run_synth(cmd, synth_env, timeout=max(30, args.timeout - 60))
        stage = "deploy"
        templates = stack_templates(assembly)
        holders = [name for name, t in templates.items()
                   if any(r["Type"] == STACKSET_TYPE for r in t.get("Resources", {}).values())]
        if len(holders) != 1:
            raise RuntimeError(f"expected one stack holding a StackSet, found {holders}")
        props = stackset_properties(templates[holders[0]])
        member_template = json.loads(props["TemplateBody"])
        groups = props["StackInstancesGroup"]
        ous = [ou for g in groups for ou in g["DeploymentTargets"]["OrganizationalUnitIds"]]
        print(f"{holders[0]}: StackSet {props['StackSetName']} -> OUs {ous} x regions "
              f"{stackset_regions(props)}", flush=True)

        os.environ.update({k: v for k, v in env.items() if k.startswith("AWS_")})
        import boto3

        session = boto3.session.Session(region_name=REGION, botocore_session=_bounded_botocore_session())
        instances = create_stackset(session, props, TARGET_ACCOUNTS)
        print(f"StackSet created by {ACCOUNT} (self-managed): {len(instances)} stack instances", flush=True)
        results = [check_instance(session, account, region, member_template) for account, region in instances]
        shared = distinct_roles_problems(results)
        print()
        for result in results:
            print(result.verdict())
            for problem in result.problems:
                print(f"  - {problem}")
        for problem in shared:
            print(f"deploy-local-stackset: MISMATCH: {problem}")
        expected = len(TARGET_ACCOUNTS) * len(stackset_regions(props))
        if len(results) != expected:
            print(f"deploy-local-stackset: FAILED: {len(results)} stack instances, expected {expected}")
        ok = len(results) == expected and all(r.ok for r in results) and not shared
        print(f"deploy-local-stackset: {'OK' if ok else 'FAILED'}: {len(results)} stack instances checked")
        return 0 if ok else 1
    except _Timeout:
        print(f"\ndeploy-local-stackset: FAILED: not done within {args.timeout} s", file=sys.stderr)
        return 1
    except Exception as error:
        print(f"\ndeploy-local-stackset: FAILED: {error}", file=sys.stderr)
        if stage == "deploy" and log_path.exists():
            tail = log_path.read_text(errors="replace").splitlines()[-20:]
            print("moto_server log (last lines):\n  " + "\n  ".join(tail), file=sys.stderr)
        return 1
    finally:
        signal.alarm(0)
        stop_moto(proc)
        print(f"moto_server stopped ({time.monotonic() - started:.1f} s in all)")
        if args.keep or not ok:
            print(f"work directory kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
