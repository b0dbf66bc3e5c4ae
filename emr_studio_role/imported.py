"""Tag imported VPCs, subnets, security groups and Git secrets at deploy time.

CloudFormation cannot tag a resource it does not manage (``from_lookup``,
``from_*_id``, ``from_*_attributes``), but the role's conditions need the EMR
tag (AWS's page, step 2: "you must tag the following resources with the key
for-use-with-amazon-emr-managed-policies and value true").  With
``tag_imported_resources=True`` the role builds one :class:`ImportedResourceTagger`,
which applies the tag through ``custom_resources.AwsCustomResource``:

* an imported VPC, subnet or security group: ``ec2:CreateTags`` on create and
  update, ``ec2:DeleteTags`` (only this key, only this value) on delete;
* an imported secret: ``secretsmanager:TagResource`` on create and update,
  ``secretsmanager:UntagResource`` (only this key) on delete.

One custom resource per imported resource, with a construct ID made of the
resource's own ID.  So adding, removing or reordering resources never deletes
the tag of a resource that is still in use (a single custom resource over a list
would, on update, untag the old list after tagging the new one).

Least privilege: the Lambda's role may call those four actions on exactly the
ARNs of those resources, only for the EMR tag key (``aws:TagKeys`` must be
present and hold nothing but that key) and, when tagging, only with the value
``true``.  Its logs go to a log group with a retention period.

The Lambda behind ``AwsCustomResource`` is a singleton per stack.  When this
construct creates it, it gets this construct's role and log group; when an
earlier ``AwsCustomResource`` in the same stack created it, the tagging policy is
attached to that function's role instead.  Caveat: deleting the custom resource
removes the tag, also when someone else applied it, or another construct in the
app relies on it.
"""

from __future__ import annotations

import hashlib
import re
from typing import Dict, List, Literal, Optional, Sequence, Tuple

from aws_cdk import ArnFormat, Duration, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import custom_resources as cr
from constructs import Construct, IConstruct

from .errors import EmrStudioRoleValidationError
from .limits import (
    MANAGED_POLICIES_PER_ROLE,
    MANAGED_POLICY_MAX_CHARS,
    ArnKind,
    PolicyOverflowError,
    PolicyPacker,
    StatementShape,
)
from .nag import acknowledge
from .reads import read
from .statements import EMR_TAG_KEY, EMR_TAG_VALUE
from .validation import secret_policy_arn

#: The kinds of imported resource this construct tags (the ``kind`` of each pair).
ResourceKind = Literal["vpc", "subnet", "security group", "secret"]

#: The construct ID ``AwsCustomResource`` gives its singleton Lambda, in the stack's scope.
SINGLETON_ID = "AWS" + cr.AwsCustomResource.PROVIDER_FUNCTION_UUID.replace("-", "")

_EC2 = {
    # kind: (construct ID prefix, ARN resource type, attribute holding the ID, "not found" code)
    "vpc": ("Vpc", "vpc", "vpc_id", "InvalidVpcID.NotFound"),
    "subnet": ("Subnet", "subnet", "subnet_id", "InvalidSubnetID.NotFound"),
    "security group": ("SecurityGroup", "security-group", "security_group_id", "InvalidGroup.NotFound"),
}

#: cdk-nag findings of the AwsCustomResource singleton Lambda, by rule, with the packs that
#: report them (cdk-nag 3.0.2) and why each is acceptable.  AwsSolutions-L1 (latest
#: runtime) needs nothing: AwsCustomResource picks the region's latest Node.js runtime.
#: The same findings in checkov, which the project also runs on its templates.
_CHECKOV_LAMBDA = {"LambdaConcurrency": "CKV_AWS_115", "LambdaDLQ": "CKV_AWS_116",
                   "LambdaInsideVPC": "CKV_AWS_117"}
