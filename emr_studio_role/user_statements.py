"""The EMR Studio *user* permissions, as data: AWS's page "Configure EMR Studio user permissions".

The page gives three example user policies (basic, intermediate, advanced), a
user-level Git secret statement and the user role's trust policy.  Each statement
here is the page's Sid, actions, resources and condition; nothing here touches CDK.
:mod:`emr_studio_role.user_policies` turns them into ``iam.ManagedPolicy`` objects.

Where this package departs from the page, the departure is data too, with its reason, in
:mod:`emr_studio_role.user_notes`, with the rows of the page's operations table that the
page's own example policies contradict and the advanced policy's broad grants.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import FrozenSet, Mapping, Sequence, Tuple, Union

from .statements import EMR_SERVICE_PRINCIPAL, EMR_TAG_KEY, EMR_TAG_VALUE

#: The tag EMR Studio puts on the Git secrets it creates, for user-level access (the page).
USER_SECRET_TAG_KEY = "for-use-with-amazon-emr-managed-user-policies"


class UserPolicyLevel(enum.Enum):
    """The page's three example user policies."""

    #: "allows most EMR Studio actions, but does not let a user create new Amazon EMR clusters"
    BASIC = "Basic"
    #: "... and lets a user create new Amazon EMR clusters using a cluster template"
    INTERMEDIATE = "Intermediate"
    #: "... using a cluster template or by providing a cluster configuration"
    ADVANCED = "Advanced"


class UserResource(enum.Enum):
    """The resources of the page's user policies, by meaning (see :func:`resolve_resource`)."""

    ANY = "*"
    #: ``arn:aws:ec2:*:*:vpc/*``
    EC2_VPC = "ec2 vpc/*"
    #: ``arn:aws:ec2:*:*:security-group/*``
    EC2_SECURITY_GROUP = "ec2 security-group/*"
    #: ``arn:aws:secretsmanager:*:*:secret:emr-studio-*``
    EMR_STUDIO_SECRETS = "secretsmanager secret:emr-studio-*"
    #: ``arn:aws:secretsmanager:*:*:secret:*`` (the user-level Git statement)
    ANY_SECRET = "secretsmanager secret:*"
    #: ``arn:aws:s3:::*``
    S3_ANY = "s3 *"
    #: ``arn:aws:s3:::aws-logs-{{account}}-{{region}}/elasticmapreduce/*``
    EMR_LOGS = "s3 aws-logs-<account>-<region>/elasticmapreduce/*"
    #: ``arn:aws:iam::*:role/{{your-emr-studio-service-role}}``
    SERVICE_ROLE = "{{your-emr-studio-service-role}}"
    #: ``arn:aws:iam::*:role/EMR_DefaultRole_V2`` and ``EMR_EC2_DefaultRole`` (advanced)
    EMR_DEFAULT_ROLES = "EMR_DefaultRole_V2, EMR_EC2_DefaultRole"
    #: ``arn:aws:iam::*:role/serverless-runtime-role``
    SERVERLESS_RUNTIME_ROLES = "serverless-runtime-role"
    #: ``arn:aws:emr-containers:...:/virtualclusters/virtual-cluster-id/endpoints/managed-endpoint-id``
    EKS_MANAGED_ENDPOINTS = "/virtualclusters/*/endpoints/*"
    #: Not the page's: the buckets a team's Athena queries use (``data_buckets``), bucket ARNs.
    DATA_BUCKETS = "<data bucket>"
    #: Not the page's: the objects of those buckets (``<data bucket>/*``).
    DATA_OBJECTS = "<data bucket>/*"
    #: Not the page's: this account's Glue Data Catalog in the stack's region, the databases a
    #: team uses (``glue_databases``) and their tables.
    GLUE_CATALOG = "glue catalog, database/<name>, table/<name>/*"


#: The page's placeholders that only the user can fill: statement left out without them.
PLACEHOLDERS = (UserResource.SERVERLESS_RUNTIME_ROLES, UserResource.EKS_MANAGED_ENDPOINTS)

#: The condition value that stands for the EKS execution roles you pass.
EKS_EXECUTION_ROLES = "{{emr-on-eks-execution-role}}"

