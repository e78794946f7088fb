"""`generation-tasks gallery`: one HTML page of the runs, checked in a real browser.

Runs of several providers are made against the simulator (images, a video, songs), the
page is written, and headless Chromium (Debian's package; .ci/run installs it) loads it
from disk: every image must have decoded and every video and audio element must have a
playable local source. Provider text stays inert (escaped, and the page runs no script).
"""

import base64
import hashlib
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import ROOT, sim_cli

SKILLS = ROOT / "skills"
TASKS = SKILLS / "generation-tasks" / "scripts" / "tasks.py"
HOSTILE = '<img src=x onerror="document.title=1"><script>document.title=2</script>'
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# Waits for every image, video and audio element to load or fail, then writes what it found
# into the page, where --dump-dom shows it.
CHECKER = """(function () {
  function settle(el) {
    return new Promise(function (done) {
      if (el.tagName === "IMG") {
        if (el.complete) { done(); return; }
        el.addEventListener("load", done); el.addEventListener("error", done); return;
      }
      if (el.readyState >= 1 || el.error) { done(); return; }
      el.addEventListener("loadedmetadata", done); el.addEventListener("error", done);
    });
  }
  var media = Array.prototype.slice.call(document.querySelectorAll("img, video, audio"));
  Promise.all(media.map(settle)).then(function () {
    var found = media.map(function (el) {
      return {tag: el.tagName.toLowerCase(), src: el.currentSrc || el.src,
              decoded: el.tagName === "IMG" ? el.complete && el.naturalWidth > 0 : el.readyState >= 1 && !el.error,
              width: el.naturalWidth || el.videoWidth || 0, duration: el.duration || 0};
    });
    var pre = document.createElement("pre");
    pre.id = "gallery-check";
    pre.textContent = JSON.stringify({title: document.title, scripts: document.scripts.length, media: found});
    document.body.appendChild(pre);
  });
})();"""


def chromium():
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    assert found, "headless Chromium is needed: apt-get install -y chromium (.ci/run installs it)"
    return found


def browse(page, tmp_path):
    """What Chromium sees in `page`: the page's own policy kept, only our checker allowed to run."""
    digest = base64.b64encode(hashlib.sha256(CHECKER.encode()).digest()).decode()
    text = page.read_text()
    assert "script-src 'none'" in text
    checked = page.with_name("checked-" + page.name)   # beside it: the same relative media paths
    checked.write_text(text.replace("script-src 'none'", "script-src 'sha256-%s'" % digest)
                       .replace("</body>", "<script>%s</script></body>" % CHECKER))
    profile = tmp_path / "chromium-profile"
    profile.mkdir()
    proc = subprocess.run([chromium()] + CHROMIUM_FLAGS + ["--user-data-dir=%s" % profile,
                                                           "--virtual-time-budget=10000", "--dump-dom",
                                                           checked.as_uri()],
                          capture_output=True, text=True, timeout=90)
    found = re.search(r'<pre id="gallery-check">(.*?)</pre>', proc.stdout, re.S)
    assert found, proc.stdout[-2000:] + proc.stderr[-2000:]
    return json.loads(found.group(1).replace("&quot;", '"').replace("&amp;", "&").replace("&lt;", "<")
                      .replace("&gt;", ">"))


@pytest.fixture
def runs(sim, artifacts, tmp_path):
    """Finished runs of three providers (images, a video, songs) and one unfinished task."""
    def cli(skill, script):
        return sim_cli(SKILLS / skill / "scripts" / script, sim, artifacts, tmp_path)

    made = [cli("giggle-generation-image", "generate_image.py")("run", "--prompt", HOSTILE),
            cli("kie-generation-image", "generate_image.py")("run", "--prompt", "a koi pond"),
            cli("creatok-generate-image", "generate_image.py")("run", "--prompt", "a shop", "--yes"),
            cli("giggle-generation-video", "generate_video.py")("run", "--prompt", "waves"),
            cli("giggle-generation-music", "generate_music.py")("run", "--prompt", "a jingle")]
    assert [r.code for r in made] == [0] * 5, made
    queued = cli("giggle-generation-image", "generate_image.py")("submit", "--prompt", "later")
    assert queued.code == 0
    return {"made": [r.json for r in made], "queued": queued.json, "cli": cli("generation-tasks", "tasks.py")}


