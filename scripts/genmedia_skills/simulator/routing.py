"""Transport-neutral request/response objects and a tiny (method, path) router.

Provider modules (giggle today; KIE, CreatOK later) only see these objects, so they never
touch sockets and the server can apply faults uniformly around any provider handler.
"""
import json
import re
import uuid


class Request(object):
    """One parsed HTTP request as a provider handler sees it."""

    def __init__(self, method, path, query, headers, body, base_url, params=None):
        self.method = method
        self.path = path            # percent-decoded path, no query
        self.query = query          # {name: first value}, percent-decoded
        self.headers = headers      # {lower-case name: value}
        self.body = body            # raw bytes
        self.base_url = base_url    # this server's own http://host:port
        self.params = params or {}  # named groups from the route pattern
        self._json = None
        self._json_state = None     # None: not parsed yet, True: ok, False: invalid

    def json(self):
        """(ok, value): ok is False when the body is not valid JSON."""
        if self._json_state is None:
            try:
                self._json = json.loads(self.body.decode("utf-8")) if self.body else None
                self._json_state = bool(self.body)
            except (UnicodeDecodeError, ValueError):
                self._json_state = False
        return self._json_state, self._json


class Response(object):
    """Either a JSON `payload` (serialized at send time, so faults can edit it) or raw `body`."""

    def __init__(self, status, payload=None, body=None, content_type=None, headers=None):
        self.status = status
        self.payload = payload
        self._body = body
        self.content_type = content_type or (
            "application/json" if payload is not None else "application/octet-stream")
        self.headers = dict(headers or {})

    @property
    def is_json(self):
        return self.payload is not None

    def body(self):
        if self.payload is not None:
            return json.dumps(self.payload, separators=(",", ":")).encode("utf-8")
        return self._body or b""


class Route(object):
    """One endpoint: `pattern` is a full-match regex on the decoded path.

    submit: creates something (faults like drop/hang then apply after creation).
    errors: callable(status, message, headers) -> Response in this endpoint's own
            error dialect (giggle JSON envelope, CloudFront XML, ...).
    missing_field: the `data` key removed by the missing_field fault by default.
    """

    def __init__(self, method, pattern, name, handler, submit=False, errors=None,
                 missing_field=None):
        self.method = method
        self.regex = re.compile(pattern)
        self.name = name
        self.handler = handler
        self.submit = submit
        self.errors = errors or plain_json_error
        self.missing_field = missing_field


class Router(object):
    def __init__(self):
        self.routes = []

    def add(self, route):
        self.routes.append(route)

    def names(self):
        return sorted(set(r.name for r in self.routes))

    def match(self, method, path):
        """(route, params) or (None, None). HEAD is served by the GET route."""
        lookup = "GET" if method == "HEAD" else method
        for route in self.routes:
            if route.method == lookup:
                m = route.regex.fullmatch(path)
                if m:
                    return route, m.groupdict()
        return None, None


def plain_json_error(status, message=None, headers=None):
    """Envelope-shaped JSON error, used where no provider dialect applies (unknown paths)."""
    payload = {"code": status, "msg": message or "error %d" % status,
               "uuid": str(uuid.uuid4()), "data": None}
    return Response(status, payload, headers=headers)


def _xml_escape(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_XML_CODES = {403: "AccessDenied", 401: "AccessDenied", 404: "NoSuchKey", 429: "SlowDown"}


def xml_error(status, message=None, headers=None):
    """CloudFront/S3-style XML error body, the dialect of signed result downloads."""
    code = _XML_CODES.get(status, "InternalError")
    body = ('<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>%s</Code>'
            "<Message>%s</Message></Error>" % (code, _xml_escape(message or code))).encode("utf-8")
    return Response(status, body=body, content_type="application/xml", headers=headers)


CLOUDFLARE_502 = """<!DOCTYPE html>
<html lang="en-US">
<head><title>%(host)s | 502: Bad gateway</title>
<meta charset="UTF-8" /><meta name="robots" content="noindex, nofollow" /></head>
<body>
<div id="cf-wrapper"><div id="cf-error-details" class="cf-error-details-wrapper">
<h1><span class="cf-error-type">Bad gateway</span> <span class="code-label">Error code 502</span></h1>
<p>The web server reported a bad gateway error.</p>
<div class="cf-error-footer">
<span>Cloudflare Ray ID: <strong class="font-semibold">%(ray)s</strong></span>
<span>Performance &amp; security by Cloudflare</span>
</div></div></div>
</body>
</html>
"""


def html_502(host, ray):
    body = (CLOUDFLARE_502 % {"host": host, "ray": ray}).encode("utf-8")
    return Response(502, body=body, content_type="text/html; charset=UTF-8",
                    headers={"CF-RAY": ray})


def cdn_file(data, content_type, filename, query):
    """A result file as the CDN serves it (ETag, cache headers, and the attachment
    disposition the signed URL asks for)."""
    import hashlib

    headers = {"ETag": '"%s"' % hashlib.sha256(data).hexdigest()[:32], "X-Cache": "Miss from cloudfront",
               "Cache-Control": "private, max-age=3600"}
    if query.get("response-content-disposition") == "attachment":
        headers["Content-Disposition"] = 'attachment; filename="%s"' % filename
    return Response(200, body=data, content_type=content_type, headers=headers)
