"""Configuration from the environment, with explicit precedence.

Command-line option > environment variable > built-in default. API keys are
read from the environment only (never argv) and registered for redaction.

| variable                   | meaning                                         | default            |
|----------------------------|-------------------------------------------------|--------------------|
| GENMEDIA_ARTIFACTS_DIR     | artifact root                                   | <bundle>/.artifacts|
| GENMEDIA_CONNECT_TIMEOUT   | seconds to establish a connection               | 10                 |
| GENMEDIA_READ_TIMEOUT      | seconds to wait for an answer                   | 30                 |
| GENMEDIA_POLL_SCALE        | multiplies poll and retry-backoff delays        | 1 (0.03 simulated) |
| GENMEDIA_SIM_TIME_SCALE    | simulated job durations multiplier (--simulate) | 0.03               |
| GENMEDIA_SIM_FAULTS        | faults for the built-in simulator               | none               |
| GENMEDIA_CACHE_DIR         | short-lived per-user caches (capabilities)      | ~/.cache/genmedia-skills |
"""

import os
from pathlib import Path

from .errors import AuthError, UsageError
from .redaction import register_secret

BUNDLE_ROOT = Path(__file__).resolve().parents[2]
SCHEMAS_DIR = BUNDLE_ROOT / "schemas"
DEFAULT_SIM_TIME_SCALE = 0.03   # a 20-minute music video takes ~35 s under --simulate


def _float_env(name, default, *, minimum=0.0):
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        value = None
    if value is None or value < minimum or value != value:
        raise UsageError("environment %s=%r: expected a number >= %g" % (name, raw, minimum))
    return value


float_env = _float_env   # for modules with their own numeric settings


def cache_dir():
    """Per-user cache root (never inside a run: caches outlive runs, runs are records)."""
    env = os.environ.get("GENMEDIA_CACHE_DIR")
    if env:
        return Path(env).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "genmedia-skills"


def artifacts_root(cli_value=None):
    if cli_value:
        return Path(cli_value).expanduser()
    env = os.environ.get("GENMEDIA_ARTIFACTS_DIR")
    return Path(env).expanduser() if env else BUNDLE_ROOT / ".artifacts"


def http_timeouts():
    """(connect, read) seconds for every request."""
    return (_float_env("GENMEDIA_CONNECT_TIMEOUT", 10.0, minimum=0.01),
            _float_env("GENMEDIA_READ_TIMEOUT", 30.0, minimum=0.01))


def sim_time_scale():
    return _float_env("GENMEDIA_SIM_TIME_SCALE", DEFAULT_SIM_TIME_SCALE, minimum=0.0001)


def poll_scale(simulate=False):
    """Poll delays shrink with the simulated clock so --simulate stays quick."""
    return _float_env("GENMEDIA_POLL_SCALE", sim_time_scale() if simulate else 1.0, minimum=0.0001)


class Credentials:
    """Where to send requests and the key to send, for one provider."""

    def __init__(self, base_url, api_key, simulated=False):
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.simulated = simulated

    def __repr__(self):  # never show the key, even in a debugger or a traceback
        return "Credentials(base_url=%r, simulated=%r)" % (self.base_url, self.simulated)


def credentials(key_var, base_var, default_base, *, key_help, required=True):
    """Read a provider's key and base URL from the environment."""
    key = (os.environ.get(key_var) or "").strip()
    base = (os.environ.get(base_var) or "").strip() or default_base
    if not base.startswith(("http://", "https://")):
        raise UsageError("environment %s=%r: expected an http(s) URL" % (base_var, base))
    if key:
        register_secret(key)
    elif required:
        raise AuthError("%s is not set: %s" % (key_var, key_help), kind="missing_key")
    return Credentials(base, key or None)
