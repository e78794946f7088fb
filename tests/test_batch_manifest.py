"""generation-batch: the whole manifest is checked before anything is sent."""

import pytest

from conftest import sim_cli
from test_batch_run import BATCH, icons, write
from test_image_e2e import png_bytes


@pytest.fixture
def batch(sim, artifacts, tmp_path):
    return sim_cli(BATCH, sim, artifacts, tmp_path)


def with_item(**fields):
    manifest = icons(3)
    manifest["items"][2] = dict(manifest["items"][2], **fields)
    return manifest


@pytest.mark.parametrize("manifest, message", [
    (with_item(params={"prompt": "x", "aspect_ratio": "5:1"}),
     "items[2] 'icon-2': params.aspect_ratio: '5:1' is not offered by seedream45"),
    (with_item(params={"prompt": "x", "colour": "red"}),
     "items[2] 'icon-2': params.colour: not an option of giggle-generation-image; allowed: aspect_ratio,"),
    (with_item(params={"prompt": "x", "generate_count": "two"}),
     "items[2] 'icon-2': params.generate_count: 'two' must be a whole number"),
    (with_item(params={"prompt": "x", "generate-count": 9}),
     "items[2] 'icon-2': params.generate_count: 9 is out of range; allowed 1 to 4"),
    (with_item(params={}), "items[2] 'icon-2': params.prompt: missing"),
    (with_item(skill="giggle-generation-painting"),
     "items[2] 'icon-2': skill: 'giggle-generation-painting' is not a skill of this bundle; allowed:"),
    (with_item(skill="generation-tasks"), "items[2] 'icon-2': skill: 'generation-tasks' submits no tasks"),
    (with_item(id="icon-0"), "items[2] 'icon-0': id: used twice (also items[0])"),
    (with_item(output="assets/icon-0.png"), "items[2] 'icon-2': output: assets/icon-0.png is also the output of items[0]"),
    (with_item(output="../../outside.png"), "items[2] 'icon-2': output: '../../outside.png' leaves the manifest's folder"),
    (with_item(output="/tmp/abs.png"), "items[2] 'icon-2': output: '/tmp/abs.png' leaves the manifest's folder"),
    (with_item(images={"resize": ["@9y"]}), "items[2] 'icon-2': images.resize: '@9y' is not a size"),
    (with_item(images={"format": "gif"}), "$.items[2].images.format"),
    (with_item(colour="red"), "$.items[2]: Additional properties are not allowed ('colour' was unexpected)"),
    ({"items": []}, "$.items: [] should be non-empty"),
])
def test_a_bad_item_is_named_and_nothing_is_sent(batch, sim, tmp_path, manifest, message):
    res = batch("run", write(tmp_path, manifest))
    assert res.code == 2, res
    assert message in res.stderr, res.stderr
    assert len(res.stderr.strip().splitlines()) == 1
    assert sim.requests == []


def test_the_check_is_the_skills_own(batch, image_cli, tmp_path):
    """The same bad value gives the same allowed values through the skill and the batch (a value
    a catalog model checks locally; an unlisted model is the provider's to judge, in both)."""
    own = image_cli("run", "--prompt", "x", "--aspect-ratio", "5:1")
    res = batch("run", write(tmp_path, with_item(params={"prompt": "x", "aspect_ratio": "5:1"})))
    assert own.code == res.code == 2
    assert own.json["error"]["message"].split(": ", 1)[1] in res.json["error"]["message"]


def test_unreadable_or_malformed_manifests(batch, sim, tmp_path):
    res = batch("run", tmp_path / "missing.json")
    assert res.code == 2 and "MANIFEST: cannot read" in res.stderr
    (tmp_path / "bad.json").write_text("{not json")
    res = batch("run", tmp_path / "bad.json")
    assert res.code == 2 and "bad.json is not valid JSON" in res.stderr
    assert sim.requests == []


def test_yaml_manifest(batch, sim, tmp_path):
    (tmp_path / "assets.yaml").write_text(
        "version: 1\n"
        "defaults:\n  skill: giggle-generation-image\n"
        "items:\n"
        "  - id: coin\n    params:\n      prompt:\n        - A gold coin,\n        - flat style\n"
        "    output: out/coin.png\n")
    res = batch("run", tmp_path / "assets.yaml")
    assert res.code == 0, res
    assert (tmp_path / "out" / "coin.png").exists()
    assert [r.body["prompt"] for r in sim.requests if r.method == "POST"] == ["A gold coin, flat style"]


def test_yaml_without_pyyaml_is_a_clear_error(batch, sim, tmp_path):
    shim = tmp_path / "no-yaml" / "yaml"
    shim.mkdir(parents=True)
    (shim / "__init__.py").write_text("raise ImportError('No module named yaml (blocked by the test)')\n")
    (tmp_path / "assets.yml").write_text("items: []\n")
    res = batch("run", tmp_path / "assets.yml", env={"PYTHONPATH": str(shim.parent)})
    assert res.code == 2, res
    assert "needs PyYAML" in res.stderr and "genmedia-skills[yaml]" in res.stderr and "JSON" in res.stderr
    assert sim.requests == []


def test_reference_files_are_relative_to_the_manifest(batch, sim, tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    (project / "photo.png").write_bytes(png_bytes())
    manifest = {"items": [{"id": "restyle", "skill": "giggle-generation-image",
                           "params": {"prompt": "as a watercolour", "reference_images": "photo.png"}}]}
    res = batch("run", write(project, manifest))
    assert res.code == 0, res
    [post] = [r for r in sim.requests if r.method == "POST"]
    assert post.route == "giggle.image-to-image"


def test_a_spending_gate_needs_one_yes_for_the_batch(batch, sim, tmp_path):
    manifest = icons(2)
    manifest["items"].append({"id": "mv", "skill": "giggle-generation-aimv",
                              "params": {"prompt": "a song about foxes", "reference_image": "https://x.test/a.png"}})
    path = write(tmp_path, manifest)
    res = batch("run", path)
    assert res.code == 6, res
    assert "1 item(s) have a spending gate (mv)" in res.json["error"]["message"]
    assert res.json["dry_run"] is True and [i["gated"] for i in res.json["items"]] == [False, False, True]
    assert sim.requests == []


def test_validate_shows_the_plan_and_sends_nothing(batch, sim, tmp_path):
    path = write(tmp_path, icons(2))
    res = batch("validate", path)
    assert res.code == 0, res
    assert [i["action"] for i in res.json["items"]] == ["submit", "submit"]
    assert res.json["items"][0]["request"]["body"]["prompt"] == "icon 0, flat style"
    assert sim.requests == []
    assert batch("run", path).code == 0
    assert [i["action"] for i in batch("validate", path).json["items"]] == ["done", "done"]


def test_an_existing_output_needs_overwrite(batch, sim, tmp_path):
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "icon-1.png").write_bytes(b"mine")
    res = batch("run", write(tmp_path, icons(2)))
    assert res.code == 2 and "items[1] 'icon-1': output:" in res.stderr, res
    assert 'already exists; set "overwrite": true on the item' in res.stderr
    assert sim.requests == []
    res = batch("run", write(tmp_path, icons(2, overwrite=True)))
    assert res.code == 0, res
    assert (tmp_path / "assets" / "icon-1.png").read_bytes() != b"mine"
