"""The page's permissions, as data.

Each :class:`StatementSpec` is one statement of AWS's page "Create an EMR Studio
service role" (step 2), or of its "Minimum service role for EMR Serverless"
section, or one of the storage/KMS permission lists of steps 3 and the
operations table.  Nothing here touches CDK: ``role.py`` turns these specs into
one policy document per managed policy, in one place.

Resource patterns are written as :class:`ArnPattern` values, never as ARN
strings.  The page writes ``arn:aws:ec2:*:*:...``; we resolve every pattern with
``Stack.format_arn`` so that partition, region and account come from the stack.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Mapping, Tuple, Union

#: The tag that every resource EMR Studio uses must carry (page, step 2).
EMR_TAG_KEY = "for-use-with-amazon-emr-managed-policies"
EMR_TAG_VALUE = "true"

#: The service that assumes the role (page, step 1).
EMR_SERVICE_PRINCIPAL = "elasticmapreduce.amazonaws.com"

RESOURCE_TAG_CONDITION: Mapping[str, Mapping[str, str]] = {
    "StringEquals": {f"aws:ResourceTag/{EMR_TAG_KEY}": EMR_TAG_VALUE}
}
REQUEST_TAG_CONDITION: Mapping[str, Mapping[str, str]] = {
    "StringEquals": {f"aws:RequestTag/{EMR_TAG_KEY}": EMR_TAG_VALUE}
}


class Operation(enum.Enum):
    """The rows of the page's operations table ("EMR Studio service role permissions")."""

    NETWORK_CHANNEL = (
        "Establish a secure network channel between a Workspace and an EMR cluster, "
        "and perform necessary cleanup actions."
    )
    GIT_SECRETS = (
        "Use Git credentials stored in AWS Secrets Manager to link Git repositories to a Workspace."
    )
    TAGGING = (
        "Apply AWS tags to the network interface and default security groups that EMR Studio "
        "creates while setting up the secure network channel."
    )
    STORAGE = "Access or upload notebook files and metadata to Amazon S3."
    STORAGE_ENCRYPTION = "If you use an encrypted Amazon S3 bucket, include the following permissions."
    COLLABORATION = "Enable and configure Workspace collaboration."
    WORKSPACE_ENCRYPTION = (
        "Encrypt EMR Studio workspace notebooks and files using customer managed keys (CMK) "
        "with AWS Key Management Service"
    )


@dataclass(frozen=True)
class ArnPattern:
    """A resource pattern resolved with ``Stack.format_arn`` (stack partition, region, account).

    ``separator`` is ``"/"`` for ``resource/name`` ARNs and ``":"`` for
    ``resource:name`` ARNs (Secrets Manager).  ``resource_name=None`` gives
    ``arn:<p>:<service>:<r>:<a>:<resource>``.
    """

    service: str
    resource: str
    resource_name: Union[str, None] = "*"
    separator: str = "/"
    #: ``"*"`` where the page's ARN keeps ``*`` for the region/account (the guarded
    #: statements); ``None`` for the stack's.
    region: Union[str, None] = None
    account: Union[str, None] = None
    #: A network resource that can belong to the VPC owner's account when the VPC is
    #: shared through AWS RAM (``network_owner_account``).
    shared_network: bool = False


#: ``"Resource": "*"`` kept as the page has it (each use says why).
ANY_RESOURCE = "*"

Resource = Union[ArnPattern, str]

EC2_NETWORK_INTERFACE = ArnPattern("ec2", "network-interface")
EC2_INSTANCE = ArnPattern("ec2", "instance")
EC2_SECURITY_GROUP = ArnPattern("ec2", "security-group", shared_network=True)
EC2_VPC = ArnPattern("ec2", "vpc", shared_network=True)
EC2_SUBNET = ArnPattern("ec2", "subnet", shared_network=True)
#: The page's own ARNs of the two guarded statements: ``arn:<partition>:ec2:*:*:...``, only
#: the partition taken from the stack (the page: "you must not change" these statements).
PAGE_EC2_SECURITY_GROUP = ArnPattern("ec2", "security-group", region="*", account="*")
PAGE_EC2_NETWORK_INTERFACE = ArnPattern("ec2", "network-interface", region="*", account="*")
EMR_CLUSTER = ArnPattern("elasticmapreduce", "cluster")
SECRET = ArnPattern("secretsmanager", "secret", "*", ":")
#: ``arn:<p>:elasticmapreduce:<region>:<account>:*``: the trust policy's aws:SourceArn.
EMR_ANY_RESOURCE_IN_ACCOUNT = ArnPattern("elasticmapreduce", "*", None)


