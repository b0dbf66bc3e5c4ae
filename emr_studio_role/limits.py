"""IAM limits: policy size accounting with token bounds, and packing.

IAM limits a customer-managed policy to 6,144 characters, not counting white
space, and a role to 10 attached managed policies by default.  At synth time
some parts of a policy are CDK tokens (the partition, a bucket's ARN, ...), so
their length is not known; we count each token at a documented upper bound:

=================================  ======  ==========================================
token                              bound   why
=================================  ======  ==========================================
``AWS::Partition``                 10      longest partition name, ``aws-us-gov``
``AWS::Region``                    20      longest region code is 14 (``ap-southeast-5``);
                                           20 leaves room for new ones
``AWS::AccountId``                 12      account IDs are 12 digits
``AWS::URLSuffix``                 20      ``amazonaws.com.cn`` is 17
S3 bucket ARN                      83      ``arn:aws-us-gov:s3:::`` + 63-char bucket name
KMS key ARN                        93      partition 10, region 20, account 12, key ID 36
Secrets Manager secret ARN         590     secret names are at most 512 characters
EC2 id (VPC, subnet, group)        24      ``subnet-`` and 17 hex digits
any other token                    2048    the longest ARN IAM accepts
=================================  ======  ==========================================

A value is counted as the sum of its literal text (as JSON escapes it) and of each
token's bound: pseudo parameters at theirs, the first other token at the bound of
the value's kind (the caller says which kind of ARN it is), any further token at
the unknown bound.  So the sum is always an upper bound of the deployed length,
provided each token's value is a valid value of its kind.

:class:`PolicyPacker` packs statements into as many managed policies as they
need, first the page's, then resources added later, and refuses, before it
changes anything, what would need more policies than the quota.
"""

from __future__ import annotations

import enum
import functools
import json
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple, Union

#: IAM's limit for one customer-managed policy, white space not counted.
MANAGED_POLICY_MAX_CHARS = 6144
#: IAM's limit for all inline policies of one role together, white space not counted.
ROLE_INLINE_POLICIES_MAX_CHARS = 10240
#: IAM's default quota of managed policies attached to one role.
MANAGED_POLICIES_PER_ROLE = 10

PSEUDO_BOUNDS: Mapping[str, int] = {
    "AWS.Partition": 10,
    "AWS.Region": 20,
    "AWS.AccountId": 12,
    "AWS.URLSuffix": 20,
}
#: Upper bound for a token we know nothing about: IAM's longest ARN.
UNKNOWN_TOKEN_BOUND = 2048

_TOKEN = re.compile(r"\$\{Token\[([A-Za-z_.]+?)\.\d+\]\}")


class ArnKind(enum.Enum):
    """Kinds of ARN with a documented maximum length (see the module docstring)."""

    BUCKET = 83
    KMS_KEY = 93
    SECRET = 590
    #: An EC2 id in an ARN: ``vpc-``, ``subnet-`` or ``sg-`` and at most 17 hex digits.
    EC2_ID = 24
    ANY = UNKNOWN_TOKEN_BOUND


@functools.lru_cache(maxsize=4096)
def bound_length(value: str, kind: ArnKind = ArnKind.ANY) -> int:
    """Upper bound of ``value``'s deployed length in a policy document, without its quotes.

    Literal text counts as JSON writes it (escapes included); each pseudo-parameter
    token at its bound; the first other token at ``kind``'s bound (the longest value
    of that kind of ARN: a part of one is no longer), and every further one at
    :data:`UNKNOWN_TOKEN_BOUND`.  The sum is an upper bound: a token next to literal
    text (``<bucket ARN>/studio/*``) counts as both.
    """
    total = 0
    last = 0
    first_other = True
    for m in _TOKEN.finditer(value):
        total += _literal_length(value[last : m.start()])
        last = m.end()
        pseudo = PSEUDO_BOUNDS.get(m.group(1))
        if pseudo is not None:
            total += pseudo
        elif first_other:
            total += kind.value
            first_other = False
        else:
            total += UNKNOWN_TOKEN_BOUND
    return total + _literal_length(value[last:])


def _literal_length(text: str) -> int:
    """Length of literal text inside a JSON string: escapes count (``"`` is ``\\"``)."""
    return len(json.dumps(text)) - 2


#: How a resource string is bounded: by the kind of ARN it is, or by a bound the caller
#: computed (a composite value such as ``<bucket ARN>/<prefix>*``).
Bound = Union[ArnKind, int]


def value_bound(value: str, kind: Bound) -> int:
    """:func:`bound_length` of ``value`` as ``kind``, or ``kind`` itself when it is a number."""
    return kind if isinstance(kind, int) else bound_length(value, kind)


