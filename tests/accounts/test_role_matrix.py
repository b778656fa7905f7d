"""Who may do what: every page and API endpoint against every role, as one table.

The table below is the documentation: `docs/role-matrix.md` is generated from it, and a test fails when the two differ.
Regenerate the page with `UPDATE_ROLE_MATRIX=1 pytest tests/accounts/test_role_matrix.py`.

The objects: organization A (member of network A) keeps person A, whose own account is "person_owner";
organization B (member of network B) keeps person B. Organization A also organizes `event-a` (published; person A
is registered, `{registration}` is the code) and `draft-event-a`, and provides `course-a` (published; `{group}` is
its group, taught by the teacher of A; `{enrollment}` is person A's enrollment in it; a graduate's completed
enrollment has the certificate `{certificate}`) and `draft-course-a`. Every signed-in role except the two
compatriots has an authenticator app, as the middleware demands (see `test_staff_without_authenticator_*` for what
happens without one). `tests.factories.RoleWorld` builds all of it.

Outcomes:
- OK: allowed — 2xx, or a redirect that is not to a login or set-up page;
- NO: denied — 403 (for the Django admin: its redirect to its own login page);
- LOGIN: must sign in first — web pages redirect to /accounts/login/, the API answers 401;
- NF: not found — 404.

What "allowed" means for a write: with a body in BODIES, the write goes through (a form shown again with errors is
a failure of the test). A few writes are sent without a valid body (see INPUT_MAY_BE_REFUSED): for them an input
refused after the permission check (the form again with its errors, or a 400 with a rule's `code`) counts as allowed.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLResolver, get_resolver, resolve
from drf_spectacular.generators import SchemaGenerator
from rest_framework.authtoken.models import Token

from tests.factories import ROLE_NAMES, RoleWorld, UserFactory, grant

OK, NO, LOGIN, NF = "allowed", "denied", "login", "not found"
MFA = "mfa set-up"

ROLE_LABELS = {
    "anonymous": "anonymous",
    "compatriot": "compatriot",
    "person_owner": "owner of person A",
    "org_admin_a": "admin of A",
    "staff_a": "staff of A",
    "teacher_a": "teacher of A",
    "reviewer_a": "reviewer of A",
    "org_admin_b": "admin of B",
    "coordinator_a": "coordinator of network A",
    "coordinator_other": "coordinator of network B",
    "platform_admin": "platform admin",
}

# fmt: off
# Each row: endpoint -> outcome per role, in the order of ROLE_NAMES:
#  anonymous compatriot owner-of-A admin-A staff-A teacher-A reviewer-A admin-B coordinator-A coordinator-B platform
WEB: dict[str, tuple[str, ...]] = {
    "GET /":                                                   (OK,    OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "POST /i18n/setlang/":                                     (OK,    OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "GET /accounts/login/":                                    (OK,    OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "GET /accounts/signup/":                                   (OK,    OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "GET /accounts/password/reset/":                           (OK,    OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "GET /accounts/2fa/":                                      (LOGIN, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "GET /admin/":                                             (LOGIN, NO, NO, NO, NO, NO, NO, NO, NO, NO, OK),
    "GET /organizations/":                                     (OK,    OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "GET /organizations/?export=csv":                          (OK,    OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "GET /organizations/?export=xlsx":                         (OK,    OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "GET /organizations/org-a/":                               (OK,    OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "GET /organizations/no-such-org/":                         (NF,    NF, NF, NF, NF, NF, NF, NF, NF, NF, NF),
    "GET /organizations/org-a/edit/":                          (LOGIN, NO, NO, OK, NO, NO, NO, NO, NO, NO, OK),
    "POST /organizations/org-a/edit/":                         (LOGIN, NO, NO, OK, NO, NO, NO, NO, NO, NO, OK),
    "GET /organizations/org-a/roles/":                         (LOGIN, NO, NO, OK, NO, NO, NO, NO, NO, NO, OK),
    "POST /organizations/org-a/roles/":                        (LOGIN, NO, NO, OK, NO, NO, NO, NO, NO, NO, OK),
    "GET /networks/":                                          (OK,    OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "GET /networks/network-a/":                                (OK,    OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "GET /people/":                                            (LOGIN, NO, NO, OK, OK, NO, NO, OK, OK, OK, OK),
    "GET /people/?export=csv":                                 (LOGIN, NO, NO, OK, OK, NO, NO, OK, OK, OK, OK),
    "GET /people/?export=xlsx":                                (LOGIN, NO, NO, OK, OK, NO, NO, OK, OK, OK, OK),
    "GET /people/new/":                                        (LOGIN, NO, NO, OK, OK, NO, NO, OK, NO, NO, OK),
    "POST /people/new/":                                       (LOGIN, NO, NO, OK, OK, NO, NO, OK, NO, NO, OK),
    "GET /people/{person_a}/":                                 (LOGIN, NO, OK, OK, OK, NO, NO, NO, OK, NO, OK),
    "GET /people/{person_b}/":                                 (LOGIN, NO, NO, NO, NO, NO, NO, OK, NO, OK, OK),
    "GET /people/{missing}/":                                  (LOGIN, NF, NF, NF, NF, NF, NF, NF, NF, NF, NF),
    "GET /people/{person_a}/edit/":                            (LOGIN, NO, NO, OK, OK, NO, NO, NO, NO, NO, OK),
    "POST /people/{person_a}/edit/":                           (LOGIN, NO, NO, OK, OK, NO, NO, NO, NO, NO, OK),
    "GET /people/{person_b}/edit/":                            (LOGIN, NO, NO, NO, NO, NO, NO, OK, NO, NO, OK),
    "GET /people/{person_a}/export/":                          (LOGIN, NO, OK, OK, OK, NO, NO, NO, OK, NO, OK),
    "GET /people/{person_b}/export/":                          (LOGIN, NO, NO, NO, NO, NO, NO, OK, NO, OK, OK),
    "GET /people/{person_a}/erase/":                           (LOGIN, NO, OK, OK, NO, NO, NO, NO, NO, NO, OK),
    "POST /people/{person_a}/erase/":                          (LOGIN, NO, OK, OK, NO, NO, NO, NO, NO, NO, OK),
    "GET /people/{person_b}/erase/":                           (LOGIN, NO, NO, NO, NO, NO, NO, OK, NO, NO, OK),
    # duplicates, merges and imports of people (staff)
    "GET /people/duplicates/":                                 (LOGIN, NO, NO, OK, OK, NO, NO, OK, NO, NO, OK),
    "POST /people/duplicates/run/":                            (LOGIN, NO, NO, OK, OK, NO, NO, OK, NO, NO, OK),
    "GET /people/duplicates/{duplicate}/":                     (LOGIN, NO, NO, OK, OK, NO, NO, NO, NO, NO, OK),
    "POST /people/duplicates/{duplicate}/":                    (LOGIN, NO, NO, OK, OK, NO, NO, NO, NO, NO, OK),
    "POST /people/merges/{merge}/undo/":                       (LOGIN, NO, NO, OK, OK, NO, NO, NO, NO, NO, OK),
    "GET /people/import/":                                     (LOGIN, NO, NO, OK, OK, NO, NO, OK, NO, NO, OK),
    "POST /people/import/":                                    (LOGIN, NO, NO, OK, OK, NO, NO, OK, NO, NO, OK),
    "GET /people/import/{people_import}/":                     (LOGIN, NO, NO, OK, OK, NO, NO, NO, NO, NO, OK),
    "GET /people/import/{people_import}/progress/":            (LOGIN, NO, NO, OK, OK, NO, NO, NO, NO, NO, OK),
    "GET /people/import/{people_import}/report/":              (LOGIN, NO, NO, OK, OK, NO, NO, NO, NO, NO, OK),
    "GET /me/":                                                (LOGIN, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "POST /me/":                                               (LOGIN, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "POST /me/consents/":                                      (LOGIN, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "GET /me/data.json":                                       (LOGIN, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "GET /me/erase/":                                          (LOGIN, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "POST /me/erase/":                                         (LOGIN, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    # events: public and participants' pages, then the organizers'
    "GET /events/":                                            (OK,    OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "GET /events/calendar/":                                   (OK,    OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "GET /events/mine/":                                       (LOGIN, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "GET /events/feeds/organizations/org-a.ics":               (OK,    OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "GET /events/feeds/networks/network-a.ics":                (OK,    OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "GET /events/event-a/":                                    (OK,    OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "GET /events/draft-event-a/":                              (NF,    NF, NF, OK, OK, NF, NF, NF, NF, NF, OK),
    "GET /events/event-a/event.ics":                           (OK,    OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "GET /events/draft-event-a/event.ics":                     (NF,    NF, NF, OK, OK, NF, NF, NF, NF, NF, OK),
    "GET /events/event-a/programme/":                          (OK,    OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "GET /events/draft-event-a/programme/":                    (NF,    NF, NF, OK, OK, NF, NF, NF, NF, NF, OK),
    "GET /events/event-a/register/":                           (LOGIN, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "POST /events/event-a/register/":                          (LOGIN, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "GET /events/draft-event-a/register/":                     (LOGIN, NF, NF, OK, OK, NF, NF, NF, NF, NF, OK),
    "GET /events/invitations/{invitation}/":                   (LOGIN, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "GET /events/invitations/{draft_invitation}/":             (LOGIN, NF, NF, OK, OK, NF, NF, NF, NF, NF, OK),
    "GET /events/registrations/{registration}/":               (LOGIN, NF, OK, OK, OK, NF, NF, NF, NF, NF, OK),
    "POST /events/registrations/{registration}/cancel/":       (LOGIN, NF, OK, OK, OK, NF, NF, NF, NF, NF, OK),
    "GET /events/registrations/{registration}/badge.pdf":      (LOGIN, NO, OK, OK, OK, NO, NO, NO, NO, NO, OK),
    "GET /events/new/":                                        (LOGIN, NO, NO, OK, OK, NO, NO, OK, NO, NO, OK),
    "POST /events/new/":                                       (LOGIN, NO, NO, OK, OK, NO, NO, OK, NO, NO, OK),
    "GET /events/statistics/":                                 (LOGIN, NO, NO, OK, OK, NO, NO, OK, OK, OK, OK),
    "GET /events/event-a/edit/":                               (LOGIN, NO, NO, OK, OK, NO, NO, NO, NO, NO, OK),
    "POST /events/event-a/edit/":                              (LOGIN, NO, NO, OK, OK, NO, NO, NO, NO, NO, OK),
    "GET /events/event-a/manage/":                             (LOGIN, NO, NO, OK, OK, NO, NO, NO, NO, NO, OK),
    "GET /events/draft-event-a/manage/":                       (LOGIN, NO, NO, OK, OK, NO, NO, NO, NO, NO, OK),
    "POST /events/draft-event-a/manage/":                      (LOGIN, NO, NO, OK, OK, NO, NO, NO, NO, NO, OK),
    "GET /events/event-a/sessions/":                           (LOGIN, NO, NO, OK, OK, NO, NO, NO, NO, NO, OK),
    "GET /events/event-a/registration-form/":                  (LOGIN, NO, NO, OK, OK, NO, NO, NO, NO, NO, OK),
    "GET /events/event-a/registrations/":                      (LOGIN, NO, NO, OK, OK, NO, NO, NO, NO, NO, OK),
    "GET /events/event-a/delegations/":                        (LOGIN, NO, NO, OK, OK, NO, NO, NO, NO, NO, OK),
    "GET /events/event-a/check-in/":                           (LOGIN, NO, NO, OK, OK, NO, NO, NO, NO, NO, OK),
    "POST /events/event-a/check-in/":                          (LOGIN, NO, NO, OK, OK, NO, NO, NO, NO, NO, OK),
    "GET /events/event-a/badges.pdf":                          (LOGIN, NO, NO, OK, OK, NO, NO, NO, NO, NO, OK),
    "GET /events/event-a/statistics/":                         (LOGIN, NO, NO, OK, OK, NO, NO, NO, OK, NO, OK),
    "GET /events/draft-event-a/statistics/":                   (LOGIN, NO, NO, OK, OK, NO, NO, NO, OK, NO, OK),
    "GET /events/event-a/gallery/manage/":                     (LOGIN, NO, NO, OK, OK, NO, NO, NO, NO, NO, OK),
    # learning: catalogue and learners' pages, teachers' and staff's pages, certificates
    "GET /courses/":                                           (OK,    OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "GET /courses/mine/":                                      (LOGIN, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "GET /courses/course-a/":                                  (OK,    OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "GET /courses/draft-course-a/":                            (NF,    NF, NF, OK, OK, NF, NF, NF, NF, NF, OK),
    "POST /courses/groups/{group}/enroll/":                    (LOGIN, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "GET /courses/enrollments/{enrollment}/":                  (LOGIN, NF, OK, OK, OK, OK, NF, NF, NF, NF, OK),
    "GET /courses/enrollments/{enrollment}/lessons/{lesson}/": (LOGIN, NF, OK, OK, OK, OK, NF, NF, NF, NF, OK),
    "GET /courses/enrollments/{enrollment}/quizzes/{quiz}/":   (LOGIN, NF, OK, OK, OK, OK, NF, NF, NF, NF, OK),
    "POST /courses/enrollments/{enrollment}/withdraw/":        (LOGIN, NF, OK, OK, OK, NO, NF, NF, NF, NF, OK),
    "GET /courses/groups/{group}/":                            (LOGIN, NO, NO, OK, OK, OK, NO, NO, NO, NO, OK),
    "POST /courses/groups/{group}/":                           (LOGIN, NO, NO, OK, OK, NO, NO, NO, NO, NO, OK),
    "GET /courses/groups/{group}/attendance/":                 (LOGIN, NO, NO, OK, OK, OK, NO, NO, NO, NO, OK),
    "POST /courses/groups/{group}/attendance/":                (LOGIN, NO, NO, OK, OK, OK, NO, NO, NO, NO, OK),
    "GET /courses/new/":                                       (LOGIN, NO, NO, OK, OK, NO, NO, OK, NO, NO, OK),
    "POST /courses/new/":                                      (LOGIN, NO, NO, OK, OK, NO, NO, OK, NO, NO, OK),
    "GET /courses/course-a/edit/":                             (LOGIN, NO, NO, OK, OK, NO, NO, NO, NO, NO, OK),
    "POST /courses/course-a/edit/":                            (LOGIN, NO, NO, OK, OK, NO, NO, NO, NO, NO, OK),
    "GET /courses/course-a/manage/":                           (LOGIN, NO, NO, OK, OK, NO, NO, NO, NO, NO, OK),
    "POST /courses/course-a/manage/":                          (LOGIN, NO, NO, OK, OK, NO, NO, NO, NO, NO, OK),
    "GET /courses/statistics/":                                (LOGIN, NO, NO, OK, OK, NO, NO, OK, OK, OK, OK),
    "GET /courses/certificates/{certificate}.pdf":             (LOGIN, NO, NO, OK, OK, OK, NO, NO, NO, NO, OK),
    "GET /courses/certificates/{certificate}/revoke/":         (LOGIN, NO, NO, OK, NO, NO, NO, NO, NO, NO, OK),
    "POST /courses/certificates/{certificate}/revoke/":        (LOGIN, NO, NO, OK, NO, NO, NO, NO, NO, NO, OK),
    "GET /courses/course-a/certificates/batch/":               (LOGIN, NO, NO, OK, OK, NO, NO, NO, NO, NO, OK),
    "POST /courses/course-a/certificates/batch/":              (LOGIN, NO, NO, OK, OK, NO, NO, NO, NO, NO, OK),
    # certificates: verification and what issuers publish (public)
    "GET /verify/":                                            (OK,    OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "POST /verify/":                                           (OK,    OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "GET /verify/{certificate}/":                              (OK,    OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "GET /verify/NOSUCHCODE/":                                 (NF,    NF, NF, NF, NF, NF, NF, NF, NF, NF, NF),
    "GET /organizations/org-a/did.json":                       (OK,    OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "GET /organizations/org-a/credentials/status.json":        (OK,    OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "GET /.well-known/jwks.json":                              (OK,    OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
}

API: dict[str, tuple[str, ...]] = {
    "GET /api/v1/":                                       (OK,    OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "GET /api/v1/hello/":                                 (OK,    OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "GET /api/v1/schema/?format=json":                    (OK,    OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "GET /api/v1/docs/":                                  (OK,    OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "GET /api/v1/redoc/":                                 (OK,    OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "GET /api/v1/countries/":                             (OK,    OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "GET /api/v1/countries/KZ/":                          (OK,    OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "GET /api/v1/networks/":                              (OK,    OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "GET /api/v1/networks/network-a/":                    (OK,    OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "GET /api/v1/organizations/":                         (OK,    OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "GET /api/v1/organizations/org-a/":                   (OK,    OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "GET /api/v1/organizations/no-such-org/":             (NF,    NF, NF, NF, NF, NF, NF, NF, NF, NF, NF),
    "POST /api/v1/organizations/":                        (LOGIN, NO, NO, NO, NO, NO, NO, NO, NO, NO, OK),
    "PATCH /api/v1/organizations/org-a/":                 (LOGIN, NO, NO, OK, NO, NO, NO, NO, NO, NO, OK),
    "GET /api/v1/people/":                                (LOGIN, NO, NO, OK, OK, NO, NO, OK, OK, OK, OK),
    "POST /api/v1/people/":                               (LOGIN, NO, NO, OK, OK, NO, NO, OK, NO, NO, OK),
    "GET /api/v1/people/{person_a}/":                     (LOGIN, NF, OK, OK, OK, NF, NF, NF, OK, NF, OK),
    "GET /api/v1/people/{person_b}/":                     (LOGIN, NF, NF, NF, NF, NF, NF, OK, NF, OK, OK),
    "GET /api/v1/people/{missing}/":                      (LOGIN, NF, NF, NF, NF, NF, NF, NF, NF, NF, NF),
    "PATCH /api/v1/people/{person_a}/":                   (LOGIN, NF, NO, OK, OK, NF, NF, NF, NO, NF, OK),
    "PATCH /api/v1/people/{person_b}/":                   (LOGIN, NF, NF, NF, NF, NF, NF, OK, NF, NO, OK),
    "DELETE /api/v1/people/{person_a}/":                  (LOGIN, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO),
    "GET /api/v1/people/{person_a}/export/":              (LOGIN, NF, OK, OK, OK, NF, NF, NF, OK, NF, OK),
    "GET /api/v1/people/{person_b}/export/":              (LOGIN, NF, NF, NF, NF, NF, NF, OK, NF, OK, OK),
    "POST /api/v1/people/{person_a}/erase/":              (LOGIN, NF, OK, OK, NO, NF, NF, NF, NO, NF, OK),
    "POST /api/v1/people/{person_b}/erase/":              (LOGIN, NF, NF, NF, NF, NF, NF, OK, NF, NO, OK),
    # events
    "GET /api/v1/events/":                                (OK,    OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "POST /api/v1/events/":                               (LOGIN, NO, NO, OK, OK, NO, NO, NO, NO, NO, OK),
    "GET /api/v1/events/event-a/":                        (OK,    OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "GET /api/v1/events/draft-event-a/":                  (NF,    NF, NF, OK, OK, NF, NF, NF, NF, NF, OK),
    "PATCH /api/v1/events/event-a/":                      (LOGIN, NO, NO, OK, OK, NO, NO, NO, NO, NO, OK),
    "PATCH /api/v1/events/draft-event-a/":                (LOGIN, NF, NF, OK, OK, NF, NF, NF, NF, NF, OK),
    "POST /api/v1/events/draft-event-a/publish/":         (LOGIN, NF, NF, OK, OK, NF, NF, NF, NF, NF, OK),
    "POST /api/v1/events/event-a/cancel/":                (LOGIN, NO, NO, OK, OK, NO, NO, NO, NO, NO, OK),
    "GET /api/v1/events/event-a/sessions/":               (OK,    OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "GET /api/v1/events/event-a/delegations/":            (OK,    OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "POST /api/v1/events/event-a/delegations/":           (LOGIN, NO, NO, OK, OK, NO, NO, NO, NO, NO, OK),
    "GET /api/v1/events/event-a/registrations/":          (LOGIN, NO, NO, OK, OK, NO, NO, NO, NO, NO, OK),
    "POST /api/v1/events/event-a/registrations/":         (LOGIN, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "POST /api/v1/events/event-a/check-in/":              (LOGIN, NO, NO, OK, OK, NO, NO, NO, NO, NO, OK),
    "GET /api/v1/registrations/":                         (LOGIN, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "GET /api/v1/registrations/{registration}/":          (LOGIN, NF, OK, OK, OK, NF, NF, NF, NF, NF, OK),
    "POST /api/v1/registrations/{registration}/cancel/":  (LOGIN, NF, OK, OK, OK, NF, NF, NF, NF, NF, OK),
    "POST /api/v1/registrations/{registration}/approve/": (LOGIN, NF, NO, OK, OK, NF, NF, NF, NF, NF, OK),
    "POST /api/v1/registrations/{registration}/decline/": (LOGIN, NF, NO, OK, OK, NF, NF, NF, NF, NF, OK),
    # learning
    "GET /api/v1/courses/":                               (OK,    OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "POST /api/v1/courses/":                              (LOGIN, NO, NO, OK, OK, NO, NO, NO, NO, NO, OK),
    "GET /api/v1/courses/course-a/":                      (OK,    OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "GET /api/v1/courses/draft-course-a/":                (NF,    NF, NF, OK, OK, NF, NF, NF, NF, NF, OK),
    "PATCH /api/v1/courses/course-a/":                    (LOGIN, NO, NO, OK, OK, NO, NO, NO, NO, NO, OK),
    "GET /api/v1/courses/course-a/groups/":               (OK,    OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "GET /api/v1/courses/course-a/lessons/":              (OK,    OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "GET /api/v1/groups/{group}/":                        (OK,    OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "GET /api/v1/groups/{group}/attendance/":             (LOGIN, NO, NO, OK, OK, OK, NO, NO, NO, NO, OK),
    "POST /api/v1/groups/{group}/attendance/":            (LOGIN, NO, NO, OK, OK, OK, NO, NO, NO, NO, OK),
    "GET /api/v1/enrollments/":                           (LOGIN, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "POST /api/v1/enrollments/":                          (LOGIN, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "GET /api/v1/enrollments/{enrollment}/":              (LOGIN, NF, OK, OK, OK, OK, NF, NF, NF, NF, OK),
    "POST /api/v1/enrollments/{enrollment}/withdraw/":    (LOGIN, NF, OK, OK, OK, NO, NF, NF, NF, NF, OK),
    "GET /api/v1/enrollments/{enrollment}/progress/":     (LOGIN, NF, OK, OK, OK, OK, NF, NF, NF, NF, OK),
    "POST /api/v1/enrollments/{enrollment}/progress/":    (LOGIN, NF, OK, NO, NO, NO, NF, NF, NF, NF, NO),
    "POST /api/v1/enrollments/{enrollment}/override/":    (LOGIN, NF, NO, OK, OK, OK, NF, NF, NF, NF, OK),
    "GET /api/v1/learning/statistics/":                   (LOGIN, NO, NO, OK, OK, NO, NO, OK, OK, OK, OK),
    "GET /api/v1/certificates/{certificate}/":            (OK,    OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "POST /api/v1/certificates/verify/":                  (OK,    OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
}

# Who appears in the people lists (web and API) of the roles that may open them.
PEOPLE_LIST_SHOWS: dict[str, tuple[str, ...]] = {
    "org_admin_a":       ("person_a",),
    "staff_a":           ("person_a",),
    "org_admin_b":       ("person_b",),
    "coordinator_a":     ("person_a",),
    "coordinator_other": ("person_b",),
    "platform_admin":    ("person_a", "person_b"),
}

# Who finds organization A's drafts (its draft event and draft course) in the lists; the others see only what is
# published (every role sees event A and course A there).
DRAFTS_LISTED_FOR: dict[str, tuple[str, ...]] = {
    "GET /events/":                        (),
    "GET /events/calendar/?month={month}": (),
    "GET /courses/":                       ("org_admin_a", "staff_a", "platform_admin"),
    "GET /api/v1/events/":                 ("org_admin_a", "staff_a", "platform_admin"),
    "GET /api/v1/courses/":                ("org_admin_a", "staff_a", "platform_admin"),
}
# fmt: on

MATRIX: dict[tuple[str, str], str] = {
    (endpoint, role): outcome
    for table in (WEB, API)
    for endpoint, row in table.items()
    for role, outcome in zip(ROLE_NAMES, row, strict=True)
}

# Bodies sent with the writes; each is valid, so an allowed write succeeds (but see INPUT_MAY_BE_REFUSED below).
BODIES: dict[str, dict[str, Any]] = {
    "POST /i18n/setlang/": {"language": "kk", "next": "/"},
    "POST /organizations/org-a/edit/": {"name_en": "Organization A", "description_kk": "Сипаттама", "kind": "ngo"},
    "POST /organizations/org-a/roles/": {"identifier": "compatriot", "role": "teacher"},
    "POST /people/new/": {"display_name": "Matrix Person"},
    "POST /people/{person_a}/edit/": {"display_name": "Person Alpha", "residence_city": "Istanbul"},
    "POST /me/": {"action": "create_profile"},
    "POST /me/erase/": {"confirm": "yes"},
    "POST /me/consents/": {"purpose": "contact", "action": "give"},
    "POST /api/v1/organizations/": {"slug": "new-org", "name": {"en": "New organization"}, "kind": "ngo"},
    "PATCH /api/v1/organizations/org-a/": {"description": {"en": "Changed", "kk": "Өзгертілді"}},
    "POST /api/v1/people/": {"display_name": "Matrix Person", "residence_country": "TR"},
    "PATCH /api/v1/people/{person_a}/": {"residence_city": "Istanbul"},
    "PATCH /api/v1/people/{person_b}/": {"residence_city": "Istanbul"},
    # "{…}" in a value or a key is filled in as in the paths
    "POST /people/duplicates/{duplicate}/": {"action": "not_duplicate"},
    "POST /events/draft-event-a/manage/": {"action": "publish"},
    "POST /events/event-a/check-in/": {"code": "{registration}"},
    "POST /courses/certificates/{certificate}/revoke/": {"reason": "Issued by mistake"},
    "POST /api/v1/events/": {
        "slug": "matrix-event",
        "title": {"en": "Matrix event"},
        "kind": "forum",
        "organizer": "org-a",
        "starts_at": "{in_a_month}",
        "ends_at": "{in_a_month}",
    },
    "PATCH /api/v1/events/event-a/": {"capacity": 100},
    "PATCH /api/v1/events/draft-event-a/": {"capacity": 100},
    "POST /api/v1/events/event-a/cancel/": {"reason": "The venue is closed"},
    "POST /api/v1/events/event-a/delegations/": {"country": "KZ", "head_title": "Head of the delegation"},
    "POST /api/v1/events/event-a/check-in/": {"code": "{registration}"},
    "POST /api/v1/courses/": {
        "slug": "matrix-course",
        "title": {"en": "Matrix course"},
        "format": "self_paced",
        "provider": "org-a",
    },
    "PATCH /api/v1/courses/course-a/": {"description": {"en": "Changed"}},
    "POST /api/v1/groups/{group}/attendance/": {"lesson": "{live_lesson}", "present": {"{enrollment}": True}},
    "POST /api/v1/enrollments/": {"group": "{group}"},
    "POST /api/v1/enrollments/{enrollment}/progress/": {"lesson": "{lesson}"},
    "POST /api/v1/enrollments/{enrollment}/override/": {"complete": True, "reason": "Attended another group"},
}

# Writes for which a role that passes the permission check may still have its input refused, each with the reason;
# for these an input refused after the check (the form shown again with its errors, a 400 with a rule's `code`)
# counts as allowed, as the change itself would. Denied still means 403 (or 404), never a refused input.
INPUT_MAY_BE_REFUSED: dict[str, str] = {
    "POST /people/import/": "sent empty: the upload form is shown again",
    "POST /events/new/": "sent empty: the event form is shown again",
    "POST /events/event-a/edit/": "sent empty: the event form is shown again",
    "POST /courses/new/": "sent empty: the course form is shown again",
    "POST /courses/course-a/edit/": "sent empty: the course form is shown again",
    "POST /courses/groups/{group}/": "sent empty: the enroll-on-behalf form, with its errors",
    "POST /verify/": "sent empty: 400, the form asks for a credential file",
    "POST /api/v1/events/event-a/registrations/": "sent empty, registering oneself: person A is registered already",
    "POST /api/v1/registrations/{registration}/approve/": "sent empty: person A's registration is not pending",
    "POST /api/v1/registrations/{registration}/decline/": "sent empty: person A's registration is not pending",
    "POST /api/v1/enrollments/": "enrolling oneself in the group: person A is enrolled already",
}

MFA_EXEMPT_PREFIXES = ("/accounts/", "/i18n/", "/verify/")
MATRIX_DOC = Path(__file__).resolve().parents[2] / "docs" / "role-matrix.md"


# --- the world: built once for the module and rolled back after it (see `role_world` in tests/conftest.py) ----


@dataclass
class World:
    cast: RoleWorld
    tokens: dict[str, str]
    sessions: dict[str, str]

    def sign_in(self, client: Client, role: str) -> None:
        """What `client.force_login` does, with the session made once for the module."""
        client.cookies[settings.SESSION_COOKIE_NAME] = self.sessions[role]

    def path(self, endpoint: str) -> str:
        return self.fill(endpoint.split(" ", 1)[1])

    def fill(self, template: str) -> str:
        cast = self.cast
        return template.format(
            person_a=cast.person_a.pk,
            person_b=cast.person_b.pk,
            missing=999999,
            registration=cast.registration_a.code,
            invitation=cast.invitation_a.token,
            draft_invitation=cast.draft_invitation_a.token,
            group=cast.group_a.pk,
            enrollment=cast.enrollment_a.pk,
            lesson=cast.lesson_a.pk,
            live_lesson=cast.live_lesson_a.pk,
            quiz=cast.quiz_a.pk,
            certificate=cast.certificate.code,
            duplicate=cast.duplicate_a.pk,
            merge=cast.merge_a.pk,
            people_import=cast.import_a.pk,
            in_a_month=cast.event_a.starts_at.isoformat(),
            month=cast.event_a.starts_at.strftime("%Y-%m"),
        )

    def body(self, endpoint: str) -> dict[str, Any]:
        def filled(value: Any) -> Any:
            if isinstance(value, str):
                return self.fill(value)
            if isinstance(value, dict):
                return {self.fill(key): filled(item) for key, item in value.items()}
            return value

        return filled(BODIES.get(endpoint, {}))


@pytest.fixture(scope="module")
def world(role_world: RoleWorld, django_db_blocker: Any) -> Iterator[World]:
    """The role world plus an API token and a signed-in session per role, made once for the module."""
    with django_db_blocker.unblock():
        tokens = {role: Token.objects.create(user=user).key for role, user in role_world.users.items()}
        sessions = {}
        for role, user in role_world.users.items():
            signed_in = Client()
            signed_in.force_login(user)
            sessions[role] = signed_in.cookies[settings.SESSION_COOKIE_NAME].value
    yield World(cast=role_world, tokens=tokens, sessions=sessions)


@pytest.fixture(scope="module")
def _module_media_root(role_world: RoleWorld) -> str:
    return role_world.media_root  # where the world's certificate PDF was written


@pytest.fixture(autouse=True)
def _media_root(settings: Any, _module_media_root: str) -> None:
    """One media folder for the module instead of conftest's folder per test: this module runs many small tests."""
    settings.MEDIA_ROOT = _module_media_root


