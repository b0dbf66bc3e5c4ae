"""Session-scoped synths and tool runs, shared by the tests that read them; and how the suite
runs in parallel.

How a test gets a template (read this before adding a test that synthesizes or runs a tool)
-------------------------------------------------------------------------------------------

* **One synth per configuration per session.**  The app's main configurations
  (:data:`SCENARIOS`: ``default_template``, ``serverless_template``, ... and
  ``scenario_templates`` for all of them), the Studio app (``own_vpc``, ``existing_vpc``)
  are synthesized here, once per run, with the cdk-nag packs and EmrStudioChecks (the first
  worker that asks synthesizes a scenario, :func:`once_per_run`; the other reads its template
  as JSON).  A test that reads
  one of these templates takes the fixture; it never builds the same app again.  A new
  configuration that several modules read gets a session fixture here; one that a single
  module reads gets a ``scope="module"`` fixture in that module.  A test that needs an app of
  its own builds it in process (``tests.helpers.app_stack``, ``role_stack``, ``studio_app_stack``,
  or ``cdk_app()`` for an ``App`` with the app's feature flags), without CDK's built-in
  template validation (``tests.helpers.cdk_app``: its engine costs about 2 s to start in a
  process and 35 ms a synth): ``tests/unit/test_cfn_validation.py`` runs it, once, on every
  main configuration of the app, and ``tests/unit/test_example.py`` runs the examples with it
  (their own ``App()``); the README's run of its commands skips it (``tests/readme.py``).
* **One run per tool per session.**  ``cli_synth`` runs the README's quick commands (the
  one real ``npx cdk synth`` of the suite, and the two examples) once, in a folder of its
  own: a test that needs a real CLI synth reads ``cli_synth.cdk_out``.  ``checkov_report``
  runs checkov once over every template that tests check; ``tests.helpers.cfn_lint`` runs
  cfn-lint in process (its start-up is paid once per worker).  Do not start another
  ``npx cdk``, ``python app.py``, checkov or cfn-lint process: add your template to these.
* **No shared output folder, no fixed port.**  Write under ``tmp_path`` /
  ``tmp_path_factory`` (one base folder per worker), never into the clone; an ``App()``
  without ``outdir`` writes into a fresh temporary folder.  AWS is moto in process
  (``tests.helpers.offline_aws``), never a server on a port.

Parallel runs (``make test``: ``pytest -n 2 --dist loadfile --no-loadscope-reorder``)
-------------------------------------------------------------------------------------

Each xdist worker is a process with its own jsii runtime, so a session fixture is built
once per worker that uses it, and a module's tests stay on one worker (``loadfile``: its
module fixtures are built once; :data:`UNITS` keeps the moto modules together, and the
modules that start CDK's validation engine or cfn-lint, ``"cfn"``, so each is started once).  A fixture
that starts a tool and that several modules read (``cli_synth``, ``checkov_report``) goes
through :func:`once_per_run`: the first worker that asks runs it, the others read its JSON
result.  Each worker, with every process it starts, runs on its own share of the CPUs
(:func:`pytest_configure`).  The longest modules are sent
to workers first (:data:`FIRST`): add a new slow module there.  ``pytest -p no:xdist``
(or plain ``pytest``) runs everything in one process, in the order of the files.
"""

from __future__ import annotations

import atexit
import gc
import json
import os
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Dict, Optional, Sequence, Set

import pytest

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: each worker computes its own
    fcntl = None  # type: ignore[assignment]

os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
os.environ.setdefault("CDK_DISABLE_CLI_TELEMETRY", "true")
#: The Node of the suite's jsii runtimes (set before aws_cdk starts one): V8 without background
#: threads, which cost CPU time and gain nothing on a busy 2-core machine (the file says more).
SINGLE_THREADED_NODE = Path(__file__).parent / "tools" / "node-single-threaded"
if os.name == "posix":
    os.environ.setdefault("JSII_NODE", str(SINGLE_THREADED_NODE))

# aws_cdk and tests.helpers (which imports it) are imported where a fixture needs them, not
# here: the xdist controller imports this file too, and an import of aws_cdk starts a jsii
# runtime (about 1 CPU-s) in a process that runs no test.
if TYPE_CHECKING:
    from aws_cdk.assertions import Template

#: The app's main configurations, by name: the CDK context each one is synthesized with.
SCENARIOS = {
    "default": {},
    "serverless": {"compute": "EMR_SERVERLESS"},
    "listed_secrets": {
        "gitSecretAccess": "LISTED_SECRETS",
        "gitSecretArns": "arn:aws:secretsmanager:eu-west-1:111122223333:secret:git-abc-AbCdEf",
    },
    "user_role_secrets": {"gitSecretAccess": "USER_ROLE"},
    "collaboration_off": {"workspaceCollaboration": "false"},
}


