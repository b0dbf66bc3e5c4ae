"""Property-based test (issue 8): every policy fits IAM's limit and the construct's own bound,
and no granted resource holds a wildcard the construct was not meant to write, for random mixes
of inputs; or the construct refuses clearly.

Inputs: owned and imported buckets (``s3.Bucket``, ``Bucket.from_bucket_name``,
``from_bucket_attributes``, a bucket name from a ``CfnParameter``), keys (``kms.Key``,
``Key.from_key_arn``), Git secrets (``LISTED_SECRETS`` with ``from_secret_complete_arn``,
``from_secret_name_v2`` and owned ``Secret``), owned and imported subnets and security
groups with or without ``tag_imported_resources``, literal prefixes and token prefixes
(``CfnParameter(...).value_as_string``, ``Aws.ACCOUNT_ID`` inside a literal), given to
``EmrStudioServiceRole`` and ``add_storage_location``, in environment-bound and
environment-agnostic stacks; and a few inputs that hold a wildcard themselves, which must
be refused.

Each template is resolved with worst-case values (tests/worst_case.py): partition
``aws-us-gov``, a 14-character region, a 12-digit account, 63-character names for owned
buckets, the longest value of each other attribute.

``make test`` runs a fixed set of 15 examples (derandomized) plus the ``@example`` cases
below; ``make fuzz`` runs 500 random ones (EMR_STUDIO_HYPOTHESIS_PROFILE=fuzz).

The same property holds for ``EmrStudio`` (below): 2 derandomized examples and 2 explicit ones
in ``make test`` (a Studio takes about half a second to build and synthesize), 150 random
ones in ``make fuzz``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Set, Tuple

import pytest
from aws_cdk import Aws, CfnParameter, Environment, Stack
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_secretsmanager as secretsmanager
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as hs

from emr_studio_role import (
    EmrStudio,
    EmrStudioRoleValidationError,
    EmrStudioServiceRole,
    GitSecretAccess,
    StudioAuthMode,
    UserPolicyLevel,
)
from emr_studio_role import statements as st
from emr_studio_role import user_policies as up
from emr_studio_role.limits import MANAGED_POLICY_MAX_CHARS
from tests.helpers import cdk_app
from tests.worst_case import (
    ACCOUNT,
    PARTITION,
    REGION,
    WorstCase,
    granted_resources,
    iam_length,
    managed_policies,
)

IAM_MANAGED_POLICY_MAX = 6144
ENV = Environment(account="111122223333", region="eu-west-1")

_COMMON = dict(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
)
# make test: 15 generated plans besides the explicit @example cases (each a full synth);
# make fuzz: 500, randomized.
settings.register_profile(
    "emr-studio-role-quick", max_examples=15, derandomize=True, database=None, **_COMMON
)
settings.register_profile("emr-studio-role-fuzz", max_examples=500, **_COMMON)
PROFILE = settings.get_profile(
    "emr-studio-role-fuzz"
    if os.environ.get("EMR_STUDIO_HYPOTHESIS_PROFILE") == "fuzz"
    else "emr-studio-role-quick"
)

# ------------------------------------------------------------------ the inputs, as data


@dataclass(frozen=True)
class BucketIn:
    #: "owned" (s3.Bucket), "owned_kms" (s3.Bucket with its own KMS key), "name"
    #: (from_bucket_name), "attributes" (from_bucket_attributes with an ARN), "parameter"
    #: (from_bucket_name of a CfnParameter), "wildcard" (an ARN with '*': must be refused).
    kind: str
    name_length: int = 63


@dataclass(frozen=True)
class PrefixIn:
    #: "none", "literal", "parameter" (a CfnParameter alone), "parameter_slash"
    #: (f"{parameter}/"), "literal_parameter" (f"teams/{parameter}/"), "account"
    #: (f"teams/{Aws.ACCOUNT_ID}/<literal>"), "wildcard" (holds '*': must be refused).
    kind: str
    text: str = "studio"


@dataclass(frozen=True)
class KeyIn:
    #: "owned" (kms.Key), "arn" (from_key_arn, literal), "parameter" (from_key_arn of a
    #: CfnParameter), "wildcard" (from_key_arn("arn:aws:kms:*:*:key/*"): must be refused).
    kind: str


@dataclass(frozen=True)
class SecretIn:
    #: "complete" (from_secret_complete_arn), "name" (from_secret_name_v2), "owned"
    #: (Secret), "wildcard" (a name holding '*': must be refused).
    kind: str
    name_length: int = 20


@dataclass(frozen=True)
class LocationIn:
    bucket: BucketIn
    prefix: PrefixIn
    key: Optional[KeyIn] = None


@dataclass(frozen=True)
class Plan:
    env_bound: bool
    first: LocationIn
    workspace_key: Optional[KeyIn] = None
    access: str = "TAGGED_SECRETS"
    secrets: Tuple[SecretIn, ...] = ()
    imported_subnets: int = 0
    imported_groups: int = 0
    imported_vpc: bool = False
    owned_network: bool = False
    wildcard_subnet: bool = False
    tag_imported: bool = False
    more: Tuple[LocationIn, ...] = ()


_SEGMENT = hs.text("abcdefghijklmnopqrstuvwxyz0123456789-_.", min_size=1, max_size=40)
_LITERAL_PREFIX = hs.builds(
    lambda segments, slash, pad: "/".join(segments) + ("x" * pad) + ("/" if slash else ""),
    hs.lists(_SEGMENT, min_size=1, max_size=6),
    hs.booleans(),
    hs.sampled_from([0, 0, 100, 400]),
)
prefixes = hs.one_of(
    hs.builds(PrefixIn, hs.sampled_from(["none", "parameter", "parameter_slash", "literal_parameter"])),
    hs.builds(PrefixIn, hs.sampled_from(["literal", "account"]), _LITERAL_PREFIX),
)
keys = hs.builds(KeyIn, hs.sampled_from(["owned", "arn", "arn", "parameter"]))
buckets = hs.builds(
    BucketIn,
    hs.sampled_from(["owned", "owned_kms", "name", "attributes", "parameter"]),
    hs.sampled_from([3, 40, 63]),
)
locations = hs.builds(LocationIn, buckets, prefixes, hs.none() | keys)
secrets = hs.builds(SecretIn, hs.sampled_from(["complete", "name", "owned"]), hs.integers(1, 200))


@hs.composite
def plans(draw) -> Plan:
    access = draw(hs.sampled_from(["TAGGED_SECRETS", "LISTED_SECRETS", "USER_ROLE"]))
    secret_list = draw(hs.lists(secrets, min_size=1 if access == "LISTED_SECRETS" else 0, max_size=45))
    hostile = draw(hs.sampled_from([None] * 12 + ["bucket", "prefix", "key", "secret", "subnet"]))
    first = draw(locations)
    workspace_key = draw(hs.none() | keys)
    if hostile == "bucket":
        first = LocationIn(BucketIn("wildcard"), first.prefix, first.key)
    elif hostile == "prefix":
        first = LocationIn(first.bucket, PrefixIn("wildcard", "*/"), first.key)
    elif hostile == "key":
        workspace_key = KeyIn("wildcard")
    elif hostile == "secret":
        secret_list = [*secret_list, SecretIn("wildcard")]
    return Plan(
        env_bound=draw(hs.booleans()),
        first=first,
        workspace_key=workspace_key,
        access=access,
        secrets=tuple(secret_list),
        imported_subnets=draw(hs.integers(0, 60)),
        imported_groups=draw(hs.integers(0, 20)),
        imported_vpc=draw(hs.booleans()),
        owned_network=draw(hs.integers(0, 4)) == 4,  # one in five; shrinks to False
        wildcard_subnet=hostile == "subnet",
        tag_imported=draw(hs.booleans()),
        more=tuple(draw(hs.lists(locations, max_size=25))),
    )


# ------------------------------------------------------------------ building the app

#: Worst-case value of a prefix given as a parameter: the longest key prefix that leaves
#: room for "/" and one character in S3's 1,024-byte key; no trailing "/".
PREFIX_PARAMETER_VALUE = "p" * 1022
#: A key ARN given as a parameter: the longest key ARN.
KEY_PARAMETER_VALUE = f"arn:{PARTITION}:kms:{REGION}:{ACCOUNT}:key/" + "k" * 36


class Built:
    """The stack made from a plan, and what the property needs to judge its template."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.app = cdk_app()
        self.stack = Stack(self.app, "PropertyStack", env=ENV if plan.env_bound else None)
        self.parameters: Dict[str, str] = {}
        self.n = 0
        #: (bucket ARN, prefix) of every location handed to the construct, as tokens/strings.
        self.locations: List[Tuple[str, str]] = []
        #: secret_arn of each secret known by name (the construct appends "-??????").
        self.partial_secrets: List[str] = []
        self.role: Optional[EmrStudioServiceRole] = None
        self.refusals: List[str] = []

    def _id(self, kind: str) -> str:
        self.n += 1
        return f"{kind}{self.n}"

    def _parameter(self, kind: str, value: str) -> str:
        pid = self._id(kind)
        self.parameters[pid] = value
        return CfnParameter(self.stack, pid).value_as_string

    def bucket(self, b: BucketIn) -> s3.IBucket:
        bid = self._id("Bucket")
        literal = bid.lower() + "-" + "b" * max(b.name_length - len(bid) - 1, 1)
        if b.kind == "owned":
            return s3.Bucket(self.stack, bid)
        if b.kind == "owned_kms":
            return s3.Bucket(self.stack, bid, encryption=s3.BucketEncryption.KMS)
        if b.kind == "name":
            return s3.Bucket.from_bucket_name(self.stack, bid, literal)
        if b.kind == "attributes":
            return s3.Bucket.from_bucket_attributes(self.stack, bid, bucket_arn=f"arn:aws:s3:::{literal}")
        if b.kind == "parameter":
            value = bid.lower() + "-" + "q" * (62 - len(bid))
            return s3.Bucket.from_bucket_name(self.stack, bid, self._parameter("BucketName", value))
        assert b.kind == "wildcard"
        # CDK itself refuses the name "*"; with a name given, it takes the ARN as it is.
        return s3.Bucket.from_bucket_attributes(
            self.stack, bid, bucket_arn="arn:aws:s3:::*", bucket_name="named-bucket"
        )

    def prefix(self, p: PrefixIn) -> Optional[str]:
        if p.kind == "none":
            return None
        if p.kind in ("literal", "wildcard"):
            return p.text
        if p.kind == "account":
            return f"teams/{Aws.ACCOUNT_ID}/{p.text}"
        value = self._parameter("Prefix", PREFIX_PARAMETER_VALUE)
        if p.kind == "parameter":
            return value
        if p.kind == "parameter_slash":
            return f"{value}/"
        assert p.kind == "literal_parameter"
        return f"teams/{value}/"

    def key(self, k: Optional[KeyIn]) -> Optional[kms.IKey]:
        if k is None:
            return None
        kid = self._id("Key")
        if k.kind == "owned":
            return kms.Key(self.stack, kid)
        if k.kind == "arn":
            return kms.Key.from_key_arn(
                self.stack, kid, f"arn:aws:kms:eu-west-1:111122223333:key/{kid.lower():0>36}"[-80:]
            )
        if k.kind == "parameter":
            return kms.Key.from_key_arn(self.stack, kid, self._parameter("KeyArn", KEY_PARAMETER_VALUE))
        assert k.kind == "wildcard"
        return kms.Key.from_key_arn(self.stack, kid, "arn:aws:kms:*:*:key/*")

    def secret(self, s: SecretIn) -> secretsmanager.ISecret:
        sid = self._id("Secret")
        name = f"git-{sid.lower()}-" + "s" * max(s.name_length - len(sid) - 5, 1)
        if s.kind == "complete":
            return secretsmanager.Secret.from_secret_complete_arn(
                self.stack, sid, f"arn:aws:secretsmanager:eu-west-1:111122223333:secret:{name}-AbCdEf"
            )
        if s.kind == "name":
            secret = secretsmanager.Secret.from_secret_name_v2(self.stack, sid, name)
            self.partial_secrets.append(secret.secret_arn)
            return secret
        if s.kind == "owned":
            return secretsmanager.Secret(self.stack, sid)
        assert s.kind == "wildcard"
        return secretsmanager.Secret.from_secret_name_v2(self.stack, sid, "git*")

    def network(self) -> Dict[str, Any]:
        plan = self.plan
        subnets: List[ec2.ISubnet] = [
            ec2.Subnet.from_subnet_id(self.stack, f"ImportedSubnet{i}", f"subnet-{i:017x}")
            for i in range(plan.imported_subnets)
        ]
        groups: List[ec2.ISecurityGroup] = [
            ec2.SecurityGroup.from_security_group_id(self.stack, f"ImportedSg{i}", f"sg-{i:017x}")
            for i in range(plan.imported_groups)
        ]
        if plan.wildcard_subnet:
            subnets.append(ec2.Subnet.from_subnet_id(self.stack, "WildcardSubnet", "subnet-*"))
        vpc: Optional[ec2.IVpc] = None
        if plan.owned_network:
            vpc = ec2.Vpc(
                self.stack, "Vpc", max_azs=1, nat_gateways=0,
                subnet_configuration=[ec2.SubnetConfiguration(name="s", subnet_type=ec2.SubnetType.PUBLIC)],
            )
            subnets += vpc.public_subnets
            groups.append(ec2.SecurityGroup(self.stack, "OwnedSg", vpc=vpc))
        elif plan.imported_vpc:
            vpc = ec2.Vpc.from_vpc_attributes(
                self.stack, "ImportedVpc", vpc_id="vpc-0123456789abcdef0", availability_zones=["a"]
            )
        return {"vpc": vpc, "subnets": subnets, "security_groups": groups}

    def build(self) -> bool:
        """Build the role; False when the construct refused it (EmrStudioRoleValidationError)."""
        plan = self.plan
        first_bucket = self.bucket(plan.first.bucket)
        first_prefix = self.prefix(plan.first.prefix)
        props: Dict[str, Any] = dict(
            bucket=first_bucket,
            prefix=first_prefix,
            encryption_key=self.key(plan.first.key),
            workspace_encryption_key=self.key(plan.workspace_key),
            git_secret_access=GitSecretAccess[plan.access],
            git_secrets=[self.secret(s) for s in plan.secrets],
            tag_imported_resources=plan.tag_imported,
            **self.network(),
        )
        try:
            self.role = EmrStudioServiceRole(self.stack, "StudioServiceRole", **props)
        except EmrStudioRoleValidationError as e:
            self.refusals.append(str(e))
            return False
        self.locations.append((first_bucket.bucket_arn, first_prefix or ""))
        for location in plan.more:
            bucket = self.bucket(location.bucket)
            prefix = self.prefix(location.prefix)
            try:
                self.role.add_storage_location(bucket, prefix=prefix, encryption_key=self.key(location.key))
            except EmrStudioRoleValidationError as e:
                self.refusals.append(str(e))
                continue
            self.locations.append((bucket.bucket_arn, prefix or ""))
        return True

    def template(self) -> Dict[str, Any]:
        return self.app.synth().get_stack_by_name(self.stack.stack_name).template


