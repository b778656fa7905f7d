"""Certificate pages: the public verification page (/verify/<code>/) with its "verify a file" form, the PDF for the
holder and the issuer's staff, revocation and the batch job page for staff, and the issuers' published keys
(did:web documents, the JWK set) and revocation lists.

Views ask `can()`, call `tamyr.learning.certificates` or `credentials.openbadges`, and render; no rules here.
"""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_http_methods

from tamyr.accounts import permissions
from tamyr.core import files
from tamyr.core.errors import DomainError
from tamyr.learning import certificates as services
from tamyr.learning.credentials import keys, openbadges
from tamyr.learning.models import (
    AttendanceCredential,
    Certificate,
    CertificateBatch,
    Course,
    Enrollment,
    EnrollmentStatus,
    IssuerKey,
)
from tamyr.registry.models import Organization

MAX_CREDENTIAL_BYTES = 256 * 1024


def _certificate(code: str) -> Certificate | None:
    return (
        Certificate.objects.select_related("course", "course__provider", "issuer", "person", "enrollment__group")
        .filter(code=code.upper())
        .first()
    )


def _public_json(data: dict[str, Any], content_type: str = "application/json") -> JsonResponse:
    """Published documents are read by verifiers in other sites' pages too."""
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False, "indent": 2}, content_type=content_type)
    response["Access-Control-Allow-Origin"] = "*"
    return response


# --- verification ---------------------------------------------------------------------------------------------


class VerifyCodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Certificate code"),
        max_length=40,
        help_text=gettext_lazy("The 12 letters and digits printed on the certificate, under its QR code."),
    )

    def clean_code(self) -> str:
        """Spaces, dashes and lower case are how people copy a code; anything else cannot be one."""
        code = "".join(self.cleaned_data["code"].split()).replace("-", "").upper()
        if not (4 <= len(code) <= 16 and code.isascii() and code.isalnum()):
            raise forms.ValidationError(_("A certificate code has 12 letters and digits. Check it and try again."))
        return code


