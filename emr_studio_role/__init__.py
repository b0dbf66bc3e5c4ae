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
from .stack import EmrStudioServiceRoleStack, StudioStackConfig
from .stackset import EmrStudioRoleStackSet, StackSetCaller
from .statements import EMR_TAG_KEY, EMR_TAG_VALUE, GUARDED_SIDS
from .studio import EmrStudio, IdcUserAssignment, SessionIdentityType, StudioAuthMode
from .user_policies import UserPolicyLevel

#: The package version; pyproject.toml reads it from here (the one place it is written).
__version__ = "0.1.0"

__all__ = [
    "EMR_TAG_KEY",
    "EMR_TAG_VALUE",
    "GUARDED_SIDS",
    "EmrStudio",
    "EmrStudioChecks",
    "EmrStudioRoleStackSet",
    "EmrStudioRoleValidationError",
    "EmrStudioServiceRole",
    "EmrStudioServiceRoleStack",
    "GitSecretAccess",
    "IdcUserAssignment",
    "SecretAccessLevel",
    "SessionIdentityType",
    "StackSetCaller",
    "StorageLocation",
    "StudioAuthMode",
    "StudioCompute",
    "StudioStackConfig",
    "UserPolicyLevel",
    "__version__",
]
