"""Contract tests for the simulator's giggle trustee (AIMV project) API: real HTTP on
loopback with `requests`, nothing mocked. Timelines use short `duration` outcomes at
time_scale 0.01 so the whole file runs in a few seconds.
"""
import re
import time

import pytest
import requests

from genmedia_skills.validation import schema_registry
from genmedia_skills.simulator import Simulator
from genmedia_skills.simulator.giggle.trustee_validate import DRAMA_TYPES, catalog
from genmedia_skills.simulator.giggle.trustee_workflow import STEPS, TYPES

KEY = "k"
AUTH = {"x-auth": KEY}
CREATE = "/api/v1/project/create"
SUBMIT = "/api/v1/trustee_mode/mv/submit"
QUERY = "/api/v1/trustee_mode/mv/query"
PAY = "/api/v1/trustee_mode/mv/pay"
RETRY = "/api/v1/trustee_mode/mv/retry"
PNG_B64 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
ALL_STEPS = "music-generate,storyboard,shot,editor"


@pytest.fixture(autouse=True)
def _no_env_faults(monkeypatch):
    monkeypatch.delenv("GENMEDIA_SIM_FAULTS", raising=False)


def make_sim(state_dir):
    return Simulator(state_dir=state_dir, time_scale=0.01, accept_keys={"giggle": [KEY]}, faults="")


@pytest.fixture
def sim(tmp_path):
    with make_sim(tmp_path) as s:
        yield s


def post(sim, path, body, headers=AUTH):
    return requests.post(sim.base_url + path, json=body, headers=headers, timeout=5)


def query(sim, project_id, headers=AUTH):
    r = requests.get(sim.base_url + QUERY, params={"project_id": project_id}, headers=headers, timeout=5)
    if r.status_code == 200:
        assert schema_registry.errors("giggle/mv-query.response.json", r.json()) == []
    return r


def data(sim, project_id):
    return assert_envelope(query(sim, project_id), 200)["data"]


def assert_envelope(r, status, msg=None):
    assert r.status_code == status, r.text
    doc = r.json()
    assert doc["code"] == status and re.fullmatch(r"[0-9a-f-]{36}", doc["uuid"])
    if status != 200:
        assert doc["data"] is None
    if msg is not None:
        assert msg in doc["msg"], doc["msg"]
    return doc


def create(sim, ptype="mv", aspect="16:9"):
    r = post(sim, CREATE, {"name": "my mv", "type": ptype, "aspect": aspect, "mode": "trustee"})
    return assert_envelope(r, 200)["data"]["project_id"]


def submit_body(project_id, mode="prompt", **extra):
    body = {"project_id": project_id, "aspect": "16:9", "music_generate_type": mode,
            "scene_description": "", "subtitle_enabled": False, "reference_image": "asset_1"}
    body.update({"prompt": {"prompt": "upbeat pop"},
                 "custom": {"lyrics": "la la", "style": "pop", "title": "Song"},
                 "upload": {"music_asset_id": "music_1"}}[mode])
    body.update(extra)
    return {k: v for k, v in body.items() if v is not None}


def start(sim, ptype="mv", duration=None, kind="succeed", message=None):
    """A created and submitted project; its outcome is queued right before the submit."""
    project_id = create(sim, ptype)
    if duration is not None or kind != "succeed" or message:
        sim.outcomes.add(kind, message=message, duration=duration)
    assert_envelope(post(sim, SUBMIT, submit_body(project_id)), 200)
    return project_id


def wait_for(sim, project_id, predicate, limit=3.0):
    deadline = time.time() + limit
    while True:
        d = data(sim, project_id)
        if predicate(d) or time.time() > deadline:
            return d
        time.sleep(0.01)


def at_gate(d):
    return d["pay_status"] == "pending"


def pay(sim, project_id):
    return post(sim, PAY, {"project_id": project_id})


# -- create -------------------------------------------------------------------------------

