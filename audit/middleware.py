import re
import uuid

# A request id passed on by the proxy in front (nginx's $request_id, a load balancer's trace id) is kept so that
# its log and the audit log share it; anything else is replaced, so that no header can smuggle text into the log.
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{7,63}")


class RequestIdMiddleware:
    """Give each request an id (`request.request_id`) that audit events record; echo it as X-Request-ID.

    The id is the incoming X-Request-ID when it is a sane token (8-64 letters, digits, dots, dashes,
    underscores), else a new uuid4 in hex.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request.request_id = incoming if SANE_REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
        response = self.get_response(request)
        response.headers.setdefault("X-Request-ID", request.request_id)
        return response
