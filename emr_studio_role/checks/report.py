"""The command line's reports: readable text, JSON, and SARIF 2.1.0 (what code-scanning
services read).  Each is a pure function of the result and the templates' texts."""

from __future__ import annotations

import json
import os
from pathlib import PurePath
from typing import Any, Dict, List, Mapping
from urllib.parse import quote

from .load import resource_line
from .model import ERROR, WARNING, Finding
from .rules import FIXES, RULE_IDS, RULE_SECURITY_GROUPS, SUMMARIES
from .run import Inventory, Result

TOOL = "emr-studio-check"
#: The page the rules come from.
INFORMATION_URI = "https://docs.aws.amazon.com/emr/latest/ManagementGuide/emr-studio-service-role.html"
SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
#: The level a rule's findings have unless a finding says otherwise.
DEFAULT_LEVELS = {rule: ERROR for rule in RULE_IDS}
DEFAULT_LEVELS[RULE_SECURITY_GROUPS] = WARNING


def _version() -> str:
    # Read when a report is made: the package imports this subpackage before it sets it.
    from .. import __version__

    return __version__


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def inventory_line(inventory: Inventory) -> str:
    """What was checked, in one line; says so when nothing was found to check."""
    head = f"Checked {_count(inventory.templates, 'template', 'templates')}: "
    if not (inventory.studios or inventory.studio_roles or inventory.other_emr_roles
            or inventory.studio_security_groups):
        return head + (
            "found no EMR Studio (AWS::EMR::Studio), no EMR Studio service role, no role trusted "
            "by EMR and no EMR Studio security group: nothing to check."
        )
    parts = [
        _count(inventory.studios, "EMR Studio", "EMR Studios"),
        _count(inventory.studio_roles, "EMR Studio service role", "EMR Studio service roles"),
        _count(inventory.other_emr_roles, "other role trusted by EMR", "other roles trusted by EMR"),
        _count(inventory.studio_security_groups, "EMR Studio security group", "EMR Studio security groups"),
    ]
    return head + ", ".join(parts) + "."


def totals_line(findings: List[Finding]) -> str:
    errors = sum(f.severity == ERROR for f in findings)
    warnings = len(findings) - errors
    if not findings:
        return "No findings."
    return f"{_count(errors, 'error', 'errors')}, {_count(warnings, 'warning', 'warnings')}."


def _line(texts: Mapping[str, str], finding: Finding) -> int:
    text = texts.get(finding.template)
    return resource_line(text, finding.logical_id) if text else 0


def _where(finding: Finding, line: int) -> str:
    place = f"{finding.template}:{line}" if line else finding.template
    return f"{place} (Resources/{finding.logical_id}/{finding.location})"


def text_report(result: Result, texts: Mapping[str, str]) -> str:
    """One block per finding, as cfn-lint prints: the rule, its severity and the message; the
    fix; the file, line and the resource's path.  Then what was checked, and the totals."""
    blocks = []
    for finding in result.findings:
        blocks.append(
            f"{finding.rule} [{finding.severity}] {finding.message}\n"
            f"Fix: {FIXES[finding.rule]}\n"
            f"{_where(finding, _line(texts, finding))}\n"
        )
    tail = f"{inventory_line(result.inventory)}\n{totals_line(list(result.findings))}\n"
    return "\n".join(blocks + [tail])


def _finding_json(finding: Finding, texts: Mapping[str, str]) -> Dict[str, Any]:
    return {
        "rule": finding.rule,
        "severity": finding.severity,
        "template": finding.template,
        "line": _line(texts, finding) or None,
        "logicalId": finding.logical_id,
        "location": f"Resources/{finding.logical_id}/{finding.location}",
        "message": finding.message,
        "fix": FIXES[finding.rule],
    }


def json_report(result: Result, texts: Mapping[str, str]) -> str:
    """The findings and what was checked, as JSON."""
    findings = list(result.findings)
    document = {
        "tool": TOOL,
        "version": _version(),
        "inventory": result.inventory.__dict__,
        "summary": {
            "errors": sum(f.severity == ERROR for f in findings),
            "warnings": sum(f.severity != ERROR for f in findings),
        },
        "findings": [_finding_json(f, texts) for f in findings],
    }
    return json.dumps(document, indent=2) + "\n"


def artifact_uri(path: str) -> str:
    """A template's path as a SARIF artifact URI: relative paths as relative references
    (forward slashes, percent-encoded), absolute ones as ``file:`` URIs."""
    if os.path.isabs(path):
        return PurePath(path).as_uri()
    return quote(PurePath(os.path.normpath(path)).as_posix())


def sarif_report(result: Result, texts: Mapping[str, str], exit_code: int = 0) -> str:
    """The findings as a SARIF 2.1.0 log: one run, one result per finding, each rule with its
    summary and fix."""
    rules = [
        {
            "id": rule,
            "name": rule.replace("EmrStudio-", ""),
            "shortDescription": {"text": SUMMARIES[rule]},
            "help": {"text": FIXES[rule]},
            "helpUri": INFORMATION_URI,
            "defaultConfiguration": {"level": DEFAULT_LEVELS[rule]},
        }
        for rule in RULE_IDS
    ]
    results = []
    for finding in result.findings:
        line = _line(texts, finding)
        physical: Dict[str, Any] = {"artifactLocation": {"uri": artifact_uri(finding.template)}}
        if line:
            physical["region"] = {"startLine": line}
        results.append(
            {
                "ruleId": finding.rule,
                "ruleIndex": RULE_IDS.index(finding.rule),
                "level": finding.severity,
                "message": {"text": f"{finding.message} Fix: {FIXES[finding.rule]}"},
                "locations": [
                    {
                        "physicalLocation": physical,
                        "logicalLocations": [
                            {
                                "name": finding.logical_id,
                                "fullyQualifiedName": f"Resources/{finding.logical_id}/{finding.location}",
                                "kind": "resource",
                            }
                        ],
                    }
                ],
            }
        )
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": TOOL,
                        "version": _version(),
                        "informationUri": INFORMATION_URI,
                        "rules": rules,
                    }
                },
                "invocations": [{"executionSuccessful": True, "exitCode": exit_code}],
                "results": results,
                "properties": {"inventory": result.inventory.__dict__},
            }
        ],
    }
    return json.dumps(log, indent=2) + "\n"
