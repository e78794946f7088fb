"""genmedia_skills.simulator: a contract double of the media-generation providers over real HTTP.

Used by the CLI's `--simulate`, by the tests and by the benchmarks. Stdlib only, so
importing it costs a few milliseconds. Providers plug in as modules exposing
`register(sim, router)` (see PROVIDER_MODULES); today: giggle, kie and creatok.

    with Simulator(state_dir=tmp, time_scale=0.01) as sim:
        sim.faults.add("giggle.query", "http_429", retry_after=1)
        sim.outcomes.add("moderation")
        requests.post(sim.base_url + "/api/v1/generation/text-to-image", ...)
"""
import importlib
import os
import socket
import tempfile
import threading
from pathlib import Path

from .credits import CreditLedger
from .faults import FaultPlan, OutcomePlan, apply_spec, parse_spec
from .media import UrlSigner
from .routing import Router
from .server import RequestLog, RequestRecord, SimHTTPServer
from .task_store import TaskStore

__all__ = ["Simulator", "SIMULATOR_KEYS", "RequestRecord", "FaultPlan", "OutcomePlan",
           "parse_spec", "default_state_dir", "FAULTS_ENV", "STATE_DIR_ENV", "NEW_MODELS_ENV",
           "parse_new_models"]

# The keys the CLI sends under --simulate; a real key is never needed or accepted here.
SIMULATOR_KEYS = {"giggle": "sk-sim-giggle-0000", "kie": "sk-sim-kie-0000", "creatok": "ok_sim-creatok-0000"}
PROVIDER_MODULES = ("giggle", "kie", "creatok")
FAULTS_ENV = "GENMEDIA_SIM_FAULTS"
# Models the simulated providers serve although no catalog of ours lists them yet, e.g.
# "giggle:seedream50,kie:vendor/new-model": how to try a model the day it ships.
NEW_MODELS_ENV = "GENMEDIA_SIM_NEW_MODELS"
STATE_DIR_ENV = "GENMEDIA_SIM_STATE_DIR"


def default_state_dir():
    """Where tasks live when no state_dir is given: stable per user, so a later process
    (e.g. `wait --simulate` after `submit --simulate`) finds the same tasks."""
    if os.environ.get(STATE_DIR_ENV):
        return Path(os.environ[STATE_DIR_ENV])
    user = str(os.getuid()) if hasattr(os, "getuid") else os.environ.get("USERNAME", "user")
    return Path(tempfile.gettempdir()) / ("genmedia-simulator-" + user)


def parse_new_models(spec):
    """"giggle:a,kie:b/c" -> {"giggle": {"a"}, "kie": {"b/c"}}; ValueError on a bad entry."""
    found = {}
    for item in filter(None, (part.strip() for part in (spec or "").split(","))):
        provider, sep, model = item.partition(":")
        if not sep or provider not in PROVIDER_MODULES or not model.strip():
            raise ValueError("%r is not <provider>:<model> with provider one of %s"
                             % (item, ", ".join(PROVIDER_MODULES)))
        found.setdefault(provider, set()).add(model.strip())
    return found


