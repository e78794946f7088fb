"""KIE AI double: the Market jobs API (createTask, recordInfo), the dedicated APIs (Veo 3.1,
4o Image, Flux Kontext, Runway, Aleph, Suno; one module each, as in providers/kie/), result
files that expire and the download-url that refreshes them, and the upload API (stream,
base64, url). Mirrors providers/kie/.

Faithful to contracts/creatok-and-kie.md B10 and kie-more.md: Bearer auth, the {code, msg,
data} envelope, errors as HTTP 200 with a code (default) or as real HTTP statuses
(`sim.kie.error_mode = "http"`, or GENMEDIA_SIM_KIE_ERRORS=http), "recordInfo is null"
right after a Market create, each family's own status words and result shapes, the
20 creates / 10 s limit shared by every API.
"""

from .dedicated import common_routes
from .images import FluxApi, Gpt4oApi
from .jobs import KieJobs
from .runway import AlephApi, RunwayApi
from .suno import SunoApi
from .uploads import upload_routes
from .veo import VeoApi

DEDICATED = (VeoApi, Gpt4oApi, FluxApi, RunwayApi, AlephApi, SunoApi)


def register(sim, router):
    jobs = KieJobs(sim)
    sim.kie = jobs   # tests tune error_mode, url_ttl and null_window here
    sim.kie_apis = {}   # by family: tests tune e.g. sim.kie_apis["veo"].hd_ready
    routes = jobs.routes() + upload_routes(jobs) + common_routes(jobs)
    for make in DEDICATED:
        api = sim.kie_apis[make.family] = make(jobs)
        routes += api.routes()
    for route in routes:
        router.add(route)
