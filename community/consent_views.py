"""A person's notification choices: the preferences page (signed in) and the one-click
unsubscribe link from an e-mail (no log-in: the signed token is the authority)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from . import consent, digests
from .forms import NotificationSettingsForm

# Topics with their own control: ACCOUNT is always on, DIGESTS follows the frequency.
SWITCHABLE = [t for t in consent.Topic if t not in consent.LOCKED and t != consent.Topic.DIGESTS]


def _channels(user) -> list[tuple[str, str]]:
    """E-mail, and LINE for a person who linked a LINE account."""
    from allauth.socialaccount.models import SocialAccount

    channels = [(consent.EMAIL, _("E-mail"))]
    if SocialAccount.objects.filter(user=user, provider="line").exists():
        channels.append((consent.LINE, _("LINE")))
    return channels


@login_required
def notification_settings(request: HttpRequest) -> HttpResponse:
    user = request.user
    channels = _channels(user)
    table = consent.consents_of(user)
    initial = {
        f"{topic.value}__{channel}": table[(topic.value, channel)]
        for topic in SWITCHABLE
        for channel, _label in channels
    }
    initial["digest"] = digests.digest_frequency(user)
    # An unticked box posts nothing, so the form is bound on POST even when the body is empty.
    form = NotificationSettingsForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        topics=SWITCHABLE,
        channels=channels,
    )
    if request.method == "POST" and form.is_valid():
        try:
            consent.consents_save(
                user=user,
                choices={
                    (topic.value, channel): form.cleaned_data[f"{topic.value}__{channel}"]
                    for topic in SWITCHABLE
                    for channel, _label in channels
                },
                source="settings",
            )
            if form.cleaned_data["digest"] != initial["digest"]:
                digests.digest_frequency_set(user=user, frequency=form.cleaned_data["digest"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your notification choices are saved."))
            return redirect("community:notification_settings")
    return render(
        request,
        "community/notification_settings.html",
        {"form": form, "channels": channels, "email_notifications": user.email_notifications},
    )


@never_cache
@csrf_exempt  # RFC 8058: mail providers post here without a session; the token decides
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks (mail scanners follow links; a GET changes nothing); POST, from the page's
    button or a mail provider's one-click, turns the topic off for that person."""
    link = consent.unsubscribe_read(token)
    if link.user is None:
        return render(
            request, "community/unsubscribe.html", {"invalid": True, "link": link}, status=400
        )
    done = False
    if request.method == "POST":
        consent.consent_set(
            user=link.user,
            topic=link.topic,
            channel=link.channel,
            allowed=False,
            source="one-click",
        )
        done = True
    return render(
        request,
        "community/unsubscribe.html",
        {"link": link, "person": link.user, "topic_label": link.topic.label, "done": done},
    )