#: Where each scenario's cloud assembly was written (for its validation report).
ASSEMBLIES: dict = {}


def _synth(tmp_path_factory: pytest.TempPathFactory, name: str) -> Template:
    """The scenario's template, synthesized once per run (:func:`once_per_run`): the first
    worker that asks synthesizes it, with the nag packs; the others read its template, and its
    cloud assembly (``validation-report.json``) where that worker's synth wrote it."""

    from aws_cdk.assertions import Template

    from tests.helpers import app_stack

    def run():
        app, stack = app_stack(SCENARIOS[name])
        assembly = app.synth()  # runs the cdk-nag packs: raises on any unacknowledged finding
        return {"template": Template.from_stack(stack).to_json(), "assembly": assembly.directory}

    done = once_per_run(tmp_path_factory, f"scenario-{name}", run)
    ASSEMBLIES[name] = done["assembly"]
    return Template.from_json(done["template"])


@pytest.fixture(scope="session")
def default_template(tmp_path_factory) -> Template:
    return _synth(tmp_path_factory, "default")


@pytest.fixture(scope="session")
def serverless_template(tmp_path_factory) -> Template:
    return _synth(tmp_path_factory, "serverless")


@pytest.fixture(scope="session")
def listed_template(tmp_path_factory) -> Template:
    return _synth(tmp_path_factory, "listed_secrets")


@pytest.fixture(scope="session")
def user_role_template(tmp_path_factory) -> Template:
    return _synth(tmp_path_factory, "user_role_secrets")


@pytest.fixture(scope="session")
def collab_off_template(tmp_path_factory) -> Template:
    return _synth(tmp_path_factory, "collaboration_off")


@pytest.fixture(scope="session")
def scenario_templates(
    default_template, serverless_template, listed_template, user_role_template, collab_off_template
):
    return {
        "default": default_template,
        "serverless": serverless_template,
        "listed_secrets": listed_template,
        "user_role_secrets": user_role_template,
        "collaboration_off": collab_off_template,
    }


# --------------------------------------------------------------------------- the Studio app


@pytest.fixture(scope="session")
def own_vpc():
    """``-c createStudio=true``: ``(EmrStudioStack, Template)``, its own VPC."""
    from tests.helpers import studio_app_stack

    return studio_app_stack({"createStudio": "true"})


@pytest.fixture(scope="session")
def existing_vpc():
    """``-c createStudio=true`` on an existing VPC and subnets (``STUDIO_EXISTING_VPC``)."""
    from tests.helpers import STUDIO_EXISTING_VPC, studio_app_stack

    return studio_app_stack(dict(STUDIO_EXISTING_VPC, createStudio="true"))


# --------------------------------------------------------------------------- tools, once each


@pytest.fixture(scope="session")
def checkov_report(request, tmp_path_factory):
    """checkov, run once per run over the app's scenario templates and the Studio app's:
    ``{template name: (failed checks, number passed)}`` (names: the keys of
    ``scenario_templates``, ``own_vpc``, ``existing_vpc``, and ``canary``, a bucket that must
    fail), and ``"_output"``: the raw report.  The templates are asked for only by the worker
    that runs checkov."""

    def run():
        scenario_templates = request.getfixturevalue("scenario_templates")
        own_vpc = request.getfixturevalue("own_vpc")
        existing_vpc = request.getfixturevalue("existing_vpc")
        out = tmp_path_factory.mktemp("checkov-templates")
        templates = {name: t.to_json() for name, t in scenario_templates.items()}
        templates.update(own_vpc=own_vpc[1].to_json(), existing_vpc=existing_vpc[1].to_json())
        # A template checkov must fail (no encryption, no logging, no versioning), so that a
        # run that reads nothing is noticed (tests/unit/test_lint.py).
        templates["canary"] = {"Resources": {"Bucket": {"Type": "AWS::S3::Bucket"}}}
        for name, template in templates.items():
            (out / f"{name}.template.json").write_text(json.dumps(template, indent=1))
        from tests.helpers import checkov_run

        by_file, output = checkov_run(out)
        report = {name[: -len(".template.json")]: result for name, result in by_file.items()}
        report["_output"] = output
        return report

    return once_per_run(tmp_path_factory, "checkov_report", run)


