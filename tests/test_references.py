"""genmedia_skills.media.references.parse_reference: every input form, and every way it can be wrong."""

import base64
import hashlib
import json
import struct
import zlib

import pytest

from genmedia_skills.media import references
from genmedia_skills.core.errors import UsageError
from genmedia_skills.media.references import image_format, parse_reference

OPT = "--reference-images"


def png(width=4, height=3, seed=7):
    def chunk(tag, data):
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + bytes((seed * (x + y)) & 0xFF for x in range(width * 3)) for y in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


PNG = png()
PNG_B64 = base64.b64encode(PNG).decode("ascii")
PNG_SHA = hashlib.sha256(PNG).hexdigest()


@pytest.fixture
def png_file(tmp_path):
    path = tmp_path / "ref.png"
    path.write_bytes(PNG)
    return path


def usage_error(value, option=OPT):
    with pytest.raises(UsageError) as info:
        parse_reference(option, value)
    err = info.value
    assert err.exit_code == 2 and err.kind == "usage"
    assert err.message.startswith(option + ":"), err.message
    return err.message


# --------------------------------------------------------------------------- accepted forms


def test_generated_png_is_recognised():
    assert image_format(PNG) == "png"
    assert len(PNG_B64) > 64


@pytest.mark.parametrize("url", ["https://cdn.example.com/a.png", "http://example.com/x?y=1&z=~2"])
def test_url(url):
    ref = parse_reference(OPT, url)
    assert ref.kind == "url" and ref.value == url
    assert ref.payload() == {"url": url}
    assert ref.record == {"type": "url", "value": url}


def test_url_is_stripped():
    assert parse_reference(OPT, "  https://e.com/a.png \n").value == "https://e.com/a.png"


@pytest.mark.parametrize("asset", ["abc123", "asset_ID-42", "x"])
def test_asset_id(asset):
    ref = parse_reference(OPT, asset)
    assert ref.kind == "asset_id"
    assert ref.payload() == {"asset_id": asset}
    assert ref.record == {"type": "asset_id", "value": asset}


def test_raw_base64():
    ref = parse_reference(OPT, PNG_B64)
    assert ref.kind == "base64" and ref.value == PNG_B64
    assert ref.payload() == {"base64": PNG_B64}
    assert ref.record == {"type": "base64", "sha256": PNG_SHA, "bytes": len(PNG)}
    assert PNG_B64 not in json.dumps(ref.record)


def test_raw_base64_with_line_breaks():
    wrapped = "\n".join(PNG_B64[i:i + 60] for i in range(0, len(PNG_B64), 60))
    ref = parse_reference(OPT, wrapped)
    assert ref.kind == "base64" and ref.value == PNG_B64
    assert ref.record["sha256"] == PNG_SHA


def test_file_path_becomes_base64_with_a_hash_record(png_file):
    ref = parse_reference(OPT, str(png_file))
    assert ref.kind == "base64"
    assert base64.b64decode(ref.value) == PNG
    assert ref.payload() == {"base64": ref.value}
    assert ref.record == {"type": "file", "path": str(png_file.resolve()), "sha256": PNG_SHA, "bytes": len(PNG)}
    assert ref.value not in json.dumps(ref.record), "the payload never goes into the record"


def test_relative_file_path(png_file, monkeypatch):
    monkeypatch.chdir(png_file.parent)
    ref = parse_reference(OPT, "ref.png")
    assert ref.record["type"] == "file"
    assert ref.record["path"] == str(png_file.resolve())


def test_home_relative_file_path(png_file, monkeypatch):
    monkeypatch.setenv("HOME", str(png_file.parent))
    ref = parse_reference(OPT, "~/ref.png")
    assert ref.record["path"] == str(png_file.resolve())


def test_other_image_formats_by_magic(tmp_path):
    for name, data in (("a.jpg", b"\xff\xd8\xff\xe0" + b"0" * 20), ("a.gif", b"GIF89a" + b"0" * 20),
                       ("a.webp", b"RIFF\x00\x00\x00\x00WEBPVP8 " + b"0" * 20)):
        path = tmp_path / name
        path.write_bytes(data)
        assert parse_reference(OPT, str(path)).record["bytes"] == len(data)


# --------------------------------------------------------------------------- explicit prefixes


def test_prefix_url():
    ref = parse_reference(OPT, "url:https://e.com/a.png")
    assert ref.kind == "url" and ref.value == "https://e.com/a.png"


def test_prefix_asset_id_wins_over_an_existing_file(png_file, monkeypatch):
    monkeypatch.chdir(png_file.parent)
    ref = parse_reference(OPT, "asset_id:ref")
    assert ref.kind == "asset_id" and ref.value == "ref"


