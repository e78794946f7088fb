"""`genmedia-skills SKILL COMMAND [OPTIONS]`: every skill of
the bundle behind one command, for people and for installs without the skill folders
(`uv tool install genmedia-skills`, `pipx install genmedia-skills`). The entry scripts of
skill folders copied alone hand over to `genmedia-skills` when they find no runtime.
"""

import json
import sys

from . import __version__
from .core import config, exit_codes
from .skills import NAMES, load

# the clone route first: the package is not on PyPI yet
INSTALL = ("`uv tool install --force <path of the clone>` (once it is on PyPI: `uv tool install genmedia-skills` "
           "or `pip install genmedia-skills`)")


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] in (["-h"], ["--help"]):
        sys.stdout.write(_help())
        return
    if argv[:1] == ["--completion"]:
        from .completion import script
        from .core.errors import UsageError

        try:
            sys.stdout.write(script(argv[1] if len(argv) > 1 else "bash"))
        except UsageError as exc:
            _fail(exc.message, "usage", exit_codes.USAGE)
        return
    if argv[:1] == ["--version"]:
        sys.stdout.write("genmedia-skills %s\n" % __version__)
        return
    if not argv or argv[0] not in NAMES:
        given = "missing skill" if not argv else "unknown skill %r" % argv[0]
        _fail("%s: one of %s (see genmedia-skills --help)" % (given, ", ".join(NAMES)), "usage", exit_codes.USAGE)
    try:
        skill = load(argv[0])
    except ImportError as missing:
        _fail("the genmedia-skills runtime is incomplete (%s): install it with %s" % (missing, INSTALL),
              "missing_runtime", exit_codes.PROVIDER)
    from .command.run_context import command_invocation

    skill.main(argv[1:], invocation=[command_invocation(sys.argv[0]), argv[0]])


def _help():
    rows = []
    for name in NAMES:
        try:
            summary = load(name).help.split("\n")[0]
        except ImportError as missing:
            summary = "(cannot load: %s)" % missing
        rows.append("  %-28s %s" % (name, summary))
    return "\n".join([
        "Usage: genmedia-skills SKILL COMMAND [OPTIONS]",
        "",
        "Media generation skills that submit, poll, validate and save every run, so any task",
        "can be resumed from its task_id. Add --simulate to try one without a key or charges.",
        "",
        "Skills:",
    ] + rows + [
        "",
        "Commands of every skill: run, submit, status, wait, list (genmedia-skills SKILL --help).",
        "Shell completion: eval \"$(genmedia-skills --completion bash)\" (or zsh) in your shell's rc file.",
        "Runs are saved under %s" % config.shown_path(config.default_artifacts_root()),
        "  (change it with GENMEDIA_ARTIFACTS_DIR or --artifacts-dir).",
        "",
        "Example: genmedia-skills giggle-generation-image run --simulate --prompt \"a lighthouse at dusk\"",
        "genmedia-skills %s" % __version__,
        "",
    ])


def _fail(message, kind, code):
    sys.stderr.write("genmedia-skills: error: %s\n" % message)
    sys.stdout.write(json.dumps({"skill": None, "error": {"kind": kind, "message": message}, "exit_code": code},
                                indent=2) + "\n")
    sys.exit(code)
