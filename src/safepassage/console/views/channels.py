"""Console pages for channels: the admin's channel configuration, the hotline call log,
call-backs, media attachments and resending a failed reply.

Thin views: every write goes through ``safepassage.channels.domain``; every case is
fetched with ``get_case_for``; every decryption of personal data is audited.
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from safepassage.accounts.models import Account, Role
from safepassage.cases.domain.errors import CaseError
from safepassage.cases.models import Message
from safepassage.cases.rules import CaseAction
from safepassage.channels.domain.hotline import (
    complete_callback,
    log_hotline_call,
    schedule_callback,
)
from safepassage.channels.domain.instances import (
    ChannelConfigError,
    create_channel_instance,
    rotate_verify_token,
    set_telegram_webhook,
    update_channel_instance,
    webhook_path,
)
from safepassage.channels.domain.media import open_media
from safepassage.channels.domain.outbound import requeue_delivery
from safepassage.channels.domain.replies import post_template_reply
from safepassage.channels.domain.status import sms_segments
from safepassage.channels.forms import CallbackForm, ChannelForm, HotlineCallForm
from safepassage.channels.http import ProviderError
from safepassage.channels.models import (
    Callback,
    ChannelInstance,
    MediaAttachment,
    MediaState,
    OutboundDelivery,
)
from safepassage.channels.registry import channel_types, get_type
from safepassage.console.access import console_view, current_account, get_case_for
from safepassage.console.flash import flash

CASE_ROLES = (Role.OPERATOR, Role.SUPERVISOR)
_INLINE_PREFIXES = ("image/", "audio/", "video/")


def _account(request: HttpRequest) -> Account:
    account = current_account(request)
    assert account is not None  # console_view let the request through
    return account


def _case_url(reference: str) -> str:
    return reverse("console:case", args=[reference])


# --- admin: channel configuration -------------------------------------------------------


@console_view(Role.ADMIN)
@require_http_methods(["GET"])
def channel_list(request: HttpRequest) -> HttpResponse:
    """Every configured channel with its type, state and webhook address."""
    instances = ChannelInstance.objects.order_by("channel_type", "name")
    base = request.build_absolute_uri("/").rstrip("/")
    rows = [
        {
            "instance": instance,
            "label": getattr(get_type(instance.channel_type), "label", instance.channel_type),
            "webhook": (instance.setting("public_base_url") or base) + webhook_path(instance)
            if getattr(get_type(instance.channel_type), "has_webhook", False)
            else "",
        }
        for instance in instances
    ]
    return render(
        request,
        "console/channels/list.html",
        {"rows": rows, "types": [(t.slug, t.label) for t in channel_types().values()]},
    )


@console_view(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def channel_create(request: HttpRequest, type_slug: str) -> HttpResponse:
    """A new channel of one type; secrets to paste into the provider are shown once."""
    channel_type = get_type(type_slug)
    if channel_type is None:
        raise Http404("No such channel type.")
    form = ChannelForm(request.POST or None, channel_type=channel_type)
    if request.method == "POST" and form.is_valid():
        try:
            instance, once = create_channel_instance(
                by=_account(request),
                channel_type=type_slug,
                name=form.cleaned_data["name"],
                credentials=form.credentials(),
                intake_secret=form.cleaned_data.get("intake_secret", ""),
                config=form.config(),
            )
        except ChannelConfigError as error:
            form.add_error(None, str(error))
        else:
            base = instance.setting("public_base_url") or request.build_absolute_uri("/").rstrip(
                "/"
            )
            return render(
                request,
                "console/channels/created.html",
                {
                    "instance": instance,
                    "webhook": base + webhook_path(instance) if channel_type.has_webhook else "",
                    "verify_token": once.verify_token,
                },
            )
    return render(
        request, "console/channels/form.html", {"form": form, "channel_type": channel_type}
    )


@console_view(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def channel_edit(request: HttpRequest, instance_id: int) -> HttpResponse:
    """Change a channel; secret fields left empty keep their stored values."""
    instance = get_object_or_404(ChannelInstance, pk=instance_id)
    channel_type = get_type(instance.channel_type)
    if channel_type is None:
        raise Http404("No such channel type.")
    initial = {f"cfg_{k}": v for k, v in instance.config.items()}
    initial.update(
        {
            "name": instance.name,
            "is_active": instance.is_active,
            "auto_reply": instance.config.get("auto_reply", channel_type.auto_reply_default),
            "default_language": instance.config.get("default_language", "ru"),
        }
    )
    form = ChannelForm(
        request.POST or None, channel_type=channel_type, editing=True, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            update_channel_instance(
                instance,
                by=_account(request),
                name=form.cleaned_data["name"],
                is_active=form.cleaned_data["is_active"],
                credentials=form.credentials(),
                intake_secret=form.cleaned_data.get("intake_secret", ""),
                config=form.config(),
            )
        except ChannelConfigError as error:
            form.add_error(None, str(error))
        else:
            flash(request, _("Channel saved."), level="success")
            return HttpResponseRedirect(reverse("console:channels"))
    return render(
        request,
        "console/channels/form.html",
        {"form": form, "channel_type": channel_type, "instance": instance},
    )


@console_view(Role.ADMIN)
@require_POST
def channel_action(request: HttpRequest, instance_id: int, operation: str) -> HttpResponse:
    """``register-webhook`` (Telegram setWebhook) or ``rotate-verify-token`` (WhatsApp)."""
    instance = get_object_or_404(ChannelInstance, pk=instance_id)
    try:
        if operation == "register-webhook":
            set_telegram_webhook(instance, by=_account(request))
            flash(request, _("Telegram accepted the webhook."), level="success")
        elif operation == "rotate-verify-token" and instance.channel_type == "whatsapp":
            token = rotate_verify_token(instance, by=_account(request))
            return render(
                request,
                "console/channels/created.html",
                {"instance": instance, "verify_token": token, "rotated": True},
            )
        else:
            raise Http404("No such operation.")
    except ChannelConfigError as error:
        flash(request, str(error), level="error")
    except ProviderError as error:
        flash(request, _("The provider refused: %(code)s") % {"code": error.code}, level="error")
    return HttpResponseRedirect(reverse("console:channels"))


# --- hotline calls and call-backs ---------------------------------------------------------


def _call_languages(account: Account) -> list[tuple[str, str]]:
    # Operators log calls in languages they speak; supervisors in any public language.
    languages = list(settings.PUBLIC_LANGUAGES)
    if account.role == Role.OPERATOR:
        languages = [(code, name) for code, name in languages if code in account.languages]
    return languages


@console_view(*CASE_ROLES)
@require_http_methods(["GET", "POST"])
def hotline_call(request: HttpRequest) -> HttpResponse:
    """Log a hotline call into the common inbox (optionally on a case: ``?case=REF``)."""
    account = _account(request)
    reference = request.GET.get("case", "")
    case = get_case_for(account, reference, action=CaseAction.REPLY) if reference else None
    form = HotlineCallForm(request.POST or None, languages=_call_languages(account))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            call = log_hotline_call(
                by=account,
                language=data["language"],
                relation=data["relation"],
                summary=data["summary"],
                callback_number=data["callback_number"],
                called_at=data["called_at"],
                inquiry_type=data["inquiry_type"],
                case=case,
                callback_due=data["callback_due"],
                callback_note=data["callback_note"],
                campaign_code=data["campaign"],
            )
        except CaseError as error:
            form.add_error(None, str(error))
        else:
            flash(request, _("Call logged."), level="success")
            return HttpResponseRedirect(_case_url(call.case.reference))
    return render(request, "console/channels/hotline_call.html", {"form": form, "case": case})


@console_view(*CASE_ROLES)
@require_POST
def callback_schedule(request: HttpRequest, reference: str) -> HttpResponse:
    """Schedule a call-back to one of the case's contacts."""
    account = _account(request)
    case = get_case_for(account, reference, action=CaseAction.REPLY)
    form = CallbackForm(request.POST)
    if form.is_valid():
        contact = case.contacts.filter(pk=form.cleaned_data["contact"]).first()
        if contact is None:
            raise Http404("No such contact.")
        schedule_callback(
            case=case,
            contact=contact,
            due_at=form.cleaned_data["due_at"],
            by=account,
            note=form.cleaned_data["note"],
        )
        flash(request, _("Call-back scheduled."), level="success")
    else:
        flash(request, _("Choose when to call back."), level="error")
    return HttpResponseRedirect(_case_url(case.reference))


