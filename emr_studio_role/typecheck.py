"""Runtime type checks of props and method arguments, with messages that name the prop.

Why not ``typeguard`` alone: the typeguard that jsii brings (2.13) treats every
jsii interface (``s3.IBucket``, ``ec2.ISubnet``, ...) as a ``Protocol`` it cannot
check, so a string, an ``ec2.Vpc`` or an L1 ``CfnBucket`` all pass as an
``s3.IBucket``.  jsii objects do record what they implement: a class lists its
interfaces in ``__jsii_ifaces__``, and an object returned by the jsii runtime for
an interface (``Bucket.from_bucket_name``, ``Subnet.from_subnet_id``) is a proxy
whose delegates are that interface's proxy classes.  :func:`implements` reads
both; :func:`check` walks ``Optional``, ``Union`` and ``Sequence`` around them.

:func:`hints_by_prop` adds the fix for the type mistakes CDK users make most (an id or ARN
string where a construct is expected, with the ``from_*`` import to use; an L1 ``CfnBucket``;
``vpc.select_subnets(...)`` as ``subnets``), and :func:`check_types` checks every prop at
once, a hint where there is one.
"""

from __future__ import annotations

import enum
import typing
from typing import Any, Dict, List, Mapping, Set, Tuple

from jsii._reference_map import InterfaceDynamicProxy


def implements(value: Any, interface: type) -> bool:
    """True when the jsii object ``value`` is, or implements, ``interface``."""
    if isinstance(value, InterfaceDynamicProxy):
        return any(implements(d, interface) for d in value._delegates)
    if not _is_protocol(interface) and isinstance(value, interface):
        return True
    for cls in type(value).__mro__:
        if cls is interface:
            return True
        for declared in getattr(cls, "__jsii_ifaces__", None) or ():
            if interface in getattr(declared, "__mro__", ()):
                return True
    proxy = getattr(interface, "__jsii_proxy_class__", None)
    return proxy is not None and isinstance(value, proxy())


def _is_protocol(tp: Any) -> bool:
    return bool(getattr(tp, "_is_protocol", False))


def describe(value: Any) -> str:
    """A value as a message shows it: a construct by its path, never a jsii proxy's repr."""
    if isinstance(value, (list, tuple)):
        inner = ", ".join(describe(v) for v in value[:5])
        more = ", ..." if len(value) > 5 else ""
        return f"[{inner}{more}]"
    node = getattr(value, "node", None) if _is_jsii(value) else None
    if node is not None:
        try:
            return f"{_type_name(value)} at '{node.path}'"
        except Exception:  # pragma: no cover - a jsii object without a path
            pass
    if _is_jsii(value):
        return f"a {_type_name(value)}"
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "...'"


def _is_jsii(value: Any) -> bool:
    return isinstance(value, InterfaceDynamicProxy) or hasattr(type(value), "__jsii_type__")


def _type_name(value: Any) -> str:
    if isinstance(value, InterfaceDynamicProxy):
        names = [type(d).__name__.lstrip("_").replace("Proxy", "") for d in value._delegates]
        names = [n for n in names if n != "Resource"] or names
        return names[-1]
    return type(value).__name__


def type_name(tp: Any) -> str:
    """How a message names an expected type: ``s3.IBucket``, ``a sequence of ec2.ISubnet``."""
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin is typing.Union:
        names = [type_name(a) for a in args if a is not type(None)]
        text = " or ".join(names)
        return f"{text} or None" if type(None) in args else text
    if origin is not None and _is_sequence_origin(origin):
        inner = args[0] if args else Any
        return f"a list of {type_name(inner)}"
    if tp is bool:
        return "True or False"
    if tp is str:
        return "a string"
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return " or ".join(f"{tp.__name__}.{m.name}" for m in tp)
    module = getattr(tp, "__module__", "")
    if module.startswith("aws_cdk."):
        return f"{module.split('.')[-1].replace('aws_', '')}.{tp.__name__}"
    return getattr(tp, "__name__", str(tp))


