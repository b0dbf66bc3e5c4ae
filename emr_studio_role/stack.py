"""``EmrStudioServiceRoleStack``: the deployable app stack, configured from CDK context.

Context keys (``cdk synth -c key=value``; all optional):

==========================  ===================================================================
key                         meaning
==========================  ===================================================================
``bucketName``              use this existing bucket instead of creating one
``prefix``                  the Studio's key prefix (default ``studio/``)
``kmsKeyArn``               the existing bucket's KMS key (a key ARN, not an alias)
``workspaceKmsKeyArn``      the key the Studio encrypts Workspaces with
``compute``                 ``EC2_OR_EKS`` (default) or ``EMR_SERVERLESS``
``gitSecretAccess``         ``TAGGED_SECRETS`` (default), ``LISTED_SECRETS`` or ``USER_ROLE``
``gitSecretArns``           comma-separated complete ARNs of Git secrets
``userRoleArn``             with ``USER_ROLE``: the Studio user role that may read the secrets
``workspaceCollaboration``  ``true`` or ``false`` (default: true for EC2_OR_EKS)
``vpcId``                   the Studio's VPC (imported: tagged or warned about)
``subnetIds``               comma-separated subnet IDs of the Studio (imported)
``securityGroupIds``        comma-separated custom security group IDs (imported)
``tagImportedResources``    ``true`` to tag the imported VPC, subnets, groups and secrets at deploy time
``roleName``                the role's name (default: generated)
``rolePath``                the role's IAM path (default ``/``)
``account``                 bind the stack to this account (default: environment-agnostic)
``region``                  bind the stack to this region (default: environment-agnostic)
==========================  ===================================================================

Without ``account`` and ``region`` the stack is environment-agnostic: partition,
region and account are CloudFormation pseudo parameters, so one template deploys
in any account and region.  ``CDK_DEFAULT_ACCOUNT``/``CDK_DEFAULT_REGION``, which
the CDK CLI always sets, are deliberately not read.

Every value is checked when it is read, by the app's one context reader
(:mod:`emr_studio_role.context`, used by :meth:`StudioStackConfig.from_context`):
each problem names its context key, the value and what is allowed, and all are
raised at once.  A key that differs from any key of the app only in case or by a
typo (``bucketname``, ``subnetID``, ``createstudio``) is refused with the right
spelling, instead of being silently ignored.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterable, List, Mapping, Optional, Tuple

from aws_cdk import (
    Acknowledgment,
    Annotations,
    CfnOutput,
    Environment,
    RemovalPolicy,
    Stack,
    Validations,
)
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct, IConstruct

from .context import ROLE_KEYS, ContextReader, misspelled_keys, naming_context_keys
from .context_settings import read_role_settings
from .nag import acknowledge, acknowledge_access_logs_bucket, acknowledge_notebook_bucket, iam5_resources
from .role import EmrStudioServiceRole, GitSecretAccess, StudioCompute

#: Every context key the role stack reads (:data:`emr_studio_role.context.ROLE_KEYS`).
CONTEXT_KEYS = ROLE_KEYS

#: The construct's props the app sets from context, and the key each comes from (for messages).
PROP_CONTEXT_KEYS: Mapping[str, str] = {
    "bucket": "bucketName",
    "prefix": "prefix",
    "encryption_key": "kmsKeyArn",
    "workspace_encryption_key": "workspaceKmsKeyArn",
    "compute": "compute",
    "git_secret_access": "gitSecretAccess",
    "git_secrets": "gitSecretArns",
    "workspace_collaboration": "workspaceCollaboration",
    "vpc": "vpcId",
    "subnets": "subnetIds",
    "security_groups": "securityGroupIds",
    "tag_imported_resources": "tagImportedResources",
    "role_name": "roleName",
    "path": "rolePath",
}

#: Warning id: ``gitSecretAccess=USER_ROLE`` without ``userRoleArn``.
WARN_NO_SECRET_READER = "emr-studio-role:app:noGitSecretReader"

__all__ = [
    "CONTEXT_KEYS",
    "PROP_CONTEXT_KEYS",
    "WARN_NO_SECRET_READER",
    "EmrStudioServiceRoleStack",
    "StudioStackConfig",
    "misspelled_keys",
    "notebook_storage",
]


@dataclass(frozen=True)
class StudioStackConfig:
    """The app's settings, read from context by :meth:`from_context`."""

    bucket_name: Optional[str] = None
    prefix: str = "studio/"
    kms_key_arn: Optional[str] = None
    workspace_kms_key_arn: Optional[str] = None
    compute: StudioCompute = StudioCompute.EC2_OR_EKS
    git_secret_access: Optional[GitSecretAccess] = None
    git_secret_arns: Tuple[str, ...] = ()
    user_role_arn: Optional[str] = None
    workspace_collaboration: Optional[bool] = None
    vpc_id: Optional[str] = None
    subnet_ids: Tuple[str, ...] = ()
    security_group_ids: Tuple[str, ...] = ()
    tag_imported_resources: bool = False
    role_name: Optional[str] = None
    role_path: Optional[str] = None
    account: Optional[str] = None
    region: Optional[str] = None

    @property
    def environment(self) -> Optional[Environment]:
        """``Environment(account, region)`` when ``account`` or ``region`` is given, else ``None``.

        ``None`` makes the stack environment-agnostic: one template for any account and region.
        """
        if self.account is None and self.region is None:
            return None
        return Environment(account=self.account, region=self.region)

    @classmethod
    def from_scope(cls, scope: IConstruct) -> StudioStackConfig:
        """Read the app's context from ``scope`` (usually the ``App``), every key checked.

        Besides :meth:`from_context`'s checks, a context key near a known key is refused.
        """
        context = dict(scope.node.get_all_context())  # the whole context in one round trip
        return cls.from_context(context.get, keys=context.keys())

    @classmethod
    def from_context(
        cls, get: Callable[[str], Any], *, keys: Iterable[str] = ()
    ) -> StudioStackConfig:
        """Read every key of :data:`CONTEXT_KEYS` with ``get(key)``; refuse bad values at once.

        ``keys``: every key present in the context, to refuse misspelled ones
        (:func:`~emr_studio_role.context.misspelled_keys`).  Values are read by
        :class:`~emr_studio_role.context.ContextReader`.  Raises
        :class:`~emr_studio_role.EmrStudioRoleValidationError` naming each bad key.
        """
        reader = ContextReader(get, keys=keys)
        settings = read_role_settings(reader)
        reader.raise_problems()
        return cls(**settings)