@console_view(*CASE_ROLES)
@require_POST
def callback_done(request: HttpRequest, callback_id: int) -> HttpResponse:
    """Mark a call-back done (or cancelled with ``cancel=1``)."""
    account = _account(request)
    callback = Callback.objects.filter(pk=callback_id).select_related("case").first()
    if callback is None:
        raise Http404("No such call-back.")
    case = get_case_for(account, callback.case.reference, action=CaseAction.REPLY)
    try:
        complete_callback(callback, by=account, cancelled=request.POST.get("cancel") == "1")
    except CaseError as error:
        flash(request, str(error), level="error")
    return HttpResponseRedirect(_case_url(case.reference))


# --- replies: templates, resending, SMS segments ---------------------------------------------


@console_view(*CASE_ROLES)
@require_POST
def template_reply(request: HttpRequest, reference: str) -> HttpResponse:
    """Send an approved WhatsApp template (the only thing allowed outside the window)."""
    account = _account(request)
    case = get_case_for(account, reference, action=CaseAction.REPLY)
    contact = case.contacts.filter(pk=request.POST.get("contact") or 0).first()
    if contact is None:
        raise Http404("No such contact.")
    try:
        post_template_reply(
            case, by=account, contact=contact, template_name=request.POST.get("template", "")
        )
    except CaseError as error:
        flash(request, str(error), level="error")
    else:
        flash(request, _("Template queued for sending."), level="success")
    return HttpResponseRedirect(_case_url(case.reference))