@pytest.fixture(scope="module", autouse=True)
def _schema_built_once() -> Iterator[None]:
    """The schema is the same for every caller and slow to build; the cells check who may fetch it, and
    tests/api/test_schema.py checks what is in it."""
    built: dict[bool, Any] = {}
    original = SchemaGenerator.get_schema

    def get_schema(self: SchemaGenerator, request: Any = None, public: bool = False) -> Any:
        if public not in built:
            built[public] = original(self, request=request, public=public)
        return built[public]  # rendered, never changed

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(SchemaGenerator, "get_schema", get_schema)
        yield


# --- sending a request and naming what came back -----------------------------------------------------------


def request(client: Client, world: World, endpoint: str, **headers: str) -> Any:
    method = endpoint.split(" ", 1)[0]
    path, body = world.path(endpoint), world.body(endpoint)
    if path.startswith("/api/"):
        return client.generic(method, path, json.dumps(body), content_type="application/json", headers=headers)
    if method == "POST":
        return client.post(path, body, headers=headers)
    return client.get(path, headers=headers)


def outcome_of(response: Any, *, signed_in: bool, endpoint: str = "") -> str:
    status = response.status_code
    refused_input_is_allowed = endpoint in INPUT_MAY_BE_REFUSED
    if status == 400 and refused_input_is_allowed:
        return OK
    if 300 <= status < 400:
        target = urlsplit(response["Location"]).path
        if target.startswith("/accounts/login/"):
            return LOGIN
        if target.startswith("/accounts/2fa/totp/activate/"):
            return MFA
        if target.startswith("/admin/login/"):
            return NO if signed_in else LOGIN
        return OK
    if 200 <= status < 300:
        refused = response.wsgi_request.method == "POST" and b'class="errors"' in response.content
        if refused and not refused_input_is_allowed:
            return f"input refused: {response.content.decode()[:300]}"  # a valid write must go through
        return OK
    if status == 401:
        return LOGIN
    if status == 403:
        is_json = response.get("Content-Type", "").startswith("application/json")
        return MFA if is_json and response.json().get("code") == "mfa_required" else NO
    if status == 404:
        return NF
    return f"unexpected {status}: {response.content[:300]!r}"