def matches(value: Any, tp: Any) -> bool:
    """True when ``value`` is of type ``tp`` (``bool`` is exact: ``"false"`` and ``1`` are not)."""
    if tp is Any:
        return True
    if tp is type(None):
        return value is None
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin is typing.Union:
        return any(matches(value, a) for a in args)
    if origin is not None and _is_sequence_origin(origin):
        if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple)):
            return False
        inner = args[0] if args else Any
        return all(matches(v, inner) for v in value)
    if tp is bool:
        return type(value) is bool
    if tp is int:
        return type(value) is int
    if tp is str:
        return isinstance(value, str)
    if _is_protocol(tp) or hasattr(tp, "__jsii_type__") or hasattr(tp, "__jsii_proxy_class__"):
        return _is_jsii(value) and implements(value, tp)
    return isinstance(value, tp)


def _is_sequence_origin(origin: Any) -> bool:
    import collections.abc

    return origin in (list, tuple, collections.abc.Sequence)


def check(prop: str, value: Any, tp: Any) -> List[str]:
    """Problems with one prop: ``[]`` or one message naming the prop, the value and the type."""
    if matches(value, tp):
        return []
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    inner_seq = [a for a in args if typing.get_origin(a) and _is_sequence_origin(typing.get_origin(a))]
    seq = tp if origin is not None and _is_sequence_origin(origin) else (inner_seq[0] if inner_seq else None)
    if seq is not None and isinstance(value, (list, tuple)):
        (inner,) = typing.get_args(seq) or (Any,)
        bad: List[Tuple[int, Any]] = [(i, v) for i, v in enumerate(value) if not matches(v, inner)]
        if bad:
            i, v = bad[0]
            more = f" (and {len(bad) - 1} more)" if len(bad) > 1 else ""
            return [
                f"{prop}[{i}]: got {describe(v)}{more}; allowed: {type_name(inner)}"
            ]
    return [f"{prop}: got {describe(value)}; allowed: {type_name(tp)}"]


def check_all(values: typing.Mapping[str, Any], types: typing.Mapping[str, Any]) -> List[str]:
    """:func:`check` for each prop of ``types`` present in ``values``."""
    problems: List[str] = []
    for prop, tp in types.items():
        if prop in values:
            problems += check(prop, values[prop], tp)
    return problems


# --------------------------------------------------------------------------- hints for common mistakes


def _shown(value: Any) -> str:
    if not isinstance(value, str):
        return describe(value)
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "...'"


#: Props that take a construct, the interface, and how to import an existing one from a string.
_STRING_HINTS: Mapping[str, Tuple[str, str]] = {
    "bucket": ("an s3.IBucket", "s3.Bucket.from_bucket_name(scope, id, {!r})"),
    "encryption_key": ("a kms.IKey", "kms.Key.from_key_arn(scope, id, {!r})"),
    "workspace_encryption_key": ("a kms.IKey", "kms.Key.from_key_arn(scope, id, {!r})"),
    "permissions_boundary": (
        "an iam.IManagedPolicy", "iam.ManagedPolicy.from_managed_policy_arn(scope, id, {!r})"
    ),
    "vpc": (
        "an ec2.IVpc",
        "ec2.Vpc.from_vpc_attributes(scope, id, vpc_id={!r}, availability_zones=...) or ec2.Vpc.from_lookup",
    ),
    "engine_security_group": (
        "an ec2.ISecurityGroup", "ec2.SecurityGroup.from_security_group_id(scope, id, {!r})"
    ),
    "workspace_security_group": (
        "an ec2.ISecurityGroup", "ec2.SecurityGroup.from_security_group_id(scope, id, {!r})"
    ),
}
#: List props that take constructs, and how to import one item from a string.
_ITEM_STRING_HINTS: Mapping[str, str] = {
    "subnets": "ec2.Subnet.from_subnet_id(scope, id, {!r})",
    "security_groups": "ec2.SecurityGroup.from_security_group_id(scope, id, {!r})",
    "git_secrets": "secretsmanager.Secret.from_secret_complete_arn(scope, id, {!r})",
}


