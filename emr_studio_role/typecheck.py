"""Runtime type checks of props and method arguments, with messages that name the prop.

Why not ``typeguard`` alone: the typeguard that jsii brings (2.13) treats every
jsii interface (``s3.IBucket``, ``ec2.ISubnet``, ...) as a ``Protocol`` it cannot
check, so a string, an ``ec2.Vpc`` or an L1 ``CfnBucket`` all pass as an
``s3.IBucket``.  jsii objects do record what they implement: a class lists its
interfaces in ``__jsii_ifaces__``, and an object returned by the jsii runtime for
an interface (``Bucket.from_bucket_name``, ``Subnet.from_subnet_id``) is a proxy
whose delegates are that interface's proxy classes.  :func:`implements` reads
both; :func:`check` walks ``Optional``, ``Union`` and ``Sequence`` around them.
"""

from __future__ import annotations

import enum
import typing
from typing import Any, List, Tuple

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
