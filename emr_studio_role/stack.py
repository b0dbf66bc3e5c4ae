"""``EmrStudioServiceRoleStack``: the deployable app stack, configured from CDK context.

Context keys (``cdk synth -c key=value``; all optional):

=========================  ====================================================================
key                        meaning
=========================  ====================================================================
``bucketName``             use this existing bucket instead of creating one
``prefix``                 the Studio's key prefix (default ``studio/``)
``kmsKeyArn``              the existing bucket's KMS key (a key ARN, not an alias)
``workspaceKmsKeyArn``     the key the Studio encrypts Workspaces with
``compute``                ``EC2_OR_EKS`` (default) or ``EMR_SERVERLESS``
``gitSecretAccess``        ``TAGGED_SECRETS`` (default), ``LISTED_SECRETS`` or ``USER_ROLE``
``gitSecretArns``          comma-separated ARNs of Git secrets (tagged; read with LISTED_SECRETS)
``workspaceCollaboration`` ``true`` or ``false`` (default: true for EC2_OR_EKS)
``subnetIds``              comma-separated subnet IDs of the Studio (imported: see README)
``securityGroupIds``       comma-separated custom security group IDs (imported: see README)
``tagImportedResources``   ``true`` to tag imported subnets, groups and secrets at deploy time
``roleName``               the role's name (default: generated)
``rolePath``               the role's IAM path (default ``/``)
=========================  ====================================================================
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, List, Mapping, Optional, Tuple

from aws_cdk import Acknowledgment, CfnOutput, Environment, RemovalPolicy, Stack, Validations
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_secretsmanager as secretsmanager
from constructs import Construct

from .errors import EmrStudioRoleValidationError
from .nag import acknowledge_access_logs_bucket, acknowledge_notebook_bucket
from .role import EmrStudioServiceRole, GitSecretAccess, StudioCompute

CONTEXT_KEYS = (
    "bucketName",
    "prefix",
    "kmsKeyArn",
    "workspaceKmsKeyArn",
    "compute",
    "gitSecretAccess",
    "gitSecretArns",
    "workspaceCollaboration",
    "subnetIds",
    "securityGroupIds",
    "tagImportedResources",
    "roleName",
    "rolePath",
)


def _csv(value: Any) -> Tuple[str, ...]:
    if value is None or value == "":
        return ()
    if isinstance(value, (list, tuple)):
        return tuple(str(v).strip() for v in value if str(v).strip())
    return tuple(p.strip() for p in str(value).split(",") if p.strip())


def _enum(key: str, value: Any, enum_type: Any, problems: List[str]) -> Any:
    if value is None:
        return None
    try:
        return enum_type[str(value).strip().upper()]
    except KeyError:
        allowed = ", ".join(m.name for m in enum_type)
        problems.append(f"context '{key}': got {value!r}; allowed: {allowed}")
        return None


def _bool(key: str, value: Any, problems: List[str]) -> Optional[bool]:
    if value is None or isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "false"):
        return text == "true"
    problems.append(f"context '{key}': got {value!r}; allowed: true or false")
    return None


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
    workspace_collaboration: Optional[bool] = None
    subnet_ids: Tuple[str, ...] = ()
    security_group_ids: Tuple[str, ...] = ()
    tag_imported_resources: bool = False
    role_name: Optional[str] = None
    role_path: Optional[str] = None

    @classmethod
    def from_context(cls, get: Any) -> StudioStackConfig:
        """Read every key of :data:`CONTEXT_KEYS` with ``get(key)``; refuse bad values at once."""
        problems: List[str] = []
        c = {k: get(k) for k in CONTEXT_KEYS}
        for key in ("kmsKeyArn", "workspaceKmsKeyArn"):
            if c[key] is not None and ":alias/" in str(c[key]):
                problems.append(
                    f"context '{key}': got {c[key]!r}, a KMS alias ARN; allowed: a key ARN "
                    "(arn:...:kms:<region>:<account>:key/<id>), because an alias ARN in an "
                    "identity policy does not grant use of the key"
                )
        if c["kmsKeyArn"] is not None and c["bucketName"] is None:
            problems.append(
                f"context 'kmsKeyArn': got {c['kmsKeyArn']!r} without 'bucketName'; allowed: "
                "only with bucketName (the default bucket uses the key this app creates)"
            )
        config = cls(
            bucket_name=c["bucketName"],
            prefix="studio/" if c["prefix"] is None else str(c["prefix"]),
            kms_key_arn=c["kmsKeyArn"],
            workspace_kms_key_arn=c["workspaceKmsKeyArn"],
            compute=_enum("compute", c["compute"], StudioCompute, problems)
            or StudioCompute.EC2_OR_EKS,
            git_secret_access=_enum(
                "gitSecretAccess", c["gitSecretAccess"], GitSecretAccess, problems
            ),
            git_secret_arns=_csv(c["gitSecretArns"]),
            workspace_collaboration=_bool(
                "workspaceCollaboration", c["workspaceCollaboration"], problems
            ),
            subnet_ids=_csv(c["subnetIds"]),
            security_group_ids=_csv(c["securityGroupIds"]),
            tag_imported_resources=bool(
                _bool("tagImportedResources", c["tagImportedResources"], problems)
            ),
            role_name=c["roleName"],
            role_path=c["rolePath"],
        )
        if problems:
            raise EmrStudioRoleValidationError("app context", problems)
        return config


def environment_from(environ: Mapping[str, str]) -> Optional[Environment]:
    """The stack's environment from ``CDK_DEFAULT_ACCOUNT`` / ``CDK_DEFAULT_REGION`` when set.

    Without either, ``None``: the stack is environment-agnostic and account,
    region and partition are CloudFormation pseudo parameters.
    """
    account = environ.get("CDK_DEFAULT_ACCOUNT") or None
    region = environ.get("CDK_DEFAULT_REGION") or None
    if account is None and region is None:
        return None
    return Environment(account=account, region=region)


class EmrStudioServiceRoleStack(Stack):
    """The EMR Studio service role, with a notebook bucket and key unless told to use existing ones."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        config: StudioStackConfig = StudioStackConfig(),
        **kwargs: Any,
    ) -> None:
        super().__init__(scope, id, **kwargs)
        self.config = config

        if config.bucket_name:
            bucket: s3.IBucket = s3.Bucket.from_bucket_name(
                self, "NotebookBucket", config.bucket_name
            )
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
        subnets = [
            ec2.Subnet.from_subnet_id(self, f"Subnet{i}", sid)
            for i, sid in enumerate(config.subnet_ids)
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
            subnets=subnets,
            security_groups=groups,
            tag_imported_resources=config.tag_imported_resources,
            role_name=config.role_name,
            path=config.role_path,
        )

        CfnOutput(self, "RoleArn", value=self.studio_role.role.role_arn,
                  description="ARN of the EMR Studio service role (CfnStudio ServiceRole)")
        CfnOutput(self, "RoleName", value=self.studio_role.role.role_name,
                  description="Name of the EMR Studio service role")

    def _default_storage(self) -> Tuple[s3.Bucket, kms.Key]:
        """A KMS key with rotation, and a notebook bucket encrypted with it, logged and versioned."""
        key = kms.Key(
            self,
            "NotebookKey",
            enable_key_rotation=True,
            description="Encrypts the EMR Studio notebook bucket",
            removal_policy=RemovalPolicy.RETAIN,
        )
        logs = s3.Bucket(
            self,
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
        logs.node.default_child.add_metadata(
            "checkov",
            {
                "skip": [
                    {
                        "id": "CKV_AWS_18",
                        "comment": "This bucket receives the notebook bucket's access logs; "
                        "logging it to itself would log its own log deliveries.",
                    }
                ]
            },
        )
        bucket = s3.Bucket(
            self,
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
        return bucket, key