# --- the matrix ---------------------------------------------------------------------------------------------

WEB_CELLS = [(endpoint, role) for endpoint in WEB for role in ROLE_NAMES]
API_CELLS = [
    (endpoint, role, auth)
    for endpoint in API
    for role in ROLE_NAMES
    for auth in (("none",) if role == "anonymous" else ("session", "token"))
]


@pytest.mark.django_db
@pytest.mark.parametrize(("endpoint", "role"), WEB_CELLS)
def test_web_page_answers_each_role_as_the_matrix_says(world: World, client: Client, endpoint: str, role: str) -> None:
    if role != "anonymous":
        world.sign_in(client, role)
    response = request(client, world, endpoint)
    outcome = outcome_of(response, signed_in=role != "anonymous", endpoint=endpoint)
    assert outcome == MATRIX[endpoint, role], (endpoint, role)


@pytest.mark.django_db
@pytest.mark.parametrize(("endpoint", "role", "auth"), API_CELLS)
def test_api_endpoint_answers_each_role_as_the_matrix_says(
    world: World, client: Client, endpoint: str, role: str, auth: str
) -> None:
    headers: dict[str, str] = {}
    if auth == "session":
        world.sign_in(client, role)
    elif auth == "token":
        headers["Authorization"] = f"Token {world.tokens[role]}"
    response = request(client, world, endpoint, **headers)
    outcome = outcome_of(response, signed_in=auth != "none", endpoint=endpoint)
    assert outcome == MATRIX[endpoint, role], (endpoint, role, auth)


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(PEOPLE_LIST_SHOWS))
def test_web_people_list_shows_only_the_people_in_the_roles_scope(world: World, client: Client, role: str) -> None:
    world.sign_in(client, role)
    page = client.get("/people/").content.decode()
    shown = tuple(key for key, name in _people_names(world) if name in page)
    assert shown == PEOPLE_LIST_SHOWS[role]


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(PEOPLE_LIST_SHOWS))
def test_api_people_list_shows_only_the_people_in_the_roles_scope(world: World, client: Client, role: str) -> None:
    response = client.get("/api/v1/people/", headers={"Authorization": f"Token {world.tokens[role]}"})
    names = {row["display_name"] for row in response.json()["results"]}
    shown = tuple(key for key, name in _people_names(world) if name in names)
    assert shown == PEOPLE_LIST_SHOWS[role]