# ------------------------------------------------------------------ the property


def _page_wildcards(wc: WorstCase, env_bound: bool) -> Set[str]:
    """The page's wildcard resources (emr_studio_role.statements), in every scope the
    construct may render them: the stack's partition, region and account or the page's
    ``*`` (and no region, for a global service)."""
    partitions = {PARTITION, "aws"}
    regions = {REGION, "*", ""} | ({ENV.region} if env_bound else set())
    accounts = {ACCOUNT, "*"} | ({ENV.account} if env_bound else set())
    out = {r for spec in st.PAGE_STATEMENTS for r in spec.resources if isinstance(r, str)}
    patterns = {r for spec in st.PAGE_STATEMENTS for r in spec.resources if isinstance(r, st.ArnPattern)}
    for pattern in patterns:
        tail = pattern.resource if pattern.resource_name is None else (
            f"{pattern.resource}{pattern.separator}{pattern.resource_name}"
        )
        for p in partitions:
            for r in regions:
                for a in accounts:
                    out.add(f"arn:{p}:{pattern.service}:{r}:{a}:{tail}")
    return out


def _expected_wildcards(built: Built, template: Dict[str, Any], wc: WorstCase) -> Set[str]:
    stack = built.stack
    allowed = _page_wildcards(wc, built.plan.env_bound)
    for bucket_arn, prefix in built.locations:
        arn = wc.value(stack.resolve(bucket_arn))
        folder = wc.value(stack.resolve(prefix)).rstrip("/")
        # The construct's one object wildcard: everything under <bucket>/<prefix>/ (a
        # prefix is a folder, however it was given), or the whole bucket.
        # A wildcard the caller wrote into a bucket or prefix is not allowed: it must be refused.
        if "*" not in arn + folder and "?" not in arn + folder:
            allowed.add(f"{arn}/{folder}/*" if folder else f"{arn}/*")
    for partial in built.partial_secrets:
        allowed.add(wc.value(stack.resolve(partial)) + "-??????")
    for logical_id, resource in (template.get("Resources") or {}).items():
        if resource.get("Type") == "AWS::Logs::LogGroup":
            # CloudFormation's Arn attribute of a log group ends in ":*".
            allowed.add(wc.get_att(logical_id, "Arn"))
    return allowed


