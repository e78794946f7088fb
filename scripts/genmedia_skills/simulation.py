"""--simulate: the built-in simulator, started in-process on a free loopback port.

Its task state lives under <artifacts root>/.simulator, so a task submitted by
one `run --simulate` can be resumed by a later `wait --simulate`.
"""

from . import config


def start(artifacts_root):
    """Start a simulator; returns it (call .stop() when done)."""
    from .simulator import Simulator

    return Simulator(state_dir=artifacts_root / ".simulator", time_scale=config.sim_time_scale()).start()


def key_for(provider):
    from .simulator import SIMULATOR_KEYS

    return SIMULATOR_KEYS[provider]
