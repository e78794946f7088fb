"""Bad input is refused before anything is sent: exit 2, one line naming the field."""

import pytest

from test_image_e2e import png_bytes

BAD = [
    (["--model", "dall e"], "--model", "dall e"),
    (["--aspect-ratio", "5:4"], "--aspect-ratio", "5:4"),
    (["--resolution", "8K"], "--resolution", "8K"),
    (["--generate-count", "0"], "--generate-count", "0"),
    (["--generate-count", "-3"], "--generate-count", "-3"),
    (["--generate-count", "5"], "--generate-count", "5"),
    (["--generate-count", "two"], "--generate-count", "two"),
    (["--reference-images", "data:image/png;base64,iVBORw0KGgo="], "--reference-images", "data:"),
    (["--reference-images", "missing/photo.png"], "--reference-images", "missing/photo.png"),
    (["--reference-images", "base64:!!!notbase64!!!"], "--reference-images", "base64"),
    (["--reference-images", "url:ftp://x/y.png"], "--reference-images", "ftp://x/y.png"),
    (["--watermark"], "--watermark", "image-to-image"),
    (["--reference-images", "https://e.com/a.png", "--resolution", "2K"], "--resolution", "2K"),
    (["--timeout", "-1"], "--timeout", "-1"),
    (["--bogus-flag", "1"], "--bogus-flag", ""),
]


@pytest.mark.parametrize("args,field,value", BAD, ids=[" ".join(b[0])[:40] for b in BAD])
def test_bad_input_exits_2_naming_field_and_nothing_is_sent(image_cli, sim, artifacts, args, field, value):
    res = image_cli("run", "--prompt", "a cat", *args)
    assert res.code == 2, res
    line = res.stderr.strip()
    assert "\n" not in line and field in line and value in line, line
    assert res.json["error"]["kind"] == "usage" and res.json["exit_code"] == 2
    assert sim.requests == [] and list(artifacts.iterdir()) == []


@pytest.mark.parametrize("prompt_args", [[], ["--prompt", ""], ["--prompt", "   "]])
def test_missing_prompt(image_cli, sim, prompt_args):
    res = image_cli("run", *prompt_args)
    assert res.code == 2 and "--prompt" in res.stderr and sim.requests == [], res


def test_unreadable_and_non_image_files(image_cli, sim, tmp_path):
    secret = tmp_path / "locked.png"
    secret.write_bytes(png_bytes())
    secret.chmod(0)
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    for path in (tmp_path, text) + ((secret,) if not _root() else ()):
        res = image_cli("run", "--prompt", "x", "--reference-images", str(path))
        assert res.code == 2 and str(path) in res.stderr, res
    assert sim.requests == []


def _root():
    import os

    return hasattr(os, "geteuid") and os.geteuid() == 0  # root reads mode-000 files


def test_status_and_wait_need_a_task_id(image_cli, sim):
    for cmd in ("status", "wait"):
        res = image_cli(cmd)
        assert res.code == 2 and "--task-id" in res.stderr, res
    assert sim.requests == []


def test_simulate_refuses_a_real_task(image_cli, sim):
    real = image_cli("submit", "--prompt", "x")
    res = image_cli("wait", "--simulate", "--task-id", real.json["task_id"])
    assert res.code == 2 and "--simulate" in res.stderr, res


def test_bad_environment_values_exit_2(image_cli, sim):
    res = image_cli("run", "--prompt", "x", env={"GENMEDIA_READ_TIMEOUT": "soon"})
    assert res.code == 2 and "GENMEDIA_READ_TIMEOUT" in res.stderr, res
    res = image_cli("run", "--prompt", "x", env={"GIGGLE_BASE_URL": "giggle.pro"})
    assert res.code == 2 and "GIGGLE_BASE_URL" in res.stderr, res
    assert sim.requests == []


def test_help_lists_exit_codes_and_models(image_cli):
    res = image_cli("run", "--help")
    assert res.code == 0 and "nano-banana-2-fast" in res.stdout and "Exit codes" in res.stdout


def test_no_command_is_a_one_line_usage_error(image_cli, sim):
    res = image_cli()
    assert res.code == 2 and res.stderr.count("\n") == 1 and "missing command" in res.stderr, res
