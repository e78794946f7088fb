"""media/audio_duration: play time from WAV and MP3 headers (the avatar's 120 s clip limit)."""

import struct
import wave

import pytest

from genmedia_skills.media.audio_duration import seconds
from genmedia_skills.simulator.media import ASSETS_DIR


def test_wav_length_is_exact(tmp_path):
    path = tmp_path / "a.wav"
    with wave.open(str(path), "wb") as out:
        out.setnchannels(2)
        out.setsampwidth(2)
        out.setframerate(22050)
        out.writeframes(b"\0" * 4 * 22050 * 3)
    assert seconds(path) == 3.0


def test_constant_bitrate_mp3_from_its_first_frame():
    assert seconds(ASSETS_DIR / "sample.mp3") == pytest.approx(2.0, abs=0.15)   # 2 s, 32 kbit/s


def test_variable_bitrate_mp3_from_its_xing_frame_count(tmp_path):
    frame = b"\xff\xfb\x90\x00" + b"\0" * 32 + b"Xing" + struct.pack(">II", 1, 1000) + b"\0" * 300
    path = tmp_path / "vbr.mp3"
    path.write_bytes(b"ID3\x03\x00\x00\x00\x00\x00\x00" + frame)   # an empty ID3v2 tag first
    assert seconds(path) == pytest.approx(1000 * 1152 / 44100.0)


@pytest.mark.parametrize("data", [b"not audio at all", b"", b"RIFF\x10\0\0\0WAVEjunk"])
def test_anything_else_is_unknown_not_zero(tmp_path, data):
    path = tmp_path / "x.bin"
    path.write_bytes(data)
    assert seconds(path) is None
    assert seconds(tmp_path / "missing.wav") is None
