"""Contract tests for genmedia_skills.simulator: real HTTP on loopback, `requests` as the client.

Nothing is mocked: every test talks to a live simulator (in-process thread, or the
standalone `python -m genmedia_skills.simulator` for the cross-process cases).
"""
import ast
import http.client
import json
import os
import queue
import re
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
import zlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from genmedia_skills.simulator import SIMULATOR_KEYS, Simulator, parse_spec
from genmedia_skills.simulator.giggle.generation import MODEL_SECONDS

KEY = SIMULATOR_KEYS["giggle"]
AUTH = {"x-auth": KEY}
T2I = "/api/v1/generation/text-to-image"
I2I = "/api/v1/generation/image-to-image"
QUERY = "/api/v1/generation/task/query"
PNG_B64 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
SIM_DIR = Path(__file__).resolve().parents[1] / "scripts" / "genmedia_skills" / "simulator"


@pytest.fixture(autouse=True)
def _no_env_faults(monkeypatch):
    monkeypatch.delenv("GENMEDIA_SIM_FAULTS", raising=False)


@pytest.fixture
def sim(tmp_path):
    with Simulator(state_dir=tmp_path / "state", time_scale=0.01, faults="") as s:
        yield s


def submit(sim, body=None, path=T2I, headers=AUTH, **kw):
    body = {"prompt": "a red fox in snow"} if body is None else body
    kw.setdefault("timeout", 5)
    return requests.post(sim.base_url + path, json=body, headers=headers, **kw)


def query(sim, task_id, headers=AUTH, **kw):
    kw.setdefault("timeout", 5)
    return requests.get(sim.base_url + QUERY, params={"task_id": task_id}, headers=headers, **kw)


def new_task(sim, body=None, path=T2I):
    r = submit(sim, body, path)
    assert r.status_code == 200, r.text
    return r.json()["data"]["task_id"]


def assert_envelope(r, status, msg_prefix=None):
    assert r.status_code == status
    assert r.headers["Content-Type"].startswith("application/json")
    doc = r.json()
    assert doc["code"] == status and re.fullmatch(r"[0-9a-f-]{36}", doc["uuid"])
    if status != 200:
        assert doc["data"] is None
    if msg_prefix is not None:
        assert doc["msg"].startswith(msg_prefix), doc["msg"]
    return doc