@pytest.mark.parametrize("body,field", [
    ({"type": "mv", "aspect": "16:9", "mode": "trustee"}, "name"),
    ({"name": "", "type": "mv", "aspect": "16:9", "mode": "trustee"}, "name"),
    ({"name": "n", "aspect": "16:9", "mode": "trustee"}, "type"),
    ({"name": "n", "type": "movie", "aspect": "16:9", "mode": "trustee"}, "type"),
    ({"name": "n", "type": "mv", "aspect": "1:1", "mode": "trustee"}, "aspect"),
    ({"name": "n", "type": "mv", "mode": "trustee"}, "aspect"),
    ({"name": "n", "type": "mv", "aspect": "16:9"}, "mode"),
    ({"name": "n", "type": "mv", "aspect": "16:9", "mode": "pro"}, "mode"),
])
def test_create_validation_names_the_field(sim, body, field):
    assert_envelope(post(sim, CREATE, body), 400, field + ": ")
    assert sim.tasks("giggle-trustee") == []


def test_create_every_type_and_body_errors(sim):
    for ptype in ("mv", "aimv-30", "director", "narration", "short-film"):
        assert re.fullmatch(r"[0-9a-f-]{36}", create(sim, ptype, "9:16"))
    assert [r["type"] for r in sim.tasks("giggle-trustee")].count("short-film") == 1
    r = requests.post(sim.base_url + CREATE, data=b"nope", headers=AUTH, timeout=5)
    assert_envelope(r, 400, "body: ")
    assert_envelope(post(sim, CREATE, [1]), 400, "body: ")


# -- submit validation ----------------------------------------------------------------------

@pytest.mark.parametrize("mode,changes,field", [
    ("prompt", {"project_id": None}, "project_id"),
    ("prompt", {"aspect": "4:3"}, "aspect"),
    ("prompt", {"aspect": None}, "aspect"),
    ("prompt", {"music_generate_type": "hum"}, "music_generate_type"),
    ("prompt", {"scene_description": None}, "scene_description"),
    ("prompt", {"scene_description": 5}, "scene_description"),
    ("prompt", {"scene_description": "x" * 2001}, "scene_description"),
    ("prompt", {"subtitle_enabled": "no"}, "subtitle_enabled"),
    ("prompt", {"subtitle_enabled": None}, "subtitle_enabled"),
    ("prompt", {"reference_image": None}, "reference_image"),
    ("prompt", {"reference_image_url": "https://a.b/c.png"}, "reference_image"),
    ("prompt", {"reference_image": ""}, "reference_image"),
    ("prompt", {"prompt": None}, "prompt"),
    ("prompt", {"prompt": "  "}, "prompt"),
    ("prompt", {"vocal_gender": "robot"}, "vocal_gender"),
    ("prompt", {"instrumental": "yes"}, "instrumental"),
    ("custom", {"lyrics": None}, "lyrics"),
    ("custom", {"style": ""}, "style"),
    ("custom", {"title": None}, "title"),
    ("upload", {"music_asset_id": None}, "music_asset_id"),
])
def test_submit_validation_names_the_field(sim, mode, changes, field):
    project_id = create(sim)
    body = submit_body(project_id, mode)
    body.update(changes)
    body = {k: v for k, v in body.items() if v is not None}  # None: leave the field out
    assert_envelope(post(sim, SUBMIT, body), 400, field + ": ")
    assert data(sim, project_id)["current_step"] is None  # nothing was submitted


@pytest.mark.parametrize("url,ok", [
    ("https://example.com/ref.jpg", True), ("http://example.com/a.png", True), (PNG_B64, True),
    ("data:image/png;base64," + PNG_B64, False), ("not base64!!", False), ("abc", False),
    ("https://", False)])
def test_reference_image_url(sim, url, ok):
    project_id = create(sim)
    body = submit_body(project_id, reference_image=None, reference_image_url=url)
    if ok:
        assert schema_registry.errors("giggle/mv-submit.request.json", body) == []
        assert_envelope(post(sim, SUBMIT, body), 200)
    else:
        doc = assert_envelope(post(sim, SUBMIT, body), 400, "reference_image_url: ")
        if url.startswith("data:"):
            assert doc["msg"] == "reference_image_url: invalid base64 reference"