def check_plan(plan: Plan) -> None:
    built = Built(plan)
    if not built.build():
        return  # refused clearly at construction
    template = built.template()
    wc = WorstCase(template, built.parameters)
    role = built.role
    assert role is not None
    bounds = {
        built.stack.get_logical_id(p.node.default_child): bound  # type: ignore[arg-type]
        for p, bound in zip(role.policies, role.policy_size_bounds)
    }
    allowed = _expected_wildcards(built, template, wc)
    problems: List[str] = []
    for logical_id, policy in managed_policies(template).items():
        document = wc.tree(policy["Properties"]["PolicyDocument"])
        length = iam_length(document)
        if length > IAM_MANAGED_POLICY_MAX:
            problems.append(f"{logical_id}: {length} characters > IAM's {IAM_MANAGED_POLICY_MAX}")
        if logical_id in bounds and length > bounds[logical_id]:
            problems.append(f"{logical_id}: {length} characters > the construct's bound {bounds[logical_id]}")
        for resource in granted_resources(document):
            if ("*" in resource or "?" in resource) and resource not in allowed:
                problems.append(f"{logical_id}: wildcard the caller did not ask for: {resource[:160]}")
    missing = set(bounds) - set(managed_policies(template))
    if missing:
        problems.append(f"role.policies not in the template: {sorted(missing)}")
    assert not problems, "\n".join(problems[:10])


