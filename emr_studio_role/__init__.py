"""emr-studio-role: the IAM service role for Amazon EMR Studio, as AWS documents it.

The public names are loaded when first used (PEP 562), so that ``emr-studio-check``
(:mod:`emr_studio_role.checks`), which reads templates with the standard library only,
does not start aws-cdk-lib's jsii runtime (and so needs no Node.js); ``from emr_studio_role
import EmrStudioServiceRole`` works as before, and type checkers read the imports below.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any, Dict, List

#: The package version; pyproject.toml reads it from here (the one place it is written).
__version__ = "0.1.0"

#: Each public name and the module that defines it.
_EXPORTS: Dict[str, str] = {
    "EMR_TAG_KEY": ".statements",
    "EMR_TAG_VALUE": ".statements",
    "GUARDED_SIDS": ".statements",
    "EmrStudio": ".studio",
    "EmrStudioChecks": ".checks.plugin",
    "EmrStudioRoleStackSet": ".stackset",
    "EmrStudioRoleValidationError": ".errors",
    "EmrStudioServiceRole": ".role",
    "EmrStudioServiceRoleStack": ".stack",
    "GitSecretAccess": ".options",
    "IdcUserAssignment": ".options",
    "SecretAccessLevel": ".options",
    "SessionIdentityType": ".options",
    "StackSetCaller": ".stackset",
    "StorageLocation": ".options",
    "StudioAuthMode": ".options",
    "StudioCompute": ".options",
    "StudioStackConfig": ".stack",
    "UserPolicyLevel": ".user_policies",
}

__all__ = [
    "EMR_TAG_KEY",
    "EMR_TAG_VALUE",
    "EmrStudio",
    "EmrStudioChecks",
    "EmrStudioRoleStackSet",
    "EmrStudioRoleValidationError",
    "EmrStudioServiceRole",
    "EmrStudioServiceRoleStack",
    "GUARDED_SIDS",
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

if TYPE_CHECKING:  # pragma: no cover - what the names are, for type checkers and IDEs
    from .checks.plugin import EmrStudioChecks
    from .errors import EmrStudioRoleValidationError
    from .options import (
        GitSecretAccess,
        IdcUserAssignment,
        SecretAccessLevel,
        SessionIdentityType,
        StorageLocation,
        StudioAuthMode,
        StudioCompute,
    )
    from .role import EmrStudioServiceRole
    from .stack import EmrStudioServiceRoleStack, StudioStackConfig
    from .stackset import EmrStudioRoleStackSet, StackSetCaller
    from .statements import EMR_TAG_KEY, EMR_TAG_VALUE, GUARDED_SIDS
    from .studio import EmrStudio
    from .user_policies import UserPolicyLevel


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value  # loaded once
    return value


def __dir__() -> List[str]:
    return sorted(set(globals()) | set(__all__))
