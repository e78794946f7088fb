"""Typer plumbing: a skill declares its request options; this gives it the five
commands, the common options, one JSON document on stdout, one-line errors on
stderr and the exit codes of exit_codes.py. No command ends in a traceback.
"""

import os
import signal
import sys
from typing import Optional

from ..core import config, exit_codes, output_mode
from ..core.errors import GenmediaError, UsageError
from ..core.redaction import to_json
from ..core.terminal_text import for_terminal
from .options import as_param, fast_parse, option, params_of

# Exit codes whose result object carries an error the user must see on stderr too; 5, 6
# and 130 end with their own "resume with" / "not submitted" lines instead.
ENDS_IN_ERROR = (exit_codes.TASK_FAILED, exit_codes.USAGE, exit_codes.AUTH, exit_codes.PROVIDER)
DEFAULT_TIMEOUT = 540.0   # fits the ~10 minute tool-call limit of coding agents
EXIT_CODES_HELP = "\b\nExit codes:\n" + "\n".join("  %-3d %s" % row for row in exit_codes.TABLE)


_option = option   # the name skills and providers import


SIMULATE = _option("simulate", bool, False, "--simulate",
                   help="Use the built-in simulator: no key, no charge, real HTTP on loopback.")
ARTIFACTS = _option("artifacts_dir", Optional[str], None, "--artifacts-dir",
                    help="Where runs are saved (env GENMEDIA_ARTIFACTS_DIR; default here: %s)."
                    % config.shown_path(config.default_artifacts_root()))
QUIET = _option("quiet", bool, False, "--quiet", help="No progress on stderr (warnings still show).")
DOWNLOAD = _option("download", bool, True, "--download/--no-download",
                   help="Save results under the run's outputs/ (URLs are reported either way).")
TIMEOUT = _option("timeout", float, DEFAULT_TIMEOUT, "--timeout",
                  help="Wall-clock seconds to wait before exiting 5 with a resume command.")
DRY_RUN = _option("dry_run", bool, False, "--dry-run",
                  help="Validate and print the request that would be sent; send nothing.")
TASK_ID = _option("task_id", Optional[str], None, "--task-id", help="The task_id printed by run/submit.")
LIMIT = _option("limit", int, 20, "--limit", help="At most this many runs.")
STATUS = _option("status_filter", Optional[str], None, "--status", help="Only runs with this status.")
OUTPUT = _option("output", Optional[str], None, "--output",
                 help="Also copy the result here (a file, or a folder ending in /); several files get numbered names.")
OVERWRITE = _option("overwrite", bool, False, "--overwrite", help="Let --output replace an existing file.")
RESIZE = _option("resize", Optional[str], None, "--resize",
                 help="Images: also write these sizes (long side, px) beside --output, e.g. 24,48,72, or @1x=32,@2x,@3x "
                      "(@1x is the size you name, else 24), hero=160 (needs the [images] extra).")
FORMAT = _option("image_format", Optional[str], None, "--format",
                 help="Images: convert the --output file to webp, png or jpeg (needs the [images] extra).")
DELIVERY = [OUTPUT, OVERWRITE, RESIZE, FORMAT]
JSON = _option("json_output", bool, False, "--json",
               help="Print the JSON document even at a terminal (default there: a short summary; "
                    "env GENMEDIA_OUTPUT=json|human|auto).")
MAX_CREDITS = _option("max_credits", Optional[float], None, "--max-credits",
                      help="A budget: refuse (exit 6, nothing sent) a request whose known price is above N credits "
                           "(env GENMEDIA_MAX_CREDITS).")
YES_UNKNOWN_PRICE = _option("yes_unknown_price", bool, False, "--yes-unknown-price",
                            help="Under a budget, send a request whose price is unknown anyway.")
BUDGET = [MAX_CREDITS, YES_UNKNOWN_PRICE]


def check_timeout(value):
    if not value >= 0:  # also refuses NaN
        raise UsageError("--timeout: %r must be a number of seconds >= 0" % (value,))
    return value


def emit(document):
    """One JSON document on stdout, whatever the stream: ASCII-escaped when its encoding
    (cp1252 on a Windows pipe, ascii) cannot carry the text; nothing when stdout is closed
    (`>&-`) or its reader went away (`| head -c 10`): the exit code still tells."""
    stream = sys.stdout
    if stream is None:
        return
    text = to_json(document, indent=2) + "\n"
    try:
        text.encode(stream.encoding or "utf-8")
    except (UnicodeEncodeError, LookupError):
        text = to_json(document, indent=2, ensure_ascii=True) + "\n"
    try:
        stream.write(text)
        stream.flush()
    except (OSError, ValueError):  # EPIPE, EBADF, a closed file
        _silence_stdout()


def _write_stdout(text):
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except (AttributeError, OSError, ValueError):
        _silence_stdout()