EMR_DEFAULT_ROLE_NAMES = ("EMR_DefaultRole_V2", "EMR_EC2_DefaultRole")


@dataclass(frozen=True)
class UserStatementSpec:
    """One Allow statement of the page's user policies."""

    sid: str
    actions: Tuple[str, ...]
    resources: Tuple[UserResource, ...]
    condition: Mapping[str, Mapping[str, Union[str, Tuple[str, ...]]]] = field(
        default_factory=dict
    )
    #: Parts of the statement that move to a narrower statement of their own when the caller
    #: names the resources (:data:`ATHENA_SCOPED_PARTS`); the page's form otherwise.
    scoped_parts: Tuple[ScopedPart, ...] = ()


@dataclass(frozen=True)
class ScopedPart:
    """Actions of a page statement granted on narrower resources, when the caller names them."""

    sid: str
    actions: Tuple[str, ...]
    resource: UserResource


def _s(
    sid: str,
    actions: Sequence[str],
    resources: Sequence[UserResource],
    condition=None,
    scoped_parts: Sequence[ScopedPart] = (),
):
    return UserStatementSpec(sid, tuple(actions), tuple(resources), condition or {}, tuple(scoped_parts))


_EMR_REQUEST_TAG = {"StringEquals": {f"aws:RequestTag/{EMR_TAG_KEY}": EMR_TAG_VALUE}}

# ----------------------------------------------------------------- statements

ALLOW_DEFAULT_SG_CREATION_IN_VPC = _s(
    "AllowDefaultEC2SecurityGroupsCreationInVPCWithEMRTags",
    ["ec2:CreateSecurityGroup"],
    [UserResource.EC2_VPC],
    {"StringEquals": {f"aws:ResourceTag/{EMR_TAG_KEY}": EMR_TAG_VALUE}},
)
ALLOW_ADDING_EMR_TAGS_DURING_DEFAULT_SG_CREATION = _s(
    "AllowAddingEMRTagsDuringDefaultSecurityGroupCreation",
    ["ec2:CreateTags"],
    [UserResource.EC2_SECURITY_GROUP],
    {
        "StringEquals": {
            f"aws:RequestTag/{EMR_TAG_KEY}": EMR_TAG_VALUE,
            "ec2:CreateAction": "CreateSecurityGroup",
        }
    },
)
ALLOW_SECRET_MANAGER_LIST_SECRETS = _s(
    "AllowSecretManagerListSecrets", ["secretsmanager:ListSecrets"], [UserResource.ANY]
)
ALLOW_SECRET_CREATION = _s(
    "AllowSecretCreationWithEMRTagsAndEMRStudioPrefix",
    ["secretsmanager:CreateSecret"],
    [UserResource.EMR_STUDIO_SECRETS],
    _EMR_REQUEST_TAG,
)
#: Not the page's: the page grants ``secretsmanager:TagResource`` on ``secret:emr-studio-*``
#: with no condition, so a user could tag another user's Git secret with their own user id and
#: then read it through the user-level statement (issue 15, finding 3).  Here a user may set
#: the user tag only to their own ``${aws:userid}``, may not re-tag a secret whose user tag
#: is someone else's, and may set no tag key but EMR Studio's two (see :data:`DEPARTURES`).
TAG_RESOURCE_CONDITION: Mapping[str, Mapping[str, Union[str, Tuple[str, ...]]]] = {
    "StringEqualsIfExists": {
        f"aws:RequestTag/{USER_SECRET_TAG_KEY}": "${aws:userid}",
        f"aws:ResourceTag/{USER_SECRET_TAG_KEY}": "${aws:userid}",
    },
    "ForAllValues:StringEquals": {"aws:TagKeys": (EMR_TAG_KEY, USER_SECRET_TAG_KEY)},
}
ALLOW_ADDING_TAGS_ON_SECRETS = _s(
    "AllowAddingTagsOnSecretsWithEMRStudioPrefix",
    ["secretsmanager:TagResource"],
    [UserResource.EMR_STUDIO_SECRETS],
    TAG_RESOURCE_CONDITION,
)
ALLOW_PASSING_SERVICE_ROLE = _s(
    "AllowPassingServiceRoleForWorkspaceCreation", ["iam:PassRole"], [UserResource.SERVICE_ROLE]
)
ALLOW_PASSING_SERVICE_ROLE_ADVANCED = _s(
    "AllowPassingServiceRoleForWorkspaceCreation",
    ["iam:PassRole"],
    [UserResource.SERVICE_ROLE, UserResource.EMR_DEFAULT_ROLES],
)
ALLOW_S3_LIST_AND_LOCATION = _s(
    "AllowS3ListAndLocationPermissions",
    ["s3:ListAllMyBuckets", "s3:ListBucket", "s3:GetBucketLocation"],
    [UserResource.S3_ANY],
)
#: Not the page's: the page grants ``s3:ListAllMyBuckets`` (with ``s3:ListBucket`` and
#: ``s3:GetBucketLocation``) on ``arn:<partition>:s3:::*`` only, but AWS's Service
#: Authorization Reference lists no resource type for it ("you must specify all resources
#: ("*")"), and the IAM evaluator denies it there: basic and intermediate users could not
#: list buckets, which the page's table says they can.  Added beside the page's statement,
#: which is kept as it is (see :data:`DEPARTURES`).
ALLOW_S3_LIST_ALL_MY_BUCKETS = _s("AllowS3ListAllMyBuckets", ["s3:ListAllMyBuckets"], [UserResource.ANY])
ALLOW_S3_READ_ONLY_ACCESS_TO_LOGS = _s(
    "AllowS3ReadOnlyAccessToLogs", ["s3:GetObject"], [UserResource.EMR_LOGS]
)
ALLOW_CONFIGURATION_FOR_WORKSPACE_COLLABORATION = _s(
    "AllowConfigurationForWorkspaceCollaboration",
    [
        "elasticmapreduce:UpdateEditor",
        "elasticmapreduce:PutWorkspaceAccess",
        "elasticmapreduce:DeleteWorkspaceAccess",
        "elasticmapreduce:ListWorkspaceAccessIdentities",
    ],
    [UserResource.ANY],
    {"StringEquals": {"elasticmapreduce:ResourceTag/creatorUserId": "${aws:userId}"}},
)
DESCRIBE_NETWORK = _s(
    "DescribeNetwork",
    ["ec2:DescribeVpcs", "ec2:DescribeSubnets", "ec2:DescribeSecurityGroups"],
    [UserResource.ANY],
)
LIST_IAM_ROLES = _s("ListIAMRoles", ["iam:ListRoles"], [UserResource.ANY])

