#!/usr/bin/env python3
"""Synth benchmark: N ``EmrStudioServiceRole`` constructs against N bare IAM roles.

Usage (``make bench`` runs the first form and rewrites ``docs/benchmarks.md``)::

    .venv/bin/python benchmarks/synth_bench.py --write docs/benchmarks.md
    .venv/bin/python benchmarks/synth_bench.py --sizes 1 50 --runs 3     # print only
    make bench BENCH_ARGS="--sizes 1 50 --runs 3"

What is measured, for N in {1, 10, 50, 100}:

* **A, the construct**: one stack holding N ``EmrStudioServiceRole``; each on its
  own imported bucket (``s3.Bucket.from_bucket_name``) with the prefix ``studio/``.
* **B, the baseline (the floor)**: one stack holding N bare ``iam.Role``, each with an
  ``iam.ManagedPolicy`` whose document is ``iam.PolicyDocument.from_json`` of the
  page's step-2 policy (``tests/fixtures/aws_page_policies.json``).

Every sample is a fresh Python process (so the jsii kernel and Node start cold in
both cases alike).  Samples alternate A B A B ... in one invocation, ``--runs``
pairs per N.  In each sample the worker times **construct + ``app.synth()``**
(wall clock, the figure the goal is about), the CPU time of that same phase
(Python plus the Node processes of the jsii runtime, read from ``/proc``; CPU
time is much less disturbed by other work on a shared machine), and the whole
process's wall time as seen from here (interpreter start and imports included).
We report medians and the ratio of medians (A / B).

Round trips from Python to the jsii runtime are counted by wrapping the jsii
``Kernel`` methods ``create``, ``get``, ``set``, ``sget``, ``sset``, ``invoke``,
``sinvoke`` and ``sync_complete`` (the answer to a callback from Node into
Python, e.g. a validation written in Python).  They are deterministic, so one
count per sample is exact.

The policy-size report (skipped with ``--no-size-report``) measures the default
role's policy against IAM's 6,144 characters, the number of managed policies that
10, 60 and 120 storage locations take, and the most locations that fit in 10.
"""

from __future__ import annotations

import argparse
import collections
import datetime
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Dict, List, Optional

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
os.environ.setdefault("CDK_DISABLE_CLI_TELEMETRY", "true")
FIXTURE = ROOT / "tests" / "fixtures" / "aws_page_policies.json"
SIZES = (1, 10, 50, 100)
GOAL = 1.10
GOAL_SIZES = (1, 50)
#: Round trips per role at N=50 (the construct alone, without the benchmark's bucket import).
TRIPS_GOAL = 8
KINDS = ("construct", "baseline")
#: EmrStudio against the same resources written by hand around CfnStudio.
STUDIO_SIZES = (1, 10)
STUDIO_KINDS = ("studio", "studio_baseline")
#: The N of the analysis without CDK's built-in template validation.
ANALYSIS_N = 50
COUNTED = ("create", "get", "set", "sget", "sset", "invoke", "sinvoke", "sync_complete")

# The part of docs/benchmarks.md that is measured by hand (``time make test``) and kept
# when the benchmark rewrites the file.
KEEP_BEGIN = "<!-- kept-by-bench:begin -->"
KEEP_END = "<!-- kept-by-bench:end -->"


# --------------------------------------------------------------------------- worker


def _env() -> Dict[str, str]:
    env = dict(os.environ)
    env.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
    env.setdefault("CDK_DISABLE_CLI_TELEMETRY", "true")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


def _install_counters() -> collections.Counter:
    """Count every Python -> jsii round trip, by kernel method."""
    import jsii
    from jsii._kernel import Kernel

    counts: collections.Counter = collections.Counter()
    for name in COUNTED:
        original = getattr(Kernel, name)

        def counted(self: Any, *args: Any, _original: Any = original, _name: str = name, **kw: Any):
            counts[_name] += 1
            return _original(self, *args, **kw)

        setattr(Kernel, name, counted)
        # jsii's module-level shortcuts (jsii.invoke, ...) are bound methods of the
        # kernel, taken at import time: rebind them to the counted ones.
        if hasattr(jsii, name):
            setattr(jsii, name, getattr(jsii.kernel, name))
    return counts