def parse_png(data):
    """(width, height, chunk tags) after checking the signature, every CRC and IDAT size."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, chunks = 8, []
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        tag, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])
        assert zlib.crc32(tag + body) & 0xFFFFFFFF == crc
        chunks.append((tag, body))
        pos += 12 + length
    assert chunks[0][0] == b"IHDR" and chunks[-1][0] == b"IEND"
    width, height, depth, colour = struct.unpack(">IIBB", chunks[0][1][:10])
    assert (depth, colour) == (8, 2)
    raw = zlib.decompress(b"".join(b for t, b in chunks if t == b"IDAT"))
    assert len(raw) == height * (1 + 3 * width)
    return width, height, [t for t, _ in chunks]


# -- auth -------------------------------------------------------------------------------

@pytest.mark.parametrize("headers", [
    {}, {"x-auth": "sk-wrong"}, {"x-auth": "Bearer " + KEY}, {"Authorization": "Bearer " + KEY},
    {"x-auth": ""}])
@pytest.mark.parametrize("path", [T2I, I2I, QUERY])
def test_auth_rejected(sim, headers, path):
    if path == QUERY:
        r = query(sim, "whatever", headers=headers)
    else:
        r = submit(sim, {"prompt": "x", "reference_images": [{"url": "https://a.b/c.png"}]},
                   path, headers=headers)
    doc = assert_envelope(r, 401)
    assert doc["msg"] == "Unauthorized: invalid or missing x-auth"
    assert sim.tasks() == []


def test_accept_keys_override(tmp_path):
    with Simulator(state_dir=tmp_path, accept_keys={"giggle": ["sk-test-abc"]}, faults="") as s:
        assert submit(s, headers={"x-auth": "sk-test-abc"}).status_code == 200
        assert submit(s).status_code == 401  # the default simulator key is not accepted now


# -- validation -------------------------------------------------------------------------

REF = [{"url": "https://example.com/a.png"}]
BAD_BODIES = [
    (T2I, {}, "prompt"),
    (T2I, {"prompt": ""}, "prompt"),
    (T2I, {"prompt": "   "}, "prompt"),
    (T2I, {"prompt": 5}, "prompt"),
    (T2I, {"prompt": "x", "generate_count": 0}, "generate_count"),
    (T2I, {"prompt": "x", "generate_count": 5}, "generate_count"),
    (T2I, {"prompt": "x", "generate_count": "2"}, "generate_count"),
    (T2I, {"prompt": "x", "generate_count": True}, "generate_count"),
    (T2I, {"prompt": "x", "generate_count": 1.5}, "generate_count"),
    (T2I, {"prompt": "x", "model": "dall-e-3"}, "model"),
    (T2I, {"prompt": "x", "model": None}, "model"),
    (T2I, {"prompt": "x", "aspect_ratio": "5:4"}, "aspect_ratio"),
    (T2I, {"prompt": "x", "resolution": "8K"}, "resolution"),
    (I2I, {"prompt": "x"}, "reference_images"),
    (I2I, {"prompt": "x", "reference_images": []}, "reference_images"),
    (I2I, {"prompt": "x", "reference_images": "https://a.b/c.png"}, "reference_images"),
    (I2I, {"prompt": "x", "reference_images": ["https://a.b/c.png"]}, "reference_images[0]"),
    (I2I, {"prompt": "x", "reference_images": [{}]}, "reference_images[0]"),
    (I2I, {"prompt": "x", "reference_images": [{"url": "https://a/b", "asset_id": "x"}]}, "reference_images[0]"),
    (I2I, {"prompt": "x", "reference_images": [{"path": "/tmp/a.png"}]}, "reference_images[0]"),
    (I2I, {"prompt": "x", "reference_images": REF + [{"url": "ftp://a/b.png"}]}, "reference_images[1].url"),
    (I2I, {"prompt": "x", "reference_images": [{"base64": "data:image/png;base64," + PNG_B64}]},
     "reference_images[0].base64"),
    (I2I, {"prompt": "x", "reference_images": [{"base64": "not base64!!"}]}, "reference_images[0].base64"),
    (I2I, {"prompt": "x", "reference_images": [{"base64": "abc"}]}, "reference_images[0].base64"),
    (I2I, {"prompt": "x", "reference_images": [{"asset_id": ""}]}, "reference_images[0].asset_id"),
    (I2I, {"prompt": "x", "reference_images": REF, "watermark": "yes"}, "watermark"),
    (I2I, {"prompt": "x", "reference_images": REF, "model": "sd-xl"}, "model"),
    (I2I, {"prompt": "", "reference_images": REF}, "prompt"),
]


@pytest.mark.parametrize("path,body,field", BAD_BODIES)
def test_validation_names_the_field(sim, path, body, field):
    doc = assert_envelope(submit(sim, body, path), 400, field + ": ")
    if field.endswith(".base64") and "data:" in json.dumps(body):
        assert doc["msg"] == field + ": invalid base64 reference"
    assert sim.tasks() == []


@pytest.mark.parametrize("data", [b"not json", b"[1, 2]", b"", b'"prompt"'])
def test_body_must_be_a_json_object(sim, data):
    r = requests.post(sim.base_url + T2I, data=data, timeout=5,
                      headers=dict(AUTH, **{"Content-Type": "application/json"}))
    assert_envelope(r, 400, "body: ")


def test_valid_requests_and_what_is_stored(sim):
    t2i = new_task(sim, {"prompt": "p", "model": "midjourney", "aspect_ratio": "9:16",
                         "resolution": "4K", "generate_count": 4, "unknown_extra": {"a": 1}})
    refs = [{"url": "http://example.com/x.png"}, {"base64": PNG_B64}, {"asset_id": "ast_123"}]
    i2i = new_task(sim, {"prompt": "p", "reference_images": refs, "model": "nano-banana-2-fast",
                         "resolution": "8K-ignored", "watermark": True}, I2I)
    records = {r["task_id"]: r for r in sim.tasks("giggle")}
    assert records[t2i]["model"] == "midjourney" and records[t2i]["generate_count"] == 4
    assert records[t2i]["resolution"] == "4K" and records[t2i]["route"] == "giggle.text-to-image"
    rec = records[i2i]
    assert rec["route"] == "giggle.image-to-image" and rec["watermark"] is True
    assert "resolution" not in rec  # i2i takes no resolution
    assert rec["reference_images"][1]["base64_length"] == len(PNG_B64)
    assert PNG_B64 not in json.dumps(rec)  # hashes are stored, never the payload
    stored = (sim.state_dir / "tasks" / "giggle" / (i2i + ".json")).read_text()
    assert PNG_B64 not in stored and json.loads(stored)["task_id"] == i2i
    tid = new_task(sim, {"prompt": "defaults"})
    defaults = [r for r in sim.tasks() if r["task_id"] == tid][0]
    assert (defaults["model"], defaults["aspect_ratio"], defaults["generate_count"]) == ("seedream45", "16:9", 1)


# -- lifecycle and outcomes ---------------------------------------------------------------

def test_lifecycle_pending_processing_completed(sim):
    sim.outcomes.add("succeed", duration=60)  # 0.6 s real at time_scale 0.01; pending 0.09 s
    start = time.time()
    task_id = new_task(sim, {"prompt": "p", "generate_count": 2})
    with requests.Session() as s:
        s.headers.update(AUTH)
        seen = []
        while time.time() - start < 2:
            r = s.get(sim.base_url + QUERY, params={"task_id": task_id}, timeout=5)
            data = assert_envelope(r, 200)["data"]
            if not seen or seen[-1] != data["status"]:
                seen.append(data["status"])
            if data["status"] == "completed":
                break
            assert data["urls"] == [] and data["err_msg"] == ""
            time.sleep(0.03)
    assert seen == ["pending", "processing", "completed"]
    assert set(data) == {"task_id", "status", "urls", "err_msg"} and data["task_id"] == task_id
    assert len(data["urls"]) == 2 and data["err_msg"] == ""
    assert 0.55 < time.time() - start < 1.5


def test_default_durations_follow_the_model_table(sim):
    for model, (lo, hi) in MODEL_SECONDS.items():
        task_id = new_task(sim, {"prompt": "p", "model": model})
        rec = [r for r in sim.tasks() if r["task_id"] == task_id][0]
        assert lo <= rec["provider_seconds"] <= hi
        assert rec["duration"] == pytest.approx(rec["provider_seconds"] * 0.01)
        assert rec["queued_for"] == pytest.approx(rec["duration"] * 0.15)
        assert rec["outcome"] == "succeed" and rec["created_at"] <= time.time()


@pytest.mark.parametrize("kind,message,status,err", [
    ("fail", None, "failed", "generation failed: upstream model error"),
    ("fail", "boom", "failed", "boom"),
    ("error", None, "error", None),
    ("moderation", None, "failed", "sensitive"),
    ("canceled", None, "canceled", None),
])
def test_terminal_outcomes(sim, kind, message, status, err):
    sim.outcomes.add(kind, message=message, duration=0)
    data = assert_envelope(query(sim, new_task(sim)), 200)["data"]
    assert data["status"] == status and data["urls"] == []
    if err:
        assert err in data["err_msg"]


def test_never_outcome_and_times(sim):
    sim.outcomes.add("never", duration=0)
    sim.outcomes.add("fail", times=2, duration=0)
    never, f1, f2, ok = (new_task(sim) for _ in range(4))
    time.sleep(0.05)
    assert query(sim, never).json()["data"]["status"] == "processing"
    assert [query(sim, t).json()["data"]["status"] for t in (f1, f2)] == ["failed", "failed"]
    assert query(sim, ok).json()["data"]["status"] in ("pending", "processing")  # default: succeed
    with pytest.raises(ValueError):
        sim.outcomes.add("explode")


def test_query_errors(sim):
    assert_envelope(query(sim, "00000000-0000-4000-8000-000000000000"), 404, "task not found")
    assert_envelope(query(sim, "../../etc/passwd"), 404, "task not found")
    r = requests.get(sim.base_url + QUERY, headers=AUTH, timeout=5)
    assert_envelope(r, 400, "task_id: ")
    # Content-Type on a GET is accepted (the giggle scripts send it everywhere)
    tid = new_task(sim)
    r = query(sim, tid, headers=dict(AUTH, **{"Content-Type": "application/json"}))
    assert r.json()["data"]["status"] == "pending"


def test_unknown_paths_are_json_404(sim):
    for method, path in [("GET", "/api/v1/nope"), ("GET", T2I), ("POST", QUERY)]:
        r = requests.request(method, sim.base_url + path, headers=AUTH, timeout=5)
        assert_envelope(r, 404)


# -- faults -----------------------------------------------------------------------------

def test_http_500_then_recovers(sim):
    tid = new_task(sim)
    sim.faults.add("giggle.query", "http_500", times=2)
    assert [query(sim, tid).status_code for _ in range(3)] == [500, 500, 200]
    assert_envelope(query(sim, tid), 200)
    sim.faults.add("giggle.query", "http_500")
    assert_envelope(query(sim, tid), 500)


def test_html_502_429_401(sim):
    tid = new_task(sim)
    sim.faults.add("giggle.query", "html_502")
    sim.faults.add("giggle.query", "http_429", retry_after=3)
    sim.faults.add("giggle.query", "http_429")
    sim.faults.add("giggle.query", "http_401")
    r = query(sim, tid)
    assert r.status_code == 502 and r.headers["Content-Type"].startswith("text/html")
    assert "Cloudflare" in r.text
    with pytest.raises(ValueError):
        r.json()
    r = query(sim, tid)
    assert_envelope(r, 429)
    assert r.headers["Retry-After"] == "3"
    assert query(sim, tid).headers["Retry-After"] == "1"
    assert_envelope(query(sim, tid), 401, "Unauthorized")
    recs = [r for r in sim.requests if r.route == "giggle.query"]
    assert [(r.status, r.fault) for r in recs] == [
        (502, "html_502"), (429, "http_429"), (429, "http_429"), (401, "http_401")]


def test_drop_malformed_missing_field_on_query(sim):
    sim.outcomes.add("succeed", duration=0)
    tid = new_task(sim)
    sim.faults.add("giggle.query", "drop")
    sim.faults.add("giggle.query", "malformed_json")
    sim.faults.add("giggle.query", "missing_field")
    sim.faults.add("giggle.query", "missing_field", field="urls")
    with pytest.raises(requests.ConnectionError):
        query(sim, tid)
    r = query(sim, tid)
    assert r.status_code == 200 and r.headers["Content-Type"] == "application/json"
    with pytest.raises(ValueError):
        r.json()
    assert "status" not in query(sim, tid).json()["data"]
    data = query(sim, tid).json()["data"]
    assert "urls" not in data and data["status"] == "completed"
    assert sim.count("giggle.query") == 4
    assert sim.requests[-4].status is None and sim.requests[-4].fault == "drop"


def test_hang_times_out_and_stop_is_prompt(tmp_path):
    s = Simulator(state_dir=tmp_path, faults="").start()
    s.faults.add("giggle.query", "hang", seconds=30)
    with pytest.raises(requests.ReadTimeout):
        query(s, "x", timeout=0.5)
    idle = requests.Session()  # an idle keep-alive connection must not block stop() either
    assert idle.get(s.base_url + "/__sim__/health", timeout=5).json() == {"ok": True}
    t0 = time.time()
    s.stop()
    assert time.time() - t0 < 1.5
    assert s.count("giggle.query") == 1 and s.requests[0].fault == "hang"
    with pytest.raises(requests.ConnectionError):
        idle.get(s.base_url + "/__sim__/health", timeout=2)
    s.stop()  # idempotent


@pytest.mark.parametrize("kind", ["http_500", "html_502", "http_429", "http_401"])
def test_submit_pre_faults_create_nothing(sim, kind):
    sim.faults.add("giggle.submit", kind)
    r = submit(sim)
    assert r.status_code in (500, 502, 429, 401)
    assert sim.tasks() == []
    assert submit(sim).status_code == 200 and len(sim.tasks()) == 1


@pytest.mark.parametrize("kind", ["drop", "hang", "malformed_json", "missing_field"])
@pytest.mark.parametrize("path", [T2I, I2I])
def test_submit_post_faults_keep_the_task(sim, kind, path):
    sim.faults.add("giggle.submit", kind, **({"seconds": 0.2} if kind == "hang" else {}))
    body = {"prompt": "p", "reference_images": REF}
    if kind in ("drop", "hang"):
        with pytest.raises((requests.ConnectionError, requests.ReadTimeout)):
            submit(sim, body, path, timeout=2)
    else:
        r = submit(sim, body, path)
        assert r.status_code == 200
        if kind == "missing_field":
            assert r.json()["data"] == {}
    assert len(sim.tasks()) == 1  # the answer was lost, the task exists
    assert sim.count("giggle.submit") == 1


def test_route_matching_and_bad_rules(sim):
    sim.faults.add("*", "http_500", times=3)
    assert submit(sim).status_code == 500
    assert submit(sim, {"prompt": "p", "reference_images": REF}, I2I).status_code == 500
    assert requests.get(sim.base_url + "/__sim__/health", timeout=5).status_code == 200  # never faulted
    assert query(sim, "x").status_code == 500
    assert query(sim, "x").status_code == 404
    assert sim.count("*") == 4 and sim.count("giggle.submit") == 2 and sim.count("control") == 1
    for args, kw in [(("giggle.qeury", "http_500"), {}), (("control", "drop"), {}),
                     (("giggle.query", "explode"), {}), (("giggle.query", "http_500", 0), {}),
                     (("giggle.query", "http_429"), {"seconds": 1})]:
        with pytest.raises(ValueError):
            sim.faults.add(*args, **kw)


# -- downloads --------------------------------------------------------------------------

@pytest.mark.parametrize("ratio,dims", [("16:9", (256, 144)), ("9:16", (144, 256)), ("1:1", (256, 256)),
                                        ("21:9", (256, 110))])
def test_download_signed_png(sim, ratio, dims):
    sim.outcomes.add("succeed", duration=0)
    tid = new_task(sim, {"prompt": "p", "aspect_ratio": ratio, "generate_count": 2})
    urls = query(sim, tid).json()["data"]["urls"]
    assert len(urls) == 2
    for n, url in enumerate(urls, 1):
        assert url.startswith("%s/private/sim/giggle/%s/image-%d.png?Policy=" % (sim.base_url, tid, n))
        assert re.search(r"&Signature=[A-Za-z0-9~_-]+&Key-Pair-Id=K2SIMULATOR0&"
                         r"response-content-disposition=attachment$", url)
    r1, r2 = requests.get(urls[0], timeout=5), requests.get(urls[1].replace("~", "%7E"), timeout=5)
    for r in (r1, r2):
        assert r.status_code == 200 and r.headers["Content-Type"] == "image/png"
        assert r.headers["Content-Disposition"].startswith("attachment")
        assert parse_png(r.content)[:2] == dims
    assert r1.content != r2.content  # images differ per index
    assert requests.get(urls[0], timeout=5).content == r1.content  # deterministic
    assert requests.head(urls[0], timeout=5).headers["Content-Length"] == str(len(r1.content))


def test_download_rejections(sim):
    sim.outcomes.add("succeed", duration=0)
    tid = new_task(sim)
    url = query(sim, tid).json()["data"]["urls"][0]
    base, qs = url.split("?")
    sig = re.search(r"Signature=([^&]+)", qs).group(1)
    tampered = [
        url.replace(sig, ("A" if sig[0] != "A" else "B") + sig[1:]),
        url.replace("Policy=eyJ", "Policy=eyK"),
        base,
        url.replace("K2SIMULATOR0", "K2OTHER"),
        base.replace("image-1", "image-2") + "?" + qs,  # a signature for another file
    ]
    for bad in tampered:
        r = requests.get(bad, timeout=5)
        assert r.status_code == 403 and "<Code>AccessDenied</Code>" in r.text, bad
    expired = "/private/sim/giggle/%s/image-1.png" % tid
    r = requests.get(sim.base_url + expired + "?" + sim.signer.sign(expired, ttl=-5), timeout=5)
    assert r.status_code == 403 and "expired" in r.text
    for task, n in [("00000000-0000-4000-8000-000000000000", 1), (tid, 2)]:
        path = "/private/sim/giggle/%s/image-%d.png" % (task, n)
        r = requests.get(sim.base_url + path + "?" + sim.signer.sign(path, 60), timeout=5)
        assert r.status_code == 404 and "NoSuchKey" in r.text
    sim.faults.add("media", "http_500")
    assert requests.get(url, timeout=5).status_code == 500
    assert requests.get(url, timeout=5).status_code == 200


def test_not_completed_download_is_404(sim):
    sim.outcomes.add("never", duration=0)
    tid = new_task(sim)
    path = "/private/sim/giggle/%s/image-1.png" % tid
    assert requests.get(sim.base_url + path + "?" + sim.signer.sign(path, 60), timeout=5).status_code == 404


def test_resume_in_a_second_simulator(tmp_path):
    state = tmp_path / "state"
    with Simulator(state_dir=state, time_scale=0.01, faults="") as first:
        first.outcomes.add("succeed", duration=0)
        tid = new_task(first)
        old_url = query(first, tid).json()["data"]["urls"][0]
        first_url = first.base_url
    with Simulator(state_dir=state, time_scale=1.0, faults="") as second:
        assert second.base_url != first_url
        data = query(second, tid).json()["data"]
        assert data["status"] == "completed" and data["urls"][0].startswith(second.base_url + "/")
        assert parse_png(requests.get(data["urls"][0], timeout=5).content)[:2] == (256, 144)
        # a URL signed by the first process still verifies (same state-dir secret)
        replay = second.base_url + old_url[len(first_url):]
        assert requests.get(replay, timeout=5).status_code == 200
    with Simulator(state_dir=tmp_path / "other", faults="") as third:
        assert query(third, tid).status_code == 404


# -- plumbing: keep-alive, concurrency, log, env spec, control ---------------------------

def test_keep_alive_and_request_log(sim):
    host, port = sim.base_url[len("http://"):].split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=5)
    body = json.dumps({"prompt": "keep alive"})
    conn.request("POST", T2I, body=body, headers=dict(AUTH, **{"Content-Type": "application/json"}))
    tid = json.loads(conn.getresponse().read())["data"]["task_id"]
    sock = conn.sock
    for _ in range(3):
        conn.request("GET", QUERY + "?task_id=" + tid, headers=AUTH)
        resp = conn.getresponse()
        assert resp.status == 200 and json.loads(resp.read())["data"]["task_id"] == tid
        assert conn.sock is sock  # same TCP connection reused
    conn.close()
    first = sim.requests[0]
    assert (first.method, first.path, first.route, first.status, first.fault) == (
        "POST", T2I, "giggle.text-to-image", 200, None)
    assert first.body == {"prompt": "keep alive"} and first.headers["x-auth"] == KEY
    assert sim.requests[1].query == {"task_id": tid} and sim.count("giggle.query") == 3


def test_concurrent_submits(sim):
    with ThreadPoolExecutor(16) as pool:
        ids = list(pool.map(lambda i: new_task(sim, {"prompt": "p%d" % i}), range(32)))
    assert len(set(ids)) == 32 and len(sim.tasks()) == 32


def test_env_spec_drives_faults_and_outcomes(tmp_path, monkeypatch):
    monkeypatch.setenv("GENMEDIA_SIM_FAULTS", "giggle.query:http_500*2, giggle.query:http_429@retry_after=1,"
                       "task:fail@message=boom@duration=0,task:succeed@duration=2")
    with Simulator(state_dir=tmp_path, time_scale=0.01) as s:
        failing, slow = new_task(s), new_task(s)
        assert [query(s, failing).status_code for _ in range(4)] == [500, 500, 429, 200]
        assert query(s, failing).json()["data"]["err_msg"] == "boom"
        assert [r for r in s.tasks() if r["task_id"] == slow][0]["duration"] == pytest.approx(0.02)
    with Simulator(state_dir=tmp_path, faults="") as s:  # explicit "" ignores the env
        assert query(s, failing).status_code == 200


def test_parse_spec():
    faults, outcomes = parse_spec("giggle.query:http_429*3@retry_after=2.5,media:hang@seconds=1,"
                                  "task:never,task:fail*2@message=boom")
    assert faults == [
        {"route": "giggle.query", "kind": "http_429", "times": 3, "params": {"retry_after": 2.5}},
        {"route": "media", "kind": "hang", "times": 1, "params": {"seconds": 1}}]
    assert outcomes == [{"kind": "never", "times": 1}, {"kind": "fail", "times": 2, "message": "boom"}]
    assert parse_spec("") == ([], [])


@pytest.mark.parametrize("spec", [
    "nonsense", "giggle.query", "giggle.query:", "giggle.query:explode", "giggle.query:http_500*0",
    "giggle.query:http_500*x", "task:explode", "giggle.qeury:http_500",
    "giggle.query:http_429@retry_after", "giggle.query:http_500@foo=1", "task:fail@color=red",
    "control:drop"])
def test_bad_spec_raises(tmp_path, spec):
    with pytest.raises(ValueError) as info:
        Simulator(state_dir=tmp_path, faults=spec)
    assert spec.split("@")[0].split("*")[0].split(":")[-1] in str(info.value) or spec in str(info.value)


def test_control_endpoints(sim):
    url = sim.base_url + "/__sim__/"
    assert requests.get(url + "health", timeout=5).json() == {"ok": True}
    assert requests.post(url + "outcomes", json={"kind": "moderation", "duration": 0}, timeout=5).json() == {"ok": True}
    assert requests.post(url + "faults", json={"route": "giggle.query", "kind": "http_429", "times": 1,
                                               "retry_after": 2}, timeout=5).json() == {"ok": True}
    tid = new_task(sim)
    r = query(sim, tid)
    assert r.status_code == 429 and r.headers["Retry-After"] == "2"
    assert "sensitive" in query(sim, tid).json()["data"]["err_msg"]
    for endpoint, body in [("faults", {"route": "giggle.query", "kind": "nope"}), ("faults", [1]),
                           ("outcomes", {"kind": "fail", "colour": 1}), ("outcomes", {"kind": "x"})]:
        r = requests.post(url + endpoint, json=body, timeout=5)
        assert r.status_code == 400 and r.json()["ok"] is False
    log = requests.get(url + "requests", timeout=5).json()
    assert [e["route"] for e in log if e["route"] != "control"] == [
        "giggle.text-to-image", "giggle.query", "giggle.query"]
    assert set(log[0]) == {"method", "path", "query", "headers", "body", "status", "route", "fault", "time"}
    assert requests.get(url + "nope", timeout=5).status_code == 404


def test_simulator_imports_only_stdlib():
    stdlib = set(getattr(sys, "stdlib_module_names", ())) or None
    for path in SIM_DIR.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                mods = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                mods = [node.module]
            else:
                continue
            for mod in mods:
                top = mod.split(".")[0]
                assert top not in ("requests", "urllib3", "jsonschema", "typer", "rich", "pydantic"), path
                if stdlib:
                    assert top in stdlib, (path, mod)


# -- standalone process -----------------------------------------------------------------

def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_standalone(args):
    env = dict(os.environ)
    env.pop("GENMEDIA_SIM_FAULTS", None)
    proc = subprocess.Popen([sys.executable, "-m", "genmedia_skills.simulator"] + args, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    lines = queue.Queue()
    threading.Thread(target=lambda: lines.put(proc.stderr.readline()), daemon=True).start()
    try:
        return proc, lines.get(timeout=10).strip()
    except queue.Empty:
        proc.kill()
        raise


def test_standalone_process(tmp_path):
    port = _free_port()
    proc, line = _start_standalone(["--port", str(port), "--state-dir", str(tmp_path), "--time-scale",
                                    "0.01", "--fault", "giggle.query:http_500", "--accept-key", KEY,
                                    "--accept-key", "giggle=sk-other"])
    try:
        assert line == "genmedia simulator listening on http://127.0.0.1:%d" % port
        base = "http://127.0.0.1:%d" % port
        assert requests.get(base + "/__sim__/health", timeout=5).json() == {"ok": True}
        requests.post(base + "/__sim__/outcomes", json={"kind": "succeed", "duration": 0}, timeout=5)
        r = requests.post(base + T2I, json={"prompt": "p"}, headers={"x-auth": "sk-other"}, timeout=5)
        tid = r.json()["data"]["task_id"]
        get = lambda: requests.get(base + QUERY, params={"task_id": tid}, headers=AUTH, timeout=5)
        assert get().status_code == 500 and get().json()["data"]["status"] == "completed"
        assert [e["status"] for e in requests.get(base + "/__sim__/requests", timeout=5).json()
                if e["route"] != "control"] == [200, 500, 200]
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=5) == 0
    # the task outlives its process: an in-process simulator on the same state dir answers
    with Simulator(state_dir=tmp_path, faults="") as s:
        assert query(s, tid).json()["data"]["urls"][0].startswith(s.base_url)


def test_standalone_bad_fault_spec_exits_2(tmp_path):
    proc, line = _start_standalone(["--port", "0", "--state-dir", str(tmp_path), "--fault", "giggle.query:boom"])
    assert proc.wait(timeout=5) == 2
    assert "boom" in line and "error" in line