@pytest.fixture(scope="session")
def cli_synth(tmp_path_factory):
    """The README's quick commands (``tests/readme.py``), run as written once per run in a
    folder of their own; ``.cdk_out`` is the cloud assembly of their ``npx cdk synth``."""
    from tests.readme import ReadmeRun, run_quick_commands

    def run():
        return {k: str(v) if isinstance(v, Path) else v
                for k, v in asdict(run_quick_commands(tmp_path_factory.mktemp("readme-clone"))).items()}

    done = once_per_run(tmp_path_factory, "cli_synth", run)
    return ReadmeRun(**{**done, "cdk_out": Path(done["cdk_out"])})


# --------------------------------------------------------------------------- parallel runs


def once_per_run(tmp_path_factory: pytest.TempPathFactory, name: str, compute: Callable[[], Any]) -> Any:
    """``compute()`` (a JSON value) once for the whole run, whichever worker asks first.

    Under xdist every worker has its own session; the first one to ask computes and writes
    the value next to the workers' temporary folders, the others wait for it and read it.
    Without xdist this is ``compute()``."""
    if os.environ.get("PYTEST_XDIST_WORKER") is None or fcntl is None:
        return compute()
    shared = tmp_path_factory.getbasetemp().parent  # the run's folder, above each worker's own
    result = shared / f"{name}.json"
    with open(shared / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if result.exists():
            return json.loads(result.read_text())
        value = compute()
        result.write_text(json.dumps(value))
        return value


#: Modules sent to workers first, longest first (a unit of :data:`UNITS` by its first module
#: here): xdist hands out the first dozen units in turns, then one unit to whichever worker is
#: free, so the units left for the end must be short, or one worker finishes long after the
#: other.  Every other module follows, in the order of the files; a new module that takes a
#: second or more goes here, by its time (``pytest --durations``).
FIRST = (
    "tests/unit/test_lint.py",  # the "cfn" unit, about 13 s
    "tests/unit/test_readme_commands.py",
    "tests/unit/test_properties.py",
    "tests/integration/test_deploy_local.py",  # the "moto" unit
    "tests/integration/test_iam_users.py",
    "tests/integration/test_iam_semantics.py",
    "tests/unit/test_studio_users.py",
    "tests/unit/test_packaging.py",
    "tests/unit/test_hardening.py",
    "tests/unit/test_studio.py",
    "tests/unit/test_check_cli.py",
    "tests/unit/test_studio_surface.py",
)


#: Modules that run on one worker as one unit: they share an expensive import (moto's), so
#: that it is paid once.  (A fixture that several modules share uses :func:`once_per_run`.)
UNITS = {
    "tests/integration/test_deploy_local.py": "moto",
    "tests/integration/test_stackset_local.py": "moto",
    # CDK's built-in template validation (its engine starts once per process, about 1.5 s)
    # and cfn-lint (its rules and schemas load once per process):
    "tests/unit/test_cfn_validation.py": "cfn",
    # ... and the modules that give emr-studio-check YAML templates: its reader is cfn-lint's
    # decoder, whose import is most of cfn-lint (about 0.7 CPU-s), paid a second time when one
    # of these ran on the other worker:
    "tests/unit/test_check_cli.py": "cfn",
    "tests/unit/test_checks_hostile.py": "cfn",
    "tests/unit/test_checks_security_groups.py": "cfn",
    "tests/unit/test_example.py": "cfn",
    "tests/unit/test_studio_example.py": "cfn",
    "tests/unit/test_application.py": "cfn",
    "tests/unit/test_studio_app.py": "cfn",
    "tests/unit/test_lint.py": "cfn",
    "tests/unit/test_stackset.py": "cfn",
}


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """``--dist loadfile``, with the modules of :data:`UNITS` joined into one unit each."""
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class ModuleUnits(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            module = nodeid.split("::", 1)[0]
            return UNITS.get(module, module)

    return ModuleUnits(config, log)


def worker_cpus(cpus: Sequence[int], worker: int, workers: int) -> Optional[Set[int]]:
    """The CPUs that xdist worker number ``worker`` of ``workers`` runs on: ``cpus`` (the usable
    ones, in order) cut into ``workers`` shares of neighbouring CPUs, as even as they divide.
    ``None`` (run anywhere) when there are fewer CPUs than workers."""
    if workers < 1 or len(cpus) < workers:
        return None
    share, extra = divmod(len(cpus), workers)
    worker %= workers  # xdist names a replacement for a crashed worker gw<workers>, gw<workers + 1>, ...
    start = worker * share + min(worker, extra)
    return set(cpus[start:start + share + (1 if worker < extra else 0)])


#: The CPUs this process runs on: all it was given, or, in an xdist worker, its share of them
#: (:func:`pytest_configure`).
RUN_ON: Dict[str, Optional[Set[int]]] = {"given": None, "share": None}


def pytest_configure(config: pytest.Config) -> None:
    """In an xdist worker: the worker, and every process it starts (its jsii runtime, checkov,
    the README's commands, the IAM evaluator ...), run on the worker's own share of the CPUs
    (:func:`worker_cpus`), set before collection imports aws_cdk and starts the runtime.

    A worker's tests are a chain of round trips between its Python and its jsii runtime (about
    47,000 in a run): on one core, each message is read from a warm cache and the waking side
    runs where the other just stopped.  Left to the scheduler, on a 2-core machine, the two
    workers' processes move between the cores.  In twelve interleaved pairs of ``make test``
    this made the run faster 11 times, by up to 1.8 s, and the median pair by about 1.3 s
    (``docs/benchmarks.md``, "A fourteenth look").  What the tests do and check is unchanged;
    the controller is not pinned."""
    workerinput = getattr(config, "workerinput", None)
    if workerinput is None or not hasattr(os, "sched_setaffinity"):
        return
    workerid = str(workerinput.get("workerid", ""))
    if not (workerid.startswith("gw") and workerid[2:].isdigit()):
        return
    given = sorted(os.sched_getaffinity(0))
    share = worker_cpus(given, int(workerid[2:]), int(workerinput.get("workercount", 0)))
    RUN_ON["given"] = set(given)
    if share:
        # Each thread has its own CPU set: the worker's threads started before this hook
        # (execnet's) are in /proc/self/task; new threads and processes inherit the set.
        tasks = Path("/proc/self/task")
        threads = [int(t) for t in os.listdir(tasks)] if tasks.is_dir() else [0]
        if not _set_cpus(threads, share):  # a CPU set the container refuses: run anywhere
            _set_cpus(threads, set(given))
            return
        RUN_ON["share"] = share


def _set_cpus(threads: Sequence[int], cpus: Set[int]) -> bool:
    """Put ``threads`` on ``cpus``; ``False`` if the system refuses the set."""
    for thread in threads:
        try:
            os.sched_setaffinity(thread, cpus)
        except ProcessLookupError:  # the thread has ended since it was listed
            continue
        except OSError:
            return False
    return True


#: The cyclic garbage collector's thresholds while the tests run (:func:`pytest_collection_finish`).
GC_THRESHOLDS = (100_000, 50, 100)


def pytest_collection_finish(session: pytest.Session) -> None:
    """Once the tests are collected: the objects alive now (the imported modules of aws_cdk,
    moto, botocore, cfn-lint, hypothesis and the test modules, a few hundred thousand) are moved
    out of the garbage collector's reach (``gc.freeze``), and it runs after 100,000 new objects
    instead of 700.  With CPython's defaults each worker spent 2 to 2.5 CPU-s of a run in the
    collector, most of it scanning those long-lived objects again and again; now under 1 s.
    Garbage is still collected (a cycle made by a test is freed at the next collection), and
    nothing the tests check depends on when that happens."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


def _freeze_what_is_left_at_exit() -> None:
    """At the process's exit, after pytest has finished (its end-of-run collections, which
    report an exception raised in a ``__del__``, included) and after the other exit handlers
    (jsii's stop of its runtime among them): every object still alive is frozen, so that
    CPython's own collections while it shuts down do not scan them once more.  A worker holds
    everything its tests made (jsii keeps each object for the life of the process): those
    collections took 0.5 to 1 s a worker, at the end of the run, while the controller waited
    for both.  Objects are still freed by reference counting as the modules are torn down;
    only cycles still alive at exit are left to the process's end, as CPython may do anyway
    (it does not promise a ``__del__`` at exit)."""
    gc.freeze()


# Registered when this file is imported, before aws_cdk starts jsii's runtime and registers its
# stop: exit handlers run last-registered first, so this one runs after jsii's.
atexit.register(_freeze_what_is_left_at_exit)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list) -> None:
    """Under xdist (``-n``), the longest modules first; in a single process, change nothing.

    (``--dist loadfile`` keeps each module on one worker, and :data:`UNITS` joins modules.
    ``xdist_group`` marks and ``--dist loadgroup`` do not work with pytest 9.2's node ids,
    pytest-xdist issue 1386.)"""
    if not hasattr(config, "workerinput"):
        return
    rank = {module: i for i, module in enumerate(FIRST)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::", 1)[0], len(FIRST)))