@dataclass(frozen=True)
class StatementSpec:
    """One Allow statement: the page's Sid, actions, resources and condition."""

    sid: str
    operation: Operation
    actions: Tuple[str, ...]
    resources: Tuple[Resource, ...]
    condition: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    #: Where the page's resource is ``*`` but the actions are scoped by resource, a
    #: note on why we narrowed it (shown in docs/permissions.md).
    narrowed_from_page: bool = False


# ---------------------------------------------------------------------------
# Step 2: the 13 statements, in the page's order.
# ---------------------------------------------------------------------------

ALLOW_EMR_READ_ONLY = StatementSpec(
    sid="AllowEMRReadOnlyActions",
    operation=Operation.NETWORK_CHANNEL,
    actions=(
        "elasticmapreduce:ListInstances",
        "elasticmapreduce:DescribeCluster",
        "elasticmapreduce:ListSteps",
    ),
    # The page writes "*"; all three actions take the cluster resource type, so
    # we narrow to the stack's account and region (the page: "Where applicable,
    # change the * in "Resource":"*" ... to specify the ARN").
    resources=(EMR_CLUSTER,),
    narrowed_from_page=True,
)

ALLOW_EC2_ENI_ACTIONS_WITH_EMR_TAGS = StatementSpec(
    sid="AllowEC2ENIActionsWithEMRTags",
    operation=Operation.NETWORK_CHANNEL,
    actions=("ec2:CreateNetworkInterfacePermission", "ec2:DeleteNetworkInterface"),
    resources=(EC2_NETWORK_INTERFACE,),
    condition=RESOURCE_TAG_CONDITION,
)

ALLOW_EC2_ENI_ATTRIBUTE_ACTION = StatementSpec(
    sid="AllowEC2ENIAttributeAction",
    operation=Operation.NETWORK_CHANNEL,
    actions=("ec2:ModifyNetworkInterfaceAttribute",),
    resources=(EC2_INSTANCE, EC2_NETWORK_INTERFACE, EC2_SECURITY_GROUP),
)

ALLOW_EC2_SECURITY_GROUP_ACTIONS_WITH_EMR_TAGS = StatementSpec(
    sid="AllowEC2SecurityGroupActionsWithEMRTags",
    operation=Operation.NETWORK_CHANNEL,
    actions=(
        "ec2:AuthorizeSecurityGroupEgress",
        "ec2:AuthorizeSecurityGroupIngress",
        "ec2:RevokeSecurityGroupEgress",
        "ec2:RevokeSecurityGroupIngress",
        "ec2:DeleteNetworkInterfacePermission",
    ),
    # "*" as on the page, scoped by the EMR resource tag.  The Authorize/Revoke actions
    # do take the security-group resource type, and ec2:DeleteNetworkInterfacePermission
    # an optional network-interface one, so "*" is not forced by the actions; it is kept
    # because one statement holds both resource types and the tag condition already
    # limits it to what carries the EMR tag.  (Narrowing it to this account's
    # security-group and network-interface ARNs is possible, but the page gives no
    # ARN here, and a DeleteNetworkInterfacePermission request names a permission ID:
    # whether its authorization names the interface's ARN is not documented.)
    resources=(ANY_RESOURCE,),
    condition=RESOURCE_TAG_CONDITION,
)

ALLOW_DEFAULT_SG_CREATION_WITH_EMR_TAGS = StatementSpec(
    sid="AllowDefaultEC2SecurityGroupsCreationWithEMRTags",
    operation=Operation.NETWORK_CHANNEL,
    actions=("ec2:CreateSecurityGroup",),
    resources=(EC2_SECURITY_GROUP,),
    condition=REQUEST_TAG_CONDITION,
)