def _people_names(world: World) -> list[tuple[str, str]]:
    return [("person_a", world.cast.person_a.display_name), ("person_b", world.cast.person_b.display_name)]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("endpoint", "role"), [(endpoint, role) for endpoint in DRAFTS_LISTED_FOR for role in ROLE_NAMES]
)
def test_drafts_are_listed_only_for_those_who_may_change_them(
    world: World, client: Client, endpoint: str, role: str
) -> None:
    headers: dict[str, str] = {}
    if role != "anonymous" and endpoint.startswith("GET /api/"):
        headers["Authorization"] = f"Token {world.tokens[role]}"
    elif role != "anonymous":
        world.sign_in(client, role)
    response = client.get(world.path(endpoint), headers=headers)
    assert response.status_code == 200
    text = response.content.decode()
    published, drafts = ("Event A", "Draft event A") if "/events/" in endpoint else ("Course A", "Draft course A")
    assert published in text.replace(drafts, "")
    assert (drafts in text) is (role in DRAFTS_LISTED_FOR[endpoint])


# --- staff without an authenticator app ---------------------------------------------------------------------


@pytest.fixture
def staff_without_totp(world: World) -> Any:
    user = UserFactory(username="staff-no-totp")
    grant(user, world.cast.org_a, "staff")
    return user


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", list(WEB))
def test_staff_without_authenticator_is_sent_to_mfa_setup_on_every_page_but_home_and_accounts(
    world: World, client: Client, staff_without_totp: Any, endpoint: str
) -> None:
    path = world.path(endpoint)
    client.force_login(staff_without_totp)
    expected = MATRIX[endpoint, "staff_a"] if path == "/" or path.startswith(MFA_EXEMPT_PREFIXES) else MFA
    assert outcome_of(request(client, world, endpoint), signed_in=True, endpoint=endpoint) == expected


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", list(API))
def test_staff_without_authenticator_gets_mfa_required_from_the_api_with_a_session(
    world: World, client: Client, staff_without_totp: Any, endpoint: str
) -> None:
    client.force_login(staff_without_totp)
    assert outcome_of(request(client, world, endpoint), signed_in=True, endpoint=endpoint) == MFA


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", list(API))
def test_staff_without_authenticator_may_use_the_api_with_a_token(
    world: World, client: Client, staff_without_totp: Any, endpoint: str
) -> None:
    token = Token.objects.create(user=staff_without_totp)
    response = request(client, world, endpoint, Authorization=f"Token {token.key}")
    assert outcome_of(response, signed_in=True, endpoint=endpoint) == MATRIX[endpoint, "staff_a"]


