"""Encryption of Temporal payloads: personal data never sits in clear in workflow histories.

Every payload the SDK sends to the server (workflow and activity inputs and results, signals, queries, memos...)
goes through `EncryptionCodec`: AES-256-GCM under a key from the settings. Keys are written
`"<id>:<urlsafe base64 of 32 bytes>[,<id>:<...>]"`; the first key encrypts, every listed key decrypts. To rotate,
put a new key first and keep the old ones until no history written with them is still needed.

`decode_json` / `encode_json` speak the protocol of Temporal's remote codec server, so the Temporal UI can show
decrypted payloads through a "codec endpoint" (`<endpoint>/decode`, `<endpoint>/encode`).
"""

import base64
import binascii
import dataclasses
import os
import re
from collections.abc import Sequence
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from google.protobuf import json_format
from google.protobuf.message import DecodeError
from temporalio.api.common.v1 import Payload, Payloads
from temporalio.converter import DataConverter, PayloadCodec

ENCODING = b"binary/encrypted"
KEY_ID_METADATA = "encryption-key-id"
KEY_BYTES = 32
NONCE_BYTES = 12  # AES-GCM's standard nonce: random per payload, so a key may encrypt ~2**32 payloads safely.
TAG_BYTES = 16

KEY_ID = re.compile(r"[A-Za-z0-9_-]{1,32}")
_URLSAFE_B64 = re.compile(r"[A-Za-z0-9_-]*={0,2}")
# The protobuf JSON mapping accepts standard and URL-safe base64, padded or not.
_ANY_B64 = re.compile(r"[A-Za-z0-9+/_-]*={0,2}")


@dataclasses.dataclass(frozen=True)
class DataKey:
    """One AES-256 key and the id that names it in the payloads it encrypted."""

    id: str
    secret: bytes = dataclasses.field(repr=False)  # never in logs or tracebacks

    def __post_init__(self) -> None:
        if not KEY_ID.fullmatch(self.id):
            raise ValueError("a key id must be 1 to 32 characters among A-Z a-z 0-9 _ -")
        if len(self.secret) != KEY_BYTES:
            raise ValueError(f"key '{self.id}': the secret must be {KEY_BYTES} bytes, not {len(self.secret)}")


def parse_keys(text: str) -> tuple[DataKey, ...]:
    """The keys of the setting's notation, the encrypting one first. Errors name the entry, never its secret."""
    if not text.strip():
        return ()
    keys: list[DataKey] = []
    for position, entry in enumerate(text.split(","), start=1):
        entry = entry.strip()
        if not entry:
            raise ValueError(f"encryption keys: entry {position} is empty")
        key_id, colon, encoded = entry.partition(":")
        key_id, encoded = key_id.strip(), encoded.strip()
        if not colon:
            # Not echoed: the whole entry may be a secret.
            raise ValueError(f"encryption keys: entry {position} is not '<id>:<base64 secret>'")
        if not KEY_ID.fullmatch(key_id):
            # Not echoed either: a secret written where the id goes would end up in logs.
            raise ValueError(f"encryption keys: the id of entry {position} must be 1 to 32 characters "
                             "among A-Z a-z 0-9 _ -")
        if any(key.id == key_id for key in keys):
            raise ValueError(f"encryption keys: the id '{key_id}' is listed twice")
        secret = _decode_urlsafe(encoded)
        if secret is None:
            raise ValueError(f"encryption keys: the secret of key '{key_id}' is not URL-safe base64")
        if len(secret) != KEY_BYTES:
            raise ValueError(f"encryption keys: the secret of key '{key_id}' is {len(secret)} bytes, "
                             f"it must be {KEY_BYTES}")
        keys.append(DataKey(key_id, secret))
    return tuple(keys)


def _decode_urlsafe(encoded: str) -> bytes | None:
    if not _URLSAFE_B64.fullmatch(encoded):
        return None
    try:
        # Padding optional: added back as needed (too much is tolerated by the decoder).
        return base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
    except (binascii.Error, ValueError):
        return None


def generate_key(key_id: str) -> str:
    """One new entry of the setting's notation, with a fresh random secret."""
    key = DataKey(key_id, os.urandom(KEY_BYTES))
    return f"{key.id}:{base64.urlsafe_b64encode(key.secret).decode('ascii')}"


class UndecryptablePayload(ValueError):
    """An encrypted payload whose key is not configured, or that fails authentication (tampered, wrong key)."""

    def __init__(self, message: str, key_id: str | None):
        super().__init__(message)
        self.key_id = key_id


