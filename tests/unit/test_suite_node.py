"""How the suite's processes run, for CPU time only (nothing users run): the jsii runtimes on
single-threaded Node with WebAssembly on its baseline compiler (tests/tools/node-single-threaded,
set by tests/conftest.py), and the
garbage collector with the imports frozen and higher thresholds (conftest's
``pytest_collection_finish``), what is left frozen at exit, after the other exit handlers, and
each xdist worker on its own share of the CPUs (conftest's ``pytest_configure``)."""

import gc
import json
import os
import platform
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import GC_THRESHOLDS, RUN_ON, SINGLE_THREADED_NODE, _set_cpus, worker_cpus
from tests.helpers import PINNED_NODE, suite_node

TOOLS = SINGLE_THREADED_NODE.parent
README = TOOLS.parents[1] / "README.md"


@pytest.fixture(scope="module")
def wrapper_argv():
    """What the wrapper hands Node: its ``execArgv`` (the V8 flags), its arguments, and which
    Node it runs (``process.version``)."""
    show = (
        "process.stdout.write(JSON.stringify([process.execArgv, process.argv.slice(1), "
        "process.version]))"
    )
    done = subprocess.run(
        [str(SINGLE_THREADED_NODE), "-e", show, "a b"],
        capture_output=True, text=True, check=True,
    )
    return json.loads(done.stdout)


def test_the_wrapper_runs_node_single_threaded_with_its_arguments(wrapper_argv):
    exec_argv, argv, _ = wrapper_argv
    assert exec_argv[0] == "--single-threaded" and argv == ["a b"]


def test_the_wrapper_keeps_webassembly_on_v8s_baseline_compiler(wrapper_argv):
    """CDK's validation engine is WebAssembly: TurboFan's recompiles of it cost CPU time a test
    run does not win back (tests/tools/node-single-threaded). Its findings are the same on any
    compiler: tests/unit/test_cfn_validation.py's canary runs it on this Node."""
    exec_argv, _, _ = wrapper_argv
    assert exec_argv[:2] == ["--single-threaded", "--liftoff-only"]


#: The pinned Node's packages, one per platform (``tests/tools/node/package.json``).
PINNED = json.loads((TOOLS / "node" / "package.json").read_text())["optionalDependencies"]
_ARCH = {"x86_64": "x64", "amd64": "x64", "aarch64": "arm64", "arm64": "arm64"}
#: This platform's package, or None where the pin has none (the suite then uses PATH's Node).
PLATFORM_PACKAGE = f"node-{sys.platform}-{_ARCH.get(platform.machine().lower(), platform.machine())}"
needs_pinned_node = pytest.mark.skipif(
    PLATFORM_PACKAGE not in PINNED,
    reason=f"no pinned Node for this platform ({PLATFORM_PACKAGE}): the suite uses PATH's Node",
)


def test_the_pin_is_one_version_locked_for_every_platform():
    lock = json.loads((TOOLS / "node" / "package-lock.json").read_text())["packages"]
    assert len(set(PINNED.values())) == 1, PINNED
    for package, version in PINNED.items():
        entry = lock[f"node_modules/{package}"]
        assert entry["version"] == version and entry["integrity"] and entry["optional"], entry


def test_the_pin_is_an_lts_release_the_readme_names():
    """The README asks for Node.js 22 or 24, the LTS releases jsii supports."""
    major = next(iter(PINNED.values())).split(".")[0]
    assert "**Node.js 22 or 24**" in README.read_text() and major in ("22", "24"), major


@needs_pinned_node
def test_the_wrapper_runs_the_pinned_node(wrapper_argv):
    _, _, version = wrapper_argv
    assert PINNED_NODE.exists(), f"{PINNED_NODE} is missing: run `make setup`"
    assert version == f"v{PINNED[PLATFORM_PACKAGE]}"


