"""The one webhook view: route ``/hooks/<type>/<key>/[endpoint/]`` to the channel type,
store what it accepts, answer the provider."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from safepassage.channels.hooks import Accepted, find_hook, refuse
from safepassage.channels.registry import get_type
from safepassage.intake.webhooks import store_envelope


@csrf_exempt  # providers cannot send a CSRF token; each call is authenticated by signature
def webhook(request: HttpRequest, type_slug: str, key: str, endpoint: str = "") -> HttpResponse:
    """Authenticate the path, let the channel type check the call, store what it accepts.

    Unknown path, unknown type and inactive channel all answer 404 the same way, so the
    path cannot be probed.  No body is read before the path is known.
    """
    channel_type = get_type(type_slug)
    hook = find_hook(key)
    if (
        channel_type is None
        or not channel_type.has_webhook
        or hook is None
        or hook.channel_type != type_slug
        or not hook.is_active
    ):
        return refuse(404, None, "unknown_hook")
    answer = channel_type.webhook(request, hook, endpoint)
    if isinstance(answer, Accepted):
        store_envelope(hook, endpoint=answer.endpoint, payload=answer.payload)
        return answer.response
    return answer
