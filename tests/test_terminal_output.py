"""Output that fits who reads it: a person at a terminal gets a summary and a live clock,
a program (a pipe) gets the one JSON document; --json and GENMEDIA_OUTPUT choose.

Terminal runs use real pseudo-terminals (the pty module), one for stdout and one for
stderr, so each stream is seen exactly as a person's terminal would get it.
"""

import fcntl
import json
import os
import pty
import re
import select
import struct
import subprocess
import sys
import termios

from conftest import IMAGE_SCRIPT, ROOT, TEST_KEY, Cli, base_env

BATCH_SCRIPT = ROOT / "skills" / "generation-batch" / "scripts" / "batch.py"
SLOW_TASK = {"GENMEDIA_SIM_FAULTS": "task:succeed@duration=150"}   # 1.5 s at the tests' time scale
SIMULATE = ["run", "--simulate", "--prompt", "a lighthouse at dusk"]


def run_on_terminals(script, env, cwd, *args, stdout_tty=True, stderr_tty=True, timeout=60):
    """(exit code, stdout, stderr) of `script` with the chosen streams on pseudo-terminals."""
    fds, ends, child = {}, [], {}
    for name, wanted in (("stdout", stdout_tty), ("stderr", stderr_tty)):
        if wanted:
            master, slave = pty.openpty()
            fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 160, 0, 0))   # 160 columns
            fds[master], child[name] = name, slave
            ends.append(slave)
        else:
            child[name] = subprocess.PIPE
    proc = subprocess.Popen([sys.executable, str(script)] + [str(a) for a in args], env=env, cwd=str(cwd),
                            stdin=subprocess.DEVNULL, **child)
    for slave in ends:
        os.close(slave)
    pipes = {proc.stdout: "stdout"} if proc.stdout else {}
    pipes.update({proc.stderr: "stderr"} if proc.stderr else {})
    chunks = {"stdout": b"", "stderr": b""}
    open_fds = list(fds) + [p.fileno() for p in pipes]
    names = dict(fds)
    names.update({p.fileno(): n for p, n in pipes.items()})
    while open_fds:
        ready, _, _ = select.select(open_fds, [], [], timeout)
        assert ready, "no output for %s s" % timeout
        for fd in ready:
            try:
                data = os.read(fd, 65536)
            except OSError:   # EIO: the child closed its end of a pty
                data = b""
            if not data:
                open_fds.remove(fd)
                continue
            chunks[names[fd]] += data
    for fd in fds:
        os.close(fd)
    proc.wait(timeout=timeout)
    out, err = (chunks[n].decode("utf-8", "replace").replace("\r\n", "\n") for n in ("stdout", "stderr"))
    assert TEST_KEY not in out + err and "Traceback" not in err, err
    return proc.returncode, out, err


def screen(text):
    """`text` without terminal control sequences (colour, cursor moves, carriage returns)."""
    return re.sub(r"\033\[[0-9;]*[A-Za-z]|\r", "", text)


def terminal_env(artifacts, **extra):
    env = base_env(artifacts)
    env.pop("NO_COLOR", None)
    env.update(TERM="xterm-256color", **extra)
    return env


def test_a_terminal_gets_a_summary_and_a_ticking_clock(artifacts, tmp_path):
    code, out, err = run_on_terminals(IMAGE_SCRIPT, terminal_env(artifacts, **SLOW_TASK), tmp_path, *SIMULATE)
    assert code == 0, out + err
    assert "{" not in out   # no JSON document for a person
    plain = re.sub(r"\033\[[0-9;]*m", "", out)
    lines = plain.splitlines()
    assert lines[0].startswith("done  giggle-generation-image · seedream45 (simulated)"), plain
    task_id = re.search(r"^  task +(\S+)$", plain, re.M).group(1)
    image = re.search(r"^  image 1 +(\S+)$", plain, re.M).group(1)
    assert os.path.isfile(os.path.expanduser(image)) and task_id in image or True
    saved = json.loads(next(artifacts.rglob("result.json")).read_text())
    assert saved["task_id"] == task_id and saved["outputs"][0]["path"].endswith(image.lstrip("~"))
    assert re.search(r"^  preview +\S+result\.md$", plain, re.M), plain
    assert re.search(r"^  gallery +\S+ \S+generation-tasks/scripts/tasks\.py gallery --open$", plain, re.M), plain
    assert "\033[32mdone\033[0m" in out   # colour on a terminal
    # the live line: a clock that ticks between polls, the phase and the model's usual time
    assert "00:00" in err and "00:01" in err, err
    assert "submitting" in err and re.search(r"queued|running", err) and "usually 0-1 s" in err, err
    frames = set(re.findall(r"\[giggle-generation-image\] (?:\033\[36m)?(\S)", err)) & set("⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏")
    assert len(frames) >= 3, err   # redrawn between polls, not only when an answer came


