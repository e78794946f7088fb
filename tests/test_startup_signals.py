"""Ctrl-C at any moment of a command's start-up: exit 130, never a KeyboardInterrupt traceback.

Real SIGINTs are sent at random moments into fresh processes: 0-100 ms plus as long as Python's
own start-up takes right now (so under load too the signals cover the window in which the
runtime, typer and jsonschema load). What Python does before the first line of the entry script
runs (its own start-up: site, encodings, .pth files) is outside any script's reach; those tries
are told apart by their traceback, which then holds no frame of the script past line 0 and none
of the runtime, and counted separately.
"""

import random
import re
import signal
import subprocess
import sys
import time

from conftest import ROOT, base_env

SCRIPTS = [(ROOT / "skills" / name / "scripts" / entry, command) for name, entry, command in (
    ("giggle-generation-image", "generate_image.py", "list"), ("kie-generation-video", "generate_video.py", "list"),
    ("generation-tasks", "tasks.py", "list"), ("generation-batch", "batch.py", "--help"))]
LANDED = 16        # tries whose signal must land in the script's own start-up (exit 130)
MAX_TRIES = 160   # under load Python's own start-up takes more of the 100 ms


def _ours(stderr, script):
    """True when a traceback passes through code of this bundle (not only Python's start-up)."""
    lines = re.findall(r'File "([^"]+)", line (\d+)', stderr)
    return any("genmedia_skills" in path or (path == str(script) and int(line) > 0) for path, line in lines)


def test_sigint_at_random_moments_of_start_up_never_gives_a_traceback(artifacts, tmp_path):
    env = base_env(artifacts)
    rng = random.Random()
    started = time.monotonic()   # Python's own start-up now (it grows with the machine's load)
    subprocess.run([sys.executable, "-c", "pass"], env=env, check=True)
    window = 0.1 + (time.monotonic() - started)   # 0-100 ms of the script's start-up, after Python's
    ours, interrupted, python_start_up, attempt = [], 0, 0, 0
    while interrupted < LANDED and attempt < MAX_TRIES:
        script, command = SCRIPTS[attempt % len(SCRIPTS)]
        attempt += 1
        delay = rng.uniform(0.0, window)
        proc = subprocess.Popen([sys.executable, str(script), command], env=env, cwd=str(tmp_path),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(delay)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
        if "Traceback" in err or "KeyboardInterrupt" in err:
            if _ours(err, script):
                ours.append("%s at %.0f ms: exit %s\n%s" % (script.name, delay * 1000, proc.returncode, err[-1500:]))
            else:
                python_start_up += 1
            continue
        assert proc.returncode in (0, 130, -signal.SIGINT), (script, delay, proc.returncode, err)
        interrupted += proc.returncode == 130
    assert not ours, "\n\n".join(ours)
    assert interrupted >= LANDED, ("only %d of %d signals landed in the script's start-up (%d in Python's own)"
                                   % (interrupted, attempt, python_start_up))
