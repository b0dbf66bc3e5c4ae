"""The EMR Studio *user* permissions, as data: AWS's page "Configure EMR Studio user permissions".

The page gives three example user policies (basic, intermediate, advanced), a
user-level Git secret statement and the user role's trust policy.  Each statement
here is the page's Sid, actions, resources and condition; nothing touches CDK
until :func:`user_policy_document` / :func:`build_user_policy` turn them into an
``iam.ManagedPolicy``, in one place.

Resources are never ARN strings with ``arn:aws``: :class:`UserResource` names
what the page means, and :func:`resolve_resource` builds it with the stack's
partition, region and account.  Where the page writes ``aws:*:*`` the resource
is narrowed to the stack's region and account, as the service role's statements
are (the page: "change the * ... to specify the ARN").  The page's placeholders
become real resources:

* ``{{your-emr-studio-service-role}}``: the Studio's service role ARN;
* ``aws-logs-{{account}}-{{region}}``: the stack's account and region;
* ``serverless-runtime-role``: the EMR Serverless runtime roles you pass;
* the EMR on EKS managed endpoint and its ``emr-on-eks-execution-role``: managed
  endpoints of this account and region, for the execution roles you pass.

A statement whose placeholder you did not fill (no runtime roles, no EKS execution
roles) is left out of the policy and listed in :attr:`UserPolicy.omitted`; nothing
is widened to ``*`` in its place.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, Union

from aws_cdk import ArnFormat, Stack
from aws_cdk import aws_iam as iam
from constructs import Construct

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


def _s(sid: str, actions: Sequence[str], resources: Sequence[UserResource], condition=None):
    return UserStatementSpec(sid, tuple(actions), tuple(resources), condition or {})


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
ALLOW_ADDING_TAGS_ON_SECRETS = _s(
    "AllowAddingTagsOnSecretsWithEMRStudioPrefix",
    ["secretsmanager:TagResource"],
    [UserResource.EMR_STUDIO_SECRETS],
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
)

#: The page's "Basic policy", in the page's order.  (The page's basic policy has no
#: ``elasticmapreduce:`` Workspace actions, although its table says basic users can
#: create Workspaces; it is kept as the page has it.)
BASIC: Tuple[UserStatementSpec, ...] = (
    ALLOW_DEFAULT_SG_CREATION_IN_VPC,
    ALLOW_ADDING_EMR_TAGS_DURING_DEFAULT_SG_CREATION,
    ALLOW_SECRET_MANAGER_LIST_SECRETS,
    ALLOW_SECRET_CREATION,
    ALLOW_ADDING_TAGS_ON_SECRETS,
    ALLOW_PASSING_SERVICE_ROLE,
    ALLOW_S3_LIST_AND_LOCATION,
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
}


# ----------------------------------------------------------------- building


@dataclass(frozen=True)
class UserPolicyInputs:
    """What fills the page's placeholders."""

    #: ARN of the Studio's service role (``{{your-emr-studio-service-role}}``).
    service_role_arn: str
    #: EMR Serverless runtime roles users may pass. Default: none (statement left out).
    serverless_runtime_roles: Tuple[iam.IRole, ...] = ()
    #: EMR on EKS execution roles of managed endpoints users may use. Default: none.
    eks_execution_roles: Tuple[iam.IRole, ...] = ()


def resolve_resource(stack: Stack, resource: UserResource, inputs: UserPolicyInputs) -> List[str]:
    """The ARNs (tokens where needed) that one :class:`UserResource` stands for."""
    p = stack.partition
    if resource is UserResource.ANY:
        return ["*"]
    if resource is UserResource.EC2_VPC:
        return [stack.format_arn(service="ec2", resource="vpc", resource_name="*")]
    if resource is UserResource.EC2_SECURITY_GROUP:
        return [stack.format_arn(service="ec2", resource="security-group", resource_name="*")]
    if resource in (UserResource.EMR_STUDIO_SECRETS, UserResource.ANY_SECRET):
        name = "emr-studio-*" if resource is UserResource.EMR_STUDIO_SECRETS else "*"
        return [
            stack.format_arn(
                service="secretsmanager",
                resource="secret",
                resource_name=name,
                arn_format=ArnFormat.COLON_RESOURCE_NAME,
            )
        ]
    if resource is UserResource.S3_ANY:
        return [f"arn:{p}:s3:::*"]
    if resource is UserResource.EMR_LOGS:
        return [f"arn:{p}:s3:::aws-logs-{stack.account}-{stack.region}/elasticmapreduce/*"]
    if resource is UserResource.SERVICE_ROLE:
        return [inputs.service_role_arn]
    if resource is UserResource.EMR_DEFAULT_ROLES:
        return [
            stack.format_arn(service="iam", region="", resource="role", resource_name=name)
            for name in EMR_DEFAULT_ROLE_NAMES
        ]
    if resource is UserResource.SERVERLESS_RUNTIME_ROLES:
        return [r.role_arn for r in inputs.serverless_runtime_roles]
    if resource is UserResource.EKS_MANAGED_ENDPOINTS:
        return (
            [
                stack.format_arn(
                    service="emr-containers",
                    resource="/virtualclusters",
                    resource_name="*/endpoints/*",
                )
            ]
            if inputs.eks_execution_roles
            else []
        )
    raise ValueError(f"unknown resource {resource!r}")  # pragma: no cover