ALLOW_EMR_BASIC_ACTIONS = _s(
    "AllowEMRBasicActions",
    [
        "elasticmapreduce:CreateEditor",
        "elasticmapreduce:DescribeEditor",
        "elasticmapreduce:ListEditors",
        "elasticmapreduce:StartEditor",
        "elasticmapreduce:StopEditor",
        "elasticmapreduce:DeleteEditor",
        "elasticmapreduce:OpenEditorInConsole",
        "elasticmapreduce:AttachEditor",
        "elasticmapreduce:DetachEditor",
        "elasticmapreduce:CreateRepository",
        "elasticmapreduce:DescribeRepository",
        "elasticmapreduce:DeleteRepository",
        "elasticmapreduce:ListRepositories",
        "elasticmapreduce:LinkRepository",
        "elasticmapreduce:UnlinkRepository",
        "elasticmapreduce:DescribeCluster",
        "elasticmapreduce:ListInstanceGroups",
        "elasticmapreduce:ListBootstrapActions",
        "elasticmapreduce:ListClusters",
        "elasticmapreduce:ListSteps",
        "elasticmapreduce:CreatePersistentAppUI",
        "elasticmapreduce:DescribePersistentAppUI",
        "elasticmapreduce:GetPersistentAppUIPresignedURL",
        "elasticmapreduce:GetOnClusterAppUIPresignedURL",
    ],
    [UserResource.ANY],
)
ALLOW_EMR_CONTAINERS_BASIC_ACTIONS = _s(
    "AllowEMRContainersBasicActions",
    [
        "emr-containers:DescribeVirtualCluster",
        "emr-containers:ListVirtualClusters",
        "emr-containers:DescribeManagedEndpoint",
        "emr-containers:ListManagedEndpoints",
        "emr-containers:DescribeJobRun",
        "emr-containers:ListJobRuns",
    ],
    [UserResource.ANY],
)
ALLOW_RETRIEVING_MANAGED_ENDPOINT_CREDENTIALS = _s(
    "AllowRetrievingManagedEndpointCredentials",
    ["emr-containers:GetManagedEndpointSessionCredentials"],
    [UserResource.EKS_MANAGED_ENDPOINTS],
    {"StringEquals": {"emr-containers:ExecutionRoleArn": EKS_EXECUTION_ROLES}},
)
ALLOW_CLUSTER_TEMPLATE_RELATED_INTERMEDIATE_ACTIONS = _s(
    "AllowClusterTemplateRelatedIntermediateActions",
    [
        "servicecatalog:DescribeProduct",
        "servicecatalog:DescribeProductView",
        "servicecatalog:DescribeProvisioningParameters",
        "servicecatalog:ProvisionProduct",
        "servicecatalog:SearchProducts",
        "servicecatalog:UpdateProvisionedProduct",
        "servicecatalog:ListProvisioningArtifacts",
        "servicecatalog:ListLaunchPaths",
        "servicecatalog:DescribeRecord",
        "cloudformation:DescribeStackResources",
    ],
    [UserResource.ANY],
)
ALLOW_EMR_CREATE_CLUSTER_ADVANCED_ACTIONS = _s(
    "AllowEMRCreateClusterAdvancedActions", ["elasticmapreduce:RunJobFlow"], [UserResource.ANY]
)
SAGEMAKER_DATA_WRANGLER = _s(
    "SageMakerDataWranglerForEMRStudio",
    [
        "sagemaker:CreatePresignedDomainUrl",
        "sagemaker:DescribeDomain",
        "sagemaker:ListDomains",
        "sagemaker:ListUserProfiles",
    ],
    [UserResource.ANY],
)
ALLOW_SERVERLESS_ACTIONS = _s(
    "AllowServerlessActions",
    [
        "emr-serverless:CreateApplication",
        "emr-serverless:UpdateApplication",
        "emr-serverless:DeleteApplication",
        "emr-serverless:ListApplications",
        "emr-serverless:GetApplication",
        "emr-serverless:StartApplication",
        "emr-serverless:StopApplication",
        "emr-serverless:StartJobRun",
        "emr-serverless:CancelJobRun",
        "emr-serverless:ListJobRuns",
        "emr-serverless:GetJobRun",
        "emr-serverless:GetDashboardForJobRun",
        "emr-serverless:AccessInteractiveEndpoints",
    ],
    [UserResource.ANY],
)
ALLOW_PASSING_RUNTIME_ROLE = _s(
    "AllowPassingRuntimeRoleForRunningServerlessJob",
    ["iam:PassRole"],
    [UserResource.SERVERLESS_RUNTIME_ROLES],
)
ALLOW_CODEWHISPERER = _s(
    "AllowCodeWhisperer", ["codewhisperer:GenerateRecommendations"], [UserResource.ANY]
)
#: Not the page's form, and only when asked for (``user_policy(..., data_buckets=...,
#: glue_databases=...)``): the Athena statement's S3 and Glue actions on the buckets and the
#: Glue databases a team uses instead of ``*`` (issue 15, finding 4).  Actions that take no
#: resource (``s3:ListAllMyBuckets``, ``kms:List*``, ``lakeformation:GetDataAccess``) and the
#: Athena and KMS actions stay on ``*``.
#: The page's Glue actions of ``AllowAthenaSQL``, in the page's order.
ATHENA_GLUE_ACTIONS: Tuple[str, ...] = (
        "glue:CreateDatabase",
        "glue:DeleteDatabase",
        "glue:GetDatabase",
        "glue:GetDatabases",
        "glue:UpdateDatabase",
        "glue:CreateTable",
        "glue:DeleteTable",
        "glue:BatchDeleteTable",
        "glue:UpdateTable",
        "glue:GetTable",
        "glue:GetTables",
        "glue:BatchCreatePartition",
        "glue:CreatePartition",
        "glue:DeletePartition",
        "glue:BatchDeletePartition",
        "glue:UpdatePartition",
        "glue:GetPartition",
        "glue:GetPartitions",
        "glue:BatchGetPartition",
)

