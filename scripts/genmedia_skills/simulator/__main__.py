"""Standalone simulator: `python -m genmedia_skills.simulator --port N [...]`.

Prints exactly one line, `genmedia simulator listening on http://HOST:PORT`, to stderr
once the socket is bound (callers wait for it), then serves until SIGINT/SIGTERM.
"""
import argparse
import signal
import sys
import threading


def _accept_keys(values, providers):
    """`--accept-key KEY` applies to every provider; `--accept-key giggle=KEY` to one."""
    keys = {}
    for value in values:
        prov, sep, key = value.partition("=")
        if sep and prov in providers:
            keys.setdefault(prov, []).append(key)
        else:
            for p in providers:
                keys.setdefault(p, []).append(value)
    return keys


def main(argv=None):
    from . import SIMULATOR_KEYS, Simulator, default_state_dir

    parser = argparse.ArgumentParser(
        prog="python -m genmedia_skills.simulator",
        description="Serve the genmedia provider simulator on loopback.")
    parser.add_argument("--port", type=int, default=0, help="TCP port (0: pick a free one)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--state-dir", default=None,
                        help="task/secret directory (default: %s)" % default_state_dir())
    parser.add_argument("--time-scale", type=float, default=1.0,
                        help="multiply simulated task durations by this (e.g. 0.01)")
    parser.add_argument("--accept-key", action="append", default=[], metavar="KEY",
                        help="accepted API key, or PROVIDER=KEY (repeatable; default: the "
                             "built-in simulator keys)")
    parser.add_argument("--fault", action="append", default=[], metavar="SPEC",
                        help="route:kind[*N][@k=v...] (repeatable; default: $GENMEDIA_SIM_FAULTS)")
    args = parser.parse_args(argv)

    accept = _accept_keys(args.accept_key, list(SIMULATOR_KEYS)) if args.accept_key else None
    faults = ",".join(args.fault) if args.fault else None
    try:
        sim = Simulator(state_dir=args.state_dir, time_scale=args.time_scale, accept_keys=accept,
                        faults=faults, host=args.host, port=args.port)
        sim.start()
    except (ValueError, OSError) as exc:
        sys.stderr.write("genmedia simulator: error: %s\n" % exc)
        sys.stderr.flush()
        return 2

    done = threading.Event()

    def _stop(signum, frame):
        done.set()

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    sys.stderr.write("genmedia simulator listening on %s\n" % sim.base_url)
    sys.stderr.flush()
    try:
        while not done.wait(0.5):  # a timed wait keeps signal delivery prompt everywhere
            pass
    finally:
        sim.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