def _bound_json(node: Any, kind_of: Mapping[str, Bound]) -> int:
    if isinstance(node, str):
        return value_bound(node, kind_of.get(node, ArnKind.ANY)) + 2  # the quotes
    if isinstance(node, Mapping):
        items = list(node.items())
        return 2 + max(len(items) - 1, 0) + sum(
            _bound_json(k, kind_of) + 1 + _bound_json(v, kind_of) for k, v in items
        )
    if isinstance(node, (list, tuple)):
        return 2 + max(len(node) - 1, 0) + sum(_bound_json(v, kind_of) for v in node)
    return len(json.dumps(node))


def statement_bound(statement: Mapping[str, Any], kind_of: Mapping[str, Bound]) -> int:
    """Upper bound of one statement's length in a policy, with the comma that follows it.

    ``kind_of`` maps resource strings holding tokens to their :class:`ArnKind`.
    Resources are always counted as a list, so adding one later costs
    :func:`resource_bound` only.
    """
    stmt = dict(statement)
    resources = stmt.get("Resource")
    if isinstance(resources, str):
        stmt["Resource"] = [resources]
    return _bound_json(stmt, kind_of) + 1


@functools.lru_cache(maxsize=4096)
def _first_resource_cost(shape: StatementShape, arn: str, kind: Bound) -> int:
    """:func:`statement_bound` of ``shape`` with ``arn`` alone.  The same for every role of a
    stack (its page statements hold the same ARNs), so computed once."""
    return statement_bound(shape.body([arn]), {arn: kind})


def resource_bound(arn: str, kind: Bound) -> int:
    """What one more resource costs in a statement's ``Resource`` list."""
    return value_bound(arn, kind) + 3  # quotes and a comma


#: ``{"Version":"2012-10-17","Statement":[]}``
DOCUMENT_OVERHEAD = len('{"Version":"2012-10-17","Statement":[]}')


def document_length(document: Mapping[str, Any]) -> int:
    """The length IAM counts for a resolved, concrete policy document (no white space)."""
    return len(json.dumps(document, separators=(",", ":")))


# --------------------------------------------------------------------------- packing


@dataclass(frozen=True)
class StatementShape:
    """A statement that takes resources one at a time: its Sid, actions, condition and the kind
    of ARN it holds."""

    sid: str
    actions: Tuple[str, ...]
    kind: ArnKind
    condition: Mapping[str, Mapping[str, Any]] = field(default_factory=dict, hash=False)

    def body(self, resources: List[str]) -> Dict[str, Any]:
        out: Dict[str, Any] = {
            "Sid": self.sid,
            "Effect": "Allow",
            "Action": list(self.actions) if len(self.actions) > 1 else self.actions[0],
            "Resource": resources if len(resources) > 1 else resources[0],
        }
        if self.condition:
            out["Condition"] = {k: dict(v) for k, v in self.condition.items()}
        return out


@dataclass
class _PlannedSlot:
    used: int
    new: bool
    #: Statements this plan adds to the slot, in order: (shape, resources, open for more).
    added: List[Tuple[StatementShape, List[str], bool]] = field(default_factory=list)
    #: The open statement of each shape in this slot: index into ``added``, or -1 for one
    #: that exists already.
    open: Dict[StatementShape, int] = field(default_factory=dict)
    #: Resources appended to statements that exist already.
    appended: Dict[StatementShape, List[str]] = field(default_factory=dict)


class PolicyOverflowError(Exception):
    """More managed policies would be needed than the quota allows (``needed`` of them)."""

    def __init__(self, needed: int) -> None:
        super().__init__(needed)
        self.needed = needed


