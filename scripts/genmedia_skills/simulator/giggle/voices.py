"""giggle's preset TTS voices: the table behind GET /api/v1/project/preset_tones.

Kept as data in one place because two endpoints must agree on it: preset_tones lists it
and text-to-audio rejects any voice_id not in it (contracts/giggle.md 2.5). `Calm_Woman`
is the real scripts' client-class default, so it must exist; the rest give clients a
spread of genders, ages and languages to filter on.
"""

VOICES = (
    {"voice_id": "Calm_Woman", "name": "Calm Woman", "style": "calm", "gender": "female",
     "age": "middle-aged", "language": "en"},
    {"voice_id": "Wise_Woman", "name": "Wise Woman", "style": "wise", "gender": "female",
     "age": "old", "language": "en"},
    {"voice_id": "Lively_Girl", "name": "Lively Girl", "style": "lively", "gender": "female",
     "age": "young", "language": "en"},
    {"voice_id": "Deep_Voice_Man", "name": "Deep Voice Man", "style": "deep", "gender": "male",
     "age": "middle-aged", "language": "en"},
    {"voice_id": "Casual_Guy", "name": "Casual Guy", "style": "casual", "gender": "male",
     "age": "young", "language": "en"},
    {"voice_id": "Elegant_Man", "name": "Elegant Man", "style": "elegant", "gender": "male",
     "age": "old", "language": "en"},
    {"voice_id": "Mandarin_Gentle_Lady", "name": "Gentle Lady", "style": "gentle",
     "gender": "female", "age": "young", "language": "zh"},
    {"voice_id": "Mandarin_News_Anchor", "name": "News Anchor", "style": "news",
     "gender": "male", "age": "middle-aged", "language": "zh"},
    {"voice_id": "Mandarin_Kind_Grandpa", "name": "Kind Grandpa", "style": "warm",
     "gender": "male", "age": "old", "language": "zh"},
    {"voice_id": "Japanese_Kind_Lady", "name": "Kind Lady", "style": "kind",
     "gender": "female", "age": "middle-aged", "language": "ja"},
    {"voice_id": "Japanese_Energetic_Boy", "name": "Energetic Boy", "style": "energetic",
     "gender": "male", "age": "young", "language": "ja"},
    {"voice_id": "Spanish_Narrator", "name": "Narradora", "style": "narration",
     "gender": "female", "age": "middle-aged", "language": "es"},
)

VOICE_IDS = frozenset(v["voice_id"] for v in VOICES)


def voice_list():
    """Fresh copies, so a handler (or a fault editing the payload) cannot alter the table."""
    return [dict(v) for v in VOICES]
