"""Records about AWS's user-permissions page, as data: where this package departs from the
page's example user policies (:data:`DEPARTURES`), the Yes cells of the page's operations table
that the page's own example policies do not allow (:data:`TABLE_NOTES`, checked by the IAM
evaluator matrix in ``tests/integration/test_iam_users.py``), and the advanced policy's broad
grants (:data:`BROAD_GRANTS`).  ``docs/permissions.md`` is generated from them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Tuple

from .user_statements import (
    ALLOW_S3_LIST_ALL_MY_BUCKETS,
    PASS_TO_EC2_SID,
    USER_SECRET_TAG_KEY,
    UserPolicyLevel,
)


@dataclass(frozen=True)
class Departure:
    """Where a user policy this package builds differs from the page's example policy."""

    #: The statement (Sid) it is about.
    sid: str
    #: What the page writes.
    page: str
    #: What this package writes instead, and when.
    ours: str
    #: Why.
    why: str


#: Why the basic policy holds the intermediate policy's three EMR statements.
_BASIC_WORKSPACES = (
    "The page contradicts itself: its operations table says Yes for the basic policy on "
    "creating, opening and attaching Workspaces, attaching EMR on EKS clusters, Git "
    "repositories and debugging with application UIs, and its prose says the basic policy "
    "'allows most EMR Studio actions, but does not let a user create new Amazon EMR "
    "clusters'; but the basic policy's JSON (both copies of the page) has no elasticmapreduce: "
    "or emr-containers: action, so a basic user could not even open a Workspace. The table "
    "and the prose win: every action these statements add is in a row the table marks Yes "
    "for basic (the IAM evaluator matrix checks every one), and none creates a cluster."
)

DEPARTURES: Tuple[Departure, ...] = (
    Departure(
        "AllowEMRBasicActions",
        "Not in the basic policy (only in the intermediate and advanced ones).",
        "In the basic policy too, as the intermediate policy has it; and beside it "
        "`AllowEMRContainersBasicActions` and, when EKS execution roles are given, "
        "`AllowRetrievingManagedEndpointCredentials`.",
        _BASIC_WORKSPACES,
    ),
    Departure(
        "AllowEMRContainersBasicActions",
        "Not in the basic policy (only in the intermediate and advanced ones).",
        "In the basic policy too, as the intermediate policy has it.",
        _BASIC_WORKSPACES,
    ),
    Departure(
        "AllowRetrievingManagedEndpointCredentials",
        "Not in the basic policy (only in the intermediate and advanced ones).",
        "In the basic policy too, as the intermediate policy has it (only when "
        "`eks_execution_roles` are given, like the other levels).",
        _BASIC_WORKSPACES,
    ),
    Departure(
        "AllowAddingTagsOnSecretsWithEMRStudioPrefix",
        "secretsmanager:TagResource on secret:emr-studio-* with no condition.",
        "The same, only when the request's user tag "
        f"`{USER_SECRET_TAG_KEY}` (if any) is the caller's `${{aws:userid}}`, the secret's own "
        "user tag (if any) is the caller's, and no tag key but EMR Studio's two is set "
        "(`StringEqualsIfExists`, `ForAllValues:StringEquals aws:TagKeys`). Every level, "
        "both auth modes.",
        "Without a condition, a user re-tags another user's Git secret with their own user id "
        "and then reads it through the user-level Git secret statement (checked by the IAM "
        "evaluator both ways: a user still creates and tags their own secret; re-tagging a "
        "victim's secret is denied, and so is reading it). A secret that carries no user tag "
        "(created before 2023-09-01) can still be tagged once by any user: re-create such "
        "secrets, as AWS recommends.",
    ),
    Departure(
        ALLOW_S3_LIST_ALL_MY_BUCKETS.sid,
        "s3:ListAllMyBuckets only in AllowS3ListAndLocationPermissions, on "
        "arn:<partition>:s3:::* (basic and intermediate).",
        "The page's statement as it is, and beside it `AllowS3ListAllMyBuckets`: "
        "s3:ListAllMyBuckets on `*` (basic and intermediate; the advanced policy has it on `*` "
        "in AllowAthenaSQL already).",
        "AWS's Service Authorization Reference lists no resource type for s3:ListAllMyBuckets "
        "('you must specify all resources (\"*\")'), and the IAM evaluator denies it on "
        "arn:<partition>:s3:::*, while the page's table says basic and intermediate users see "
        "the list of buckets. The action lists bucket names only.",
    ),
    Departure(
        "AllowSecretsManagerReadOnlyActionsWithEMRTags",
        "The user-level Git secret statement goes into the EMR Studio user role's policy.",
        "In IAM Identity Center mode with `git_secret_access=USER_ROLE`, every user policy "
        "(session policy) that `user_policy()` builds also holds the user role's Git secret "
        "statements (and `kms:Decrypt` through Secrets Manager for secrets with a "
        "customer-managed key).",
        "AWS's *Assign and manage EMR Studio users*: 'The final permissions for a user or group "
        "is an intersection of the permissions defined in your EMR Studio user role and the "
        "permissions defined in the session policy'. With the statement on the role only, the "
        "evaluator denies GetSecretValue to every user. A session policy you write yourself "
        "needs the same statement.",
    ),
    Departure(
        "(every statement)",
        "One statement per Sid.",
        "Only when a level's policy could exceed 6,144 characters (its sound size bound): its "
        "compact form, where statements with the same resources and condition are one "
        "statement with the union of their actions, and no statement has a Sid.",
        "A session mapping takes exactly one managed policy, so a user policy cannot be split "
        "over several; IAM allows a request when any statement allows it, so the compact form "
        "allows exactly the same requests (the IAM evaluator matrix runs on it). A policy that "
        "does not fit even so is refused, naming the level, its bound and its largest "
        "statements.",
    ),
)