def test_a_pipe_gets_the_json_document_and_plain_progress(artifacts, tmp_path):
    cli = Cli(IMAGE_SCRIPT, base_env(artifacts), tmp_path)
    res = cli(*SIMULATE)
    assert res.code == 0 and res.json["status"] == "succeeded" and res.stdout.count("\n{") == 0
    assert set(res.json) >= {"run_id", "skill", "provider", "task_id", "status", "outputs", "error", "artifacts",
                             "next"}
    assert "\r" not in res.stderr and "\033" not in res.stderr and "00:0" not in res.stderr


def test_stdout_piped_stderr_on_a_terminal_keeps_the_json(artifacts, tmp_path):
    code, out, err = run_on_terminals(IMAGE_SCRIPT, terminal_env(artifacts), tmp_path, *SIMULATE, stdout_tty=False)
    assert code == 0 and json.loads(out)["status"] == "succeeded"
    assert "00:00" in err   # the person watching still sees the clock


def test_json_flag_and_the_environment_force_json_at_a_terminal(artifacts, tmp_path):
    env = terminal_env(artifacts)
    code, out, _ = run_on_terminals(IMAGE_SCRIPT, env, tmp_path, *SIMULATE, "--json", stderr_tty=False)
    assert code == 0 and json.loads(out)["status"] == "succeeded"
    env["GENMEDIA_OUTPUT"] = "json"
    code, out, _ = run_on_terminals(IMAGE_SCRIPT, env, tmp_path, "list", stderr_tty=False)
    assert code == 0 and isinstance(json.loads(out), list)
    env["GENMEDIA_OUTPUT"] = "human"   # a person reading a pipe (e.g. `| less`)
    res = Cli(IMAGE_SCRIPT, env, tmp_path)("list", "--limit", "1")
    assert res.code == 0 and res.json is None and "succeeded" in res.stdout
    env["GENMEDIA_OUTPUT"] = "yaml"
    res = Cli(IMAGE_SCRIPT, env, tmp_path)("list")
    assert res.code == 2 and "GENMEDIA_OUTPUT='yaml'" in res.stderr and "auto, json, human" in res.stderr


def test_errors_show_once_at_a_terminal(artifacts, tmp_path):
    env = terminal_env(artifacts, NO_COLOR="1")
    code, out, err = run_on_terminals(IMAGE_SCRIPT, env, tmp_path, "run", "--simulate", "--prompt", "x",
                                      "--aspect-ratio", "5:4")
    assert code == 2 and out == ""
    assert err.count("--aspect-ratio") == 1 and len(err.strip().splitlines()) == 1, err
    env["GENMEDIA_SIM_FAULTS"] = "task:fail@message=the model refused"
    code, out, err = run_on_terminals(IMAGE_SCRIPT, env, tmp_path, *SIMULATE)
    assert code == 1 and (out + err).count("the model refused") == 1, out + err
    assert out.startswith("failed  giggle-generation-image") and "\033[3" not in out + err   # NO_COLOR


def test_a_batch_at_a_terminal_draws_a_line_per_item_and_a_total(artifacts, tmp_path):
    (tmp_path / "assets.json").write_text(json.dumps({"version": 1, "defaults": {"skill": "giggle-generation-image"},
                                                      "items": [{"id": "fox", "output": "art/fox.png",
                                                                 "params": {"prompt": "a fox"}},
                                                                {"id": "owl", "output": "art/owl.png",
                                                                 "params": {"prompt": "an owl"}}]}))
    code, out, err = run_on_terminals(BATCH_SCRIPT, terminal_env(artifacts, NO_COLOR="1"), tmp_path,
                                      "run", "assets.json", "--simulate")
    assert code == 0, out + err
    err = screen(err)
    assert re.search(r"^  fox +giggle-generation-image +succeeded +art/fox\.png", err, re.M), err
    assert re.search(r"^  owl +giggle-generation-image +succeeded +art/owl\.png", err, re.M), err
    assert re.search(r"^\d\d:\d\d  \[#+\] 2/2 2 items: 2 succeeded$", err, re.M), err
    assert out.startswith("done  generation-batch · 2 items: 2 succeeded (simulated)")
    assert re.search(r"^  fox +succeeded art/fox\.png$", out, re.M), out
