"""Issue 6.1: the key never follows a redirect to another origin; a submit is never re-sent.

A hostile provider on loopback answers with redirects; a second server (another port,
so another origin) records whatever reaches it. The giggle key travels in `x-auth`,
which `requests` would carry to any host on a redirect.
"""

import pytest

from conftest import IMAGE_SCRIPT, TEST_KEY, Cli, base_env
from hostile_provider import QUERY, T2I, HostileProvider, envelope, json_answer
from genmedia_skills.simulator.media import png_bytes

SUBMITTED = json_answer(envelope({"task_id": "t-1"}))


@pytest.fixture
def provider():
    with HostileProvider() as server:
        yield server


@pytest.fixture
def elsewhere():
    with HostileProvider() as server:
        server.on("GET /steal", json_answer(envelope({"status": "completed", "urls": []})))
        server.on("POST /steal", SUBMITTED)
        yield server


@pytest.fixture
def cli(provider, artifacts, tmp_path):
    env = base_env(artifacts)
    env.update(GIGGLE_API_KEY=TEST_KEY, GIGGLE_BASE_URL=provider.base_url)
    return Cli(IMAGE_SCRIPT, env, tmp_path)


def redirect(status, location):
    return status, {"Location": location, "Content-Length": "0"}, b""


def test_a_query_redirected_to_another_origin_is_not_followed(cli, provider, elsewhere):
    provider.on("POST " + T2I, SUBMITTED)
    provider.on("GET " + QUERY, redirect(302, elsewhere.base_url + "/steal"))
    res = cli("run", "--prompt", "a fox", "--timeout", "5", "--no-download")
    assert elsewhere.requests == [], "the key travelled to another origin"
    assert res.code == 4, res
    assert res.json["task_id"] == "t-1" and res.json["error"]["kind"] == "redirect"
    assert "another origin" in res.json["error"]["message"]
    assert len(provider.seen("GET " + QUERY)) >= 1


def test_a_query_redirected_within_the_provider_is_followed(cli, provider):
    media = provider.base_url + "/media/image-1.png"
    provider.on("POST " + T2I, SUBMITTED)
    provider.on("GET " + QUERY, redirect(302, "/api/v2/query?task_id=t-1"))
    provider.on("GET /api/v2/query", json_answer(envelope({"status": "completed", "urls": [media]})))
    provider.on("GET /media/image-1.png", (200, {"Content-Type": "image/png"}, png_bytes(4, 4, "x")))
    res = cli("run", "--prompt", "a fox", "--timeout", "10")
    assert res.code == 0, res
    assert res.json["outputs"][0]["bytes"] > 0
    followed = provider.seen("GET /api/v2/query")
    assert followed and followed[0].headers.get("x-auth") == TEST_KEY
    assert "x-auth" not in provider.seen("GET /media/image-1.png")[0].headers   # downloads carry no key


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_a_submit_redirected_elsewhere_is_never_resent(cli, provider, elsewhere, status):
    provider.on("POST " + T2I, redirect(status, elsewhere.base_url + "/steal"))
    res = cli("run", "--prompt", "a paid picture", "--timeout", "5")
    assert elsewhere.requests == [], "the key (and the paid body) travelled to another origin"
    assert len(provider.seen("POST " + T2I)) == 1
    assert res.code == 4, res
    assert res.json["status"] == "unknown" and res.json["task_id"] is None
    assert res.json["error"]["kind"] == "submit_outcome_unknown"
    assert "redirect" in res.json["error"]["message"]


def test_a_submit_redirected_within_the_provider_is_not_resent_either(cli, provider):
    provider.on("POST " + T2I, redirect(307, "/api/v1/generation/text-to-image-v2"))
    provider.on("POST /api/v1/generation/text-to-image-v2", SUBMITTED)
    res = cli("run", "--prompt", "a paid picture", "--timeout", "5")
    assert [r.path for r in provider.requests] == [T2I]
    assert res.code == 4 and res.json["status"] == "unknown", res


def test_a_download_redirect_is_followed_without_the_key(cli, provider, elsewhere):
    provider.on("POST " + T2I, SUBMITTED)
    provider.on("GET " + QUERY, json_answer(envelope({"status": "completed",
                                                      "urls": [elsewhere.base_url + "/cdn/a.png"]})))
    elsewhere.on("GET /cdn/a.png", redirect(302, "/cdn/real.png"))
    elsewhere.on("GET /cdn/real.png", (200, {"Content-Type": "image/png"}, png_bytes(4, 4, "y")))
    res = cli("run", "--prompt", "a fox", "--timeout", "10")
    assert res.code == 0, res
    assert [r.path for r in elsewhere.requests] == ["/cdn/a.png", "/cdn/real.png"]
    assert not [r for r in elsewhere.requests if "x-auth" in {k.lower() for k in r.headers}]
