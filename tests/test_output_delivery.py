"""--output: results copied into the user's project, post-processed, recorded in the run."""

import json

import pytest

from conftest import ROOT, sim_cli

MUSIC_SCRIPT = ROOT / "skills" / "giggle-generation-music" / "scripts" / "generate_music.py"


def posts(sim):
    return [r for r in sim.requests if r.method == "POST"]


def test_run_delivers_the_image_creating_folders(image_cli, sim, tmp_path):
    res = image_cli("run", "--prompt", "a fox", "--output", "site/img/fox.png")
    assert res.code == 0, res
    target = tmp_path / "site" / "img" / "fox.png"
    out = res.json["outputs"][0]
    assert target.read_bytes() == open(out["path"], "rb").read()
    assert out["delivered"] == [{"path": str(target)}]
    assert "delivered %s" % target in res.stderr
    assert res.json["delivery"]["output"] == str(target)
    stored = json.loads(open(res.json["artifacts"]["json"]).read())
    assert stored["outputs"][0]["delivered"] == [{"path": str(target)}]


def test_delivered_files_get_the_users_usual_mode_not_a_temp_files_0600(image_cli, tmp_path):
    import os
    import stat

    old = os.umask(0o022)   # inherited by the command: a common desktop/server umask
    try:
        res = image_cli("run", "--prompt", "a fox", "--output", "site/fox.png")
    finally:
        os.umask(old)
    assert res.code == 0, res
    assert stat.S_IMODE((tmp_path / "site" / "fox.png").stat().st_mode) == 0o644


def test_several_outputs_get_numbered_names(image_cli, tmp_path):
    res = image_cli("run", "--prompt", "a fox", "--generate-count", "3", "--output", "out/fox.png")
    assert res.code == 0, res
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["fox-1.png", "fox-2.png", "fox-3.png"]
    assert [o["delivered"][0]["path"] for o in res.json["outputs"]] == [
        str(tmp_path / "out" / ("fox-%d.png" % n)) for n in (1, 2, 3)]


def test_a_folder_keeps_the_downloaded_names(sim, artifacts, tmp_path):
    music = sim_cli(MUSIC_SCRIPT, sim, artifacts, tmp_path)
    res = music("run", "--prompt", "a happy jingle", "--output", "sounds/")
    assert res.code == 0, res
    delivered = sorted(p.name for p in (tmp_path / "sounds").iterdir())
    assert delivered and all(name.endswith(".mp3") for name in delivered)
    assert len(delivered) == len(res.json["outputs"])


def test_an_existing_file_is_refused_before_anything_is_sent(image_cli, sim, tmp_path):
    (tmp_path / "fox.png").write_bytes(b"mine")
    res = image_cli("run", "--prompt", "a fox", "--output", "fox.png")
    assert res.code == 2, res
    assert "fox.png already exists" in res.stderr and "--overwrite" in res.stderr
    assert posts(sim) == []
    assert (tmp_path / "fox.png").read_bytes() == b"mine"
    res = image_cli("run", "--prompt", "a fox", "--output", "fox.png", "--overwrite")
    assert res.code == 0, res
    assert (tmp_path / "fox.png").read_bytes().startswith(b"\x89PNG")


def test_wait_and_status_deliver_an_earlier_task(image_cli, sim, tmp_path):
    sub = image_cli("submit", "--prompt", "a fox")
    assert sub.code == 0, sub
    (tmp_path / "fox.png").write_bytes(b"mine")
    res = image_cli("wait", "--task-id", sub.json["task_id"], "--output", "fox.png", "--overwrite")
    assert res.code == 0 and (tmp_path / "fox.png").read_bytes() != b"mine", res
    res = image_cli("status", "--task-id", sub.json["task_id"], "--output", "late.png")
    assert res.code == 0 and (tmp_path / "late.png").exists(), res


def test_a_file_that_appears_meanwhile_is_not_overwritten(image_cli, sim, tmp_path):
    sim.outcomes.add("succeed", duration=300)
    res = image_cli("run", "--prompt", "a fox", "--output", "fox.png", "--timeout", "0.3")
    assert res.code == 5, res
    (tmp_path / "fox.png").write_bytes(b"mine")
    res = image_cli("wait", "--task-id", res.json["task_id"])
    assert res.code == 0, res   # the task succeeded; the run still has the file and the link
    assert (tmp_path / "fox.png").read_bytes() == b"mine"
    assert "already exists" in res.json["outputs"][0]["delivery_error"]
    assert "not delivered" in res.stderr


def test_output_stored_at_run_is_applied_by_a_later_wait(image_cli, sim, tmp_path):
    sim.outcomes.add("succeed", duration=300)   # 3 s at the test time scale
    res = image_cli("run", "--prompt", "a fox", "--output", "later/fox.png", "--timeout", "0.3")
    assert res.code == 5, res
    assert not (tmp_path / "later" / "fox.png").exists()
    res = image_cli("wait", "--task-id", res.json["task_id"])
    assert res.code == 0, res
    assert (tmp_path / "later" / "fox.png").exists()