_LAMBDA_FINDINGS: Tuple[Tuple[str, Tuple[str, ...], str], ...] = (
    (
        "LambdaConcurrency",
        ("HIPAA.Security", "NIST.800.53.R5"),
        "The AwsCustomResource singleton Lambda runs only while CloudFormation creates, updates "
        "or deletes the EMR tag on imported resources. AwsCustomResource has no concurrency "
        "prop, and reserved concurrency would take capacity from the account (an account at "
        "the minimum of 10 unreserved executions cannot reserve any, so deployment would fail).",
    ),
    (
        "LambdaDLQ",
        ("HIPAA.Security", "NIST.800.53.R5"),
        "The AwsCustomResource handler reports every failure to CloudFormation through the "
        "request's pre-signed URL, which fails and rolls back the deployment; a dead-lettered "
        "event could not be replayed later, as its pre-signed URL expires.",
    ),
    (
        "LambdaInsideVPC",
        ("HIPAA.Security", "NIST.800.53.R5", "PCI.DSS.321"),
        "The AwsCustomResource Lambda only calls the EC2 and Secrets Manager APIs to tag "
        "imported resources and holds no data; in a VPC it would need a NAT gateway or VPC "
        "endpoints to reach those APIs, for no data path to protect.",
    ),
)
_LOGS_KMS_REASON = (
    "The log group receives only the custom resource's request metadata (SDK call logging is "
    "Logging.with_data_hidden: no API responses, no secrets); CloudWatch Logs encrypts it at rest."
)


