"""Issue 6.5: symlinks planted inside a run directory are never followed.

Someone who can write into the artifacts root plants a symlink where the runtime is
about to write (a download's .part file, the run's .lock, outputs/, raw/); the file
outside the root that it points to must stay untouched (or not be created).
"""

import os

import pytest

from conftest import IMAGE_SCRIPT, TEST_KEY, Cli, base_env
from hostile_provider import QUERY, T2I, HostileProvider, envelope, json_answer
from genmedia_skills.media.downloads import download
from genmedia_skills.http.http_client import HttpClient
from genmedia_skills.http.retry_policy import RetryPolicy
from genmedia_skills.simulator.media import png_bytes

PNG = png_bytes(8, 8, "planted")


@pytest.fixture
def provider():
    with HostileProvider() as server:
        media = server.base_url + "/media/image-1.png"
        server.on("POST " + T2I, json_answer(envelope({"task_id": "t-1"})))
        server.on("GET " + QUERY, json_answer(envelope({"status": "completed", "urls": [media]})))
        server.on("GET /media/image-1.png", (200, {"Content-Type": "image/png"}, PNG))
        yield server


@pytest.fixture
def outside(tmp_path):
    """A place outside the artifacts root the attacker wants written."""
    path = tmp_path / "outside"
    path.mkdir()
    (path / "victim.txt").write_text("precious")
    return path


@pytest.fixture
def cli(provider, artifacts, tmp_path):
    env = base_env(artifacts)
    env.update(GIGGLE_API_KEY=TEST_KEY, GIGGLE_BASE_URL=provider.base_url)
    return Cli(IMAGE_SCRIPT, env, tmp_path)


def submitted_run(cli, artifacts):
    res = cli("submit", "--prompt", "a fox")
    assert res.code == 0, res
    return artifacts / "giggle-generation-image" / res.json["run_id"]


def test_a_planted_part_file_is_not_followed(provider, tmp_path, outside):
    dest = tmp_path / "run" / "outputs"
    dest.mkdir(parents=True)
    # the name the download used to pick: <file>.<pid>.part
    os.symlink(str(outside / "victim.txt"), str(dest / ("image-1.png.%d.part" % os.getpid())))
    http = HttpClient(provider.base_url, {"x-auth": TEST_KEY}, (2.0, 2.0), policy=RetryPolicy(attempts=1))
    got = download(http, provider.base_url + "/media/image-1.png", dest, "image-1", kind="image",
                   max_bytes=1 << 20)
    assert (outside / "victim.txt").read_text() == "precious"
    assert open(got["path"], "rb").read() == PNG and not os.path.islink(got["path"])


def test_a_symlinked_outputs_dir_is_refused(cli, artifacts, outside):
    run = submitted_run(cli, artifacts)
    os.symlink(str(outside), str(run / "outputs"))
    res = cli("wait", "--task-id", "t-1", "--timeout", "5")
    assert sorted(p.name for p in outside.iterdir()) == ["victim.txt"]
    assert str(run / "outputs") in res.stderr and "symbolic link" in res.stderr
    assert "symbolic link" in res.json["outputs"][0]["download_error"]


def test_a_symlinked_raw_dir_is_refused(cli, provider, artifacts, outside):
    run = submitted_run(cli, artifacts)
    os.symlink(str(outside), str(run / "raw"))
    provider.on("GET " + QUERY, json_answer({"code": 200, "msg": "ok", "data": {"state": "drifted"}}))
    res = cli("status", "--task-id", "t-1")
    assert sorted(p.name for p in outside.iterdir()) == ["victim.txt"]
    assert res.code == 4, res
    assert str(run / "raw") in res.stderr and "symbolic link" in res.stderr


def test_a_dangling_lock_symlink_creates_nothing_outside(cli, artifacts, outside):
    run = submitted_run(cli, artifacts)
    lock = run / ".lock"
    if lock.exists():
        lock.unlink()
    os.symlink(str(outside / "created-by-lock"), str(lock))
    res = cli("status", "--task-id", "t-1")
    assert not (outside / "created-by-lock").exists()
    assert res.code == 4, res
    assert str(lock) in res.stderr and "symbolic link" in res.stderr
