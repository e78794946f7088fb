"""giggle.pro double: the generation API (image, video, music, speech, voices) and the
trustee API (AI music video projects). Mirrors providers/giggle/."""

from . import generation, media_routes, trustee


def register(sim, router):
    """Provider module hook: add giggle's routes to the simulator's router."""
    giggle = generation.Giggle(sim)
    for route in giggle.routes() + media_routes.media_routes(giggle):
        router.add(route)
    trustee.register(sim, router)
