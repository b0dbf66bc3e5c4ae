"""One reader for every context key of the app: the role stack's, the Studio stack's, the StackSet's.

``cdk synth -c key=value`` gives strings; ``"context"`` in ``cdk.json`` may also give JSON
numbers, booleans, lists or objects.  :class:`ContextReader` reads each key one way, whatever
stack reads it:

* a key that differs from a key of the app only in case, or by a small edit
  (``createstudio``, ``studioname``, ``stackSetCalAs``), is refused with the right spelling
  (:func:`misspelled_keys`), instead of being silently ignored;
* a value is text after its outer white space is removed; an empty or blank value is refused,
  never taken as "not given";
* a JSON number is taken as its digits (``"account": 111122223333``); a JSON boolean is taken
  only by the true/false keys; a JSON list only by the list keys (a comma-separated string
  works the same); anything else is refused, naming the key;
* booleans are ``true``/``false`` in any case; lists are comma-separated, with no empty item and
  no item twice; account ids, regions, VPC, subnet and security-group ids, organizational units
  and ARNs have the shapes CloudFormation's resource schemas give them;
* every problem names the key the user typed and the value (escaped: a newline shows as ``\\n``)
  and says what is allowed; all problems are raised at once.

The checks between keys (``subnetIds`` without ``vpcId``, StackSet keys with keys that name
one account's resources, ...) are made by :mod:`emr_studio_role.context_settings`
(``read_role_settings``, ``read_studio_settings``, ``read_stackset_settings``), which return
the keyword arguments of ``StudioStackConfig``, ``StudioAppConfig`` and
``EmrStudioRoleStackSet``.
"""

from __future__ import annotations

import contextlib
import difflib
import enum
import json
import re
from typing import Any, Callable, Dict, Iterable, Iterator, List, Mapping, Optional, Sequence, Tuple, Type

from .errors import APP_CONTEXT, EmrStudioRoleValidationError
from .validation import REGION_RE

# --------------------------------------------------------------------------- the keys

#: The role stack's keys (``EmrStudioServiceRoleStack``), in the README's order.
ROLE_KEYS: Tuple[str, ...] = (
    "bucketName",
    "prefix",
    "kmsKeyArn",
    "workspaceKmsKeyArn",
    "compute",
    "gitSecretAccess",
    "gitSecretArns",
    "userRoleArn",
    "workspaceCollaboration",
    "vpcId",
    "subnetIds",
    "securityGroupIds",
    "tagImportedResources",
    "roleName",
    "rolePath",
    "account",
    "region",
)
#: The Studio stack's keys (``EmrStudioStack``, with ``createStudio=true``).
STUDIO_KEYS: Tuple[str, ...] = (
    "createStudio",
    "vpcId",
    "subnetIds",
    "studioName",
    "authMode",
    "prefix",
    "tagImportedResources",
    "account",
    "region",
)
#: The StackSet's keys (``EmrStudioRoleStackSet``, with the role stack's keys for its member).
STACKSET_KEYS: Tuple[str, ...] = (
    "stackSetOrganizationalUnits",
    "stackSetRegions",
    "stackSetCallAs",
)
#: Every key of the app, each once.
ALL_KEYS: Tuple[str, ...] = tuple(dict.fromkeys(ROLE_KEYS + STUDIO_KEYS + STACKSET_KEYS))

#: Keys whose value is a list (comma-separated, or a JSON list in cdk.json).
LIST_KEYS = frozenset(
    {"gitSecretArns", "subnetIds", "securityGroupIds", "stackSetOrganizationalUnits", "stackSetRegions"}
)
#: Keys whose value is true or false.
BOOL_KEYS = frozenset({"workspaceCollaboration", "tagImportedResources", "createStudio"})

# --------------------------------------------------------------------------- the shapes

