"""genmedia_skills.core.errors and genmedia_skills.core.exit_codes: the exit-code contract and its documentation."""

import inspect
import re

import pytest

from genmedia_skills.core import errors, exit_codes
from genmedia_skills.core.errors import (
    AuthError,
    BadResponse,
    Blocked,
    ConfirmationRequired,
    GenmediaError,
    OutOfTime,
    OverBudget,
    ProviderError,
    RunNotSaved,
    SubmitOutcomeUnknown,
    TaskFailed,
    TransportError,
    UnknownTask,
    UsageError,
)

EXPECTED = {
    GenmediaError: (4, None, "internal"),
    UsageError: (2, GenmediaError, "usage"),
    AuthError: (3, GenmediaError, "auth"),
    ConfirmationRequired: (6, GenmediaError, "confirmation_required"),
    OverBudget: (6, ConfirmationRequired, "over_budget"),
    TaskFailed: (1, GenmediaError, "task_failed"),
    ProviderError: (4, GenmediaError, "provider"),
    TransportError: (4, ProviderError, "transport"),
    BadResponse: (4, ProviderError, "bad_response"),
    UnknownTask: (4, ProviderError, "unknown_task"),
    SubmitOutcomeUnknown: (4, ProviderError, "submit_outcome_unknown"),
    Blocked: (4, ProviderError, "blocked"),
    OutOfTime: (5, TransportError, "timeout"),
    RunNotSaved: (4, ProviderError, "not_saved"),
}
CONSTANTS = {name: value for name, value in vars(exit_codes).items()
             if name.isupper() and isinstance(value, int) and not isinstance(value, bool)}


def error_classes():
    return [cls for _, cls in inspect.getmembers(errors, inspect.isclass)
            if issubclass(cls, GenmediaError) and cls.__module__ == errors.__name__]


def docstring_tree():
    """{class name: (exit code, parent name)} read from the module docstring's tree.

    Classes without their own "exit N" inherit their parent's code."""
    found, stack = {}, []
    for line in errors.__doc__.splitlines():
        m = re.match(r"^([ │├└─]*)([A-Z]\w+)(?:\s+exit (\d+))?", line)
        if not m or m.group(2) not in vars(errors):
            continue
        depth = len(m.group(1))
        while stack and stack[-1][0] >= depth:
            stack.pop()
        parent = stack[-1][1] if stack else None
        code = int(m.group(3)) if m.group(3) else found[parent][0]
        found[m.group(2)] = (code, parent)
        stack.append((depth, m.group(2)))
    return found


def test_every_error_class_is_known():
    assert set(error_classes()) == set(EXPECTED)


@pytest.mark.parametrize("cls", list(EXPECTED), ids=lambda c: c.__name__)
def test_exit_code_parent_and_kind(cls):
    code, parent, kind = EXPECTED[cls]
    assert cls.exit_code == code
    assert cls("m").exit_code == code
    if parent is not None:
        assert cls.__bases__ == (parent,)
    assert cls.kind == kind and cls("m").kind == kind


def test_the_docstring_tree_matches_the_classes():
    tree = docstring_tree()
    assert set(tree) == {cls.__name__ for cls in error_classes()}
    for cls in error_classes():
        code, parent = tree[cls.__name__]
        assert cls.exit_code == code, cls.__name__
        assert (cls.__bases__[0].__name__ if cls is not GenmediaError else None) == parent, cls.__name__


def test_exit_codes_of_errors_are_named_constants():
    assert UsageError.exit_code == exit_codes.USAGE
    assert AuthError.exit_code == exit_codes.AUTH
    assert ConfirmationRequired.exit_code == exit_codes.NEEDS_CONFIRMATION
    assert TaskFailed.exit_code == exit_codes.TASK_FAILED
    assert ProviderError.exit_code == GenmediaError.exit_code == exit_codes.PROVIDER
    assert {cls.exit_code for cls in error_classes()} <= set(CONSTANTS.values())