@dataclass(frozen=True)
class BroadGrant:
    """A grant of the page's advanced policy on ``*`` that a platform team should know about."""

    actions: Tuple[str, ...]
    #: Which Sid of the page's advanced policy grants it, and on what.
    grant: str
    #: What it lets a user do beyond EMR Studio.
    reach: str
    #: How to narrow it with this package (or why it cannot be narrowed by resource).
    narrow: str


BROAD_GRANTS: Tuple[BroadGrant, ...] = (
    BroadGrant(
        ("s3:PutObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts", "s3:GetObject"),
        "`AllowAthenaSQL` on `*`",
        "Read and overwrite any object of any bucket whose bucket policy does not deny it, "
        "notebooks and other teams' data included.",
        "`data_buckets=[...]`: these actions on `<bucket>/*` of those buckets only "
        "(`AllowAthenaSQLOnDataObjects`). Include the Athena query-result bucket.",
    ),
    BroadGrant(
        ("s3:PutBucketPublicAccessBlock",),
        "`AllowAthenaSQL` on `*`",
        "Change (or remove) the public-access block of any bucket of the account.",
        "`data_buckets=[...]`: on those buckets only (`AllowAthenaSQLOnDataBuckets`).",
    ),
    BroadGrant(
        ("s3:ListBucket", "s3:ListBucketMultipartUploads"),
        "`AllowAthenaSQL` on `*`",
        "List the keys of any bucket (`s3:ListBucket` is also the page's "
        "`AllowS3ListAndLocationPermissions` on `arn:<partition>:s3:::*`, at every level).",
        "`data_buckets=[...]`: the Athena statement's on those buckets only "
        "(`AllowAthenaSQLOnDataBuckets`); the page's list statement stays.",
    ),
    BroadGrant(
        (
            "glue:DeleteDatabase",
            "glue:DeleteTable",
            "glue:BatchDeleteTable",
            "glue:DeletePartition",
            "glue:BatchDeletePartition",
            "glue:Create*",
            "glue:Update*",
        ),
        "`AllowAthenaSQL` on `*`",
        "Create, change and delete any database, table and partition of the account's Glue "
        "Data Catalog.",
        "`glue_databases=[...]`: every Glue action of the statement on this account's catalog "
        "in the stack's region, those databases and their tables only "
        "(`AllowAthenaSQLOnGlueDatabases`).",
    ),
    BroadGrant(
        ("lakeformation:GetDataAccess",),
        "`AllowAthenaSQL` on `*`",
        "Temporary credentials for any data location Lake Formation grants the user.",
        "Not by resource: the action takes none (`*` only); Lake Formation's own grants decide.",
    ),
    BroadGrant(
        ("kms:DescribeKey", "kms:ListKeys", "kms:ListAliases"),
        "`AllowAthenaSQL` on `*`",
        "Read the metadata of any KMS key of the account (no use of a key).",
        "Not offered: metadata only; `kms:ListKeys`/`ListAliases` take no resource.",
    ),
    BroadGrant(
        ("iam:PassRole",),
        "`AllowPassingServiceRoleForWorkspaceCreation` on the service role, "
        "`EMR_DefaultRole_V2` and `EMR_EC2_DefaultRole`, with no `iam:PassedToService`",
        "Pass these roles to any service that takes a role (for example `EMR_EC2_DefaultRole` "
        "to a Lambda function or an EC2 instance outside EMR).",
        "`restrict_pass_role=True`: the service role and `EMR_DefaultRole_V2` only to "
        "`elasticmapreduce.<URL suffix>`, `EMR_EC2_DefaultRole` only to `ec2.<URL suffix>` "
        f"(`{PASS_TO_EC2_SID}`), as AWS's `AmazonEMRFullAccessPolicy_v2` does.",
    ),
    BroadGrant(
        ("elasticmapreduce:RunJobFlow",),
        "`AllowEMRCreateClusterAdvancedActions` on `*`",
        "Create clusters of any size and configuration (with the default roles it may pass).",
        "Not offered: RunJobFlow takes no resource; limit it with a tag condition or a "
        "service control policy of your own.",
    ),
)




@dataclass(frozen=True)
class TableNote:
    """A Yes cell of the page's table *AWS Identity and Access Management permissions for EMR
    Studio users* that the page's own example policy for that level does not allow."""

    #: The row's operation, as the page's table starts it.
    operation: str
    levels: Tuple[UserPolicyLevel, ...]
    #: The row's actions the level's policy does not allow.
    actions: Tuple[str, ...]
    #: What the page says, and what this package does.
    choice: str


_NO_EXECUTION_ROLE_KEY = (
    "The page's AllowRetrievingManagedEndpointCredentials allows "
    "emr-containers:GetManagedEndpointSessionCredentials only with StringEquals "
    "emr-containers:ExecutionRoleArn, but AWS's Service Authorization Reference (and so the IAM "
    "evaluator's data) lists no condition key for that action, so the evaluator never finds "
    "the key and denies. Choice: the page's statement is kept (it fails closed: no execution "
    "role but the ones named); if EMR on EKS does set the key for this action, it works as the "
    "page intends. Check once with a Workspace before you rely on it."
)

TABLE_NOTES: Tuple[TableNote, ...] = (
    TableNote(
        "Attach or detach Amazon EMR on EKS clusters",
        (UserPolicyLevel.BASIC, UserPolicyLevel.INTERMEDIATE, UserPolicyLevel.ADVANCED),
        ("emr-containers:GetManagedEndpointSessionCredentials",),
        _NO_EXECUTION_ROLE_KEY,
    ),
)
