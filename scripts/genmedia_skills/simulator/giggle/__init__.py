"""giggle.pro double: the generation API (image, video, music, speech, voices, voice clone,
talking-head avatar) and the trustee API (AI music video and drama projects). Mirrors
providers/giggle/."""

from . import avatar, drama, generation, media_routes, trustee, voice_clone


def register(sim, router):
    """Provider module hook: add giggle's routes to the simulator's router."""
    giggle = generation.Giggle(sim)
    giggle.query_extras.append(avatar.query_extras)
    for route in (giggle.routes() + media_routes.media_routes(giggle) + voice_clone.voice_clone_routes(giggle)
                  + avatar.avatar_routes(giggle)):
        router.add(route)
    for route in drama.drama_routes(trustee.register(sim, router)):
        router.add(route)
