"""CreatOK Open Skills double: capabilities, image and video generation, task status,
presigned reference uploads. Mirrors providers/creatok/. `sim.creatok` is the handler,
so tests can swap capabilities (`sim.creatok.set_capabilities(doc)`); other processes
set GENMEDIA_SIM_CREATOK_CAPABILITIES to a JSON file."""

from .generation import CreatOK


def register(sim, router):
    sim.creatok = CreatOK(sim)
    for route in sim.creatok.routes():
        router.add(route)
