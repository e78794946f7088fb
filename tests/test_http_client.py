"""genmedia_skills.http.http_client.HttpClient over real loopback HTTP against the simulator.

Nothing in `requests` is mocked: faults are injected by the simulator itself and the
client's sleep is replaced by a recorder so backoff costs no wall-clock time.
"""

import socket
import time

import pytest
import requests

from conftest import TEST_KEY
from genmedia_skills import USER_AGENT, __version__
from genmedia_skills.core.errors import (
    BadResponse,
    ProviderError,
    SubmitOutcomeUnknown,
    TransportError,
)
from genmedia_skills.http.http_client import HttpClient, never_reached_server
from genmedia_skills.http.retry_policy import RetryPolicy
from genmedia_skills.simulator import Simulator

T2I = "/api/v1/generation/text-to-image"
QUERY = "/api/v1/generation/task/query"
BODY = {"prompt": "a red fox in snow", "generate_count": 1, "model": "seedream45",
        "aspect_ratio": "1:1", "resolution": "1K"}
QUERY_ROUTE = "giggle.query"
SUBMIT_ROUTE = "giggle.text-to-image"


class Recorder(list):
    """A sleep() that records instead of sleeping."""

    def __call__(self, seconds):
        self.append(seconds)


def make_client(base_url, *, attempts=3, timeouts=(2.0, 2.0), ceiling=60.0, sleep=None, on_retry=None):
    sleep = Recorder() if sleep is None else sleep
    client = HttpClient(base_url, {"x-auth": TEST_KEY}, timeouts,
                        policy=RetryPolicy(attempts=attempts, base=0.01, cap=0.05,
                                           retry_after_ceiling=ceiling),
                        on_retry=on_retry, sleep=sleep)
    return client, sleep