ATHENA_SCOPED_PARTS: Tuple[ScopedPart, ...] = (
    ScopedPart(
        "AllowAthenaSQLOnDataObjects",
        (
            "s3:GetObject",
            "s3:ListMultipartUploadParts",
            "s3:AbortMultipartUpload",
            "s3:PutObject",
        ),
        UserResource.DATA_OBJECTS,
    ),
    ScopedPart(
        "AllowAthenaSQLOnDataBuckets",
        ("s3:ListBucket", "s3:ListBucketMultipartUploads", "s3:PutBucketPublicAccessBlock"),
        UserResource.DATA_BUCKETS,
    ),
    ScopedPart("AllowAthenaSQLOnGlueDatabases", ATHENA_GLUE_ACTIONS, UserResource.GLUE_CATALOG),
)

ALLOW_ATHENA_SQL = _s(
    "AllowAthenaSQL",
    [
        "athena:StartQueryExecution",
        "athena:StopQueryExecution",
        "athena:GetQueryExecution",
        "athena:GetQueryRuntimeStatistics",
        "athena:GetQueryResults",
        "athena:ListQueryExecutions",
        "athena:BatchGetQueryExecution",
        "athena:GetNamedQuery",
        "athena:ListNamedQueries",
        "athena:BatchGetNamedQuery",
        "athena:UpdateNamedQuery",
        "athena:DeleteNamedQuery",
        "athena:ListDataCatalogs",
        "athena:GetDataCatalog",
        "athena:ListDatabases",
        "athena:GetDatabase",
        "athena:ListTableMetadata",
        "athena:GetTableMetadata",
        "athena:ListWorkGroups",
        "athena:GetWorkGroup",
        "athena:CreateNamedQuery",
        "athena:GetPreparedStatement",
        *ATHENA_GLUE_ACTIONS,
        "kms:ListAliases",
        "kms:ListKeys",
        "kms:DescribeKey",
        "lakeformation:GetDataAccess",
        "s3:GetObject",
        "s3:ListBucket",
        "s3:ListBucketMultipartUploads",
        "s3:ListMultipartUploadParts",
        "s3:AbortMultipartUpload",
        "s3:PutObject",
        "s3:PutBucketPublicAccessBlock",
        "s3:ListAllMyBuckets",
    ],
    [UserResource.ANY],
    scoped_parts=ATHENA_SCOPED_PARTS,
)

