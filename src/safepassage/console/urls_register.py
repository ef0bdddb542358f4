"""URLs of the captured-person register, under ``register/`` in the console.

Included by ``console/urls.py`` with ``path("", include(...))`` like ``urls_cases``;
every view is wrapped by ``console_view``.
"""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from safepassage.console.views import register, register_cards, register_exports

urlpatterns: list[URLPattern | URLResolver] = [
    # Registrar: the register itself.
    path("register/", register.register_index, name="register"),
    path("register/cards/", register_cards.cards_due, name="register-cards"),
    path("register/open/<str:ref>/", register.open_record, name="register-open"),
    path("register/r/<str:number>/", register.record_detail, name="register-record"),
    path("register/r/<str:number>/edit/", register.record_edit, name="register-edit"),
    path("register/r/<str:number>/events/", register.add_event, name="register-event"),
    path("register/r/<str:number>/wish/", register.add_wish, name="register-wish"),
    path("register/r/<str:number>/consent/", register.media_consent, name="register-consent"),
    path("register/r/<str:number>/cards/", register_cards.issue_card, name="register-card-issue"),
    path(
        "register/r/<str:number>/cards/<int:card_id>/card.pdf",
        register_cards.card_pdf,
        name="register-card-pdf",
    ),
    path(
        "register/r/<str:number>/cards/<int:card_id>/sent/",
        register_cards.card_sent,
        name="register-card-sent",
    ),
    # Registrar and supervisor: information-bureau batches.
    path("register/exports/", register_exports.export_list, name="register-exports"),
    path("register/exports/new/", register_exports.export_prepare, name="register-export-prepare"),
    path("register/exports/<int:batch>/", register_exports.export_detail, name="register-export"),
    path(
        "register/exports/<int:batch>/approve/",
        register_exports.export_approve,
        name="register-export-approve",
    ),
    path(
        "register/exports/<int:batch>/reject/",
        register_exports.export_reject,
        name="register-export-reject",
    ),
    path(
        "register/exports/<int:batch>/file.json",
        register_exports.export_file,
        name="register-export-file",
    ),
    path(
        "register/exports/<int:batch>/file.json.sig",
        register_exports.export_signature,
        name="register-export-signature",
    ),
    path("register/signing-key.pem", register_exports.verify_key, name="register-verify-key"),
    # Counts (registrar, supervisor; analysts with small cells hidden).
    path("register/counts/", register.register_counts_page, name="register-counts"),
    # Operators and supervisors: is this case's person registered?  Nothing more.
    path("register/case/<str:ref>/", register.case_status, name="register-case-status"),
]

# Navigation entries (url name, label), in the same form as urls_cases.nav_items.
nav_items: list[tuple[str, str | Promise]] = [
    ("console:register", _("Register")),
    ("console:register-exports", _("Bureau exports")),
    ("console:register-counts", _("Register counts")),
]
