"""Result media for the simulator: real PNG/MP4/MP3 files and CloudFront-looking signed URLs.

Clients must be able to download, sniff and store real files, and must keep signed URLs
byte-for-byte (giggle URLs carry `~` in Policy/Signature). The signing secret lives in
the state dir so a URL signed by one simulator process verifies in the next. Images are
generated (cheap, and they differ per task); video and audio come from small committed
fixtures, since encoding them here would need ffmpeg.
"""
import base64
import hashlib
import hmac
import json
import os
import struct
import threading
import time
import zlib
from pathlib import Path

KEY_PAIR_ID = "K2SIMULATOR0"
_LONG_SIDE = 256  # a preview a person can see in result.md; a few KB, ~10 ms to make
ASSETS_DIR = Path(__file__).resolve().parent / "assets"

# A task's media kind -> (file extension, Content-Type, fixture in assets/ or None when
# generated). Result file names are "<kind>-<n>.<ext>", e.g. video-1.mp4.
MEDIA_KINDS = {
    "image": ("png", "image/png", None),
    "video": ("mp4", "video/mp4", "sample.mp4"),
    "music": ("mp3", "audio/mpeg", "sample.mp3"),
    "speech": ("mp3", "audio/mpeg", "sample.mp3"),
}
_fixtures = {}
_fixtures_lock = threading.Lock()


def result_filename(kind, n):
    return "%s-%d.%s" % (kind, n, MEDIA_KINDS[kind][0])


def fixture_bytes(name):
    """A committed fixture's bytes, read once per process (downloads are hot in batches)."""
    with _fixtures_lock:
        if name not in _fixtures:
            _fixtures[name] = (ASSETS_DIR / name).read_bytes()
        return _fixtures[name]


def dims_for_aspect(aspect_ratio):
    """Pixel size for an aspect ratio like "16:9" (long side 256): 16:9 -> (256, 144)."""
    try:
        w_s, h_s = str(aspect_ratio).split(":")
        w, h = float(w_s), float(h_s)
        if w <= 0 or h <= 0:
            raise ValueError
    except ValueError:
        return _LONG_SIDE, _LONG_SIDE  # "auto" and friends: square
    if w >= h:
        return _LONG_SIDE, max(1, int(round(_LONG_SIDE * h / w)))
    return max(1, int(round(_LONG_SIDE * w / h))), _LONG_SIDE


def _chunk(tag, data):
    return (struct.pack(">I", len(data)) + tag + data
            + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF))


def png_bytes(width, height, seed):
    """An 8-bit RGB PNG: a gradient whose colours derive from sha256(seed)."""
    digest = hashlib.sha256(seed.encode("utf-8")).digest()
    base = digest[0:3]
    accent = digest[3:6]
    span = float(max(1, width + height - 2))
    # one colour per diagonal (x + y), so each scanline is a slice of one palette
    palette = [bytes(int(base[c] * (1 - d / span) + accent[c] * d / span) & 0xFF for c in range(3))
               for d in range(width + height - 1)]
    raw = bytearray()
    for y in range(height):
        raw.append(0)  # filter type None for each scanline
        raw += b"".join(palette[y:y + width])
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    text = b"Software\x00genmedia simulator (simulated output)"
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"tEXt", text)
            + _chunk(b"IDAT", zlib.compress(bytes(raw), 9)) + _chunk(b"IEND", b""))


def cutout_png_bytes(width, height, seed):
    """An 8-bit RGBA PNG: a disc in a colour from sha256(seed) on a fully transparent
    background, as a background-removal model returns it."""
    colour = hashlib.sha256(seed.encode("utf-8")).digest()[:3]
    cx, cy, r2 = width / 2.0, height / 2.0, (min(width, height) * 0.4) ** 2
    raw = bytearray()
    for y in range(height):
        raw.append(0)
        for x in range(width):
            inside = (x + 0.5 - cx) ** 2 + (y + 0.5 - cy) ** 2 <= r2
            raw += colour + (b"\xff" if inside else b"\x00")
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr)
            + _chunk(b"IDAT", zlib.compress(bytes(raw), 9)) + _chunk(b"IEND", b""))