def closed_port():
    """A loopback port nobody listens on (bound, then released)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


def new_task(sim):
    resp = requests.post(sim.base_url + T2I, json=BODY, headers={"x-auth": TEST_KEY}, timeout=5)
    assert resp.status_code == 200, resp.text
    return resp.json()["data"]["task_id"]


def query_records(sim):
    return [r for r in sim.requests if r.route == QUERY_ROUTE]


# --------------------------------------------------------------------------- get_json


def test_get_json_plain_success(sim):
    task_id = new_task(sim)
    client, sleeps = make_client(sim.base_url)
    resp = client.get_json(QUERY, params={"task_id": task_id})
    assert resp.status == 200
    assert resp.data["data"]["task_id"] == task_id
    assert resp.data["data"]["status"] in ("pending", "processing", "completed")
    assert sleeps == []
    assert sim.count(QUERY_ROUTE) == 1


@pytest.mark.parametrize("kind,params", [
    ("http_500", {}),
    ("html_502", {}),
    ("http_429", {"retry_after": 0}),
    ("drop", {}),
    ("malformed_json", {}),
])
def test_get_json_survives_transient_faults(sim, kind, params):
    task_id = new_task(sim)
    sim.faults.add(QUERY_ROUTE, kind, times=2, **params)
    messages = []
    client, sleeps = make_client(sim.base_url, attempts=3, on_retry=messages.append)
    resp = client.get_json(QUERY, params={"task_id": task_id})
    assert resp.status == 200
    assert resp.data["data"]["task_id"] == task_id
    records = query_records(sim)
    assert [r.fault for r in records] == [kind, kind, None]
    assert len(sleeps) == 2 and len(messages) == 2
    assert all(s >= 0 for s in sleeps)
    assert all("retrying" in m for m in messages)
    assert all(TEST_KEY not in m for m in messages)


def test_get_json_survives_a_hang_by_its_read_timeout(sim):
    task_id = new_task(sim)
    sim.faults.add(QUERY_ROUTE, "hang", times=1, seconds=5)
    client, sleeps = make_client(sim.base_url, timeouts=(2.0, 0.3))
    started = time.monotonic()
    resp = client.get_json(QUERY, params={"task_id": task_id})
    assert time.monotonic() - started < 2.0
    assert resp.data["data"]["task_id"] == task_id
    assert len(sleeps) == 1
    assert sim.count(QUERY_ROUTE) == 2


def test_get_json_honours_retry_after_exactly(sim):
    task_id = new_task(sim)
    sim.faults.add(QUERY_ROUTE, "http_429", times=1, retry_after=7)
    client, sleeps = make_client(sim.base_url)
    resp = client.get_json(QUERY, params={"task_id": task_id})
    assert resp.data["data"]["task_id"] == task_id
    assert sleeps == [7.0]
    first = query_records(sim)[0]
    assert first.status == 429 and first.fault == "http_429"


def test_get_json_fractional_retry_after(sim):
    task_id = new_task(sim)
    sim.faults.add(QUERY_ROUTE, "http_429", times=2, retry_after=1.5)
    client, sleeps = make_client(sim.base_url)
    client.get_json(QUERY, params={"task_id": task_id})
    assert sleeps == [1.5, 1.5]


def test_get_json_retry_after_over_the_ceiling_gives_up_at_once(sim):
    task_id = new_task(sim)
    sim.faults.add(QUERY_ROUTE, "http_429", times=1, retry_after=3600)
    client, sleeps = make_client(sim.base_url, attempts=5, ceiling=60)
    with pytest.raises(TransportError) as info:
        client.get_json(QUERY, params={"task_id": task_id})
    assert "429" in info.value.message
    assert sleeps == []
    assert sim.count(QUERY_ROUTE) == 1


@pytest.mark.parametrize("kind", ["http_500", "html_502", "drop"])
def test_get_json_gives_up_after_the_attempt_budget(sim, kind):
    task_id = new_task(sim)
    sim.faults.add(QUERY_ROUTE, kind, times=10)
    client, sleeps = make_client(sim.base_url, attempts=3)
    with pytest.raises(TransportError) as info:
        client.get_json(QUERY, params={"task_id": task_id})
    err = info.value
    assert isinstance(err, ProviderError) and err.exit_code == 4
    assert "after 3 attempt(s)" in err.message
    assert sim.count(QUERY_ROUTE) == 3
    assert len(sleeps) == 2
    if kind != "drop":
        assert "HTTP 50" in err.message


def test_get_json_non_json_2xx_after_budget_is_bad_response_with_raw_body(sim):
    task_id = new_task(sim)
    sim.faults.add(QUERY_ROUTE, "malformed_json", times=10)
    client, sleeps = make_client(sim.base_url, attempts=3)
    with pytest.raises(BadResponse) as info:
        client.get_json(QUERY, params={"task_id": task_id})
    err = info.value
    assert err.exit_code == 4
    assert sim.count(QUERY_ROUTE) == 3
    assert err.raw_body, "the raw body is kept for the run's artifacts"
    assert err.raw_body.startswith("{")
    assert task_id[:8] in err.raw_body or '"code"' in err.raw_body
    with pytest.raises(ValueError):
        import json
        json.loads(err.raw_body)


def test_get_json_does_not_retry_a_json_4xx(sim):
    client, sleeps = make_client(sim.base_url)
    resp = client.get_json(QUERY, params={"task_id": "no-such-task"})
    assert resp.status == 404
    assert resp.data["code"] == 404
    assert sim.count(QUERY_ROUTE) == 1
    assert sleeps == []


def test_get_json_does_not_retry_a_401(sim):
    sim.faults.add(QUERY_ROUTE, "http_401", times=1)
    client, sleeps = make_client(sim.base_url)
    resp = client.get_json(QUERY, params={"task_id": "x"})
    assert resp.status == 401
    assert sim.count(QUERY_ROUTE) == 1


def test_get_json_missing_field_is_returned_for_schema_validation(sim):
    task_id = new_task(sim)
    sim.faults.add(QUERY_ROUTE, "missing_field", times=1)
    client, _ = make_client(sim.base_url)
    resp = client.get_json(QUERY, params={"task_id": task_id})
    assert resp.status == 200
    assert "status" not in resp.data["data"]


def test_get_json_read_timeout_is_applied(sim):
    task_id = new_task(sim)
    sim.faults.add(QUERY_ROUTE, "hang", times=5, seconds=10)
    client, sleeps = make_client(sim.base_url, attempts=3, timeouts=(2.0, 0.3))
    started = time.monotonic()
    with pytest.raises(TransportError) as info:
        client.get_json(QUERY, params={"task_id": task_id})
    elapsed = time.monotonic() - started
    assert elapsed < 3.0, "three 0.3 s read timeouts must not take %.1fs" % elapsed
    assert "Timeout" in info.value.message
    assert sim.count(QUERY_ROUTE) == 3


def test_user_agent_and_auth_headers(sim):
    task_id = new_task(sim)
    client, _ = make_client(sim.base_url)
    client.get_json(QUERY, params={"task_id": task_id})
    client.submit_json(T2I, BODY)
    assert USER_AGENT == "genmedia-skills/" + __version__
    ours = [r for r in sim.requests if r.route in (QUERY_ROUTE, SUBMIT_ROUTE)][1:]
    assert len(ours) == 2
    for record in ours:
        assert record.headers["user-agent"] == "genmedia-skills/%s" % __version__
        assert record.headers["x-auth"] == TEST_KEY


def test_absolute_urls_are_used_as_given(sim):
    task_id = new_task(sim)
    client, _ = make_client("http://127.0.0.1:9/ignored/")
    resp = client.get_json(sim.base_url + QUERY, params={"task_id": task_id})
    assert resp.data["data"]["task_id"] == task_id
    assert client.url("/x") == "http://127.0.0.1:9/ignored/x"


def test_get_json_connection_refused_gives_transport_error():
    client, sleeps = make_client("http://127.0.0.1:%d" % closed_port(), attempts=3)
    with pytest.raises(TransportError) as info:
        client.get_json(QUERY, params={"task_id": "x"})
    assert "after 3 attempt(s)" in info.value.message
    assert len(sleeps) == 2


# --------------------------------------------------------------------------- submit_json


def test_submit_json_success_creates_one_task(sim):
    client, sleeps = make_client(sim.base_url)
    resp = client.submit_json(T2I, BODY)
    assert resp.status == 200
    task_id = resp.data["data"]["task_id"]
    assert [t["task_id"] for t in sim.tasks()] == [task_id]
    assert sim.count(SUBMIT_ROUTE) == 1
    assert sim.requests[-1].body == BODY
    assert sleeps == []


@pytest.mark.parametrize("kind,params,created", [
    ("http_500", {}, 0),          # the gateway answered 5xx: we cannot know, so never resend
    ("html_502", {}, 0),
    ("drop", {}, 1),              # created, answer lost
    ("malformed_json", {}, 1),    # created, answer unreadable
    ("hang", {"seconds": 5}, 1),  # created, answer never came (read timeout)
])
def test_submit_json_is_sent_exactly_once_when_the_outcome_is_unknown(sim, kind, params, created):
    sim.faults.add(SUBMIT_ROUTE, kind, times=5, **params)
    messages = []
    client, sleeps = make_client(sim.base_url, attempts=5, timeouts=(2.0, 0.3),
                                 on_retry=messages.append)
    started = time.monotonic()
    with pytest.raises(SubmitOutcomeUnknown) as info:
        client.submit_json(T2I, BODY)
    assert time.monotonic() - started < 2.0
    err = info.value
    assert err.exit_code == 4 and err.kind == "submit_outcome_unknown"
    assert "may exist" in err.message
    assert TEST_KEY not in err.message
    assert sim.count(SUBMIT_ROUTE) == 1, "a submit with an unknown outcome must never be resent"
    assert len(sim.tasks()) == created
    assert sleeps == [] and messages == []


def test_submit_json_unknown_outcome_carries_the_http_status(sim):
    sim.faults.add(SUBMIT_ROUTE, "http_500", times=1)
    client, _ = make_client(sim.base_url)
    with pytest.raises(SubmitOutcomeUnknown) as info:
        client.submit_json(T2I, BODY)
    assert info.value.http_status == 500
    assert info.value.to_dict()["http_status"] == 500


def test_submit_json_retried_on_429_then_succeeds_once(sim):
    sim.faults.add(SUBMIT_ROUTE, "http_429", times=2, retry_after=3)
    messages = []
    client, sleeps = make_client(sim.base_url, attempts=5, on_retry=messages.append)
    resp = client.submit_json(T2I, BODY)
    assert resp.status == 200
    task_id = resp.data["data"]["task_id"]
    assert [t["task_id"] for t in sim.tasks()] == [task_id], "exactly one task created"
    assert [r.status for r in sim.requests if r.route == SUBMIT_ROUTE] == [429, 429, 200]
    assert sleeps == [3.0, 3.0], "Retry-After is honoured on a rejected submit"
    assert all("rejected" in m and "429" in m for m in messages)


def test_submit_json_429_without_budget_left_is_transport_error(sim):
    sim.faults.add(SUBMIT_ROUTE, "http_429", times=10, retry_after=0)
    client, sleeps = make_client(sim.base_url, attempts=3)
    with pytest.raises(TransportError) as info:
        client.submit_json(T2I, BODY)
    assert not isinstance(info.value, SubmitOutcomeUnknown)
    assert info.value.http_status == 429
    assert sim.count(SUBMIT_ROUTE) == 3
    assert sim.tasks() == []


def test_submit_json_that_must_never_go_twice_is_not_resent_after_429(sim):
    # a pay: a 429 may come from a proxy after the provider took the money
    sim.faults.add(SUBMIT_ROUTE, "http_429", times=1, retry_after=0)
    client, sleeps = make_client(sim.base_url, attempts=5)
    with pytest.raises(SubmitOutcomeUnknown) as info:
        client.submit_json(T2I, BODY, resend_rejected=False)
    assert info.value.http_status == 429 and "not resent" in info.value.message
    assert sim.count(SUBMIT_ROUTE) == 1 and sleeps == []


def test_submit_json_429_with_retry_after_over_ceiling_is_not_waited_for(sim):
    sim.faults.add(SUBMIT_ROUTE, "http_429", times=1, retry_after=3600)
    client, sleeps = make_client(sim.base_url, attempts=5, ceiling=60)
    with pytest.raises(TransportError):
        client.submit_json(T2I, BODY)
    assert sleeps == []
    assert sim.count(SUBMIT_ROUTE) == 1


def test_submit_json_returns_a_validation_400_without_resending(sim):
    client, sleeps = make_client(sim.base_url)
    resp = client.submit_json(T2I, {"prompt": "x", "model": "no-such-model"})
    assert resp.status == 400
    assert "model" in resp.data["msg"]
    assert sim.count(SUBMIT_ROUTE) == 1
    assert sleeps == []


def test_submit_json_connection_refused_is_retried_then_transport_error():
    messages = []
    client, sleeps = make_client("http://127.0.0.1:%d" % closed_port(), attempts=3,
                                 on_retry=messages.append)
    with pytest.raises(TransportError) as info:
        client.submit_json(T2I, BODY)
    assert not isinstance(info.value, SubmitOutcomeUnknown)
    assert "could not connect" in info.value.message
    assert len(sleeps) == 2, "connection refused proves nothing was sent: resend within the budget"
    assert all("never reached the server" in m for m in messages)


def test_submit_json_connection_refused_then_server_appears(tmp_path):
    """Refused first, then the server comes up during the backoff: exactly one task."""
    port = closed_port()
    holder = {}

    def start_server(seconds):
        if "sim" not in holder:
            holder["sim"] = Simulator(state_dir=tmp_path / "s", time_scale=0.01,
                                      accept_keys={"giggle": [TEST_KEY]}, faults="",
                                      port=port).start()

    client, _ = make_client("http://127.0.0.1:%d" % port, attempts=3, sleep=start_server)
    try:
        resp = client.submit_json(T2I, BODY)
        sim = holder["sim"]
        assert resp.status == 200
        assert sim.count(SUBMIT_ROUTE) == 1
        assert [t["task_id"] for t in sim.tasks()] == [resp.data["data"]["task_id"]]
    finally:
        if "sim" in holder:
            holder["sim"].stop()


def _full_backlog_server():
    """A listener whose accept queue is full: new connects time out (SYNs dropped)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(0)
    port = server.getsockname()[1]
    fillers = []
    for _ in range(4):
        conn = socket.socket()
        conn.settimeout(0.2)
        try:
            conn.connect(("127.0.0.1", port))
        except OSError:
            conn.close()
            break
        fillers.append(conn)
    return server, fillers, port