def _proc_cpu_seconds(pid: int) -> float:
    """utime + stime of ``pid`` and, recursively, of its live children."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    total = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        for child in task.read_text().split():
            total += _proc_cpu_seconds(int(child))
    return total


def _node_pid() -> Optional[int]:
    import jsii

    try:
        return jsii.kernel.provider._process._process.pid  # type: ignore[attr-defined]
    except AttributeError:  # pragma: no cover - another jsii layout
        return None


def _cpu_now(node_pid: Optional[int]) -> float:
    return time.process_time() + (_proc_cpu_seconds(node_pid) if node_pid else 0.0)


def _studio_by_hand(stack: Any, i: int, vpc: Any, subnets: Any, bucket: Any, page_policy: Any) -> None:
    """What one ``EmrStudio`` (IAM mode, defaults) creates, written by hand: the page's two
    security groups and their rules, a role trusting EMR with the page's policy (from the
    page's JSON), and the ``CfnStudio``."""
    from aws_cdk import aws_ec2 as ec2
    from aws_cdk import aws_emr as emr
    from aws_cdk import aws_iam as iam

    workspace = ec2.SecurityGroup(stack, f"Workspace{i}", vpc=vpc, allow_all_outbound=False)
    workspace.add_egress_rule(ec2.Peer.any_ipv4(), ec2.Port.tcp(443), "Git")
    engine = ec2.SecurityGroup(stack, f"Engine{i}", vpc=vpc, allow_all_outbound=False)
    engine.add_ingress_rule(workspace, ec2.Port.tcp(18888), "Workspaces")
    workspace.add_egress_rule(engine, ec2.Port.tcp(18888), "Engine")
    role = iam.Role(stack, f"Role{i}", assumed_by=iam.ServicePrincipal("elasticmapreduce.amazonaws.com"))
    iam.ManagedPolicy(
        stack, f"Policy{i}", document=iam.PolicyDocument.from_json(page_policy), roles=[role]
    )
    emr.CfnStudio(
        stack,
        f"Studio{i}",
        name=f"studio-{i}",
        auth_mode="IAM",
        vpc_id=vpc.vpc_id,
        subnet_ids=[s.subnet_id for s in subnets],
        engine_security_group_id=engine.security_group_id,
        workspace_security_group_id=workspace.security_group_id,
        default_s3_location=f"s3://{bucket.bucket_name}/studio/",
        service_role=role.role_arn,
    )


def worker(kind: str, n: int) -> Dict[str, Any]:
    """Build and synthesize one stack; return timings, round trips and template size."""
    from aws_cdk import App, Stack
    from aws_cdk import aws_ec2 as ec2
    from aws_cdk import aws_iam as iam
    from aws_cdk import aws_s3 as s3

    from emr_studio_role import EmrStudio, EmrStudioServiceRole

    page_policy = json.loads(FIXTURE.read_text())["studio_policy"]
    counts = _install_counters()
    node_pid = _node_pid()
    bucket_trips = 0

    with tempfile.TemporaryDirectory(prefix="bench-cdk-out-") as outdir:
        cpu0 = _cpu_now(node_pid)
        t0 = time.perf_counter()
        app = App(outdir=outdir)
        stack = Stack(app, "Bench")
        if kind in STUDIO_KINDS:
            # One imported VPC and two subnets, shared by every Studio (each has its bucket).
            vpc = ec2.Vpc.from_vpc_attributes(
                stack, "Vpc", vpc_id="vpc-0123456789abcdef0", availability_zones=["a", "b"]
            )
            subnets = [
                ec2.Subnet.from_subnet_id(stack, f"Subnet{j}", f"subnet-0{j}23456789abcdef0")
                for j in range(2)
            ]
        for i in range(n):
            if kind == "construct":
                before = sum(counts.values())
                bucket = s3.Bucket.from_bucket_name(stack, f"Bucket{i}", f"notebooks-{i}")
                bucket_trips += sum(counts.values()) - before
                EmrStudioServiceRole(stack, f"Studio{i}", bucket=bucket, prefix="studio/")
            elif kind == "baseline":
                role = iam.Role(
                    stack,
                    f"Role{i}",
                    assumed_by=iam.ServicePrincipal("elasticmapreduce.amazonaws.com"),
                )
                iam.ManagedPolicy(
                    stack,
                    f"Policy{i}",
                    document=iam.PolicyDocument.from_json(page_policy),
                    roles=[role],
                )
            else:
                bucket = s3.Bucket.from_bucket_name(stack, f"Bucket{i}", f"notebooks-{i}")
                if kind == "studio":
                    EmrStudio(stack, f"Studio{i}", vpc=vpc, subnets=subnets, bucket=bucket,
                              prefix="studio/", name=f"studio-{i}")
                else:
                    _studio_by_hand(stack, i, vpc, subnets, bucket, page_policy)
        t1 = time.perf_counter()
        cpu_built = _cpu_now(node_pid)
        built = dict(counts)
        assembly = app.synth()
        t2 = time.perf_counter()
        cpu1 = _cpu_now(node_pid)
        template = assembly.get_stack_by_name("Bench").template
    synthed = {k: counts[k] - built.get(k, 0) for k in counts}
    return {
        "kind": kind,
        "n": n,
        "construct_s": t1 - t0,
        "synth_s": t2 - t1,
        "total_s": t2 - t0,
        "cpu_s": cpu1 - cpu0,
        "construct_cpu_s": cpu_built - cpu0,
        "synth_cpu_s": cpu1 - cpu_built,
        "trips_construct": built,
        "trips_synth": synthed,
        "trips": sum(built.values()) + sum(synthed.values()),
        "trips_bucket": bucket_trips,
        "template_chars": len(json.dumps(template, separators=(",", ":"))),
        "resources": len(template.get("Resources", {})),
    }


