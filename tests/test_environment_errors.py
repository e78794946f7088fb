"""A hostile environment gets a named, one-line answer, never "internal error" or a
traceback: a console that cannot encode the text, an artifact root that is a file,
read-only or full, undecodable bytes in argv, Ctrl-C while starting, stdout closed."""

import json
import os
import signal
import subprocess
import sys

import pytest

from conftest import IMAGE_SCRIPT


def posts(sim):
    return [r for r in sim.requests if r.method == "POST"]


@pytest.mark.parametrize("encoding", ["cp1252", "ascii"])
def test_a_stdout_that_cannot_encode_the_prompt_still_gets_one_json_document(image_cli, sim, encoding):
    res = image_cli("run", "--prompt", "一只红狐狸 in snow", env={"PYTHONIOENCODING": encoding})
    assert res.code == 0, res
    assert res.json["task_id"] and res.json["request"]["body"]["prompt"] == "一只红狐狸 in snow"
    assert res.stdout.isascii()


def test_a_usage_error_naming_an_unencodable_value_is_one_document(image_cli, sim):
    res = image_cli("run", "--prompt", "x", "--model", "模型", env={"PYTHONIOENCODING": "ascii"})
    assert res.code == 2, res
    assert res.json["error"]["kind"] == "usage" and "模型" in res.json["error"]["message"]
    assert posts(sim) == []


def root_error(res, setting):
    assert res.code == 4, res
    message = res.json["error"]["message"]
    assert setting in message and "nothing was sent" in message and "internal error" not in message
    assert len([line for line in res.stderr.splitlines() if "error:" in line]) == 1


def test_an_artifact_root_that_is_a_file_is_named(image_cli, sim, tmp_path):
    a_file = tmp_path / "not-a-dir"
    a_file.write_text("x")
    root_error(image_cli("run", "--prompt", "x", env={"GENMEDIA_ARTIFACTS_DIR": str(a_file)}),
               "GENMEDIA_ARTIFACTS_DIR")
    root_error(image_cli("run", "--prompt", "x", "--artifacts-dir", a_file), "--artifacts-dir")
    root_error(image_cli("wait", "--task-id", "t-1", "--artifacts-dir", a_file), "--artifacts-dir")
    root_error(image_cli("run", "--simulate", "--prompt", "x", "--artifacts-dir", a_file), "--artifacts-dir")
    assert posts(sim) == []


@pytest.fixture
def mounted(tmp_path):
    """mount(options) -> a fresh tmpfs with those options (root only), unmounted afterwards."""
    points = []

    def mount(options):
        point = tmp_path / ("mnt%d" % len(points))
        point.mkdir()
        if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(point)],
                                               capture_output=True).returncode != 0:
            pytest.skip("mounting a tmpfs needs root (chmod does not stop root from writing)")
        points.append(point)
        return point

    yield mount
    for point in points:
        subprocess.run(["umount", "-l", str(point)], check=True)


def test_a_read_only_artifact_root_is_named(image_cli, sim, mounted):
    root = mounted("ro,size=64k")
    res = image_cli("run", "--prompt", "x", env={"GENMEDIA_ARTIFACTS_DIR": str(root)})
    root_error(res, "GENMEDIA_ARTIFACTS_DIR")
    assert "Read-only file system" in res.json["error"]["message"]
    assert posts(sim) == []


def test_a_full_artifact_root_is_named(image_cli, sim, mounted):
    root = mounted("size=64k")
    fd = os.open(str(root / "filler"), os.O_WRONLY | os.O_CREAT)
    try:
        while True:
            os.write(fd, b"\0" * 4096)
    except OSError:
        pass
    finally:
        os.close(fd)
    res = image_cli("run", "--prompt", "x", "--artifacts-dir", root)
    root_error(res, "--artifacts-dir")
    assert "No space left on device" in res.json["error"]["message"]
    assert posts(sim) == []


def test_a_task_id_with_invalid_utf8_is_a_usage_error(image_cli, sim):
    proc = subprocess.run([sys.executable, str(IMAGE_SCRIPT), "status", "--task-id", b"ab\xff\xfecd"],
                          env=image_cli.env, capture_output=True, timeout=60)
    assert proc.returncode == 2, proc
    doc = json.loads(proc.stdout)
    assert doc["error"]["kind"] == "usage" and "--task-id" in doc["error"]["message"]
    assert b"Traceback" not in proc.stderr and sim.requests == []


SITECUSTOMIZE = '''
import sys

class InterruptOnImport:
    """A Ctrl-C while the runtime's dependencies load. Python's SIGINT handler raises
    KeyboardInterrupt at the next bytecode it runs; raised here directly, at a known
    point (a real os.kill could land in a GC callback, where it is only printed)."""
    def find_spec(self, name, path=None, target=None):
        if name == "typer":
            sys.meta_path.remove(self)
            raise KeyboardInterrupt
        return None

sys.meta_path.insert(0, InterruptOnImport())
'''


def test_ctrl_c_while_the_runtime_loads_exits_130_without_a_traceback(image_cli, tmp_path):
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    (hooks / "sitecustomize.py").write_text(SITECUSTOMIZE)
    env = dict(image_cli.env, PYTHONPATH=str(hooks))
    proc = subprocess.run([sys.executable, str(IMAGE_SCRIPT), "list"], env=env, capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 130, proc
    assert "Traceback" not in proc.stderr and proc.stdout == ""


def test_a_closed_stdout_keeps_the_exit_code_and_prints_no_traceback(image_cli, sim):
    assert image_cli("submit", "--prompt", "x").code == 0
    proc = subprocess.run([sys.executable, str(IMAGE_SCRIPT), "list"], env=image_cli.env, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True, timeout=60, preexec_fn=lambda: os.close(1))
    assert proc.returncode == 0, proc
    assert proc.stderr == ""


def test_a_reader_that_closes_the_pipe_early_gets_no_traceback(image_cli, sim):
    assert image_cli("submit", "--prompt", "x").code == 0
    read_end, write_end = os.pipe()
    os.close(read_end)   # like `| head -c 0`: whatever is written hits EPIPE
    proc = subprocess.run([sys.executable, str(IMAGE_SCRIPT), "run", "--prompt", "y"], env=image_cli.env,
                          stdout=write_end, stderr=subprocess.PIPE, text=True, timeout=60,
                          preexec_fn=lambda: signal.signal(signal.SIGPIPE, signal.SIG_IGN))
    os.close(write_end)
    assert proc.returncode == 0, proc
    assert "Traceback" not in proc.stderr and "Exception ignored" not in proc.stderr
    assert "BrokenPipe" not in proc.stderr
