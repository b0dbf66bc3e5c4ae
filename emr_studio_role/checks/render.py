"""CloudFormation values rendered as text, in one template of an app, with references followed.

The rules compare ARNs, names and S3 locations as text.  :class:`Renderer` turns a
value (a literal or an intrinsic function) into that text where its meaning is certain
(``Ref`` and ``Fn::GetAtt`` of resources in the same template, ``Fn::Join``,
``Fn::Sub``, ``Fn::ImportValue`` of another template's export and
``Fn::GetStackOutput`` of another stack's output, pseudo parameters), and into an
opaque token that only matches itself otherwise, so that a rule reports rather than
guesses.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from typing import Any, Callable, Iterable, Mapping, Optional, Tuple

from .model import AppTemplates, Json, props

#: How ``Ref AWS::Partition`` renders: the stack's partition, whichever it is.  A rule
#: accepts it wherever it accepts a partition's name (:data:`PARTITIONS`).
STACK_PARTITION = "${AWS.Partition}"
#: How ``Ref AWS::URLSuffix`` renders (``amazonaws.com``, ``amazonaws.com.cn``...).
STACK_URL_SUFFIX = "${AWS.URLSuffix}"

#: AWS's partitions (``aws_cdk.region_info``; tests/unit/test_checks.py keeps this in step).
PARTITIONS = frozenset(
    ("aws", "aws-cn", "aws-eusc", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-us-gov")
)


class Renderer:
    """Renders a CloudFormation value as text, in one template of the app.

    Buckets render as their literal name, else ``${<template>#<logical id>}``, and a
    bucket's ``Arn`` as ``arn:${AWS.Partition}:s3:::<name>``; other references as
    ``${<template>#<logical id>[.attr]}``; pseudo parameters as ``${AWS.Partition}``,
    ``${AWS.Region}``...; anything else as an opaque ``${~<hash>}`` token that only
    matches itself.
    """

    def __init__(self, app: Optional[AppTemplates], path: str) -> None:
        self.app = app
        self.path = path

    def _resource(self, logical_id: str) -> Optional[Json]:
        if self.app is None:
            return None
        return self.app.resources(self.path).get(logical_id)

    def _ref(self, name: str) -> str:
        if name.startswith("AWS::"):
            return "${AWS." + name[len("AWS::") :] + "}"
        resource = self._resource(name)
        if resource is not None and resource.get("Type") == "AWS::S3::Bucket":
            literal = props(resource).get("BucketName")
            if isinstance(literal, str):
                return literal
        return "${" + f"{os.path.basename(self.path)}#{name}" + "}"

    def _get_att(self, logical_id: str, attr: str) -> str:
        resource = self._resource(logical_id)
        if resource is not None and resource.get("Type") == "AWS::S3::Bucket" and attr == "Arn":
            return f"arn:{STACK_PARTITION}:s3:::" + self._ref(logical_id)
        return "${" + f"{os.path.basename(self.path)}#{logical_id}.{attr}" + "}"

    def render(self, value: Json) -> str:
        if isinstance(value, str):
            return value
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, (int, float)):
            return str(value)
        if isinstance(value, dict) and len(value) == 1:
            (fn, arg), = value.items()
            if fn == "Ref" and isinstance(arg, str):
                return self._ref(arg)
            if fn == "Fn::GetAtt":
                parts = get_att_arguments(arg)
                if parts is not None:
                    return self._get_att(*parts)
            if fn == "Fn::Join" and isinstance(arg, list) and len(arg) == 2:
                sep, parts = arg
                if isinstance(sep, str) and isinstance(parts, list):
                    return sep.join(self.render(p) for p in parts)
            if fn == "Fn::Sub":
                return self._sub(arg)
            if fn in ("Fn::ImportValue", "Fn::GetStackOutput"):
                target = self._import(fn, arg)
                if target is not None:
                    path, exported = target
                    return Renderer(self.app, path).render(exported)
        return opaque(value)

    def _import(self, fn: str, arg: Json) -> Optional[Tuple[str, Json]]:
        """Where ``Fn::ImportValue`` / ``Fn::GetStackOutput`` leads, in the app."""
        if self.app is None:
            return None
        if fn == "Fn::ImportValue":
            return self.app.exports.get(self.render(arg))
        if isinstance(arg, dict):
            return self.app.stack_output(
                self.render(arg.get("StackName")), self.render(arg.get("OutputName"))
            )
        return None

    def _sub(self, arg: Json) -> str:
        parsed = sub_arguments(arg)
        if parsed is None:
            return opaque({"Fn::Sub": arg})
        text, variables = parsed
        return substitute(text, variables, value=self.render, ref=self._ref, get_att=self._get_att)

    def show(self, value: Json) -> str:
        """The value as a message shows it: rendered, or, where an opaque token would stand,
        the CloudFormation value itself (compact JSON, cut at 160 characters)."""
        rendered = self.render(value)
        if "${~" not in rendered:
            return rendered
        try:
            text = json.dumps(value, separators=(",", ":"), default=str)
        except (TypeError, ValueError):
            text = repr(value)
        return text if len(text) <= 160 else text[:157] + "..."

    # ------------------------------------------------------------ references

    def target(self, value: Json) -> Optional[Tuple[str, str]]:
        """The resource ``(template, logical id)`` a value refers to, if there is one."""
        if isinstance(value, dict) and len(value) == 1:
            (fn, arg), = value.items()
            if fn == "Ref" and isinstance(arg, str) and self._resource(arg) is not None:
                return self.path, arg
            if fn == "Fn::GetAtt":
                parts = arg.split(".", 1) if isinstance(arg, str) else arg
                if isinstance(parts, list) and parts and self._resource(parts[0]) is not None:
                    return self.path, parts[0]
            if fn in ("Fn::ImportValue", "Fn::GetStackOutput"):
                found = self._import(fn, arg)
                if found is not None:
                    return Renderer(self.app, found[0]).target(found[1])
            if fn in ("Fn::Join", "Fn::Sub"):
                # An ARN built around one resource reference (e.g. a role ARN from its name).
                refs = {t for t in (self.target(v) for v in references(value)) if t is not None}
                if len(refs) == 1:
                    return refs.pop()
        return None


def get_att_arguments(arg: Json) -> Optional[Tuple[str, str]]:
    """``Fn::GetAtt``'s argument, ``"X.Attr"`` or ``["X", "Attr"]``, as ``(logical id, attribute)``."""
    parts = arg.split(".", 1) if isinstance(arg, str) else arg
    if isinstance(parts, list) and len(parts) == 2 and all(isinstance(p, str) for p in parts):
        return parts[0], parts[1]
    return None


def sub_arguments(arg: Json) -> Optional[Tuple[str, Mapping[str, Json]]]:
    """``Fn::Sub``'s argument, ``"text"`` or ``["text", {variables}]``, as ``(text, variables)``."""
    if isinstance(arg, str):
        return arg, {}
    if isinstance(arg, list) and len(arg) in (1, 2):
        text, variables = (list(arg) + [{}])[:2]
        if isinstance(text, str) and isinstance(variables, dict):
            return text, variables
    return None


def substitute(
    text: str,
    variables: Mapping[str, Json],
    *,
    value: Callable[[Json], Any],
    ref: Callable[[str], Any],
    get_att: Callable[[str, str], Any],
) -> str:
    """``Fn::Sub``'s text with each ``${...}`` replaced, as CloudFormation does: ``${!X}`` is
    the literal ``${X}``; a name of ``variables`` is ``value(variables[name])``; ``${X.Attr}``
    is ``get_att(X, Attr)``; any other ``${X}`` (a resource, parameter or pseudo parameter) is
    ``ref(X)``.  The callers give what each of those means to them (text for the checks,
    worst-case values for the tests' size measurements)."""

    def one(m: re.Match) -> str:
        name = m.group(1)
        if name.startswith("!"):
            return "${" + name[1:] + "}"
        if name in variables:
            return value(variables[name])
        if "." in name:
            logical_id, attr = name.split(".", 1)
            return get_att(logical_id, attr)
        return ref(name)

    return re.sub(r"\$\{([^}]+)\}", one, text)


def opaque(value: Json) -> str:
    """A token that only matches itself: no ``:``, ``/``, ``*`` or ``?`` to confuse ARN parsing."""
    try:
        text = json.dumps(value, sort_keys=True, default=str)
    except (TypeError, ValueError):  # keys that do not sort together (YAML allows any key)
        text = repr(value)
    digest = hashlib.sha256(text.encode()).hexdigest()[:16]
    return "${~" + digest + "}"


def references(value: Json) -> Iterable[Json]:
    """The references inside a value: Ref, Fn::GetAtt (``${X}`` of Fn::Sub too) and
    cross-stack references."""
    if isinstance(value, dict):
        if len(value) == 1:
            (fn, arg), = value.items()
            if fn in ("Ref", "Fn::GetAtt", "Fn::ImportValue", "Fn::GetStackOutput"):
                yield value
                return
            if fn == "Fn::Sub":
                text = arg if isinstance(arg, str) else (arg[0] if isinstance(arg, list) else "")
                if isinstance(text, str):
                    for name in re.findall(r"\$\{([^!}][^}]*)\}", text):
                        if "." in name:
                            yield {"Fn::GetAtt": name.split(".", 1)}
                        elif not name.startswith("AWS::"):
                            yield {"Ref": name}
                return
        for v in value.values():
            yield from references(v)
    elif isinstance(value, list):
        for v in value:
            yield from references(v)
