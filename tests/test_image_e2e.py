"""giggle-generation-image end to end: the entry script as a subprocess against the simulator."""

import base64
import hashlib
import json
import struct
import zlib
from pathlib import Path

import pytest

from conftest import TEST_KEY


def png_bytes(width=4, height=3):
    raw = b"".join(b"\x00" + b"\x80\x40\x20" * width for _ in range(height))

    def chunk(tag, data):
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def submits(sim):
    return [r for r in sim.requests if r.method == "POST"]


def test_run_text_to_image_succeeds_with_file_and_artifacts(image_cli, sim):
    res = image_cli("run", "--prompt", "a lighthouse at dusk", "--generate-count", "2")
    assert res.code == 0, res
    doc = res.json
    assert doc["status"] == "succeeded" and doc["provider_status"] == "completed"
    assert doc["simulated"] is False and doc["error"] is None and doc["next"] is None
    assert len(doc["outputs"]) == 2
    for out in doc["outputs"]:
        assert "Signature=" in out["url"] and "Key-Pair-Id=" in out["url"]
        assert "response-content-disposition=attachment" in out["url"]
        data = Path(out["path"]).read_bytes()
        assert data.startswith(b"\x89PNG") and hashlib.sha256(data).hexdigest() == out["sha256"]
        assert Path(out["path"]).parent == Path(doc["artifacts"]["dir"]) / "outputs"
    stored = json.loads(Path(doc["artifacts"]["json"]).read_text())
    assert stored == doc
    md = Path(doc["artifacts"]["md"]).read_text()
    assert "![image 1](outputs/image-1.png)" in md and doc["outputs"][0]["url"] in md
    (post,) = submits(sim)
    assert post.path == "/api/v1/generation/text-to-image"
    assert post.headers.get("x-auth") == TEST_KEY
    assert post.headers.get("user-agent", "").startswith("genmedia-skills/")
    assert post.body == {"prompt": "a lighthouse at dusk", "generate_count": 2, "model": "seedream45",
                         "aspect_ratio": "16:9", "resolution": "2K"}


def test_stdout_is_exactly_one_json_document(image_cli):
    res = image_cli("run", "--prompt", "x")
    assert res.code == 0
    json.loads(res.stdout)  # raises on any extra text
    assert "submitted task" in res.stderr


def test_image_to_image_with_url_file_base64_and_asset(image_cli, sim, tmp_path):
    photo = tmp_path / "photo.png"
    photo.write_bytes(png_bytes())
    b64 = base64.b64encode(png_bytes(8, 8)).decode()
    res = image_cli("run", "--prompt", "watercolor", "--model", "nano-banana-2-fast", "--watermark",
                    "--reference-images", "https://example.com/a.jpg", "--reference-images", "photo.png",
                    "--reference-images", b64, "--reference-images", "asset_id:abc123")
    assert res.code == 0, res
    (post,) = submits(sim)
    assert post.path == "/api/v1/generation/image-to-image"
    refs = post.body["reference_images"]
    assert refs[0] == {"url": "https://example.com/a.jpg"}
    assert base64.b64decode(refs[1]["base64"]) == photo.read_bytes()
    assert refs[2] == {"base64": b64} and refs[3] == {"asset_id": "abc123"}
    assert post.body["watermark"] is True and "resolution" not in post.body
    stored = res.json["request"]
    assert [r["type"] for r in stored["references"]] == ["url", "file", "base64", "asset_id"]
    assert stored["references"][1]["sha256"] == hashlib.sha256(photo.read_bytes()).hexdigest()
    assert b64 not in Path(res.json["artifacts"]["json"]).read_text() or len(b64) <= 1024


def test_large_reference_is_stored_by_hash_not_payload(image_cli, sim, tmp_path):
    big = tmp_path / "big.png"
    big.write_bytes(png_bytes(400, 300))
    res = image_cli("run", "--prompt", "x", "--reference-images", str(big))
    assert res.code == 0, res
    text = Path(res.json["artifacts"]["json"]).read_text()
    sent = submits(sim)[0].body["reference_images"][0]["base64"]
    assert len(sent) > 1024 and sent not in text and "sha256" in text


