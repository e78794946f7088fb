"""genmedia_skills: the shared runtime of the genmedia-skills bundle.

Submit an asynchronous media job, poll it to a terminal state, validate every
response against a JSON Schema and persist result.json + result.md per run.
Modules are imported lazily by the skill scripts to keep cold start small.
"""

__version__ = "0.1.0"
USER_AGENT = "genmedia-skills/" + __version__
