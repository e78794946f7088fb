"""generation-batch: where items write is checked on resolved paths, and no two items (nor an
item and the manifest) can write one file, before anything is sent; a hostile manifest file
is refused quickly at small memory."""

import json
import os
import resource

import pytest

from conftest import sim_cli
from test_batch_run import BATCH, icons, write


@pytest.fixture
def batch(sim, artifacts, tmp_path):
    return sim_cli(BATCH, sim, artifacts, tmp_path)


def one(output, **item):
    return {"items": [dict({"id": "coin", "skill": "giggle-generation-image", "params": {"prompt": "a coin"},
                            "output": output}, **item)]}


def test_an_output_under_a_symlinked_folder_that_leads_outside_is_refused(batch, sim, tmp_path):
    project, outside = tmp_path / "project", tmp_path / "outside"
    project.mkdir()
    outside.mkdir()
    (outside / "coin.png").write_bytes(b"precious")
    os.symlink(str(outside), str(project / "assets"))
    res = batch("run", write(project, one("assets/coin.png", overwrite=True)))
    assert res.code == 2, res
    assert "items[0] 'coin': output: 'assets/coin.png' leaves the manifest's folder (through a symbolic link" \
        in res.stderr, res.stderr
    assert sim.requests == []
    assert (outside / "coin.png").read_bytes() == b"precious"


def test_a_symlinked_folder_that_stays_inside_is_used_as_its_resolved_path(batch, sim, tmp_path):
    project = tmp_path / "project"
    (project / "real").mkdir(parents=True)
    os.symlink("real", str(project / "link"))
    res = batch("run", write(project, one("link/coin.png")))
    assert res.code == 0, res
    [row] = res.json["items"]
    assert row["outputs"][0]["delivered"][0]["path"] == str(project / "real" / "coin.png")
    assert (project / "real" / "coin.png").read_bytes().startswith(b"\x89PNG")


def pair(first, second):
    manifest = icons(2)
    manifest["items"][0].update(first)
    manifest["items"][1].update(second)
    return manifest


@pytest.mark.parametrize("manifest, message", [
    (pair({"output": "assets/coin.png", "images": {"resize": ["@2x"]}}, {"output": "assets/coin@2x.png"}),
     "items[1] 'icon-1': output: assets/coin@2x.png is also a file that items[0] 'icon-0' may write too"),
    (pair({"output": "assets/coin@2x.png"}, {"output": "assets/coin.png", "images": {"resize": ["@2x"]}}),
     "items[1] 'icon-1': output: assets/coin.png may write assets/coin@2x.png, which items[0] 'icon-0' may write"),
    (pair({"output": "assets/coin.png", "images": {"format": "webp"}}, {"output": "assets/coin.webp"}),
     "items[1] 'icon-1': output: assets/coin.webp is also a file that items[0] 'icon-0' may write"),
    (pair({"output": "assets/coin.png"}, {"output": "assets/coin-2.png"}),
     "items[1] 'icon-1': output: assets/coin-2.png is also a file that items[0] 'icon-0' may write"),
    (pair({"output": "assets/coin.png", "images": {"resize": ["hero"], "format": "webp"}},
          {"output": "assets/coin-1-hero.webp"}),
     "items[1] 'icon-1': output: assets/coin-1-hero.webp is also a file that items[0] 'icon-0' may write"),
    (pair({"output": "assets/"}, {"output": "assets/image-1.png"}),
     "items[1] 'icon-1': output: assets/image-1.png is also a file that items[0] 'icon-0' may write"),
    (pair({"output": "assets/Coin.png"}, {"output": "assets/coin.png"}),
     "items[1] 'icon-1': output: assets/coin.png is also the output of items[0]"),
    (pair({"output": "assets/coin.png"}, {"output": "assets/coin.png/x.png"}),
     "output: assets/coin.png is a file that items[1] 'icon-1' needs as a folder"),
    (pair({"output": "assets.json"}, {}),
     "items[0] 'icon-0': output: assets.json would replace the manifest itself"),
    (pair({"output": "assets.png", "images": {"format": "webp"}}, {}), None),   # a control: no collision
])
def test_derived_output_names_that_collide_are_refused_before_sending(batch, sim, tmp_path, manifest, message):
    if message is None:
        manifest["items"][0]["output"] = "assets/coin.png"
        res = batch("validate", write(tmp_path, manifest))
        assert res.code == 0, res
        return
    res = batch("validate", write(tmp_path, manifest))
    assert res.code == 2, res
    assert message in res.stderr, res.stderr
    assert len(res.stderr.strip().splitlines()) == 1
    assert sim.requests == []
    res = batch("run", write(tmp_path, manifest))
    assert res.code == 2 and sim.requests == [], res
    assert (tmp_path / "assets.json").read_text().startswith("{")