def test_prefix_asset_id_even_if_it_looks_like_base64():
    ref = parse_reference(OPT, "asset_id:QUJD")
    assert ref.kind == "asset_id" and ref.value == "QUJD"


def test_prefix_base64_for_short_payloads():
    tiny = png(1, 1)
    b64 = base64.b64encode(tiny).decode()
    ref = parse_reference(OPT, "base64:" + b64)
    assert ref.kind == "base64" and ref.value == b64
    assert ref.record == {"type": "base64", "sha256": hashlib.sha256(tiny).hexdigest(), "bytes": len(tiny)}


def test_prefix_file(png_file):
    ref = parse_reference(OPT, "file:" + str(png_file))
    assert ref.kind == "base64"
    assert ref.record["type"] == "file" and ref.record["sha256"] == PNG_SHA


def test_a_file_named_like_an_asset_id_is_a_file(png_file, monkeypatch):
    monkeypatch.chdir(png_file.parent)
    (png_file.parent / "myasset").write_bytes(PNG)
    assert parse_reference(OPT, "myasset").record["type"] == "file"


# --------------------------------------------------------------------------- refused


@pytest.mark.parametrize("value", ["data:image/png;base64," + PNG_B64, "DATA:image/png;base64,AAAA"])
def test_data_uri_is_refused_naming_the_option(value):
    message = usage_error(value)
    assert "data:" in message
    assert "raw base64" in message


def test_the_option_name_is_whatever_was_given():
    message = usage_error("data:image/png;base64,AAAA", option="--start-frame")
    assert message.startswith("--start-frame:")


@pytest.mark.parametrize("value", ["", "   "])
def test_empty_value(value):
    assert "empty" in usage_error(value)


def test_missing_file(tmp_path):
    missing = str(tmp_path / "nope" / "missing.png")
    message = usage_error(missing)
    assert missing in message
    message = usage_error("file:" + missing)
    assert missing in message


def test_unreadable_file_path(png_file):
    # a path through a regular file cannot be opened (ENOTDIR), even as root
    bad = str(png_file) + "/inner.png"
    message = usage_error("file:" + bad)
    assert bad in message and "cannot read" in message


def test_directory(tmp_path):
    message = usage_error(str(tmp_path))
    assert str(tmp_path) in message and "not a regular file" in message
    message = usage_error("file:" + str(tmp_path))
    assert str(tmp_path) in message


def test_non_image_file(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("just some text, not an image at all")
    message = usage_error(str(path))
    assert str(path) in message
    assert "PNG" in message and "JPEG" in message


def test_empty_file(tmp_path):
    path = tmp_path / "empty.png"
    path.write_bytes(b"")
    assert str(path) in usage_error(str(path))


def test_too_large_file(png_file, monkeypatch):
    monkeypatch.setattr(references, "MAX_FILE_BYTES", len(PNG) - 1)
    message = usage_error(str(png_file))
    assert str(png_file) in message
    assert str(len(PNG)) in message and str(len(PNG) - 1) in message
    monkeypatch.setattr(references, "MAX_FILE_BYTES", len(PNG))
    assert parse_reference(OPT, str(png_file)).record["bytes"] == len(PNG)


@pytest.mark.parametrize("value", ["base64:!!!not*base64!!!", "base64:QUJDRA=", "base64:" + PNG_B64[:-3]])
def test_invalid_base64(value):
    message = usage_error(value)
    assert "not valid base64" in message
    assert value[len("base64:"):][:20] in message


def test_base64_of_something_that_is_not_an_image():
    text = base64.b64encode(b"hello, this is plain text and definitely not an image!!").decode()
    message = usage_error("base64:" + text)
    assert "not a PNG" in message


def test_long_unprefixed_base64_that_is_not_an_image():
    text = base64.b64encode(b"x" * 80).decode()
    assert "not a PNG" in usage_error(text)


def test_url_prefix_needs_http():
    message = usage_error("url:ftp://example.com/a.png")
    assert "http" in message and "ftp://example.com/a.png" in message


def test_bad_asset_id():
    message = usage_error("asset_id:has spaces!")
    assert "has spaces!" in message


def test_prefix_with_nothing_after():
    for prefix in ("url:", "base64:", "asset_id:", "file:"):
        assert prefix in usage_error(prefix)


def test_something_that_is_nothing_we_know():
    message = usage_error("what is this?")
    assert "what is this?" in message
    assert "url:" in message and "file:" in message


def test_path_like_value_that_does_not_exist():
    message = usage_error("./pics/cat.png")
    assert "file not found" in message and "./pics/cat.png" in message


def test_long_values_are_shortened_in_messages():
    junk = "!" * 500
    message = usage_error("base64:" + junk)
    assert len(message) < 300
