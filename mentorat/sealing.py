"""Secrets the service must read back (an integration's signing secret) are stored sealed: AES-256-GCM under the
current data key, `<key id>.<urlsafe base64 of nonce + ciphertext>`, so the event store never holds them in clear
and a key rotation keeps older seals readable (every configured key opens what it sealed)."""

import base64
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from application.integrations import Unsealable
from mentorat.payload_codec import NONCE_BYTES, DataKey

__all__ = ["Sealer", "Unsealable"]


class Sealer:
    def __init__(self, keys: tuple[DataKey, ...]):
        if not keys:
            raise ValueError("sealing needs a data key (MENTORAT_DATA_KEYS)")
        self._current = keys[0]
        self._keys = {key.id: key for key in keys}

    def seal(self, secret: str, purpose: str) -> str:
        """`purpose` is bound to the seal: a seal made for one thing does not open as another."""
        nonce = os.urandom(NONCE_BYTES)
        sealed = AESGCM(self._current.secret).encrypt(nonce, secret.encode(), purpose.encode())
        return f"{self._current.id}.{base64.urlsafe_b64encode(nonce + sealed).decode()}"

    def open(self, sealed: str, purpose: str) -> str:
        key_id, _, body = sealed.partition(".")
        key = self._keys.get(key_id)
        if key is None:
            raise Unsealable(f"sealed with key '{key_id}', which is not configured")
        try:
            raw = base64.urlsafe_b64decode(body)
            return AESGCM(key.secret).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], purpose.encode()).decode()
        except (InvalidTag, ValueError) as error:
            raise Unsealable(f"seal under key '{key_id}' does not open") from error
