"""Supervisor and admin: campaigns (appeals) — list, create, edit, download leaflets."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from safepassage.accounts.models import Account, Role
from safepassage.audit.chain import record_event
from safepassage.campaigns.domain import CampaignRefused, create_campaign, update_campaign
from safepassage.campaigns.forms import CampaignForm
from safepassage.campaigns.leaflets import (
    LEAFLET_LANGUAGES,
    PAPER_SIZES,
    LeafletError,
    leaflet_links,
    render_leaflet,
)
from safepassage.campaigns.models import Attribution, AttributionFlag, Campaign
from safepassage.channels.domain.contact_points import contact_points
from safepassage.console.access import console_view, current_account
from safepassage.console.flash import flash


def _campaign(code: str) -> Campaign:
    campaign = Campaign.objects.filter(code=code.strip().upper()).first()
    if campaign is None:
        raise Http404("No such campaign.")
    return campaign


def _status(campaign: Campaign) -> str:
    today = timezone.localdate()
    if campaign.has_ended(today):
        return _("ended")
    if not campaign.has_started(today):
        return _("not started")
    return _("running")


def _account(request: HttpRequest) -> Account:
    account = current_account(request)
    assert account is not None  # console_view let the request through
    return account


@console_view(Role.SUPERVISOR, Role.ADMIN)
@require_GET
def campaign_list(request: HttpRequest) -> HttpResponse:
    """All campaigns, newest first, with their status and leaflet downloads."""
    campaigns = list(Campaign.objects.order_by("-created_at"))
    names = dict(settings.PUBLIC_LANGUAGES)
    rows = [
        {
            "campaign": c,
            "status": _status(c),
            "languages": ", ".join(names.get(code, code) for code in c.languages or []),
        }
        for c in campaigns
    ]
    return render(request, "console/campaigns/list.html", {"rows": rows})


@console_view(Role.SUPERVISOR, Role.ADMIN)
@require_http_methods(["GET", "POST"])
def campaign_create(request: HttpRequest) -> HttpResponse:
    """A new campaign; on error the form comes back with everything typed."""
    form = CampaignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = create_campaign(data=form.to_data(), by=_account(request))
        except CampaignRefused as refusal:
            form.add_refusal(refusal)
        else:
            flash(
                request,
                level="success",
                message=_("Campaign %(code)s created.") % {"code": campaign.code},
            )
            return HttpResponseRedirect(reverse("console:campaign", args=[campaign.code]))
    status = 400 if request.method == "POST" else 200
    return render(
        request, "console/campaigns/edit.html", {"form": form, "campaign": None}, status=status
    )


def _leaflet_context(campaign: Campaign) -> dict[str, object]:
    names = dict(settings.PUBLIC_LANGUAGES)
    try:
        links = leaflet_links(campaign, contact_points())
    except LeafletError as error:
        return {"leaflet_error": str(error)}
    return {
        "links": links,
        "leaflet_languages": [
            (code, names.get(code, code))
            for code in (
                [lang for lang in LEAFLET_LANGUAGES if lang in campaign.languages]
                or LEAFLET_LANGUAGES
            )
        ],
        "paper_sizes": list(PAPER_SIZES),
    }


@console_view(Role.SUPERVISOR, Role.ADMIN)
@require_http_methods(["GET", "POST"])
def campaign_detail(request: HttpRequest, code: str) -> HttpResponse:
    """Edit a campaign and download its leaflets."""
    campaign = _campaign(code)
    if request.method == "POST":
        form = CampaignForm(request.POST)
        if form.is_valid():
            try:
                update_campaign(campaign, data=form.to_data(), by=_account(request))
            except CampaignRefused as refusal:
                form.add_refusal(refusal)
                campaign.refresh_from_db()
            else:
                flash(
                    request,
                    level="success",
                    message=_("Campaign %(code)s saved.") % {"code": campaign.code},
                )
                return HttpResponseRedirect(reverse("console:campaign", args=[campaign.code]))
        status = 400
    else:
        form = CampaignForm.for_campaign(campaign)
        status = 200
    context = {
        "form": form,
        "campaign": campaign,
        "status": _status(campaign),
        "ended_codes_seen": Attribution.objects.filter(
            campaign=campaign, flag=AttributionFlag.ENDED
        ).count(),
        **_leaflet_context(campaign),
    }
    return render(request, "console/campaigns/edit.html", context, status=status)


@console_view(Role.SUPERVISOR, Role.ADMIN)
@require_GET
def campaign_leaflet(request: HttpRequest, code: str, language: str, size: str) -> HttpResponse:
    """The leaflet PDF.  Side effect: a ``campaign.leaflet`` audit event (who printed what)."""
    campaign = _campaign(code)
    try:
        pdf = render_leaflet(campaign, points=contact_points(), language=language, size=size)
    except LeafletError as error:
        flash(request, str(error), level="error")
        return HttpResponseRedirect(reverse("console:campaign", args=[campaign.code]))
    record_event(
        "campaign.leaflet",
        actor=_account(request),
        object_type="campaign",
        object_ref=campaign.code,
        detail={"language": language, "size": size},
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="leaflet-{campaign.code}-{language}-{size}.pdf"'
    )
    return response