def cf_b64encode(data):
    """CloudFront's URL-safe base64 variant: + -> -, = -> _, / -> ~."""
    text = base64.b64encode(data).decode("ascii")
    return text.replace("+", "-").replace("=", "_").replace("/", "~")


def cf_b64decode(text):
    std = text.replace("-", "+").replace("_", "=").replace("~", "/")
    return base64.b64decode(std.encode("ascii"), validate=True)


class UrlSigner(object):
    """HMAC-SHA256 signer with a per-state-dir secret created on first use."""

    def __init__(self, state_dir):
        self._path = Path(state_dir) / "signing.key"
        self._secret = None
        self._lock = threading.Lock()

    def secret(self):
        with self._lock:
            if self._secret is None:
                self._secret = self._load_or_create()
            return self._secret

    def _load_or_create(self):
        try:
            data = self._path.read_bytes()
            if len(data) >= 32:
                return data
        except OSError:
            pass
        self._path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self._path.with_name(".tmp-signing-%d-%d" % (os.getpid(), threading.get_ident()))
        tmp.write_bytes(os.urandom(32))
        try:
            # link() fails if another process won the race: then everyone uses its key.
            os.link(str(tmp), str(self._path))
        except FileExistsError:
            pass
        except OSError:
            os.replace(str(tmp), str(self._path))  # filesystems without hard links
        finally:
            try:
                tmp.unlink()
            except OSError:
                pass
        return self._path.read_bytes()

    def _mac(self, policy_bytes):
        """A 128-byte signature (as long as CloudFront's RSA-1024 ones) whose CloudFront
        base64 always holds both `~` and `-`, like real giggle.pro URLs: tests of byte-exact
        URL forwarding must not pass by luck. Deterministic: the first counter whose
        expansion has both characters wins (about 1.15 tries on average)."""
        counter = 0
        while True:
            blocks = [hmac.new(self.secret(), b"%d.%d." % (counter, i) + policy_bytes, hashlib.sha256).digest()
                      for i in range(4)]
            signature = b"".join(blocks)
            encoded = cf_b64encode(signature)
            if "~" in encoded and "-" in encoded:
                return signature
            counter += 1

    def sign(self, path, ttl, now=None):
        """Query string (no leading '?') signing `path` until now + ttl."""
        expires = int((time.time() if now is None else now) + ttl)
        policy = json.dumps(
            {"Statement": [{"Resource": path,
                            "Condition": {"DateLessThan": {"AWS:EpochTime": expires}}}]},
            separators=(",", ":")).encode("utf-8")
        return "Policy=%s&Signature=%s&Key-Pair-Id=%s&response-content-disposition=attachment" % (
            cf_b64encode(policy), cf_b64encode(self._mac(policy)), KEY_PAIR_ID)

    def verify(self, path, query, now=None):
        """Check a request's decoded query dict; returns None if valid, else a reason."""
        try:
            policy = cf_b64decode(query["Policy"])
            signature = cf_b64decode(query["Signature"])
        except (KeyError, ValueError, TypeError):
            return "Missing or malformed Policy/Signature"
        if query.get("Key-Pair-Id") != KEY_PAIR_ID:
            return "Unknown Key-Pair-Id"
        if not hmac.compare_digest(self._mac(policy), signature):
            return "Invalid signature"
        try:
            statement = json.loads(policy.decode("utf-8"))["Statement"][0]
            resource = statement["Resource"]
            expires = statement["Condition"]["DateLessThan"]["AWS:EpochTime"]
        except (ValueError, KeyError, IndexError, TypeError):
            return "Malformed policy"
        if resource != path:
            return "Policy does not cover this resource"
        if (time.time() if now is None else now) >= expires:
            return "Request has expired"
        return None
