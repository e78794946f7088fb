"""Issue 6.2 and 6.3: the configured key never appears in any byte the skill writes or
prints, whatever the provider echoes back; a key that cannot go in a header is refused
before anything is written or sent.

The hostile provider echoes the `x-auth` it received into every place a provider's text
can reach: error messages on submit and query, a failed task's err_msg, a body that
fails its schema.
"""

import json

import pytest

from conftest import IMAGE_SCRIPT, Cli, base_env
from hostile_provider import QUERY, T2I, HostileProvider, envelope, json_answer

KEYS = {
    "canary": "sk-test-ECHO-7f3a91c2",
    "three characters": "Zq9",
    "surrounding spaces": "  sk-spaced-KEY-1234  ",
    "surrounding tabs": "\tsk-tabbed-KEY-5678\t\n",
}


def echo(status, code, template):
    """An answer whose message repeats the key the client sent."""
    def answer(request):
        key = request.headers.get("x-auth", "")
        return json_answer(envelope(None, code=code, msg=template % key), status=status)
    return answer


def failed_task(request):
    key = request.headers.get("x-auth", "")
    return json_answer(envelope({"status": "failed", "err_msg": "quota of key %s exceeded" % key}))


def drifted(request):
    key = request.headers.get("x-auth", "")
    return json_answer({"code": 200, "msg": "ok", "data": {"state": "done", "owner_key": key}})


SCENARIOS = {
    "401 on submit": {"POST " + T2I: echo(401, 401, "invalid api key: %s")},
    "400 on submit": {"POST " + T2I: echo(400, 400, "bad request from key %s: prompt too long")},
    "401 on query": {"POST " + T2I: json_answer(envelope({"task_id": "t-1"})),
                     "GET " + QUERY: echo(401, 401, "token %s expired")},
    "failed task": {"POST " + T2I: json_answer(envelope({"task_id": "t-1"})), "GET " + QUERY: failed_task},
    "schema drift": {"POST " + T2I: json_answer(envelope({"task_id": "t-1"})), "GET " + QUERY: drifted},
}


def spellings(key):
    """Every form of the key that would count as a leak."""
    forms = {key.strip(), repr(key.strip())[1:-1], json.dumps(key.strip())[1:-1]}
    return {form for form in forms if form}


def leaks(key, res, root):
    found = [name for name, text in (("stdout", res.stdout), ("stderr", res.stderr))
             if any(form in text for form in spellings(key))]
    for path in root.rglob("*"):
        if path.is_file() and any(form.encode() in path.read_bytes() for form in spellings(key)):
            found.append(str(path.relative_to(root)))
    return found


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
@pytest.mark.parametrize("key_name", sorted(KEYS))
def test_an_echoed_key_never_reaches_any_output(scenario, key_name, artifacts, tmp_path):
    key = KEYS[key_name]
    with HostileProvider() as provider:
        for route, answer in SCENARIOS[scenario].items():
            provider.on(route, answer)
        env = base_env(artifacts)
        env.update(GIGGLE_API_KEY=key, GIGGLE_BASE_URL=provider.base_url)
        res = Cli(IMAGE_SCRIPT, env, tmp_path)("run", "--prompt", "a fox", "--timeout", "5")
    assert provider.requests[0].headers["x-auth"] == key.strip()   # it was sent, and echoed
    assert res.code in (1, 3, 4), res
    assert res.json is not None, res
    assert leaks(key, res, artifacts) == []
    if scenario == "schema drift":
        assert list(artifacts.rglob("raw/*")), "the drifted body is kept, masked"


BAD_KEYS = {
    "newline inside": "sk-abc\ndef-123456",
    "carriage return": "sk-abc\r\ndef-123456",
    "tab inside": "sk-abc\tdef-123456",
    "space inside": "sk-abc def-123456",
    "escape character": "sk-abc\x1b[2Jdef",
    "latin-1 letter": "sk-caf\u00e9-123456",
    "chinese": "sk-\u5bc6\u94a5-123456",
    "emoji": "sk-\U0001F511-123456",
}


@pytest.mark.parametrize("name", sorted(BAD_KEYS))
def test_a_key_that_cannot_go_in_a_header_is_refused_before_anything_happens(name, artifacts, tmp_path):
    key = BAD_KEYS[name]
    with HostileProvider() as provider:
        env = base_env(artifacts)
        env.update(GIGGLE_API_KEY=key, GIGGLE_BASE_URL=provider.base_url)
        cli = Cli(IMAGE_SCRIPT, env, tmp_path)
        results = [cli("run", "--prompt", "a fox", "--timeout", "5")]
        if name in ("newline inside", "chinese"):   # wait reads the key on the same path; two suffice
            results.append(cli("wait", "--task-id", "t-1", "--timeout", "5"))
    assert provider.requests == [], "nothing may be sent with a malformed key"
    for res in results:
        assert res.code == 3, res
        assert res.json["error"]["kind"] == "invalid_key"
        assert "GIGGLE_API_KEY" in res.stderr and "GIGGLE_API_KEY" in res.json["error"]["message"]
        for form in spellings(key) | {key[3:9], repr(key)}:
            assert form not in res.stdout and form not in res.stderr
    assert [p for p in artifacts.rglob("*") if p.is_file()] == [], "no run may be left behind"
