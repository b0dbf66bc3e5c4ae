"""The package's one error type."""

from __future__ import annotations

from typing import Sequence


class EmrStudioRoleValidationError(ValueError):
    """Bad input to :class:`~emr_studio_role.EmrStudioServiceRole`.

    All problems found are collected first and raised once; ``problems`` holds
    one message per problem, each naming the prop, the value it got and what
    is allowed.
    """

    def __init__(self, construct_path: str, problems: Sequence[str]) -> None:
        self.construct_path = construct_path
        self.problems = tuple(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(
            f"EmrStudioServiceRole at '{construct_path}' was given "
            f"{len(self.problems)} invalid prop value(s):\n{lines}"
        )