def small_memory():
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))   # 1 GiB of address space


def laughs(depth=8):
    """A few hundred bytes of YAML whose prompt expands to 9**9 strings."""
    inner, prev = "&a [lol,lol,lol,lol,lol,lol,lol,lol,lol]", "a"
    for name in "bcdefgh"[:depth - 1]:
        inner = "&%s [%s%s]" % (name, inner, ",*%s" % prev * 8)
        prev = name
    return "items:\n- id: x\n  skill: giggle-generation-image\n  params:\n    prompt: [%s%s]\n" % (
        inner, ",*%s" % prev * 8)


def test_a_yaml_billion_laughs_is_refused_quickly_at_small_memory(batch, sim, tmp_path):
    path = tmp_path / "laughs.yaml"
    path.write_text(laughs())
    assert len(path.read_bytes()) < 400
    proc = batch.popen("run", path, preexec_fn=small_memory)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 2, err
    assert "laughs.yaml expands to more than 200000 values through YAML aliases" in err, err
    assert sim.requests == []


def test_yaml_anchors_of_a_normal_size_still_work(batch, sim, tmp_path):
    (tmp_path / "assets.yaml").write_text(
        "defaults:\n  skill: giggle-generation-image\n"
        "items:\n"
        "  - id: a\n    params: &common\n      prompt: a coin\n      aspect_ratio: '1:1'\n    output: out/a.png\n"
        "  - id: b\n    params:\n      <<: *common\n      prompt: a gem\n    output: out/b.png\n")
    res = batch("run", tmp_path / "assets.yaml")
    assert res.code == 0, res
    assert sorted(r.body["prompt"] for r in sim.requests if r.method == "POST") == ["a coin", "a gem"]


def test_a_manifest_nested_too_deeply_or_not_a_file_is_a_usage_error(batch, sim, tmp_path):
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 200000 + "]" * 200000)
    res = batch("run", deep)
    assert res.code == 2 and "deep.json is nested too deeply" in res.stderr, res
    fifo = tmp_path / "pipe.json"
    os.mkfifo(str(fifo))
    res = batch("run", fifo, timeout=30)   # opening a FIFO for reading blocks until a writer comes
    assert res.code == 2 and "pipe.json is not a regular file" in res.stderr, res
    big = tmp_path / "big.json"
    big.write_text('{"items": [], "pad": "%s"}' % ("x" * (5 << 20)))
    res = batch("run", big)
    assert res.code == 2 and "big.json is larger than 4 MiB" in res.stderr, res
    assert sim.requests == []


def test_a_folder_swapped_for_a_link_after_the_check_is_not_written_through(batch, sim, tmp_path):
    import time

    project, outside = tmp_path / "project", tmp_path / "outside"
    (project / "assets").mkdir(parents=True)
    outside.mkdir()
    sim.outcomes.add("succeed", duration=300)   # ~3 s: time to swap the folder while it runs
    proc = batch.popen("run", write(project, one("assets/coin.png")))
    deadline = time.time() + 30
    while not [r for r in sim.requests if r.method == "POST"] and time.time() < deadline:
        time.sleep(0.02)
    (project / "assets").rmdir()
    os.symlink(str(outside), str(project / "assets"))
    out, err = proc.communicate(timeout=60)
    assert list(outside.iterdir()) == [], err
    [row] = json.loads(out)["items"]
    assert "became a symbolic link after the output was checked" in row["outputs"][0]["delivery_error"], row