def test_dry_run_sends_nothing_and_prints_the_body(image_cli, sim, artifacts):
    res = image_cli("run", "--dry-run", "--prompt", "a fox", "--model", "MIDJOURNEY", "--resolution", "4k")
    assert res.code == 0, res
    assert res.json["dry_run"] is True
    assert res.json["request"]["body"] == {"prompt": "a fox", "generate_count": 1, "model": "midjourney",
                                           "aspect_ratio": "16:9", "resolution": "4K"}
    assert sim.requests == [] and list(artifacts.iterdir()) == []


def test_dry_run_needs_no_key(offline_cli):
    res = offline_cli("submit", "--dry-run", "--prompt", "a fox")
    assert res.code == 0 and res.json["request"]["path"] == "/api/v1/generation/text-to-image"


def test_submit_status_wait(image_cli, sim):
    sim.outcomes.add("succeed", duration=300)   # 3 s: `status` must start before it ends, even on a loaded machine
    sub = image_cli("submit", "--prompt", "a koi pond")
    assert sub.code == 0, sub
    assert sub.json["status"] == "queued" and sub.json["task_id"]
    task_id = sub.json["task_id"]
    assert "wait --task-id %s" % task_id in sub.json["next"]
    st = image_cli("status", "--task-id", task_id)
    assert st.code == 0 and st.json["status"] in ("queued", "running")
    assert st.json["run_id"] == sub.json["run_id"]  # found by task_id, same run
    done = image_cli("wait", "--task-id", task_id)
    assert done.code == 0 and done.json["status"] == "succeeded", done
    assert done.json["run_id"] == sub.json["run_id"] and Path(done.json["outputs"][0]["path"]).is_file()
    assert len(submits(sim)) == 1
    again = image_cli("status", "--task-id", task_id)
    assert again.code == 0 and again.json["status"] == "succeeded"


def test_list_shows_runs_newest_first(image_cli):
    first = image_cli("submit", "--prompt", "one").json
    second = image_cli("submit", "--prompt", "two").json
    res = image_cli("list")
    assert res.code == 0
    assert [row["run_id"] for row in res.json[:2]] == [second["run_id"], first["run_id"]]
    assert res.json[0]["prompt"] == "two"
    assert image_cli("list", "--status", "bogus").code == 2


def test_wait_on_foreign_task_creates_a_run(image_cli, sim):
    import requests

    resp = requests.post(sim.base_url + "/api/v1/generation/text-to-image", headers={"x-auth": TEST_KEY},
                         json={"prompt": "elsewhere", "generate_count": 1, "model": "seedream45",
                               "aspect_ratio": "1:1", "resolution": "1K"}, timeout=5)
    task_id = resp.json()["data"]["task_id"]
    res = image_cli("wait", "--task-id", task_id)
    assert res.code == 0 and res.json["status"] == "succeeded", res
    assert res.json["request"]["endpoint"] is None and res.json["task_id"] == task_id


@pytest.mark.parametrize("outcome,kind", [("fail", "task_failed"), ("error", "task_failed"),
                                          ("moderation", "moderation"), ("canceled", "canceled")])
def test_task_failure_exits_1_with_provider_message(image_cli, sim, outcome, kind):
    sim.outcomes.add(outcome, message="upstream exploded" if outcome in ("fail", "error") else None)
    res = image_cli("run", "--prompt", "x")
    assert res.code == 1, res
    assert res.json["status"] in ("failed", "canceled") and res.json["error"]["kind"] == kind
    if outcome in ("fail", "error"):
        assert "upstream exploded" in res.json["error"]["message"]
    if outcome == "moderation":
        assert "moderation" in res.json["error"]["message"] and res.json["error"]["provider_message"]
    assert res.json["next"] is None and len(submits(sim)) == 1
    # the error also ends stderr, as one line: not only in the JSON
    assert res.stderr.splitlines()[-1] == "giggle-generation-image: error: " + res.json["error"]["message"]


def test_unknown_task_exits_4(image_cli):
    res = image_cli("status", "--task-id", "no-such-task")
    assert res.code == 4 and res.json["error"]["kind"] == "unknown_task", res
    assert image_cli("wait", "--task-id", "no-such-task").code == 4


def test_missing_key_exits_3_and_sends_nothing(image_cli, sim, artifacts):
    res = image_cli("run", "--prompt", "x", unset=["GIGGLE_API_KEY"])
    assert res.code == 3 and "GIGGLE_API_KEY" in res.json["error"]["message"], res
    assert sim.requests == [] and list(artifacts.iterdir()) == []