# --- the table covers every endpoint of the project ----------------------------------------------------------

THIRD_PARTY_PAGES = ("allauth", "django.")  # allauth, the admin, set_language, media: sampled above, not all listed
# Apps whose pages and endpoints were still being written when this table was made: the guard below skips their
# views, and the generated page says they are missing. Add their rows, then remove them from here.
PENDING_APPS: dict[str, str] = {}
# Values of the same shape as the world's, to resolve the rows without a database.
SAMPLE_VALUES = {
    "person_a": 1,
    "person_b": 2,
    "missing": 3,
    "registration": "ABCD2345",
    "invitation": "token",
    "draft_invitation": "token",
    "group": 4,
    "enrollment": 5,
    "lesson": 6,
    "live_lesson": 7,
    "quiz": 8,
    "certificate": "ABCD2345",
    "duplicate": 9,
    "merge": 10,
    "people_import": 11,
}


def project_view_names(patterns: list[Any], namespace: str = "") -> Iterator[str]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from project_view_names(pattern.url_patterns, inner)
            continue
        view = getattr(pattern.callback, "cls", None) or getattr(pattern.callback, "view_class", None)
        module = (view or pattern.callback).__module__
        if pattern.name and not module.startswith((*THIRD_PARTY_PAGES, *PENDING_APPS)):
            yield namespace + pattern.name


