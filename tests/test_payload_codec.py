"""Payload encryption: round trips, key rotation, tampering, the key notation, the UI's codec endpoint protocol,
and a real Temporal history with nothing personal in clear."""

import base64
import uuid
from datetime import timedelta

import pytest
from temporalio import activity, workflow
from temporalio.api.common.v1 import Payload
from temporalio.converter import DataConverter
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import UnsandboxedWorkflowRunner, Worker

from mentorat.devserver import binary
from mentorat.payload_codec import (
    DataKey, EncryptionCodec, MalformedPayloads, UndecryptablePayload, data_converter, decode_json, encode_json,
    generate_key, parse_keys,
)

EMAIL = "anne@example.org"
OLD = DataKey("old", bytes(range(32)))
NEW = DataKey("new", bytes(range(100, 132)))
SECRET_TEXT = base64.urlsafe_b64encode(bytes(range(32))).decode()


def sample_payloads() -> list[Payload]:
    # json/plain, binary/null and binary/plain, as the SDK's default converter makes them.
    return DataConverter.default.payload_converter.to_payloads(
        [{"email": EMAIL, "name": "Anne"}, None, b"\x00raw bytes\xff", "plain text"])


def encoding(payload: Payload) -> bytes:
    return payload.metadata["encoding"]


# The codec.

async def test_payloads_come_back_equal_and_are_not_readable_encoded():
    codec = EncryptionCodec((NEW,))
    originals = sample_payloads()
    assert [encoding(p) for p in originals] == [b"json/plain", b"binary/null", b"binary/plain", b"json/plain"]

    encoded = await codec.encode(originals)

    assert len(encoded) == len(originals)
    for payload in encoded:
        assert dict(payload.metadata) == {"encoding": b"binary/encrypted", "encryption-key-id": b"new"}
        assert EMAIL.encode() not in payload.data
        assert EMAIL.encode() not in payload.SerializeToString()
    assert b"raw bytes" not in encoded[2].data
    assert await codec.decode(encoded) == originals


async def test_the_same_payload_encrypts_differently_each_time():
    codec = EncryptionCodec((NEW,))
    payload = sample_payloads()[0]
    first, second = await codec.encode([payload, payload])
    assert first.data[:12] != second.data[:12]  # a fresh nonce
    assert first.data != second.data
    assert await codec.decode([first, second]) == [payload, payload]


async def test_a_payload_of_an_old_key_decodes_after_rotation_and_new_ones_use_the_new_key():
    originals = sample_payloads()
    under_old = await EncryptionCodec((OLD,)).encode(originals)

    rotated = EncryptionCodec((NEW, OLD))
    assert rotated.key_id == "new"
    decoded = await rotated.decode(under_old)
    assert decoded == originals
    reencoded = await rotated.encode(decoded)
    assert {p.metadata["encryption-key-id"] for p in reencoded} == {b"new"}
    assert await EncryptionCodec((NEW,)).decode(reencoded) == originals


async def test_a_payload_of_a_key_no_longer_configured_is_refused_naming_the_key():
    under_old = await EncryptionCodec((OLD,)).encode(sample_payloads())
    with pytest.raises(UndecryptablePayload, match="'old'") as refused:
        await EncryptionCodec((NEW,)).decode(under_old)
    assert refused.value.key_id == "old"
    assert isinstance(refused.value, ValueError)


@pytest.mark.parametrize("position", [0, 5, 12, 20, -1])
async def test_a_tampered_ciphertext_is_refused(position):
    codec = EncryptionCodec((NEW,))
    [encoded] = await codec.encode(sample_payloads()[:1])
    data = bytearray(encoded.data)
    data[position] ^= 0x01
    tampered = Payload(metadata=encoded.metadata, data=bytes(data))
    with pytest.raises(UndecryptablePayload, match="'new'") as refused:
        await codec.decode([tampered])
    assert EMAIL not in str(refused.value)


async def test_a_payload_relabelled_with_another_configured_key_is_refused():
    codec = EncryptionCodec((NEW, OLD))
    [encoded] = await codec.encode(sample_payloads()[:1])
    relabelled = Payload(metadata={**encoded.metadata, "encryption-key-id": b"old"}, data=encoded.data)
    with pytest.raises(UndecryptablePayload, match="'old'"):
        await codec.decode([relabelled])


async def test_a_truncated_or_unlabelled_encrypted_payload_is_refused():
    codec = EncryptionCodec((NEW,))
    with pytest.raises(UndecryptablePayload, match="truncated"):
        await codec.decode([Payload(metadata={"encoding": b"binary/encrypted", "encryption-key-id": b"new"},
                                    data=b"short")])
    with pytest.raises(UndecryptablePayload, match="names no"):
        await codec.decode([Payload(metadata={"encoding": b"binary/encrypted"}, data=bytes(64))])