class EmrStudioServiceRoleStack(Stack):
    """The EMR Studio service role, with a notebook bucket and key unless told to use existing ones.

    ``env`` defaults to ``config.environment``: environment-agnostic unless the
    ``account``/``region`` context keys are given.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        config: StudioStackConfig = StudioStackConfig(),
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("env", config.environment)
        super().__init__(scope, id, **kwargs)
        self.config = config

        if config.bucket_name:
            bucket: s3.IBucket = s3.Bucket.from_bucket_name(self, "NotebookBucket", config.bucket_name)
            key = (
                kms.Key.from_key_arn(self, "NotebookKey", config.kms_key_arn)
                if config.kms_key_arn
                else None
            )
        else:
            bucket, key = self._default_storage()

        workspace_key = (
            kms.Key.from_key_arn(self, "WorkspaceKey", config.workspace_kms_key_arn)
            if config.workspace_kms_key_arn
            else None
        )
        vpc = (
            # Only the VPC's ID is used (to tag it, or to warn that it is untagged).
            ec2.Vpc.from_vpc_attributes(
                self, "Vpc", vpc_id=config.vpc_id, availability_zones=self.availability_zones
            )
            if config.vpc_id
            else None
        )
        subnets = [
            ec2.Subnet.from_subnet_id(self, f"Subnet{i}", sid) for i, sid in enumerate(config.subnet_ids)
        ]
        for subnet in subnets:
            Validations.of(subnet).acknowledge(
                Acknowledgment(
                    id="@aws-cdk/aws-ec2:noSubnetRouteTableId",
                    reason="The app only passes the subnet's ID to the role for tagging; "
                    "it never reads the subnet's route table.",
                )
            )
        groups = [
            ec2.SecurityGroup.from_security_group_id(self, f"SecurityGroup{i}", gid)
            for i, gid in enumerate(config.security_group_ids)
        ]
        secrets = [
            secretsmanager.Secret.from_secret_complete_arn(self, f"GitSecret{i}", arn)
            for i, arn in enumerate(config.git_secret_arns)
        ]

        with naming_context_keys(PROP_CONTEXT_KEYS):
            #: The construct under test.
            self.studio_role = EmrStudioServiceRole(
                self,
                "StudioServiceRole",
                bucket=bucket,
                prefix=config.prefix,
                encryption_key=key,
                workspace_encryption_key=workspace_key,
                compute=config.compute,
                git_secret_access=config.git_secret_access,
                git_secrets=secrets,
                workspace_collaboration=config.workspace_collaboration,
                vpc=vpc,
                subnets=subnets,
                security_groups=groups,
                tag_imported_resources=config.tag_imported_resources,
                role_name=config.role_name,
                path=config.role_path,
            )

        self.user_role: Optional[iam.IRole] = None
        if config.git_secret_access is GitSecretAccess.USER_ROLE:
            self._grant_user_role(config.user_role_arn)

        CfnOutput(self, "RoleArn", value=self.studio_role.role.role_arn,
                  description="ARN of the EMR Studio service role (CfnStudio ServiceRole)")
        CfnOutput(self, "RoleName", value=self.studio_role.role.role_name,
                  description="Name of the EMR Studio service role")

    def _grant_user_role(self, user_role_arn: Optional[str]) -> None:
        """``USER_ROLE``: the Studio user role reads the Git secrets (page, step 4).

        Without ``userRoleArn`` a warning says that nobody can.
        """
        if user_role_arn is None:
            Annotations.of(self).add_warning_v2(
                WARN_NO_SECRET_READER,
                "gitSecretAccess=USER_ROLE: the service role has no access to Git secrets, and no "
                "user role was given, so nobody can read them. Pass -c userRoleArn=<ARN of the "
                "role the Studio's users assume> to grant it, or give that role "
                "grant_git_secret_read yourself.",
            )
            return
        self.user_role = iam.Role.from_role_arn(self, "StudioUserRole", user_role_arn)
        grant = self.studio_role.grant_git_secret_read(self.user_role)
        wildcards = [
            r for statement in grant.principal_statements for r in statement.resources if "*" in r
        ]
        for policy in self.user_role.node.children:
            if isinstance(policy, iam.Policy):
                _acknowledge_user_role_policy(policy, iam5_resources(self, wildcards))

    def _default_storage(self) -> Tuple[s3.Bucket, kms.Key]:
        """A KMS key with rotation, and a notebook bucket encrypted with it, logged and versioned."""
        key, _, bucket = notebook_storage(self)
        return bucket, key


_LOGS_SKIP_COMMENT = (
    "This bucket receives the notebook bucket's access logs; logging it to itself would log its "
    "own log deliveries."
)


def notebook_storage(
    scope: Construct, *, logs_skip_comment: str = _LOGS_SKIP_COMMENT
) -> Tuple[kms.Key, s3.Bucket, s3.Bucket]:
    """The app's default storage, under ``scope``: ``(key, access-logs bucket, notebook bucket)``.

    A KMS key with rotation, a notebook bucket encrypted with it, versioned and logged to an
    SSE-S3 access-logs bucket, all retained on delete (construct IDs ``NotebookKey``,
    ``AccessLogsBucket``, ``NotebookBucket``).
    """
    key = kms.Key(
        scope,
        "NotebookKey",
        enable_key_rotation=True,
        description="Encrypts the EMR Studio notebook bucket",
        removal_policy=RemovalPolicy.RETAIN,
    )
    logs = s3.Bucket(
        scope,
        "AccessLogsBucket",
        # S3 server access logs can only be delivered to SSE-S3 buckets.
        encryption=s3.BucketEncryption.S3_MANAGED,
        enforce_ssl=True,
        block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
        versioned=True,
        object_ownership=s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
        removal_policy=RemovalPolicy.RETAIN,
    )
    acknowledge_access_logs_bucket(logs)
    # checkov reads skips from the resource's metadata.
    logs.node.default_child.add_metadata(  # type: ignore[union-attr]
        "checkov", {"skip": [{"id": "CKV_AWS_18", "comment": logs_skip_comment}]}
    )
    bucket = s3.Bucket(
        scope,
        "NotebookBucket",
        encryption=s3.BucketEncryption.KMS,
        encryption_key=key,
        bucket_key_enabled=True,
        enforce_ssl=True,
        block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
        versioned=True,
        server_access_logs_bucket=logs,
        server_access_logs_prefix="notebook-bucket/",
        removal_policy=RemovalPolicy.RETAIN,
    )
    acknowledge_notebook_bucket(bucket)
    return key, logs, bucket


def _acknowledge_user_role_policy(policy: IConstruct, iam5_ids: List[str]) -> None:
    """The inline policy the grant adds to the imported Studio user role."""
    inline = (
        "The Studio user role is imported (userRoleArn): the only way this stack can grant it "
        "access is a policy attached to it here, which CloudFormation makes an AWS::IAM::Policy."
    )
    secrets = (
        "AWS's page, step 4: the Studio user role reads the Git secrets that users link to "
        "Workspaces after deployment, so their names are not known here; the statement is "
        "limited to Secrets Manager secrets of this account and region, and conditioned on a tag "
        "of the secret, as the grant_git_secret_read statement has it."
    )
    acknowledge(
        policy,
        [(finding, secrets) for finding in iam5_ids]
        + [
            ("HIPAA.Security-IAMNoInlinePolicy", inline),
            ("NIST.800.53.R5-IAMNoInlinePolicy", inline),
            ("PCI.DSS.321-IAMNoInlinePolicy", inline),
        ],
    )
