"""giggle.pro talking-head avatar video: POST /api/v1/generation/tv-avatar-video
(contracts/giggle-more.md 6.1), then the shared task query; the result is one MP4.

A portrait (`image.url`) plus exactly one drive: a script in a preset voice
(drive_mode 1, voice_over_id), a script in a voice cloned from a sample (drive_mode 1,
clone_audio, voice_speed), or a driving audio clip (drive_mode 2). giggle.pro fetches
every medium from its URL. The older `mode_type` field is not sent (the newest official
client dropped it).
"""

from ...validation import catalog
from ...core.errors import UsageError
from ...jobs.poll_schedule import PollSchedule
from ...http.prepared_request import Prepared
from .api import GiggleGeneration
from .avatar_script import CATALOG, check_script
from .avatar_voices import resolve
from ...media.audio_duration import seconds as audio_seconds
from .media_source import media_input

PATH = "/api/v1/generation/tv-avatar-video"
DRIVES = "give one of: --script with --voice (a preset voice), --script with --clone-sample (a cloned voice), " \
         "or --drive-audio (lip-sync to a clip)"


def _speed(opts):
    speed_def = catalog.param(CATALOG, "voice_speed")
    speed = opts.get("voice_speed")
    if speed is not None and not speed_def["minimum"] <= speed <= speed_def["maximum"]:
        raise UsageError("--voice-speed: %r is out of range; allowed %g to %g"
                         % (speed, speed_def["minimum"], speed_def["maximum"]))
    return speed


def _drive_audio(value, max_seconds):
    """(URL or upload placeholder, LocalFile or None, notes): a local clip longer than
    giggle.pro takes is refused before it is uploaded or paid for."""
    url, local = media_input("--drive-audio", value, "the driving audio (at most %d s)" % max_seconds, "audio")
    if local is None:
        return url, None, ["giggle.pro accepts a driving clip of at most %d s; the length of a clip behind a "
                           "URL is checked there" % max_seconds]
    length = audio_seconds(local.path)
    if length is None:
        return url, local, ["the length of %s could not be read here (WAV and MP3 can); giggle.pro takes at "
                            "most %d s" % (local.path.name, max_seconds)]
    if length > max_seconds:
        raise UsageError("--drive-audio: %s plays %.1f s; giggle.pro takes a clip of at most %d s"
                         % (local.path, length, max_seconds))
    return url, local, []


def drive_fields(opts):
    """The drive part of the body (drive_mode and its fields), the local files to upload,
    and notes."""
    script, voice, sample, audio = (opts.get(k) for k in ("script", "voice", "clone_sample", "drive_audio"))
    speed = _speed(opts)
    given = [name for name, value in (("--script", script), ("--voice", voice), ("--clone-sample", sample),
                                      ("--drive-audio", audio)) if value]
    if audio:
        if script or voice or sample or speed is not None:
            raise UsageError("--drive-audio: lip-syncs to the clip, so it takes no %s; %s"
                             % ("/".join(g for g in given if g != "--drive-audio") or "--voice-speed", DRIVES))
        url, local, notes = _drive_audio(audio, catalog.load(CATALOG)["x-drive-audio-max-seconds"])
        return {"drive_mode": 2, "drive_audio": {"url": url}}, [local] if local else [], notes
    if not script:
        raise UsageError("--script: missing; %s" % DRIVES)
    body = {"drive_mode": 1, "tts_script": check_script("--script", script)}
    if voice and sample:
        raise UsageError("--voice/--clone-sample: choose one voice: a preset (--voice) or a clone of a "
                         "sample (--clone-sample)")
    if sample:
        url, local = media_input("--clone-sample", sample, "the voice sample to clone", "audio")
        body["clone_audio"] = {"url": url}
        if speed is not None:
            body["voice_speed"] = float(speed)
        return body, [local] if local else [], []
    if not voice:
        raise UsageError("--voice: missing; pick one from `voices` (e.g. Violet), or clone one with "
                         "--clone-sample")
    if speed is not None:
        raise UsageError("--voice-speed: giggle.pro takes a speed only with --clone-sample")
    body["voice_over_id"], note = resolve("--voice", voice)
    return body, [], [note] if note else []


class GiggleAvatar(GiggleGeneration):
    output_kind = "video"
    max_download_bytes = 1024 * 1024 * 1024

    def schedule(self, model):
        return PollSchedule(catalog.load(CATALOG)["x-expected-seconds"])

    def prepare(self, opts):
        image, portrait = media_input("--image", opts.get("image"),
                                      "the portrait (a photo of one face, facing the camera)", "image")
        drive, uploads, notes = drive_fields(opts)
        body = dict({"image": {"url": image}}, **drive)
        return Prepared(PATH, body, schema="giggle/tv-avatar-video.request.json", model=None, notes=notes,
                        references=([portrait] if portrait else []) + uploads)
