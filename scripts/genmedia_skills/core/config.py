"""Configuration from the environment, with explicit precedence.

Command-line option > environment variable > built-in default. API keys are
read from the environment only (never argv) and registered for redaction.

| variable                   | meaning                                         | default            |
|----------------------------|-------------------------------------------------|--------------------|
| GENMEDIA_ARTIFACTS_DIR     | artifact root                                   | see default_artifacts_root |
| GENMEDIA_STATE_DIR         | per-user state shared by every root (pay ledger)| see state_dir()    |
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

BUNDLE_ROOT = Path(__file__).resolve().parents[3]   # the bundle when this runs from scripts/ in it
# The bundle's schemas/ is the source of truth; a wheel ships a copy inside the package.
_PACKAGE_SCHEMAS = Path(__file__).resolve().parents[1] / "schemas"
SCHEMAS_DIR = (BUNDLE_ROOT / "schemas" if (BUNDLE_ROOT / "schemas" / "result.schema.json").is_file()
               else _PACKAGE_SCHEMAS)
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


MAX_CREDITS_ENV = "GENMEDIA_MAX_CREDITS"


def max_credits(cli_value=None):
    """The spending budget in credits: --max-credits, else $GENMEDIA_MAX_CREDITS, else None (no budget)."""
    if cli_value is not None:
        if not cli_value >= 0:   # also refuses NaN
            raise UsageError("--max-credits: %r must be a number of credits >= 0" % (cli_value,))
        return cli_value
    return _float_env(MAX_CREDITS_ENV, None)


def user_data_dir():
    """This user's folder for the bundle: $XDG_DATA_HOME/genmedia-skills, else
    ~/.local/share/genmedia-skills (%LOCALAPPDATA%\\genmedia-skills on Windows)."""
    base = os.environ.get("XDG_DATA_HOME", "").strip()
    if not os.path.isabs(base):   # the XDG spec says to ignore a relative value
        local = os.environ.get("LOCALAPPDATA", "") if os.name == "nt" else ""
        base = local or str(Path.home() / ".local" / "share")
    return Path(base) / "genmedia-skills"


def development_checkout(bundle=BUNDLE_ROOT):
    """The project's own working copy: pyproject.toml with a .venv/ beside it. The README's
    setup creates .venv and git ignores it, so no installer's copy has one (plugin caches,
    `npx skills` folders, OpenClaw's whole-repo install, which even keeps .git)."""
    return (bundle / "pyproject.toml").is_file() and (bundle / ".venv").is_dir()


def default_artifacts_root():
    """<checkout>/.artifacts in a development checkout; everywhere else (installed copies,
    which installers replace on update, and the installed package) a per-user folder."""
    return BUNDLE_ROOT / ".artifacts" if development_checkout() else user_data_dir() / "artifacts"


def shown_path(path):
    """`path` for help texts: ~/... under the home folder (short enough not to be wrapped)."""
    home = str(Path.home())
    text = str(path)
    return "~" + text[len(home):] if home != os.sep and text.startswith(home + os.sep) else text


float_env = _float_env   # for modules with their own numeric settings


def cache_dir():
    """Per-user cache root (never inside a run: caches outlive runs, runs are records)."""
    env = os.environ.get("GENMEDIA_CACHE_DIR")
    if env:
        return Path(env).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "genmedia-skills"


def artifacts_root(cli_value=None):
    """--artifacts-dir > GENMEDIA_ARTIFACTS_DIR > default_artifacts_root()."""
    if cli_value:
        return Path(cli_value).expanduser()
    env = os.environ.get("GENMEDIA_ARTIFACTS_DIR")
    return Path(env).expanduser() if env else default_artifacts_root()


def state_dir():
    """Per-user state every artifact root shares (the pay ledger): $GENMEDIA_STATE_DIR,
    else user_data_dir()."""
    env = os.environ.get("GENMEDIA_STATE_DIR")
    if env and env.strip():
        return Path(env).expanduser()
    return user_data_dir()


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
    return _float_env("GENMEDIA_POLL_SCALE", sim_time_scale() if simulate else 1.0, minimum=0.00001)


class Credentials:
    """Where to send requests and the key to send, for one provider."""

    def __init__(self, base_url, api_key, simulated=False, bases=None):
        self.base_url = base_url.rstrip("/")
        self.bases = dict(bases or {})   # the provider's other hosts by role (e.g. upload)
        self.api_key = api_key
        self.simulated = simulated

    def __repr__(self):  # never show the key, even in a debugger or a traceback
        return "Credentials(base_url=%r, simulated=%r)" % (self.base_url, self.simulated)


def _base(var, default):
    base = (os.environ.get(var) or "").strip() or default
    if not base.startswith(("http://", "https://")):
        raise UsageError("environment %s=%r: expected an http(s) URL" % (var, base))
    return base


# Every provider's key variable (each adapter's key_var; a test keeps them in step). All are
# masked in every output, whichever provider a command talks to: a provider may echo any of them.
KEY_VARS = ("GIGGLE_API_KEY", "KIE_AI_API_KEY", "CREATOK_API_KEY")


def register_configured_keys():
    """Register every configured key for redaction, before a command does anything."""
    for var in KEY_VARS:
        raw = os.environ.get(var) or ""
        if raw.strip():
            register_secret(raw)


def _key_problem(key):
    """Why `key` cannot be sent in an HTTP header as-is, or None. Never shows the key."""
    for char in key:
        if not ("!" <= char <= "~"):   # visible ASCII only: what every provider's keys use
            return "it contains %s" % ("a space" if char == " " else "a non-ASCII character" if char > "\x9f"
                                       else "a control character (e.g. a newline or tab)")
    return None


def credentials(key_var, base_var, default_base, *, key_help, required=True, extra_bases=None):
    """Read a provider's key and base URL (plus its other hosts: extra_bases is
    {role: (env var, default)}) from the environment.

    Surrounding whitespace (a pasted newline) is dropped; a key with anything but
    visible ASCII inside is refused (exit 3) before anything is written or sent."""
    raw = os.environ.get(key_var) or ""
    if raw.strip():
        register_secret(raw)   # first: whatever happens next, no spelling of it may leak
    key = raw.strip()
    base = _base(base_var, default_base)
    bases = {role: _base(var, default) for role, (var, default) in (extra_bases or {}).items()}
    problem = _key_problem(key)
    if problem:
        raise AuthError("%s is not a usable API key: %s; copy the key again from the provider's "
                        "dashboard" % (key_var, problem), kind="invalid_key")
    if not key and required:
        raise AuthError("%s is not set: %s" % (key_var, key_help), kind="missing_key")
    return Credentials(base, key or None, bases=bases)
