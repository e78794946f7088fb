"""Shared bits of the CreatOK tests: entry scripts, fixtures and request filters."""

import copy

import pytest

from conftest import ROOT, sim_cli

IMAGE = ROOT / "skills" / "creatok-generate-image" / "scripts" / "generate_image.py"
VIDEO = ROOT / "skills" / "creatok-generate-video" / "scripts" / "generate_video.py"
GENERATION_ROUTES = ("creatok.image-generation", "creatok.tasks")


@pytest.fixture
def image(sim, artifacts, tmp_path):
    return sim_cli(IMAGE, sim, artifacts, tmp_path)


@pytest.fixture
def video(sim, artifacts, tmp_path):
    return sim_cli(VIDEO, sim, artifacts, tmp_path)


def generation_posts(sim):
    return sum(sim.count(route) for route in GENERATION_ROUTES)


def sent_anything_but_capabilities(sim):
    return [r.route for r in sim.requests if r.route != "creatok.capabilities"]


def model(sim, kind, model_id):
    return next(m for m in sim.creatok.capabilities[kind]["models"] if m["id"] == model_id)


def swapped(sim, kind, models, default=None):
    """A copy of the served capabilities with `kind`'s models replaced."""
    caps = copy.deepcopy(sim.creatok.capabilities)
    caps[kind] = {"default_model": default or models[0]["id"], "models": models}
    return caps