@pytest.mark.parametrize("mode", ["prompt", "custom", "upload"])
def test_valid_submit_per_mode_and_what_is_stored(sim, mode):
    project_id = create(sim, "aimv-30")
    body = submit_body(project_id, mode, reference_image=None, reference_image_url=PNG_B64)
    assert schema_registry.errors("giggle/mv-submit.request.json", body) == []
    assert assert_envelope(post(sim, SUBMIT, body), 200)["data"] == {"project_id": project_id}
    record = sim.tasks("giggle-trustee")[0]
    assert record["request"]["music_generate_type"] == mode and PNG_B64 not in str(record)
    if mode == "prompt":
        assert (record["request"]["vocal_gender"], record["request"]["instrumental"]) == ("auto", False)
    lo, hi = TYPES["aimv-30"]["seconds"]
    assert lo <= record["provider_seconds"] <= hi
    assert record["duration"] == pytest.approx(record["provider_seconds"] * 0.01)


def test_project_type_and_double_submit(sim):
    drama = create(sim, "director")
    assert_envelope(post(sim, SUBMIT, submit_body(drama)), 400, "cannot be submitted")
    project_id = start(sim)
    assert_envelope(post(sim, SUBMIT, submit_body(project_id)), 400, "project already submitted")
    lo, hi = TYPES["mv"]["seconds"]
    assert lo <= [r for r in sim.tasks("giggle-trustee") if r["project_id"] == project_id][0]["provider_seconds"] <= hi


def test_outcomes_are_consumed_only_by_an_accepted_submit(sim):
    sim.outcomes.add("fail", duration=0)
    project_id = create(sim)
    post(sim, SUBMIT, submit_body(project_id, prompt=None))  # 400: consumes nothing
    assert_envelope(post(sim, SUBMIT, submit_body(project_id)), 200)
    assert sim.tasks("giggle-trustee")[0]["outcome"] == "fail"


# -- errors, auth -------------------------------------------------------------------------

def test_unknown_project_and_missing_id(sim):
    ghost = "00000000-0000-4000-8000-000000000000"
    assert_envelope(query(sim, ghost), 404, "project not found")
    assert_envelope(query(sim, "../../etc/passwd"), 404, "project not found")
    assert_envelope(post(sim, SUBMIT, submit_body(ghost)), 404, "project not found")
    assert_envelope(pay(sim, ghost), 404, "project not found")
    assert_envelope(post(sim, RETRY, {"project_id": ghost, "current_step": "shot"}), 404, "project not found")
    assert_envelope(requests.get(sim.base_url + QUERY, headers=AUTH, timeout=5), 400, "project_id: ")
    assert_envelope(pay(sim, None), 400, "project_id: ")


@pytest.mark.parametrize("headers", [{}, {"x-auth": "wrong"}, {"x-auth": "Bearer " + KEY},
                                     {"Authorization": "Bearer " + KEY}])
def test_auth_rejected(sim, headers):
    project_id = create(sim)
    for path, body in [(CREATE, {"name": "n", "type": "mv", "aspect": "16:9", "mode": "trustee"}),
                       (SUBMIT, submit_body(project_id)), (PAY, {"project_id": project_id}),
                       (RETRY, {"project_id": project_id, "current_step": "shot"})]:
        assert_envelope(post(sim, path, body, headers=headers), 401, "Unauthorized")
    assert_envelope(query(sim, project_id, headers=headers), 401, "Unauthorized")
    assert len(sim.tasks("giggle-trustee")) == 1 and sim.pay_calls(project_id) == []


# -- the timeline -------------------------------------------------------------------------

