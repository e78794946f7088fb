"""The normalized task status every skill reports.

Providers each have a vocabulary; adapters map theirs onto these words and keep
the original as `provider_status`. An unrecognized word counts as still running.
"""

QUEUED = "queued"
RUNNING = "running"
AWAITING_PAYMENT = "awaiting_payment"
SUCCEEDED = "succeeded"
FAILED = "failed"
CANCELED = "canceled"
UNKNOWN = "unknown"   # the submit's outcome is unknown: nothing to poll
REJECTED = "rejected"   # the submit was refused or never reached the provider: no task exists

ALL = (QUEUED, RUNNING, AWAITING_PAYMENT, SUCCEEDED, FAILED, CANCELED, UNKNOWN, REJECTED)
TERMINAL = frozenset((SUCCEEDED, FAILED, CANCELED, REJECTED))
PENDING = frozenset((QUEUED, RUNNING, AWAITING_PAYMENT))


def normalize(provider_word, table):
    """(status, note): `table` maps lower-cased provider words to statuses."""
    word = (provider_word or "").strip().lower()
    if word in table:
        return table[word], None
    return RUNNING, "unrecognized provider status %r treated as still running" % (provider_word,)


class Snapshot:
    """One answer to "how is the task?", normalized by a provider adapter."""

    def __init__(self, status, provider_status, urls=(), error=None, note=None, progress=None,
                 payment=None, outputs=None, stalled=None, credits=None, completed_at=None,
                 result_ttl=None, texts=None):
        self.status = status
        self.provider_status = provider_status
        self.urls = list(urls)        # result URLs, all of the adapter's output kind
        self.outputs = outputs        # or explicit [(url, kind), ...] for mixed results; an item may add a
                                      # dict of facts about it: (url, kind, {provider_id, title, duration})
        self.error = error            # a GenmediaError for failed/canceled tasks
        self.note = note
        self.progress = progress      # {current_step, completed_steps, failed_steps, shot_count}
        self.payment = payment        # {pay_status} when the provider shows a spending gate
        self.stalled = stalled        # why a queued task may never start on its own (the runner
                                      # reports it as blocked once that lasts too long)
        self.credits = credits        # {consumed, remaining} when the provider reports them
        self.completed_at = completed_at  # epoch seconds the provider finished (result expiry)
        self.result_ttl = result_ttl  # seconds its links live, when it differs by task (else the adapter's)
        self.texts = texts            # text results [{title, text}] (e.g. lyrics), or None
