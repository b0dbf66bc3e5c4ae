#!/usr/bin/env python3
"""A hand-picked mutation pass: does the (non-snapshot) test suite notice each mutation?

Each mutation replaces one piece of source text in a scratch copy of the repository;
the suite then runs there with ``-x``, without the snapshot tests.  A mutation is
*killed* when the suite fails.  Usage: ``python scripts/mutants.py [--only N ...]``.
The list covers the promises of issue 8 (size, wildcards, types, drops, the guard)
and the page's facts; it is not exhaustive.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: (file, old text, new text, what it breaks)
MUTANTS = [
    ("emr_studio_role/limits.py", "total += kind.value\n", "total += 0\n", "token bound ignored"),
    (
        "emr_studio_role/limits.py",
        "            total += UNKNOWN_TOKEN_BOUND\n",
        "            total += 0\n",
        "second token free",
    ),
    (
        "emr_studio_role/limits.py",
        "return len(json.dumps(text)) - 2",
        "return len(text)",
        "escapes not counted",
    ),
    (
        "emr_studio_role/limits.py",
        "        if needed > self.quota:",
        "        if needed > self.quota + 5:",
        "quota not enforced",
    ),
    (
        "emr_studio_role/limits.py",
        "                    if cost > room:",
        "                    if False:",
        "no spill to a new policy",
    ),
    (
        "emr_studio_role/limits.py",
        "MANAGED_POLICY_MAX_CHARS = 6144",
        "MANAGED_POLICY_MAX_CHARS = 9144",
        "wrong IAM limit",
    ),
    (
        "emr_studio_role/validation.py",
        '    if "*" in text or "?" in text:',
        '    if "*" in text:',
        "'?' wildcard let in",
    ),
    (
        "emr_studio_role/validation.py",
        "    if CONTROL_RE.search(text):",
        "    if False:",
        "control chars let in",
    ),
    ("emr_studio_role/validation.py", '    if "${" in text:', "    if False:", "policy variables let in"),
    (
        "emr_studio_role/validation.py",
        "    if literal(service) and service != shape.service:",
        "    if False:",
        "wrong service let in",
    ),
    (
        "emr_studio_role/validation.py",
        '    if is_token(prefix) and not parts[-1].endswith("/"):',
        "    if False:",
        "token prefix without '/'",
    ),
    ("emr_studio_role/validation.py", "    if is_alias(key):", "    if False:", "alias let in"),
    (
        "emr_studio_role/validation.py",
        "        if got is not None and want is not None and got != want:",
        "        if False:",
        "workspace key elsewhere",
    ),
    (
        "emr_studio_role/validation.py",
        "    elif not problems and bucket.encryption_key is not None:",
        "    elif False:",
        "bucket key not checked",
    ),
    (
        "emr_studio_role/typecheck.py",
        "        return type(value) is bool",
        "        return True",
        "bool not checked",
    ),
    (
        "emr_studio_role/typecheck.py",
        "        return _is_jsii(value) and implements(value, tp)",
        "        return True",
        "interfaces not checked",
    ),
    (
        "emr_studio_role/role.py",
        "        if self._synthesized or self.node.locked:",
        "        if False:",
        "calls after synth",
    ),
    (
        "emr_studio_role/role.py",
        "            if r.shared_network and self.network_owner_account is not None:",
        "            if False:",
        "owner account dropped",
    ),
    (
        "emr_studio_role/storage.py",
        '        object_arn = f"{bucket_arn}/{norm}*"',
        '        object_arn = f"{bucket_arn}/*"',
        "prefix dropped",
    ),
    (
        "emr_studio_role/storage.py",
        "        if key_arn and key_arn not in self._granted[KEY]:",
        "        if False:",
        "key dropped",
    ),
    (
        "emr_studio_role/guard.py",
        "        elif len(got) > 1 or normal(got[0][1]) != normal(expected):",
        "        elif len(got) > 1:",
        "guard content not compared",
    ),
    (
        "emr_studio_role/statements.py",
        'PAGE_EC2_NETWORK_INTERFACE = ArnPattern("ec2", "network-interface", region="*", account="*")',
        'PAGE_EC2_NETWORK_INTERFACE = ArnPattern("ec2", "network-interface")',
        "guarded statement narrowed",
    ),
    (
        "emr_studio_role/statements.py",
        '"StringEquals": {"ec2:CreateAction": "CreateNetworkInterface"}',
        '"StringLike": {"ec2:CreateAction": "CreateNetworkInterface"}',
        "page condition changed",
    ),
    (
        "emr_studio_role/statements.py",
        'AWS_USERID_VARIABLE = "${aws:userid}"',
        'AWS_USERID_VARIABLE = "true"',
        "user-level condition lost",
    ),
    (
        "emr_studio_role/trust.py",
        '"StringEquals": {"aws:SourceAccount": stack.account},',
        '"StringEqualsIfExists": {"aws:SourceAccount": stack.account},',
        "confused-deputy condition weakened",
    ),
    (
        "emr_studio_role/role.py",
        '        return {"StringEquals": {"kms:ViaService":',
        '        return {"StringLike": {"kms:ViaService":',
        "ViaService operator changed",
    ),
    (
        "emr_studio_role/nag.py",
        '        if " " in rule_id and pack in _PACK_NAMESPACES:',
        "        if False:",
        "space prefixes not acknowledged",
    ),
    (
        "emr_studio_role/tagging.py",
        "include_resource_types=[_KINDS[kind]]",
        "include_resource_types=None",
        "tag spreads to every resource type",
    ),
]


def run(index: int, file: str, old: str, new: str, scratch: Path) -> str:
    target = scratch / file
    text = (ROOT / file).read_text()
    if text.count(old) != 1:
        return "stale (the text to mutate is not there exactly once)"
    target.write_text(text.replace(old, new))
    try:
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                "-x",
                "-q",
                "-p",
                "no:cacheprovider",
                "tests/unit",
                "tests/integration/test_iam_semantics.py",
                "tests/integration/test_iam_topologies.py",
                "--deselect",
                "tests/unit/test_snapshots.py",
                "--ignore",
                "tests/unit/test_snapshots.py",
            ],
            cwd=scratch,
            capture_output=True,
            text=True,
            timeout=900,
        )
        return "killed" if done.returncode != 0 else "SURVIVED"
    finally:
        target.write_text(text)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", type=int, nargs="*", help="run only these mutant numbers")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="mutants-")) / "repo"
    shutil.copytree(
        ROOT,
        scratch,
        symlinks=True,
        ignore=shutil.ignore_patterns(".git", "cdk.out*", ".venv*", "__pycache__", "node_modules"),
    )
    (scratch / "node_modules").symlink_to((ROOT / "node_modules").resolve())
    results = []
    for i, (file, old, new, what) in enumerate(MUTANTS, 1):
        if args.only and i not in args.only:
            continue
        start = time.monotonic()
        verdict = run(i, file, old, new, scratch)
        results.append(verdict)
        print(f"{i:2d} {verdict:8s} {time.monotonic() - start:5.0f}s  {file}: {what}", flush=True)
    killed = results.count("killed")
    print(f"{killed} of {len(results)} mutants killed ({100 * killed / max(len(results), 1):.0f}%)")
    return 0 if all(r != "SURVIVED" for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