def describe_selection(selection: Any) -> str:
    """A ``SubnetSelection`` as a message shows it: its set fields, never a repr of subnets."""
    values = getattr(selection, "_values", None)
    if not isinstance(values, dict):
        return describe(selection)
    fields = []
    for name, value in values.items():
        if isinstance(value, (list, tuple)):
            shown = f"[{len(value)} item(s)]"
        elif hasattr(value, "name") and hasattr(value, "value"):
            shown = str(value.name)  # an enum member
        else:
            shown = describe(value)
        fields.append(f"{name}={shown}")
    return f"SubnetSelection({', '.join(fields)})"


def hints_by_prop(props: Mapping[str, Any]) -> Dict[str, List[str]]:
    """Type mistakes CDK users commonly make, with the fix, by prop (before the generic type check)."""
    from aws_cdk import aws_ec2 as ec2
    from aws_cdk import aws_s3 as s3

    hints: Dict[str, List[str]] = {}

    def add(prop: str, message: str) -> None:
        hints.setdefault(prop, []).append(message)

    if isinstance(props.get("bucket"), s3.CfnBucket):
        add(
            "bucket",
            f"bucket: got {_shown(props['bucket'])}, an L1 CfnBucket; allowed: an s3.IBucket "
            "(wrap it with s3.Bucket.from_cfn_bucket(cfn_bucket))",
        )
    subnets = props.get("subnets")
    if isinstance(subnets, ec2.SelectedSubnets):
        add(
            "subnets",
            f"subnets: got the result of vpc.select_subnets(...) ({len(subnets.subnets)} subnet(s)); "
            "allowed: a list of ec2.ISubnet ("
            + (
                "pass vpc_subnets=ec2.SubnetSelection(...) with vpc, or "
                if "vpc_subnets" in props
                else "pass "
            )
            + "selected.subnets)",
        )
    if isinstance(props.get("vpc_subnets"), (list, tuple)):
        add(
            "vpc_subnets",
            f"vpc_subnets: got a list ({describe(props['vpc_subnets'])}); allowed: an "
            "ec2.SubnetSelection, such as ec2.SubnetSelection(subnet_type=ec2.SubnetType."
            "PRIVATE_WITH_EGRESS) (for a list of subnets, use subnets=)",
        )
    for prop, (allowed, fix) in _STRING_HINTS.items():
        value = props.get(prop)
        if isinstance(value, str):
            add(
                prop,
                f"{prop}: got the string {_shown(value)}; allowed: {allowed}, not a name, id or ARN "
                f"(for an existing one use {fix.format(value)})",
            )
    for prop, fix in _ITEM_STRING_HINTS.items():
        values = props.get(prop)
        if isinstance(values, (list, tuple)):
            for i, value in enumerate(values):
                if isinstance(value, str):
                    add(
                        prop,
                        f"{prop}[{i}]: got the string {_shown(value)}; allowed: a construct "
                        f"(for an existing one use {fix.format(value)})",
                    )
    return hints


def hint_types(props: Mapping[str, Any]) -> List[str]:
    """:func:`hints_by_prop`, as one list."""
    return [hint for hints in hints_by_prop(props).values() for hint in hints]


def check_types(props: Mapping[str, Any], types: Mapping[str, Any]) -> Tuple[List[str], Set[str]]:
    """Every prop's type: ``(problems, the props whose type is wrong)``; a hint where there is one."""
    hints = hints_by_prop(props)
    problems: List[str] = []
    bad: Set[str] = set()
    for prop, tp in types.items():
        if prop not in props:
            continue
        found = hints.get(prop) or check(prop, props[prop], tp)
        if found:
            problems += found
            bad.add(prop)
    return problems, bad
