"""Secrets the service reads back are sealed under the data key: bound to their purpose, readable after a key
rotation, refused when altered or under a key no longer configured."""

import pytest

from mentorat.payload_codec import generate_key, parse_keys
from mentorat.sealing import Sealer, Unsealable

OLD, NEW = parse_keys(generate_key("old"))[0], parse_keys(generate_key("new"))[0]


def test_a_seal_opens_for_its_purpose_only_and_hides_the_secret():
    sealer = Sealer((NEW,))
    sealed = sealer.seal("whsec_secret", "integration/agenda/secret/1")

    assert "whsec_secret" not in sealed and sealed.startswith("new.")
    assert sealer.open(sealed, "integration/agenda/secret/1") == "whsec_secret"
    with pytest.raises(Unsealable):
        sealer.open(sealed, "integration/crm/secret/1")


def test_a_rotation_keeps_older_seals_readable_and_a_retired_key_says_so():
    sealed = Sealer((OLD,)).seal("s", "p")

    assert Sealer((NEW, OLD)).open(sealed, "p") == "s"
    assert Sealer((NEW, OLD)).seal("s", "p").startswith("new.")
    with pytest.raises(Unsealable, match="old"):
        Sealer((NEW,)).open(sealed, "p")


def test_an_altered_seal_is_refused():
    sealed = Sealer((NEW,)).seal("s", "p")
    key_id, body = sealed.split(".")
    altered = f"{key_id}.{body[:-4]}{'AAAA' if body[-4:] != 'AAAA' else 'BBBB'}"

    with pytest.raises(Unsealable):
        Sealer((NEW,)).open(altered, "p")