# --------------------------------------------------------------------------- harness


def run_sample(kind: str, n: int, extra_env: Optional[Dict[str, str]] = None) -> Dict[str, Any]:
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--worker", kind, str(n)],
        cwd=ROOT,
        env={**_env(), **(extra_env or {})},
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"worker {kind} N={n} failed:\n{proc.stderr[-4000:]}")
    line = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")][-1]
    sample = json.loads(line)
    sample["process_s"] = wall
    return sample


def _loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "n/a"


def _pairs(
    sizes: List[int], runs: int, kinds: tuple, log: Any, extra_env: Optional[Dict[str, str]] = None
) -> Dict[int, Dict[str, List[Dict[str, Any]]]]:
    results: Dict[int, Dict[str, List[Dict[str, Any]]]] = {}
    for n in sizes:
        results[n] = {k: [] for k in kinds}
        for r in range(runs):
            for kind in kinds:  # A B A B ...
                s = run_sample(kind, n, extra_env)
                results[n][kind].append(s)
                print(
                    f"N={n:<3} run {r + 1}/{runs} {kind:<15}{' (no CDK validation)' if extra_env else ''} "
                    f"construct+synth {s['total_s']:6.2f}s "
                    f"cpu {s['cpu_s']:6.2f}s process {s['process_s']:6.2f}s trips {s['trips']}",
                    file=log,
                    flush=True,
                )
    return results


def bench(
    sizes: List[int], runs: int, log: Any = sys.stderr, studio_sizes: Optional[List[int]] = None
) -> Dict[str, Any]:
    load_before = _loadavg()
    started = time.perf_counter()
    results = _pairs(sizes, runs, KINDS, log)
    studio = _pairs(list(STUDIO_SIZES if studio_sizes is None else studio_sizes), runs, STUDIO_KINDS, log)
    # The same A/B pairs at N=50 without CDK's built-in template validation (CDK_VALIDATION=false):
    # how much of each side's synth is that validation, which reads the whole template.
    unvalidated = _pairs(
        [n for n in sizes if n == ANALYSIS_N], runs, KINDS, log, extra_env={"CDK_VALIDATION": "false"}
    )
    return {
        "results": results,
        "studio": studio,
        "unvalidated": unvalidated,
        "runs": runs,
        "load_before": load_before,
        "load_after": _loadavg(),
        "elapsed_s": time.perf_counter() - started,
    }


def _median(samples: List[Dict[str, Any]], key: str) -> float:
    return statistics.median(s[key] for s in samples)


def summarize(data: Dict[str, Any], key: str = "results", kinds: tuple = KINDS) -> List[Dict[str, Any]]:
    rows = []
    for n, by_kind in data[key].items():
        a, b = by_kind[kinds[0]], by_kind[kinds[1]]
        row: Dict[str, Any] = {"n": n}
        for key in ("total_s", "construct_s", "synth_s", "cpu_s", "construct_cpu_s",
                    "synth_cpu_s", "process_s"):
            row[f"a_{key}"] = _median(a, key)
            row[f"b_{key}"] = _median(b, key)
            row[f"ratio_{key}"] = row[f"a_{key}"] / row[f"b_{key}"]
        row["a_trips"], row["b_trips"] = a[0]["trips"], b[0]["trips"]
        row["a_trips_bucket"] = a[0].get("trips_bucket", 0)
        row["a_trips_construct"], row["a_trips_synth"] = a[0]["trips_construct"], a[0]["trips_synth"]
        row["b_trips_construct"], row["b_trips_synth"] = b[0]["trips_construct"], b[0]["trips_synth"]
        row["a_template"], row["b_template"] = a[0]["template_chars"], b[0]["template_chars"]
        row["a_spread"] = (min(s["total_s"] for s in a), max(s["total_s"] for s in a))
        row["b_spread"] = (min(s["total_s"] for s in b), max(s["total_s"] for s in b))
        rows.append(row)
    return rows