def _condition(spec: UserStatementSpec, inputs: UserPolicyInputs) -> Dict[str, Dict[str, Any]]:
    out: Dict[str, Dict[str, Any]] = {}
    for operator, block in spec.condition.items():
        out[operator] = {}
        for key, value in block.items():
            if value == EKS_EXECUTION_ROLES:
                arns = [r.role_arn for r in inputs.eks_execution_roles]
                out[operator][key] = arns if len(arns) > 1 else arns[0]
            else:
                out[operator][key] = value
    return out


def render_statement(
    stack: Stack, spec: UserStatementSpec, inputs: UserPolicyInputs
) -> Optional[Dict[str, Any]]:
    """One statement as policy JSON, or ``None`` when a placeholder of it is unfilled."""
    resources = [r for res in spec.resources for r in resolve_resource(stack, res, inputs)]
    if not resources:
        return None
    out: Dict[str, Any] = {
        "Sid": spec.sid,
        "Effect": "Allow",
        "Action": list(spec.actions) if len(spec.actions) > 1 else spec.actions[0],
        "Resource": resources if len(resources) > 1 else resources[0],
    }
    if spec.condition:
        out["Condition"] = _condition(spec, inputs)
    return out


@dataclass
class UserPolicy:
    """A ready-made user (session) policy and what it left out."""

    level: UserPolicyLevel
    policy: iam.ManagedPolicy
    #: Sids of the page's statements left out because their placeholder was not filled.
    omitted: Tuple[str, ...]


def user_policy_document(
    stack: Stack, level: UserPolicyLevel, inputs: UserPolicyInputs
) -> Tuple[Dict[str, Any], Tuple[str, ...]]:
    """The page's ``level`` policy as a policy document, and the Sids left out."""
    statements, omitted = [], []
    for spec in POLICIES[level]:
        rendered = render_statement(stack, spec, inputs)
        if rendered is None:
            omitted.append(spec.sid)
        else:
            statements.append(rendered)
    return {"Version": "2012-10-17", "Statement": statements}, tuple(omitted)


def wildcard_findings(
    stack: Stack, specs: Sequence[UserStatementSpec], inputs: UserPolicyInputs
) -> List[Tuple[str, str]]:
    """cdk-nag ``AwsSolutions-IAM5`` findings of the statements' wildcard resources, with reasons."""
    from .nag import iam5_resources

    arns: List[str] = []
    reasons: List[str] = []
    for spec in specs:
        for res in spec.resources:
            if res not in WILDCARD_REASONS:
                continue
            for arn in resolve_resource(stack, res, inputs):
                arns.append(arn)
                reasons.append(WILDCARD_REASONS[res])
    findings: Dict[str, str] = {}
    for finding, reason in zip(iam5_resources(stack, arns), reasons):
        findings.setdefault(finding, reason)
    return list(findings.items())


def build_user_policy(
    scope: Construct,
    id: str,
    *,
    level: UserPolicyLevel,
    inputs: UserPolicyInputs,
    description: Optional[str] = None,
) -> UserPolicy:
    """The page's example user policy ``level`` as an ``iam.ManagedPolicy`` under ``scope``.

    Its wildcard resources are acknowledged for cdk-nag on the policy, each with the
    page's reason.  Attach it to IAM identities (IAM mode) or use it as a session policy
    of the Studio user role (Identity Center mode, ``EmrStudio.add_session_mapping``).
    """
    from .nag import acknowledge

    stack = Stack.of(scope)
    document, omitted = user_policy_document(stack, level, inputs)
    policy = iam.ManagedPolicy(
        scope,
        id,
        document=iam.PolicyDocument.from_json(document),
        description=description
        or f"EMR Studio {level.value.lower()} user policy (AWS page: Configure EMR Studio user permissions)",
    )
    kept = [s for s in POLICIES[level] if s.sid not in omitted]
    acknowledge(policy, wildcard_findings(stack, kept, inputs))
    return UserPolicy(level, policy, omitted)
