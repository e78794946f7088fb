"""genmedia_skills.store.result_document (the result object) and genmedia_skills.store.result_markdown (result.md)."""

import copy
import re

import pytest

from genmedia_skills.store import result_document, result_markdown
from genmedia_skills.core import task_status
from genmedia_skills.store.artifact_store import ArtifactStore
from genmedia_skills.core.errors import (
    GenmediaError,
    SubmitOutcomeUnknown,
    TaskFailed,
    TransportError,
)

SKILL = "giggle-generation-image"
ENDPOINT = "POST /api/v1/generation/text-to-image"
BODY = {"prompt": "a red fox in snow", "generate_count": 1, "model": "seedream45",
        "aspect_ratio": "16:9", "resolution": "2K"}
SIGNED = ("https://cdn.giggle.pro/private/sim/giggle/t1/image-1.png?Policy=eyJTdGF0~ZW1l_&"
          "Signature=abc~def-ghi_&Key-Pair-Id=K2SIMULATOR0&response-content-disposition=attachment")


@pytest.fixture
def run(tmp_path):
    return ArtifactStore(tmp_path).new_run(SKILL)


def make(run, **kw):
    args = dict(provider="giggle", simulated=False, model="seedream45", endpoint=ENDPOINT, body=dict(BODY))
    args.update(kw)
    return result_document.new(run, **args)


# --------------------------------------------------------------------------- the document