def test_rejected_key_exits_3(image_cli, sim):
    res = image_cli("run", "--prompt", "x", env={"GIGGLE_API_KEY": "sk-wrong-key-000"})
    assert res.code == 3 and res.json["error"]["kind"] == "auth", res
    assert res.json["status"] == "rejected" and res.json["task_id"] is None
    assert "sk-wrong-key-000" not in res.stdout + res.stderr


def test_schema_drift_exits_4_and_keeps_raw_body(image_cli, sim):
    sim.faults.add("giggle.query", "missing_field", field="status")
    res = image_cli("run", "--prompt", "x")
    assert res.code == 4 and res.json["error"]["kind"] == "bad_response", res
    assert "$.data" in res.json["error"]["message"] and "status" in res.json["error"]["message"]
    raw = Path(res.json["error"]["raw_body"])
    assert raw.is_file() and '"data"' in raw.read_text()
    assert res.json["next"] and len(submits(sim)) == 1


def test_timeout_exits_5_then_next_completes(image_cli, sim):
    sim.outcomes.add("succeed", duration=150)   # 1.5 s at the test time scale
    res = image_cli("run", "--prompt", "slow", "--timeout", "0.3")
    assert res.code == 5, res
    assert res.json["status"] in ("queued", "running") and res.json["error"] is None
    nxt = res.json["next"]
    assert nxt and "wait --task-id " + res.json["task_id"] in nxt
    args = nxt.split(" wait ", 1)[1].split()
    done = image_cli("wait", *args)
    assert done.code == 0 and done.json["status"] == "succeeded", done
    assert len(submits(sim)) == 1


def test_no_download_reports_urls_only(image_cli, sim):
    res = image_cli("run", "--prompt", "x", "--no-download")
    assert res.code == 0 and "path" not in res.json["outputs"][0]
    assert not [r for r in sim.requests if r.route == "media"]


def test_simulate_needs_no_key_and_resumes_across_processes(offline_cli):
    sub = offline_cli("submit", "--simulate", "--prompt", "a lighthouse at dusk")
    assert sub.code == 0 and sub.json["simulated"] is True, sub
    done = offline_cli("wait", "--task-id", sub.json["task_id"])   # found as simulated: no --simulate needed
    assert done.code == 0 and done.json["status"] == "succeeded", done
    assert Path(done.json["outputs"][0]["path"]).read_bytes().startswith(b"\x89PNG")
    assert "Simulated run" in Path(done.json["artifacts"]["md"]).read_text()


def test_unknown_foreign_task_leaves_no_run_and_a_known_one_is_indexed(image_cli, sim, artifacts):
    assert image_cli("status", "--task-id", "typo-123").code == 4
    assert list(artifacts.rglob("result.json")) == []
    sub = image_cli("submit", "--prompt", "x", env={"GENMEDIA_ARTIFACTS_DIR": str(artifacts.parent / "other")})
    first = image_cli("status", "--task-id", sub.json["task_id"])   # foreign to this artifact root
    second = image_cli("status", "--task-id", sub.json["task_id"])
    assert first.code == 0 and second.json["run_id"] == first.json["run_id"]


def test_run_with_timeout_zero_is_refused_before_anything_is_sent(image_cli, sim):
    res = image_cli("run", "--prompt", "x", "--timeout", "0")
    assert res.code == 2, res
    assert "--timeout: 0 would submit the task and stop at once" in res.stderr and "`submit`" in res.stderr
    assert submits(sim) == []
    assert image_cli("wait", "--task-id", "nope", "--timeout", "0").code != 2   # a single look is fine for wait


def test_an_unknown_option_or_command_lists_what_is_allowed(offline_cli):
    res = offline_cli("run", "--prompt", "x", "--colour", "red")
    assert res.code == 2 and len(res.stderr.strip().splitlines()) == 1, res
    assert "--colour" in res.stderr and "options of `run`: " in res.stderr and "--aspect-ratio" in res.stderr
    assert "--no-download" in res.stderr
    res = offline_cli("frobnicate")
    assert res.code == 2 and "'frobnicate'; commands: run, submit, status, wait, list" in res.stderr, res
