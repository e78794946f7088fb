"""How long a local WAV or MP3 file plays, read from its headers (no decoder needed).

Used to refuse a clip over a provider's limit before it is uploaded and paid for (giggle's
avatar drive audio: 120 s). WAV: the data chunk's size over the format's byte rate (exact).
MP3 (layer III): the frame count of a Xing/Info or VBRI header when there is one (exact for
VBR), else the constant bitrate of the first frame. Anything else: None (unknown, not 0).
"""

import struct

_BITRATES = {1: (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),     # MPEG-1 layer III
             2: (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160)}        # MPEG-2/2.5 layer III
_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}
_HEAD = 64 * 1024   # ID3 tags with cover art can be large; read enough to pass one


def seconds(path):
    """Play time in seconds, or None when the format or its headers are not understood."""
    try:
        with open(str(path), "rb") as handle:
            head = handle.read(_HEAD)
            handle.seek(0, 2)
            size = handle.tell()
            if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
                return _wav(handle)
            return _mp3(handle, head, size)
    except (OSError, struct.error, ValueError):
        return None


def _wav(handle):
    handle.seek(12)
    byte_rate = None
    while True:
        chunk = handle.read(8)
        if len(chunk) < 8:
            return None
        name, length = chunk[:4], struct.unpack("<I", chunk[4:])[0]
        if name == b"fmt ":
            byte_rate = struct.unpack("<I", handle.read(16)[8:12])[0]
            handle.seek(length - 16 + (length & 1), 1)
        elif name == b"data":
            return length / float(byte_rate) if byte_rate else None
        else:
            handle.seek(length + (length & 1), 1)


def _mp3(handle, head, size):
    start = 0
    if head[:3] == b"ID3" and len(head) >= 10:   # skip the tag (its size is a 28-bit "syncsafe" number)
        tag = ((head[6] & 0x7F) << 21) | ((head[7] & 0x7F) << 14) | ((head[8] & 0x7F) << 7) | (head[9] & 0x7F)
        start = 10 + tag + (10 if head[5] & 0x10 else 0)
        handle.seek(start)
        head = handle.read(_HEAD)
    for i in range(min(len(head) - 4, 4096)):
        frame = _frame(head, i)
        if frame is not None:
            return _from_frame(head, i, frame, size - start - i)
    return None


def _frame(data, i):
    """(version, samples per frame, sample rate, bitrate kbps, mono) of a layer III header at i."""
    b0, b1, b2, b3 = data[i:i + 4]
    if b0 != 0xFF or b1 & 0xE0 != 0xE0 or (b1 >> 1) & 3 != 1:
        return None
    version, rate_index, bit_index = (b1 >> 3) & 3, (b2 >> 2) & 3, b2 >> 4
    if version == 1 or rate_index == 3 or bit_index in (0, 15):
        return None
    table = 1 if version == 3 else 2
    return version, 1152 if version == 3 else 576, _RATES[version][rate_index], _BITRATES[table][bit_index], \
        (b3 >> 6) == 3


def _from_frame(data, i, frame, audio_bytes):
    version, per_frame, rate, kbps, mono = frame
    side = (17 if mono else 32) if version == 3 else (9 if mono else 17)
    xing = i + 4 + side
    if data[xing:xing + 4] in (b"Xing", b"Info") and struct.unpack(">I", data[xing + 4:xing + 8])[0] & 1:
        return struct.unpack(">I", data[xing + 8:xing + 12])[0] * per_frame / float(rate)
    if data[i + 36:i + 40] == b"VBRI":
        return struct.unpack(">I", data[i + 50:i + 54])[0] * per_frame / float(rate)
    return audio_bytes * 8 / (kbps * 1000.0)
