"""What one command invocation works with: store, HTTP client, progress, simulator."""

import os
import shlex
import shutil
import sys

from ..core import config
from . import simulation
from ..store.artifact_store import ArtifactStore
from ..core.errors import RunNotSaved, UsageError
from .progress import Progress
from ..http.retry_policy import RetryPolicy
from ..core.redaction import register_secret


class RunContext:
    def __init__(self, skill, adapter, *, simulate=False, artifacts_dir=None, download=True, quiet=False,
                 yes=False, invocation=None, simulator=None):
        self.skill = skill
        # how this skill was started, to print commands that resume it: [python, script] or
        # [console command, skill name]
        self.invocation = list(invocation) if invocation else script_invocation()
        self.adapter = adapter
        self.argv = None   # the command's arguments, when the CLI made this context
        self.simulated = simulate
        self.artifacts_dir = artifacts_dir
        self.store = ArtifactStore(config.artifacts_root(artifacts_dir))
        self.download = download
        self.yes = yes   # the user confirmed spending gates (--yes)
        self.max_credits = None          # the spending budget (budget.py), set by run/submit
        self.yes_unknown_price = False   # under a budget, a request of unknown price may still go
        self.progress = Progress(skill, quiet)
        self._http = None
        self._simulator = simulator   # shared by several contexts (a batch): not stopped by close()
        self._owns_simulator = simulator is None

    @property
    def poll_scale(self):
        return config.poll_scale(self.simulated)

    @property
    def time_scale(self):
        """Wall seconds per provider second: the simulator's clock under --simulate."""
        return config.sim_time_scale() if self.simulated else 1.0

    def credentials(self):
        """Where to send and with which key; AuthError (exit 3) when the key is missing."""
        adapter = self.adapter
        if self.simulated:
            if self._simulator is None:
                try:
                    self._simulator = simulation.start(self.store.root)
                except OSError as exc:  # its task state lives under the artifact root
                    raise self.unwritable(exc) from None
            key = simulation.key_for(adapter.provider)
            register_secret(key)
            return config.Credentials(self._simulator.base_url, key, simulated=True,
                                      bases={name: self._simulator.base_url
                                             for name in getattr(adapter, "extra_bases", {})})
        return config.credentials(adapter.key_var, adapter.base_var, adapter.default_base,
                                  key_help=adapter.key_help, extra_bases=getattr(adapter, "extra_bases", None))

    def connect(self):
        """The HTTP client, created on first use; raises AuthError when the key is missing."""
        return self.http

    @property
    def http(self):
        if self._http is None:
            creds = self.credentials()
            scale = self.poll_scale  # backoff shrinks with the poll scale; Retry-After never does
            from ..http.http_client import HttpClient   # requests loads here: list/show/--dry-run never need it

            self._http = HttpClient(creds.base_url, self.adapter.headers(creds.api_key),
                                    config.http_timeouts(), on_retry=self.progress.warn,
                                    policy=RetryPolicy(base=0.5 * scale, cap=8.0 * scale),
                                    time_scale=scale, bases=creds.bases, on_note=self.progress.say,
                                    identity=("simulator:%s" % self._simulator.state_dir) if self.simulated else None)
        return self._http

    def unwritable(self, exc):
        """The error for an artifact root we cannot write (a file, read-only, full): it names
        the setting to change; nothing has been sent yet when it is raised."""
        return RunNotSaved("%s %s cannot be written (%s); nothing was sent"
                           % (config.artifacts_root_source(self.artifacts_dir), self.store.root, _reason(exc)))

    def unreadable(self, exc):
        return unreadable_root(self.artifacts_dir, self.store.root, exc)

    def resume_command(self, task_id, yes=False):
        """The exact command that resumes `task_id` (what `next` shows); `yes` adds the
        spending confirmation a payment gate needs."""
        argv = self.invocation + ["wait", "--task-id", task_id]
        if self.simulated:
            argv.append("--simulate")
        root = self.store.root.absolute()
        if self.artifacts_dir or root != config.default_artifacts_root().absolute():
            # also a root from GENMEDIA_ARTIFACTS_DIR: another shell may lack it; absolute,
            # like the script path, so the command works from any folder
            argv += ["--artifacts-dir", str(root)]
        if yes:
            argv.append("--yes")
        return " ".join(shlex.quote(part) for part in argv)

    def this_command(self):
        """This very command, started the way this one was (what to run again when --timeout
        ran out before anything was sent)."""
        args = self.argv if self.argv is not None else sys.argv[1:]
        return " ".join(shlex.quote(part) for part in self.invocation + list(args))

    def close(self):
        self.progress.close()
        if self._http is not None:
            self._http.session.close()
        if self._simulator is not None and self._owns_simulator:
            self._simulator.stop()
            self._simulator = None


def script_invocation():
    """[python, absolute path of the running entry script]."""
    script = sys.argv[0] or "script.py"
    return [python_command(), os.path.abspath(script) if os.path.isfile(script) else script]


def command_invocation(argv0):
    """A console script by the name PATH finds it under, else by its full path."""
    name = os.path.basename(argv0)
    found = shutil.which(name)
    if found and os.path.realpath(found) == os.path.realpath(argv0):
        return name
    return os.path.abspath(argv0) if os.path.sep in argv0 else argv0


def python_command():
    """`python3` when that is what PATH finds, else the interpreter's full path."""
    for name in ("python3", "python"):
        found = shutil.which(name)
        if found and os.path.realpath(found) == os.path.realpath(sys.executable):
            return name
    return os.path.normpath(sys.executable)   # not realpath: a venv's python is a symlink to keep


def _reason(exc):
    return getattr(exc, "reason", None) or getattr(exc, "strerror", None) or exc


def unreadable_root(artifacts_dir, root, exc):
    """The error for an artifact root whose runs cannot be listed (a file, unreadable): one
    line naming the setting that chose it and the cause, never an empty list."""
    return UsageError("%s %s cannot be read (%s): point it at a folder"
                      % (config.artifacts_root_source(artifacts_dir), root, _reason(exc)), kind="artifacts_root")
