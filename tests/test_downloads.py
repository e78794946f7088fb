"""genmedia_skills.media.downloads.download over real HTTP: signed result URLs from the simulator."""

import hashlib
import http.server
import threading
import time
from pathlib import Path

import pytest
import requests

from conftest import TEST_KEY
from genmedia_skills.media.downloads import DownloadError, download
from genmedia_skills.core.errors import TransportError
from genmedia_skills.http.http_client import HttpClient
from genmedia_skills.media.references import image_format
from genmedia_skills.http.retry_policy import RetryPolicy

T2I = "/api/v1/generation/text-to-image"
QUERY = "/api/v1/generation/task/query"
AUTH = {"x-auth": TEST_KEY}


def completed_urls(sim, count=1):
    """Submit a task that finishes at once and poll the query endpoint until it completed."""
    sim.outcomes.add("succeed", times=1, duration=0)
    body = {"prompt": "a lighthouse at dusk", "generate_count": count, "aspect_ratio": "16:9"}
    resp = requests.post(sim.base_url + T2I, json=body, headers=AUTH, timeout=5)
    assert resp.status_code == 200, resp.text
    task_id = resp.json()["data"]["task_id"]
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        data = requests.get(sim.base_url + QUERY, params={"task_id": task_id}, headers=AUTH,
                            timeout=5).json()["data"]
        if data["status"] == "completed":
            assert len(data["urls"]) == count
            return data["urls"]
        time.sleep(0.02)
    raise AssertionError("task never completed")


def client(sim, sleeps=None, attempts=3):
    return HttpClient(sim.base_url, AUTH, (2.0, 2.0), policy=RetryPolicy(attempts=attempts, base=0.01),
                      sleep=(sleeps.append if sleeps is not None else (lambda s: None)))


@pytest.fixture
def out(tmp_path):
    """The run's outputs/ dir (tmp_path also holds the simulator's state)."""
    return tmp_path / "run" / "outputs"


def listing(folder):
    return sorted(p.name for p in Path(folder).iterdir()) if Path(folder).exists() else []


def leftovers(folder):
    return [p.name for p in Path(folder).rglob("*") if p.name.endswith(".part")]


def test_download_streams_to_disk_with_hash_and_size(sim, out):
    (url,) = completed_urls(sim)
    reference = requests.get(url, timeout=5).content
    info = download(client(sim), url, out, "image-1", kind="image", max_bytes=10_000_000)
    path = Path(info["path"])
    assert path == out / "image-1.png"
    data = path.read_bytes()
    assert data == reference
    assert image_format(data) == "png"
    assert info["sha256"] == hashlib.sha256(data).hexdigest()
    assert info["bytes"] == len(data) > 0
    assert info["content_type"] == "image/png"
    assert leftovers(out) == []
    assert sorted(p.name for p in out.iterdir()) == ["image-1.png"]


def test_download_does_not_send_provider_auth_and_names_the_bundle(sim, out):
    (url,) = completed_urls(sim)
    download(client(sim), url, out, "x", kind="image", max_bytes=10_000_000)
    media = [r for r in sim.requests if r.route == "media"]
    assert len(media) == 1
    assert "x-auth" not in media[0].headers, "the provider key must not go to the CDN"
    assert media[0].headers["user-agent"].startswith("genmedia-skills/")


def test_download_several_outputs(sim, out):
    urls = completed_urls(sim, count=3)
    infos = [download(client(sim), u, out, "image-%d" % n, kind="image", max_bytes=10_000_000)
             for n, u in enumerate(urls, 1)]
    assert [Path(i["path"]).name for i in infos] == ["image-1.png", "image-2.png", "image-3.png"]
    assert len({i["sha256"] for i in infos}) == 3
    assert leftovers(out) == []


def test_download_replaces_an_existing_file(sim, out):
    (url,) = completed_urls(sim)
    out.mkdir(parents=True)
    (out / "image-1.png").write_bytes(b"stale")
    info = download(client(sim), url, out, "image-1", kind="image", max_bytes=10_000_000)
    assert Path(info["path"]).read_bytes() != b"stale"
    assert info["bytes"] == Path(info["path"]).stat().st_size


