"""Suno through kie-generation-music against the simulator: every song delivered, staged
results reported as progress, callbacks that reach nobody by default, and the follow-ups."""

import time

import pytest

from conftest import sim_cli
from kie_helpers import MUSIC, NOWHERE, at

RECORD = "/api/v1/generate/record-info"


@pytest.fixture
def music_cli(sim, artifacts, tmp_path):
    return sim_cli(MUSIC, sim, artifacts, tmp_path)


def _is_mp3(path):
    with open(path, "rb") as handle:
        head = handle.read(3)
    return head == b"ID3" or (head[0] == 0xFF and head[1] & 0xE0 == 0xE0)


def test_a_task_s_two_songs_are_both_delivered_with_their_ids(music_cli, sim):
    res = music_cli("run", "--prompt", "a calm piano piece about rain", "--model", "v4_5plus")
    assert res.code == 0, res
    (post,) = at(sim, "/api/v1/generate")
    assert post.body == {"prompt": "a calm piano piece about rain", "customMode": False, "instrumental": False,
                         "model": "V4_5PLUS", "callBackUrl": NOWHERE}   # required by KIE; can receive nothing
    doc = res.json
    assert doc["status"] == "succeeded" and doc["provider_status"] == "SUCCESS"
    songs = doc["outputs"]
    assert len(songs) == 2 and {s["kind"] for s in songs} == {"audio"}
    assert [s["provider_id"] for s in songs] == ["%s_1" % doc["task_id"], "%s_2" % doc["task_id"]]
    assert all(_is_mp3(s["path"]) and s["duration"] > 0 for s in songs)
    assert doc["progress"]["completed_steps"] == ["TEXT_SUCCESS", "FIRST_SUCCESS", "SUCCESS"]
    assert all(q.query == {"taskId": doc["task_id"]} for q in at(sim, RECORD))


def test_the_first_song_ready_is_progress_not_success(music_cli, sim):
    sim.outcomes.add("never", duration=100)   # stops at 99%: in FIRST_SUCCESS from about 0.55 s on
    sub = music_cli("submit", "--prompt", "a slow waltz")
    assert sub.code == 0, sub
    seen, deadline = None, time.time() + 30
    while time.time() < deadline:
        seen = music_cli("status", "--task-id", sub.json["task_id"])
        if seen.json["provider_status"] in ("FIRST_SUCCESS", "SUCCESS"):
            break
        time.sleep(0.2)
    assert seen.json["provider_status"] == "FIRST_SUCCESS", seen   # one song ready, the task not finished
    assert seen.code == 0 and seen.json["status"] == "running" and seen.json["outputs"] == []
    assert seen.json["progress"] == {"current_step": "FIRST_SUCCESS", "completed_steps": ["TEXT_SUCCESS",
                                                                                          "FIRST_SUCCESS"]}
    assert any("1 of 2 song(s) ready" in n for n in seen.json["notes"]) and seen.json["next"]
    later = music_cli("wait", "--task-id", sub.json["task_id"], "--timeout", "1")
    assert later.code == 5 and later.json["status"] == "running" and later.json["outputs"] == [], later


def test_custom_mode_rules_and_the_user_s_callback(music_cli, sim):
    bad = [(["--custom", "--prompt", "la la"], "--style"),
           (["--custom", "--style", "jazz", "--title", "T"], "--prompt"),
           (["--prompt", "x" * 501], "500"),
           (["--style", "jazz", "--prompt", "p"], "custom mode only"),
           (["--custom", "--instrumental", "--style", "s" * 201, "--title", "T", "--model", "V4"], "200"),
           (["--prompt", "p", "--callback-url", "not-a-url"], "--callback-url")]
    zero = music_cli("extend", "--audio-id", "a_1", "--prompt", "p", "--style", "s", "--title", "t", "--continue-at", "0")
    assert zero.code == 2 and "--continue-at" in zero.json["error"]["message"], zero
    for args, named in bad:
        res = music_cli("run", *args)
        assert res.code == 2 and named in res.json["error"]["message"], (args, res)
    assert sim.requests == []
    mine = "https://hooks.example.com/suno"
    res = music_cli("submit", "--custom", "--instrumental", "--style", "lofi, rain", "--title", "Window",
                    env={"KIE_CALLBACK_URL": mine})
    assert res.code == 0, res
    (post,) = at(sim, "/api/v1/generate")
    assert post.body == {"customMode": True, "instrumental": True, "model": "V5", "style": "lofi, rain",
                         "title": "Window", "callBackUrl": mine}


def test_follow_ups_extend_wav_vocal_removal_and_lyrics(music_cli, sim):
    song = music_cli("run", "--custom", "--style", "synthwave", "--title", "Night Drive", "--prompt", "[Verse] neon")
    assert song.code == 0, song
    task_id, (first, second) = song.json["task_id"], [o["provider_id"] for o in song.json["outputs"]]

    wav = music_cli("wav", "--task-id", task_id, "--audio-id", second)
    assert wav.code == 0, wav
    assert at(sim, "/api/v1/wav/generate")[0].body == {"taskId": task_id, "audioId": second, "callBackUrl": NOWHERE}
    (out,) = wav.json["outputs"]
    with open(out["path"], "rb") as handle:
        assert handle.read(12)[8:12] == b"WAVE"

    stems = music_cli("vocal-removal", "--task-id", task_id, "--audio-id", first)
    assert stems.code == 0, stems
    assert sorted(o["provider_id"] for o in stems.json["outputs"]) == ["instrumental", "vocal"]

    keep = music_cli("extend", "--audio-id", first)
    new = music_cli("extend", "--audio-id", first, "--prompt", "[Chorus] faster", "--style", "synthwave",
                    "--title", "Night Drive II", "--continue-at", "60")
    assert keep.code == 0 and new.code == 0, (keep, new)
    bodies = [p.body for p in at(sim, "/api/v1/generate/extend")]
    assert bodies[0] == {"defaultParamFlag": False, "audioId": first, "model": "V5", "callBackUrl": NOWHERE}
    assert bodies[1]["defaultParamFlag"] is True and bodies[1]["continueAt"] == 60
    assert len(new.json["outputs"]) == 2 and {q.query["taskId"] for q in at(sim, RECORD)} >= {new.json["task_id"]}

    lyrics = music_cli("lyrics", "--prompt", "a song about the sea")
    assert lyrics.code == 0 and lyrics.json["outputs"] == [], lyrics
    assert len(lyrics.json["texts"]) == 2 and "the sea" in lyrics.json["texts"][0]["text"]
    assert at(sim, "/api/v1/lyrics/record-info")

    first_song = music_cli("wav", "--task-id", task_id)   # no --audio-id: the run's first song
    assert first_song.code == 0 and first in first_song.stderr, first_song
    assert at(sim, "/api/v1/wav/generate")[1].body["audioId"] == first
    unknown = music_cli("wav", "--task-id", "made-elsewhere")
    assert unknown.code == 2 and "--audio-id" in unknown.json["error"]["message"], unknown


def test_a_failed_song_reports_suno_s_status(music_cli, sim):
    sim.outcomes.add("error")
    res = music_cli("run", "--prompt", "anything")
    assert res.code == 1 and res.json["provider_status"] == "GENERATE_AUDIO_FAILED", res
    assert "code 501" in res.json["error"]["message"]
