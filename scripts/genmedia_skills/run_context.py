"""What one command invocation works with: store, HTTP client, progress, simulator."""

import os
import shlex
import shutil
import sys

from . import config, simulation
from .artifact_store import ArtifactStore
from .http_client import HttpClient
from .progress import Progress
from .retry_policy import RetryPolicy
from .redaction import register_secret


class RunContext:
    def __init__(self, skill, adapter, *, simulate=False, artifacts_dir=None, download=True, quiet=False,
                 yes=False, simulator=None):
        self.skill = skill
        self.adapter = adapter
        self.simulated = simulate
        self.artifacts_dir = artifacts_dir
        self.store = ArtifactStore(config.artifacts_root(artifacts_dir))
        self.download = download
        self.yes = yes   # the user confirmed spending gates (--yes)
        self.progress = Progress(skill, quiet)
        self._http = None
        self._simulator = simulator   # shared by several contexts (a batch): not stopped by close()
        self._owns_simulator = simulator is None

    @property
    def poll_scale(self):
        return config.poll_scale(self.simulated)

    def credentials(self):
        """Where to send and with which key; AuthError (exit 3) when the key is missing."""
        adapter = self.adapter
        if self.simulated:
            if self._simulator is None:
                self._simulator = simulation.start(self.store.root)
            key = simulation.key_for(adapter.provider)
            register_secret(key)
            return config.Credentials(self._simulator.base_url, key, simulated=True)
        return config.credentials(adapter.key_var, adapter.base_var, adapter.default_base,
                                  key_help=adapter.key_help)

    def connect(self):
        """The HTTP client, created on first use; raises AuthError when the key is missing."""
        return self.http

    @property
    def http(self):
        if self._http is None:
            creds = self.credentials()
            scale = self.poll_scale  # backoff shrinks with the poll scale; Retry-After never does
            self._http = HttpClient(creds.base_url, self.adapter.headers(creds.api_key),
                                    config.http_timeouts(), on_retry=self.progress.warn,
                                    policy=RetryPolicy(base=0.5 * scale, cap=8.0 * scale))
        return self._http

    def resume_command(self, task_id, yes=False):
        """The exact command that resumes `task_id` (what `next` shows); `yes` adds the
        spending confirmation a payment gate needs."""
        argv = [_python(), sys.argv[0] or "script.py", "wait", "--task-id", task_id]
        if yes:
            argv.append("--yes")
        if self.simulated:
            argv.append("--simulate")
        if self.artifacts_dir:
            argv += ["--artifacts-dir", str(self.artifacts_dir)]
        return " ".join(shlex.quote(part) for part in argv)

    def close(self):
        if self._http is not None:
            self._http.session.close()
        if self._simulator is not None and self._owns_simulator:
            self._simulator.stop()
            self._simulator = None


def _python():
    """`python3` when that is what PATH finds, else the interpreter's full path."""
    for name in ("python3", "python"):
        found = shutil.which(name)
        if found and os.path.realpath(found) == os.path.realpath(sys.executable):
            return name
    return sys.executable