@pytest.mark.parametrize("ptype,price,video", [("mv", 580, (60, 180)), ("aimv-30", 290, (30, 30))])
def test_full_timeline_with_payment_gate(sim, ptype, price, video):
    project_id = start(sim, ptype, duration=60)  # 0.6 s real: 0.15 + 0.15, gate, 0.21 + 0.09
    seen = []
    d = wait_for(sim, project_id, lambda d: seen.append((d["status"], d["current_step"])) or at_gate(d))
    assert (d["status"], d["current_step"], d["completed_steps"]) == ("processing", "pay", "music-generate,storyboard")
    assert isinstance(d["shot_count"], int) and d["video_asset"] is None and d["err_msg"] == ""
    assert [s["status"] for s in d["steps"]] == ["completed", "completed", "pending", "pending"]
    order = [x for i, x in enumerate(seen) if i == 0 or seen[i - 1] != x]
    expected = [("pending", "music-generate"), ("processing", "music-generate"),
                ("processing", "storyboard"), ("processing", "pay")]
    assert [x for x in expected if x in order] == order and order[-1] == ("processing", "pay")
    assert all(x[1] is not None for x in order)
    time.sleep(0.3)  # the gate holds however long nobody pays
    assert at_gate(data(sim, project_id))
    doc = assert_envelope(pay(sim, project_id), 200)
    assert schema_registry.errors("giggle/mv-pay.response.json", doc) == []
    assert doc["data"]["price"] == price and isinstance(doc["data"]["order_id"], str)
    d = data(sim, project_id)
    assert (d["status"], d["current_step"], d["pay_status"]) == ("processing", "shot", "paid")
    d = wait_for(sim, project_id, lambda d: d["status"] == "completed")
    assert (d["current_step"], d["completed_steps"], d["pay_status"]) == ("editor", ALL_STEPS, "paid")
    assert isinstance(d["completed_steps"], str) and d["err_msg"] == ""
    asset = d["video_asset"]
    assert video[0] <= asset["duration"] <= video[1]
    assert asset["download_url"].startswith(sim.base_url + "/private/sim/giggle-trustee/%s/video.mp4?Policy=" % project_id)
    r = requests.get(asset["download_url"], timeout=5)
    assert r.status_code == 200 and r.headers["Content-Type"] == "video/mp4" and r.content[4:8] == b"ftyp"
    assert r.headers["Content-Disposition"].startswith("attachment")
    assert requests.get(asset["signed_url"].replace("~", "%7E"), timeout=5).content == r.content
    thumb = requests.get(asset["thumbnail_url"], timeout=5)
    assert thumb.headers["Content-Type"] == "image/png" and thumb.content[:4] == b"\x89PNG"
    assert [c["accepted"] for c in sim.pay_calls(project_id)] == [True]


def test_pay_before_the_gate_and_twice(sim):
    created = create(sim)
    assert_envelope(pay(sim, created), 400, "project is not awaiting payment")
    running = start(sim, duration=1000)
    assert_envelope(pay(sim, running), 400, "project is not awaiting payment")
    assert data(sim, running)["pay_status"] is None
    project_id = start(sim, duration=0)
    assert at_gate(data(sim, project_id))
    assert_envelope(pay(sim, project_id), 200)
    assert_envelope(pay(sim, project_id), 400, "already paid")
    calls = sim.pay_calls(project_id)
    assert [c["accepted"] for c in calls] == [True, False] and calls[0]["at"] <= calls[1]["at"]
    assert [c["accepted"] for c in sim.pay_calls(created)] == [False]
    assert sim.pay_calls("no-such-project") == []


def test_dropped_pay_answer_still_records_one_payment(sim):
    project_id = start(sim, duration=0)
    sim.faults.add("giggle.mv-pay", "drop")
    with pytest.raises(requests.ConnectionError):
        pay(sim, project_id)
    d = data(sim, project_id)
    assert d["pay_status"] == "paid" and d["status"] == "completed"  # duration 0: done at once
    assert [c["accepted"] for c in sim.pay_calls(project_id)] == [True]
    assert sim.count("giggle.mv-pay") == 1 and sim.requests[-2].fault == "drop"
    assert sim.count("giggle.submit") == 2  # project-create and mv-submit are submit routes