# The known failures of issue 8, each as an explicit example.

#: 40 listed secrets: the first policy (the page's statements) is never size-checked.
FORTY_LISTED_SECRETS = Plan(
    env_bound=False,
    first=LocationIn(BucketIn("name", 20), PrefixIn("literal", "studio/")),
    access="LISTED_SECRETS",
    secrets=tuple(SecretIn("complete", 60) for _ in range(40)),
)
#: An owned bucket (a token ARN) and long literal prefixes: token + literal counted as the larger.
OWNED_BUCKET_LONG_PREFIXES = Plan(
    env_bound=False,
    first=LocationIn(BucketIn("owned"), PrefixIn("literal", "a" * 300 + "/")),
    more=tuple(
        LocationIn(BucketIn("owned"), PrefixIn("literal", f"{i:03d}" + "b" * 300 + "/")) for i in range(20)
    ),
)
#: 50 imported subnets and security groups, tagged at deploy time: the tagging policy is never counted.
FIFTY_IMPORTED_NETWORK = Plan(
    env_bound=False,
    first=LocationIn(BucketIn("name", 20), PrefixIn("none")),
    imported_subnets=30,
    imported_groups=20,
    tag_imported=True,
)
#: A token prefix grants more than the same literal ("studio" grants "studio*").
TOKEN_PREFIX = Plan(env_bound=True, first=LocationIn(BucketIn("name", 20), PrefixIn("parameter")))
#: Caller-written wildcards that are let in.
WILDCARD_KEY = Plan(env_bound=True, first=LocationIn(BucketIn("name", 20), PrefixIn("none")),
                    workspace_key=KeyIn("wildcard"))
