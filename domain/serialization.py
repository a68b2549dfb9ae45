"""Plain-JSON form of the domain's dataclasses (for read views and workflow continue-as-new)."""

import dataclasses
import functools
import types
import typing
from collections.abc import Callable
from datetime import datetime
from enum import Enum
from typing import Any


def to_jsonable(value: Any) -> Any:
    return _encoder(type(value))(value)


@functools.cache
def _encoder(kind: type) -> Callable[[Any], Any]:
    """One encoding function per type, chosen once (the read views encode every state they write)."""
    if dataclasses.is_dataclass(kind):
        return _dataclass_encoder(kind)
    if issubclass(kind, datetime):
        return datetime.isoformat
    if issubclass(kind, Enum):
        return lambda value: value.value
    if issubclass(kind, dict):
        return lambda value: {key: to_jsonable(item) for key, item in value.items()}
    if issubclass(kind, (list, tuple)):
        return lambda value: [to_jsonable(item) for item in value]
    return _unchanged


def _dataclass_encoder(kind: type) -> Callable[[Any], Any]:
    """Guided by the fields' type hints: a plain field (text, number, flag) is copied as it is, with no call per
    value; the others get the encoder their hint names (a rebuild encodes thousands of states)."""
    hints = typing.get_type_hints(kind)
    fields = [(f.name, _hinted_encoder(hints[f.name])) for f in dataclasses.fields(kind)]

    def encode(value: Any) -> dict[str, Any]:
        return {name: getattr(value, name) if encode_field is None else encode_field(getattr(value, name))
                for name, encode_field in fields}

    return encode


@functools.cache
def _hinted_encoder(hint: Any) -> Callable[[Any], Any] | None:
    """The encoder for values of the hinted type; None when they are JSON already. Unsure: chosen by each value's
    own type (`to_jsonable`)."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        options = [arg for arg in typing.get_args(hint) if arg is not type(None)]
        if len(options) != 1:
            return to_jsonable
        encode = _hinted_encoder(options[0])
        return None if encode is None else (lambda value: None if value is None else encode(value))
    if origin is list:
        item = _hinted_encoder(typing.get_args(hint)[0])
        return list if item is None else (lambda value: [item(v) for v in value])
    if origin is dict:
        item = _hinted_encoder(typing.get_args(hint)[1])
        return dict if item is None else (lambda value: {key: item(v) for key, v in value.items()})
    if hint in (str, int, float, bool):
        return None
    if hint is datetime:
        return datetime.isoformat
    return to_jsonable


def from_jsonable(kind: Any, value: Any) -> Any:
    """Inverse of `to_jsonable`, guided by type hints."""
    return _decoder(kind)(value)


def _unchanged(value: Any) -> Any:
    return value


@functools.cache
def _decoder(kind: Any) -> Callable[[Any], Any]:
    """One decoding function per type, built once: reading the type hints costs more than the decoding.
    None decodes to None whatever the type (every optional field), so each decoder below sees a value."""
    if typing.get_origin(kind) in (typing.Union, types.UnionType):  # `X | None`: X's decoder lets None through
        return _decoder(next(arg for arg in typing.get_args(kind) if arg is not type(None)))
    decode = _value_decoder(kind)
    if decode is _unchanged:
        return decode
    return lambda value: None if value is None else decode(value)


def _value_decoder(kind: Any) -> Callable[[Any], Any]:
    origin = typing.get_origin(kind)
    if origin is list:
        item = _decoder(typing.get_args(kind)[0])
        return lambda value: [item(v) for v in value]
    if origin is dict:
        item = _decoder(typing.get_args(kind)[1])
        return lambda value: {key: item(v) for key, v in value.items()}
    if dataclasses.is_dataclass(kind):
        hints = typing.get_type_hints(kind)
        fields = {f.name: _decoder(hints[f.name]) for f in dataclasses.fields(kind)}
        # Unknown keys (a field since removed) are dropped; missing ones take the field's default.
        return lambda value: kind(**{name: fields[name](item) for name, item in value.items() if name in fields})
    if kind is datetime:
        return datetime.fromisoformat
    if isinstance(kind, type) and issubclass(kind, Enum):
        return kind
    return _unchanged
