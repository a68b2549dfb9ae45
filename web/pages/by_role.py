"""Routes made once per role (mentor, mentee): no route takes a role from its path."""

import inspect
from typing import Annotated

from fastapi import Path

PersonId = Annotated[str, Path(max_length=64, pattern=r"^[A-Za-z0-9._:-]+$")]


def for_role(role: str, page_function):
    """`page_function` with its role fixed, for the routes of that role (no route takes a role from the path)."""
    async def with_role(**kwargs):
        return await page_function(role=role, **kwargs)

    parameters = [p for name, p in inspect.signature(page_function).parameters.items() if name != "role"]
    with_role.__signature__ = inspect.Signature(parameters)
    return with_role
