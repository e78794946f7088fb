"""Shared bits of the KIE tests: entry scripts, CLI fixtures' factories, request filters."""

from conftest import ROOT

IMAGE = ROOT / "skills" / "kie-generation-image" / "scripts" / "generate_image.py"
VIDEO = ROOT / "skills" / "kie-generation-video" / "scripts" / "generate_video.py"
CREATE = "/api/v1/jobs/createTask"
QUERY = "/api/v1/jobs/recordInfo"


def creates(sim):
    return [r for r in sim.requests if r.path == CREATE]


def queries(sim):
    return [r for r in sim.requests if r.path == QUERY]


def uploads(sim):
    return [r for r in sim.requests if r.path.startswith("/api/file-")]