WILDCARD_BUCKET_ARN = Plan(env_bound=True, first=LocationIn(BucketIn("wildcard"), PrefixIn("none")))
WILDCARD_SECRET = Plan(env_bound=True, first=LocationIn(BucketIn("name", 20), PrefixIn("none")),
                       access="LISTED_SECRETS", secrets=(SecretIn("wildcard"),))
WILDCARD_SUBNET = Plan(env_bound=True, first=LocationIn(BucketIn("name", 20), PrefixIn("none")),
                       wildcard_subnet=True, tag_imported=True)
WILDCARD_IN_TOKEN_PREFIX = Plan(
    env_bound=False, first=LocationIn(BucketIn("name", 20), PrefixIn("account", "*/"))
)

# Minimal failures hypothesis found (shrunk), kept as regression examples.

#: An owned bucket and a parameter prefix: the bound counts the prefix token at the bucket
#: ARN's bound, and the grant is "<bucket>/<token>*".
OWNED_BUCKET_PARAMETER_PREFIX = Plan(
    env_bound=False, first=LocationIn(BucketIn("owned", 3), PrefixIn("parameter"))
)
#: Two owned buckets with short literal prefixes in a bound stack: one character over the bound.
TWO_OWNED_BUCKETS_SHORT_PREFIXES = Plan(
    env_bound=True,
    first=LocationIn(BucketIn("owned", 3), PrefixIn("literal", "0/0")),
    more=(LocationIn(BucketIn("owned", 3), PrefixIn("literal", "000000000000000")),),
)


@settings(PROFILE)
@given(plans())
@example(FORTY_LISTED_SECRETS)
@example(OWNED_BUCKET_LONG_PREFIXES)
@example(FIFTY_IMPORTED_NETWORK)
@example(TOKEN_PREFIX)
@example(WILDCARD_KEY)
@example(WILDCARD_BUCKET_ARN)
@example(WILDCARD_SECRET)
@example(WILDCARD_SUBNET)
@example(WILDCARD_IN_TOKEN_PREFIX)
@example(OWNED_BUCKET_PARAMETER_PREFIX)
@example(TWO_OWNED_BUCKETS_SHORT_PREFIXES)
def test_every_policy_fits_and_grants_no_unasked_wildcard_or_the_construct_refuses(plan):
    check_plan(plan)


# ------------------------------------------------------------------ the property's own checks
# (so that a pass means something: each check fails on the case it is for)


def test_a_plain_role_passes_the_property():
    check_plan(Plan(env_bound=False, first=LocationIn(BucketIn("owned"), PrefixIn("literal", "studio/"))))


def test_the_property_measures_an_owned_bucket_at_63_characters():
    built = Built(Plan(env_bound=False, first=LocationIn(BucketIn("owned"), PrefixIn("literal", "s/"))))
    assert built.build()
    template = built.template()
    wc = WorstCase(template, built.parameters)
    bucket_arn, _ = built.locations[0]
    assert len(wc.value(built.stack.resolve(bucket_arn))) == len("arn:aws-us-gov:s3:::") + 63


