"""Shared bits of the KIE tests: entry scripts, CLI fixtures' factories, request filters."""

from conftest import ROOT

IMAGE = ROOT / "skills" / "kie-generation-image" / "scripts" / "generate_image.py"
VIDEO = ROOT / "skills" / "kie-generation-video" / "scripts" / "generate_video.py"
MUSIC = ROOT / "skills" / "kie-generation-music" / "scripts" / "generate_music.py"
NOWHERE = "https://callback.invalid/genmedia-skills-polls-instead"   # callback.NOWHERE
CREATE = "/api/v1/jobs/createTask"
QUERY = "/api/v1/jobs/recordInfo"


def creates(sim):
    return [r for r in sim.requests if r.path == CREATE]


def queries(sim):
    return [r for r in sim.requests if r.path == QUERY]


def uploads(sim):
    return [r for r in sim.requests if r.path.startswith("/api/file-")]


def at(sim, path, method=None):
    """The requests the simulator saw at `path` (optionally of one method), in order."""
    return [r for r in sim.requests if r.path == path and (method is None or r.method == method)]