def test_new_document_passes_check(run):
    doc = make(run)
    assert result_document.check(doc) is doc
    assert doc["run_id"] == run.run_id and doc["skill"] == SKILL
    assert doc["task_id"] is None and doc["status"] == task_status.UNKNOWN
    assert doc["submitted_at"] is None
    assert doc["artifacts"] == {"dir": str(run.dir), "json": str(run.json_path), "md": str(run.md_path)}
    assert doc["outputs"] == [] and doc["notes"] == [] and doc["error"] is None and doc["next"] is None
    assert re.match(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$", doc["created_at"])


def test_new_document_with_task_id_and_references(run):
    refs = [{"type": "url", "value": "https://e.com/a.png"},
            {"type": "file", "path": "/tmp/a.png", "sha256": "ab" * 32, "bytes": 10}]
    doc = make(run, task_id="t-123", simulated=True, references=refs)
    result_document.check(doc)
    assert doc["status"] == task_status.QUEUED
    assert doc["submitted_at"] == doc["created_at"]
    assert doc["simulated"] is True
    assert doc["request"] == {"endpoint": ENDPOINT, "body": BODY, "references": refs}


def test_foreign_task_document(run):
    doc = make(run, task_id="t-9", endpoint=None, body=None, model=None)
    result_document.check(doc)


def test_add_note_dedupes_and_skips_empty(run):
    doc = make(run)
    result_document.add_note(doc, "first")
    result_document.add_note(doc, "second")
    result_document.add_note(doc, "first")
    result_document.add_note(doc, "")
    result_document.add_note(doc, None)
    assert doc["notes"] == ["first", "second"]
    result_document.check(doc)


def test_set_error_from_a_genmedia_error(run):
    doc = make(run)
    result_document.set_error(doc, TransportError("POST failed", http_status=502))
    assert doc["error"] == {"kind": "transport", "message": "POST failed", "http_status": 502}
    result_document.check(doc)
    result_document.set_error(doc, TaskFailed("the task failed", provider_message="moderation"))
    assert doc["error"] == {"kind": "task_failed", "message": "the task failed", "provider_message": "moderation"}
    result_document.check(doc)


def test_set_error_from_any_exception(run):
    doc = make(run)
    result_document.set_error(doc, ValueError("boom"))
    assert doc["error"] == {"kind": "internal", "message": "boom"}
    result_document.check(doc)


def test_set_error_always_leaves_a_valid_document(run):
    """An exception with an empty message must still give a schema-valid error (minLength 1)."""
    doc = make(run)
    result_document.set_error(doc, RuntimeError())
    result_document.check(doc)


@pytest.mark.parametrize("mutate", [
    lambda d: d.update(surprise=1),
    lambda d: d["request"].update(extra="x"),
    lambda d: d["artifacts"].update(extra="x"),
    lambda d: d["outputs"].append({"url": "https://x", "kind": "image", "unknown": 1}),
    lambda d: d.update(status="done"),
    lambda d: d.update(run_id="../../etc"),
    lambda d: d.update(polls=-1),
    lambda d: d.pop("notes"),
])
def test_check_rejects_invalid_documents(run, mutate):
    doc = make(run)
    mutate(doc)
    with pytest.raises(GenmediaError) as info:
        result_document.check(doc)
    assert info.value.exit_code == 4
    assert "result.json would not match its schema" in info.value.message


def test_check_error_names_the_json_path(run):
    doc = make(run)
    doc["outputs"].append({"url": "https://x", "kind": "hologram"})
    with pytest.raises(GenmediaError) as info:
        result_document.check(doc)
    assert "$.outputs[0].kind" in info.value.message


# --------------------------------------------------------------------------- result.md


def finished(run):
    doc = make(run, task_id="t1")
    doc.update(status="succeeded", provider_status="completed", polls=3, finished_at=doc["created_at"])
    doc["outputs"] = [{"url": SIGNED, "kind": "image", "path": str(run.outputs_dir / "image-1.png"),
                       "bytes": 2048, "sha256": "0123456789ab" + "c" * 52, "content_type": "image/png"}]
    return result_document.check(doc)


def test_render_shows_the_status(run):
    md = result_markdown.render(finished(run))
    assert md.splitlines()[0] == "# %s: Succeeded" % SKILL
    assert "| status | succeeded (provider: completed) |" in md
    assert "| task_id | t1 |" in md
    assert "| prompt | a red fox in snow |" in md
    assert "| model | seedream45 |" in md
    assert md.endswith("\n")


@pytest.mark.parametrize("status,words", [
    ("queued", "Queued at the provider"), ("running", "Still running"), ("failed", "Failed"),
    ("unknown", "Unknown"), ("awaiting_payment", "payment"), ("canceled", "Canceled"),
])
def test_render_status_headlines(run, status, words):
    doc = make(run, task_id="t1")
    doc["status"] = status
    assert words in result_markdown.render(doc).splitlines()[0]


def test_render_keeps_the_signed_link_verbatim(run):
    md = result_markdown.render(finished(run))
    assert "[image 1 (signed link, expires)][1]" in md   # short in the text...
    assert md.rstrip().endswith("\n[1]: %s" % SIGNED)   # ...the whole signed URL at the end, verbatim
    assert "Signature=abc~def-ghi_" in md


def test_render_inlines_a_downloaded_image(run):
    md = result_markdown.render(finished(run))
    assert "![image 1](outputs/image-1.png)" in md
    assert "local file: [outputs/image-1.png](outputs/image-1.png) (2048 bytes, sha256 0123456789ab…)" in md


def test_render_does_not_inline_non_images_or_undownloaded_outputs(run):
    doc = finished(run)
    doc["outputs"][0]["kind"] = "video"
    doc["outputs"][0]["path"] = str(run.outputs_dir / "clip.mp4")
    doc["outputs"].append({"url": SIGNED.replace("image-1", "image-2"), "kind": "image",
                           "download_error": "HTTP 403"})
    result_document.check(doc)
    md = result_markdown.render(doc)
    assert "![" not in md
    assert "not downloaded: HTTP 403" in md
    # numbered per kind: the first image after a video is "image 1"
    assert "[video 1 (signed link, expires)]" in md and "[image 1 (signed link, expires)]" in md


def test_render_resume_section_only_when_next_is_set(run):
    doc = make(run, task_id="t1")
    doc["status"] = "running"
    assert "## Resume" not in result_markdown.render(doc)
    command = "python skills/giggle-generation-image/scripts/generate_image.py wait --task-id t1"
    doc["next"] = command
    md = result_markdown.render(doc)
    assert "## Resume\n\n```\n%s\n```" % command in md


def test_render_escapes_pipes_and_newlines_in_cells(run):
    doc = make(run, body=dict(BODY, prompt="cats | dogs\nand | birds"))
    md = result_markdown.render(doc)
    row = [line for line in md.splitlines() if line.startswith("| prompt |")]
    assert row == ["| prompt | cats \\| dogs and \\| birds |"]
    # every table row still has exactly three unescaped separators
    for line in md.splitlines():
        if line.startswith("| "):
            assert len(re.findall(r"(?<!\\)\|", line)) == 3, line


def test_render_error_and_notes(run):
    doc = make(run, task_id="t1")
    doc["status"] = "unknown"
    result_document.set_error(doc, SubmitOutcomeUnknown("answer lost", provider_message="gateway timeout"))
    result_document.add_note(doc, "nothing was resubmitted")
    md = result_markdown.render(result_document.check(doc))
    assert "## Error" in md and "**submit_outcome_unknown**: answer lost" in md
    assert "Provider said: gateway timeout" in md
    assert "## Notes\n\n- nothing was resubmitted" in md


def test_render_simulated_banner_and_references(run):
    refs = [{"type": "url", "value": "https://e.com/a|b.png"},
            {"type": "base64", "sha256": "f" * 64, "bytes": 99}]
    doc = make(run, simulated=True, references=refs)
    md = result_markdown.render(result_document.check(doc))
    assert "Simulated run" in md
    assert "## References" in md
    assert "- url: [e.com/a\\|b.png][1]" in md and "\n[1]: https://e.com/a%7Cb.png\n" in md   # a short link
    assert "- base64: inline base64 (sha256 ffffffffffff…, 99 bytes)" in md


def test_render_does_not_modify_the_document(run):
    doc = finished(run)
    before = copy.deepcopy(doc)
    result_markdown.render(doc)
    assert doc == before
