"""Configuration from the environment, with explicit precedence.

Command-line option > environment variable > built-in default. API keys are
read from the environment only (never argv) and registered for redaction.

| variable                   | meaning                                         | default            |
|----------------------------|-------------------------------------------------|--------------------|
| GENMEDIA_ARTIFACTS_DIR     | artifact root                                   | <bundle>/.artifacts|
| GENMEDIA_STATE_DIR         | per-user state shared by every root (pay ledger)| see state_dir()    |
| GENMEDIA_CONNECT_TIMEOUT   | seconds to establish a connection               | 10                 |
| GENMEDIA_READ_TIMEOUT      | seconds to wait for an answer                   | 30                 |
| GENMEDIA_POLL_SCALE        | multiplies poll and retry-backoff delays        | 1 (0.03 simulated) |
| GENMEDIA_SIM_TIME_SCALE    | simulated job durations multiplier (--simulate) | 0.03               |
| GENMEDIA_SIM_FAULTS        | faults for the built-in simulator               | none               |
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


DEFAULT_ARTIFACTS_ROOT = BUNDLE_ROOT / ".artifacts"


def artifacts_root(cli_value=None):
    if cli_value:
        return Path(cli_value).expanduser()
    env = os.environ.get("GENMEDIA_ARTIFACTS_DIR")
    return Path(env).expanduser() if env else DEFAULT_ARTIFACTS_ROOT


def state_dir():
    """Per-user state every artifact root shares (the pay ledger): $GENMEDIA_STATE_DIR,
    else $XDG_DATA_HOME/genmedia-skills, else ~/.local/share/genmedia-skills."""
    env = os.environ.get("GENMEDIA_STATE_DIR")
    if env and env.strip():
        return Path(env).expanduser()
    xdg = os.path.expanduser(os.environ.get("XDG_DATA_HOME") or "")
    base = Path(xdg) if os.path.isabs(xdg) else Path.home() / ".local" / "share"   # the XDG spec ignores relative
    return base / "genmedia-skills"


def artifacts_root_source(cli_value=None):
    """Which setting chose the artifact root, for error messages that tell the user what to change."""
    if cli_value:
        return "--artifacts-dir"
    if os.environ.get("GENMEDIA_ARTIFACTS_DIR"):
        return "GENMEDIA_ARTIFACTS_DIR"
    return "the default artifact root (set GENMEDIA_ARTIFACTS_DIR or --artifacts-dir)"


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


def _key_problem(key):
    """Why `key` cannot be sent in an HTTP header as-is, or None. Never shows the key."""
    for char in key:
        if not ("!" <= char <= "~"):   # visible ASCII only: what every provider's keys use
            return "it contains %s" % ("a space" if char == " " else "a non-ASCII character" if char > "\x9f"
                                       else "a control character (e.g. a newline or tab)")
    return None


def credentials(key_var, base_var, default_base, *, key_help, required=True):
    """Read a provider's key and base URL from the environment.

    Surrounding whitespace (a pasted newline) is dropped; a key with anything but
    visible ASCII inside is refused (exit 3) before anything is written or sent."""
    raw = os.environ.get(key_var) or ""
    if raw.strip():
        register_secret(raw)   # first: whatever happens next, no spelling of it may leak
    key = raw.strip()
    base = (os.environ.get(base_var) or "").strip() or default_base
    if not base.startswith(("http://", "https://")):
        raise UsageError("environment %s=%r: expected an http(s) URL" % (base_var, base))
    problem = _key_problem(key)
    if problem:
        raise AuthError("%s is not a usable API key: %s; copy the key again from the provider's "
                        "dashboard" % (key_var, problem), kind="invalid_key")
    if not key and required:
        raise AuthError("%s is not set: %s" % (key_var, key_help), kind="missing_key")
    return Credentials(base, key or None)