ALLOW_DEFAULT_SG_CREATION_IN_VPC_WITH_EMR_TAGS = StatementSpec(
    sid="AllowDefaultEC2SecurityGroupsCreationInVPCWithEMRTags",
    operation=Operation.NETWORK_CHANNEL,
    actions=("ec2:CreateSecurityGroup",),
    resources=(EC2_VPC,),
    condition=RESOURCE_TAG_CONDITION,
)

ALLOW_ADDING_EMR_TAGS_DURING_DEFAULT_SG_CREATION = StatementSpec(
    sid="AllowAddingEMRTagsDuringDefaultSecurityGroupCreation",
    operation=Operation.TAGGING,
    actions=("ec2:CreateTags",),
    # Exactly as the page has it: the page says this statement must not be changed.
    resources=(PAGE_EC2_SECURITY_GROUP,),
    condition={
        "StringEquals": {
            f"aws:RequestTag/{EMR_TAG_KEY}": EMR_TAG_VALUE,
            "ec2:CreateAction": "CreateSecurityGroup",
        }
    },
)

ALLOW_EC2_ENI_CREATION_WITH_EMR_TAGS = StatementSpec(
    sid="AllowEC2ENICreationWithEMRTags",
    operation=Operation.NETWORK_CHANNEL,
    actions=("ec2:CreateNetworkInterface",),
    resources=(EC2_NETWORK_INTERFACE,),
    condition=REQUEST_TAG_CONDITION,
)

ALLOW_EC2_ENI_CREATION_IN_SUBNET_AND_SG_WITH_EMR_TAGS = StatementSpec(
    sid="AllowEC2ENICreationInSubnetAndSecurityGroupWithEMRTags",
    operation=Operation.NETWORK_CHANNEL,
    actions=("ec2:CreateNetworkInterface",),
    resources=(EC2_SUBNET, EC2_SECURITY_GROUP),
    condition=RESOURCE_TAG_CONDITION,
)

ALLOW_ADDING_TAGS_DURING_EC2_ENI_CREATION = StatementSpec(
    sid="AllowAddingTagsDuringEC2ENICreation",
    operation=Operation.TAGGING,
    actions=("ec2:CreateTags",),
    # Exactly as the page has it: the page says this statement must not be changed.
    resources=(PAGE_EC2_NETWORK_INTERFACE,),
    condition={"StringEquals": {"ec2:CreateAction": "CreateNetworkInterface"}},
)

ALLOW_EC2_READ_ONLY = StatementSpec(
    sid="AllowEC2ReadOnlyActions",
    operation=Operation.NETWORK_CHANNEL,
    actions=(
        "ec2:DescribeSecurityGroups",
        "ec2:DescribeNetworkInterfaces",
        "ec2:DescribeTags",
        "ec2:DescribeInstances",
        "ec2:DescribeSubnets",
        "ec2:DescribeVpcs",
    ),
    # "*": EC2 Describe* actions take no resource-level permissions.
    resources=(ANY_RESOURCE,),
)

ALLOW_SECRETS_MANAGER_READ_WITH_EMR_TAGS = StatementSpec(
    sid="AllowSecretsManagerReadOnlyActionsWithEMRTags",
    operation=Operation.GIT_SECRETS,
    actions=("secretsmanager:GetSecretValue",),
    resources=(SECRET,),
    condition=RESOURCE_TAG_CONDITION,
)

ALLOW_WORKSPACE_COLLABORATION = StatementSpec(
    sid="AllowWorkspaceCollaboration",
    operation=Operation.COLLABORATION,
    actions=(
        "iam:GetUser",
        "iam:GetRole",
        "iam:ListUsers",
        "iam:ListRoles",
        "sso:GetManagedApplicationInstance",
        "sso-directory:SearchUsers",
    ),
    # "*" as on the page.  iam:ListUsers, iam:ListRoles and the sso actions take no
    # resource type; iam:GetUser and iam:GetRole do (user and role ARNs), so "*" is
    # the page's choice for them: collaboration looks up any IAM identity of the
    # account that a Workspace is shared with.  Kept as the page has it; the only
    # narrowing possible (this account's users and roles) would need a statement of
    # the page's split in two, under a Sid the page does not have.
    resources=(ANY_RESOURCE,),
)

