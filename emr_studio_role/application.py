"""The app (``app.py``): its stacks built from the context, and why synth failed, said by the app itself.

:func:`build_app` reads every context key at once (:func:`read_app_settings`)
and adds what they ask for: ``EmrStudioServiceRoleStack`` (default), or ``EmrStudioStack``
(``createStudio``), and ``EmrStudioRoleStackSetStack`` (the StackSet keys), with the four
cdk-nag packs and ``EmrStudioChecks`` as validation plugins.

CDK ends a synth that a validation fails with a jsii ``RuntimeError``:

* a Validations plugin (cdk-nag's packs, ``EmrStudioChecks``, CDK's own CloudFormation
  check): ``ValidationFailed: Validation failed. A copy of this report can be found in:
  <outdir>/validation-report.json``, the reasons only in that file (and above the
  traceback, among the CLI's other output);
* a construct's own validation (``node.add_validation``): ``Validation failed with the
  following errors:`` and one ``[path] message`` line per error, inside a jsii traceback.

:func:`explain_synth_failure` turns either into a message that gives, for each finding,
the rule, the resource (construct path, logical ID, template) and the fix;
:func:`synth_or_exit` is ``app.synth()`` that exits with that message instead of a traceback.
"""

from __future__ import annotations

import dataclasses
import json
import re
import sys
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional

from aws_cdk import App, Validations
from aws_cdk import cx_api as cxapi

#: Severities that do not fail synth on their own (a plugin reports them beside its errors).
_NOT_FAILING = frozenset({"warning", "info", "informational", "low"})
_REPORT_PATH = re.compile(r"report can be found in:\s*(\S+)")
_NODE_ERRORS = "Validation failed with the following errors:"


def _violations(report: Mapping[str, Any]) -> List[str]:
    lines: List[str] = []
    for plugin in report.get("pluginReports", []):
        if plugin.get("conclusion") == "success":
            continue
        name = plugin.get("pluginName", "?")
        for violation in plugin.get("violations", []):
            if str(violation.get("severity", "error")).lower() in _NOT_FAILING:
                continue
            rule = violation.get("ruleName", "?")
            lines.append(f"  - [{name}] {rule}: {violation.get('description', '').strip()}")
            for where in violation.get("violatingConstructs", []):
                resource = where.get("cloudFormationResource") or {}
                place = ", ".join(
                    str(x) for x in (resource.get("logicalId"), resource.get("templatePath")) if x
                )
                shown = where.get("constructPath", "?") + (f" ({place})" if place else "")
                lines.append(f"      resource: {shown}")
            fix = (violation.get("suggestedFix") or "").strip()
            if fix:
                lines.append(f"      fix: {fix}")
            lines.append(
                f"      or, when it is accepted on purpose, acknowledge "
                f"'{name.replace(' ', '-')}::{rule}' on that construct "
                "(Validations.of(construct).acknowledge(...)), with the reason"
            )
    return lines


@dataclasses.dataclass(frozen=True)
class AppSettings:
    """What ``app.py`` builds, read from the whole context at once (:func:`read_app_settings`).

    ``role``, ``studio`` and ``stackset`` are the keyword arguments of ``StudioStackConfig``,
    ``StudioAppConfig`` and the StackSet's targets; ``role`` is ``None`` with ``createStudio``,
    ``studio`` without it, ``stackset`` without the StackSet keys.
    """

    create_studio: bool
    role: Optional[Dict[str, Any]]
    studio: Optional[Dict[str, Any]]
    stackset: Optional[Dict[str, Any]]


def read_app_settings(scope: Any) -> AppSettings:
    """Every key of ``scope``'s context, read and checked at once; raises every problem together."""
    from .context import ContextReader
    from .context_settings import read_role_settings, read_stackset_settings, read_studio_settings

    r = ContextReader.of(scope)
    create = bool(r.boolean("createStudio"))
    stackset = read_stackset_settings(r)
    role = None if create else read_role_settings(r)
    studio = read_studio_settings(r) if create else None
    r.raise_problems()
    return AppSettings(create_studio=create, role=role, studio=studio, stackset=stackset)


def explain_synth_failure(error: BaseException, outdir: Optional[str] = None) -> Optional[str]:
    """The reasons of a synth that CDK's validation failed, or ``None`` for any other error.

    ``outdir``: the cloud assembly directory, where CDK writes ``validation-report.json``
    (default: the path the error names).
    """
    text = str(error)
    if _NODE_ERRORS in text:
        body = text.split(_NODE_ERRORS, 1)[1]
        errors = [line.strip() for line in body.splitlines() if line.strip().startswith("[")]
        lines = [f"  - {line}" for line in errors] or [f"  {body.strip().splitlines()[0]}"]
        return "error: synth failed: a construct's validation failed:\n" + "\n".join(lines)
    if "ValidationFailed" not in text:
        return None
    found = _REPORT_PATH.search(text)
    path = Path(found.group(1)) if found else Path(outdir or ".") / "validation-report.json"
    try:
        report = json.loads(path.read_text())
    except (OSError, ValueError):
        return f"error: synth failed in CDK's validation; its report ({path}) could not be read"
    lines = _violations(report)
    count = sum(1 for line in lines if line.startswith("  - "))
    return (
        f"error: synth failed: {count} finding(s) of CDK's validation plugins "
        f"(the full report: {path}):\n" + "\n".join(lines)
    )


def synth_or_exit(app: App) -> cxapi.CloudAssembly:
    """``app.synth()``; when CDK's validation fails it, exit with the reasons (no traceback)."""
    try:
        return app.synth()
    except RuntimeError as error:  # jsii raises the JavaScript error as a RuntimeError
        message = explain_synth_failure(error, app.outdir)
        if message is None:
            raise
        sys.exit(message)


def build_app(app: App, *, nag: bool = True) -> None:
    """Add the app's stacks to ``app``, as its context asks, and (``nag``) the validation plugins.

    Raises :class:`~emr_studio_role.EmrStudioRoleValidationError` listing every problem of the
    context at once, each naming its context key.
    """
    from .checks import EmrStudioChecks
    from .nag import nag_plugins
    from .stack import EmrStudioServiceRoleStack, StudioStackConfig
    from .stackset import add_stackset_stack
    from .studio_stack import EmrStudioStack, StudioAppConfig

    settings = read_app_settings(app)
    if settings.studio is not None:
        # createStudio=true: the Studio too, with its VPC (or vpcId and subnetIds).
        EmrStudioStack(app, "EmrStudioStack", config=StudioAppConfig(**settings.studio))
    else:
        config = StudioStackConfig(**(settings.role or {}))
        EmrStudioServiceRoleStack(app, "EmrStudioServiceRoleStack", config=config)
        if settings.stackset is not None:
            add_stackset_stack(app, targets=settings.stackset, config=config)
    if nag:
        # The four cdk-nag packs, and this package's own check of every EMR Studio role in the app.
        Validations.of(app).add_plugins(*nag_plugins(app), EmrStudioChecks())