@console_view(*CASE_ROLES)
@require_POST
def resend_message(request: HttpRequest, message_id: int) -> HttpResponse:
    """Send a failed reply again (the operator's explicit decision; audited)."""
    account = _account(request)
    message = Message.objects.filter(pk=message_id).select_related("case").first()
    if message is None:
        raise Http404("No such message.")
    case = get_case_for(account, message.case.reference, action=CaseAction.REPLY)
    try:
        requeue_delivery(message, by=account)
    except (CaseError, OutboundDelivery.DoesNotExist):
        flash(request, _("Only a failed message can be sent again."), level="error")
    else:
        flash(request, _("The message is queued again."), level="success")
    return HttpResponseRedirect(_case_url(case.reference))


@console_view(*CASE_ROLES)
@require_POST
def segment_count(request: HttpRequest) -> HttpResponse:
    """An htmx fragment: how many SMS segments the reply being typed will take.
    POST so the text never lands in a URL or an access log."""
    count = sms_segments(request.POST.get("text", "")[:5000])
    return render(request, "console/channels/includes/sms_segments.html", {"count": count})


# --- media ------------------------------------------------------------------------------------


@console_view(Role.OPERATOR, Role.SUPERVISOR, Role.REGISTRAR)
@require_http_methods(["GET"])
def media_file(request: HttpRequest, media_id: int) -> HttpResponse:
    """Decrypt and serve one attachment to someone who may view its case (audited).

    Served with ``no-store`` and a sandboxing CSP; only images, audio and video are
    shown inline, everything else is a download.
    """
    account = _account(request)
    media = MediaAttachment.objects.filter(pk=media_id).select_related("message__case").first()
    if media is None or media.state != MediaState.STORED:
        raise Http404("No such file.")
    case = get_case_for(account, media.message.case.reference, action=CaseAction.VIEW)
    content, mime, name = open_media(media, by=account, case_reference=case.reference)
    response = HttpResponse(content, content_type=mime)
    inline = mime.startswith(_INLINE_PREFIXES)
    filename = f"{media.kind}-{media.pk}" + (f"-{_ascii(name)}" if name else "")
    response["Content-Disposition"] = (
        f'{"inline" if inline else "attachment"}; filename="{filename}"'
    )
    response["Cache-Control"] = "no-store, private"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


def _ascii(name: str) -> str:
    return "".join(ch for ch in name if ch.isascii() and (ch.isalnum() or ch in "._-"))[:60]