class Simulator(object):
    """One simulator instance: providers' routes on a loopback HTTP server.

    state_dir:   tasks + URL-signing secret (shared by every process using it).
    time_scale:  real seconds per provider second (0.01 turns 40 s into 0.4 s).
    accept_keys: {provider: iterable of keys}; None -> SIMULATOR_KEYS.
    faults:      spec string (see faults.parse_spec); None -> $GENMEDIA_SIM_FAULTS.
    url_ttl:     lifetime in seconds of signed result URLs.
    credits:     {provider or "*": starting balance}; None -> $GENMEDIA_SIM_CREDITS (see credits.py).
    new_models:  {provider: model names} served beyond our catalogs; None -> $GENMEDIA_SIM_NEW_MODELS.
    """

    def __init__(self, state_dir=None, time_scale=1.0, accept_keys=None, faults=None,
                 host="127.0.0.1", port=0, url_ttl=3600.0, credits=None, new_models=None):
        if isinstance(time_scale, bool) or not isinstance(time_scale, (int, float)) or time_scale < 0:
            raise ValueError("time_scale must be a number >= 0, got %r" % (time_scale,))
        self.state_dir = Path(state_dir) if state_dir is not None else default_state_dir()
        self.time_scale = float(time_scale)
        self.url_ttl = float(url_ttl)
        self.host, self.port = host, int(port)
        if accept_keys is None:
            accept_keys = {p: [k] for p, k in SIMULATOR_KEYS.items()}
        self.accept_keys = {p: frozenset(keys) for p, keys in accept_keys.items()}
        if new_models is None:
            try:
                new_models = parse_new_models(os.environ.get(NEW_MODELS_ENV, ""))
            except ValueError as exc:
                raise ValueError("%s=%r: %s" % (NEW_MODELS_ENV, os.environ.get(NEW_MODELS_ENV), exc)) from None
        self.new_models = {p: set(names) for p, names in new_models.items()}
        self.store = TaskStore(self.state_dir)
        self.credits = CreditLedger(self.state_dir, credits)   # ValueError on a bad $GENMEDIA_SIM_CREDITS
        self.signer = UrlSigner(self.state_dir)
        self.router = Router()
        for name in PROVIDER_MODULES:
            importlib.import_module("." + name, __name__).register(self, self.router)
        self.faults = FaultPlan(known_routes=self.router.names())
        self.outcomes = OutcomePlan()
        self.log = RequestLog()
        spec = os.environ.get(FAULTS_ENV, "") if faults is None else faults
        apply_spec(spec, self.faults, self.outcomes)  # ValueError on a bad spec
        self.state_dir.mkdir(parents=True, exist_ok=True)  # only once the config is valid
        self._server = None
        self._thread = None
        self._base_url = None
        self._dial = None

    # -- lifecycle -------------------------------------------------------------------
    def start(self):
        if self._server is not None:
            raise RuntimeError("simulator already started")
        self._server = SimHTTPServer((self.host, self.port), self)
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.05},
                                        name="genmedia-simulator", daemon=True)
        self._thread.start()
        host, port = self._server.server_address[:2]
        if host in ("0.0.0.0", ""):
            host = "127.0.0.1"  # a URL clients can actually dial
        self._dial = (host, port)
        self._base_url = "http://%s:%d" % (host, port)
        return self

    def stop(self):
        server, self._server = self._server, None
        if server is None:
            return
        server.stopping.set()        # release handlers sleeping in a "hang" fault
        # shutdown() waits for serve_forever's next poll (50 ms); a throwaway connection
        # wakes its select() at once, which keeps test fixtures fast.
        shutter = threading.Thread(target=server.shutdown, daemon=True)
        shutter.start()
        for _ in range(3):
            try:
                socket.create_connection(self._dial, timeout=0.2).close()
            except OSError:
                pass
            shutter.join(0.02)
            if not shutter.is_alive():
                break
        shutter.join(5.0)
        server.close_connections()   # idle keep-alive sockets would keep serving
        server.server_close()
        self._thread.join(timeout=2.0)

    def __enter__(self):
        return self.start() if self._server is None else self

    def __exit__(self, *exc):
        self.stop()

    @property
    def running(self):
        return self._server is not None

    @property
    def base_url(self):
        """http://host:port of the bound socket (kept after stop() for reference)."""
        if self._base_url is None:
            raise RuntimeError("simulator not started")
        return self._base_url

    # -- inspection ------------------------------------------------------------------
    @property
    def requests(self):
        """Snapshot list of RequestRecord (header names lower-cased)."""
        return self.log.snapshot()

    def count(self, route):
        """Requests seen on `route` (exact name, "<provider>.submit" or "*"), faulted included."""
        return self.log.count(route)

    def tasks(self, provider=None):
        """Stored task records (dicts), oldest first, from this state dir."""
        return self.store.all(provider)

    def __repr__(self):
        where = self.base_url if self._server else "stopped"
        return "<Simulator %s state_dir=%s>" % (where, self.state_dir)