# --------------------------------------------------------------------------- sizes


def _concrete(node: Any, values: Dict[str, str]) -> Any:
    """Resolve Ref / Fn::GetAtt / Fn::Join of a CloudFormation value with ``values``."""
    if isinstance(node, list):
        return [_concrete(v, values) for v in node]
    if isinstance(node, dict):
        if set(node) == {"Ref"}:
            return values[node["Ref"]]
        if set(node) == {"Fn::GetAtt"}:
            return values[".".join(node["Fn::GetAtt"])]
        if set(node) == {"Fn::Join"}:
            sep, parts = node["Fn::Join"]
            return sep.join(_concrete(p, values) for p in parts)
        return {k: _concrete(v, values) for k, v in node.items()}
    return node


def size_report() -> Dict[str, Any]:
    """The default role's policy size, and how many policies many storage locations take."""
    from aws_cdk import App, Environment, Stack
    from aws_cdk import aws_kms as kms
    from aws_cdk import aws_s3 as s3

    from emr_studio_role import EmrStudioRoleValidationError, EmrStudioServiceRole
    from emr_studio_role.limits import (
        MANAGED_POLICIES_PER_ROLE,
        MANAGED_POLICY_MAX_CHARS,
        document_length,
    )
    from emr_studio_role.stack import EmrStudioServiceRoleStack

    account, region = "111122223333", "eu-west-1"
    env = Environment(account=account, region=region)
    out: Dict[str, Any] = {"limit": MANAGED_POLICY_MAX_CHARS, "quota": MANAGED_POLICIES_PER_ROLE}

    def policies_of(stack: Stack, role: EmrStudioServiceRole, values: Dict[str, str]):
        tpl = App.of(stack).synth().get_stack_by_name(stack.stack_name).template
        docs = []
        for bound, policy in zip(role.policy_size_bounds, role.policies):  # the construct's estimate
            logical = stack.get_logical_id(policy.node.default_child)
            doc = tpl["Resources"][logical]["Properties"]["PolicyDocument"]
            docs.append(
                {
                    "id": policy.node.id,
                    "chars": document_length(_concrete(doc, values)),
                    "bound": bound,
                    "statements": len(doc["Statement"]),
                }
            )
        return docs

    pseudo = {"AWS::Partition": "aws", "AWS::Region": region, "AWS::AccountId": account,
              "AWS::URLSuffix": "amazonaws.com"}

    # 1. The app's default stack (its own key and bucket), concrete env.  The bucket's
    #    and key's ARNs are deploy-time values: counted at their longest (a 63-character
    #    bucket name, a 36-character key ID).
    app = App(outdir=tempfile.mkdtemp(prefix="bench-size-"))
    stack = EmrStudioServiceRoleStack(app, "EmrStudioServiceRoleStack", env=env)
    values = dict(pseudo)
    tpl = app.synth().get_stack_by_name(stack.stack_name).template
    for logical, res in tpl["Resources"].items():
        if res["Type"] == "AWS::S3::Bucket":
            values[f"{logical}.Arn"] = "arn:aws:s3:::" + "b" * 63
        if res["Type"] == "AWS::KMS::Key":
            values[f"{logical}.Arn"] = f"arn:aws:kms:{region}:{account}:key/" + "k" * 36
    out["default_app"] = policies_of(stack, stack.studio_role, values)

    # 2. The construct with its defaults on an imported bucket (all values concrete).
    app = App(outdir=tempfile.mkdtemp(prefix="bench-size-"))
    stack = Stack(app, "SizeDefault", env=env)
    bucket = s3.Bucket.from_bucket_name(stack, "Bucket", "notebooks-bucket")
    role = EmrStudioServiceRole(stack, "Studio", bucket=bucket, prefix="studio/")
    out["default_imported"] = policies_of(stack, role, pseudo)

    # 3. Many storage locations: each its own bucket, prefix and key.
    def many(count: int, measure: bool = True) -> Dict[str, Any]:
        app = App(outdir=tempfile.mkdtemp(prefix="bench-size-"))
        stack = Stack(app, f"Size{count}", env=env)

        def location(i: int):
            bucket = s3.Bucket.from_bucket_name(stack, f"B{i}", f"studio-notebooks-bucket-{i:04d}")
            key = kms.Key.from_key_arn(
                stack, f"K{i}",
                f"arn:aws:kms:{region}:{account}:key/{i:08d}-1111-2222-3333-444455556666",
            )
            return bucket, f"teams/team-{i:04d}/studio/", key

        try:
            b0, p0, k0 = location(0)
            role = EmrStudioServiceRole(stack, "Studio", bucket=b0, prefix=p0, encryption_key=k0)
            for i in range(1, count):
                b, p, k = location(i)
                role.add_storage_location(b, prefix=p, encryption_key=k)
        except EmrStudioRoleValidationError as err:
            return {"error": str(err)}
        return {"policies": policies_of(stack, role, pseudo)} if measure else {}

    out["locations"] = {count: many(count) for count in (10, 60, 120)}

    # The first count the construct refuses (more than the quota of managed policies).
    low, high = 120, 240
    while "error" not in many(high, measure=False):
        low, high = high, high * 2
    while high - low > 1:
        mid = (low + high) // 2
        low, high = (mid, high) if "error" not in many(mid, measure=False) else (low, mid)
    out["most_locations"] = {
        "fits": low, "refused": high, "at_fit": many(low), "error": many(high, measure=False),
    }
    return out