def test_submit_json_connect_timeout_is_retried_and_never_unknown():
    server, fillers, port = _full_backlog_server()
    try:
        client, sleeps = make_client("http://127.0.0.1:%d" % port, attempts=2, timeouts=(0.2, 0.2))
        with pytest.raises(TransportError) as info:
            client.submit_json(T2I, BODY)
        assert not isinstance(info.value, SubmitOutcomeUnknown)
        assert len(sleeps) == 1
    finally:
        for conn in fillers:
            conn.close()
        server.close()


# --------------------------------------------------------------------------- classification


def _exception_of(call):
    try:
        call()
    except requests.exceptions.RequestException as exc:
        return exc
    raise AssertionError("expected a requests exception")


def test_never_reached_server_connection_refused():
    url = "http://127.0.0.1:%d/" % closed_port()
    exc = _exception_of(lambda: requests.post(url, json={}, timeout=2))
    assert isinstance(exc, requests.exceptions.ConnectionError)
    assert never_reached_server(exc) is True


def test_never_reached_server_connect_timeout():
    server, fillers, port = _full_backlog_server()
    try:
        exc = _exception_of(lambda: requests.post("http://127.0.0.1:%d/" % port, json={},
                                                  timeout=(0.2, 0.2)))
    finally:
        for conn in fillers:
            conn.close()
        server.close()
    assert isinstance(exc, requests.exceptions.ConnectTimeout)
    assert never_reached_server(exc) is True
    assert never_reached_server(requests.exceptions.ConnectTimeout("synthetic")) is True


def test_never_reached_server_false_after_sending(sim):
    sim.faults.add(SUBMIT_ROUTE, "drop", times=1)
    dropped = _exception_of(lambda: requests.post(sim.base_url + T2I, json=BODY,
                                                  headers={"x-auth": TEST_KEY}, timeout=2))
    assert isinstance(dropped, requests.exceptions.ConnectionError)
    assert never_reached_server(dropped) is False

    sim.faults.add(SUBMIT_ROUTE, "hang", times=1, seconds=5)
    timed_out = _exception_of(lambda: requests.post(sim.base_url + T2I, json=BODY,
                                                    headers={"x-auth": TEST_KEY}, timeout=(2, 0.2)))
    assert isinstance(timed_out, requests.exceptions.ReadTimeout)
    assert never_reached_server(timed_out) is False


def test_never_reached_server_false_for_bare_exceptions():
    assert never_reached_server(requests.exceptions.ConnectionError()) is False
    assert never_reached_server(requests.exceptions.ConnectionError("reset by peer")) is False
    assert never_reached_server(requests.exceptions.ChunkedEncodingError("x")) is False
    assert never_reached_server(ValueError("x")) is False