def test_a_taken_payment_can_show_late_and_is_never_taken_twice(sim):
    sim.pay_visible_after = 3600   # billing took it; the project view catches up later
    project_id = start(sim, duration=0)
    assert_envelope(pay(sim, project_id), 200)
    assert at_gate(data(sim, project_id)) and data(sim, project_id)["current_step"] == "pay"
    assert_envelope(pay(sim, project_id), 400, "already paid")
    sim.pay_visible_after = 0   # caught up
    d = data(sim, project_id)
    assert d["pay_status"] == "paid" and d["status"] == "completed"
    assert [c["accepted"] for c in sim.pay_calls(project_id)] == [True, False]


def test_fail_outcome_then_retry_from_the_failed_step(sim):
    project_id = start(sim, duration=20, kind="fail")
    wait_for(sim, project_id, at_gate)
    assert_envelope(pay(sim, project_id), 200)
    d = wait_for(sim, project_id, lambda d: d["status"] == "failed")
    assert (d["status"], d["current_step"], d["err_msg"]) == ("failed", "shot", "shot generation failed")
    assert d["completed_steps"] == "music-generate,storyboard" and d["video_asset"] is None
    shot = d["steps"][2]
    assert shot["status"] == "failed"
    assert [(s["status"], s["error"]) for s in shot["sub_steps"]] == [
        ("completed", ""), ("failed", "shot generation failed")]
    assert_envelope(post(sim, RETRY, {"project_id": project_id, "current_step": "editor"}), 400, "current_step: ")
    assert_envelope(post(sim, RETRY, {"project_id": project_id, "current_step": "paint"}), 400, "current_step: ")
    assert_envelope(post(sim, RETRY, {"project_id": project_id}), 400, "current_step: ")
    doc = assert_envelope(post(sim, RETRY, {"project_id": project_id, "current_step": "shot"}), 200)
    assert doc["data"] == {"project_id": project_id, "current_step": "shot"}
    d = data(sim, project_id)
    assert (d["status"], d["current_step"], d["err_msg"]) == ("processing", "shot", "")
    assert_envelope(post(sim, RETRY, {"project_id": project_id, "current_step": "shot"}), 400, "has not failed")
    d = wait_for(sim, project_id, lambda d: d["status"] == "completed")
    assert d["completed_steps"] == ALL_STEPS and d["video_asset"]["download_url"]
    assert len(sim.pay_calls(project_id)) == 1  # a retry never asks for money again


def test_retry_from_an_earlier_step_skips_the_paid_gate(sim):
    project_id = start(sim, duration=0, kind="fail", message="boom")
    assert_envelope(pay(sim, project_id), 200)
    d = data(sim, project_id)
    assert (d["status"], d["err_msg"], d["steps"][2]["sub_steps"][1]["error"]) == ("failed", "boom", "boom")
    assert_envelope(post(sim, RETRY, {"project_id": project_id, "current_step": "music-generate"}), 200)
    d = data(sim, project_id)
    assert (d["status"], d["pay_status"], d["completed_steps"]) == ("completed", "paid", ALL_STEPS)


def test_flaky_sub_step_reports_err_msg_but_keeps_processing(sim):
    project_id = start(sim, duration=60, kind="flaky_sub_step", message="retrying upstream: timeout")
    flaky = wait_for(sim, project_id, lambda d: d["err_msg"] != "")
    assert (flaky["status"], flaky["current_step"], flaky["err_msg"]) == (
        "processing", "music-generate", "retrying upstream: timeout")
    subs = flaky["steps"][0]["sub_steps"]
    assert [s["status"] for s in subs] == ["completed", "processing"] and all(s["error"] == "" for s in subs)
    d = wait_for(sim, project_id, at_gate)
    assert d["err_msg"] == "" and d["completed_steps"] == "music-generate,storyboard"
    assert_envelope(pay(sim, project_id), 200)
    assert wait_for(sim, project_id, lambda d: d["status"] == "completed")["status"] == "completed"