#: The page's "Basic policy", in the page's order, after the three statements of the
#: intermediate policy that the page's table and prose give basic users (:data:`ADDED`):
#: the page's basic policy has no ``elasticmapreduce:`` or ``emr-containers:`` action, although
#: its table says Yes for the basic policy on creating, opening and attaching Workspaces, Git
#: repositories and debugging, and its prose says it "allows most EMR Studio actions".
BASIC: Tuple[UserStatementSpec, ...] = (
    ALLOW_EMR_BASIC_ACTIONS,
    ALLOW_EMR_CONTAINERS_BASIC_ACTIONS,
    ALLOW_RETRIEVING_MANAGED_ENDPOINT_CREDENTIALS,
    ALLOW_DEFAULT_SG_CREATION_IN_VPC,
    ALLOW_ADDING_EMR_TAGS_DURING_DEFAULT_SG_CREATION,
    ALLOW_SECRET_MANAGER_LIST_SECRETS,
    ALLOW_SECRET_CREATION,
    ALLOW_ADDING_TAGS_ON_SECRETS,
    ALLOW_PASSING_SERVICE_ROLE,
    ALLOW_S3_LIST_AND_LOCATION,
    ALLOW_S3_LIST_ALL_MY_BUCKETS,
    ALLOW_S3_READ_ONLY_ACCESS_TO_LOGS,
    ALLOW_CONFIGURATION_FOR_WORKSPACE_COLLABORATION,
    DESCRIBE_NETWORK,
    LIST_IAM_ROLES,
)

