"""``emr-studio-check``: every rule of ``EmrStudioChecks`` on CloudFormation templates, from
the command line (also ``python -m emr_studio_role.checks``).

    emr-studio-check template.yaml [more templates ...]
    emr-studio-check cdk.out
    emr-studio-check --format sarif --output emr-studio.sarif cdk.out

Exit status: 0 when no rule is broken at error level (warnings are printed), 1 when one is,
2 when an input cannot be read (one line naming the file, on standard error).
"""

from __future__ import annotations

import argparse
import sys
from typing import List, Optional, Sequence

from .load import InputError, read_inputs
from .model import ERROR
from .report import TOOL, inventory_line, json_report, sarif_report, text_report, totals_line
from .run import run_checks

#: Exit statuses.
CLEAN, VIOLATED, BAD_INPUT = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=TOOL,
        description=(
            "Check CloudFormation templates (JSON or YAML) or a cdk.out folder against AWS's "
            "EMR Studio pages: the service role's trust and guarded statements, the Studio's S3 "
            "location grant, the EMR tag on its network. Cross-stack references between the "
            "templates given are followed. No AWS account or network is used."
        ),
        epilog="Exit status: 0 clean (warnings allowed), 1 a rule broken at error level, 2 bad input.",
    )
    parser.add_argument("paths", nargs="+", metavar="TEMPLATE_OR_CDK_OUT",
                        help="a template file (JSON, or YAML with the yaml extra) or a cdk.out folder")
    parser.add_argument("--format", choices=("text", "json", "sarif"), default="text",
                        help="the report's format (default: text)")
    parser.add_argument("-o", "--output", metavar="FILE",
                        help="write the report to FILE (default: standard output)")
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the command with ``argv`` (default: the process's arguments); return its exit status."""
    args = _parser().parse_args(argv)
    try:
        inputs = read_inputs(args.paths)
    except InputError as error:
        print(f"{TOOL}: {error}", file=sys.stderr)
        return BAD_INPUT
    result = run_checks(inputs.templates, inputs.stacks)
    status = VIOLATED if any(f.severity == ERROR for f in result.findings) else CLEAN
    if args.format == "json":
        report = json_report(result, inputs.texts)
    elif args.format == "sarif":
        report = sarif_report(result, inputs.texts, status)
    else:
        report = text_report(result, inputs.texts)
    if args.output:
        try:
            with open(args.output, "w", encoding="utf-8") as f:
                f.write(report)
        except OSError as error:
            print(f"{TOOL}: {args.output}: {error.strerror or error}", file=sys.stderr)
            return BAD_INPUT
    else:
        sys.stdout.write(report)
    if args.output or args.format != "text":
        # What was checked, where a person reads it (the report itself went elsewhere).
        summary: List[str] = [inventory_line(result.inventory), totals_line(list(result.findings))]
        print("\n".join(summary), file=sys.stderr if not args.output else sys.stdout)
    return status