class PolicyPacker:
    """Packs statements into customer-managed policies of at most 6,144 characters (bounded).

    ``new_policy(n, statements)`` creates the ``n``-th policy (1-based) holding the given
    ``iam.PolicyStatement`` list.  With ``as_document=True`` it is
    ``new_policy(n, document, statements)``: the policy's leading fixed statements come as
    JSON (``document``, for one ``iam.PolicyDocument.from_json``: one round trip to the
    jsii runtime for all of them), and only the rest as handles.

    Statements go to the last policy while it has room, else into a new one; a statement
    whose resources do not fit is split across policies.  A call either adds everything
    or, when more than ``quota`` policies would be needed, raises
    :class:`PolicyOverflowError` before it creates or changes anything.
    """

    def __init__(
        self,
        new_policy: Callable[..., Any],
        *,
        quota: int = MANAGED_POLICIES_PER_ROLE,
        as_document: bool = False,
    ) -> None:
        self._new_policy = new_policy
        self._as_document = as_document
        self.quota = quota
        #: The policies, in order, and the size bound of each.
        self.policies: List[Any] = []
        self.bounds: List[int] = []
        #: The open statement of each shape in the last policy: (iam.PolicyStatement, used).
        self._open: Dict[StatementShape, Any] = {}

    @staticmethod
    def _statements(
        added: Sequence[Tuple[StatementShape, List[str], bool]], as_json: int
    ) -> Tuple[List[Dict[str, Any]], List[Any], Dict[StatementShape, Any]]:
        """The first ``as_json`` statements as JSON, the rest as ``iam.PolicyStatement`` handles,
        and the handles of the extendable ones by shape."""
        from aws_cdk import aws_iam as iam

        document = [shape.body(resources) for shape, resources, _ in added[:as_json]]
        handles: List[Any] = []
        opened: Dict[StatementShape, Any] = {}
        for shape, resources, extendable in added[as_json:]:
            handles.append(iam.PolicyStatement.from_json(shape.body(resources)))
            if extendable:
                opened[shape] = handles[-1]
        return document, handles, opened

    # The plan is pure Python: nothing is created until it is known to fit.
    def _plan(
        self,
        items: Sequence[Tuple[StatementShape, Sequence[str], bool]],
        bounds: Mapping[str, int],
    ) -> Tuple[List[_PlannedSlot], List[List[int]]]:
        """The slots the items go to (the last existing one first, if any), and for each item
        the indexes of the slots that hold its resources."""
        slots: List[_PlannedSlot] = []
        where: List[List[int]] = []
        if self.bounds:
            slots.append(
                _PlannedSlot(self.bounds[-1], False, open={shape: -1 for shape in self._open})
            )

        def fresh() -> _PlannedSlot:
            slot = _PlannedSlot(DOCUMENT_OVERHEAD, True)
            slots.append(slot)
            return slot

        for shape, resources, extendable in items:
            touched: List[int] = []
            where.append(touched)
            pending = list(resources)
            current: Optional[Tuple[_PlannedSlot, int]] = None  # statement being filled
            while pending:
                arn = pending[0]
                slot = slots[-1] if slots else fresh()
                room = MANAGED_POLICY_MAX_CHARS - slot.used
                kind: Bound = bounds.get(arn, shape.kind)
                grow = resource_bound(arn, kind)
                if current is not None and current[0] is slot and grow <= room:
                    slot.added[current[1]][1].append(arn)
                elif current is None and extendable and shape in slot.open and grow <= room:
                    index = slot.open[shape]
                    if index < 0:
                        slot.appended.setdefault(shape, []).append(arn)
                    else:
                        slot.added[index][1].append(arn)
                else:
                    cost = _first_resource_cost(shape, arn, kind)
                    if cost > room:
                        if slot.new and not slot.added:
                            raise ValueError(
                                f"one statement '{shape.sid}' with resource {arn!r} is larger than "
                                f"a managed policy ({cost} > {MANAGED_POLICY_MAX_CHARS - DOCUMENT_OVERHEAD})"
                            )
                        fresh()
                        current = None
                        continue
                    slot.added.append((shape, [arn], extendable))
                    index = len(slot.added) - 1
                    current = (slot, index)
                    if extendable:
                        slot.open[shape] = index
                    grow = cost
                slot.used += grow
                pending.pop(0)
                if not touched or touched[-1] != len(slots) - 1:
                    touched.append(len(slots) - 1)
        return slots, where

    def add(
        self,
        items: Sequence[Tuple[StatementShape, Sequence[str], bool]],
        bounds: Optional[Mapping[str, int]] = None,
    ) -> List[List[Any]]:
        """Add statements ``(shape, resources, extendable)``, in order; return, for each item,
        the policies that hold its resources.  ``bounds`` gives the bound of a resource that
        its shape's kind does not cover (a composite value).

        An extendable statement merges with the open statement of the same shape in
        the last policy; a fixed one is always a statement of its own (split across
        policies when its resources do not fit).
        """
        slots, where = self._plan(items, bounds or {})
        new_count = sum(1 for s in slots if s.new)
        needed = len(self.policies) + new_count
        if needed > self.quota:
            raise PolicyOverflowError(needed)
        policy_of: List[Any] = []
        for slot in slots:
            # A new policy takes its leading fixed statements (the page's) as one document;
            # only statements that a later call may extend need handles of their own.
            fixed = next((i for i, (_, _, ext) in enumerate(slot.added) if ext), len(slot.added))
            as_json = fixed if slot.new and self._as_document else 0
            document, statements, opened = self._statements(slot.added, as_json)
            if slot.new:
                count = len(self.policies) + 1
                self.policies.append(
                    self._new_policy(count, document, statements)
                    if self._as_document
                    else self._new_policy(count, statements)
                )
                self.bounds.append(slot.used)
                self._open = opened
            else:
                for shape, resources in slot.appended.items():
                    self._open[shape].add_resources(*resources)
                if statements:
                    self.policies[-1].add_statements(*statements)
                self.bounds[-1] = slot.used
                self._open.update(opened)
            policy_of.append(self.policies[-1])
        return [[policy_of[i] for i in touched] for touched in where]