#: The page's step-2 policy, in the page's order.
PAGE_STATEMENTS: Tuple[StatementSpec, ...] = (
    ALLOW_EMR_READ_ONLY,
    ALLOW_EC2_ENI_ACTIONS_WITH_EMR_TAGS,
    ALLOW_EC2_ENI_ATTRIBUTE_ACTION,
    ALLOW_EC2_SECURITY_GROUP_ACTIONS_WITH_EMR_TAGS,
    ALLOW_DEFAULT_SG_CREATION_WITH_EMR_TAGS,
    ALLOW_DEFAULT_SG_CREATION_IN_VPC_WITH_EMR_TAGS,
    ALLOW_ADDING_EMR_TAGS_DURING_DEFAULT_SG_CREATION,
    ALLOW_EC2_ENI_CREATION_WITH_EMR_TAGS,
    ALLOW_EC2_ENI_CREATION_IN_SUBNET_AND_SG_WITH_EMR_TAGS,
    ALLOW_ADDING_TAGS_DURING_EC2_ENI_CREATION,
    ALLOW_EC2_READ_ONLY,
    ALLOW_SECRETS_MANAGER_READ_WITH_EMR_TAGS,
    ALLOW_WORKSPACE_COLLABORATION,
)

#: The page: "you must not change the following statements".
GUARDED_STATEMENTS: Tuple[StatementSpec, ...] = (
    ALLOW_ADDING_EMR_TAGS_DURING_DEFAULT_SG_CREATION,
    ALLOW_ADDING_TAGS_DURING_EC2_ENI_CREATION,
)
GUARDED_SIDS: Tuple[str, ...] = tuple(s.sid for s in GUARDED_STATEMENTS)

# ---------------------------------------------------------------------------
# Step 3 and "Minimum service role for EMR Serverless": storage and keys.
# Resources are per location, so these are templates: role.py fills them in.
# ---------------------------------------------------------------------------

#: Sids of the Serverless section, reused for the storage statements in every mode.
OBJECT_ACTIONS_SID = "ObjectActions"
BUCKET_ACTIONS_SID = "BucketActions"
#: The page gives the KMS list without a Sid; this one is ours.
KMS_ACTIONS_SID = "KmsKeyActions"

S3_OBJECT_ACTIONS: Tuple[str, ...] = ("s3:PutObject", "s3:GetObject", "s3:DeleteObject")
S3_BUCKET_ACTIONS: Tuple[str, ...] = ("s3:ListBucket", "s3:GetEncryptionConfiguration")
KMS_ACTIONS: Tuple[str, ...] = (
    "kms:Decrypt",
    "kms:GenerateDataKey",
    "kms:ReEncryptFrom",
    "kms:ReEncryptTo",
    "kms:DescribeKey",
)

#: The service-level statement for Git secrets, granted to a user role
#: (:meth:`~emr_studio_role.EmrStudioServiceRole.grant_git_secret_read` with
#: ``SecretAccessLevel.SERVICE``): needed for secrets created before 2023-09-01.
GIT_SECRET_READ = ALLOW_SECRETS_MANAGER_READ_WITH_EMR_TAGS

#: The tag EMR Studio puts on the Git secrets it creates since 2023-09-01, with the
#: creator's user id as its value (AWS's page "Configure EMR Studio user permissions").
EMR_USER_TAG_KEY = "for-use-with-amazon-emr-managed-user-policies"
#: The IAM policy variable of the caller's user id, written as IAM reads it.
AWS_USERID_VARIABLE = "${aws:userid}"

#: Step 4 as AWS's user-permissions page has it ("To use user-level permissions"): each
#: user reads only the Git secrets they linked.  Granted to the Studio user role.
USER_GIT_SECRET_READ = StatementSpec(
    sid="AllowSecretsManagerReadOnlyActionsWithEMRTags",
    operation=Operation.GIT_SECRETS,
    actions=("secretsmanager:GetSecretValue",),
    resources=(SECRET,),
    condition={
        "StringEquals": {f"secretsmanager:ResourceTag/{EMR_USER_TAG_KEY}": AWS_USERID_VARIABLE}
    },
)

