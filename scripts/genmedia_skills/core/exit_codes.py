"""Named process exit codes: the command contract every skill documents."""

OK = 0                   # succeeded; for submit/status also accepted or still pending
TASK_FAILED = 1          # the task failed or was canceled at the provider
USAGE = 2                # usage or invalid input; nothing was sent
AUTH = 3                 # key missing or rejected, no credits
PROVIDER = 4             # provider/transport error after retries, schema drift, unknown task,
                         # blocked: a state the task cannot leave on its own (error.kind "blocked");
                         # also the runtime or a dependency missing (entry scripts say how to install)
STILL_RUNNING = 5        # --timeout ran out while the task runs; resume with `wait`
NEEDS_CONFIRMATION = 6   # a spending gate needs --yes
INTERRUPTED = 130        # Ctrl-C / SIGTERM; artifacts are consistent and resumable

TABLE = (
    (OK, "succeeded (submit/status: accepted or still pending)"),
    (TASK_FAILED, "the task failed or was canceled at the provider"),
    (USAGE, "usage or invalid input; nothing was sent"),
    (AUTH, "API key missing or rejected, or no credits"),
    (PROVIDER, "provider/transport error after retries, bad response, unknown task, blocked at the "
               "provider (error.kind blocked: check its dashboard), runtime missing"),
    (STILL_RUNNING, "still running when --timeout ran out; resume with `wait --task-id`"),
    (NEEDS_CONFIRMATION, "a spending gate needs confirmation (--yes)"),
    (INTERRUPTED, "interrupted; the task is resumable"),
)
