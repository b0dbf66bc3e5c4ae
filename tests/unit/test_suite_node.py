"""The suite's jsii runtimes run on single-threaded Node (tests/tools/node-single-threaded,
set by tests/conftest.py): a CPU saving of the test run only, nothing users run."""

import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.conftest import SINGLE_THREADED_NODE


def test_the_wrapper_runs_node_single_threaded_with_its_arguments():
    show = "process.stdout.write(JSON.stringify([process.execArgv, process.argv.slice(1)]))"
    done = subprocess.run(
        [str(SINGLE_THREADED_NODE), "-e", show, "a b"],
        capture_output=True, text=True, check=True,
    )
    exec_argv, argv = json.loads(done.stdout)
    assert exec_argv[0] == "--single-threaded" and argv == ["a b"]


@pytest.mark.skipif(not Path("/proc/self/cmdline").exists(), reason="reads /proc")
def test_this_processs_jsii_runtime_runs_on_it():
    from aws_cdk import App

    App()  # the jsii runtime is running
    if os.environ.get("JSII_NODE") != str(SINGLE_THREADED_NODE):
        pytest.skip(f"JSII_NODE is set to {os.environ.get('JSII_NODE')!r} outside the suite")
    me = str(os.getpid())
    children = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if stat[stat.rfind(")") + 2:].split()[1] == me:
            children.append([c.decode() for c in cmdline if c])
    runtimes = [c for c in children if any(a.endswith("jsii-runtime.js") for a in c)]
    assert runtimes and all("--single-threaded" in c for c in runtimes), children