#: The page's "Intermediate policy", in the page's order.
INTERMEDIATE: Tuple[UserStatementSpec, ...] = (
    ALLOW_EMR_BASIC_ACTIONS,
    ALLOW_EMR_CONTAINERS_BASIC_ACTIONS,
    ALLOW_RETRIEVING_MANAGED_ENDPOINT_CREDENTIALS,
    ALLOW_SECRET_MANAGER_LIST_SECRETS,
    ALLOW_SECRET_CREATION,
    ALLOW_ADDING_TAGS_ON_SECRETS,
    ALLOW_CLUSTER_TEMPLATE_RELATED_INTERMEDIATE_ACTIONS,
    ALLOW_PASSING_SERVICE_ROLE,
    ALLOW_S3_LIST_AND_LOCATION,
    ALLOW_S3_LIST_ALL_MY_BUCKETS,
    ALLOW_S3_READ_ONLY_ACCESS_TO_LOGS,
    ALLOW_CONFIGURATION_FOR_WORKSPACE_COLLABORATION,
    DESCRIBE_NETWORK,
    LIST_IAM_ROLES,
    ALLOW_SERVERLESS_ACTIONS,
    ALLOW_PASSING_RUNTIME_ROLE,
)

#: The page's "Advanced policy", in the page's order.
ADVANCED: Tuple[UserStatementSpec, ...] = (
    ALLOW_EMR_BASIC_ACTIONS,
    ALLOW_EMR_CONTAINERS_BASIC_ACTIONS,
    ALLOW_RETRIEVING_MANAGED_ENDPOINT_CREDENTIALS,
    ALLOW_SECRET_MANAGER_LIST_SECRETS,
    ALLOW_SECRET_CREATION,
    ALLOW_ADDING_TAGS_ON_SECRETS,
    ALLOW_CLUSTER_TEMPLATE_RELATED_INTERMEDIATE_ACTIONS,
    ALLOW_EMR_CREATE_CLUSTER_ADVANCED_ACTIONS,
    ALLOW_PASSING_SERVICE_ROLE_ADVANCED,
    ALLOW_S3_LIST_AND_LOCATION,
    ALLOW_S3_READ_ONLY_ACCESS_TO_LOGS,
    ALLOW_CONFIGURATION_FOR_WORKSPACE_COLLABORATION,
    SAGEMAKER_DATA_WRANGLER,
    DESCRIBE_NETWORK,
    LIST_IAM_ROLES,
    ALLOW_SERVERLESS_ACTIONS,
    ALLOW_PASSING_RUNTIME_ROLE,
    ALLOW_CODEWHISPERER,
    ALLOW_ATHENA_SQL,
)

#: The Sids this package adds to each level's example policy of the page (each is a
#: documented departure, :data:`emr_studio_role.user_notes.DEPARTURES`).
ADDED: Mapping[UserPolicyLevel, FrozenSet[str]] = {
    UserPolicyLevel.BASIC: frozenset(
        {
            ALLOW_EMR_BASIC_ACTIONS.sid,
            ALLOW_EMR_CONTAINERS_BASIC_ACTIONS.sid,
            ALLOW_RETRIEVING_MANAGED_ENDPOINT_CREDENTIALS.sid,
            ALLOW_S3_LIST_ALL_MY_BUCKETS.sid,
        }
    ),
    UserPolicyLevel.INTERMEDIATE: frozenset({ALLOW_S3_LIST_ALL_MY_BUCKETS.sid}),
    UserPolicyLevel.ADVANCED: frozenset(),
}
#: Every Sid this package adds to one of the page's example policies.
ADDED_SIDS = frozenset().union(*ADDED.values())

POLICIES: Mapping[UserPolicyLevel, Tuple[UserStatementSpec, ...]] = {
    UserPolicyLevel.BASIC: BASIC,
    UserPolicyLevel.INTERMEDIATE: INTERMEDIATE,
    UserPolicyLevel.ADVANCED: ADVANCED,
}

