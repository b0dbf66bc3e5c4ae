#!/usr/bin/env python3
"""``make floors``: the library's dependency floors, and a smoke synth with them installed.

``--constraints`` prints one ``name==version`` line for each lower bound of
pyproject.toml's ``dependencies`` and of the ``nag`` extra: pip then installs the
oldest release the package claims to support of each direct dependency (their own
dependencies resolve as usual).

``--smoke`` (run with the floors venv's Python) prints the installed versions,
checks that each direct dependency is at its floor, and synthesizes the app's main
configurations (with the cdk-nag packs, as ``app.py`` does) and every example
under ``examples/``.  Any failure exits non-zero.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from importlib import metadata
from pathlib import Path
from typing import Dict, List

ROOT = Path(__file__).resolve().parents[1]

#: The app's configurations the smoke synth runs (CDK context).
SMOKE_CONTEXTS: List[Dict[str, str]] = [
    {},
    {"compute": "EMR_SERVERLESS"},
    {"gitSecretAccess": "USER_ROLE"},
    {"subnetIds": "subnet-0123456789abcdef0", "vpcId": "vpc-0123456789abcdef0"},
]

_REQ = re.compile(r"^\s*([A-Za-z0-9_.-]+)\s*(?:\[[^\]]*\])?\s*(.*)$")


def _requirements() -> List[str]:
    text = (ROOT / "pyproject.toml").read_text()
    try:
        import tomllib  # Python 3.11+

        project = tomllib.loads(text)["project"]
        return list(project["dependencies"]) + list(project["optional-dependencies"]["nag"])
    except ModuleNotFoundError:  # Python 3.10: the two arrays are simple string lists
        found: List[str] = []
        for name in ("dependencies", "nag"):
            block = re.search(rf"^{name}\s*=\s*\[(.*?)\]", text, re.S | re.M)
            if block is None:
                raise SystemExit(f"pyproject.toml: no {name} array") from None
            found += re.findall(r'"([^"]+)"', block.group(1))
        return found


def floors() -> Dict[str, str]:
    """``{distribution name: lowest allowed version}`` of every direct dependency."""
    out: Dict[str, str] = {}
    for requirement in _requirements():
        match = _REQ.match(requirement)
        assert match is not None, requirement
        name, spec = match.groups()
        lower = re.search(r">=\s*([0-9][0-9A-Za-z.]*)", spec)
        if lower is None:
            raise SystemExit(f"pyproject.toml: {requirement!r} has no lower bound (>=)")
        out[name] = lower.group(1)
    return out


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def smoke() -> int:
    problems: List[str] = []
    print(f"Python {sys.version.split()[0]}")
    for name, floor in floors().items():
        installed = metadata.version(name)
        print(f"  {name}=={installed} (floor {floor})")
        if installed != floor:
            problems.append(f"{name} is {installed}, not its floor {floor}")
    for dist in ("jsii", "typeguard"):
        print(f"  {dist}=={metadata.version(dist)} (resolved)")

    flags = json.loads((ROOT / "cdk.json").read_text())["context"]
    env = {
        **os.environ,
        "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20",
        "CDK_DISABLE_CLI_TELEMETRY": "true",
    }
    runs = [(f"app.py {ctx or '(default)'}", ROOT / "app.py", ctx) for ctx in SMOKE_CONTEXTS]
    runs += [(f"examples/{p.name}", p, {}) for p in sorted((ROOT / "examples").glob("*.py"))]
    for label, script, context in runs:
        with tempfile.TemporaryDirectory(prefix="emr-studio-floors-") as out:
            run_env = {**env, "CDK_OUTDIR": out, "CDK_CONTEXT_JSON": json.dumps({**flags, **context})}
            result = subprocess.run(
                [sys.executable, str(script)], cwd=ROOT, env=run_env, capture_output=True, text=True,
                timeout=300,
            )
            templates = sorted(Path(out).glob("*.template.json"))
        verdict = "ok" if result.returncode == 0 and templates else "FAILED"
        print(f"synth {label}: {verdict} ({len(templates)} template(s))")
        if verdict != "ok":
            output = result.stdout[-2000:] + result.stderr[-3000:]
            problems.append(f"{label}: exit {result.returncode}\n{output}")
    for problem in problems:
        print(f"- {problem}", file=sys.stderr)
    print("floors: OK" if not problems else f"floors: FAILED ({len(problems)} problem(s))")
    return 1 if problems else 0


def main(argv: List[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--constraints", action="store_true", help="print pip constraints: the floors")
    group.add_argument("--smoke", action="store_true", help="check the installed floors and synthesize")
    args = parser.parse_args(argv)
    if args.constraints:
        for name, version in floors().items():
            print(f"{_normal(name)}=={version}")
        return 0
    return smoke()


if __name__ == "__main__":
    sys.exit(main())
