"""giggle video, music and speech routes (contracts/giggle.md 2.3-2.5).

All of them go through Giggle.submit, so auth, the envelope, scripted outcomes, faults
(every route here with submit=True is covered by "giggle.submit") and on-disk task state
are exactly those of the image routes; only the validation, the media kind, the number
of results and the generation time differ. Results are read back with the shared task
query and served by the shared media route.
"""
import re

from .generation import error, envelope
from .media_validate import validate_music, validate_omni, validate_speech, validate_video, video_catalog
from .voices import voice_list
from ..routing import Response, Route

T2V_PATH = "/api/v1/generation/text-to-video"
I2V_PATH = "/api/v1/generation/image-to-video"
OMNI_PATH = "/api/v1/generation/omni-video"
MUSIC_PATH = "/api/v1/generation/generate-music"
SPEECH_PATH = "/api/v1/generation/text-to-audio"
PRESET_TONES_PATH = "/api/v1/project/preset_tones"

# Generation time in provider seconds (min, max) where the catalog has no per-model
# table; observed ranges, inside the catalogs' broader x-expected-seconds (which the
# client uses only to shape its polling).
MUSIC_SECONDS = (30, 120)
SPEECH_SECONDS = (5, 20)
# Songs per music task: the API usually answers with several (the scripts label them
# music_1..n); two is the common case.
MUSIC_RESULTS = 2


def _video_seconds(fields):
    return video_catalog()["expected"].get(fields["model"], (60, 240))


def _one(fields):
    return 1


def _videos(fields):
    return fields.get("generating_count", 1)


def media_routes(giggle):
    """Route objects bound to a Giggle instance (its simulator, keys and store)."""

    def submit_route(path, name, kind, check, count, seconds):
        def handler(req):
            return giggle.submit(req, name, kind, check, count, seconds)
        return Route("POST", re.escape(path), name, handler, submit=True, errors=error,
                     missing_field="task_id")

    def preset_tones(req):
        if not giggle.authorized(req):
            return error(401)
        return Response(200, envelope(voice_list()))

    def new_models():
        return giggle.sim.new_models.get("giggle", ())

    return [
        submit_route(T2V_PATH, "giggle.text-to-video", "video",
                     lambda body: validate_video(body, False, new_models()), _videos, _video_seconds),
        submit_route(I2V_PATH, "giggle.image-to-video", "video",
                     lambda body: validate_video(body, True, new_models()), _videos, _video_seconds),
        submit_route(OMNI_PATH, "giggle.omni-video", "video",
                     lambda body: validate_omni(body, new_models()), _videos, _video_seconds),
        submit_route(MUSIC_PATH, "giggle.generate-music", "music", validate_music,
                     lambda fields: MUSIC_RESULTS, lambda fields: MUSIC_SECONDS),
        submit_route(SPEECH_PATH, "giggle.text-to-audio", "speech", validate_speech,
                     _one, lambda fields: SPEECH_SECONDS),
        # data is an array, so the missing_field fault has no key to drop here.
        Route("GET", re.escape(PRESET_TONES_PATH), "giggle.preset-tones", preset_tones,
              errors=error),
    ]
