"""giggle.pro double: the generation API (image, video, music, speech, voices) and the
trustee API (AI music video projects). Mirrors providers/giggle/."""

from . import generation, trustee


def register(sim, router):
    generation.register(sim, router)
    trustee.register(sim, router)
