"""The fast parse of a plain command line gives exactly what typer gives, on every command of
every skill, and it is what runs: a plain command line never imports typer."""

import random
import subprocess
import sys

import pytest

from conftest import ROOT

from genmedia_skills.command.options import fast_parse
from genmedia_skills.skills import NAMES, load

WORDS = ["a fox", "", "x=y", "16:9", "über", "-x", "--", "5", " 7", "1e3", "nan", "-2", "0.5", "abc"]


def _value(kind, rng):
    if kind is int:
        return rng.choice(["1", "4", " 5", "07", "-3", "x", "2.5"])
    if kind is float:
        return rng.choice(["30", "0.5", "1e3", "nan", "-1", "x", " 12 "])
    return rng.choice(WORDS)


def _words(params, rng):
    """A random command line over these params: flags, `--name value`, `--name=value`, repeats."""
    words = []
    for param in rng.sample(params, rng.randint(0, len(params))):
        spec = param.spec
        if getattr(spec, "kind", None) == "argument":
            words.insert(0, rng.choice(["m.json", "manifest.yaml"]))
            continue
        kind, many = param.value_type
        decls = spec.decls if hasattr(spec, "decls") else spec.param_decls
        decl = rng.choice(decls)
        if kind is bool:
            words.append(rng.choice(decl.split("/")))
            continue
        for _ in range(rng.randint(1, 3) if many else rng.choice([1, 1, 1, 2])):
            value = _value(kind, rng)
            words += [decl + "=" + value] if rng.random() < 0.3 else [decl, value]
    return words


def _typer_values(skill, argv, capsys):
    skill._outcome = None
    code = skill._typer_parse(argv)
    capsys.readouterr()
    return (skill._outcome[1] if skill._outcome and code == 0 else None), code


@pytest.mark.parametrize("name", NAMES)
def test_fast_parse_equals_typer_on_every_command(name, capsys):
    skill = load(name)
    rng = random.Random(name)
    checked = 0
    for command, _, params, _ in skill.parsed_commands():   # as parsed: --json added to each
        for _ in range(25):
            args = _words(params, rng)
            fast = fast_parse(params, args)
            if fast is None:
                continue   # typer parses it (help, an error, a value it must convert)
            typer_values, code = _typer_values(skill, [command] + args, capsys)
            assert code == 0 and typer_values is not None, (command, args)
            assert repr(sorted(fast.items())) == repr(sorted(typer_values.items())), (command, args)   # nan-safe
            checked += 1
    assert checked >= 10   # the fast path really takes plain command lines


def test_help_unknown_options_and_bad_values_go_to_typer():
    params = load("giggle-generation-image").commands()[0][2]
    for args in (["--help"], ["--bogus", "1"], ["--generate-count", "two"], ["--prompt"], ["-h"],
                 ["--prompt", "--model"], ["--timeout", "5", "--timeout", "6"]):
        assert fast_parse(params, args) is None, args


def _imported(argv, env=None, cwd=None):
    """Top-level package names a fresh process imported for `argv` (python -X importtime)."""
    proc = subprocess.run([sys.executable, "-X", "importtime"] + argv, capture_output=True, text=True,
                          env=env, cwd=cwd, timeout=60)
    names = set()
    for line in proc.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            names.add(line.rsplit("|", 1)[1].strip().split(".")[0])
    return proc, names


def _entry(name):
    folder = ROOT / "skills" / name / "scripts"
    return str(next(p for p in folder.glob("*.py")))


HEAVY = {"typer", "click", "requests", "urllib3", "jsonschema", "PIL", "yaml", "rich"}


@pytest.mark.parametrize("name", [n for n in NAMES if n != "generation-batch"])   # batch has no list
def test_list_imports_no_heavy_package(name, tmp_path):
    env = dict(__import__("os").environ, GENMEDIA_ARTIFACTS_DIR=str(tmp_path))
    proc, names = _imported([_entry(name), "list"], env=env)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert names & HEAVY == set()


@pytest.mark.parametrize("name,args", [
    ("giggle-generation-image", ["--prompt", "a fox"]),
    ("giggle-generation-video", ["--prompt", "waves"]),
    ("giggle-generation-music", ["--prompt", "a song"]),
    ("giggle-generation-speech", ["--text", "hello", "--voice-id", "Calm_Woman"]),
    ("kie-generation-image", ["--prompt", "a fox"]),
    ("kie-generation-video", ["--prompt", "waves"]),
    ("giggle-voice-clone", ["--sample", "https://example.com/me.mp3", "--text", "hi", "--voice-id", "v1"]),
    ("giggle-generation-avatar", ["--image", "https://example.com/face.jpg", "--script", "hi", "--voice", "Violet"]),
    ("giggle-generation-avatar", ["--image", "https://example.com/face.jpg", "--drive-audio", "https://example.com/a.mp3"]),
    ("giggle-generation-drama", ["--story", "a story", "--character", "A=https://example.com/a.jpg"]),
])
def test_dry_run_imports_no_heavy_package(name, args, tmp_path):
    env = dict(__import__("os").environ, GENMEDIA_ARTIFACTS_DIR=str(tmp_path))
    proc, names = _imported([_entry(name), "run", "--dry-run"] + args, env=env)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert names & HEAVY == set()


@pytest.mark.parametrize("name", NAMES)
def test_help_imports_no_http_or_schema_package(name):
    proc, names = _imported([_entry(name), "--help"])
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert names & (HEAVY - {"typer", "click"}) == set()


@pytest.mark.parametrize("name,args", [
    ("kie-generation-image", ["models"]),
    ("kie-generation-video", ["models"]),
    ("generation-tasks", ["show", "--task-id", "no-such-task"]),
    ("giggle-generation-avatar", ["voices", "--country", "US"]),
])
def test_offline_commands_import_no_heavy_package(name, args, tmp_path):
    env = dict(__import__("os").environ, GENMEDIA_ARTIFACTS_DIR=str(tmp_path))
    proc, names = _imported([_entry(name)] + args, env=env)
    assert proc.returncode in (0, 4), proc.stderr[-2000:]   # show: an unknown task is exit 4
    assert names & HEAVY == set()