def test_the_property_expects_the_object_wildcard_under_the_prefix_folder_only():
    built = Built(Plan(env_bound=True, first=LocationIn(BucketIn("name", 20), PrefixIn("literal", "studio"))))
    assert built.build()
    template = built.template()
    allowed = _expected_wildcards(built, template, WorstCase(template, built.parameters))
    name = built.stack.resolve(built.locations[0][0]).split(":::")[1]
    assert f"arn:aws:s3:::{name}/studio/*" in allowed
    assert f"arn:aws:s3:::{name}/studio*" not in allowed
    assert f"arn:aws:s3:::{name}/*" not in allowed


def test_page_wildcards_come_from_the_statements_module():
    allowed = _page_wildcards(WorstCase({}), env_bound=False)
    assert "*" in allowed
    assert f"arn:{PARTITION}:ec2:*:*:security-group/*" in allowed
    assert f"arn:{PARTITION}:ec2:{REGION}:{ACCOUNT}:network-interface/*" in allowed
    assert f"arn:{PARTITION}:secretsmanager:{REGION}:{ACCOUNT}:secret:*" in allowed
    assert not any("s3" in a for a in allowed)


@pytest.mark.parametrize("plan", [FORTY_LISTED_SECRETS])
def test_the_worst_case_page_policy_with_forty_listed_secrets_is_over_the_limit(plan):
    """The size check can fail: 40 listed secrets of 60-character names do not fit one policy."""
    built = Built(plan)
    assert built.build()
    template = built.template()
    wc = WorstCase(template, built.parameters)
    sizes = [
        iam_length(wc.tree(p["Properties"]["PolicyDocument"])) for p in managed_policies(template).values()
    ]
    per_secret = len('"arn:aws:secretsmanager:eu-west-1:111122223333:secret:",') + 60 + len("-AbCdEf")
    assert sum(sizes) > 40 * per_secret


# ================================================================== EmrStudio (issue 15, part 3)
#
# The same property for the Studio: in IAM and Identity Center mode, with random session
# mappings at each level (placeholders filled with created, imported and parameter roles, or
# left unfilled), random network inputs (imported or parameter VPC and subnet ids, one to six
# subnets, given or new security groups), Git secrets read by the service role or the users,
# and a few inputs that must be refused (a wildcard role ARN, a sixth subnet). Every managed
# policy the package creates (the service role's, the tagging resource's, the user policies)
# fits 6,144 characters and its own bound with worst-case values, and holds no wildcard but
# the page's (both pages) and the construct's own; or the Studio refuses clearly.


settings.register_profile(
    "emr-studio-studio-quick", max_examples=2, derandomize=True, database=None, **_COMMON
)
settings.register_profile("emr-studio-studio-fuzz", max_examples=150, **_COMMON)
STUDIO_PROFILE = settings.get_profile(
    "emr-studio-studio-fuzz"
    if os.environ.get("EMR_STUDIO_HYPOTHESIS_PROFILE") == "fuzz"
    else "emr-studio-studio-quick"
)

#: Worst case of a role ARN given as a parameter: the longest role ARN (path 512, name 64).
ROLE_PARAMETER_VALUE = f"arn:{PARTITION}:iam::{ACCOUNT}:role/" + "p" * 510 + "/" + "r" * 64


@dataclass(frozen=True)
class MappingIn:
    level: str
    #: Runtime and EKS execution roles: "created" (iam.Role with a path), "name"
    #: (from_role_name), "parameter" (from_role_arn of a CfnParameter), "wildcard"
    #: (from_role_arn("arn:aws:iam::*:role/emr-*"): must be refused).
    runtime: Tuple[str, ...] = ()
    eks: Tuple[str, ...] = ()
    restrict_pass_role: bool = False


@dataclass(frozen=True)
class StudioPlan:
    env_bound: bool
    identity_center: bool
    user_role_git: bool
    #: "literal" (vpc-/subnet- ids), "parameter" (CfnParameter ids)
    network: str
    subnets: int
    given_groups: bool
    mappings: Tuple[MappingIn, ...] = ()


_ROLE_KINDS = hs.sampled_from(["created", "name", "name", "parameter"])
mappings = hs.builds(
    MappingIn,
    hs.sampled_from([lv.name for lv in UserPolicyLevel]),
    hs.lists(_ROLE_KINDS, max_size=2).map(tuple),
    hs.lists(_ROLE_KINDS, max_size=1).map(tuple),
    hs.booleans(),
)


@hs.composite
def studio_plans(draw) -> StudioPlan:
    hostile = draw(hs.sampled_from([None] * 8 + ["role", "subnets"]))
    plan_mappings = draw(hs.lists(mappings, max_size=4))
    if hostile == "role":
        plan_mappings = [*plan_mappings, MappingIn("ADVANCED", runtime=("wildcard",))]
    return StudioPlan(
        env_bound=draw(hs.booleans()),
        identity_center=draw(hs.booleans()),
        user_role_git=draw(hs.booleans()),
        network=draw(hs.sampled_from(["literal", "parameter"])),
        subnets=6 if hostile == "subnets" else draw(hs.integers(1, 5)),
        given_groups=draw(hs.booleans()),
        mappings=tuple(plan_mappings),
    )