def test_kinds_are_distinct():
    kinds = [cls.kind for cls in error_classes()]
    assert len(kinds) == len(set(kinds))


def test_errors_are_exceptions_with_their_message():
    err = TransportError("GET /x failed after 5 attempt(s): HTTP 503")
    assert isinstance(err, Exception) and isinstance(err, ProviderError) and isinstance(err, GenmediaError)
    assert str(err) == err.message == "GET /x failed after 5 attempt(s): HTTP 503"
    with pytest.raises(ProviderError):
        raise err


# --------------------------------------------------------------------------- to_dict

def test_to_dict_minimal():
    assert UsageError("--prompt: missing").to_dict() == {"kind": "usage", "message": "--prompt: missing"}
    assert GenmediaError("boom").to_dict() == {"kind": "internal", "message": "boom"}


def test_to_dict_full():
    err = ProviderError("giggle.pro refused the submit: bad", kind="rejected", provider_message="bad",
                        http_status=400)
    assert err.to_dict() == {"kind": "rejected", "message": "giggle.pro refused the submit: bad",
                             "provider_message": "bad", "http_status": 400}


def test_to_dict_keeps_empty_but_not_none_values():
    err = TaskFailed("failed", provider_message="", http_status=0)
    assert err.to_dict() == {"kind": "task_failed", "message": "failed", "provider_message": "",
                             "http_status": 0}
    assert "provider_message" not in TaskFailed("x", provider_message=None).to_dict()


def test_kind_override_is_per_instance():
    err = AuthError("no credits", kind="no_credits")
    assert err.kind == "no_credits" and err.to_dict()["kind"] == "no_credits"
    assert AuthError.kind == "auth" and AuthError("x").kind == "auth"
    assert AuthError("x", kind="").kind == "auth"   # an empty kind keeps the class's
    assert err.exit_code == 3


def test_bad_response_keeps_the_raw_body_out_of_to_dict():
    err = BadResponse("schema drift", raw_body="<html>", http_status=200)
    assert err.raw_body == "<html>"
    assert err.to_dict() == {"kind": "bad_response", "message": "schema drift", "http_status": 200}
    assert BadResponse("x").raw_body is None


def test_keyword_only_arguments():
    with pytest.raises(TypeError):
        GenmediaError("m", "kind")


# --------------------------------------------------------------------------- exit_codes

def test_the_constants():
    assert CONSTANTS == {"OK": 0, "TASK_FAILED": 1, "USAGE": 2, "AUTH": 3, "PROVIDER": 4, "STILL_RUNNING": 5,
                         "NEEDS_CONFIRMATION": 6, "INTERRUPTED": 130}
    assert len(set(CONSTANTS.values())) == len(CONSTANTS)


def test_table_covers_every_constant_once_in_order():
    codes = [code for code, _ in exit_codes.TABLE]
    assert sorted(codes) == sorted(CONSTANTS.values())
    assert codes == sorted(codes)
    for code, text in exit_codes.TABLE:
        assert isinstance(text, str) and text.strip() == text and text


def test_table_descriptions_say_what_the_constants_mean():
    """Each TABLE line and the comment next to its constant name the same thing."""
    source = inspect.getsource(exit_codes)
    comments = {int(m.group(1)): m.group(2).lower()
                for m in re.finditer(r"^[A-Z_]+ = (\d+)\s+# (.+)$", source, re.M)}
    assert set(comments) == set(CONSTANTS.values())
    table = {code: text.lower() for code, text in exit_codes.TABLE}
    keywords = {exit_codes.OK: "succeeded", exit_codes.TASK_FAILED: "failed", exit_codes.USAGE: "usage",
                exit_codes.AUTH: "key", exit_codes.PROVIDER: "provider", exit_codes.STILL_RUNNING: "--timeout",
                exit_codes.NEEDS_CONFIRMATION: "--yes", exit_codes.INTERRUPTED: "resumable"}
    for code, word in keywords.items():
        assert word in comments[code] and word in table[code], (code, word)
