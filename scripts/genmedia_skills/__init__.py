"""genmedia_skills: the shared runtime of the genmedia-skills bundle.

Submit an asynchronous media job, poll it to a terminal state, validate every
response against a JSON Schema and persist result.json + result.md per run.
Modules are imported lazily by the skill scripts to keep cold start small.

The layers, lowest first; a module imports only from its own layer or those below
(tests/test_import_layers.py checks it, and that there are no import circles):

    core/        config, errors, exit codes, statuses, redaction, safe files, inert text
    validation/  schema registry and precheck, model catalogs
    simulator/   the provider double (stands on core and validation only)
    store/       run folders, result documents, the task index, per-user state
    media/       references, downloads, delivery, image processing
    http/        the HTTP client, answer reading, retries, prepared requests, rate window
    jobs/        the task runner, poll schedule, spending and payment gates
    command/     typer plumbing, the five commands, run context, progress
    providers/   one adapter package per provider
    skills/      the registry, then one module per skill; batch/, task_lookup and gallery beside
    console.py   the genmedia-skills console script (and completion.py, its shell completion)
"""

__version__ = "0.1.0"
USER_AGENT = "genmedia-skills/" + __version__
