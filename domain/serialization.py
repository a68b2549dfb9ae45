"""Plain-JSON form of the domain's dataclasses (for read views and workflow continue-as-new)."""

import dataclasses
import types
import typing
from datetime import datetime
from enum import Enum
from typing import Any


def to_jsonable(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {key: to_jsonable(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(item) for item in value]
    return value


def from_jsonable(kind: Any, value: Any) -> Any:
    """Inverse of `to_jsonable`, guided by type hints."""
    if value is None:
        return None
    origin = typing.get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        inner = [arg for arg in typing.get_args(kind) if arg is not type(None)]
        return from_jsonable(inner[0], value)
    if origin is list:
        (item_kind,) = typing.get_args(kind)
        return [from_jsonable(item_kind, item) for item in value]
    if origin is dict:
        _, item_kind = typing.get_args(kind)
        return {key: from_jsonable(item_kind, item) for key, item in value.items()}
    if dataclasses.is_dataclass(kind):
        hints = typing.get_type_hints(kind)
        names = {f.name for f in dataclasses.fields(kind)}
        return kind(**{name: from_jsonable(hints[name], item) for name, item in value.items() if name in names})
    if kind is datetime:
        return datetime.fromisoformat(value)
    if isinstance(kind, type) and issubclass(kind, Enum):
        return kind(value)
    return value
