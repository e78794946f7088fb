"""genmedia_skills.core.task_status: the normalized vocabulary and normalize()."""

import json

import pytest

from conftest import ROOT
from genmedia_skills.core import task_status
from genmedia_skills.providers.giggle.api import STATUS_TABLE as GIGGLE_TABLE

TABLE = {
    "pending": task_status.QUEUED,
    "processing": task_status.RUNNING,
    "waiting_payment": task_status.AWAITING_PAYMENT,
    "done": task_status.SUCCEEDED,
    "failed": task_status.FAILED,
    "cancelled": task_status.CANCELED,
}


def result_status_enum():
    schema = json.loads((ROOT / "schemas" / "result.schema.json").read_text(encoding="utf-8"))
    return schema["properties"]["status"]["enum"]


@pytest.mark.parametrize("word,expected", sorted(TABLE.items()))
def test_known_words_map_without_a_note(word, expected):
    assert task_status.normalize(word, TABLE) == (expected, None)


@pytest.mark.parametrize("spelling", ["DONE", "Done", "dOnE", "  done  ", "\tDone\n"])
def test_known_words_are_matched_case_and_whitespace_insensitively(spelling):
    assert task_status.normalize(spelling, TABLE) == (task_status.SUCCEEDED, None)


@pytest.mark.parametrize("word", ["exploded", "Rendering", "PAUSED", "succeeded!", "完成"])
def test_unknown_words_count_as_running_with_a_note_naming_the_word(word):
    status, note = task_status.normalize(word, TABLE)
    assert status == task_status.RUNNING
    assert note and repr(word) in note and "unrecognized" in note


@pytest.mark.parametrize("word", [None, "", "   "])
def test_missing_word_counts_as_running_with_a_note(word):
    status, note = task_status.normalize(word, TABLE)
    assert status == task_status.RUNNING
    assert note and repr(word) in note


def test_empty_table_knows_nothing():
    assert task_status.normalize("completed", {})[0] == task_status.RUNNING


def test_normalize_returns_the_table_value_not_the_word():
    assert task_status.normalize("Completed", GIGGLE_TABLE) == (task_status.SUCCEEDED, None)
    assert task_status.normalize("ERROR", GIGGLE_TABLE) == (task_status.FAILED, None)
    assert task_status.normalize("Cancelled", GIGGLE_TABLE) == (task_status.CANCELED, None)


def test_all_matches_the_result_schema_status_enum():
    assert list(task_status.ALL) == result_status_enum()
    assert len(set(task_status.ALL)) == len(task_status.ALL)


def test_terminal_and_pending_partition_all_but_unknown():
    assert task_status.TERMINAL.isdisjoint(task_status.PENDING)
    assert task_status.TERMINAL | task_status.PENDING | {task_status.UNKNOWN} == set(task_status.ALL)
    assert task_status.UNKNOWN not in task_status.TERMINAL | task_status.PENDING
    assert task_status.TERMINAL == {"succeeded", "failed", "canceled", "rejected"}
    assert task_status.PENDING == {"queued", "running", "awaiting_payment"}
    assert isinstance(task_status.TERMINAL, frozenset) and isinstance(task_status.PENDING, frozenset)


def test_every_schema_status_is_a_module_constant():
    constants = {value for name, value in vars(task_status).items() if name.isupper() and isinstance(value, str)}
    assert constants == set(result_status_enum())


def test_giggle_table_only_uses_normalized_statuses_and_lower_case_keys():
    assert set(GIGGLE_TABLE.values()) <= set(task_status.ALL)
    assert all(key == key.strip().lower() for key in GIGGLE_TABLE)
    # unknown means "the submit's outcome is unknown": a provider word never maps onto it
    assert task_status.UNKNOWN not in GIGGLE_TABLE.values()