class EncryptionCodec(PayloadCodec):
    """Encrypts every payload with the first key; decrypts with whichever configured key a payload names.

    A payload becomes `{"encoding": "binary/encrypted", "encryption-key-id": <id>}` with data
    nonce + AES-GCM(serialized original payload), the key id as associated data (a payload's id cannot be swapped).
    Payloads not encrypted (histories from before encryption was on) pass through decode unchanged.
    Takes no serialization context: the same keys for every workflow.
    """

    def __init__(self, keys: Sequence[DataKey]):
        if not keys:
            raise ValueError("EncryptionCodec needs at least one key")
        self._current = keys[0]
        self._ciphers = {key.id: AESGCM(key.secret) for key in keys}
        if len(self._ciphers) != len(keys):
            raise ValueError("EncryptionCodec: a key id is listed twice")

    @property
    def key_id(self) -> str:
        """The id of the key that encrypts."""
        return self._current.id

    async def encode(self, payloads: Sequence[Payload]) -> list[Payload]:
        cipher = self._ciphers[self._current.id]
        key_id = self._current.id.encode("ascii")
        encoded = []
        for payload in payloads:
            nonce = os.urandom(NONCE_BYTES)
            encoded.append(Payload(
                metadata={"encoding": ENCODING, KEY_ID_METADATA: key_id},
                data=nonce + cipher.encrypt(nonce, payload.SerializeToString(), key_id),
            ))
        return encoded

    async def decode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return [self._decrypt(payload) if payload.metadata.get("encoding") == ENCODING else payload
                for payload in payloads]

    def _decrypt(self, payload: Payload) -> Payload:
        raw_id = payload.metadata.get(KEY_ID_METADATA)
        if raw_id is None:
            raise UndecryptablePayload("an encrypted payload names no encryption key", None)
        # repr: the id comes from the payload (or from a caller of the codec endpoint), it is not trusted text.
        key_id = raw_id.decode("utf-8", errors="replace")
        cipher = self._ciphers.get(key_id)
        if cipher is None:
            raise UndecryptablePayload(f"a payload is encrypted with key {key_id!r}, which is not configured",
                                       key_id)
        if len(payload.data) < NONCE_BYTES + TAG_BYTES:
            raise UndecryptablePayload(f"a payload encrypted with key {key_id!r} is truncated", key_id)
        nonce, ciphertext = payload.data[:NONCE_BYTES], payload.data[NONCE_BYTES:]
        try:
            return Payload.FromString(cipher.decrypt(nonce, ciphertext, raw_id))
        except InvalidTag:
            raise UndecryptablePayload(f"a payload encrypted with key {key_id!r} fails authentication "
                                       "(altered, or another key under that id)", key_id) from None
        except DecodeError:
            raise UndecryptablePayload(f"a payload decrypted with key {key_id!r} is not a payload", key_id) from None


def data_converter(keys: tuple[DataKey, ...]) -> DataConverter:
    """The SDK's default converter, encrypting with `keys`; unchanged when no key is configured."""
    if not keys:
        return DataConverter.default
    return dataclasses.replace(DataConverter.default, payload_codec=EncryptionCodec(keys))


# The remote codec protocol: the UI POSTs {"payloads": [{"metadata": {"encoding": "<base64>"}, "data": "<base64>"}]}
# (the protobuf JSON mapping of temporal.api.common.v1.Payloads) and expects the same shape back.

class MalformedPayloads(ValueError):
    """A codec endpoint's request body is not the JSON form of Payloads."""


async def decode_json(codec: PayloadCodec, body: Any) -> dict:
    """The answer of `<endpoint>/decode` to `body`."""
    return _to_json(await codec.decode(_from_json(body).payloads))


async def encode_json(codec: PayloadCodec, body: Any) -> dict:
    """The answer of `<endpoint>/encode` to `body`."""
    return _to_json(await codec.encode(_from_json(body).payloads))


def _from_json(body: Any) -> Payloads:
    if not isinstance(body, dict):
        raise MalformedPayloads("the body must be a JSON object")
    if "payloads" not in body:
        raise MalformedPayloads("the body has no 'payloads'")
    if not isinstance(body["payloads"], list):
        raise MalformedPayloads("'payloads' must be a list")
    for position, payload in enumerate(body["payloads"]):
        _check_payload(position, payload)
    try:
        return json_format.ParseDict(body, Payloads())
    except json_format.ParseError as error:
        # The parser's message may quote the input: not repeated.
        raise MalformedPayloads("the body is not the JSON form of Payloads") from error


def _check_payload(position: int, payload: Any) -> None:
    # protobuf's JSON parser silently turns invalid base64 into empty bytes: checked here first.
    if not isinstance(payload, dict):
        raise MalformedPayloads(f"payload {position} must be a JSON object")
    metadata = payload.get("metadata", {})
    if not isinstance(metadata, dict):
        raise MalformedPayloads(f"the metadata of payload {position} must be a JSON object")
    for value in metadata.values():
        if not _is_base64(value):
            raise MalformedPayloads(f"the metadata of payload {position} is not base64")
    if "data" in payload and not _is_base64(payload["data"]):
        raise MalformedPayloads(f"the data of payload {position} is not base64")


def _is_base64(value: Any) -> bool:
    if not isinstance(value, str) or not _ANY_B64.fullmatch(value):
        return False
    unpadded = value.rstrip("=")
    if len(unpadded) % 4 == 1 or (len(value) != len(unpadded) and len(value) % 4):
        return False  # no base64 has that length
    return True


def _to_json(payloads: Sequence[Payload]) -> dict:
    answer = json_format.MessageToDict(Payloads(payloads=payloads))
    # MessageToDict leaves out an empty list; the UI expects the key.
    answer.setdefault("payloads", [])
    return answer
