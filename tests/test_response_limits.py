"""Issues 6.15 and 6.16: provider JSON is strict and bounded.

A NaN or Infinity in an answer is schema drift (exit 4, body kept), and stdout and
result.json stay strict JSON; an answer past MAX_JSON_BYTES is refused while it
streams (exit 4) with its head kept in raw/.
"""

import json

import pytest

from conftest import IMAGE_SCRIPT, TEST_KEY, Cli, base_env
from hostile_provider import QUERY, T2I, HostileProvider, envelope, json_answer
from genmedia_skills.http.http_answer import MAX_JSON_BYTES, RAW_HEAD_BYTES


def strict(text):
    """json.loads that refuses NaN/Infinity, as JSON.parse does."""
    def refuse(name):
        raise ValueError("non-standard JSON constant " + name)
    return json.loads(text, parse_constant=refuse)


@pytest.fixture
def hostile(artifacts, tmp_path):
    with HostileProvider() as provider:
        provider.on("POST " + T2I, json_answer(envelope({"task_id": "t-1"})))
        env = base_env(artifacts)
        env.update(GIGGLE_API_KEY=TEST_KEY, GIGGLE_BASE_URL=provider.base_url)
        yield provider, Cli(IMAGE_SCRIPT, env, tmp_path)


def raw_answer(text):
    return 200, {"Content-Type": "application/json"}, text


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e999"])
def test_a_non_finite_number_in_a_query_is_schema_drift(hostile, number):
    provider, cli = hostile
    provider.on("GET " + QUERY, raw_answer('{"code": 200, "msg": "ok", "data": {"status": "processing", '
                                           '"progress": %s, "urls": []}}' % number))
    res = cli("run", "--prompt", "a fox", "--timeout", "5")
    assert res.code == 4, res
    doc = strict(res.stdout)
    assert doc["task_id"] == "t-1" and doc["error"]["kind"] == "bad_response"
    strict(open(doc["artifacts"]["json"], encoding="utf-8").read())
    assert number in open(doc["error"]["raw_body"], encoding="utf-8").read()
    assert len(provider.seen("GET " + QUERY)) == 1   # drift is not retried


def test_a_non_finite_number_in_a_submit_answer_leaves_the_outcome_unknown(hostile):
    provider, cli = hostile
    provider.on("POST " + T2I, raw_answer('{"code": 200, "msg": "ok", "data": {"task_id": "t-1", "cost": NaN}}'))
    res = cli("run", "--prompt", "a fox", "--timeout", "5")
    assert res.code == 4, res
    doc = strict(res.stdout)
    assert doc["status"] == "unknown" and doc["error"]["kind"] == "bad_response"
    assert len(provider.seen("POST " + T2I)) == 1


def test_an_oversized_query_answer_is_refused_while_streaming(hostile):
    provider, cli = hostile
    filler = b"x" * (1024 * 1024)
    sent = []

    def huge():   # valid JSON, streamed without a Content-Length, 3x the cap
        yield b'{"code": 200, "msg": "'
        for _ in range(3 * MAX_JSON_BYTES // len(filler)):
            sent.append(len(filler))
            yield filler
        yield b'", "data": {"status": "processing"}}'

    provider.on("GET " + QUERY, (200, {"Content-Type": "application/json"}, huge))
    res = cli("run", "--prompt", "a fox", "--timeout", "5")
    assert res.code == 4, res
    assert res.json["task_id"] == "t-1" and res.json["error"]["kind"] == "bad_response"
    assert "limit" in res.json["error"]["message"]
    head = open(res.json["error"]["raw_body"], "rb").read()
    assert head.startswith(b'{"code": 200, "msg": "xxx') and len(head) <= RAW_HEAD_BYTES
    assert len(provider.seen("GET " + QUERY)) == 1