# --------------------------------------------------------------------------- report


def machine() -> Dict[str, str]:
    cpu = "unknown"
    try:
        m = re.search(r"^model name\s*:\s*(.+)$", Path("/proc/cpuinfo").read_text(), re.M)
        cpu = m.group(1).strip() if m else cpu
    except OSError:
        pass

    def version(cmd: List[str]) -> str:
        try:
            return subprocess.run(cmd, capture_output=True, text=True).stdout.strip()
        except OSError:
            return "n/a"

    from importlib.metadata import version as pkg_version

    return {
        "nproc": str(os.cpu_count()),
        "cpu": cpu,
        "python": platform.python_version(),
        "node": version(["node", "--version"]),
        "aws-cdk-lib": pkg_version("aws-cdk-lib"),
        "jsii": pkg_version("jsii"),
        "cdk-nag": pkg_version("cdk-nag"),
        "kernel": platform.release(),
    }


def _trips(d: Dict[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in sorted(d.items()) if v)


def render(
    data: Dict[str, Any],
    rows: List[Dict[str, Any]],
    sizes: Optional[Dict[str, Any]],
    mach: Dict[str, str],
    kept: str,
    studio_rows: Optional[List[Dict[str, Any]]] = None,
) -> str:
    when = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench` (`benchmarks/synth_bench.py`). Do not edit by hand, except the",
        "section at the end (between the `kept-by-bench` markers), which the benchmark keeps.",
        "",
        "## Machine",
        "",
        f"- measured: {when}; {data['runs']} A/B pairs per N, {data['elapsed_s']:.0f} s in all",
        f"- CPUs (`nproc`): {mach['nproc']}; model (`/proc/cpuinfo`): {mach['cpu']}",
        f"- Python {mach['python']}, Node {mach['node']}, aws-cdk-lib {mach['aws-cdk-lib']}, "
        f"jsii {mach['jsii']}, cdk-nag {mach['cdk-nag']}, Linux {mach['kernel']}",
        f"- load average (1/5/15 min) before: {data['load_before']}; after: {data['load_after']}.",
        "  The machine is shared: other work may run at the same time. That is why the runs",
        "  alternate A B A B, the figures are medians, and CPU time is shown too.",
        "",
        "## Synth time: the construct (A) against bare IAM roles (B)",
        "",
        "- A: one stack with N `EmrStudioServiceRole`, each on its own imported bucket",
        "  (`s3.Bucket.from_bucket_name`), prefix `studio/`, all defaults otherwise.",
        "- B, the floor: N bare `iam.Role` (trusting `elasticmapreduce.amazonaws.com`), each",
        "  with an `iam.ManagedPolicy` from `iam.PolicyDocument.from_json(<the page's step-2",
        "  policy>)`, from `tests/fixtures/aws_page_policies.json`.",
        "- Each sample is a fresh Python process. The timed phase is construct + `app.synth()`",
        "  (no cdk-nag plugins: both sides get aws-cdk-lib's defaults only).",
        "",
        "| N | A median (s) | B median (s) | **ratio A/B** | A min-max (s) | B min-max (s) "
        "| CPU-time ratio | whole-process ratio |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['n']} | {r['a_total_s']:.2f} | {r['b_total_s']:.2f} "
            f"| **{r['ratio_total_s']:.2f}** "
            f"| {r['a_spread'][0]:.2f}-{r['a_spread'][1]:.2f} "
            f"| {r['b_spread'][0]:.2f}-{r['b_spread'][1]:.2f} "
            f"| {r['ratio_cpu_s']:.2f} | {r['ratio_process_s']:.2f} |"
        )
    goal_sizes = " and N=".join(map(str, GOAL_SIZES))
    lines += [
        "",
        f"- **ratio A/B**: median of A's wall time over B's median. Goal: at most {GOAL:.2f} at "
        f"N={goal_sizes}.",
        "- CPU-time ratio: the same phase in CPU seconds (Python plus the jsii runtime's Node",
        "  processes, from `/proc`), medians. Less disturbed by other load than wall time.",
        "- whole-process ratio: wall time of the whole worker process, interpreter start and",
        "  `import aws_cdk` included (what a user waits for, minus the CLI).",
        "",
        "Goal check:",
        "",
    ]
    for r in rows:
        if r["n"] in GOAL_SIZES:
            verdict = "met" if r["ratio_total_s"] <= GOAL else "**not met**"
            lines.append(
                f"- N={r['n']}: wall-time ratio {r['ratio_total_s']:.2f}, CPU-time ratio "
                f"{r['ratio_cpu_s']:.2f}: goal (<= {GOAL:.2f}) {verdict}."
            )
    lines += [
        "",
        "### Where the time goes (medians)",
        "",
        "| N | A construct s (CPU) | A synth s (CPU) | B construct s (CPU) | B synth s (CPU) "
        "| A template chars | B template chars |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['n']} | {r['a_construct_s']:.2f} ({r['a_construct_cpu_s']:.2f}) "
            f"| {r['a_synth_s']:.2f} ({r['a_synth_cpu_s']:.2f}) "
            f"| {r['b_construct_s']:.2f} ({r['b_construct_cpu_s']:.2f}) "
            f"| {r['b_synth_s']:.2f} ({r['b_synth_cpu_s']:.2f}) "
            f"| {r['a_template']:,} | {r['b_template']:,} |"
        )
    lines += _unvalidated_lines(data, rows)
    lines += [
        "",
        "### Round trips, Python to the jsii runtime",
        "",
        "Counted by wrapping the jsii `Kernel` methods `create`, `get`, `set`, `sget`, `sset`,",
        "`invoke`, `sinvoke`, and `sync_complete` (the answer to a callback from Node into",
        "Python, here the construct's guarded-statement validation). Exact, not sampled.",
        "",
        "| N | A total | A per instance | A per role (the construct alone) | B total | B per instance "
        "| A while building | A during synth |",
        "|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for r in rows:
        n = r["n"]
        lines.append(
            f"| {n} | {r['a_trips']} | {r['a_trips'] / n:.1f} "
            f"| {(r['a_trips'] - r['a_trips_bucket']) / n:.1f} | {r['b_trips']} "
            f"| {r['b_trips'] / n:.1f} | {_trips(r['a_trips_construct'])} "
            f"| {_trips(r['a_trips_synth'])} |"
        )
    lines += [
        "",
        "A per instance counts the benchmark's own `s3.Bucket.from_bucket_name` (one round trip per",
        "role); \"the construct alone\" leaves it out. Goal: at most "
        f"{TRIPS_GOAL} per role at N=50.",
        "",
    ]
    for r in rows:
        if r["n"] == 50:
            alone = (r["a_trips"] - r["a_trips_bucket"]) / 50
            verdict = "met" if alone <= TRIPS_GOAL else "**not met**"
            lines.append(f"- N=50: {alone:.1f} round trips per role (the construct alone): goal {verdict}.")
    if studio_rows:
        lines += _studio_lines(studio_rows)
    if sizes is not None:
        lines += _size_lines(sizes)
    lines += ["", KEEP_BEGIN, kept.strip("\n"), KEEP_END, ""]
    return "\n".join(lines)


def _unvalidated_lines(data: Dict[str, Any], rows: List[Dict[str, Any]]) -> List[str]:
    """The N=50 pairs with and without CDK's built-in template validation, side by side."""
    if not data.get("unvalidated"):
        return []
    (plain,) = summarize(data, key="unvalidated")
    (full,) = [r for r in rows if r["n"] == plain["n"]]
    n = plain["n"]
    validation_a = full["a_synth_s"] - plain["a_synth_s"]
    validation_b = full["b_synth_s"] - plain["b_synth_s"]
    budget = GOAL * full["b_total_s"] - full["a_synth_s"]
    return [
        "",
        f"### What the N={n} ratio is made of",
        "",
        "aws-cdk-lib runs its built-in CloudFormation template validation in every `app.synth()`",
        "(on by default; this app's `cdk.json` also makes its findings errors). The same pairs,",
        "run again with `CDK_VALIDATION=false` (medians, wall seconds):",
        "",
        "| | A construct | A synth | A total | B construct | B synth | B total | ratio A/B |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
        f"| with CDK's validation (the default) | {full['a_construct_s']:.2f} | {full['a_synth_s']:.2f} "
        f"| {full['a_total_s']:.2f} | {full['b_construct_s']:.2f} | {full['b_synth_s']:.2f} "
        f"| {full['b_total_s']:.2f} | {full['ratio_total_s']:.2f} |",
        f"| `CDK_VALIDATION=false` | {plain['a_construct_s']:.2f} | {plain['a_synth_s']:.2f} "
        f"| {plain['a_total_s']:.2f} | {plain['b_construct_s']:.2f} | {plain['b_synth_s']:.2f} "
        f"| {plain['b_total_s']:.2f} | {plain['ratio_total_s']:.2f} |",
        "",
        f"- CDK's validation takes {validation_a:.2f} s of A's synth and {validation_b:.2f} s of B's:",
        "  about 1.5 s to start its engine (the same for both) and the rest in proportion to the",
        f"  template it reads, {full['a_template']:,} characters for A against "
        f"{full['b_template']:,} for B.",
        "- A's template is larger because it holds more than B's, by the page: the trust policy's",
        "  `aws:SourceAccount` and `aws:SourceArn` conditions, the S3 statements of the storage",
        "  location, and ARNs that name the stack's partition, region and account",
        "  (`Fn::Join` of `AWS::Partition`, ...) where B's JSON has literal `arn:aws:...` strings.",
        "  The templates are fixed (the snapshots); so is that part of the synth.",
        f"- For a ratio of {GOAL:.2f}, A's construct phase could take at most {GOAL:.2f} x "
        f"{full['b_total_s']:.2f} - {full['a_synth_s']:.2f} = {budget:.2f} s,",
        f"  against {full['a_construct_s']:.2f} s measured and {full['b_construct_s']:.2f} s for B's "
        f"{n} bare roles: {n} roles",
        "  with the page's statements, their checks, their packing into policies and their cdk-nag",
        f"  acknowledgments (and the benchmark's {n} bucket imports) would have to cost what {n}",
        "  bare roles cost. Without CDK's validation the construct phase is the same, and the",
        "  ratio shows it undiluted.",
    ]


def _studio_lines(rows: List[Dict[str, Any]]) -> List[str]:
    lines = [
        "",
        "## Synth time: `EmrStudio` against the same resources written by hand",
        "",
        "- A: one stack with N `EmrStudio` (IAM mode, defaults), each on its own imported bucket",
        "  (prefix `studio/`), all on one imported VPC and two imported subnets: each makes its",
        "  service role (`EmrStudioServiceRole`), the page's two security groups and the `CfnStudio`.",
        "- B: the same resources written by hand: the two security groups with the page's rules, a",
        "  bare `iam.Role` trusting EMR with an `iam.ManagedPolicy` of the page's policy",
        "  (`PolicyDocument.from_json`), and an `emr.CfnStudio` with the same properties.",
        "- Same method as above (fresh process per sample, A B A B, medians).",
        "",
        "| N | A median (s) | B median (s) | **ratio A/B** | CPU-time ratio | A round trips per Studio "
        "| B round trips per Studio | A template chars | B template chars |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        n = r["n"]
        lines.append(
            f"| {n} | {r['a_total_s']:.2f} | {r['b_total_s']:.2f} | **{r['ratio_total_s']:.2f}** "
            f"| {r['ratio_cpu_s']:.2f} | {r['a_trips'] / n:.1f} | {r['b_trips'] / n:.1f} "
            f"| {r['a_template']:,} | {r['b_template']:,} |"
        )
    return lines


def _size_lines(sizes: Dict[str, Any]) -> List[str]:
    limit = sizes["limit"]
    lines = [
        "",
        "## Policy size",
        "",
        f"IAM counts a customer-managed policy's characters without white space: at most "
        f"{limit:,}. A role takes at most {sizes['quota']} managed policies (IAM's default",
        "quota). *Measured*: the synthesized document, resolved with a concrete environment",
        "(account 111122223333, eu-west-1, partition `aws`), whitespace-free. *Bound*: the",
        "construct's own upper-bound estimate (`limits.py`, `role.policy_size_bounds`), which",
        "decides the packing.",
        "",
        "| role | policy | statements | measured chars | bound chars | limit |",
        "|---|---|---:|---:|---:|---:|",
    ]
    labels = (
        ("the app's default stack (its own bucket and key; their ARNs counted at their longest: "
         "a 63-character bucket name, a 36-character key ID)", "default_app"),
        ("the construct's defaults, imported bucket `notebooks-bucket`, prefix `studio/`",
         "default_imported"),
    )
    for label, key in labels:
        for p in sizes[key]:
            lines.append(
                f"| {label} | `{p['id']}` | {p['statements']} | {p['chars']:,} "
                f"| {p['bound']:,} | {limit:,} |"
            )
    lines += [
        "",
        "Storage locations, each with its own bucket (`studio-notebooks-bucket-NNNN`), prefix",
        "(`teams/team-NNNN/studio/`) and imported KMS key, on the default (EC2_OR_EKS) role:",
        "",
        "| locations | managed policies | largest measured chars | largest bound chars | result |",
        "|---:|---:|---:|---:|---|",
    ]
    most = sizes.get("most_locations")
    entries = list(sizes["locations"].items())
    if most:
        entries += [(most["fits"], most["at_fit"]), (most["refused"], most["error"])]
    for count, res in entries:
        if "error" in res:
            msg = " ".join(res["error"].split())
            lines.append(f"| {count} | - | - | - | refused when built: `{msg}` |")
        else:
            ps = res["policies"]
            lines.append(
                f"| {count} | {len(ps)} | {max(p['chars'] for p in ps):,} "
                f"| {max(p['bound'] for p in ps):,} | synthesizes; every policy within {limit:,} |"
            )
    if most:
        lines += [
            "",
            f"The most locations of this shape that fit: {most['fits']}; from {most['refused']} on,"
            " the construct refuses with the error above.",
        ]
    return lines


def _kept_section(path: Path) -> str:
    default = "## Test-suite time\n\nNot measured yet: run `time make test` and record it here."
    if not path.exists():
        return default
    text = path.read_text()
    if KEEP_BEGIN in text and KEEP_END in text:
        return text.split(KEEP_BEGIN, 1)[1].split(KEEP_END, 1)[0]
    return default


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--worker", nargs=2, metavar=("KIND", "N"), help=argparse.SUPPRESS)
    parser.add_argument("--sizes", nargs="+", type=int, default=list(SIZES))
    parser.add_argument("--studio-sizes", nargs="*", type=int, default=list(STUDIO_SIZES))
    parser.add_argument("--runs", type=int, default=7, help="A/B pairs per N (default 7)")
    parser.add_argument("--write", type=Path, help="write the report (e.g. docs/benchmarks.md)")
    parser.add_argument("--no-size-report", action="store_true")
    parser.add_argument("--json", type=Path, help="also dump the raw samples as JSON")
    args = parser.parse_args(argv)

    if args.worker:
        kind, n = args.worker
        print(json.dumps(worker(kind, int(n))))
        return 0

    mach = machine()
    data = bench(args.sizes, args.runs, studio_sizes=args.studio_sizes)
    rows = summarize(data)
    studio_rows = summarize(data, "studio", STUDIO_KINDS)
    sizes = None if args.no_size_report else size_report()
    if args.json:
        args.json.write_text(json.dumps({"data": data, "rows": rows, "sizes": sizes}, indent=1, default=str))
    kept = _kept_section(args.write) if args.write else ""
    report = render(data, rows, sizes, mach, kept, studio_rows)
    if args.write:
        args.write.parent.mkdir(parents=True, exist_ok=True)
        args.write.write_text(report)
        print(f"wrote {args.write}", file=sys.stderr)
    else:
        print(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
