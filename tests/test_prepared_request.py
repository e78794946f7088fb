"""genmedia_skills.http.prepared_request.Prepared: schema check, display body, endpoint."""

import base64
import copy
import hashlib
import os

import pytest

from genmedia_skills.core import exit_codes
from genmedia_skills.core.errors import UsageError
from genmedia_skills.http.prepared_request import Prepared
from genmedia_skills.media.references import parse_reference

T2I = "/api/v1/generation/text-to-image"
I2I = "/api/v1/generation/image-to-image"
T2I_SCHEMA = "giggle/text-to-image.request.json"
I2I_SCHEMA = "giggle/image-to-image.request.json"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def t2i_body(**changes):
    body = {"prompt": "a fox", "generate_count": 1, "model": "seedream45", "aspect_ratio": "1:1",
            "resolution": "1K"}
    body.update(changes)
    return body


def image(size, seed=b"x"):
    """`size` bytes that pass the image sniffing (PNG magic), distinct per seed."""
    filler = hashlib.sha256(seed).digest() * (size // 32 + 1)
    return (PNG_MAGIC + filler)[:size]


def b64_ref(data):
    return parse_reference("--reference-images", "base64:" + base64.b64encode(data).decode())


def i2i(refs, **extra):
    body = {"prompt": "same, at night", "reference_images": [r.payload() for r in refs], "generate_count": 1,
            "model": "seedream45", "aspect_ratio": "1:1", "watermark": False}
    body.update(extra)
    return Prepared(I2I, body, schema=I2I_SCHEMA, model="seedream45", references=refs)


# --------------------------------------------------------------------------- check()

def test_check_returns_self_for_a_valid_body():
    prepared = Prepared(T2I, t2i_body(), schema=T2I_SCHEMA, model="seedream45")
    assert prepared.check() is prepared


@pytest.mark.parametrize("body,path", [
    (t2i_body(generate_count=9), "$.generate_count"),
    (t2i_body(generate_count="1"), "$.generate_count"),
    (t2i_body(model="dall-e-3"), "$.model"),
    (t2i_body(aspect_ratio="5:4"), "$.aspect_ratio"),
    (t2i_body(prompt=""), "$.prompt"),
    (t2i_body(watermark=True), "$:"),                # closed schema: unknown field at the root
    ({k: v for k, v in t2i_body().items() if k != "resolution"}, "$:"),
])
def test_check_names_the_schema_and_the_json_path(body, path):
    prepared = Prepared(T2I, body, schema=T2I_SCHEMA, model="seedream45")
    with pytest.raises(UsageError) as info:
        prepared.check()
    message = info.value.message
    assert message.startswith("request body does not match %s: " % T2I_SCHEMA)
    assert path in message
    assert info.value.exit_code == exit_codes.USAGE


def test_check_of_an_image_to_image_body_reaches_into_the_references():
    body = {"prompt": "x", "reference_images": [{"url": "https://e.com/a.png", "asset_id": "a1"}],
            "generate_count": 1, "model": "seedream45", "aspect_ratio": "1:1", "watermark": False}
    with pytest.raises(UsageError) as info:
        Prepared(I2I, body, schema=I2I_SCHEMA, model="seedream45").check()
    assert I2I_SCHEMA in info.value.message and "$.reference_images[0]" in info.value.message


def test_check_reports_several_problems_in_one_line():
    body = t2i_body(generate_count=0, model="nope", resolution="9K")
    with pytest.raises(UsageError) as info:
        Prepared(T2I, body, schema=T2I_SCHEMA, model="nope").check()
    message = info.value.message
    assert "\n" not in message
    for path in ("$.generate_count", "$.model", "$.resolution"):
        assert path in message


def test_check_with_an_image_to_image_schema_refuses_resolution():
    prepared = i2i([parse_reference("--reference-images", "asset_id:a1")], resolution="2K")
    with pytest.raises(UsageError) as info:
        prepared.check()
    assert "resolution" in info.value.message


# --------------------------------------------------------------------------- display_body()

def test_display_body_elides_long_base64_with_the_reference_record():
    data = image(4000)
    ref = b64_ref(data)
    prepared = i2i([ref])
    shown = prepared.display_body()
    digest = hashlib.sha256(data).hexdigest()
    assert shown["reference_images"] == [{"base64": "<base64: %d bytes, sha256 %s>" % (len(data), digest)}]
    assert ref.record == {"type": "base64", "sha256": digest, "bytes": len(data)}
    # every other field is untouched
    assert {k: v for k, v in shown.items() if k != "reference_images"} == {
        k: v for k, v in prepared.body.items() if k != "reference_images"}


def test_display_body_does_not_touch_the_body_sent():
    ref = b64_ref(image(4000))
    prepared = i2i([ref])
    before = copy.deepcopy(prepared.body)
    prepared.display_body()
    assert prepared.body == before
    assert prepared.body["reference_images"][0]["base64"] == ref.value
    assert prepared.check() is prepared


def test_short_base64_is_recorded_by_digest_too():
    # issue 6.20: the README promises references by sha256, whatever their size
    for size in (60, 768):
        ref = b64_ref(image(size, seed=b"s%d" % size))
        shown = i2i([ref]).display_body()["reference_images"]
        assert shown == [{"base64": "<base64: %d bytes, sha256 %s>" % (size, ref.record["sha256"])}]


def test_each_payload_is_described_by_its_own_record():
    long1, short, long2 = b64_ref(image(3000, b"1")), b64_ref(image(50, b"2")), b64_ref(image(5000, b"3"))
    url = parse_reference("--reference-images", "https://example.com/cat.png")
    asset = parse_reference("--reference-images", "asset_id:abc123")
    shown = i2i([long1, url, short, asset, long2]).display_body()["reference_images"]
    assert shown == [
        {"base64": "<base64: 3000 bytes, sha256 %s>" % long1.record["sha256"]},
        {"url": "https://example.com/cat.png"},
        {"base64": "<base64: 50 bytes, sha256 %s>" % short.record["sha256"]},
        {"asset_id": "abc123"},
        {"base64": "<base64: 5000 bytes, sha256 %s>" % long2.record["sha256"]},
    ]


def test_a_file_reference_is_shown_by_the_files_digest(tmp_path):
    data = image(6000, b"file")
    path = tmp_path / "photo.png"
    path.write_bytes(data)
    ref = parse_reference("--reference-images", str(path))
    assert ref.kind == "base64" and ref.record["type"] == "file"
    shown = i2i([ref]).display_body()
    digest = hashlib.sha256(data).hexdigest()
    assert shown["reference_images"] == [{"base64": "<base64: 6000 bytes, sha256 %s>" % digest}]
    assert os.fspath(path.resolve()) == ref.record["path"]


def test_bodies_without_references_are_shown_unchanged():
    body = t2i_body(prompt="base64 " + "A" * 5000)
    prepared = Prepared(T2I, body, schema=T2I_SCHEMA, model="seedream45")
    assert prepared.display_body() == body
    assert prepared.display_body() is not prepared.body


# --------------------------------------------------------------------------- the rest

def test_endpoint_is_method_and_path():
    assert Prepared(T2I, {}, schema=T2I_SCHEMA, model=None).endpoint == "POST " + T2I
    assert Prepared("/v1/x", {}, schema=T2I_SCHEMA, model=None, method="GET").endpoint == "GET /v1/x"


def test_attributes_are_kept():
    ref = parse_reference("--reference-images", "asset_id:a1")
    refs, notes = (ref,), ("a note",)
    prepared = Prepared(I2I, {"x": 1}, schema=I2I_SCHEMA, model="midjourney", references=refs, notes=notes)
    assert (prepared.method, prepared.path, prepared.schema, prepared.model) == (
        "POST", I2I, I2I_SCHEMA, "midjourney")
    assert prepared.references == [ref] and prepared.notes == ["a note"]
    assert isinstance(prepared.references, list) and isinstance(prepared.notes, list)
