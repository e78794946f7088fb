"""A provider's odd answers never lose a task or pass for success (issue 14, items 4, 7, 8, 9).

A small hostile KIE on loopback (tests/hostile_provider.py) answers with KIE's paths and
envelopes; the entry scripts run as subprocesses against it.
"""

import json

import pytest

from conftest import TEST_KEY, Cli, base_env
from hostile_provider import HostileProvider, json_answer
from kie_helpers import CREATE, IMAGE, QUERY, VIDEO
from genmedia_skills.simulator.media import png_bytes

HTML = b"<!DOCTYPE html><html><body>not an image</body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"></svg>'


@pytest.fixture
def kie():
    with HostileProvider() as server:
        server.on("POST " + CREATE, json_answer({"code": 200, "msg": "success", "data": {"taskId": "task-1"}}))
        yield server


def done(server, urls=None, result_json=None, **fields):
    """recordInfo answers: the task succeeded with `urls` (or this raw resultJson)."""
    if result_json is None:
        result_json = json.dumps({"resultUrls": urls or []})
    record = dict({"taskId": "task-1", "state": "success", "resultJson": result_json}, **fields)
    server.on("GET " + QUERY, json_answer({"code": 200, "msg": "success", "data": record}))


def cli(server, artifacts, tmp_path, script=IMAGE):
    env = base_env(artifacts)
    env.update(KIE_AI_API_KEY=TEST_KEY, KIE_BASE_URL=server.base_url, KIE_UPLOAD_BASE_URL=server.base_url)
    return Cli(script, env, tmp_path)


def serve_png(server, path="/media/a.png"):
    server.on("GET " + path, (200, {"Content-Type": "image/png"}, png_bytes(4, 4, "ok")))
    return server.base_url + path


# -- 4: a number that cannot be a date ------------------------------------------------------------
@pytest.mark.parametrize("complete_time", [1.7e15, 1.7e18, -1e18, 1e300], ids=["us", "ns", "negative", "1e300"])
def test_a_completion_time_that_cannot_be_a_date_is_ignored_with_a_note(kie, artifacts, tmp_path, complete_time):
    done(kie, [serve_png(kie)], completeTime=complete_time)
    res = cli(kie, artifacts, tmp_path)("run", "--prompt", "a fox", "--timeout", "20")
    assert res.code == 0, res
    assert res.json["task_id"] == "task-1" and res.json["status"] == "succeeded"
    (out,) = res.json["outputs"]
    assert out["expires_at"][:2] == "20" and len(out["expires_at"]) == 24 and out.get("sha256")
    assert any("cannot be a date" in note for note in res.json["notes"]), res.json["notes"]
    assert json.loads(open(res.json["artifacts"]["json"]).read())["status"] == "succeeded"


# -- 7: a hostile resultJson ---------------------------------------------------------------------
def test_a_100k_deep_result_json_is_schema_drift_not_internal(kie, artifacts, tmp_path):
    done(kie, result_json="[" * 100000 + "]" * 100000)
    res = cli(kie, artifacts, tmp_path)("run", "--prompt", "a fox", "--timeout", "20")
    assert res.code == 4, res
    assert res.json["task_id"] == "task-1" and res.json["error"]["kind"] == "bad_response", res.json["error"]
    assert "nested too deeply" in res.json["error"]["message"] and res.json["next"]


def test_200000_result_urls_are_capped_and_timeout_is_kept(kie, artifacts, tmp_path):
    first = serve_png(kie)
    done(kie, [first] + ["http://a/%d" % n for n in range(199999)])   # under the 8 MiB answer cap
    res = cli(kie, artifacts, tmp_path)("run", "--prompt", "a fox", "--timeout", "8", "--no-download",
                                        timeout=60)
    assert res.json["task_id"] == "task-1", res
    assert res.code == 0 and len(res.json["outputs"]) == 100, res
    assert any("listed 200000 results" in note for note in res.json["notes"])


# -- 8: nothing usable is not success -------------------------------------------------------------
@pytest.mark.parametrize("case", ["file-and-javascript", "html-as-png", "svg-as-png"])
def test_a_task_whose_every_result_is_unusable_fails_with_the_reason(kie, artifacts, tmp_path, case):
    if case == "file-and-javascript":
        urls = ["file:///etc/passwd", "javascript:alert(1)"]
    else:
        kie.on("GET /media/page.png", (200, {"Content-Type": "image/png"}, HTML if case == "html-as-png" else SVG))
        urls = [kie.base_url + "/media/page.png"]
    done(kie, urls)
    res = cli(kie, artifacts, tmp_path)("run", "--prompt", "a fox", "--timeout", "20")
    assert res.code == 1, res
    assert res.json["status"] == "failed" and res.json["error"]["kind"] == "unusable_result", res.json
    assert "none of its %d result(s) is usable" % len(urls) in res.json["error"]["message"]
    assert all(out.get("unusable") for out in res.json["outputs"]) and res.json["task_id"] == "task-1"


def test_one_usable_result_among_unusable_ones_still_succeeds(kie, artifacts, tmp_path):
    done(kie, ["javascript:alert(1)", serve_png(kie)])
    res = cli(kie, artifacts, tmp_path)("run", "--prompt", "a fox", "--timeout", "20")
    assert res.code == 0 and res.json["status"] == "succeeded", res
    assert [bool(out.get("unusable")) for out in res.json["outputs"]] == [True, False]


def test_an_unusable_url_fails_the_run_without_downloading_too(kie, artifacts, tmp_path):
    done(kie, ["file:///etc/passwd"])
    res = cli(kie, artifacts, tmp_path)("run", "--prompt", "a fox", "--timeout", "20", "--no-download")
    assert res.code == 1 and res.json["error"]["kind"] == "unusable_result", res


# -- 9: the upload POST keeps the key at home -----------------------------------------------------
@pytest.mark.parametrize("status", [302, 307, 308])
def test_the_upload_post_never_follows_a_redirect_to_another_origin(kie, artifacts, tmp_path, status):
    with HostileProvider() as elsewhere:
        elsewhere.on("POST /steal", json_answer({"code": 200, "msg": "ok", "data": {
            "downloadUrl": elsewhere.base_url + "/stolen.png"}}))
        kie.on("POST /api/file-stream-upload", (status, {"Location": elsewhere.base_url + "/steal",
                                                         "Content-Length": "0"}, b""))
        photo = tmp_path / "frame.png"
        photo.write_bytes(png_bytes(6, 4, "frame"))
        res = cli(kie, artifacts, tmp_path, VIDEO)("run", "--prompt", "push in", "--image", str(photo),
                                                   "--timeout", "20")
        assert elsewhere.requests == [], "the upload (key and image) went to another origin"
    assert res.code == 4 and res.json["error"]["kind"] == "redirect", res
    assert "not followed" in res.json["error"]["message"]
    assert kie.seen("POST " + CREATE) == [] and res.json["status"] == "rejected"