def _stop_progress(ctx):
    progress = getattr(ctx, "progress", None)
    if progress is not None:
        progress.close()


def _silence_stdout():
    """Point fd 1 at /dev/null so the interpreter's final flush cannot complain either."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        sys.stdout = None


def _undecodable_option(kw):
    """The first option whose value holds bytes argv could not decode (surrogates)."""
    for name, value in kw.items():
        for item in value if isinstance(value, (list, tuple)) else [value]:
            if isinstance(item, str):
                try:
                    item.encode("utf-8")
                except UnicodeEncodeError:
                    return "--%s: %s is not valid UTF-8" % (name.replace("_", "-"), ascii(item))
    return None


def _one_line(text):
    return for_terminal(text)


class SkillCLI:
    """`SkillCLI(name, adapter, options_fn, help).main()` is a whole skill script.

    `options_fn` is a function whose keyword parameters are `Annotated[type, Option(...)]`
    (command/options.py; typer.Option works too, only slower to start); run and
    submit accept them and hand them, as a dict, to `adapter.prepare(options)`."""

    def __init__(self, name, adapter, options_fn, help, extra_commands=(), yes_help=None):
        self.name = name
        self.adapter = adapter
        self.options = params_of(options_fn)
        self.help = help
        # (name, handler(ctx, kw) -> (document, exit_code), [options.Param], help)
        self.extra_commands = list(extra_commands)
        if getattr(adapter, "models_catalog", None) and "models" not in [c[0] for c in self.extra_commands]:
            self.extra_commands.append(("models", lambda ctx, kw: (adapter.describe_models(), exit_codes.OK), [],
                                        "Print the models as JSON: typical time, durations, every option's "
                                        "allowed values and default."))
        self.yes = _option("yes", bool, False, "--yes",
                           help=yes_help or "Confirm a spending gate (none for this skill).")
        self.invocation = self.argv = None   # set by main()

    def make_context(self, kw):
        """The RunContext of one command from its parsed options (generation-tasks reuses it
        to continue a task in the skill that made it)."""
        from .run_context import RunContext

        ctx = RunContext(self.name, self.adapter, simulate=kw.get("simulate", False),
                         artifacts_dir=kw.get("artifacts_dir"), download=kw.get("download", True),
                         quiet=kw.get("quiet", False), yes=kw.get("yes", False), invocation=self.invocation)
        ctx.delivery = _delivery(kw)
        if "max_credits" in kw:   # commands that submit: the budget, from the option or the environment
            ctx.max_credits = config.max_credits(kw["max_credits"])
            ctx.yes_unknown_price = kw.get("yes_unknown_price", False)
        ctx.argv = self.argv   # this command's own arguments (e.g. repeated with --yes by a gate)
        return ctx

    def _timeout(self, kw):
        return check_timeout(kw["timeout"])

    def _request_options(self, kw):
        return {p.name: kw[p.name] for p in self.options}

    def needs_context(self):
        """True when preparing a request reads from the provider (e.g. CreatOK's limits)."""
        return bool(getattr(self.adapter, "prepare_needs_context", False))

    def prepare_request(self, options, ctx=None):
        """The checked request for `options` (a dict of this skill's options), as `run` sends it;
        `ctx` (a RunContext) is used only when needs_context()."""
        if self.needs_context():
            return self.adapter.prepare(options, ctx).check()
        return self.adapter.prepare(options).check()

    def cmd_run(self, ctx, kw, submit_only=False):
        from . import commands

        timeout = 0 if submit_only else self._timeout(kw)
        if not submit_only and timeout == 0:   # a paid submit, then an immediate exit 5: surely a slip
            raise UsageError("--timeout: 0 would submit the task and stop at once; give the seconds to wait "
                             "(default %g), or use `submit` to only submit it" % DEFAULT_TIMEOUT)
        prepared = self.prepare_request(self._request_options(kw), ctx)
        if kw["dry_run"]:
            return commands.dry_run(ctx, prepared)
        return commands.run(ctx, prepared, timeout=timeout, submit_only=submit_only)

    def cmd_submit(self, ctx, kw):
        return self.cmd_run(ctx, kw, submit_only=True)

    def cmd_status(self, ctx, kw):
        from . import commands

        return commands.status(ctx, kw["task_id"])

    def cmd_wait(self, ctx, kw):
        from . import commands

        return commands.wait(ctx, kw["task_id"], timeout=self._timeout(kw))

    def cmd_list(self, ctx, kw):
        from . import commands

        return commands.list_runs(ctx, limit=kw["limit"], status_filter=kw["status_filter"])

    def cmd_balance(self, ctx, kw):
        from . import commands

        return commands.balance(ctx)

    def commands(self):
        """[(name, handler(ctx, kw) -> (document, exit_code), [Param], help)] of this skill."""
        common = [SIMULATE, ARTIFACTS, QUIET]
        yes = self.yes
        return [
            ("run", self.cmd_run, self.options + [TIMEOUT, DRY_RUN, yes] + BUDGET + [DOWNLOAD] + DELIVERY + common,
             "Submit, then wait until the task finishes or --timeout runs out."),
            ("submit", self.cmd_submit, self.options + [DRY_RUN, yes] + BUDGET + common,
             "Submit only; prints the task_id at once (status queued)."),
            ("status", self.cmd_status, [TASK_ID, DOWNLOAD] + DELIVERY + common,
             "Ask once how a task is doing; updates its run (exit 0 pending/succeeded, 1 failed)."),
            ("wait", self.cmd_wait, [TASK_ID, TIMEOUT, yes, DOWNLOAD] + DELIVERY + common,
             "Resume waiting for a saved (or foreign) task until it finishes or --timeout."),
            ("list", self.cmd_list, [LIMIT, STATUS, ARTIFACTS, QUIET], "This skill's runs, newest first (JSON)."),
            ("balance", self.cmd_balance, common,
             "The provider account's remaining credits, where the provider has a balance endpoint (KIE)."),
        ] + [(name, handler, params + common if "simulate" not in [p.name for p in params] else params, doc)
             for name, handler, params, doc in self.extra_commands]

    def command_names(self):
        return [row[0] for row in self.commands()]

    def parsed_commands(self):
        """commands(), each also taking --json (every command of every skill)."""
        return [(name, handler, params if "json_output" in [p.name for p in params] else list(params) + [JSON], doc)
                for name, handler, params, doc in self.commands()]

    def app(self):
        """The typer app of this skill: built only for --help, errors and unusual command lines."""
        import typer

        app = typer.Typer(name=self.name, help=self.help + "\n\n" + EXIT_CODES_HELP, add_completion=False,
                          rich_markup_mode=None, pretty_exceptions_enable=False, no_args_is_help=True)
        for name, handler, params, doc in self.parsed_commands():
            app.command(name, help=doc, epilog=EXIT_CODES_HELP)(self._command(name, handler, params, typer))
        return app

    def _command(self, name, handler, params, typer=None):
        import inspect

        if typer is None:
            import typer

        def command(**kw):
            self._outcome = (handler, kw)
            return exit_codes.OK

        command.__name__ = name
        params = [as_param(p) for p in params]
        if "json_output" not in [p.name for p in params]:   # also for skills that build their own app()
            params.append(JSON)
        command.__signature__ = inspect.Signature([p.to_inspect(typer) for p in params])
        return command

    def main(self, argv=None, invocation=None):
        """Parse, run, print one JSON document, exit with the contract's code. `invocation` is
        how a console script started this skill ([command, skill name]); default: this script.

        Ctrl-C (and SIGTERM) raise KeyboardInterrupt only inside the try below: until then the
        entry script's bootstrap makes SIGINT exit 130 at once, and once the command is over
        both are ignored, so no moment of the process ends in a traceback."""
        code = None
        try:
            signal.signal(signal.SIGINT, signal.default_int_handler)
            signal.signal(signal.SIGTERM, _raise_interrupt)
            code = self._main(argv, invocation)
        except KeyboardInterrupt:
            signal.signal(signal.SIGINT, signal.SIG_IGN)   # first: a C call, so no second one lands here
            if code is None:   # a signal after the command printed its document keeps its exit code
                code = exit_codes.INTERRUPTED
        except Exception as exc:   # a bug outside a command's own handling: one line, never a traceback
            code = self._error(GenmediaError("internal error: %s: %s" % (type(exc).__name__, exc)))
        finally:
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
        sys.exit(code)

    def _main(self, argv, invocation):
        config.register_configured_keys()   # all providers' keys, not only this skill's
        for stream in (sys.stdout, sys.stderr):  # stderr lines survive a cp1252/ascii console
            try:
                stream.reconfigure(errors="backslashreplace")
            except (AttributeError, ValueError, OSError):
                pass
        argv = sys.argv[1:] if argv is None else argv
        self.invocation, self.argv = invocation, list(argv)
        self.for_people = output_mode.human(output_mode.argv_forces_json(argv))
        self._outcome = None
        code = self._parse(argv)
        if self._outcome is not None and code == exit_codes.OK:
            code = self._execute(*self._outcome)
        return code

    def _parse(self, argv):
        if not argv:  # decided here: click < 8.2 (all Python 3.9 gets) would print help, exit 0
            names = self.command_names()
            return self._error(UsageError("missing command: one of %s (see --help)" % ", ".join(names)))
        for name, handler, params, _ in self.parsed_commands():   # a plain command line: no typer needed
            if name == argv[0]:
                values = fast_parse(params, argv[1:])
                if values is not None:
                    self._outcome = (handler, values)
                    return exit_codes.OK
        return self._typer_parse(argv)

    def _typer_parse(self, argv):
        import typer
        try:
            from typer import _click as click  # typer >= 0.26 vendors click
        except ImportError:
            import click

        if tuple(int(part) for part in typer.__version__.split(".")[:2]) < (0, 12):   # Debian/Ubuntu ship older
            return self._error(GenmediaError("the genmedia-skills runtime is missing a dependency: typer %s is too "
                                             "old, it needs typer >= 0.12 (pip install 'typer>=0.12,<0.29')"
                                             % typer.__version__, kind="runtime_missing"))
        try:
            command = typer.main.get_command(self.app())
            prog = self.name
            if self.invocation:   # "genmedia-skills giggle-generation-image" in usage lines
                prog = " ".join([os.path.basename(self.invocation[0])] + self.invocation[1:])
            code = command.main(args=argv, prog_name=prog, standalone_mode=False)
            return code if isinstance(code, int) else exit_codes.OK
        except click.exceptions.ClickException as exc:
            return self._error(UsageError(_with_allowed(exc, self.command_names(), click)))
        except (getattr(click.exceptions, "Abort", None) or getattr(typer, "Abort", KeyboardInterrupt),
                KeyboardInterrupt):   # Ctrl-C at a prompt; typer >= 0.26 vendors click without Abort
            return exit_codes.INTERRUPTED

    def _execute(self, handler, kw):
        ctx = None
        try:
            output_mode.env_mode()   # a mistyped GENMEDIA_OUTPUT is named, not ignored
            problem = _undecodable_option(kw)
            if problem:
                raise UsageError(problem)
            ctx = self.make_context(kw)
            document, code = handler(ctx, kw)
            _stop_progress(ctx)   # the live line ends before the summary or the document
            summarized = self._emit(document)
            error = document.get("error") if isinstance(document, dict) else None
            if error and code in ENDS_IN_ERROR and not summarized:   # the run's own error, as the last stderr line
                self._say_error(error.get("message") or error.get("kind") or "failed")
            return code
        except GenmediaError as exc:
            return self._error(exc)
        except KeyboardInterrupt:
            return exit_codes.INTERRUPTED
        except Exception as exc:  # a bug: one line, never a traceback
            return self._error(GenmediaError("internal error: %s: %s" % (type(exc).__name__, exc)))
        finally:
            if ctx is not None:
                ctx.close()

    def _emit(self, document):
        """The summary for a person at a terminal (True), else the JSON document (False)."""
        if getattr(self, "for_people", False):
            from . import human_summary

            text = human_summary.render(document, colour=output_mode.colour_allowed(sys.stdout),
                                        gallery=human_summary.gallery_command(self.invocation))
            if text is not None:
                _write_stdout(text)
                return True
        emit(document)
        return False

    def _say_error(self, message):
        try:
            sys.stderr.write("%s: error: %s\n" % (self.name, _one_line(message)))
            sys.stderr.flush()
        except (AttributeError, OSError, ValueError):  # stderr closed (`2>&-`): stdout still says it
            pass

    def _error(self, exc):
        message = _one_line(exc.message)
        self._say_error(message)
        self._emit({"skill": self.name, "error": dict(exc.to_dict(), message=message), "exit_code": exc.exit_code})
        return exc.exit_code


def _with_allowed(exc, commands, click):
    """click's message, plus what is allowed when it names something unknown (the contract:
    every error names the value and what is allowed)."""
    message = exc.format_message()
    if isinstance(exc, click.exceptions.NoSuchOption) and exc.ctx is not None:
        names = sorted(name for param in exc.ctx.command.params
                       for name in list(param.opts) + list(getattr(param, "secondary_opts", ()))
                       if name.startswith("--"))
        message = "%s; options of `%s`: %s" % (message.rstrip("."), exc.ctx.info_name, ", ".join(names))
    elif message.startswith("No such command"):
        message = "%s; commands: %s" % (message.rstrip("."), ", ".join(commands))
    return message


def _delivery(kw):
    """The --output request (delivery.spec), or None; delivery flags without --output are an error."""
    if not kw.get("output"):
        for name, flag in (("resize", "--resize"), ("image_format", "--format"), ("overwrite", "--overwrite")):
            if kw.get(name):
                raise UsageError("%s: needs --output (where to deliver the files)" % flag)
        return None
    if not kw.get("download", True):
        raise UsageError("--output: cannot deliver files with --no-download; drop one of them")
    from ..media import delivery

    return delivery.spec(kw["output"], overwrite=kw.get("overwrite"), resize=kw.get("resize"),
                         fmt=kw.get("image_format"))


def _raise_interrupt(signum, frame):
    raise KeyboardInterrupt
