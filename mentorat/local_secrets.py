"""Development secrets: made once, kept in <data_dir>/secrets.json (readable by its owner only), so `serve` needs
no set-up and its tokens and encrypted payloads stay valid across restarts. Production gives its own (the settings
refuse to start without them)."""

import json
import os
import secrets
import time
from pathlib import Path

from mentorat.payload_codec import generate_key
from mentorat.settings import Settings


def with_local_secrets(settings: Settings) -> Settings:
    """`settings` with every empty secret taken from the data directory's file (made on first use)."""
    missing = {name for name in ("token_secret", "data_keys") if not getattr(settings, name).get_secret_value()}
    if not missing or settings.environment == "production":
        return settings
    kept = _load_or_create(settings.secrets_path)
    return settings.model_copy(update={name: type(getattr(settings, name))(kept[name]) for name in missing})


def _load_or_create(path: Path) -> dict[str, str]:
    path.parent.mkdir(parents=True, exist_ok=True)
    made = {"token_secret": secrets.token_urlsafe(48), "data_keys": generate_key("local-1")}
    try:
        # O_EXCL: when two processes start together, one writes and the other reads what it wrote.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read_complete(path)
    with os.fdopen(descriptor, "w") as file:
        json.dump(made, file)
    return made


def _read_complete(path: Path) -> dict[str, str]:
    # The other process may be between creating the file and writing it: a few short waits.
    for _ in range(50):
        try:
            return json.loads(path.read_text())
        except (json.JSONDecodeError, OSError):
            time.sleep(0.02)
    return json.loads(path.read_text())