def test_download_creates_the_destination_dir(sim, out):
    (url,) = completed_urls(sim)
    dest = out / "a" / "b"
    info = download(client(sim), url, dest, "img", kind="image", max_bytes=10_000_000)
    assert Path(info["path"]).parent == dest


def test_wrong_kind_is_refused(sim, out):
    (url,) = completed_urls(sim)
    with pytest.raises(DownloadError) as info:
        download(client(sim), url, out, "clip", kind="video", max_bytes=10_000_000)
    assert "image/png" in info.value.message
    assert "video" in info.value.message
    assert info.value.exit_code == 4 and info.value.kind == "download"
    assert listing(out) == []


def test_max_bytes_smaller_than_the_file(sim, out):
    (url,) = completed_urls(sim)
    size = len(requests.get(url, timeout=5).content)
    with pytest.raises(DownloadError) as info:
        download(client(sim), url, out, "image-1", kind="image", max_bytes=size - 1)
    assert str(size - 1) in info.value.message
    assert listing(out) == [], "no partial or final file may be left"


def test_max_bytes_equal_to_the_file_is_fine(sim, out):
    (url,) = completed_urls(sim)
    size = len(requests.get(url, timeout=5).content)
    info = download(client(sim), url, out, "image-1", kind="image", max_bytes=size)
    assert info["bytes"] == size


@pytest.mark.parametrize("tamper", [
    lambda u: u.replace("Signature=", "Signature=AAAA"),
    lambda u: u.replace("image-1.png", "image-2.png"),
    lambda u: u.split("?")[0],
])
def test_tampered_url_is_a_403(sim, out, tamper):
    (url,) = completed_urls(sim)
    sleeps = []
    with pytest.raises(DownloadError) as info:
        download(client(sim, sleeps), tamper(url), out, "image-1", kind="image", max_bytes=10_000_000)
    assert "403" in info.value.message
    assert sleeps == [], "a 403 is final, not retried"
    assert listing(out) == []


def test_download_retries_a_transient_5xx(sim, out):
    (url,) = completed_urls(sim)
    sim.faults.add("media", "http_500", times=2)
    sleeps = []
    info = download(client(sim, sleeps), url, out, "image-1", kind="image", max_bytes=10_000_000)
    assert info["bytes"] > 0
    assert len(sleeps) == 2
    assert [r.status for r in sim.requests if r.route == "media"] == [500, 500, 200]


def test_download_gives_up_after_the_budget(sim, out):
    (url,) = completed_urls(sim)
    sim.faults.add("media", "drop", times=10)
    with pytest.raises(TransportError):
        download(client(sim, attempts=2), url, out, "image-1", kind="image", max_bytes=10_000_000)
    assert leftovers(out) == []
    assert not (out / "image-1.png").exists()


class _TruncatingHandler(http.server.BaseHTTPRequestHandler):
    """Promises a whole PNG, sends a third of it, then hangs up (a CDN edge dying mid-file)."""

    protocol_version = "HTTP/1.1"
    payload = b"\x89PNG\r\n\x1a\n" + b"\x00" * 30000

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(self.payload)))
        self.end_headers()
        self.wfile.write(self.payload[:10000])
        self.wfile.flush()
        self.close_connection = True

    def log_message(self, *args):
        pass


@pytest.fixture
def truncating_server():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _TruncatingHandler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield "http://127.0.0.1:%d/file.png" % server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


def test_connection_lost_mid_download(sim, out, truncating_server):
    """A body cut short is a network failure: no file left, and the message must not
    blame the local disk (requests' exceptions are OSError subclasses)."""
    with pytest.raises(DownloadError) as info:
        download(client(sim), truncating_server, out, "image-1", kind="image", max_bytes=10_000_000)
    assert listing(out) == [], "no .part or truncated file may be left"
    message = info.value.message
    assert "cannot write" not in message, message