#: The page's user-level Git secret statement ("To use user-level permissions", step 1):
#: for the EMR Studio *user role*, each user reads only the Git secrets tagged with their ID.
USER_LEVEL_GIT_SECRET_READ = _s(
    "AllowSecretsManagerReadOnlyActionsWithEMRTags",
    ["secretsmanager:GetSecretValue"],
    [UserResource.ANY_SECRET],
    {"StringEquals": {f"secretsmanager:ResourceTag/{USER_SECRET_TAG_KEY}": "${aws:userid}"}},
)

#: The user role's trust policy, as the newer rendering of the page has it (the older
#: rendering has no Principal, which a trust policy needs).
USER_ROLE_TRUST_SID = "AllowSTSAssumerole"
USER_ROLE_TRUST_ACTIONS: Tuple[str, ...] = ("sts:AssumeRole", "sts:SetContext")
USER_ROLE_TRUST_SERVICE = EMR_SERVICE_PRINCIPAL

#: Why each wildcard resource of the page's user policies is there (cdk-nag acknowledgments).
WILDCARD_REASONS: Mapping[UserResource, str] = {
    UserResource.ANY: (
        "AWS's example EMR Studio user policies (page 'Configure EMR Studio user permissions') "
        "give Resource '*' for List/Describe actions that take no resource ARN, for Workspace, "
        "cluster, Serverless and Athena actions on resources users create at run time, and for "
        "collaboration actions scoped by the creatorUserId tag condition."
    ),
    UserResource.EC2_VPC: (
        "AWS's example user policy: default security groups may only be created in VPCs "
        "carrying the EMR tag; scoped to this account and region."
    ),
    UserResource.EC2_SECURITY_GROUP: (
        "AWS's example user policy: EMR tags on the default security groups EMR Studio creates "
        "at run time; scoped to this account and region and to the CreateSecurityGroup action."
    ),
    UserResource.EMR_STUDIO_SECRETS: (
        "AWS's example user policy: users create and tag their Git secrets at run time, only "
        "under the emr-studio- name prefix; scoped to this account and region."
    ),
    UserResource.ANY_SECRET: (
        "AWS's user-level Git secret statement: each user reads only the secrets tagged with "
        "their own user ID (secretsmanager:ResourceTag condition); this account and region."
    ),
    UserResource.S3_ANY: (
        "AWS's example user policy: users list buckets and their locations when they choose "
        "storage and debug jobs (list and location actions only)."
    ),
    UserResource.EMR_LOGS: (
        "AWS's example user policy: read-only access to EMR's default log bucket of this "
        "account and region, for debugging."
    ),
    UserResource.EKS_MANAGED_ENDPOINTS: (
        "AWS's example user policy: credentials of EMR on EKS managed endpoints created at run "
        "time, only for the execution roles named in the condition; this account and region."
    ),
    UserResource.DATA_OBJECTS: (
        "The advanced user policy's Athena S3 object actions, narrowed from the page's '*' to "
        "the objects of the data buckets the caller named (user_policy(data_buckets=...))."
    ),
    UserResource.GLUE_CATALOG: (
        "The advanced user policy's Athena Glue actions, narrowed from the page's '*' to the "
        "tables of the Glue databases the caller named (user_policy(glue_databases=...))."
    ),
}

#: Not the page's form, and only when asked for (``user_policy(..., restrict_pass_role=True)``):
#: the service each role of the PassRole statements may be passed to (``iam:PassedToService``,
#: the service's principal in the stack's partition), as AWS's managed policy
#: ``AmazonEMRFullAccessPolicy_v2`` scopes the EMR default roles.
PASSED_TO_SERVICE: Mapping[str, str] = {
    UserResource.SERVICE_ROLE.value: "elasticmapreduce",
    "EMR_DefaultRole_V2": "elasticmapreduce",
    "EMR_EC2_DefaultRole": "ec2",
}
#: The Sid of the PassRole statement for the roles passed to EC2 (``restrict_pass_role``).
PASS_TO_EC2_SID = "AllowPassingEC2DefaultRoleToEC2"