#: ``GetSecretValue`` of a secret encrypted with a customer-managed key needs
#: ``kms:Decrypt`` on that key, through Secrets Manager only (``kms:ViaService``,
#: ``secretsmanager.<region>.<url suffix>``, filled in per stack).
GIT_SECRET_KEY_DECRYPT_SID = "AllowGitSecretKeyDecryptViaSecretsManager"
GIT_SECRET_KEY_ACTIONS: Tuple[str, ...] = ("kms:Decrypt",)

#: Why each wildcard resource of the page is needed, for the cdk-nag acknowledgments.
WILDCARD_REASONS: Mapping[Resource, str] = {
    ANY_RESOURCE: (
        "AWS's page 'Create an EMR Studio service role' (step 2) gives Resource '*' for "
        "AllowEC2ReadOnlyActions (EC2 Describe* actions take no resource ARN), "
        "AllowWorkspaceCollaboration (iam:ListUsers, iam:ListRoles, sso and sso-directory "
        "actions take no resource ARN; iam:GetUser/GetRole look up any identity of the account "
        "a Workspace is shared with) and AllowEC2SecurityGroupActionsWithEMRTags (security "
        "groups and network interfaces of EMR Studio, limited by the EMR resource tag condition)."
    ),
    PAGE_EC2_SECURITY_GROUP: (
        "AWS's page (step 2) says AllowAddingEMRTagsDuringDefaultSecurityGroupCreation must not "
        "be changed: it is kept exactly as the page has it, and its conditions allow only the "
        "EMR tag while a security group is created."
    ),
    PAGE_EC2_NETWORK_INTERFACE: (
        "AWS's page (step 2) says AllowAddingTagsDuringEC2ENICreation must not be changed: it is "
        "kept exactly as the page has it, and its condition allows tagging only while a network "
        "interface is created."
    ),
    EMR_CLUSTER: (
        "AWS's page (step 2, AllowEMRReadOnlyActions) lets EMR Studio describe the clusters "
        "Workspaces attach to; those are chosen at run time, so any cluster of this account "
        "and region (narrowed from the page's '*')."
    ),
    EC2_NETWORK_INTERFACE: (
        "AWS's page (step 2) has EMR Studio create, tag, modify and delete the network "
        "interfaces of the Workspace channel at run time; their IDs do not exist at deploy "
        "time. Scoped to this account and region and, where the page says so, to the EMR tag."
    ),
    EC2_INSTANCE: (
        "AWS's page (step 2, AllowEC2ENIAttributeAction) requires ModifyNetworkInterfaceAttribute "
        "on instances of the clusters Workspaces attach to, known only at run time; scoped "
        "to this account and region."
    ),
    EC2_SECURITY_GROUP: (
        "AWS's page (step 2) has EMR Studio create and use its default security groups at run "
        "time, under the EMR tag conditions; scoped to this account and region."
    ),
    EC2_VPC: (
        "AWS's page (step 2, AllowDefaultEC2SecurityGroupsCreationInVPCWithEMRTags): security "
        "groups may only be created in VPCs carrying the EMR tag; scoped to this account and region."
    ),
    EC2_SUBNET: (
        "AWS's page (step 2, AllowEC2ENICreationInSubnetAndSecurityGroupWithEMRTags): network "
        "interfaces may only be created in subnets carrying the EMR tag; scoped to this "
        "account and region."
    ),
    SECRET: (
        "AWS's page (step 2, AllowSecretsManagerReadOnlyActionsWithEMRTags): Studio users link "
        "Git repositories with secrets they create later; only secrets carrying the EMR tag "
        "can be read, in this account and region."
    ),
}
#: Why a storage object ARN ends in '*' (page step 3 and the Serverless minimum policy).
OBJECT_WILDCARD_REASON = (
    "AWS's page (step 3 and the EMR Serverless minimum policy): the Studio reads and writes "
    "notebook and Workspace files under its S3 location; limited to this bucket and prefix."
)
