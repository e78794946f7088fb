"""Duration, frame size and frame rate of an MP4/MOV file, read from its boxes (stdlib
only), so a provider's reference-video limits can be checked before an upload. Reads
only box headers and the few small boxes it needs, never the media data; anything it
cannot find is None (the provider then judges that limit itself)."""

import struct

CONTAINERS = (b"moov", b"trak", b"mdia", b"minf", b"stbl")


def _boxes(handle, start, end):
    """(type, payload offset, payload end) of each box between start and end."""
    offset = start
    while offset + 8 <= end:
        handle.seek(offset)
        head = handle.read(16)
        if len(head) < 8:
            return
        size, kind = struct.unpack(">I4s", head[:8])
        header = 8
        if size == 1 and len(head) == 16:
            size, header = struct.unpack(">Q", head[8:16])[0], 16
        elif size == 0:
            size = end - offset
        if size < header or offset + size > end:
            return
        yield kind, offset + header, offset + size
        offset += size


def _read(handle, start, end, limit=4096):
    handle.seek(start)
    return handle.read(min(end - start, limit))


def _full_box_times(data):
    """(timescale, duration) of an mvhd/mdhd payload (version 0 or 1)."""
    if data[:1] == b"\x01" and len(data) >= 32:
        return struct.unpack(">IQ", data[20:32])
    if len(data) >= 20:
        return struct.unpack(">II", data[12:20])
    return None, None


def _track(handle, start, end, found):
    width = height = timescale = None
    video = False
    delta = None
    stack = [(start, end)]
    while stack:
        lo, hi = stack.pop()
        for kind, p_lo, p_hi in _boxes(handle, lo, hi):
            if kind in CONTAINERS:
                stack.append((p_lo, p_hi))
            elif kind == b"tkhd":
                data = _read(handle, p_lo, p_hi)
                if len(data) >= 8:
                    width, height = (v / 65536.0 for v in struct.unpack(">II", data[-8:]))
            elif kind == b"hdlr":
                video = _read(handle, p_lo, p_hi)[8:12] == b"vide"
            elif kind == b"mdhd":
                timescale = _full_box_times(_read(handle, p_lo, p_hi))[0]
            elif kind == b"stts":
                data = _read(handle, p_lo, p_hi, 64)
                if len(data) >= 16 and struct.unpack(">I", data[4:8])[0] >= 1:
                    delta = struct.unpack(">I", data[12:16])[0]
    if video:
        if width and height:
            found.update(width=int(round(width)), height=int(round(height)))
        if timescale and delta:
            found["fps"] = round(timescale / float(delta), 3)


def probe(path):
    """{"duration": s, "width": px, "height": px, "fps": f}, each key only when found;
    {} for a file that is not an MP4/MOV or cannot be read."""
    found = {}
    try:
        with open(str(path), "rb") as handle:
            handle.seek(0, 2)
            size = handle.tell()
            for kind, lo, hi in _boxes(handle, 0, size):
                if kind != b"moov":
                    continue
                for inner, p_lo, p_hi in _boxes(handle, lo, hi):
                    if inner == b"mvhd":
                        timescale, duration = _full_box_times(_read(handle, p_lo, p_hi))
                        if timescale:
                            found["duration"] = round(duration / float(timescale), 3)
                    elif inner == b"trak":
                        _track(handle, p_lo, p_hi, found)
    except (OSError, struct.error):
        return {}
    return found


def is_mp4(data):
    """True when `data` (a file's first bytes) starts like an ISO media file."""
    return len(data) >= 12 and data[4:8] in (b"ftyp", b"moov", b"mdat", b"free", b"wide", b"skip")