class ImportedResourceTagger(Construct):
    """Tags imported VPCs, subnets, security groups and secrets with the EMR tag at deploy time.

    All props are keyword-only.

    :param resources: ``(kind, resource)`` pairs; ``kind`` is ``"vpc"``, ``"subnet"``,
        ``"security group"`` or ``"secret"``, and ``resource`` the matching ``ec2.IVpc``,
        ``ec2.ISubnet``, ``ec2.ISecurityGroup`` or ``secretsmanager.ISecret``. A resource
        given twice is tagged once.
    :param tag_key: the tag key. Default: ``for-use-with-amazon-emr-managed-policies``.
    :param tag_value: the tag value. Default: ``true``.
    :param log_retention: how long the custom resource's Lambda keeps its logs.
        Default: one year (PCI DSS 10.7 keeps audit trails at least a year).
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        resources: Sequence[Tuple[ResourceKind, IConstruct]],
        tag_key: str = EMR_TAG_KEY,
        tag_value: str = EMR_TAG_VALUE,
        log_retention: logs.RetentionDays = logs.RetentionDays.ONE_YEAR,
    ) -> None:
        super().__init__(scope, id)
        problems: List[str] = []
        bad = [kind for kind, _ in resources if kind not in _EC2 and kind != "secret"]
        if bad:
            problems.append(
                f"resources: got kinds {bad!r}; allowed: 'vpc', 'subnet', 'security group', "
                "'secret'"
            )
        if not resources:
            problems.append("resources: got none; allowed: at least one (kind, resource) pair")
        if problems:
            raise EmrStudioRoleValidationError(self.node.path, problems)
        self.tag_key = tag_key
        self.tag_value = tag_value
        stack = Stack.of(self)
        self._stack = stack

        self._hidden: Optional[cr.Logging] = None
        #: The EMR tag's AwsCustomResources, by construct ID.
        self.custom_resources: Dict[str, cr.AwsCustomResource] = {}
        ec2_arns: List[str] = []
        secret_arns: List[str] = []
        planned: List[Tuple[str, cr.AwsSdkCall, cr.AwsSdkCall]] = []
        for kind, resource in resources:
            if kind == "secret":
                secret: secretsmanager.ISecret = resource  # type: ignore[assignment]
                cid = "Secret" + _id_part(read(secret, "secret_arn"), resource)
                calls = self._secret_calls(secret)
                # A secret known by name or partial ARN: match Secrets Manager's suffix.
                arn = secret_policy_arn(secret)
                arns = secret_arns
            else:
                prefix, arn_type, attr, _ = _EC2[kind]
                rid: str = read(resource, attr)
                cid = prefix + _id_part(rid, resource)
                calls = self._ec2_calls(kind, rid)
                arn = stack.format_arn(
                    service="ec2",
                    resource=arn_type,
                    resource_name=rid,
                    arn_format=ArnFormat.SLASH_RESOURCE_NAME,
                )
                arns = ec2_arns
            if cid in (p[0] for p in planned):
                continue
            arns.append(arn)
            planned.append((cid, *calls))

        existing = stack.node.try_find_child(SINGLETON_ID)
        #: The Lambda's log group, when this construct created the singleton Lambda.
        self.log_group: Optional[logs.LogGroup] = None
        logs_policy: Optional[iam.ManagedPolicy] = None
        if existing is None:
            self.log_group = logs.LogGroup(self, "LogGroup", retention=log_retention)
            acknowledge(
                self.log_group,
                [
                    (f"{pack}-CloudWatchLogGroupEncrypted", _LOGS_KMS_REASON)
                    for pack in ("HIPAA.Security", "NIST.800.53.R5", "PCI.DSS.321")
                ],
            )
            _checkov_skip(self.log_group, [("CKV_AWS_158", _LOGS_KMS_REASON)])
            role: iam.IRole = iam.Role(
                self,
                "Role",
                assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
                description="Runs the AwsCustomResource calls that tag imported EMR Studio resources",
            )
            logs_policy = iam.ManagedPolicy(
                self,
                "LogsPolicy",
                description="Write the tagging Lambda's logs to its own log group",
                roles=[role],
            )
            self.log_group.grant_write(logs_policy)  # type: ignore[arg-type]
        else:
            # An earlier AwsCustomResource made the stack's singleton Lambda: our calls
            # run with its role, so that role gets the tagging policy.
            role = existing.role  # type: ignore[attr-defined]
        #: The role the custom resources' Lambda runs with (the singleton's).
        self.role: iam.IRole = role

        def new_policy(count: int, statements: List[iam.PolicyStatement]) -> iam.ManagedPolicy:
            return iam.ManagedPolicy(
                self,
                "Policy" if count == 1 else f"Policy{count}",
                description=(
                    f"Tag imported EMR Studio resources with {tag_key}={tag_value} (and remove "
                    "the tag on delete), on exactly those resources"
                    + ("" if count == 1 else f", part {count}")
                ),
                statements=statements,
                roles=[role],
            )

        # As many policies of at most 6,144 characters as the ARNs need; the Lambda's role
        # also holds its logs policy, so one fewer than IAM's quota of 10.
        packer = PolicyPacker(new_policy, quota=MANAGED_POLICIES_PER_ROLE - 1)
        try:
            packer.add(self._statements(ec2_arns, secret_arns))
        except PolicyOverflowError as overflow:
            raise EmrStudioRoleValidationError(
                self.node.path,
                [
                    f"resources: {len(planned)} imported resources would need {overflow.needed} "
                    f"tagging policies of at most {MANAGED_POLICY_MAX_CHARS} characters; allowed: "
                    f"what fits in {MANAGED_POLICIES_PER_ROLE - 1} (tag the rest yourself)"
                ],
            ) from None
        #: The policies of the Lambda's role: the tag calls on exactly these resources.
        self.policies: List[iam.ManagedPolicy] = list(packer.policies)
        #: The first of :attr:`policies`.
        self.policy = self.policies[0]
        #: Upper bound of each policy's deployed size in characters (``limits.py``).
        self.policy_size_bounds: List[int] = list(packer.bounds)

        # One Duration for every call (a round trip to the jsii runtime each).
        timeout = Duration.minutes(5)
        for cid, create, delete in planned:
            custom = cr.AwsCustomResource(
                self,
                cid,
                on_create=create,
                on_update=create,
                on_delete=delete,
                role=role,
                install_latest_aws_sdk=False,
                log_group=self.log_group,
                # The call's timeout in CloudFormation (default 1 hour): tagging takes seconds.
                service_timeout=timeout,
            )
            custom.node.add_dependency(*self.policies)
            self.custom_resources[cid] = custom

        if logs_policy is not None:
            function = stack.node.find_child(SINGLETON_ID)
            cfn_function = function.node.default_child
            # lambda.Function makes its resource depend on its role, which the role's
            # Fn::GetAtt already implies (cfn-lint W3005); it needs its logs policy instead.
            cfn_function.add_override(  # type: ignore[union-attr]
                "DependsOn", [stack.get_logical_id(logs_policy.node.default_child)]  # type: ignore[arg-type]
            )
            self._acknowledge_singleton(function)

    # ------------------------------------------------------------------ calls

    def _tags(self) -> List[Dict[str, str]]:
        return [{"Key": self.tag_key, "Value": self.tag_value}]

    def _logging(self) -> cr.Logging:
        """SDK call logging without the API's responses: one object for every call."""
        if self._hidden is None:
            self._hidden = cr.Logging.with_data_hidden()
        return self._hidden

    def _ec2_calls(self, kind: str, rid: str) -> Tuple[cr.AwsSdkCall, cr.AwsSdkCall]:
        not_found = _EC2[kind][3]
        params = {"Resources": [rid], "Tags": self._tags()}
        physical = cr.PhysicalResourceId.of(rid)
        create = cr.AwsSdkCall(
            service="EC2",
            action="createTags",
            parameters=params,
            physical_resource_id=physical,
            logging=self._logging(),
        )
        delete = cr.AwsSdkCall(
            service="EC2",
            action="deleteTags",
            parameters=params,
            physical_resource_id=physical,
            # A resource deleted outside this stack has no tag left to remove.
            ignore_error_codes_matching=re.escape(not_found),
            logging=self._logging(),
        )
        return create, delete

    def _secret_calls(self, secret: secretsmanager.ISecret) -> Tuple[cr.AwsSdkCall, cr.AwsSdkCall]:
        arn = read(secret, "secret_arn")
        region = self._stack.split_arn(arn, ArnFormat.COLON_RESOURCE_NAME).region
        physical = cr.PhysicalResourceId.of(arn)
        create = cr.AwsSdkCall(
            service="SecretsManager",
            action="tagResource",
            parameters={"SecretId": arn, "Tags": self._tags()},
            physical_resource_id=physical,
            region=region,
            logging=self._logging(),
        )
        delete = cr.AwsSdkCall(
            service="SecretsManager",
            action="untagResource",
            parameters={"SecretId": arn, "TagKeys": [self.tag_key]},
            physical_resource_id=physical,
            region=region,
            ignore_error_codes_matching="ResourceNotFoundException",
            logging=self._logging(),
        )
        return create, delete

    # ----------------------------------------------------------------- policy

    def _statements(
        self, ec2_arns: List[str], secret_arns: List[str]
    ) -> List[Tuple[StatementShape, List[str], bool]]:
        only_key = {
            "ForAllValues:StringEquals": {"aws:TagKeys": [self.tag_key]},
            # ForAllValues is true when the request has no tag keys at all, and a
            # DeleteTags without Tags removes every tag: require the key list.
            "Null": {"aws:TagKeys": "false"},
        }
        with_value = {
            **only_key,
            "StringEquals": {f"aws:RequestTag/{self.tag_key}": self.tag_value},
        }
        out: List[Tuple[StatementShape, List[str], bool]] = []
        for sid, actions, arns, condition, kind in (
            ("TagImportedEc2Resources", ("ec2:CreateTags",), ec2_arns, with_value, ArnKind.EC2_ID),
            ("UntagImportedEc2Resources", ("ec2:DeleteTags",), ec2_arns, only_key, ArnKind.EC2_ID),
            ("TagImportedSecrets", ("secretsmanager:TagResource",), secret_arns, with_value,
             ArnKind.SECRET),
            ("UntagImportedSecrets", ("secretsmanager:UntagResource",), secret_arns, only_key,
             ArnKind.SECRET),
        ):
            if arns:
                out.append((StatementShape(sid, actions, kind, condition), list(arns), False))
        return out

    # -------------------------------------------------------------------- nag

    @staticmethod
    def _acknowledge_singleton(function: IConstruct) -> None:
        acknowledge(
            function,
            [
                (f"{pack}-{rule}", reason)
                for rule, packs, reason in _LAMBDA_FINDINGS
                for pack in packs
            ],
        )
        _checkov_skip(
            function, [(_CHECKOV_LAMBDA[rule], reason) for rule, _, reason in _LAMBDA_FINDINGS]
        )


def _checkov_skip(resource: IConstruct, skips: Sequence[Tuple[str, str]]) -> None:
    """checkov reads its skips, each with a comment, from the resource's metadata."""
    resource.node.default_child.add_metadata(  # type: ignore[union-attr]
        "checkov", {"skip": [{"id": i, "comment": c} for i, c in skips]}
    )


def _id_part(value: str, resource: IConstruct) -> str:
    """A stable construct-ID part: the resource's own ID, or its construct's address for a token."""
    if "${Token[" in value:  # a token (Token.is_unresolved of a string, without a round trip)
        return resource.node.addr
    if value.startswith("arn:"):
        # A secret ARN: its name and suffix are unique in the account and region.
        value = value.split(":", 6)[-1]
    clean = re.sub(r"[^A-Za-z0-9-]", "", value)
    if clean == value and len(value) <= 64:
        return value
    return clean[:48] + hashlib.sha256(value.encode()).hexdigest()[:8]
