"""What a downloaded file really is: its first bytes against its declared content type.

A CDN error page served as `image/png` must not be saved as image-1.png and shown
in result.md, so a download is kept only when its magic number matches the type
the server declared (or, for application/octet-stream, some type of the expected
kind, which then names the file's extension).
"""

SNIFF_BYTES = 16

# content type -> (extension, format name); aliases seen on real CDNs included
TYPES = {
    "image/png": (".png", "png"), "image/jpeg": (".jpg", "jpeg"), "image/jpg": (".jpg", "jpeg"),
    "image/webp": (".webp", "webp"), "image/gif": (".gif", "gif"),
    "video/mp4": (".mp4", "iso-bmff"), "video/quicktime": (".mov", "iso-bmff"), "video/webm": (".webm", "webm"),
    "audio/mpeg": (".mp3", "mp3"), "audio/mp3": (".mp3", "mp3"), "audio/wav": (".wav", "wav"),
    "audio/x-wav": (".wav", "wav"), "audio/wave": (".wav", "wav"), "audio/mp4": (".m4a", "iso-bmff"),
    "audio/x-m4a": (".m4a", "iso-bmff"), "audio/webm": (".webm", "webm"),
}
_ISO_BOXES = (b"ftyp", b"moov", b"mdat", b"wide", b"free", b"skip")


def sniff(head):
    """The format name of a file starting with `head`, or None."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if head[:4] == b"RIFF" and head[8:12] in (b"WEBP", b"WAVE"):
        return "webp" if head[8:12] == b"WEBP" else "wav"
    if head[4:8] in _ISO_BOXES:
        return "iso-bmff"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "webm"
    if head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return "mp3"
    return None


class Mismatch(ValueError):
    """The first bytes are not what the content type promised."""


def extension(ctype, kind, head):
    """The extension to save a `kind` file declared as `ctype` under; Mismatch if its
    first bytes `head` do not match."""
    found = sniff(head)
    if ctype in TYPES:
        ext, expected = TYPES[ctype]
        if found != expected:
            raise Mismatch("served as %s but its first bytes %s" % (ctype, _describe(head, found)))
        return ext
    for other, (ext, name) in TYPES.items():   # octet-stream or an unlisted subtype: trust the bytes
        if other.startswith(kind + "/") and name == found:
            return ext
    raise Mismatch("served as %s but its first bytes %s, not a known %s format"
                   % (ctype or "no content type", _describe(head, found), kind))


def _describe(head, found):
    if found:
        return "are a %s file" % found
    text = head.lstrip()[:1]
    if text in (b"<", b"{", b"["):
        return "look like %s" % ("HTML/XML" if text == b"<" else "JSON")
    return "match no known format"