def test_gallery_plays_every_result_in_a_real_browser(runs, tmp_path):
    page = tmp_path / "site" / "gallery.html"
    res = runs["cli"]("gallery", "--out", page)
    assert res.code == 0 and res.json["gallery"] == str(page) and res.json["runs"] == 6, res
    seen = browse(page, tmp_path)
    media = seen["media"]
    by_tag = {tag: [m for m in media if m["tag"] == tag] for tag in ("img", "video", "audio")}
    assert len(by_tag["img"]) >= 3 and len(by_tag["video"]) == 1 and len(by_tag["audio"]) >= 1, media
    assert all(m["decoded"] and m["src"].startswith("file://") for m in media), media   # local files only
    assert by_tag["video"][0]["width"] > 0 and all(m["duration"] > 0 for m in by_tag["audio"])
    assert res.json["media"] == {"image": len(by_tag["img"]), "video": 1, "audio": len(by_tag["audio"])}
    # provider and user text is inert: no element, no script ran (only our checker exists)
    assert seen["title"] == "genmedia-skills gallery" and seen["scripts"] == 1
    html = page.read_text()
    assert "&lt;img src=x onerror=&quot;document.title=1&quot;&gt;" in html and "<script" not in html
    for doc in runs["made"]:
        assert doc["task_id"] in html and Path(doc["artifacts"]["md"]).name in html
    assert "a koi pond" in html and "nano-banana-pro" in html and "aspect_ratio" in html   # KIE's nested input
    assert re.search(r"Resume: <code>[^<]*wait --task-id %s" % runs["queued"]["task_id"], html)


def test_every_result_md_has_the_prompt_parameters_and_short_links(runs):
    for doc in runs["made"]:
        md = Path(doc["artifacts"]["md"]).read_text()
        assert re.search(r"^\| prompt \| .+ \|$", md, re.M), (doc["skill"], md)
        url = doc["outputs"][0]["url"]
        body = md[:md.index("\n[1]: ")]   # the signed URLs wait at the end, as reference definitions
        assert url.split("?")[0] not in body and "\n[1]: http" in md, md
    kie = Path(runs["made"][1]["artifacts"]["md"]).read_text()   # KIE nests its input: it used to show none
    assert "| prompt | a koi pond |" in kie and "| aspect_ratio | 1:1 |" in kie and "| resolution | 1K |" in kie


def test_gallery_filters_and_opens(runs, tmp_path):
    cli = runs["cli"]
    only = cli("gallery", "--skill", "kie-generation-image", "--out", tmp_path / "kie.html")
    assert only.code == 0 and only.json["runs"] == 1 and only.json["filters"] == {"skill": "kie-generation-image"}
    queued = cli("gallery", "--status", "queued", "--since", "1h", "--out", tmp_path / "q.html")
    assert queued.json["runs"] == 1 and runs["queued"]["task_id"] in (tmp_path / "q.html").read_text()
    bad = cli("gallery", "--status", "done")
    assert bad.code == 2 and "--status: 'done'" in bad.stderr
    opener = tmp_path / "opener.sh"   # what `--open` hands the page to ($BROWSER, as webbrowser reads it)
    opener.write_text("#!/bin/sh\necho \"$1\" > %s\n" % (tmp_path / "opened.txt"))
    opener.chmod(0o755)
    opened = cli("gallery", "--open", env={"BROWSER": str(opener)})
    assert opened.code == 0 and opened.json["opened"] is True
    assert (tmp_path / "opened.txt").read_text().strip() == Path(opened.json["gallery"]).as_uri()


def test_gallery_of_one_batch(sim, artifacts, tmp_path):
    manifest = tmp_path / "assets.json"
    manifest.write_text(json.dumps({"version": 1, "items": [
        {"id": "fox", "skill": "giggle-generation-image", "output": "art/fox.png", "params": {"prompt": "a fox"}}]}))
    batch = sim_cli(SKILLS / "generation-batch" / "scripts" / "batch.py", sim, artifacts, tmp_path)
    assert batch("run", manifest).code == 0
    alone = sim_cli(SKILLS / "giggle-generation-image" / "scripts" / "generate_image.py", sim, artifacts, tmp_path)
    assert alone("run", "--prompt", "not in the batch").code == 0
    tasks = sim_cli(TASKS, sim, artifacts, tmp_path)
    page = tmp_path / "batch.html"
    res = tasks("gallery", "--batch", "assets.json", "--out", page)
    assert res.code == 0 and res.json["runs"] == 1 and res.json["media"] == {"image": 1}, res
    html = page.read_text()
    assert "batch item" in html and "fox (assets.json)" in html and "not in the batch" not in html
    missing = tasks("gallery", "--batch", "nowhere.json")
    assert missing.code == 2 and "--batch: %s is not a manifest file" % (tmp_path / "nowhere.json") in missing.stderr