def test_every_page_and_endpoint_of_the_project_has_a_row_in_the_matrix() -> None:
    covered = {
        resolve(urlsplit(endpoint.split(" ", 1)[1].format(**SAMPLE_VALUES)).path).view_name for endpoint in [*WEB, *API]
    }
    missing = sorted(set(project_view_names(get_resolver().url_patterns)) - covered)
    assert not missing, (
        f"These URL names have no row in the role matrix: {missing}. Add a row per method to WEB or API in "
        "tests/accounts/test_role_matrix.py, then run: UPDATE_ROLE_MATRIX=1 pytest tests/accounts/test_role_matrix.py"
    )


# --- the generated page -------------------------------------------------------------------------------------

SYMBOLS = {OK: "✓", NO: "✗", LOGIN: "login", NF: "404"}


def render_markdown() -> str:
    """docs/role-matrix.md, generated from the tables above."""
    header = "| Endpoint | " + " | ".join(ROLE_LABELS[role] for role in ROLE_NAMES) + " |"
    rule = "| --- |" + " :-: |" * len(ROLE_NAMES)

    def table(rows: dict[str, tuple[str, ...]]) -> list[str]:
        return [
            header,
            rule,
            *(
                f"| `{endpoint}`{' †' if endpoint in INPUT_MAY_BE_REFUSED else ''} | "
                f"{' | '.join(SYMBOLS[cell] for cell in row)} |"
                for endpoint, row in rows.items()
            ),
        ]

    lines = [
        "# Role matrix: who may do what",
        "",
        "<!-- Generated by tests/accounts/test_role_matrix.py; do not edit by hand. -->",
        "<!-- Regenerate: UPDATE_ROLE_MATRIX=1 pytest tests/accounts/test_role_matrix.py -->",
        "",
        "Every cell is checked by a test (`tests/accounts/test_role_matrix.py`); the API cells with a session and",
        "with a token (`Authorization: Token KEY`). Permissions are decided in one place,",
        "`tamyr/accounts/permissions.py` (`can(user, action, obj)`).",
        "",
        "Objects: organization A (`org-a`, member of network A) keeps person A, whose own account is the",
        '"owner of person A"; organization B (`org-b`, member of network B) keeps person B. `{missing}` is a',
        "person id that does not exist. Organization A's registry work: `{duplicate}`, a possible duplicate pair",
        "of two of its records; `{merge}`, a merge into person A that can be undone; `{people_import}`, a finished",
        "people import with its report.",
        "",
        "Organization A organizes `event-a` (published; person A is registered, confirmed, with the code",
        "`{registration}`; `{invitation}` is an invitation to it) and `draft-event-a` (a draft, with the",
        "invitation `{draft_invitation}`). It provides `course-a` (published) with the group `{group}`, taught by",
        "the teacher of A, a live and a self-paced lesson (`{lesson}`) and a quiz (`{quiz}`); `{enrollment}` is",
        "person A's enrollment in the group, and a graduate of A (a record without an account) holds the",
        "certificate `{certificate}`, issued by A. `draft-course-a` is a draft course of A.",
        "",
        "Legend: ✓ allowed · ✗ denied (403; the Django admin redirects to its own login page) ·"
        " login: must sign in (web pages redirect to `/accounts/login/`, the API answers 401) · 404 not found.",
        "The API answers 404, as for an id that does not exist, when the role may not even see the object; 403",
        "only when it sees the object but may not do this to it.",
        "",
        "Every role except the compatriots needs two-factor authentication: until they have set up an",
        "authenticator app, every page except `/`, `/accounts/…`, `/i18n/…` and `/verify/…` redirects them to",
        "`/accounts/2fa/totp/activate/`, and the API answers 403 `mfa_required` to their session (a token is",
        "not affected).",
        "",
        *(
            [
                "Not yet in this table, still being written when it was made: "
                + "; ".join(f"`{app}` ({paths})" for app, paths in PENDING_APPS.items())
                + ".",
                "",
            ]
            if PENDING_APPS
            else []
        ),
        "## Web pages",
        "",
        *table(WEB),
        "",
        "## API (`/api/v1/`)",
        "",
        *table(API),
        "",
        "† Sent without a valid body: an allowed role may get the change or have its input refused after the",
        "permission check (the form again, or a 400 with a rule's `code`); both count as allowed. The other",
        "writes are sent with a valid body, and an allowed one goes through.",
        "",
        *(f"- `{endpoint}`: {why}" for endpoint, why in INPUT_MAY_BE_REFUSED.items()),
        "",
        "Some endpoints pass the permission check but leave the final word to the service: the API answers 403",
        "(`not_allowed`) when it refuses, as for the owner approving their own registration, staff marking a",
        "learner's lesson done, or admin of B creating an event or course for organization A.",
        "",
        "## Who appears in the people lists",
        "",
        "`/people/` and `/api/v1/people/` list only the people kept by (or affiliated with) the organizations",
        "in the user's scope:",
        "",
        "| Role | Person A | Person B |",
        "| --- | :-: | :-: |",
        *(
            f"| {ROLE_LABELS[role]} | {'✓' if 'person_a' in shown else '✗'} | {'✓' if 'person_b' in shown else '✗'} |"
            for role, shown in PEOPLE_LIST_SHOWS.items()
        ),
        "",
        "## Who finds drafts in the lists",
        "",
        "Drafts of events and courses appear in these lists only for those who may change them (everyone sees",
        "event A and course A; `{month}` is the month of event A):",
        "",
        "| List | " + " | ".join(ROLE_LABELS[role] for role in ROLE_NAMES) + " |",
        "| --- |" + " :-: |" * len(ROLE_NAMES),
        *(
            f"| `{endpoint}` | " + " | ".join("✓" if role in roles else "✗" for role in ROLE_NAMES) + " |"
            for endpoint, roles in DRAFTS_LISTED_FOR.items()
        ),
        "",
    ]
    return "\n".join(lines)


def test_role_matrix_document_is_up_to_date() -> None:
    expected = render_markdown()
    if os.environ.get("UPDATE_ROLE_MATRIX") == "1":
        MATRIX_DOC.write_text(expected, encoding="utf-8")
    current = MATRIX_DOC.read_text(encoding="utf-8") if MATRIX_DOC.exists() else ""
    assert current == expected, (
        f"{MATRIX_DOC.relative_to(MATRIX_DOC.parents[1])} is out of date with the role matrix in this test module. "
        "Regenerate it with: UPDATE_ROLE_MATRIX=1 pytest tests/accounts/test_role_matrix.py"
    )
