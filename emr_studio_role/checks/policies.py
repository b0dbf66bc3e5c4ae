"""A role's policies in the app, with their statements resolved as text."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Dict, List, Mapping, Optional, Tuple

from .model import AppTemplates, Json, as_list, props
from .render import Renderer

#: A statement with its values resolved in its own template: ``Action``, ``Resource``
#: (and ``Not...``) as lists of text, ``Condition`` as ``{operator: {key: [text]}}``.
Statement = Mapping[str, Json]


@dataclass(frozen=True)
class RolePolicies:
    """The resolved statements of every policy a role has in the app, and the
    policies that are not in the app (so could not be read)."""

    statements: Tuple[Statement, ...]
    unreadable: Tuple[str, ...] = ()


def resolve_statement(statement: Mapping[str, Json], renderer: Optional[Renderer] = None) -> Statement:
    """A statement with its intrinsics rendered as text, in the template it comes from."""
    renderer = renderer or Renderer(None, "")
    out: Dict[str, Json] = {}
    for key, value in statement.items():
        if key in ("Action", "NotAction", "Resource", "NotResource"):
            out[key] = [renderer.render(v) for v in as_list(value)]
        elif key == "Condition" and isinstance(value, dict):
            out[key] = {
                str(op): (
                    {str(k): [renderer.render(x) for x in as_list(v)] for k, v in block.items()}
                    if isinstance(block, dict)
                    else renderer.render(block)
                )
                for op, block in value.items()
            }
        elif key in ("Sid", "Effect"):
            out[key] = renderer.render(value)
        else:
            out[key] = value
    return out


def statements_of(document: Json, renderer: Optional[Renderer] = None) -> List[Statement]:
    """The resolved statements of a policy document."""
    if not isinstance(document, dict):
        return []
    return [
        resolve_statement(s, renderer)
        for s in as_list(document.get("Statement"))
        if isinstance(s, dict)
    ]


def actions(statement: Statement) -> frozenset:
    """A statement's actions, lower-cased: IAM actions are case-insensitive."""
    return frozenset(a.lower() for a in statement.get("Action", ()))


def iam_match(pattern: str, value: str) -> bool:
    """IAM's wildcard match: ``*`` any run, ``?`` one character, nothing else special."""
    return _iam_regex(pattern).fullmatch(value) is not None


@functools.lru_cache(maxsize=4096)
def _iam_regex(pattern: str) -> re.Pattern[str]:
    """The compiled regular expression of an IAM wildcard pattern (a check asks for the same
    few patterns many times: each action and ARN pattern of each statement)."""
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.compile(regex, flags=re.DOTALL)


def _find_role_by_name(app: AppTemplates, name: str) -> Optional[Tuple[str, str]]:
    for path, logical_id, role in app.all_resources("AWS::IAM::Role"):
        if props(role).get("RoleName") == name:
            return path, logical_id
    return None


def role_target(app: AppTemplates, path: str, value: Json) -> Optional[Tuple[str, str]]:
    """The role a role name, role ARN, Ref or GetAtt points to, if it is in the app."""
    found = Renderer(app, path).target(value)
    if found is not None:
        is_role = app.resources(found[0])[found[1]].get("Type") == "AWS::IAM::Role"
        return found if is_role else None
    if isinstance(value, str):
        name = value.rsplit("/", 1)[-1] if value.startswith("arn:") else value
        return _find_role_by_name(app, name)
    return None


def role_policies(app: AppTemplates, role_key: Tuple[str, str]) -> RolePolicies:
    """Everything the app attaches to one role: its inline ``Policies``, the
    ``AWS::IAM::Policy``, ``AWS::IAM::RolePolicy`` and ``AWS::IAM::ManagedPolicy``
    resources that name it, and its ``ManagedPolicyArns`` found in the app."""
    path, logical_id = role_key
    role = app.resources(path)[logical_id]
    renderer = Renderer(app, path)
    statements: List[Statement] = []
    unreadable: List[str] = []
    for inline in as_list(props(role).get("Policies")):
        if isinstance(inline, dict):
            statements += statements_of(inline.get("PolicyDocument"), renderer)
    attached_managed = set()
    for p_path, p_id, policy in app.all_resources():
        type_ = policy.get("Type")
        policy_props = props(policy)
        if type_ in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"):
            names = as_list(policy_props.get("Roles"))
        elif type_ == "AWS::IAM::RolePolicy":
            names = [policy_props.get("RoleName")]
        else:
            continue
        if any(role_target(app, p_path, n) == role_key for n in names):
            statements += statements_of(policy_props.get("PolicyDocument"), Renderer(app, p_path))
            attached_managed.add((p_path, p_id))
    for arn in as_list(props(role).get("ManagedPolicyArns")):
        target = renderer.target(arn)
        if target is None and isinstance(arn, str):
            name = arn.rsplit("/", 1)[-1]
            target = next(
                (
                    (p, i)
                    for p, i, r in app.all_resources("AWS::IAM::ManagedPolicy")
                    if props(r).get("ManagedPolicyName") == name
                ),
                None,
            )
        if target is None:
            unreadable.append(renderer.render(arn))
        elif target not in attached_managed:
            attached_managed.add(target)
            managed = app.resources(target[0])[target[1]]
            if managed.get("Type") == "AWS::IAM::ManagedPolicy":
                statements += statements_of(
                    props(managed).get("PolicyDocument"), Renderer(app, target[0])
                )
            else:
                unreadable.append(renderer.render(arn))
    return RolePolicies(tuple(statements), tuple(unreadable))


def unread_note(policies: RolePolicies) -> str:
    """`` (policies not in the app, not read: ...)`` when some could not be read, else ``""``."""
    if not policies.unreadable:
        return ""
    return f" (policies not in the app, not read: {', '.join(policies.unreadable)})"
