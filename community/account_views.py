"""Sign-in pages of Sodan's own around allauth's: the new confirmation e-mail after sign-up.

allauth owns signing in, signing up and confirming addresses; these views fill the gaps its
pages leave for Sodan's flows and stay thin (allauth's own flows do the work).
"""

from __future__ import annotations

from allauth.account.internal.flows.email_verification import (
    send_verification_email_for_user,
)
from allauth.account.internal.stagekit import unstash_login
from allauth.account.models import EmailAddress
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from . import mfa, permissions


@require_POST
def verification_resend(request: HttpRequest) -> HttpResponse:
    """Send the confirmation e-mail again to the person who has just signed up (or signed
    in) and has not confirmed their address. allauth keeps that person's pending sign-in in
    the session and counts the e-mails against its own rate limit."""
    user = request.user if request.user.is_authenticated else None
    if user is None:
        login = unstash_login(request, peek=True)
        user = login.user if login is not None else None
    if user is None:
        messages.info(
            request,
            _(
                "Log in with your address and password: if it is not confirmed yet, "
                "we send a new e-mail then."
            ),
        )
        return redirect("account_login")
    if EmailAddress.objects.filter(user=user, verified=True).exists():
        messages.info(request, _("Your e-mail address is already confirmed."))
        return redirect("account_login" if not request.user.is_authenticated else "/")
    if not send_verification_email_for_user(request, user):
        messages.error(
            request, _("We have just sent you an e-mail: wait a few minutes before asking again.")
        )
    return redirect("account_email_verification_sent")


@login_required
def two_factor_required(request: HttpRequest) -> HttpResponse:
    """Why a rep's, moderator's or staff member's powers wait, and how to set up two-factor."""
    return mfa.two_factor_page(request)


class TwoFactorResetForm(forms.Form):
    identity_check = forms.CharField(
        label=_lazy("How you checked who the member is"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_lazy(
            "For example: a call to the phone number on their order, the brand's confirmation. "
            "It is kept in the audit log."
        ),
    )


@login_required
def two_factor_reset(request: HttpRequest, username: str) -> HttpResponse:
    """Staff remove a member's lost second factor after checking who they are."""
    member = permissions.access_member(request.user, username)
    permissions.check_can_reset_two_factor(request.user, member)
    form = TwoFactorResetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            mfa.two_factor_reset(
                actor=request.user,
                member=member,
                identity_check=form.cleaned_data["identity_check"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Two-factor authentication of %(name)s is reset; the reset is in the audit log.")
                % {"name": member.public_name},
            )
            return redirect(member.get_absolute_url())
    return render(
        request,
        "community/two_factor_reset.html",
        {"member": member, "form": form, "has_two_factor": mfa.has_two_factor(member)},
    )
