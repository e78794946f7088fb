"""--simulate: the built-in simulator, started in-process on a free loopback port.

Its task state lives under <artifacts root>/.simulator, so a task submitted by
one `run --simulate` can be resumed by a later `wait --simulate`.
"""

import os

from ..core import config
from ..core.errors import UsageError


def start(artifacts_root):
    """Start a simulator; returns it (call .stop() when done)."""
    from ..simulator import FAULTS_ENV, NEW_MODELS_ENV, Simulator

    try:
        simulator = Simulator(state_dir=artifacts_root / ".simulator", time_scale=config.sim_time_scale())
    except ValueError as exc:   # a mistyped fault spec or model list is the user's input, not a bug
        if str(exc).startswith(NEW_MODELS_ENV):
            raise UsageError("environment %s" % exc) from None
        raise UsageError("environment %s=%r: %s" % (FAULTS_ENV, os.environ.get(FAULTS_ENV, ""), exc)) from None
    return simulator.start()


def key_for(provider):
    from ..simulator import SIMULATOR_KEYS

    return SIMULATOR_KEYS[provider]