async def test_payloads_not_encrypted_pass_through_decode_unchanged():
    codec = EncryptionCodec((NEW,))
    originals = sample_payloads()
    [encrypted] = await codec.encode(originals[:1])
    assert await codec.decode(originals) == originals
    assert await codec.decode([originals[1], encrypted, originals[2]]) == [originals[1], originals[0],
                                                                            originals[2]]


def test_a_codec_needs_a_key():
    with pytest.raises(ValueError):
        EncryptionCodec(())


def test_the_converter_encrypts_only_with_keys():
    assert data_converter(()) is DataConverter.default
    converter = data_converter((NEW, OLD))
    assert isinstance(converter.payload_codec, EncryptionCodec)
    assert converter.payload_codec.key_id == "new"
    assert converter.payload_converter_class is DataConverter.default.payload_converter_class
    assert converter.failure_converter_class is DataConverter.default.failure_converter_class


async def test_the_converter_round_trips_values():
    converter = data_converter((NEW,))
    encoded = await converter.encode([{"email": EMAIL}, 3])
    assert all(encoding(p) == b"binary/encrypted" for p in encoded)
    assert await converter.decode(encoded, [dict, int]) == [{"email": EMAIL}, 3]


# The key notation.

def test_keys_are_read_in_order():
    keys = parse_keys(f"new:{base64.urlsafe_b64encode(NEW.secret).decode()}, old:{SECRET_TEXT}")
    assert keys == (NEW, OLD)


def test_unpadded_secrets_are_read():
    assert parse_keys(f"old:{SECRET_TEXT.rstrip('=')}") == (OLD,)


@pytest.mark.parametrize("text", ["", "   "])
def test_no_keys(text):
    assert parse_keys(text) == ()


def test_a_generated_key_is_read_back_and_new_each_time():
    entry = generate_key("k-2026_01")
    [key] = parse_keys(entry)
    assert key.id == "k-2026_01"
    assert len(key.secret) == 32
    assert parse_keys(generate_key("k")) != parse_keys(generate_key("k"))
    with pytest.raises(ValueError):
        generate_key("not an id")


def test_the_secret_is_not_in_a_key_repr():
    assert repr(OLD.secret) not in repr(OLD)


@pytest.mark.parametrize("text, message", [
    (f"old:{SECRET_TEXT},old:{SECRET_TEXT}", "'old' is listed twice"),
    (f"a:{SECRET_TEXT},b:{SECRET_TEXT[:-5]}!!!!=", "'b' is not URL-safe base64"),
    (f"a:{SECRET_TEXT.replace('A', '+')}", "'a' is not URL-safe base64"),
    (f"a:{SECRET_TEXT[:-1]}A", "'a' is 33 bytes"),  # the padding taken for data
    (f"  a : {SECRET_TEXT} ", None),  # spaces around are fine
    ("short:" + base64.urlsafe_b64encode(bytes(16)).decode(), "'short' is 16 bytes, it must be 32"),
    ("long:" + base64.urlsafe_b64encode(bytes(33)).decode(), "'long' is 33 bytes"),
    (f"bad id:{SECRET_TEXT}", "id of entry 1"),
    (f"{'x' * 33}:{SECRET_TEXT}", "id of entry 1"),
    (f":{SECRET_TEXT}", "id of entry 1"),
    (f"{SECRET_TEXT}:old", "id of entry 1"),  # written the wrong way round
    (f"old:{SECRET_TEXT},{SECRET_TEXT}", "entry 2 is not '<id>:<base64 secret>'"),
    (f"old:{SECRET_TEXT},", "entry 2 is empty"),
])
def test_bad_keys_are_refused_without_their_secret(text, message):
    if message is None:
        assert len(parse_keys(text)) == 1
        return
    with pytest.raises(ValueError) as refused:
        parse_keys(text)
    assert message in str(refused.value)
    assert SECRET_TEXT not in str(refused.value)
    assert SECRET_TEXT[:20] not in str(refused.value)


def test_a_key_of_the_wrong_length_is_refused():
    with pytest.raises(ValueError, match="32 bytes"):
        DataKey("k", bytes(31))


# The Temporal UI's codec endpoint.

def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


async def test_the_codec_endpoint_round_trips_the_uis_json():
    codec = EncryptionCodec((NEW,))
    body = {"payloads": [
        {"metadata": {"encoding": b64(b"json/plain")}, "data": b64(b'{"email":"anne@example.org"}')},
        {"metadata": {"encoding": b64(b"binary/null")}},
    ]}

    encoded = await encode_json(codec, body)

    assert list(encoded) == ["payloads"]
    assert len(encoded["payloads"]) == 2
    for payload in encoded["payloads"]:
        assert base64.b64decode(payload["metadata"]["encoding"]) == b"binary/encrypted"
        assert base64.b64decode(payload["metadata"]["encryption-key-id"]) == b"new"
        assert EMAIL.encode() not in base64.b64decode(payload["data"])
    assert await decode_json(codec, encoded) == body


