"""The package's one error type."""

from __future__ import annotations

from typing import Sequence

#: The ``construct_path`` of errors about the app's context keys (not a construct).
APP_CONTEXT = "app context"


class EmrStudioRoleValidationError(ValueError):
    """Bad input to one of the package's constructs, or to the app's context keys.

    All problems found are collected first and raised once; ``problems`` holds
    one message per problem, each naming the prop (or context key), the value it
    got and what is allowed.  ``construct`` names the class the input was given to
    (``EmrStudioServiceRole``, ``EmrStudio``, ``EmrStudioRoleStackSet``, ...).
    """

    def __init__(
        self,
        construct_path: str,
        problems: Sequence[str],
        *,
        construct: str = "EmrStudioServiceRole",
    ) -> None:
        self.construct_path = construct_path
        self.construct = construct
        self.problems = tuple(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        if construct_path == APP_CONTEXT:
            head = f"The app's context has {len(self.problems)} invalid value(s)"
        else:
            head = (
                f"{construct} at '{construct_path}' was given "
                f"{len(self.problems)} invalid prop value(s)"
            )
        super().__init__(f"{head}:\n{lines}")
