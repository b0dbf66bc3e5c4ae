"""The construct's choices and records: what the Studio runs on, who reads Git secrets, storage."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Optional

from aws_cdk import aws_kms as kms
from aws_cdk import aws_s3 as s3


class StudioCompute(enum.Enum):
    """What the Studio runs its Workspaces on."""

    #: EMR on EC2 or EMR on EKS: the page's full policy (steps 1-3).
    EC2_OR_EKS = "EC2_OR_EKS"
    #: EMR Serverless: the page's "Minimum service role for EMR Serverless" (storage only).
    EMR_SERVERLESS = "EMR_SERVERLESS"


class GitSecretAccess(enum.Enum):
    """Who may read the Git credentials in Secrets Manager."""

    #: The page's statement: any secret in the account and region tagged with the EMR tag.
    TAGGED_SECRETS = "TAGGED_SECRETS"
    #: The page's statement and tag condition, on the ARNs of ``git_secrets`` only.
    LISTED_SECRETS = "LISTED_SECRETS"
    #: Page step 4: no secret access on the service role; grant it to the Studio user
    #: role with :meth:`EmrStudioServiceRole.grant_git_secret_read`.
    USER_ROLE = "USER_ROLE"


class SecretAccessLevel(enum.Enum):
    """The condition :meth:`EmrStudioServiceRole.grant_git_secret_read` grants under."""

    #: AWS's user-permissions page, "To use user-level permissions": a user reads only the
    #: Git secrets whose ``for-use-with-amazon-emr-managed-user-policies`` tag is their own
    #: ``${aws:userid}`` (EMR Studio tags the secrets it creates so since 2023-09-01).
    USER = "USER"
    #: The service role's statement (EMR tag ``for-use-with-amazon-emr-managed-policies=true``):
    #: every holder of the user role reads every such secret.  For secrets created before
    #: 2023-09-01, which have no user-level tag (AWS's page, "To use service-level permissions").
    SERVICE = "SERVICE"


@dataclass(frozen=True)
class StorageLocation:
    """One S3 location the Studio reads and writes: bucket, key prefix, and its key."""

    bucket: s3.IBucket
    #: Normalised: ``""`` for the whole bucket, else ending in ``/``.
    prefix: str
    encryption_key: Optional[kms.IKey]


class StudioAuthMode(enum.Enum):
    """How users sign in to the Studio (``AWS::EMR::Studio`` ``AuthMode``)."""

    #: IAM authentication or IAM federation with an external IdP.
    IAM = "IAM"
    #: IAM Identity Center: a user role and session policies per user or group.
    IAM_IDENTITY_CENTER = "SSO"


class IdcUserAssignment(enum.Enum):
    """Whether Identity Center users must be assigned to the Studio (``IdcUserAssignment``)."""

    #: Users and groups must be assigned to the Studio's application to sign in.
    REQUIRED = "REQUIRED"
    #: Every user of the Identity Center instance may sign in.
    OPTIONAL = "OPTIONAL"


class SessionIdentityType(enum.Enum):
    """``AWS::EMR::StudioSessionMapping`` ``IdentityType``."""

    #: An Identity Center user, by user name.
    USER = "USER"
    #: An Identity Center group, by display name.
    GROUP = "GROUP"
