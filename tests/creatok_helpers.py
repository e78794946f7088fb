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


def _box(kind, payload):
    import struct

    return struct.pack(">I4s", 8 + len(payload), kind) + payload


def mp4_bytes(seconds=5.0, width=1280, height=720, fps=30):
    """A small MP4 whose header says `seconds`, `width`x`height` and `fps` (no real frames:
    what an uploader reads before sending, and what the simulator probes)."""
    import struct

    scale = 1000
    mvhd = _box(b"mvhd", b"\0" * 12 + struct.pack(">II", scale, int(seconds * scale)) + b"\0" * 80)
    tkhd = _box(b"tkhd", b"\0" * 76 + struct.pack(">II", width << 16, height << 16))
    mdhd = _box(b"mdhd", b"\0" * 12 + struct.pack(">II", fps * 100, int(seconds * fps * 100)) + b"\0" * 4)
    hdlr = _box(b"hdlr", b"\0" * 8 + b"vide" + b"\0" * 13)
    stts = _box(b"stts", b"\0" * 4 + struct.pack(">III", 1, int(seconds * fps), 100))
    trak = _box(b"trak", tkhd + _box(b"mdia", mdhd + hdlr + _box(b"minf", _box(b"stbl", stts))))
    return _box(b"ftyp", b"isom\0\0\2\0isomiso2mp41") + _box(b"moov", mvhd + trak) + _box(b"mdat", b"\0" * 64)
