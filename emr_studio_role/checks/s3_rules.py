"""The service role's S3 grant against the Studio's ``DefaultS3Location``:
``EmrStudio-DefaultS3LocationGrant`` (the location is granted) and
``EmrStudio-S3GrantScope`` (no bucket beyond it by a wildcard)."""

from __future__ import annotations

from typing import List, Optional, Sequence, Tuple

from .. import statements as st
from .model import Finding, Json, props
from .policies import RolePolicies, Statement, actions, iam_match, unread_note
from .render import PARTITIONS, STACK_PARTITION, Renderer
from .rules import RULE_S3, RULE_S3_SCOPE

#: Object keys under the Studio's prefix that a grant must cover (characters no
#: policy names literally, so only a wildcard covers them).
_PROBES = ("\x01emr-studio-probe", "\x02workspace/\x03notebook.ipynb")
S3_OBJECT_ACTIONS_NEEDED: Tuple[str, ...] = ("s3:putobject", "s3:getobject")


def parse_s3_location(rendered: str) -> Optional[Tuple[str, str]]:
    """``s3://bucket/prefix`` -> ``(bucket, prefix)``, the prefix ending in ``/`` unless empty."""
    if not rendered.startswith("s3://"):
        return None
    bucket, _, prefix = rendered[len("s3://") :].partition("/")
    if not bucket:
        return None
    if prefix and not prefix.endswith("/"):
        prefix += "/"
    return bucket, prefix


def granted_object_actions(statements: Sequence[Statement], bucket: str, prefix: str) -> List[str]:
    """Which of s3:PutObject / s3:GetObject the statements allow on every object under the
    location, in one partition: the stack's (``Ref AWS::Partition``) or a partition named
    literally, as ``Bucket.from_bucket_name`` in a stack of a known region writes it."""
    best: List[str] = []
    for partition in (STACK_PARTITION, *sorted(PARTITIONS)):
        granted = _granted_in(statements, [f"arn:{partition}:s3:::{bucket}/{prefix}{p}" for p in _PROBES])
        if len(granted) > len(best):
            best = granted
    return best


def _granted_in(statements: Sequence[Statement], objects: Sequence[str]) -> List[str]:
    granted = []
    for action in S3_OBJECT_ACTIONS_NEEDED:
        for s in statements:
            if s.get("Effect") != "Allow" or "Action" not in s or "Resource" not in s:
                continue
            if not any(iam_match(a, action) for a in actions(s)):
                continue
            patterns = s["Resource"]
            if all(any(iam_match(p, o) for p in patterns) for o in objects):
                granted.append(action)
                break
    return granted


def check_default_s3_location(
    logical_id: str,
    studio: Json,
    policies: Optional[RolePolicies],
    template: str = "",
    renderer: Optional[Renderer] = None,
) -> List[Finding]:
    """Rule ``EmrStudio-DefaultS3LocationGrant`` for one ``AWS::EMR::Studio``.

    ``policies`` are its service role's (``None`` when the role is not in the app);
    ``renderer`` resolves the Studio's own properties in its template.
    """
    renderer = renderer or Renderer(None, template)
    location = renderer.render(props(studio).get("DefaultS3Location"))
    parsed = parse_s3_location(location)
    shown = renderer.show(props(studio).get("DefaultS3Location"))
    where = "Properties/DefaultS3Location"
    if parsed is None:
        return [
            Finding(RULE_S3, template, logical_id, where,
                    f"Studio {logical_id}: DefaultS3Location {shown} is not an s3:// URI.")
        ]
    if policies is None:
        role = renderer.show(props(studio).get("ServiceRole"))
        return [
            Finding(RULE_S3, template, logical_id, "Properties/ServiceRole",
                    f"Studio {logical_id}: its service role {role} is not in the app, so the "
                    f"grant on {shown} cannot be checked.")
        ]
    bucket, prefix = parsed
    granted = granted_object_actions(policies.statements, bucket, prefix)
    missing = [a for a in S3_OBJECT_ACTIONS_NEEDED if a not in granted]
    if not missing:
        return []
    names = {"s3:putobject": "s3:PutObject", "s3:getobject": "s3:GetObject"}
    return [
        Finding(
            RULE_S3,
            template,
            logical_id,
            where,
            f"Studio {logical_id}: its service role's policies do not allow "
            f"{' and '.join(names[m] for m in missing)} on the objects of its "
            f"DefaultS3Location {shown}{unread_note(policies)}.",
        )
    ]


# ---------------------------------------------------------------------------
# EmrStudio-S3GrantScope
# ---------------------------------------------------------------------------

#: The page's S3 actions (step 3): the ones whose resources must name the Studio's bucket.
PAGE_S3_ACTIONS: Tuple[str, ...] = tuple(
    a.lower() for a in (*st.S3_OBJECT_ACTIONS, *st.S3_BUCKET_ACTIONS)
)


def holds_page_object_statement(statements: Sequence[Statement]) -> bool:
    """Some Allow statement grants exactly the page's three object actions (``s3:PutObject``,
    ``s3:GetObject``, ``s3:DeleteObject``), as its "Minimum service role for EMR Serverless"
    does: with EMR's trust, an EMR Studio service role."""
    wanted = frozenset(a.lower() for a in st.S3_OBJECT_ACTIONS)
    return any(s.get("Effect") == "Allow" and actions(s) == wanted for s in statements)


def wildcard_bucket(resource: str) -> bool:
    """The resource names S3 buckets by a wildcard: ``*``, ``arn:<p>:s3:::*``,
    ``arn:<p>:s3:::notebooks-*/studio/*``."""
    parts = resource.split(":", 5)
    if len(parts) < 6:
        return "*" in resource or "?" in resource
    if parts[0] != "arn" or not iam_match(parts[2], "s3"):
        return False
    bucket = parts[5].split("/", 1)[0]
    return "*" in bucket or "?" in bucket


def check_s3_grant_scope(
    logical_id: str,
    policies: RolePolicies,
    locations: Sequence[str] = (),
    template: str = "",
) -> List[Finding]:
    """Rule ``EmrStudio-S3GrantScope`` for the policies of one EMR Studio service role.

    ``locations`` are the ``DefaultS3Location`` of the Studios that use the role (as text),
    named in the message.
    """
    findings = []
    for statement in policies.statements:
        if statement.get("Effect") != "Allow" or "Action" not in statement or "Resource" not in statement:
            continue
        granted = sorted(
            {a for a in PAGE_S3_ACTIONS for pattern in actions(statement) if iam_match(pattern, a)}
        )
        if not granted:
            continue
        broad = [r for r in statement["Resource"] if wildcard_bucket(r)]
        if not broad:
            continue
        sid = statement.get("Sid")
        named = f"statement '{sid}'" if sid else "a statement without Sid"
        where = (
            f"the Studio's DefaultS3Location {', '.join(locations)}"
            if locations
            else "the Studio's DefaultS3Location"
        )
        shown = {a.lower(): a for a in (*st.S3_OBJECT_ACTIONS, *st.S3_BUCKET_ACTIONS)}
        findings.append(
            Finding(
                RULE_S3_SCOPE,
                template,
                logical_id,
                "Properties",
                f"Role {logical_id}'s {named} allows {', '.join(shown[a] for a in granted)} on "
                f"{', '.join(broad)}: every bucket whose name matches, in any account that allows "
                f"it. AWS's page (step 3) grants the Studio's S3 location only: name the bucket of "
                f"{where}.",
            )
        )
    return findings