_PARTITION = r"aws(?:-[a-z]+)*"
#: ``AWS::CloudFormation::StackSet`` ``DeploymentTargets.OrganizationalUnitIds``: an OU or a root.
OU_ID_RE = re.compile(r"ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}|r-[a-z0-9]{4,32}")
BUCKET_NAME_RE = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
KMS_KEY_ARN_RE = re.compile(rf"arn:{_PARTITION}:kms:{REGION_RE.pattern}:[0-9]{{12}}:key/[A-Za-z0-9-]+")
SECRET_ARN_RE = re.compile(
    rf"arn:{_PARTITION}:secretsmanager:{REGION_RE.pattern}:[0-9]{{12}}:secret:"
    r"[A-Za-z0-9/_+=.@-]+-[A-Za-z0-9]{6}"
)
ROLE_ARN_RE = re.compile(
    rf"arn:{_PARTITION}:iam::([0-9]{{12}}):role/(?:[\w+=,.@-]+/)*[\w+=,.@-]{{1,64}}", re.ASCII
)
#: ``AWS::EMR::Studio`` ``Name``: 1 to 256 of ``A-Z a-z 0-9 _ -``.
STUDIO_NAME_RE = re.compile(r"[A-Za-z0-9_-]{1,256}")

#: The most subnets a Studio takes ("select a maximum of five subnets", Create an EMR Studio).
MAX_STUDIO_SUBNETS = 5

_ID_HELP = {
    "vpc": "a VPC ID (vpc- and 8 or 17 hex digits)",
    "subnet": "subnet IDs (subnet- and 8 or 17 hex digits), comma-separated",
    "security group": "security group IDs (sg- and 8 or 17 hex digits), comma-separated",
}

#: What each key allows, for messages.
HELP: Mapping[str, str] = {
    "bucketName": "an S3 bucket name (3 to 63 characters: lowercase letters, digits, '.' and '-', "
    "starting and ending with a letter or digit; no wildcard)",
    "prefix": "a key prefix such as studio/",
    "kmsKeyArn": "a KMS key ARN (arn:<partition>:kms:<region>:<account>:key/<key id>)",
    "workspaceKmsKeyArn": "a KMS key ARN (arn:<partition>:kms:<region>:<account>:key/<key id>)",
    "compute": "EC2_OR_EKS or EMR_SERVERLESS",
    "gitSecretAccess": "TAGGED_SECRETS, LISTED_SECRETS or USER_ROLE",
    "gitSecretArns": "complete Secrets Manager secret ARNs "
    "(arn:<partition>:secretsmanager:<region>:<account>:secret:<name>-<6 characters>, no wildcard), "
    "comma-separated",
    "userRoleArn": "an IAM role ARN (arn:<partition>:iam::<account>:role/<path/><name>, no wildcard)",
    "workspaceCollaboration": "true or false",
    "vpcId": _ID_HELP["vpc"],
    "subnetIds": _ID_HELP["subnet"],
    "securityGroupIds": _ID_HELP["security group"],
    "tagImportedResources": "true or false",
    "roleName": "an IAM role name",
    "rolePath": "an IAM path such as /emr/",
    "account": "a 12-digit AWS account ID",
    "region": "an AWS region name such as eu-west-1",
    "createStudio": "true or false",
    "studioName": "a Studio name: 1 to 256 characters of A-Z, a-z, 0-9, _ and - (AWS::EMR::Studio Name)",
    "authMode": "IAM or IAM_IDENTITY_CENTER",
    "stackSetOrganizationalUnits": "comma-separated organizational unit IDs (ou-<root>-<8 to 32 "
    "characters>) or an organization root ID (r-<4 to 32 characters>)",
    "stackSetRegions": "comma-separated region codes such as eu-west-1,us-east-1",
    "stackSetCallAs": "SELF or DELEGATED_ADMIN",
}

# What the CDK CLI and cdk.json put in the context besides the user's keys: feature flags
# (``@aws-cdk/...``), CLI settings (``aws:cdk:...``) and cached lookups (``vpc-provider:...``).
# They all hold one of these characters; no key of the app does.
_NOT_USER_KEY = re.compile(r"[@:/]")