def test_never_outcome_stays_in_music_generate(sim):
    project_id = start(sim, duration=0, kind="never")
    time.sleep(0.05)
    d = data(sim, project_id)
    assert (d["status"], d["current_step"], d["pay_status"], d["completed_steps"]) == (
        "processing", "music-generate", None, "")
    assert_envelope(pay(sim, project_id), 400, "not awaiting payment")


# -- faults, downloads, resumability ------------------------------------------------------------

def test_faults_apply_to_trustee_routes(sim):
    sim.faults.add("giggle.submit", "http_500")
    assert post(sim, CREATE, {"name": "n", "type": "mv", "aspect": "16:9", "mode": "trustee"}).status_code == 500
    assert sim.tasks("giggle-trustee") == []
    project_id = create(sim)
    sim.outcomes.add("succeed", duration=0)
    sim.faults.add("giggle.mv-submit", "drop")
    with pytest.raises(requests.ConnectionError):
        post(sim, SUBMIT, submit_body(project_id))
    assert data(sim, project_id)["pay_status"] == "pending"  # the submit took effect
    sim.faults.add("giggle.mv-query", "http_429", retry_after=2)
    sim.faults.add("giggle.mv-pay", "missing_field")
    r = query(sim, project_id)
    assert_envelope(r, 429)
    assert r.headers["Retry-After"] == "2"
    assert sim.faults.pending()[0].route == "giggle.mv-pay"
    assert "order_id" not in assert_envelope(pay(sim, project_id), 200)["data"]
    sim.faults.add("giggle.mv-query", "not_found")
    assert_envelope(query(sim, project_id), 404, "project not found")


def test_download_rejections(sim):
    project_id = start(sim, duration=0)
    path = "/private/sim/giggle-trustee/%s/video.mp4" % project_id
    signed = sim.base_url + path + "?" + sim.signer.sign(path, 60)
    assert requests.get(signed, timeout=5).status_code == 404  # waiting at the gate: no video yet
    pay(sim, project_id)
    url = data(sim, project_id)["video_asset"]["download_url"]
    r = requests.get(url.replace("video.mp4", "thumb.png"), timeout=5)  # signature for another file
    assert r.status_code == 403 and "<Code>AccessDenied</Code>" in r.text
    r = requests.get(sim.base_url + path + "?" + sim.signer.sign(path, -5), timeout=5)
    assert r.status_code == 403 and "expired" in r.text
    sim.faults.add("trustee-media", "http_500")
    assert requests.get(url, timeout=5).status_code == 500
    assert requests.get(url, timeout=5).status_code == 200


def test_resume_in_a_second_simulator(tmp_path):
    with make_sim(tmp_path) as first:
        first.outcomes.add("succeed", duration=0)
        project_id = create(first, "aimv-30")
        assert_envelope(post(first, SUBMIT, submit_body(project_id)), 200)
        assert at_gate(data(first, project_id))
    with make_sim(tmp_path) as second:
        d = data(second, project_id)
        assert (d["current_step"], d["pay_status"]) == ("pay", "pending")
        assert assert_envelope(pay(second, project_id), 200)["data"]["price"] == 290
        url = data(second, project_id)["video_asset"]["download_url"]
        assert url.startswith(second.base_url + "/") and requests.get(url, timeout=5).content[4:8] == b"ftyp"
    with make_sim(tmp_path) as third:
        assert data(third, project_id)["status"] == "completed"
        assert_envelope(pay(third, project_id), 400, "already paid")
        assert [c["accepted"] for c in third.pay_calls(project_id)] == [True, False]


def test_tables_agree_with_the_catalog():
    assert list(STEPS) == catalog()["steps"]
    assert sorted(t for t in TYPES if "plan" not in TYPES[t]) == sorted(catalog()["mv_types"])
    assert sorted(t for t in TYPES if "plan" in TYPES[t]) == sorted(DRAMA_TYPES)
