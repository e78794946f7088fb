"""The exception hierarchy, each class carrying its exit code.

    GenmediaError                  exit 4  (a bug also ends here: one line, exit 4)
    ├── UsageError                 exit 2  bad input; raised before anything is sent
    ├── AuthError                  exit 3  key missing or rejected, no credits
    ├── ConfirmationRequired       exit 6  a spending gate needs --yes
    │   └── OverBudget                     a price above --max-credits, or unknown under it
    ├── TaskFailed                 exit 1  the provider says the task failed or was canceled
    └── ProviderError              exit 4  the provider or the network let us down
        ├── TransportError                 connection/timeout/5xx/429 after the retry budget
        │   └── OutOfTime          exit 5  --timeout ran out mid-request/backoff/download
        ├── BadResponse                    a body that is not JSON or fails its schema
        ├── UnknownTask                    the provider does not know the task_id
        ├── RunNotSaved                    the disk refused a write (full, read-only, ...)
        ├── SubmitOutcomeUnknown           the submit may have reached the provider but
        │                                  its answer was lost; it is never resent blindly
        └── Blocked                        the task sits in a state it cannot leave on its
                                           own (pay pending after our pay, never started):
                                           the user must look at the provider's dashboard

Messages are single lines meant for people and agents alike; they never contain
API keys (see config.redact).
"""

from . import exit_codes


class GenmediaError(Exception):
    exit_code = exit_codes.PROVIDER
    kind = "internal"

    def __init__(self, message, *, kind=None, provider_message=None, http_status=None):
        super().__init__(message)
        self.message = message
        if kind:
            self.kind = kind
        self.provider_message = provider_message
        self.http_status = http_status

    def to_dict(self):
        out = {"kind": self.kind, "message": self.message}
        if self.provider_message is not None:
            out["provider_message"] = self.provider_message
        if self.http_status is not None:
            out["http_status"] = self.http_status
        return out


class UsageError(GenmediaError):
    exit_code = exit_codes.USAGE
    kind = "usage"


class AuthError(GenmediaError):
    exit_code = exit_codes.AUTH
    kind = "auth"


class ConfirmationRequired(GenmediaError):
    exit_code = exit_codes.NEEDS_CONFIRMATION
    kind = "confirmation_required"


class OverBudget(ConfirmationRequired):
    """A known price beyond the spending budget, or an unknown one not accepted (exit 6)."""
    kind = "over_budget"


class TaskFailed(GenmediaError):
    exit_code = exit_codes.TASK_FAILED
    kind = "task_failed"


class ProviderError(GenmediaError):
    exit_code = exit_codes.PROVIDER
    kind = "provider"


class TransportError(ProviderError):
    kind = "transport"


class BadResponse(ProviderError):
    """A response that is not JSON or fails its schema; raw body kept for the run."""

    kind = "bad_response"

    def __init__(self, message, *, raw_body=None, **kw):
        super().__init__(message, **kw)
        self.raw_body = raw_body


class UnknownTask(ProviderError):
    kind = "unknown_task"


class SubmitOutcomeUnknown(ProviderError):
    kind = "submit_outcome_unknown"


class Blocked(ProviderError):
    kind = "blocked"


class OutOfTime(TransportError):
    """--timeout ran out during a request, a backoff or a download: not a failure,
    the command stops and prints how to resume (exit 5)."""

    exit_code = exit_codes.STILL_RUNNING
    kind = "timeout"


class RunNotSaved(ProviderError):
    """The artifacts root refused a write (full, read-only, not a directory)."""

    kind = "not_saved"

    @classmethod
    def of(cls, where, exc):
        error = cls("could not save the run in %s: %s" % (where, exc.strerror or exc))
        error.reason = exc.strerror or str(exc)   # for messages that name the setting instead
        return error