def shown(value: Any, limit: int = 80) -> str:
    """A context value as a message shows it: escaped (``repr``), long ones cut."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 4] + "...'"


# --------------------------------------------------------------------------- near misses


def _edit_distance(a: str, b: str) -> int:
    """Optimal string alignment distance: insertions, deletions, substitutions, transpositions."""
    previous2: List[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1]


def near_key(key: str, known: Sequence[str] = ALL_KEYS) -> Optional[str]:
    """The key of ``known`` that ``key`` was probably meant to be, or ``None``.

    Near means equal but for case; or, compared in lower case, at most 2 edits apart (1 for
    keys of 6 characters or less); or close by ``difflib``'s ratio (0.8 or more).
    """
    lower = {k.lower(): k for k in known}
    folded = key.lower()
    if folded in lower:
        return lower[folded]
    best = min(lower, key=lambda k: (_edit_distance(folded, k), k))
    if _edit_distance(folded, best) <= (1 if len(best) <= 6 else 2):
        return lower[best]
    close = difflib.get_close_matches(folded, list(lower), n=1, cutoff=0.8)
    return lower[close[0]] if close else None


def misspelled_keys(keys: Iterable[str], known: Sequence[str] = ALL_KEYS) -> List[str]:
    """A problem for each context key that looks like a key of the app but is not one.

    Feature flags, CLI settings and lookups are skipped; keys far from every key of the app
    are left to whoever reads them.
    """
    problems = []
    for key in sorted(set(keys)):
        if key in known or _NOT_USER_KEY.search(key):
            continue
        near = near_key(key, known)
        if near is not None:
            problems.append(
                f"context '{key}': not a key of this app; did you mean {near}? "
                f"(allowed keys: {', '.join(known)})"
            )
    return problems


# --------------------------------------------------------------------------- the reader


class ContextReader:
    """Reads context keys with ``get(key)``, one parser per kind of value; collects problems.

    ``keys``: every key present in the context, to refuse misspelled ones.  Nothing raises
    until :meth:`raise_problems`.
    """

    def __init__(self, get: Callable[[str], Any], *, keys: Iterable[str] = ()) -> None:
        self._get = get
        self.problems: List[str] = misspelled_keys(keys)
        self._read: Dict[str, Any] = {}

    @classmethod
    def of(cls, scope: Any) -> ContextReader:
        """A reader of ``scope``'s context (usually the ``App``), with every key it holds.

        The context is read once, whole (``node.get_all_context()``: what ``try_get_context``
        returns for each key, the nearest scope's value first), not with a round trip to the
        jsii runtime for every key the app knows."""
        context = dict(scope.node.get_all_context())
        return cls(context.get, keys=context.keys())

    def refuse(self, key: str, message: str) -> None:
        """Record a problem with ``key`` (``message`` follows ``context '<key>': ``)."""
        self.problems.append(f"context '{key}': {message}")

    def raise_problems(self) -> None:
        if self.problems:
            raise EmrStudioRoleValidationError(APP_CONTEXT, list(dict.fromkeys(self.problems)))

    def given(self, key: str) -> bool:
        """True when ``key`` is in the context (with any value, even an empty one)."""
        return self._get(key) is not None

    def present(self, key: str) -> bool:
        """True when ``key`` holds a value that is not empty or blank (valid or not)."""
        value = self._get(key)
        return value is not None and not (isinstance(value, str) and not value.strip())

    def raw(self, key: str) -> Any:
        return self._get(key)

    # ------------------------------------------------------------- scalars

    def _scalar(self, key: str, value: Any) -> Optional[str]:
        """One value as text: a string stripped, a JSON number as its digits; else a problem."""
        allowed = HELP[key]
        if isinstance(value, bool):
            self.refuse(key, f"got {json.dumps(value)} (a JSON boolean); allowed: {allowed}")
            return None
        if isinstance(value, int):
            return str(value)
        if isinstance(value, float):
            self.refuse(key, f"got {value!r} (a JSON number with a fraction); allowed: {allowed}")
            return None
        if isinstance(value, (list, tuple)):
            self.refuse(key, f"got the list {shown(value)}; allowed: one value, {allowed}")
            return None
        if not isinstance(value, str):
            self.refuse(key, f"got {shown(value)} (a JSON {type(value).__name__}); allowed: {allowed}")
            return None
        text = value.strip()
        if not text:
            self.refuse(
                key,
                f"got {'an empty' if not value else 'a blank'} value {shown(value)}; "
                f"allowed: {allowed}, or leave the key out",
            )
            return None
        return text

    def text(self, key: str, pattern: Optional[re.Pattern[str]] = None) -> Optional[str]:
        """``key`` as text (``None`` when absent); with ``pattern``, the whole text must match."""
        value = self._get(key)
        if value is None:
            return None
        text = self._scalar(key, value)
        if text is not None and pattern is not None and not pattern.fullmatch(text):
            note = ""
            if key == "account" and isinstance(value, int) and len(text) < 12:
                note = " (a JSON number drops leading zeros: write the account as a string)"
            self.refuse(key, f"got {shown(value)}; allowed: {HELP[key]}{note}")
            return None
        return text

    def boolean(self, key: str) -> Optional[bool]:
        """``true``/``false`` in any case, or a JSON boolean; ``None`` when absent."""
        value = self._get(key)
        if value is None or isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in ("true", "false"):
            return value.strip().lower() == "true"
        if isinstance(value, str) and not value.strip():
            self._scalar(key, value)  # the empty-value message
            return None
        self.refuse(key, f"got {shown(value)}; allowed: true or false")
        return None

    def choice(self, key: str, enum_type: Type[enum.Enum], names: Optional[Mapping[str, Any]] = None) -> Any:
        """A member of ``enum_type`` by name, in any case; ``None`` when absent."""
        text = self.text(key)
        if text is None:
            return None
        members = dict(names) if names is not None else {m.name: m for m in enum_type}
        member = members.get(text.upper())
        if member is None:
            self.refuse(key, f"got {shown(self._get(key))}; allowed: {HELP[key]}")
        return member

    # --------------------------------------------------------------- lists

    def items(self, key: str, pattern: Optional[re.Pattern[str]] = None) -> Tuple[str, ...]:
        """A list key: comma-separated text or a JSON list; no empty item, no item twice."""
        value = self._get(key)
        if value is None:
            return ()
        if isinstance(value, str):
            if not value.strip():
                self._scalar(key, value)  # the empty-value message
                return ()
            parts: List[Any] = value.split(",")
        elif isinstance(value, (list, tuple)):
            if not value:
                self.refuse(key, f"got an empty list; allowed: {HELP[key]}, or leave the key out")
                return ()
            parts = list(value)
        else:
            parts = [value]  # one JSON number: refused or taken as its digits below
        out: List[str] = []
        for part in parts:
            if isinstance(part, str) and not part.strip():
                self.refuse(
                    key, f"got {shown(value)}, which has an empty item; allowed: {HELP[key]}"
                )
                continue
            text = self._scalar(key, part)
            if text is not None and self._fits(key, text, pattern):
                out.append(text)
        twice = sorted({t for t in out if out.count(t) > 1})
        if twice:
            self.refuse(
                key, f"got {', '.join(shown(t) for t in twice)} more than once; allowed: each once"
            )
        return tuple(dict.fromkeys(out))

    def _fits(self, key: str, text: str, pattern: Optional[re.Pattern[str]]) -> bool:
        if pattern is None or pattern.fullmatch(text):
            return True
        self.refuse(key, f"got {shown(text)}; allowed: {HELP[key]}")
        return False


# --------------------------------------------------------------------------- construct refusals


@contextlib.contextmanager
def naming_context_keys(prop_keys: Mapping[str, str]) -> Iterator[None]:
    """Re-raise a construct's refusal as the app context's, each problem naming its context key.

    ``prop_keys`` maps a prop of the construct to the context key it came from; a problem that
    names a prop (the longest one it names: ``workspace_encryption_key``, not
    ``encryption_key``) gets ``[context key '<key>']``.
    """
    try:
        yield
    except EmrStudioRoleValidationError as error:
        raise with_context_keys(error, prop_keys) from error


def with_context_keys(
    error: EmrStudioRoleValidationError, prop_keys: Mapping[str, str]
) -> EmrStudioRoleValidationError:
    """:func:`naming_context_keys` for one error."""
    problems = []
    for problem in error.problems:
        # The prop the problem is about comes first ("subnets[0] (subnet id): got ..."); else the
        # longest prop it names.
        lead = re.match(r"[a-z_]+", problem)
        if lead is not None and lead.group(0) in prop_keys:
            prop: Optional[str] = lead.group(0)
        else:
            props = [p for p in prop_keys if re.search(rf"(?<![\w.]){re.escape(p)}\b", problem)]
            prop = max(props, key=len) if props else None
        hint = f" [context key '{prop_keys[prop]}']" if prop is not None else ""
        problems.append(f"{problem}{hint}")
    return EmrStudioRoleValidationError(APP_CONTEXT, problems)