def test_resize_and_webp_with_the_images_extra(image_cli, tmp_path):
    from PIL import Image

    res = image_cli("run", "--prompt", "an icon", "--aspect-ratio", "1:1", "--output", "icons/coin.png",
                    "--resize", "@1x,@2x,@3x,hero,big=200", "--format", "webp")
    assert res.code == 0, res
    folder = tmp_path / "icons"
    sizes = {"coin.webp": None, "coin@1x.webp": 24, "coin@2x.webp": 48, "coin@3x.webp": 72,
             "coin-hero.webp": 160, "coin-big.webp": 200}
    assert sorted(p.name for p in folder.iterdir()) == sorted(sizes)
    for name, size in sizes.items():
        with Image.open(str(folder / name)) as image:
            assert image.format == "WEBP"
            if size:
                assert max(image.size) == size, (name, image.size)
    recorded = {d["path"]: d.get("size") for d in res.json["outputs"][0]["delivered"]}
    assert recorded == {str(folder / n): s for n, s in sizes.items()}


def test_icon_scales_take_the_base_size_the_user_names(image_cli, tmp_path):
    from PIL import Image

    res = image_cli("run", "--prompt", "an icon", "--aspect-ratio", "1:1", "--output", "app/icon.png",
                    "--resize", "@1x=32,@2x,@3x")
    assert res.code == 0, res
    for name, size in (("icon@1x.png", 32), ("icon@2x.png", 64), ("icon@3x.png", 96)):
        with Image.open(str(tmp_path / "app" / name)) as image:
            assert max(image.size) == size, (name, image.size)
    bad = image_cli("run", "--prompt", "x", "--output", "a.png", "--resize", "@1x=25,@1.5x")
    assert bad.code == 2 and "--resize: @1.5x of a 25 px @1x is 37.5 px" in bad.stderr


def test_target_extension_converts(image_cli, tmp_path):
    from PIL import Image

    res = image_cli("run", "--prompt", "a fox", "--output", "fox.jpg")
    assert res.code == 0, res
    with Image.open(str(tmp_path / "fox.jpg")) as image:
        assert image.format == "JPEG"


@pytest.mark.parametrize("args, message", [
    (["--resize", "@4y"], "--resize: '@4y' is not a size"),
    (["--resize", "@1x=25,@1.5x"], "--resize: @1.5x of a 25 px @1x is 37.5 px, not whole pixels"),
    (["--resize", "0"], "--resize: size 0"),
    (["--format", "gif"], "--format: 'gif' is not a supported format; allowed: webp, png, jpeg"),
])
def test_bad_post_processing_options(image_cli, sim, args, message):
    res = image_cli("run", "--prompt", "a fox", "--output", "fox.png", *args)
    assert res.code == 2 and message in res.stderr, res
    assert posts(sim) == []


def test_post_processing_needs_output(image_cli, sim):
    res = image_cli("run", "--prompt", "a fox", "--resize", "24")
    assert res.code == 2 and "--resize: needs --output" in res.stderr, res
    assert posts(sim) == []


def test_missing_pillow_is_one_line_naming_the_extra(image_cli, sim, tmp_path):
    shim = tmp_path / "no-pillow" / "PIL"
    shim.mkdir(parents=True)
    (shim / "__init__.py").write_text("raise ImportError('No module named PIL (blocked by the test)')\n")
    res = image_cli("run", "--prompt", "a fox", "--output", "fox.png", "--format", "webp",
                    env={"PYTHONPATH": str(shim.parent)})
    assert res.code == 2, res
    line = res.stderr.strip().splitlines()[-1]
    assert "--format: image post-processing needs Pillow" in line
    assert "'<path of the clone>[images]'" in line and "pipx inject genmedia-skills Pillow" in line   # each route
    assert posts(sim) == []
    res = image_cli("run", "--prompt", "a fox", "--output", "plain.png", env={"PYTHONPATH": str(shim.parent)})
    assert res.code == 0, res   # a plain copy never needs Pillow


def test_a_simulate_resume_keeps_files_and_deliveries(offline_cli, tmp_path):
    """A later --simulate process serves the same task on another port: the outputs are
    the same files (not fetched again) and their delivery record stays."""
    res = offline_cli("run", "--simulate", "--prompt", "a fox", "--output", "fox.png")
    assert res.code == 0, res
    again = offline_cli("status", "--simulate", "--task-id", res.json["task_id"])
    assert again.code == 0, again
    assert "saved " not in again.stderr and "not delivered" not in again.stderr, again.stderr
    assert again.json["outputs"][0]["path"] == res.json["outputs"][0]["path"]
    assert again.json["outputs"][0]["delivered"] == [{"path": str(tmp_path / "fox.png")}]
