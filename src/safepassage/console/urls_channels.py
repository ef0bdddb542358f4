"""Console URLs for channels; include from console/urls.py:
``path("", include("safepassage.console.urls_channels"))``."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from safepassage.console.views import channels

# Navigation entries (url name, label), in the same form as urls_cases.nav_items; each
# shows only to the roles its view admits (operators and supervisors, or admins).
nav_items: list[tuple[str, str | Promise]] = [
    ("console:hotline-call", _("Hotline call")),
    ("console:channels", _("Channels")),
]

urlpatterns: list[URLPattern | URLResolver] = [
    # Admin: channel configuration.
    path("channels/", channels.channel_list, name="channels"),
    path("channels/new/<slug:type_slug>/", channels.channel_create, name="channel-create"),
    path("channels/<int:instance_id>/", channels.channel_edit, name="channel-edit"),
    *[
        path(
            f"channels/<int:instance_id>/{operation}/",
            channels.channel_action,
            {"operation": operation},
            name=f"channel-{operation}",
        )
        for operation in ("register-webhook", "rotate-verify-token")
    ],
    # Operators: hotline calls, call-backs, replies that need a channel, media.
    path("hotline/call/", channels.hotline_call, name="hotline-call"),
    path("cases/<str:reference>/callback/", channels.callback_schedule, name="callback-schedule"),
    path("callbacks/<int:callback_id>/done/", channels.callback_done, name="callback-done"),
    path("cases/<str:reference>/template/", channels.template_reply, name="template-reply"),
    path("messages/<int:message_id>/resend/", channels.resend_message, name="message-resend"),
    path("sms-segments/", channels.segment_count, name="sms-segments"),
    path("media/<int:media_id>/", channels.media_file, name="media-file"),
]