async def test_the_codec_endpoint_decodes_what_the_worker_encoded():
    codec = EncryptionCodec((NEW, OLD))
    [encrypted] = await EncryptionCodec((OLD,)).encode(sample_payloads()[:1])
    body = {"payloads": [{"metadata": {k: b64(v) for k, v in encrypted.metadata.items()},
                          "data": b64(encrypted.data)}]}
    decoded = await decode_json(codec, body)
    assert base64.b64decode(decoded["payloads"][0]["data"]) == sample_payloads()[0].data
    assert base64.b64decode(decoded["payloads"][0]["metadata"]["encoding"]) == b"json/plain"


async def test_the_codec_endpoint_accepts_url_safe_unpadded_base64_and_no_payloads():
    codec = EncryptionCodec((NEW,))
    body = {"payloads": [{"metadata": {"encoding": base64.urlsafe_b64encode(b"binary/plain").decode().rstrip("=")},
                          "data": base64.urlsafe_b64encode(b"\xfb\xff").decode().rstrip("=")}]}
    decoded = await decode_json(codec, body)
    assert decoded == {"payloads": [{"metadata": {"encoding": b64(b"binary/plain")}, "data": b64(b"\xfb\xff")}]}
    assert await decode_json(codec, {"payloads": []}) == {"payloads": []}


async def test_the_codec_endpoint_refuses_an_undecryptable_payload():
    [encrypted] = await EncryptionCodec((OLD,)).encode(sample_payloads()[:1])
    body = {"payloads": [{"metadata": {k: b64(v) for k, v in encrypted.metadata.items()},
                          "data": b64(encrypted.data)}]}
    with pytest.raises(UndecryptablePayload, match="'old'"):
        await decode_json(EncryptionCodec((NEW,)), body)


@pytest.mark.parametrize("body", [
    None,
    [],
    "payloads",
    {},
    {"payloads": None},
    {"payloads": "x"},
    {"payloads": {"metadata": {}}},
    {"payloads": [1]},
    {"payloads": [{"metadata": "x"}]},
    {"payloads": [{"metadata": {"encoding": "%%%"}}]},
    {"payloads": [{"metadata": {"encoding": 3}}]},
    {"payloads": [{"data": "!!!!"}]},
    {"payloads": [{"data": "abcde"}]},
    {"payloads": [{"data": "ab="}]},
    {"payloads": [{"data": 12}]},
    {"payloads": [{"unknown": "YWJj"}]},
    {"payloads": [], "other": 1},
])
async def test_the_codec_endpoint_refuses_malformed_bodies(body):
    codec = EncryptionCodec((NEW,))
    with pytest.raises(MalformedPayloads):
        await decode_json(codec, body)
    with pytest.raises(MalformedPayloads):
        await encode_json(codec, body)


# A real history.

@activity.defn
async def echo(text: str) -> str:
    return text


@workflow.defn
class Echo:
    @workflow.run
    async def run(self, text: str) -> str:
        return await workflow.execute_activity(echo, text, start_to_close_timeout=timedelta(seconds=30))


@pytest.mark.slow
async def test_a_history_holds_no_personal_data_in_clear():
    keys = (NEW, OLD)
    env = await WorkflowEnvironment.start_time_skipping(test_server_existing_path=binary("temporal-test-server"),
                                                        data_converter=data_converter(keys))
    try:
        task_queue = f"codec-{uuid.uuid4().hex[:8]}"
        async with Worker(env.client, task_queue=task_queue, workflows=[Echo], activities=[echo],
                          workflow_runner=UnsandboxedWorkflowRunner()):
            handle = await env.client.start_workflow(Echo.run, EMAIL, id=task_queue, task_queue=task_queue)
            assert await handle.result() == EMAIL
        history = await handle.fetch_history()
    finally:
        await env.shutdown()

    assert EMAIL not in history.to_json()
    assert history.events
    for event in history.events:
        assert EMAIL.encode() not in event.SerializeToString()
    started = history.events[0].workflow_execution_started_event_attributes
    [argument] = started.input.payloads
    assert argument.metadata["encoding"] == b"binary/encrypted"
    assert argument.metadata["encryption-key-id"] == b"new"
    # What the server kept decrypts to the workflow's argument.
    plain = DataConverter.default
    [decoded] = await data_converter(keys).payload_codec.decode([argument])
    assert plain.payload_converter.from_payloads([decoded], [str]) == [EMAIL]
    completed = [event.workflow_execution_completed_event_attributes for event in history.events
                 if event.HasField("workflow_execution_completed_event_attributes")]
    assert [encoding(p) for p in completed[0].result.payloads] == [b"binary/encrypted"]
