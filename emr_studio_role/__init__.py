"""emr-studio-role: the IAM service role for Amazon EMR Studio, as AWS documents it."""

from .checks import EmrStudioChecks
from .errors import EmrStudioRoleValidationError
from .role import EmrStudioServiceRole, GitSecretAccess, StorageLocation, StudioCompute
from .statements import EMR_TAG_KEY, EMR_TAG_VALUE, GUARDED_SIDS

#: The package version; pyproject.toml reads it from here (the one place it is written).
__version__ = "0.1.0"

__all__ = [
    "EMR_TAG_KEY",
    "EMR_TAG_VALUE",
    "GUARDED_SIDS",
    "EmrStudioChecks",
    "EmrStudioRoleValidationError",
    "EmrStudioServiceRole",
    "GitSecretAccess",
    "StorageLocation",
    "StudioCompute",
    "__version__",
]
