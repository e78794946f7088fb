"""Issue 6.19: a download is kept only when its first bytes match its declared type, and a
result URL that is not http(s) is refused at once, never retried.
"""

import pytest

from conftest import IMAGE_SCRIPT, TEST_KEY, Cli, base_env
from hostile_provider import QUERY, T2I, HostileProvider, envelope, json_answer
from genmedia_skills.media.downloads import DownloadError, download
from genmedia_skills.core.errors import TransportError
from genmedia_skills.http.http_client import HttpClient
from genmedia_skills.http.retry_policy import RetryPolicy
from genmedia_skills.simulator.media import fixture_bytes, png_bytes

HTML = b"<!DOCTYPE html><html><body>403 Forbidden</body></html>"
WAV = b"RIFF\x24\x00\x00\x00WAVEfmt " + b"\x00" * 32
WEBM = b"\x1a\x45\xdf\xa3" + b"\x00" * 32


@pytest.fixture
def provider():
    with HostileProvider() as server:
        yield server


def client(provider, retries):
    return HttpClient(provider.base_url, {"x-auth": TEST_KEY}, (2.0, 2.0),
                      policy=RetryPolicy(attempts=5, base=0.01), on_retry=retries.append,
                      sleep=lambda seconds: None)


def test_html_served_as_a_png_is_not_saved_as_one(provider, artifacts, tmp_path):
    media = provider.base_url + "/media/image-1.png"
    provider.on("POST " + T2I, json_answer(envelope({"task_id": "t-1"})))
    provider.on("GET " + QUERY, json_answer(envelope({"status": "completed", "urls": [media]})))
    provider.on("GET /media/image-1.png", (200, {"Content-Type": "image/png"}, HTML))
    env = base_env(artifacts)
    env.update(GIGGLE_API_KEY=TEST_KEY, GIGGLE_BASE_URL=provider.base_url)
    res = Cli(IMAGE_SCRIPT, env, tmp_path)("run", "--prompt", "a fox", "--timeout", "10")
    (out,) = res.json["outputs"]
    assert "path" not in out and "HTML" in out["download_error"], res
    outputs = artifacts / "giggle-generation-image" / res.json["run_id"] / "outputs"
    assert [p.name for p in outputs.iterdir()] == []
    assert "![image 1]" not in open(res.json["artifacts"]["md"], encoding="utf-8").read()


@pytest.mark.parametrize("ctype,kind,body,ext", [
    ("image/png", "image", png_bytes(4, 4, "ok"), ".png"),
    ("application/octet-stream", "image", png_bytes(4, 4, "ok"), ".png"),
    ("video/mp4", "video", fixture_bytes("sample.mp4"), ".mp4"),
    ("audio/mpeg", "audio", fixture_bytes("sample.mp3"), ".mp3"),
    ("audio/wav", "audio", WAV, ".wav"),
    ("video/webm", "video", WEBM, ".webm"),
])
def test_real_media_is_kept_under_its_extension(provider, tmp_path, ctype, kind, body, ext):
    provider.on("GET /f", (200, {"Content-Type": ctype}, body))
    got = download(client(provider, []), provider.base_url + "/f", tmp_path / "out", "f-1", kind=kind,
                   max_bytes=1 << 24)
    assert got["path"].endswith("f-1" + ext) and open(got["path"], "rb").read() == body


@pytest.mark.parametrize("ctype,kind,body", [
    ("image/png", "image", HTML),
    ("image/jpeg", "image", png_bytes(4, 4, "png-not-jpeg")),
    ("video/mp4", "video", b'{"error": "expired"}'),
    ("audio/mpeg", "audio", b"plain text, not audio"),
    ("application/octet-stream", "image", fixture_bytes("sample.mp3")),
])
def test_bytes_that_do_not_match_the_type_are_refused(provider, tmp_path, ctype, kind, body):
    provider.on("GET /f", (200, {"Content-Type": ctype}, body))
    with pytest.raises(DownloadError) as info:
        download(client(provider, []), provider.base_url + "/f", tmp_path / "out", "f-1", kind=kind,
                 max_bytes=1 << 24)
    assert "first bytes" in info.value.message
    assert list((tmp_path / "out").iterdir()) == []   # not even a .part left


@pytest.mark.parametrize("url", ["file:///etc/hostname", "ftp://127.0.0.1/a.png", "data:image/png;base64,iVBO"])
def test_a_non_web_result_url_is_refused_at_once(provider, tmp_path, url):
    retries = []
    with pytest.raises(DownloadError) as info:
        download(client(provider, retries), url, tmp_path / "out", "f-1", kind="image", max_bytes=1 << 20)
    assert "not http or https" in info.value.message
    assert retries == [] and provider.requests == []


def test_a_redirect_to_a_file_url_is_refused_at_once(provider, tmp_path):
    retries = []
    provider.on("GET /f", (302, {"Location": "file:///etc/hostname"}, b""))
    with pytest.raises((DownloadError, TransportError)):
        download(client(provider, retries), provider.base_url + "/f", tmp_path / "out", "f-1", kind="image",
                 max_bytes=1 << 20)
    assert retries == [] and len(provider.requests) == 1
