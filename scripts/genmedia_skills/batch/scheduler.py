"""One scheduler for every task of a batch: a heap of next-check times, a small HTTP pool.

Each task keeps its own PollSchedule (its model's expected duration); the loop pops the
checks that are due and hands them to a fixed pool of worker threads (the HTTP calls),
so a hundred tasks cost a hundred heap entries, not a hundred threads. Submits go out
through per-provider concurrency limits (a provider's own rate limiter, e.g. KIE's 20
creates per 10 s, is applied inside its adapter's submit). A check that sees success
downloads at once (the runtime's Job does it), since some providers' links expire.
"""

import concurrent.futures
import heapq
import itertools
import random
import time
from collections import deque

from ..core.errors import TransportError
from ..jobs.task_runner import MAX_QUERY_FAILURES
from . import unsent

SUBMIT_LIMITS = {"giggle": 8, "kie": 8, "creatok": 2}   # concurrent submits per provider
DEFAULT_SUBMIT_LIMIT = 2
WORKERS = 12


class Entry:
    """One item's task as the scheduler sees it."""

    def __init__(self, item, ctx, job, submit=False):
        self.item = item
        self.ctx = ctx
        self.job = job
        self.needs_submit = submit
        self.code = None          # the exit code that ended it, or None while it runs
        self.failures = 0
        self.schedule = ctx.adapter.schedule(job.doc.get("model"))

    @property
    def provider(self):
        return self.ctx.adapter.provider

    def submit(self):
        """The item's one submit: marked unsent until the create is about to go out."""
        unsent.mark(self.job.run)
        return self.job.submit(self.item.prepared, before_send=unsent.sending(self.job.run))


class Scheduler:
    def __init__(self, on_change=lambda entry: None, workers=WORKERS, limits=None):
        self.on_change = on_change
        self.workers = workers
        self.limits = dict(SUBMIT_LIMITS, **(limits or {}))
        self.rng = random.Random()
        self._heap = []
        self._seq = itertools.count()
        self._queues = {}
        self._submitting = {}

    def add(self, entry, due=0.0):
        if entry.needs_submit:
            self._queues.setdefault(entry.provider, deque()).append(entry)
        else:
            heapq.heappush(self._heap, (due, next(self._seq), entry))

    def run(self, deadline):
        """Drive every entry until all are finished or time.monotonic() passes `deadline`."""
        pool = concurrent.futures.ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="batch-http")
        running = {}
        try:
            while self._heap or running or any(self._queues.values()):
                now = time.monotonic()
                if now < deadline:
                    self._start_submits(pool, running)
                    while self._heap and self._heap[0][0] <= now and len(running) < self.workers * 2:
                        entry = heapq.heappop(self._heap)[2]
                        running[pool.submit(self._check, entry)] = ("check", entry)
                elif not running:
                    break   # out of time: what is left stays pending, resumable by task id
                until = min(self._heap[0][0] if self._heap else now + 1.0, deadline)
                if not running:
                    time.sleep(max(0.0, until - now))
                    continue
                done, _ = concurrent.futures.wait(list(running), timeout=max(0.005, until - now),
                                                  return_when=concurrent.futures.FIRST_COMPLETED)
                for future in done:
                    what, entry = running.pop(future)
                    self._finished(what, entry, future)
        except BaseException:
            for future in running:
                future.cancel()
            raise
        finally:
            pool.shutdown(wait=True)
        return [entry for _, _, entry in self._heap] + [e for q in self._queues.values() for e in q]

    def _start_submits(self, pool, running):
        for provider, queue in self._queues.items():
            limit = self.limits.get(provider, DEFAULT_SUBMIT_LIMIT)
            while queue and self._submitting.get(provider, 0) < limit:
                entry = queue.popleft()
                self._submitting[provider] = self._submitting.get(provider, 0) + 1
                running[pool.submit(entry.submit)] = ("submit", entry)

    def _finished(self, what, entry, future):
        code = future.result()   # Job.submit/_check record their own failures; a bug propagates
        if what == "submit":
            self._submitting[entry.provider] -= 1
            entry.needs_submit = False
        if code is not None:
            entry.code = code
        else:
            heapq.heappush(self._heap, (self._next_due(entry, first=what == "submit"), next(self._seq), entry))
        self.on_change(entry)

    def _next_due(self, entry, first=False):
        elapsed = entry.job.provider_elapsed() or 0.0
        return time.monotonic() + entry.schedule.delay(elapsed, self.rng) * entry.ctx.poll_scale

    def _check(self, entry):
        """One query (and, on success, the downloads and delivery); an exit code ends the entry."""
        job = entry.job
        try:
            code = job.check(job.provider_elapsed(), may_pay=True)
            entry.failures = 0
            return code
        except TransportError as exc:
            entry.failures += 1
            if entry.failures >= MAX_QUERY_FAILURES:
                return job.fail(exc)
            entry.ctx.progress.warn("%s: query failed (%s); will try again" % (entry.item.id, exc.message))
            return None