@needs_pinned_node
def test_the_iam_evaluator_runs_on_the_pinned_node():
    assert suite_node() == str(PINNED_NODE), f"{PINNED_NODE} is missing: run `make setup`"
    done = subprocess.run([suite_node(), "--version"], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == f"v{PINNED[PLATFORM_PACKAGE]}"


def _jsii_runtimes():
    """The pids and command lines of this process's jsii runtime (its relay, ``jsii-runtime.js``)."""
    me = str(os.getpid())
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        argv = [c.decode() for c in cmdline if c]
        if stat[stat.rfind(")") + 2:].split()[1] == me and any(a.endswith("jsii-runtime.js") for a in argv):
            found.append((int(pid), argv))
    return found


@pytest.mark.skipif(not Path("/proc/self/cmdline").exists(), reason="reads /proc")
def test_this_processs_jsii_runtime_runs_on_it():
    from aws_cdk import App

    App()  # the jsii runtime is running
    if os.environ.get("JSII_NODE") != str(SINGLE_THREADED_NODE):
        pytest.skip(f"JSII_NODE is set to {os.environ.get('JSII_NODE')!r} outside the suite")
    runtimes = [argv for _, argv in _jsii_runtimes()]
    assert runtimes and all("--single-threaded" in argv for argv in runtimes), runtimes


def test_the_collector_runs_with_the_suites_thresholds_and_the_imports_frozen():
    assert gc.isenabled()
    assert gc.get_threshold() == GC_THRESHOLDS
    # What collection imported: over 100,000 objects in the whole suite (aws_cdk, moto, botocore,
    # the test modules, ...), over 40,000 when this file runs alone; none without the freeze.
    assert gc.get_freeze_count() > 20_000


def test_a_cycle_made_by_a_test_is_still_collected_without_asking():
    import weakref

    class Node:
        pass

    cycle = Node()
    cycle.self = cycle
    gone = weakref.ref(cycle)
    del cycle
    # New objects that stay alive: after GC_THRESHOLDS[0] of them the collector runs on its own.
    alive = [Node() for _ in range(2 * GC_THRESHOLDS[0])]
    assert gone() is None, len(alive)


def test_what_is_left_at_exit_is_frozen_after_the_exit_handlers_registered_later():
    """conftest's exit handler is registered when conftest is imported, before aws_cdk registers
    jsii's stop; exit handlers run last-registered first.  A handler registered after the import
    (as jsii's is) runs before the freeze, one registered before it runs after."""
    code = (
        "import atexit, gc\n"
        "atexit.register(lambda: print('before-import handler sees', gc.get_freeze_count() > 0))\n"
        "import tests.conftest\n"
        "atexit.register(lambda: print('after-import handler sees', gc.get_freeze_count() > 0))\n"
    )
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True
    )
    assert done.stdout.splitlines() == [
        "after-import handler sees False",
        "before-import handler sees True",
    ], done.stderr


@pytest.mark.parametrize(
    "cpus, workers, shares",
    [
        ([0, 1], 2, [{0}, {1}]),
        ([0, 1, 2, 3, 4, 5, 6, 7], 2, [{0, 1, 2, 3}, {4, 5, 6, 7}]),
        ([0, 1, 2], 2, [{0, 1}, {2}]),
        ([2, 5, 7], 3, [{2}, {5}, {7}]),
    ],
)
def test_each_worker_gets_its_own_share_of_neighbouring_cpus(cpus, workers, shares):
    assert [worker_cpus(cpus, w, workers) for w in range(workers)] == shares


def test_with_fewer_cpus_than_workers_no_worker_is_pinned():
    assert worker_cpus([0, 1], 0, 3) is None
    assert worker_cpus([0], 1, 2) is None


def test_every_cpu_is_in_exactly_one_share_and_the_shares_differ_by_one_at_most():
    for count in range(1, 13):
        cpus = list(range(100, 100 + count))
        for workers in range(1, count + 1):
            shares = [worker_cpus(cpus, w, workers) for w in range(workers)]
            assert sorted(c for share in shares for c in share) == cpus, (count, workers)
            assert max(map(len, shares)) - min(map(len, shares)) <= 1, (count, workers)


def test_a_replacement_for_a_crashed_worker_gets_a_share_too():
    # xdist names the worker it starts after gw0 and gw1 crash gw2, gw3, ...
    assert worker_cpus([0, 1], 2, 2) == {0}
    assert worker_cpus([0, 1], 3, 2) == {1}


@pytest.mark.skipif(not hasattr(os, "sched_getaffinity"), reason="no CPU affinity on this platform")
def test_an_xdist_worker_and_its_jsii_runtime_run_on_the_workers_share_of_the_cpus():
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker is None:
        pytest.skip("runs in one process: nothing is pinned")
    from aws_cdk import App

    App()  # the jsii runtime is running
    if RUN_ON["given"] is None:
        pytest.skip(f"xdist worker {worker!r} is not named gw<number>: nothing is pinned")
    count = int(os.environ["PYTEST_XDIST_WORKER_COUNT"])
    share = worker_cpus(sorted(RUN_ON["given"]), int(worker[2:]), count)
    if share is None:
        pytest.skip(f"{count} workers on {len(RUN_ON['given'])} CPUs: nothing is pinned")
    assert RUN_ON["share"] == share and share <= RUN_ON["given"]
    threads = [int(t) for t in os.listdir("/proc/self/task")]
    assert len(threads) > 1 and all(os.sched_getaffinity(t) == share for t in threads)
    runtimes = _jsii_runtimes()
    assert runtimes and all(os.sched_getaffinity(pid) == share for pid, _ in runtimes), runtimes
    done = subprocess.run(
        [sys.executable, "-c", "import os; print(sorted(os.sched_getaffinity(0)))"],
        capture_output=True, text=True, check=True,
    )
    assert json.loads(done.stdout) == sorted(share)


@pytest.mark.skipif(not hasattr(os, "sched_setaffinity"), reason="no CPU affinity on this platform")
def test_a_cpu_set_the_system_refuses_is_reported_and_an_ended_thread_is_passed_over():
    import threading

    me = threading.get_native_id()
    before = os.sched_getaffinity(me)
    assert _set_cpus([me], {max(before) + 4096}) is False  # no such CPU: EINVAL
    assert os.sched_getaffinity(me) == before
    gone = 4_194_304  # above Linux's largest pid_max: no such thread (ESRCH)
    assert _set_cpus([gone, me], before) is True