class VerifyFileForm(forms.Form):
    credential = forms.FileField(
        label=gettext_lazy("Credential file (JSON)"),
        help_text=gettext_lazy("The .json file of an Open Badges 3.0 credential issued on this platform."),
    )

    def clean_credential(self) -> dict[str, Any]:
        upload = self.cleaned_data["credential"]
        if upload.size > MAX_CREDENTIAL_BYTES:
            raise forms.ValidationError(_("The file is too large for a credential (at most 256 KB)."))
        try:
            document = json.loads(upload.read().decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise forms.ValidationError(_("The file is not JSON. Upload the credential's .json file."))
        if not isinstance(document, dict):
            raise forms.ValidationError(_("The file is JSON but not a credential (an object is expected)."))
        return document


@require_GET
def verify(request: HttpRequest, code: str) -> HttpResponse:
    """Anyone can check a certificate by its code: who (as the holder consents today), what, when, by whom, and
    whether it still stands."""
    certificate = _certificate(code)
    if certificate is None:
        attendance = (
            AttendanceCredential.objects.select_related("event__venue__country", "issuer", "person")
            .filter(code=code.upper())
            .first()
        )
        if attendance is not None:
            return _verify_attendance(request, attendance)
        context = {
            "code": code,
            "form": VerifyFileForm(),
            "code_form": VerifyCodeForm(initial={"code": code.upper()}),
        }
        return render(request, "learning/certificates/verify_not_found.html", context, status=404)
    result = openbadges.verify_credential(certificate.credential) if certificate.credential else None
    can_view_pdf = bool(certificate.pdf) and permissions.can(request.user, "learning.view_certificate_pdf", certificate)
    context = {
        "certificate": certificate,
        "course": certificate.course,
        "holder_name": services.holder_name_for(certificate.person),
        "result": result,
        "credential_url": reverse("certificate-credential", kwargs={"code": certificate.code}),
        "did_url": reverse("issuer_did", kwargs={"slug": certificate.issuer.slug}),
        "pdf_url": reverse("learning:certificate_pdf", kwargs={"code": certificate.code}) if can_view_pdf else "",
        "can_revoke": not certificate.is_revoked
        and permissions.can(request.user, "learning.revoke_certificate", certificate),
        "form": VerifyFileForm(),
    }
    return render(request, "learning/certificates/verify.html", context)


def _verify_attendance(request: HttpRequest, attendance: AttendanceCredential) -> HttpResponse:
    """The verification page of an attendance credential: who attended which event, by whose word."""
    context = {
        "attendance": attendance,
        "event": attendance.event,
        "holder_name": services.holder_name_for(attendance.person),
        "result": openbadges.verify_credential(attendance.credential) if attendance.credential else None,
        "credential_url": reverse("certificate-credential", kwargs={"code": attendance.code}),
        "did_url": reverse("issuer_did", kwargs={"slug": attendance.issuer.slug}),
        "form": VerifyFileForm(),
    }
    return render(request, "learning/certificates/verify_attendance.html", context)


@require_http_methods(["GET", "POST"])
def verify_file(request: HttpRequest) -> HttpResponse:
    """Type a certificate's code (it opens the certificate's page), or upload a credential file: the answer says
    whether its signature holds, whose key made it, and whether the certificate is revoked."""
    result = None
    code_form = VerifyCodeForm(request.GET) if "code" in request.GET else VerifyCodeForm()
    if code_form.is_bound and code_form.is_valid():
        return redirect("verify", code=code_form.cleaned_data["code"])
    if request.method == "POST":
        form = VerifyFileForm(request.POST, request.FILES)
        if form.is_valid():
            result = openbadges.verify_credential(form.cleaned_data["credential"])
    else:
        form = VerifyFileForm()
    invalid = (request.method == "POST" and not form.is_valid()) or code_form.is_bound
    context = {"form": form, "code_form": code_form, "result": result}
    return render(request, "learning/certificates/verify_file.html", context, status=400 if invalid else 200)


# --- the holder's PDF and the issuer's actions ------------------------------------------------------------------


@login_required
@require_GET
def certificate_pdf(request: HttpRequest, code: str) -> HttpResponseBase:
    """The holder's address of the PDF; the one private-file view answers (asks can(), attachment, nosniff)."""
    return files.private_file(request, kind="certificate", key=code.upper())


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Shown on the public verification page."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def certificate_revoke(request: HttpRequest, code: str) -> HttpResponse:
    certificate = _certificate(code)
    if certificate is None:
        raise Http404(_("No certificate has this code."))
    if not permissions.can(request.user, "learning.revoke_certificate", certificate):
        raise PermissionDenied(_("Only the issuing organization's administrators can revoke its certificates."))
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.certificate_revoke(
                certificate=certificate, reason=form.cleaned_data["reason"], acting_user=request.user
            )
        except DomainError as error:
            form.add_error("reason" if error.field == "reason" else None, str(error.message))
        else:
            messages.success(request, _("Certificate %(code)s is revoked.") % {"code": certificate.code})
            return redirect("verify", code=certificate.code)
    return render(request, "learning/certificates/revoke.html", {"certificate": certificate, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def certificate_batch(request: HttpRequest, slug: str) -> HttpResponse:
    """Staff start the batch job and watch it: the progress part reloads itself every two seconds (HTMX)."""
    course = get_object_or_404(Course.objects.select_related("provider"), slug=slug)
    if not permissions.can(request.user, "learning.issue_certificates", course):
        raise PermissionDenied(_("Only the provider's staff can issue this course's certificates."))
    if request.method == "POST":
        try:
            services.certificates_issue_batch(course=course, acting_user=request.user)
        except DomainError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("The certificates are being issued. This page shows the progress."))
        return redirect("learning:certificate_batch", slug=course.slug)
    batch = CertificateBatch.objects.filter(course=course).first()
    completed_count = Enrollment.objects.filter(group__course=course, status=EnrollmentStatus.COMPLETED).count()
    context = {
        "course": course,
        "batch": batch,
        "completed_count": completed_count,
        "issued_count": Certificate.objects.filter(course=course).count(),
        "missing_count": services.eligible_enrollments(course).count(),
        "issues_certificates": bool(getattr(getattr(course, "completion_rule", None), "issues_certificate", False)),
    }
    template = (
        "learning/certificates/_batch_progress.html"
        if request.headers.get("HX-Request")
        else "learning/certificates/batch.html"
    )
    return render(request, template, context)


# --- what issuers publish -------------------------------------------------------------------------------------


@require_GET
@cache_control(public=True, max_age=300)
def issuer_did(request: HttpRequest, slug: str) -> JsonResponse:
    """did:web:HOST:organizations:SLUG resolves here."""
    organization = get_object_or_404(Organization, slug=slug)
    return _public_json(keys.did_document(organization), "application/did+json")


@require_GET
@cache_control(public=True, max_age=300)
def jwks(request: HttpRequest) -> JsonResponse:
    return _public_json(keys.jwks(), "application/jwk-set+json")


@require_GET
@cache_control(public=True, max_age=300)
def issuer_status_list(request: HttpRequest, slug: str) -> JsonResponse:
    """The organization's signed revocation list (W3C Bitstring Status List)."""
    organization = get_object_or_404(Organization, slug=slug)
    if not IssuerKey.objects.filter(organization=organization).exists():
        raise Http404(_("This organization has issued no certificates."))
    return _public_json(openbadges.status_list_credential(organization), "application/vc+ld+json")
