"""emr-studio-role: the IAM service role for Amazon EMR Studio, as AWS documents it."""

from .checks import EmrStudioChecks
from .errors import EmrStudioRoleValidationError
from .role import (
    EmrStudioServiceRole,
    GitSecretAccess,
    SecretAccessLevel,
    StorageLocation,
    StudioCompute,
)
from .statements import EMR_TAG_KEY, EMR_TAG_VALUE, GUARDED_SIDS
from .studio import EmrStudio, IdcUserAssignment, SessionIdentityType, StudioAuthMode
from .user_policies import UserPolicyLevel

__all__ = [
    "EMR_TAG_KEY",
    "EMR_TAG_VALUE",
    "GUARDED_SIDS",
    "EmrStudio",
    "EmrStudioChecks",
    "EmrStudioRoleValidationError",
    "EmrStudioServiceRole",
    "GitSecretAccess",
    "IdcUserAssignment",
    "SecretAccessLevel",
    "SessionIdentityType",
    "StorageLocation",
    "StudioAuthMode",
    "StudioCompute",
    "UserPolicyLevel",
]