class BuiltStudio:
    """The stack made from a Studio plan."""

    def __init__(self, plan: StudioPlan) -> None:
        self.plan = plan
        self.app = cdk_app()
        self.stack = Stack(self.app, "StudioPropertyStack", env=ENV if plan.env_bound else None)
        self.parameters: Dict[str, str] = {}
        self.n = 0
        self.studio: Optional[EmrStudio] = None
        #: Logical ID -> size bound of every user policy made.
        self.user_bounds: Dict[str, int] = {}
        self.refusals: List[str] = []

    def _parameter(self, kind: str, value: str) -> str:
        self.n += 1
        pid = f"{kind}{self.n}"
        self.parameters[pid] = value
        return CfnParameter(self.stack, pid).value_as_string

    def role(self, kind: str) -> iam.IRole:
        self.n += 1
        rid = f"Role{self.n}"
        if kind == "created":
            path = "/team/" + "x" * 40 + "/"
            return iam.Role(self.stack, rid, assumed_by=iam.AccountRootPrincipal(), path=path)
        if kind == "name":
            return iam.Role.from_role_name(self.stack, rid, f"runtime-{self.n:02d}-" + "n" * 40)
        if kind == "parameter":
            return iam.Role.from_role_arn(self.stack, rid, self._parameter("RoleArn", ROLE_PARAMETER_VALUE))
        assert kind == "wildcard"
        return iam.Role.from_role_arn(self.stack, rid, "arn:aws:iam::*:role/emr-*")

    def network(self) -> Tuple[ec2.IVpc, List[ec2.ISubnet]]:
        plan = self.plan
        if plan.network == "literal":
            vpc_id = "vpc-0123456789abcdef0"
            subnet_ids = [f"subnet-{i:017x}" for i in range(plan.subnets)]
        else:
            vpc_id = self._parameter("VpcId", "vpc-0123456789abcdef0")
            subnet_ids = [self._parameter("SubnetId", f"subnet-{i:017x}") for i in range(plan.subnets)]
        vpc = ec2.Vpc.from_vpc_attributes(self.stack, "Vpc", vpc_id=vpc_id, availability_zones=["a"])
        subnets = [ec2.Subnet.from_subnet_id(self.stack, f"Subnet{i}", s) for i, s in enumerate(subnet_ids)]
        return vpc, subnets

    def build(self) -> bool:
        plan = self.plan
        vpc, subnets = self.network()
        props: Dict[str, Any] = {}
        if plan.given_groups:
            props["engine_security_group"] = ec2.SecurityGroup.from_security_group_id(
                self.stack, "Engine", "sg-0123456789abcdef0"
            )
            props["workspace_security_group"] = ec2.SecurityGroup.from_security_group_id(
                self.stack, "Workspace", "sg-0fedcba9876543210"
            )
        if plan.user_role_git:
            props["git_secret_access"] = GitSecretAccess.USER_ROLE
        self.bucket = s3.Bucket.from_bucket_name(self.stack, "Notebooks", "notebooks-" + "b" * 50)
        try:
            self.studio = EmrStudio(
                self.stack, "Studio", vpc=vpc, subnets=subnets,
                bucket=self.bucket,
                prefix="studio/",
                auth_mode=StudioAuthMode.IAM_IDENTITY_CENTER if plan.identity_center else StudioAuthMode.IAM,
                **props,
            )
        except EmrStudioRoleValidationError as e:
            self.refusals.append(str(e))
            return False
        for i, mapping in enumerate(plan.mappings):
            level = UserPolicyLevel[mapping.level]
            try:
                made = self.studio.user_policy(
                    level,
                    serverless_runtime_roles=[self.role(k) for k in mapping.runtime],
                    eks_execution_roles=[self.role(k) for k in mapping.eks],
                    restrict_pass_role=mapping.restrict_pass_role,
                )
                if plan.identity_center:
                    self.studio.add_session_mapping(
                        identity_name=f"group-{i}", identity_type="GROUP", session_policy=made.policy
                    )
            except EmrStudioRoleValidationError as e:
                self.refusals.append(str(e))
                continue
            self.user_bounds[self.stack.resolve(made.policy.node.default_child.logical_id)] = made.size_bound
        return True

    def template(self) -> Dict[str, Any]:
        return self.app.synth().get_stack_by_name(self.stack.stack_name).template


