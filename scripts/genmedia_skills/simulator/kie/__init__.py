"""KIE AI double: the Market jobs API (createTask, recordInfo), result files that expire,
and the upload API (stream, base64, url). Mirrors providers/kie/.

Faithful to contracts/creatok-and-kie.md B10: Bearer auth, the {code, msg, data}
envelope, errors as HTTP 200 with a code (default) or as real HTTP statuses
(`sim.kie.error_mode = "http"`, or GENMEDIA_SIM_KIE_ERRORS=http), "recordInfo is null"
right after a create, resultJson as a JSON string, the 20 creates / 10 s limit.
"""

from .jobs import KieJobs
from .uploads import upload_routes


def register(sim, router):
    jobs = KieJobs(sim)
    sim.kie = jobs   # tests tune error_mode, url_ttl and null_window here
    for route in jobs.routes() + upload_routes(jobs):
        router.add(route)
