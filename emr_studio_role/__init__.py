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

__all__ = [
    "EMR_TAG_KEY",
    "EMR_TAG_VALUE",
    "GUARDED_SIDS",
    "EmrStudioChecks",
    "EmrStudioRoleValidationError",
    "EmrStudioServiceRole",
    "GitSecretAccess",
    "SecretAccessLevel",
    "StorageLocation",
    "StudioCompute",
]
