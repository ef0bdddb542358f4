"""URLs of the cases console: queues, the case workspace, search, supervision.

Included at the console root by ``console/urls.py``.  Every view is wrapped by
``console_view``; the authorisation-matrix test walks these patterns too.
"""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from safepassage.console.views import cases, merge, queue, search, supervision

urlpatterns: list[URLPattern | URLResolver] = [
    path("queue/", queue.queue, name="queue"),
    path("queue/table/", queue.queue_table, name="queue-table"),
    path("queue/waiting/", queue.waiting_for_turn, name="waiting"),
    path("cases/<str:reference>/", cases.case_detail, name="case"),
    path("cases/<str:reference>/reply/", cases.case_reply, name="case-reply"),
    path("cases/<str:reference>/note/", cases.case_note, name="case-note"),
    path("cases/<str:reference>/move/", cases.case_transition, name="case-transition"),
    path("cases/<str:reference>/claim/", cases.case_claim, name="case-claim"),
    path("cases/<str:reference>/release/", cases.case_release, name="case-release"),
    path("cases/<str:reference>/assign/", cases.case_assign, name="case-assign"),
    path("cases/<str:reference>/identity/", cases.case_identity, name="case-identity"),
    path("cases/<str:reference>/media/", cases.case_media_consent, name="case-media"),
    path("cases/<str:reference>/contacts/", cases.case_add_relative, name="case-relative"),
    path("cases/<str:reference>/merge/", merge.case_merge, name="case-merge"),
    path(
        "cases/<str:reference>/merges/<int:merge_id>/undo/",
        merge.merge_undo,
        name="case-unmerge",
    ),
    path("search/", search.search, name="search"),
    path("supervision/", supervision.supervision, name="supervision"),
    path("supervision/canned/", supervision.canned_list, name="canned"),
    path("supervision/canned/<int:canned_id>/", supervision.canned_edit, name="canned-edit"),
]

# Entries for the console navigation (console/navigation.py shows each to the roles
# its view allows).
nav_items: list[tuple[str, str | Promise]] = [
    ("console:queue", _("Queue")),
    ("console:waiting", _("Waiting for turn")),
    ("console:search", _("Search")),
    ("console:supervision", _("Supervision")),
    ("console:canned", _("Canned replies")),
]