def _user_page_wildcards(env_bound: bool) -> Set[str]:
    """The user page's wildcard resources (emr_studio_role.user_statements), in every scope the
    construct may render them."""
    partitions = {PARTITION} | ({"aws"} if env_bound else set())  # a bound stack's is literal
    regions = {REGION} | ({ENV.region} if env_bound else set())
    accounts = {ACCOUNT} | ({ENV.account} if env_bound else set())
    out = {"*"}
    for p in partitions:
        out |= {f"arn:{p}:s3:::*"}
        for r in regions:
            for a in accounts:
                out |= {
                    f"arn:{p}:ec2:{r}:{a}:vpc/*",
                    f"arn:{p}:ec2:{r}:{a}:security-group/*",
                    f"arn:{p}:secretsmanager:{r}:{a}:secret:emr-studio-*",
                    f"arn:{p}:secretsmanager:{r}:{a}:secret:*",
                    f"arn:{p}:s3:::aws-logs-{a}-{r}/elasticmapreduce/*",
                    f"arn:{p}:emr-containers:{r}:{a}:/virtualclusters/*/endpoints/*",
                }
    return out


#: Refusals the property accepts: each names the construct, the prop and what is allowed.
_CLEAR_REFUSAL = ("EmrStudio at 'StudioPropertyStack/Studio'", "allowed:")


def check_studio_plan(plan: StudioPlan) -> None:
    built = BuiltStudio(plan)
    ok = built.build()
    for refusal in built.refusals:
        assert all(part in refusal for part in _CLEAR_REFUSAL), refusal
    if plan.subnets > 5:
        assert not ok, "a sixth subnet must be refused"
    if any("wildcard" in m.runtime + m.eks for m in plan.mappings):
        assert any("holds a wildcard" in r for r in built.refusals), built.refusals
    if not ok:
        return
    template = built.template()
    wc = WorstCase(template, built.parameters)
    studio = built.studio
    assert studio is not None
    role = studio.service_role
    bounds = {
        built.stack.get_logical_id(p.node.default_child): bound  # type: ignore[arg-type]
        for p, bound in zip(role.policies, role.policy_size_bounds)
    }
    bounds.update(built.user_bounds)
    allowed = _page_wildcards(wc, plan.env_bound) | _user_page_wildcards(plan.env_bound)
    bucket = wc.value(built.stack.resolve(built.bucket.bucket_arn))
    allowed.add(f"{bucket}/studio/*")
    for logical_id, resource in (template.get("Resources") or {}).items():
        if resource.get("Type") == "AWS::Logs::LogGroup":
            allowed.add(wc.get_att(logical_id, "Arn"))
    problems: List[str] = []
    for logical_id, policy in managed_policies(template).items():
        document = wc.tree(policy["Properties"]["PolicyDocument"])
        length = iam_length(document)
        if length > MANAGED_POLICY_MAX_CHARS:
            problems.append(f"{logical_id}: {length} characters > IAM's {MANAGED_POLICY_MAX_CHARS}")
        if logical_id in bounds and length > bounds[logical_id]:
            problems.append(f"{logical_id}: {length} characters > the construct's bound {bounds[logical_id]}")
        for resource in granted_resources(document):
            if ("*" in resource or "?" in resource) and resource not in allowed:
                problems.append(f"{logical_id}: wildcard the caller did not ask for: {resource[:160]}")
    missing = set(built.user_bounds) - set(managed_policies(template))
    if missing:
        problems.append(f"user policies not in the template: {sorted(missing)}")
    assert not problems, "\n".join(problems[:10])


#: Issue 15, finding 1: the advanced policy with runtime and EKS roles (6,266+ characters before).
ADVANCED_WITH_ROLES = StudioPlan(
    env_bound=False, identity_center=True, user_role_git=True, network="parameter", subnets=5,
    given_groups=False,
    mappings=(MappingIn("ADVANCED", runtime=("name", "created"), eks=("name",)),),
)
#: Issue 19, item 2: a wildcard runtime role ARN (was written into iam:PassRole).
WILDCARD_RUNTIME_ROLE = StudioPlan(
    env_bound=True, identity_center=False, user_role_git=False, network="literal", subnets=1,
    given_groups=True, mappings=(MappingIn("INTERMEDIATE", runtime=("wildcard",)),),
)


@settings(STUDIO_PROFILE)
@given(studio_plans())
@example(ADVANCED_WITH_ROLES)
@example(WILDCARD_RUNTIME_ROLE)
def test_every_studio_policy_fits_and_grants_no_unasked_wildcard_or_the_studio_refuses(plan):
    check_studio_plan(plan)


def test_the_studio_property_allows_the_user_pages_wildcards_only_in_the_stacks_scope():
    allowed = _user_page_wildcards(env_bound=False)
    assert f"arn:{PARTITION}:secretsmanager:{REGION}:{ACCOUNT}:secret:emr-studio-*" in allowed
    assert "arn:aws:secretsmanager:*:*:secret:emr-studio-*" not in allowed
    assert not {a for a in allowed if ":iam::" in a}


def test_the_studio_property_counts_a_parameter_role_at_the_longest_role_arn():
    assert len(ROLE_PARAMETER_VALUE) == up.ROLE_ARN_MAX
