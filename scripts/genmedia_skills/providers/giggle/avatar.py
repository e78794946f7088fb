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
from .media_source import media_url

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


def drive_fields(opts):
    """The drive part of the body (drive_mode and its fields) plus notes."""
    script, voice, sample, audio = (opts.get(k) for k in ("script", "voice", "clone_sample", "drive_audio"))
    speed = _speed(opts)
    given = [name for name, value in (("--script", script), ("--voice", voice), ("--clone-sample", sample),
                                      ("--drive-audio", audio)) if value]
    if audio:
        if script or voice or sample or speed is not None:
            raise UsageError("--drive-audio: lip-syncs to the clip, so it takes no %s; %s"
                             % ("/".join(g for g in given if g != "--drive-audio") or "--voice-speed", DRIVES))
        max_seconds = catalog.load(CATALOG)["x-drive-audio-max-seconds"]
        url = media_url("--drive-audio", audio, "the driving audio (at most %d s)" % max_seconds)
        return {"drive_mode": 2, "drive_audio": {"url": url}}, [
            "giggle.pro accepts a driving clip of at most %d s; the length of a clip behind a URL is "
            "checked there" % max_seconds]
    if not script:
        raise UsageError("--script: missing; %s" % DRIVES)
    body = {"drive_mode": 1, "tts_script": check_script("--script", script)}
    if voice and sample:
        raise UsageError("--voice/--clone-sample: choose one voice: a preset (--voice) or a clone of a "
                         "sample (--clone-sample)")
    if sample:
        body["clone_audio"] = {"url": media_url("--clone-sample", sample, "the voice sample to clone")}
        if speed is not None:
            body["voice_speed"] = float(speed)
        return body, []
    if not voice:
        raise UsageError("--voice: missing; pick one from `voices` (e.g. Violet), or clone one with "
                         "--clone-sample")
    if speed is not None:
        raise UsageError("--voice-speed: giggle.pro takes a speed only with --clone-sample")
    body["voice_over_id"], note = resolve("--voice", voice)
    return body, [note] if note else []


class GiggleAvatar(GiggleGeneration):
    output_kind = "video"
    max_download_bytes = 1024 * 1024 * 1024

    def schedule(self, model):
        return PollSchedule(catalog.load(CATALOG)["x-expected-seconds"])

    def prepare(self, opts):
        image = media_url("--image", opts.get("image"), "the portrait (a photo of one face, facing the camera)")
        drive, notes = drive_fields(opts)
        body = dict({"image": {"url": image}}, **drive)
        return Prepared(PATH, body, schema="giggle/tv-avatar-video.request.json", model=None, notes=notes)
