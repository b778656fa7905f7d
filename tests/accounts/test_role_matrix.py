"""Who may do what: every page and API endpoint against every role, as one table.

The table below is the documentation: `docs/role-matrix.md` is generated from it, and a test fails when the two differ.
Regenerate the page with `UPDATE_ROLE_MATRIX=1 pytest tests/accounts/test_role_matrix.py`.

The objects: organization A (member of network A) keeps person A, whose own account is "person_owner";
organization B (member of network B) keeps person B. Organization A also organizes `event-a` (published; person A
is registered, `{registration}` is the code) and `draft-event-a`, and provides `course-a` (published; `{group}` is
its group, taught by the teacher of A; `{enrollment}` is person A's enrollment in it; a graduate's completed
enrollment has the certificate `{certificate}`; the graduate, checked in at `event-a`, has the attendance
credential `{attendance}`) and `draft-course-a`. Every signed-in role except the two
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

import inspect
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLResolver, get_resolver, resolve
from drf_spectacular.generators import SchemaGenerator
from rest_framework.authtoken.models import Token

from tamyr.accounts.services import machine_token_create
from tests.factories import ROLE_NAMES, RoleWorld, UserFactory, country, grant

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
    "GET /admin/network-files/":                               (LOGIN, NO, NO, NO, NO, NO, NO, NO, NO, NO, OK),
    "POST /admin/network-files/":                              (LOGIN, NO, NO, NO, NO, NO, NO, NO, NO, NO, OK),
    "POST /admin/network-files/apply/":                        (LOGIN, NO, NO, NO, NO, NO, NO, NO, NO, NO, OK),
    "GET /admin/network-files/dump/?network=network-a":        (LOGIN, NO, NO, NO, NO, NO, NO, NO, NO, NO, OK),
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
    "GET /networks/network-a/members/":                        (LOGIN, NO, NO, NO, NO, NO, NO, NO, OK, NO, OK),
    "POST /networks/network-a/members/":                       (LOGIN, NO, NO, NO, NO, NO, NO, NO, OK, NO, OK),
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
    "GET /people/import/{people_import}/report/":              (LOGIN, NF, NF, OK, OK, NF, NF, NF, NF, NF, OK),
    "GET /me/":                                                (LOGIN, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "POST /me/":                                               (LOGIN, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "POST /me/consents/":                                      (LOGIN, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "GET /me/name/":                                           (LOGIN, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "POST /me/name/":                                          (LOGIN, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
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
    # dashboards (analytics): the platform's for platform admins; others land on theirs or choose among them
    "GET /analytics/":                                         (LOGIN, NO, NO, OK, OK, NO, NO, OK, OK, OK, OK),
    "GET /analytics/networks/network-a/":                      (LOGIN, NO, NO, NO, NO, NO, NO, NO, OK, NO, OK),
    "GET /analytics/networks/network-a/?export=csv":           (LOGIN, NO, NO, NO, NO, NO, NO, NO, OK, NO, OK),
    "GET /analytics/networks/network-a/?export=xlsx":          (LOGIN, NO, NO, NO, NO, NO, NO, NO, OK, NO, OK),
    "GET /analytics/organizations/org-a/":                     (LOGIN, NO, NO, OK, OK, NO, NO, NO, OK, NO, OK),
    "GET /analytics/organizations/org-a/?export=csv":          (LOGIN, NO, NO, OK, OK, NO, NO, NO, OK, NO, OK),
    "GET /analytics/organizations/org-a/?export=xlsx":         (LOGIN, NO, NO, OK, OK, NO, NO, NO, OK, NO, OK),
    "GET /analytics/organizations/no-such-org/":               (LOGIN, NF, NF, NF, NF, NF, NF, NF, NF, NF, NF),
    "GET /courses/certificates/{certificate}.pdf":             (LOGIN, NF, NF, OK, OK, OK, NF, NF, NF, NF, OK),
    "GET /courses/certificates/{certificate}/revoke/":         (LOGIN, NO, NO, OK, NO, NO, NO, NO, NO, NO, OK),
    "POST /courses/certificates/{certificate}/revoke/":        (LOGIN, NO, NO, OK, NO, NO, NO, NO, NO, NO, OK),
    "GET /courses/course-a/certificates/batch/":               (LOGIN, NO, NO, OK, OK, NO, NO, NO, NO, NO, OK),
    "POST /courses/course-a/certificates/batch/":              (LOGIN, NO, NO, OK, OK, NO, NO, NO, NO, NO, OK),
    # certificates: verification and what issuers publish (public)
    "GET /verify/":                                            (OK,    OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "POST /verify/":                                           (OK,    OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "GET /verify/{certificate}/":                              (OK,    OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "GET /verify/{attendance}/":                               (OK,    OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    # calls: reviewers' pages, the committee's page (the call's managers), an applicant's offer
    "GET /calls/review-call-a/review/":                               (LOGIN, NO, NO, OK, OK, NO, OK, NO, NO, NO, OK),
    "GET /calls/review-call-a/review/CALLAREV/":                      (LOGIN, NF, NF, NF, NF, NF, OK, NF, NF, NF, NF),
    "POST /calls/review-call-a/review/CALLAREV/":                     (LOGIN, NF, NF, NF, NF, NF, OK, NF, NF, NF, NF),
    "GET /calls/review-call-a/hosts/":                                (LOGIN, NO, NO, OK, OK, NO, NO, NO, NO, NO, OK),
    "POST /calls/review-call-a/hosts/":                               (LOGIN, NO, NO, OK, OK, NO, NO, NO, NO, NO, OK),
    "GET /calls/review-call-a/committee/":                            (LOGIN, NO, NO, OK, OK, NO, NO, NO, NO, NO, OK),
    "POST /calls/review-call-a/committee/":                           (LOGIN, NO, NO, OK, OK, NO, NO, NO, NO, NO, OK),
    "GET /calls/offers/{call_offer}/":                         (LOGIN, NF, OK, NF, NF, NF, NF, NF, NF, NF, NF),
    "POST /calls/offers/{call_offer}/":                        (LOGIN, NF, OK, NF, NF, NF, NF, NF, NF, NF, NF),
    "GET /calls/offers/{call_offer}/letter.pdf":               (LOGIN, NF, OK, NF, NF, NF, NF, NF, NF, NF, NF),
    # calls: the fund's page (the call's managers), an award's report file (the managers and the applying B)
    "GET /calls/fund-a/fund/":                                 (LOGIN, NO, NO, OK, OK, NO, NO, NO, NO, NO, OK),
    "POST /calls/fund-a/fund/":                                (LOGIN, NO, NO, OK, OK, NO, NO, NO, NO, NO, OK),
    "GET /files/call-report/{award_report}/":                  (NF,    NF, NF, OK, OK, NF, NF, OK, NF, NF, OK),
    # an award's page (its managers and the applying B; only B hands in reports), the reports handed in (managers)
    "GET /calls/awards/{award}/":                              (LOGIN, NF, NF, OK, OK, NF, NF, OK, NF, NF, OK),
    "POST /calls/awards/{award}/":                             (LOGIN, NF, NF, NO, NO, NF, NF, OK, NF, NF, NO),
    "GET /calls/fund-a/fund/reports/":                         (LOGIN, NO, NO, OK, OK, NO, NO, NO, NO, NO, OK),
    "POST /calls/fund-a/fund/reports/":                        (LOGIN, NO, NO, OK, OK, NO, NO, NO, NO, NO, OK),
    # private files: one view asks can(); whoever may not have the file gets the 404 of a file that does not exist
    "GET /files/import/{people_import}/":                      (NF,    NF, NF, OK, OK, NF, NF, NF, NF, NF, OK),
    "GET /files/import-report/{people_import}/":               (NF,    NF, NF, OK, OK, NF, NF, NF, NF, NF, OK),
    "GET /files/answer/{answer}/":                             (NF,    NF, OK, OK, OK, NF, NF, NF, NF, NF, OK),
    "GET /files/session-material/{session_material}/":         (NF,    NF, NF, OK, OK, NF, NF, NF, NF, NF, OK),
    "GET /files/lesson-material/{lesson_material}/":           (NF,    NF, OK, OK, OK, OK, NF, NF, NF, NF, OK),
    "GET /files/certificate/{certificate}/":                   (NF,    NF, NF, OK, OK, OK, NF, NF, NF, NF, OK),
    "GET /verify/NOSUCHCODE/":                                 (NF,    NF, NF, NF, NF, NF, NF, NF, NF, NF, NF),
    "GET /organizations/org-a/did.json":                       (OK,    OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "GET /organizations/org-a/credentials/status.json":        (OK,    OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "GET /.well-known/jwks.json":                              (OK,    OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    # joint projects (A leads project-a, not public) and practices (practice-a accepted, draft-practice-a not yet)
    "GET /projects/":                                          (OK,    OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "GET /projects/new/":                                      (LOGIN, NO, NO, OK, OK, NO, NO, OK, NO, NO, NO),
    "POST /projects/new/":                                     (LOGIN, NO, NO, OK, OK, NO, NO, OK, NO, NO, NO),
    "GET /projects/project-a/":                                (NF,    NF, NF, OK, OK, NF, NF, NF, NF, NF, OK),
    "POST /projects/project-a/":                               (NF,    NF, NF, OK, OK, NF, NF, NF, NF, NF, OK),
    "GET /projects/project-a/edit/":                           (LOGIN, NF, NF, OK, OK, NF, NF, NF, NF, NF, OK),
    "POST /projects/project-a/edit/":                          (LOGIN, NF, NF, OK, OK, NF, NF, NF, NF, NF, OK),
    "GET /practices/":                                         (OK,    OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "GET /practices/new/":                                     (LOGIN, NO, NO, OK, OK, NO, NO, OK, NO, NO, NO),
    "POST /practices/new/":                                    (LOGIN, NO, NO, OK, OK, NO, NO, OK, NO, NO, NO),
    "GET /practices/practice-a/":                              (OK,    OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "GET /practices/draft-practice-a/":                        (NF,    NF, NF, OK, OK, NF, NF, NF, OK, NF, OK),
    "POST /practices/draft-practice-a/review/":                (LOGIN, NF, NF, NO, NO, NF, NF, NF, OK, NF, OK),
    "POST /practices/practice-a/learn/":                       (LOGIN, NO, NO, NO, NO, NO, NO, OK, NO, NO, NO),
    "POST /practices/practice-a/requests/{learn_request}/":    (LOGIN, NO, NO, OK, OK, NO, NO, NO, NO, NO, OK),
    # plans (network A's plan, not public; A is the network's only member)
    "GET /plans/":                                             (OK,    OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "GET /plans/plan-a/":                                      (NF,    NF, NF, OK, OK, OK, OK, NF, OK, NF, OK),
    "GET /plans/plan-a/iati.xml":                              (NF,    NF, NF, OK, OK, OK, OK, NF, OK, NF, OK),
    "GET /plans/plan-a/progress/":                             (LOGIN, NF, NF, OK, OK, OK, OK, NF, OK, NF, OK),
    "GET /plans/plan-a/progress/?format=pdf":                  (LOGIN, NF, NF, OK, OK, OK, OK, NF, OK, NF, OK),
    "GET /plans/plan-a/progress/?format=xlsx":                 (LOGIN, NF, NF, OK, OK, OK, OK, NF, OK, NF, OK),
    "GET /plans/plan-a/public/":                               (NF,    NF, NF, NF, NF, NF, NF, NF, OK, NF, OK),
    "GET /plans/plan-a/measures/1.1/":                         (NF,    NF, NF, OK, OK, OK, OK, NF, OK, NF, OK),
    "GET /plans/plan-a/periods/{counted_period}/counted/":     (LOGIN, NF, NF, NO, NO, NO, NO, NF, OK, NF, OK),
    "GET /plans/plan-a/periods/{reported_period}/report/":     (LOGIN, NF, NF, OK, OK, NO, NO, NF, OK, NF, OK),
    "POST /plans/plan-a/periods/{reported_period}/report/":    (LOGIN, NF, NF, OK, OK, NO, NO, NF, OK, NF, OK),
    "GET /plans/plan-a/sign-off/":                             (LOGIN, NF, NF, OK, OK, NO, NO, NF, OK, NF, OK),
    "POST /plans/plan-a/sign-off/":                            (LOGIN, NF, NF, OK, NO, NO, NO, NF, NO, NF, NO),
    "GET /plans/plan-a/approvals/":                            (LOGIN, NF, NF, NO, NO, NO, NO, NF, OK, NF, OK),
    "POST /plans/plan-a/approvals/{reported_value}/":          (LOGIN, NF, NF, NO, NO, NO, NO, NF, OK, NF, OK),
    "GET /plans/plan-a/bulk/":                                 (LOGIN, NF, NF, OK, OK, NO, NO, NF, OK, NF, OK),
    "POST /plans/plan-a/bulk/":                                (LOGIN, NF, NF, OK, OK, NO, NO, NF, OK, NF, OK),
    "GET /plans/plan-a/import/":                               (LOGIN, NF, NF, OK, OK, NO, NO, NF, OK, NF, OK),
    "POST /plans/plan-a/import/":                              (LOGIN, NF, NF, OK, OK, NO, NO, NF, OK, NF, OK),
    "GET /plans/plan-a/import/{plan_import}/":                 (LOGIN, NF, NF, OK, OK, NO, NO, NF, OK, NF, OK),
    "GET /plans/plan-a/import/{plan_import}/progress/":        (LOGIN, NF, NF, OK, OK, NO, NO, NF, OK, NF, OK),
    "GET /files/evidence/{reported_value}/":                   (NF,    NF, NF, OK, OK, NF, NF, NF, OK, NF, OK),
    # news and pages: the public side (news-a and page-a published, draft-news-a a draft of A, network-news-a a
    # draft of network A), the feeds, private attachments, then the editors' side
    "GET /news/":                                              (OK,    OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "GET /news/?organization=org-a":                           (OK,    OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "GET /news/news-a/":                                       (OK,    OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "GET /news/draft-news-a/":                                 (NF,    NF, NF, OK, OK, NF, NF, NF, NF, NF, OK),
    "GET /news/network-news-a/":                               (NF,    NF, NF, NF, NF, NF, NF, NF, OK, NF, OK),
    "GET /pages/page-a/":                                      (OK,    OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "GET /news/feeds/organizations/org-a/en/rss.xml":          (OK,    OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "GET /news/feeds/organizations/org-a/kk/atom.xml":         (OK,    OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "GET /news/feeds/networks/network-a/en/feed.json":         (OK,    OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "GET /files/content-attachment/{news_attachment}/":        (OK,    OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "GET /files/content-attachment/{draft_attachment}/":       (NF,    NF, NF, OK, OK, NF, NF, NF, NF, NF, OK),
    "GET /content/":                                           (LOGIN, NO, NO, OK, OK, NO, NO, OK, OK, OK, OK),
    "GET /content/new/":                                       (LOGIN, NO, NO, OK, OK, NO, NO, OK, OK, OK, OK),
    "POST /content/new/":                                      (LOGIN, NO, NO, OK, OK, NO, NO, NO, NO, NO, OK),
    "GET /content/{news}/":                                    (LOGIN, NO, NO, OK, OK, NO, NO, NO, NO, NO, OK),
    "GET /content/{draft_news}/":                              (LOGIN, NF, NF, OK, OK, NF, NF, NF, NF, NF, OK),
    "POST /content/{draft_news}/":                             (LOGIN, NF, NF, OK, OK, NF, NF, NF, NF, NF, OK),
    "GET /content/{network_news}/":                            (LOGIN, NF, NF, NF, NF, NF, NF, NF, OK, NF, OK),
    "GET /content/{draft_news}/revisions/":                    (LOGIN, NF, NF, OK, OK, NF, NF, NF, NF, NF, OK),
    "POST /content/{draft_news}/revisions/":                   (LOGIN, NF, NF, OK, OK, NF, NF, NF, NF, NF, OK),
    "POST /content/{draft_news}/attachments/":                 (LOGIN, NF, NF, OK, OK, NF, NF, NF, NF, NF, OK),
    # mailings: segment_a and campaign_a belong to A
    "GET /mailings/":                                          (LOGIN, NO, NO, OK, OK, NO, NO, OK, NO, NO, OK),
    "GET /mailings/new/":                                      (LOGIN, NO, NO, OK, OK, NO, NO, OK, NO, NO, OK),
    "POST /mailings/new/":                                     (LOGIN, NO, NO, OK, OK, NO, NO, NO, NO, NO, OK),
    "GET /mailings/{campaign}/":                               (LOGIN, NF, NF, OK, OK, NF, NF, NF, NF, NF, OK),
    "POST /mailings/{campaign}/":                              (LOGIN, NF, NF, OK, OK, NF, NF, NF, NF, NF, OK),
    "POST /mailings/{campaign}/actions/":                      (LOGIN, NF, NF, OK, OK, NF, NF, NF, NF, NF, OK),
    "GET /mailings/{campaign}/progress/":                      (LOGIN, NF, NF, OK, OK, NF, NF, NF, NF, NF, OK),
    "GET /mailings/segments/new/":                             (LOGIN, NO, NO, OK, OK, NO, NO, OK, NO, NO, OK),
    "POST /mailings/segments/new/":                            (LOGIN, NO, NO, OK, OK, NO, NO, NO, NO, NO, OK),
    "POST /mailings/segments/preview/":                        (LOGIN, NO, NO, OK, OK, NO, NO, OK, NO, NO, OK),
    "GET /mailings/segments/{segment}/":                       (LOGIN, NF, NF, OK, OK, NF, NF, NF, NF, NF, OK),
    "POST /mailings/segments/{segment}/":                      (LOGIN, NF, NF, OK, OK, NF, NF, NF, NF, NF, OK),
    # who an organization's mailings come from (sender, DKIM key): its admins only
    "GET /mailings/senders/":                                  (LOGIN, NO, NO, OK, NO, NO, NO, OK, NO, NO, OK),
    "GET /mailings/senders/org-a/":                            (LOGIN, NO, NO, OK, NO, NO, NO, NO, NO, NO, OK),
    "POST /mailings/senders/org-a/":                           (LOGIN, NO, NO, OK, NO, NO, NO, NO, NO, NO, OK),
    # unsubscribing from a mailing: whoever holds the link in the e-mail (the signed token is the proof)
    "GET /unsubscribe/{unsubscribe_token}/":                   (OK,    OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "POST /unsubscribe/{unsubscribe_token}/":                  (OK,    OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    # calls: public pages, the applicant's pages, the referee's one-time page, the managers' pages
    "GET /calls/":                                             (OK,    OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "GET /calls/mine/":                                        (LOGIN, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "GET /calls/call-a/":                                      (OK,    OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "GET /calls/draft-call-a/":                                (NF,    NF, NF, OK, OK, NF, NF, NF, NF, NF, OK),
    "POST /calls/call-a/apply/":                               (LOGIN, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "GET /calls/applications/{application}/":                  (LOGIN, NF, OK, OK, OK, NF, NF, NF, NF, NF, OK),
    "POST /calls/applications/{application}/":                 (LOGIN, NF, OK, NO, NO, NF, NF, NF, NF, NF, NO),
    "POST /calls/applications/{application}/autosave/":        (LOGIN, NF, OK, NO, NO, NF, NF, NF, NF, NF, NO),
    "POST /calls/applications/{application}/submit/":          (LOGIN, NF, OK, NO, NO, NF, NF, NF, NF, NF, NO),
    "POST /calls/applications/{application}/withdraw/":        (LOGIN, NF, OK, NO, NO, NF, NF, NF, NF, NF, NO),
    "POST /calls/applications/{application}/reopen/":          (LOGIN, NF, OK, NO, NO, NF, NF, NF, NF, NF, NO),
    "POST /calls/applications/{application}/documents/transcript/":        (LOGIN, NF, OK, NO, NO, NF, NF, NF, NF, NF, NO),
    "POST /calls/applications/{application}/documents/transcript/remove/": (LOGIN, NF, OK, NO, NO, NF, NF, NF, NF, NF, NO),
    "POST /calls/applications/{application}/referees/letter/": (LOGIN, NF, OK, NO, NO, NF, NF, NF, NF, NF, NO),
    "GET /calls/referees/{referee_token}/":                    (OK,    OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "GET /calls/new/":                                         (LOGIN, NO, NO, OK, OK, NO, NO, OK, NO, NO, OK),
    "POST /calls/new/":                                        (LOGIN, NO, NO, OK, OK, NO, NO, OK, NO, NO, OK),
    "POST /calls/draft-call-a/publish/":                       (LOGIN, NF, NF, OK, OK, NF, NF, NF, NF, NF, OK),
    "GET /calls/call-a/applications/":                         (LOGIN, NO, NO, OK, OK, NO, NO, NO, NO, NO, OK),
    "GET /calls/call-a/applications/?export=csv":              (LOGIN, NO, NO, OK, OK, NO, NO, NO, NO, NO, OK),
    "GET /calls/call-a/applications/?export=xlsx":             (LOGIN, NO, NO, OK, OK, NO, NO, NO, NO, NO, OK),
    "GET /files/call-document/{call_document}/":               (NF,    NF, OK, OK, OK, NF, NF, NF, NF, NF, OK),
    # the diaspora map and estimates (analytics): public reads; coordinators and platform admins import
    "GET /analytics/map/":                                     (OK,    OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "GET /analytics/map/?origin=KZ&network=network-a&colour=estimates&sort=people": (OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "GET /analytics/estimates/":                               (OK,    OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "GET /analytics/estimates/KZ/RU/":                         (OK,    OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "GET /analytics/estimates/import/":                        (LOGIN, NO, NO, NO, NO, NO, NO, NO, OK, OK, OK),
    "POST /analytics/estimates/import/":                       (LOGIN, NO, NO, NO, NO, NO, NO, NO, OK, OK, OK),
    # cases: staff of the owner organization work on them; a partner sees a case once it accepts a referral
    "GET /cases/":                                             (LOGIN, NO, NO, OK, OK, NO, NO, OK, NO, NO, OK),
    "GET /cases/?mine=1&stage=intake&type=return&country=MN":  (LOGIN, NO, NO, OK, OK, NO, NO, OK, NO, NO, OK),
    "GET /cases/new/?name=Person":                             (LOGIN, NO, NO, OK, OK, NO, NO, OK, NO, NO, OK),
    "POST /cases/new/":                                        (LOGIN, NO, NO, OK, OK, NO, NO, OK, NO, NO, OK),
    "GET /cases/request/":                                     (LOGIN, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "POST /cases/request/":                                    (LOGIN, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "GET /cases/mine/":                                        (LOGIN, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "GET /cases/supervision/":                                 (LOGIN, NO, NO, OK, NO, NO, NO, OK, NO, NO, OK),
    "GET /cases/referrals/":                                   (LOGIN, NO, NO, OK, OK, NO, NO, OK, NO, NO, OK),
    "POST /cases/referrals/{case_referral}/":                  (LOGIN, NF, NF, NF, NF, NF, NF, OK, NF, NF, OK),
    "GET /cases/statistics/":                                  (LOGIN, NO, NO, OK, OK, NO, NO, OK, NO, NO, OK),
    "GET /cases/{case}/":                                      (LOGIN, NF, NF, OK, OK, NF, NF, NF, NF, NF, OK),
    "POST /cases/{case}/act/":                                 (LOGIN, NF, NF, OK, OK, NF, NF, NF, NF, NF, OK),
    "POST /cases/{case}/consent/":                             (LOGIN, NF, NF, OK, OK, NF, NF, NF, NF, NF, OK),
    "GET /files/case-document/{case_document}/":               (NF,    NF, NF, OK, OK, NF, NF, NF, NF, NF, OK),
}

API: dict[str, tuple[str, ...]] = {
    "GET /api/v1/cases/":                                 (LOGIN, NO, NO, OK, OK, NO, NO, OK, NO, NO, OK),
    "GET /api/v1/cases/{case}/":                          (LOGIN, NF, NF, OK, OK, NF, NF, NF, NF, NF, OK),
    "POST /api/v1/cases/{case}/stage/":                   (LOGIN, NF, NF, OK, OK, NF, NF, NF, NF, NF, OK),
    "POST /api/v1/cases/{case}/notes/":                   (LOGIN, NF, NF, OK, OK, NF, NF, NF, NF, NF, OK),
    "POST /api/v1/cases/{case}/tasks/":                   (LOGIN, NF, NF, OK, OK, NF, NF, NF, NF, NF, OK),
    "POST /api/v1/cases/{case}/refer/":                   (LOGIN, NF, NF, OK, OK, NF, NF, NF, NF, NF, OK),
    "POST /api/v1/cases/{case}/approvals/":               (LOGIN, NF, NF, OK, OK, NF, NF, NF, NF, NF, OK),
    "POST /api/v1/cases/{case}/decide/":                  (LOGIN, NF, NF, OK, NO, NF, NF, NF, NF, NF, OK),
    "GET /api/v1/case-referrals/":                        (LOGIN, NO, NO, OK, OK, NO, NO, OK, NO, NO, OK),
    "POST /api/v1/case-referrals/{case_referral}/accept/":    (LOGIN, NF, NF, NF, NF, NF, NF, OK, NF, NF, OK),
    "POST /api/v1/case-referrals/{case_referral}/reject/":    (LOGIN, NF, NF, NF, NF, NF, NF, OK, NF, NF, OK),
    "POST /api/v1/case-referrals/{case_referral}/implement/": (LOGIN, NF, NF, NF, NF, NF, NF, OK, NF, NF, OK),
    "GET /api/v1/":                                       (OK,    OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "GET /api/v1/hello/":                                 (OK,    OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "GET /api/v1/schema/?format=json":                    (OK,    OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "GET /api/v1/network-file/schema.json":               (OK,    OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "GET /api/v1/docs/":                                  (OK,    OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "GET /api/v1/redoc/":                                 (OK,    OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "GET /api/v1/countries/":                             (OK,    OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "GET /api/v1/countries/KZ/":                          (OK,    OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "GET /api/v1/expertise-fields/":                      (OK,    OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "GET /api/v1/expertise-fields/5.2/":                  (OK,    OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "GET /api/v1/networks/":                              (OK,    OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "GET /api/v1/networks/network-a/":                    (OK,    OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "POST /api/v1/networks/network-a/members/":           (LOGIN, NO, NO, NO, NO, NO, NO, NO, OK, NO, OK),
    "DELETE /api/v1/networks/network-a/members/org-a/":   (LOGIN, NO, NO, NO, NO, NO, NO, NO, OK, NO, OK),
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
    "GET /api/v1/analytics/dashboard/":                   (LOGIN, NO, NO, NO, NO, NO, NO, NO, NO, NO, OK),
    "GET /api/v1/analytics/networks/network-a/":          (LOGIN, NO, NO, NO, NO, NO, NO, NO, OK, NO, OK),
    "GET /api/v1/analytics/organizations/org-a/":         (LOGIN, NO, NO, OK, OK, NO, NO, NO, OK, NO, OK),
    "GET /api/v1/analytics/organizations/no-such-org/":   (LOGIN, NF, NF, NF, NF, NF, NF, NF, NF, NF, NF),
    "GET /api/v1/certificates/{certificate}/":            (OK,    OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "GET /api/v1/certificates/{attendance}/":             (OK,    OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "POST /api/v1/certificates/verify/":                  (OK,    OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    # news and pages
    "GET /api/v1/news/":                                  (OK,    OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "GET /api/v1/news/news-a/":                           (OK,    OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "GET /api/v1/news/draft-news-a/":                     (NF,    NF, NF, OK, OK, NF, NF, NF, NF, NF, OK),
    "POST /api/v1/news/":                                 (LOGIN, NO, NO, OK, OK, NO, NO, NO, NO, NO, OK),
    "PATCH /api/v1/news/draft-news-a/":                   (LOGIN, NF, NF, OK, OK, NF, NF, NF, NF, NF, OK),
    # the mail provider's bounce webhook: a shared secret in a header, never a role (none is configured here)
    "POST /api/v1/mail/bounces/":                         (NO,    NO, NO, NO, NO, NO, NO, NO, NO, NO, NO),
    "PATCH /api/v1/news/network-news-a/":                 (LOGIN, NF, NF, NF, NF, NF, NF, NF, OK, NF, OK),
    # mailings (never public)
    "GET /api/v1/segments/":                              (LOGIN, NO, NO, OK, OK, NO, NO, OK, NO, NO, OK),
    "POST /api/v1/segments/":                             (LOGIN, NO, NO, OK, OK, NO, NO, NO, NO, NO, OK),
    "GET /api/v1/segments/{segment}/":                    (LOGIN, NF, NF, OK, OK, NF, NF, NF, NF, NF, OK),
    "PATCH /api/v1/segments/{segment}/":                  (LOGIN, NF, NF, OK, OK, NF, NF, NF, NF, NF, OK),
    "GET /api/v1/segments/{segment}/preview/":            (LOGIN, NF, NF, OK, OK, NF, NF, NF, NF, NF, OK),
    "GET /api/v1/campaigns/":                             (LOGIN, NO, NO, OK, OK, NO, NO, OK, NO, NO, OK),
    "POST /api/v1/campaigns/":                            (LOGIN, NO, NO, OK, OK, NO, NO, NO, NO, NO, OK),
    "GET /api/v1/campaigns/{campaign}/":                  (LOGIN, NF, NF, OK, OK, NF, NF, NF, NF, NF, OK),
    "PATCH /api/v1/campaigns/{campaign}/":                (LOGIN, NF, NF, OK, OK, NF, NF, NF, NF, NF, OK),
    "POST /api/v1/campaigns/{campaign}/schedule/":        (LOGIN, NF, NF, OK, OK, NF, NF, NF, NF, NF, OK),
    "POST /api/v1/campaigns/{campaign}/send/":            (LOGIN, NF, NF, OK, OK, NF, NF, NF, NF, NF, OK),
    "GET /api/v1/campaigns/{campaign}/progress/":         (LOGIN, NF, NF, OK, OK, NF, NF, NF, NF, NF, OK),
    "GET /api/v1/pages/":                                 (OK,    OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "GET /api/v1/pages/page-a/":                          (OK,    OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "POST /api/v1/pages/":                                (LOGIN, NO, NO, OK, OK, NO, NO, NO, NO, NO, OK),
    "PATCH /api/v1/pages/page-a/":                        (LOGIN, NO, NO, OK, OK, NO, NO, NO, NO, NO, OK),
    # joint projects and practices
    "GET /api/v1/projects/":                              (OK,    OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "GET /api/v1/projects/project-a/":                    (NF,    NF, NF, OK, OK, NF, NF, NF, NF, NF, OK),
    "GET /api/v1/practices/":                             (OK,    OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "GET /api/v1/practices/practice-a/":                  (OK,    OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "GET /api/v1/practices/draft-practice-a/":            (NF,    NF, NF, OK, OK, NF, NF, NF, OK, NF, OK),
    "POST /api/v1/projects/":                             (LOGIN, NO, NO, OK, OK, NO, NO, OK, NO, NO, OK),
    "PATCH /api/v1/projects/project-a/":                  (LOGIN, NF, NF, OK, OK, NF, NF, NF, NF, NF, OK),
    "POST /api/v1/practices/":                            (LOGIN, NO, NO, OK, OK, NO, NO, OK, NO, NO, OK),
    "PATCH /api/v1/practices/practice-a/":                (LOGIN, NO, NO, OK, OK, NO, NO, NO, NO, NO, OK),
    "POST /api/v1/practices/practice-a/requests/{learn_request}/answer/": (LOGIN, NO, NO, OK, OK, NO, NO, NO, NO, NO, OK),
    # plans
    "GET /api/v1/plans/":                                 (OK,    OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "GET /api/v1/plans/plan-a/":                          (NF,    NF, NF, OK, OK, OK, OK, NF, OK, NF, OK),
    "POST /api/v1/plans/plan-a/measures/":                (LOGIN, NF, NF, NO, NO, NO, NO, NF, OK, NF, OK),
    "PATCH /api/v1/plans/plan-a/measures/1.1/":           (LOGIN, NF, NF, OK, OK, NO, NO, NF, OK, NF, OK),
    "POST /api/v1/plans/plan-a/measures/bulk/":           (LOGIN, NF, NF, OK, OK, NO, NO, NF, OK, NF, OK),
    "POST /api/v1/plans/plan-a/import/":                  (LOGIN, NF, NF, OK, OK, NO, NO, NF, OK, NF, OK),
    "POST /api/v1/plans/plan-a/periods/{reported_period}/values/": (LOGIN, NF, NF, OK, OK, NO, NO, NF, OK, NF, OK),
    "POST /api/v1/plans/plan-a/values/{reported_value}/decision/": (LOGIN, NF, NF, NO, NO, NO, NO, NF, OK, NF, OK),
    "POST /api/v1/plans/plan-a/sign-off/":                (LOGIN, NF, NF, OK, NO, NO, NO, NF, NO, NF, NO),
    # calls and applications
    "GET /api/v1/calls/":                                 (OK,    OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "POST /api/v1/calls/":                                (LOGIN, NO, NO, OK, OK, NO, NO, NO, NO, NO, OK),
    "GET /api/v1/calls/call-a/":                          (OK,    OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "GET /api/v1/calls/draft-call-a/":                    (NF,    NF, NF, OK, OK, NF, NF, NF, NF, NF, OK),
    "PATCH /api/v1/calls/call-a/":                        (LOGIN, NO, NO, OK, OK, NO, NO, NO, NO, NO, OK),
    "POST /api/v1/calls/draft-call-a/publish/":           (LOGIN, NF, NF, OK, OK, NF, NF, NF, NF, NF, OK),
    "POST /api/v1/calls/call-a/questions/":               (LOGIN, NO, NO, OK, OK, NO, NO, NO, NO, NO, OK),
    "POST /api/v1/calls/call-a/documents/":               (LOGIN, NO, NO, OK, OK, NO, NO, NO, NO, NO, OK),
    "POST /api/v1/calls/call-a/quota-groups/":            (LOGIN, NO, NO, OK, OK, NO, NO, NO, NO, NO, OK),
    "GET /api/v1/calls/call-a/applications/":             (LOGIN, NO, NO, OK, OK, NO, NO, NO, NO, NO, OK),
    "POST /api/v1/calls/call-a/apply/":                   (LOGIN, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    # the committee's side: reviews (managers all, reviewers their own), results (everyone their own), scores, fund
    "GET /api/v1/calls/review-call-a/reviews/":           (LOGIN, NO, NO, OK, OK, NO, OK, NO, NO, NO, OK),
    "GET /api/v1/calls/review-call-a/results/":           (LOGIN, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "GET /api/v1/calls/review-call-a/scores/":            (LOGIN, NO, NO, OK, OK, NO, NO, NO, NO, NO, OK),
    "GET /api/v1/calls/review-call-a/scores/?export=csv": (LOGIN, NO, NO, OK, OK, NO, NO, NO, NO, NO, OK),
    "GET /api/v1/calls/review-call-a/scores/?export=xlsx": (LOGIN, NO, NO, OK, OK, NO, NO, NO, NO, NO, OK),
    "GET /api/v1/calls/review-call-a/host-pairs/":             (LOGIN, NO, NO, OK, OK, NO, NO, NO, NO, NO, OK),
    "POST /api/v1/calls/review-call-a/host-pairs/compute/":    (LOGIN, NO, NO, OK, OK, NO, NO, NO, NO, NO, OK),
    "POST /api/v1/calls/review-call-a/host-pairs/set/":        (LOGIN, NO, NO, OK, OK, NO, NO, NO, NO, NO, OK),
    "POST /api/v1/calls/review-call-a/host-pairs/confirm/":    (LOGIN, NO, NO, OK, OK, NO, NO, NO, NO, NO, OK),
    "GET /api/v1/calls/fund-a/fund/":                     (LOGIN, NO, NO, OK, OK, NO, NO, NO, NO, NO, OK),
    # awards: the call's managers, and the applying organization B (its reports)
    "GET /api/v1/awards/":                                (LOGIN, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "GET /api/v1/awards/{award}/":                        (LOGIN, NF, NF, OK, OK, NF, NF, OK, NF, NF, OK),
    "POST /api/v1/awards/{award}/tranches/":              (LOGIN, NF, NF, OK, OK, NF, NF, NO, NF, NF, OK),
    "POST /api/v1/awards/{award}/tranches/{tranche}/disburse/": (LOGIN, NF, NF, OK, OK, NF, NF, NO, NF, NF, OK),
    "POST /api/v1/awards/{award}/reports/":               (LOGIN, NF, NF, OK, OK, NF, NF, NO, NF, NF, OK),
    "POST /api/v1/awards/{award}/reports/{award_report_due}/file/": (LOGIN, NF, NF, NO, NO, NF, NF, OK, NF, NF, NO),
    "POST /api/v1/awards/{award}/reports/{award_report}/accept/": (LOGIN, NF, NF, OK, OK, NF, NF, NO, NF, NF, OK),
    "POST /api/v1/awards/{award}/reports/{award_report}/return/": (LOGIN, NF, NF, OK, OK, NF, NF, NO, NF, NF, OK),
    "POST /api/v1/awards/{award}/status/":                (LOGIN, NF, NF, OK, OK, NF, NF, NO, NF, NF, OK),
    "GET /api/v1/applications/":                          (LOGIN, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "GET /api/v1/applications/{application}/":            (LOGIN, NF, OK, OK, OK, NF, NF, NF, NF, NF, OK),
    "PATCH /api/v1/applications/{application}/":          (LOGIN, NF, OK, NO, NO, NF, NF, NF, NF, NF, NO),
    "POST /api/v1/applications/{application}/submit/":    (LOGIN, NF, OK, NO, NO, NF, NF, NF, NF, NF, NO),
    "POST /api/v1/applications/{application}/withdraw/":  (LOGIN, NF, OK, NO, NO, NF, NF, NF, NF, NF, NO),
    "POST /api/v1/applications/{application}/documents/transcript/": (LOGIN, NF, OK, NO, NO, NF, NF, NF, NF, NF, NO),
    # diaspora estimates: anyone reads; coordinators and platform admins write
    "GET /api/v1/estimates/":                             (OK,    OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "GET /api/v1/estimates/{estimate}/":                  (OK,    OK, OK, OK, OK, OK, OK, OK, OK, OK, OK),
    "POST /api/v1/estimates/":                            (LOGIN, NO, NO, NO, NO, NO, NO, NO, OK, OK, OK),
    "PATCH /api/v1/estimates/{estimate}/":                (LOGIN, NO, NO, NO, NO, NO, NO, NO, OK, OK, OK),
    "DELETE /api/v1/estimates/{estimate}/":               (LOGIN, NO, NO, NO, NO, NO, NO, NO, OK, OK, OK),
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
    "POST /api/v1/estimates/": {
        "origin": "KZ",
        "residence": "MN",
        "year": 2010,
        "point": 101526,
        "publisher": "National Statistics Office of Mongolia",
        "title": "Census 2010",
    },
    "PATCH /api/v1/estimates/{estimate}/": {"point": 647733},
    "POST /cases/{case}/act/": {"action": "note", "text": "A note"},
    "POST /cases/referrals/{case_referral}/": {"action": "accept"},
    "POST /i18n/setlang/": {"language": "kk", "next": "/"},
    "POST /organizations/org-a/edit/": {"name_en": "Organization A", "description_kk": "Сипаттама", "kind": "ngo"},
    "POST /organizations/org-a/roles/": {"identifier": "compatriot", "role": "teacher"},
    "POST /networks/network-a/members/": {"organization": "org-a", "role": "observer", "since": "2020-01-01"},
    "POST /api/v1/networks/network-a/members/": {"organization": "org-a", "role": "observer"},
    "POST /people/new/": {"display_name": "Matrix Person"},
    "POST /people/{person_a}/edit/": {"display_name": "Person Alpha", "residence_city": "Istanbul"},
    "POST /me/": {"action": "create_profile"},
    "POST /me/erase/": {"confirm": "yes"},
    "POST /me/consents/": {"purpose": "contact", "action": "give"},
    "POST /me/name/": {"name": "Нұрлан Әбенов", "name_latin": "Nurlan Abenov"},
    # an account with no name and no record is asked for its name with its first registration
    "POST /events/event-a/register/": {"name": "Matrix Person"},
    "POST /api/v1/organizations/": {"slug": "new-org", "name": {"en": "New organization"}, "kind": "ngo"},
    "PATCH /api/v1/organizations/org-a/": {"description": {"en": "Changed", "kk": "Өзгертілді"}},
    "POST /api/v1/people/": {"display_name": "Matrix Person", "residence_country": "TR"},
    "PATCH /api/v1/people/{person_a}/": {"residence_city": "Istanbul"},
    "PATCH /api/v1/people/{person_b}/": {"residence_city": "Istanbul"},
    # "{…}" in a value or a key is filled in as in the paths
    "POST /people/duplicates/{duplicate}/": {"action": "not_duplicate"},
    "POST /content/new/": {
        "owner": "organization:org-a",
        "kind": "news",
        "slug": "matrix-news",
        "title_en": "Matrix news",
        "source_language": "en",
        "fallback_language": "en",
        "status": "draft",
    },
    "POST /content/{draft_news}/": {
        "slug": "draft-news-a",
        "title_en": "Edited",
        "source_language": "en",
        "fallback_language": "en",
        "status": "draft",
    },
    "POST /content/{draft_news}/revisions/": {"revision": "{draft_revision}"},
    "POST /content/{draft_news}/attachments/": {"remove": "{draft_attachment}"},
    "POST /api/v1/news/": {"slug": "matrix-news", "organization": "org-a", "title": {"en": "Matrix news"}},
    "PATCH /api/v1/news/draft-news-a/": {"title": {"en": "Edited"}},
    "PATCH /api/v1/news/network-news-a/": {"title": {"en": "Edited"}},
    "POST /mailings/new/": {
        "organization": "org-a",
        "name": "Matrix campaign",
        "segment": "{segment}",
        "subject_en": "Hello",
        "fallback_language": "en",
    },
    "POST /mailings/{campaign}/": {
        "name": "Campaign A",
        "segment": "{segment}",
        "subject_en": "Hello",
        "fallback_language": "en",
    },
    "POST /mailings/{campaign}/actions/": {"action": "unschedule"},
    "POST /mailings/segments/new/": {"organization": "org-a", "name": "Matrix segment", "countries": "KZ"},
    "POST /mailings/segments/preview/": {"countries": "KZ"},
    "POST /mailings/segments/{segment}/": {"name": "Segment A", "countries": "AQ"},
    "POST /mailings/senders/org-a/": {"from_email": "news@org-a.example", "from_name": "Organization A"},
    "POST /api/v1/segments/": {"organization": "org-a", "name": "Matrix segment", "rules": {"countries": ["KZ"]}},
    "PATCH /api/v1/segments/{segment}/": {"name": "Segment A"},
    "POST /api/v1/campaigns/": {
        "organization": "org-a",
        "name": "Matrix campaign",
        "segment": "{segment}",
        "subject": {"en": "Hello"},
        "fallback_language": "en",
    },
    "PATCH /api/v1/campaigns/{campaign}/": {"name": "Campaign A"},
    "POST /api/v1/campaigns/{campaign}/schedule/": {"scheduled_at": "{in_a_month}"},
    "POST /api/v1/pages/": {"slug": "matrix-page", "organization": "org-a", "title": {"en": "Matrix page"}},
    "PATCH /api/v1/pages/page-a/": {"order": 2},
    "POST /events/draft-event-a/manage/": {"action": "publish"},
    "POST /events/event-a/check-in/": {"code": "{registration}"},
    "POST /courses/certificates/{certificate}/revoke/": {"reason": "Issued by mistake"},
    "POST /plans/plan-a/periods/{reported_period}/report/": {"value": "3", "evidence_url": "https://example.org/r"},
    "POST /plans/plan-a/sign-off/": {"action": "sign", "organization": "org-a", "decision": "approve"},
    "POST /plans/plan-a/approvals/{reported_value}/": {"approve": "1"},
    "POST /plans/plan-a/bulk/": {"codes": ["1.1"], "status": "in_progress"},
    "POST /api/v1/plans/plan-a/measures/": {
        "code": "1.9",
        "title": {"en": "Measure 1.9"},
        "lead": "org-a",
        "direction": "1",
    },
    "PATCH /api/v1/plans/plan-a/measures/1.1/": {"status": "in_progress"},
    "POST /api/v1/plans/plan-a/measures/bulk/": {"codes": ["1.1"], "status": "in_progress"},
    "POST /api/v1/plans/plan-a/periods/{reported_period}/values/": {
        "value": "3",
        "evidence_url": "https://example.org/r",
    },
    "POST /api/v1/plans/plan-a/values/{reported_value}/decision/": {"approve": True},
    "POST /api/v1/plans/plan-a/sign-off/": {"organization": "org-a", "decision": "approve"},
    "POST /api/v1/projects/": {"slug": "project-new", "lead": "org-a", "title": {"en": "New project"}},
    "PATCH /api/v1/projects/project-a/": {"place": "Vienna"},
    "POST /api/v1/practices/": {
        "slug": "practice-new",
        "organization": "org-a",
        "network": "network-a",
        "title": {"en": "New practice"},
        "contact_email": "practice@example.org",
    },
    "PATCH /api/v1/practices/practice-a/": {"contact_name": "Aigerim"},
    "POST /api/v1/practices/practice-a/requests/{learn_request}/answer/": {"accept": True, "answer": "Yes, in May."},
    "POST /projects/project-a/": {"action": "media", "media-kind": "photo", "media-url": "https://example.org/p"},
    "POST /practices/draft-practice-a/review/": {"accept": "1"},
    "POST /practices/practice-a/learn/": {"organization": "org-b", "message": "May we learn?"},
    "POST /practices/practice-a/requests/{learn_request}/": {"accept": "1", "text": "Yes, come in May."},
    "POST /calls/review-call-a/review/CALLAREV/": {"committee_comment": "A clear plan"},
    "POST /calls/review-call-a/committee/": {"action": "detect"},
    "POST /calls/offers/{call_offer}/": {"action": "accept"},
    "POST /calls/fund-a/fund/": {"action": "report", "award": "{award}", "due_on": "2027-01-01"},
    "POST /calls/review-call-a/hosts/": {"action": "confirm"},
    "POST /calls/awards/{award}/": {"report": "{award_report_due}"},
    "POST /calls/fund-a/fund/reports/": {"report": "{award_report}", "action": "return"},
    "POST /api/v1/awards/{award}/tranches/": {"amount": "100.00", "due_on": "2027-01-01"},
    "POST /api/v1/awards/{award}/reports/": {"due_on": "2027-03-01"},
    "POST /api/v1/awards/{award}/status/": {"status": "active"},
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
    "POST /api/v1/calls/": {
        "slug": "matrix-call",
        "organization": "org-a",
        "kind": "scholarship",
        "title": {"en": "Matrix call"},
        "opens_at": "{in_a_month}",
        "closes_at": "{in_two_months}",
    },
    "PATCH /api/v1/calls/call-a/": {"places": 200},
    "POST /api/v1/calls/call-a/questions/": {"label": {"en": "Why?"}, "kind": "text"},
    "POST /api/v1/calls/call-a/documents/": {"key": "cv", "name": {"en": "CV"}, "formats": ["pdf"]},
    "POST /api/v1/calls/call-a/quota-groups/": {
        "key": "kz",
        "name": {"en": "Kazakhstan"},
        "places": 5,
        "countries": ["KZ"],
    },
    "PATCH /api/v1/applications/{application}/": {"answers": {}},
}

# Writes for which a role that passes the permission check may still have its input refused, each with the reason;
# for these an input refused after the check (the form shown again with its errors, a 400 with a rule's `code`)
# counts as allowed, as the change itself would. Denied still means 403 (or 404), never a refused input.
INPUT_MAY_BE_REFUSED: dict[str, str] = {
    "POST /analytics/estimates/import/": "sent empty: the upload form is shown again",
    "POST /cases/new/": "sent empty: the form is shown again",
    "POST /cases/request/": "sent empty: the request form is shown again",
    "POST /cases/{case}/act/": "sent without a version: the case page is shown again with the error",
    "POST /api/v1/cases/{case}/stage/": "sent without a version: 400",
    "POST /api/v1/cases/{case}/notes/": "sent without a version: 400",
    "POST /api/v1/cases/{case}/tasks/": "sent without a version: 400",
    "POST /api/v1/cases/{case}/refer/": "sent without a version: 400",
    "POST /api/v1/cases/{case}/approvals/": "sent without a version: 400",
    "POST /api/v1/cases/{case}/decide/": "sent without a version: 400",
    "POST /api/v1/case-referrals/{case_referral}/accept/": "the person withdrew the consent for sharing: 400",
    "POST /api/v1/case-referrals/{case_referral}/reject/": "sent without a reason: 400",
    "POST /api/v1/case-referrals/{case_referral}/implement/": "not accepted yet: 400",
    "POST /admin/network-files/": "sent empty: the upload form is shown again (400)",
    "POST /admin/network-files/apply/": "sent empty: no plan was shown, so nothing is applied (back to the upload)",
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
    "POST /calls/new/": "sent empty: the call form is shown again",
    "POST /projects/new/": "sent empty: the project form is shown again",
    "POST /projects/project-a/edit/": "sent empty: the project form is shown again",
    "POST /practices/new/": "sent empty: the practice form is shown again",
    "POST /plans/plan-a/import/": "sent empty: the import form is shown again",
    "POST /api/v1/plans/plan-a/import/": "sent as JSON without a file: 400",
    "POST /api/v1/projects/": "B's admin may start projects, but not in A's name: 400 (the lead is unknown to it)",
    "POST /api/v1/practices/": "B's admin may submit practices, but not in A's name: 400 (unknown organization)",
    "POST /api/v1/applications/{application}/submit/": "person A's application is submitted already (400)",
    "POST /api/v1/applications/{application}/documents/transcript/": "sent without a file: 400",
    "POST /api/v1/awards/{award}/tranches/{tranche}/disburse/": "the tranche is paid once: later roles get 400",
    "POST /api/v1/awards/{award}/reports/{award_report_due}/file/": "sent without a file: 400",
    "POST /api/v1/awards/{award}/reports/{award_report}/accept/": "the report is accepted once: later roles get 400",
    "POST /api/v1/awards/{award}/reports/{award_report}/return/": "sent without a comment (or accepted already): 400",
    "POST /api/v1/calls/review-call-a/host-pairs/set/": "sent empty: 400, a scholar and a host are asked for",
    "POST /api/v1/campaigns/{campaign}/send/": "campaign A's audience has nobody who may be written to: 400",
}

MFA_EXEMPT_PREFIXES = ("/accounts/", "/i18n/", "/verify/", "/unsubscribe/")
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
            attendance=cast.attendance.code,
            duplicate=cast.duplicate_a.pk,
            merge=cast.merge_a.pk,
            people_import=cast.import_a.pk,
            answer=cast.answer_a.pk,
            session_material=cast.session_material_a.pk,
            lesson_material=cast.lesson_material_a.pk,
            counted_period=cast.counted_period.pk,
            reported_period=cast.reported_period.pk,
            reported_value=cast.value_a.pk,
            plan_import=cast.plan_import_a.pk,
            learn_request=cast.learn_a.pk,
            call_offer=cast.call_offer.pk,
            award=cast.award.pk,
            tranche=cast.tranche.pk,
            award_report=cast.award_report.pk,
            award_report_due=cast.award_report_due.pk,
            in_a_month=cast.event_a.starts_at.isoformat(),
            in_two_months=(cast.event_a.starts_at + timedelta(days=30)).isoformat(),
            application=cast.application_a.code,
            call_document=cast.call_document_a.pk,
            referee_token=cast.referee_token,
            month=cast.event_a.starts_at.strftime("%Y-%m"),
            news=cast.news_a.pk,
            draft_news=cast.draft_news_a.pk,
            network_news=cast.network_news_a.pk,
            draft_revision=cast.draft_revision.pk,
            news_attachment=cast.news_attachment.pk,
            draft_attachment=cast.draft_attachment.pk,
            estimate=cast.estimate.pk,
            segment=cast.segment_a.pk,
            campaign=cast.campaign_a.pk,
            segment_b=cast.segment_b.pk,
            unsubscribe_token=cast.unsubscribe_token,
            case=cast.case_a.pk,
            case_document=cast.case_document.pk,
            case_referral=cast.case_referral.pk,
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
    settings.PRIVATE_MEDIA_ROOT = _module_media_root + "-private"  # where the world's certificate PDF was written


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
        is_json = "json" in response.get("Content-Type", "")  # application/json, or the schema's +json
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


# Public verification reads no credentials, so a token changes nothing there; the API's HTML pages refuse without
# the JSON body.
READ_NO_CREDENTIALS = {
    "GET /api/v1/certificates/{certificate}/",
    "GET /api/v1/certificates/{attendance}/",
    "POST /api/v1/certificates/verify/",
    "GET /api/v1/network-file/schema.json",  # a format's description, public: it never looks at credentials
    "POST /api/v1/mail/bounces/",  # a mail provider's webhook: a shared secret in a header, never a user's token
}
API_PAGES = {"GET /api/v1/docs/", "GET /api/v1/redoc/"}


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
def test_staff_without_authenticator_gets_mfa_required_from_the_api_whatever_header_rides_with_the_session(
    world: World, client: Client, staff_without_totp: Any, endpoint: str
) -> None:
    client.force_login(staff_without_totp)
    response = request(client, world, endpoint, Authorization="Bearer anything")
    assert outcome_of(response, signed_in=True, endpoint=endpoint) == MFA


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", list(API))
def test_staff_without_authenticator_gets_mfa_required_with_their_own_token(
    world: World, client: Client, staff_without_totp: Any, endpoint: str
) -> None:
    token = Token.objects.create(user=staff_without_totp)
    response = request(client, world, endpoint, Authorization=f"Token {token.key}")
    if endpoint in READ_NO_CREDENTIALS:
        expected = MATRIX[endpoint, "anonymous"]
    else:
        expected = NO if endpoint in API_PAGES else MFA
    assert outcome_of(response, signed_in=True, endpoint=endpoint) == expected


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", list(API))
def test_staff_without_authenticator_may_use_the_api_with_a_machine_token(
    world: World, client: Client, staff_without_totp: Any, endpoint: str
) -> None:
    token = machine_token_create(user=staff_without_totp, acting_user=None)
    response = request(client, world, endpoint, Authorization=f"Token {token.key}")
    assert outcome_of(response, signed_in=True, endpoint=endpoint) == MATRIX[endpoint, "staff_a"]


# --- the table covers every endpoint of the project ----------------------------------------------------------

THIRD_PARTY_PAGES = ("allauth", "django.")  # allauth, the admin, set_language, media: sampled above, not all listed
# Apps whose pages and endpoints were still being written when this table was made: the guard below skips their
# views, and the generated page says they are missing. Add their rows, then remove them from here.
PENDING_APPS: dict[str, str] = {}
# Values of the same shape as the world's, to resolve the rows without a database.
SAMPLE_VALUES = {
    "segment": 5,
    "segment_b": 7,
    "campaign": 6,
    "person_a": 1,
    "learn_request": 9,
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
    "attendance": "EFGH6789",
    "duplicate": 9,
    "merge": 10,
    "people_import": 11,
    "answer": 12,
    "session_material": 13,
    "lesson_material": 14,
    "counted_period": 15,
    "reported_period": 16,
    "reported_value": 17,
    "application": "ABCD1234",
    "call_document": 15,
    "referee_token": "token",
    "call_offer": 15,
    "award": 16,
    "tranche": 17,
    "award_report": 18,
    "award_report_due": 19,
    "news": 20,
    "draft_news": 21,
    "network_news": 22,
    "draft_revision": 23,
    "news_attachment": 24,
    "draft_attachment": 25,
    "estimate": 26,
    "plan_import": 27,
    "unsubscribe_token": "token",
    "case": 26,
    "case_document": 27,
    "case_referral": 28,
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


# --- references: another organization's object in every reference a write accepts ---------------------------
#
# Every reference a write accepts (a field of an API request, a choice field of a form) is checked against what the
# caller may see or act on (docs/decisions/0012-organization-boundaries-on-writes.md). Each reference has a case: a
# role that may make the write sends it with organization B's object in that reference, and is refused with nothing
# written; the same write with organization A's object (the control) goes through, so that a refusal for another
# reason cannot pass for the check. References open to every caller by nature are listed with the reason in
# PUBLIC_REFERENCES. The guards below fail for any reference of a write (every write operation of the OpenAPI
# schema, every form of the project) that has neither a case nor a reason.


# fmt: off
@dataclass(frozen=True)
class Ref:
    """`body` holds "{ref}" where B's object (`other`) goes, or A's (`own`) for the control; `own` None: the field
    can never be written, there is no control."""

    role: str
    endpoint: str
    body: dict[str, Any]
    other: str
    own: str | None


API_EVENT = {"slug": "ref-event", "title": {"en": "Reference event"}, "kind": "forum",
             "starts_at": "{in_a_month}", "ends_at": "{in_a_month}"}
API_CALL = {"slug": "ref-call", "title": {"en": "Reference call"}, "kind": "scholarship",
            "opens_at": "{in_a_month}", "closes_at": "{in_two_months}"}
API_COURSE = {"slug": "ref-course", "title": {"en": "Reference course"}, "format": "self_paced"}
API_NEWS = {"slug": "ref-news", "title": {"en": "Reference news"}}
API_SEGMENT = {"name": "Reference segment"}
API_CAMPAIGN = {"name": "Reference campaign", "subject": {"en": "Hello"}, "fallback_language": "en"}
REGISTER = "POST /api/v1/events/event-a/registrations/"
ATTENDANCE = "POST /api/v1/groups/{group}/attendance/"

API_MEASURE = {"code": "1.9", "title": {"en": "Reference measure"}, "direction": "1", "lead": "org-a"}
MEASURE_REFS = [  # field, value in the body, B's object, A's object
    ("lead", "{ref}", "org-b", "org-a"),
    ("partners", ["{ref}"], "org-b", "org-a"),
    ("events", ["{ref}"], "draft-event-b", "event-a"),
    ("courses", ["{ref}"], "draft-course-b", "course-a"),
]
BULK = "POST /api/v1/plans/plan-a/measures/bulk/"
API_PROJECT = {"slug": "ref-project", "title": {"en": "Reference project"}}
API_PRACTICE = {"slug": "ref-practice", "title": {"en": "Reference practice"}, "network": "network-a",
                "contact_email": "practice@example.org"}

# (path in the OpenAPI schema, field) -> the case
API_REFERENCES: dict[tuple[str, str], Ref] = {
    ("/api/v1/events/", "organizer"): Ref("staff_a", "POST /api/v1/events/", {**API_EVENT, "organizer": "{ref}"},
                                          "org-b", "org-a"),
    ("/api/v1/events/{slug}/", "organizer"): Ref("staff_a", "PATCH /api/v1/events/event-a/", {"organizer": "{ref}"},
                                                 "org-b", "org-a"),
    ("/api/v1/events/{slug}/delegations/", "head"): Ref(
        "staff_a", "POST /api/v1/events/event-a/delegations/", {"country": "TR", "head": "{ref}"},
        "{person_b}", "{alfa}"),
    ("/api/v1/events/{slug}/registrations/", "person"): Ref(
        "staff_a", REGISTER, {"person": "{ref}", "category": "{category_a}"}, "{person_b}", "{alfa}"),
    ("/api/v1/events/{slug}/registrations/", "category"): Ref(
        "staff_a", REGISTER, {"person": "{alfa}", "category": "{ref}"}, "{category_b}", "{category_a}"),
    ("/api/v1/events/{slug}/registrations/", "delegation"): Ref(
        "staff_a", REGISTER, {"person": "{alfa}", "category": "{category_a}", "delegation": "{ref}"},
        "{delegation_b}", "{delegation_a}"),
    ("/api/v1/events/{slug}/registrations/", "invitation"): Ref(
        "compatriot", REGISTER, {"category": "{category_a}", "invitation": "{ref}"}, "{invitation_b}",
        "{invitation}"),
    ("/api/v1/events/{slug}/check-in/", "code"): Ref(
        "staff_a", "POST /api/v1/events/event-a/check-in/", {"code": "{ref}"}, "{registration_b}", "{registration}"),
    ("/api/v1/courses/", "provider"): Ref("staff_a", "POST /api/v1/courses/", {**API_COURSE, "provider": "{ref}"},
                                          "org-b", "org-a"),
    ("/api/v1/courses/", "teachers"): Ref(
        "staff_a", "POST /api/v1/courses/", {**API_COURSE, "provider": "org-a", "teachers": ["{ref}"]},
        "org-admin-b", "teacher-a"),
    ("/api/v1/courses/{slug}/", "provider"): Ref("staff_a", "PATCH /api/v1/courses/course-a/", {"provider": "{ref}"},
                                                 "org-b", "org-a"),
    ("/api/v1/courses/{slug}/", "teachers"): Ref(
        "staff_a", "PATCH /api/v1/courses/course-a/", {"teachers": ["{ref}"]}, "org-admin-b", "teacher-a"),
    ("/api/v1/enrollments/", "group"): Ref(
        "staff_a", "POST /api/v1/enrollments/", {"group": "{ref}", "person": "{alfa}"}, "{group_b}", "{group}"),
    ("/api/v1/enrollments/", "person"): Ref(
        "staff_a", "POST /api/v1/enrollments/", {"group": "{group}", "person": "{ref}"}, "{person_b}", "{alfa}"),
    ("/api/v1/enrollments/{id}/progress/", "lesson"): Ref(
        "person_owner", "POST /api/v1/enrollments/{enrollment}/progress/", {"lesson": "{ref}"}, "{lesson_b}",
        "{lesson}"),
    ("/api/v1/groups/{id}/attendance/", "lesson"): Ref(
        "teacher_a", ATTENDANCE, {"lesson": "{ref}", "present": {"{enrollment}": True}}, "{live_lesson_b}",
        "{live_lesson}"),
    ("/api/v1/groups/{id}/attendance/", "present"): Ref(
        "teacher_a", ATTENDANCE, {"lesson": "{live_lesson}", "present": {"{ref}": True}}, "{enrollment_b}",
        "{enrollment}"),
    ("/api/v1/people/", "registered_by"): Ref(
        "staff_a", "POST /api/v1/people/", {"display_name": "Reference Person", "registered_by": "{ref}"}, "org-b",
        "org-a"),
    ("/api/v1/people/{id}/", "registered_by"): Ref(
        "staff_a", "PATCH /api/v1/people/{person_a}/", {"registered_by": "{ref}"}, "org-b", None),
    ("/api/v1/calls/", "organization"): Ref("staff_a", "POST /api/v1/calls/", {**API_CALL, "organization": "{ref}"},
                                            "org-b", "org-a"),
    ("/api/v1/news/", "organization"): Ref("staff_a", "POST /api/v1/news/", {**API_NEWS, "organization": "{ref}"},
                                           "org-b", "org-a"),
    ("/api/v1/news/", "network"): Ref("coordinator_a", "POST /api/v1/news/", {**API_NEWS, "network": "{ref}"},
                                      "network-b", "network-a"),
    ("/api/v1/pages/", "organization"): Ref("staff_a", "POST /api/v1/pages/", {**API_NEWS, "organization": "{ref}"},
                                            "org-b", "org-a"),
    ("/api/v1/pages/", "network"): Ref("coordinator_a", "POST /api/v1/pages/", {**API_NEWS, "network": "{ref}"},
                                       "network-b", "network-a"),
    ("/api/v1/pages/", "parent"): Ref("staff_a", "POST /api/v1/pages/",
                                      {**API_NEWS, "organization": "org-a", "parent": "{ref}"}, "page-b", "page-a"),
    ("/api/v1/pages/{slug}/", "parent"): Ref("staff_a", "PATCH /api/v1/pages/sub-page-a/", {"parent": "{ref}"},
                                             "page-b", "page-a"),
    ("/api/v1/segments/", "organization"): Ref("staff_a", "POST /api/v1/segments/", {**API_SEGMENT, "organization": "{ref}"},
                                               "org-b", "org-a"),
    ("/api/v1/segments/", "rules"): Ref("staff_a", "POST /api/v1/segments/",
                                        {**API_SEGMENT, "organization": "org-a", "rules": {"events": ["{ref}"]}},
                                        "draft-event-b", "event-a"),
    ("/api/v1/segments/{id}/", "rules"): Ref("staff_a", "PATCH /api/v1/segments/{segment}/",
                                             {"rules": {"events": ["{ref}"]}}, "draft-event-b", "event-a"),
    ("/api/v1/campaigns/", "organization"): Ref("staff_a", "POST /api/v1/campaigns/",
                                                {**API_CAMPAIGN, "segment": "{segment}", "organization": "{ref}"},
                                                "org-b", "org-a"),
    ("/api/v1/campaigns/", "segment"): Ref("staff_a", "POST /api/v1/campaigns/",
                                           {**API_CAMPAIGN, "organization": "org-a", "segment": "{ref}"},
                                           "{segment_b}", "{segment}"),
    ("/api/v1/campaigns/{id}/", "segment"): Ref("staff_a", "PATCH /api/v1/campaigns/{campaign}/", {"segment": "{ref}"},
                                                "{segment_b}", "{segment}"),
    ("/api/v1/calls/{slug}/apply/", "organization"): Ref(
        "staff_a", "POST /api/v1/calls/fund-a/apply/", {"organization": "{ref}"}, "org-b", "org-a"),
    # plans (network A's plan-a; B's objects: org-b, draft-event-b, draft-course-b, plan-b)
    **{
        ("/api/v1/plans/{slug}/measures/", name): Ref(
            "coordinator_a", "POST /api/v1/plans/plan-a/measures/", {**API_MEASURE, name: value}, other, own)
        for name, value, other, own in MEASURE_REFS
    },
    **{
        ("/api/v1/plans/{slug}/measures/{code}/", name): Ref(
            "coordinator_a", "PATCH /api/v1/plans/plan-a/measures/1.1/", {name: value}, other, own)
        for name, value, other, own in MEASURE_REFS
    },
    ("/api/v1/plans/{slug}/measures/bulk/", "lead"): Ref(
        "coordinator_a", BULK, {"codes": ["1.1"], "lead": "{ref}"}, "org-b", "org-a"),
    ("/api/v1/plans/{slug}/measures/bulk/", "partners"): Ref(
        "coordinator_a", BULK, {"codes": ["1.1"], "partners": ["{ref}"]}, "org-b", "org-a"),
    ("/api/v1/plans/{slug}/sign-off/", "organization"): Ref(
        "org_admin_a", "POST /api/v1/plans/plan-a/sign-off/", {"organization": "{ref}", "decision": "approve"},
        "org-b", "org-a"),
    # joint projects and practices
    ("/api/v1/projects/", "lead"): Ref("staff_a", "POST /api/v1/projects/", {**API_PROJECT, "lead": "{ref}"},
                                       "org-b", "org-a"),
    ("/api/v1/projects/", "network"): Ref(
        "staff_a", "POST /api/v1/projects/", {**API_PROJECT, "lead": "org-a", "network": "{ref}"}, "network-b",
        "network-a"),
    ("/api/v1/projects/", "measure"): Ref(
        "staff_a", "POST /api/v1/projects/", {**API_PROJECT, "lead": "org-a", "measure": "{ref}"}, "plan-b:1.1",
        "plan-a:1.1"),
    ("/api/v1/projects/{slug}/", "lead"): Ref(
        "staff_a", "PATCH /api/v1/projects/project-a/", {"lead": "{ref}"}, "org-b", None),
    ("/api/v1/projects/{slug}/", "network"): Ref(
        "staff_a", "PATCH /api/v1/projects/project-a/", {"network": "{ref}"}, "network-b", "network-a"),
    ("/api/v1/projects/{slug}/", "measure"): Ref(
        "staff_a", "PATCH /api/v1/projects/project-a/", {"measure": "{ref}"}, "plan-b:1.1", "plan-a:1.1"),
    ("/api/v1/practices/", "organization"): Ref(
        "staff_a", "POST /api/v1/practices/", {**API_PRACTICE, "organization": "{ref}"}, "org-b", "org-a"),
    ("/api/v1/practices/", "network"): Ref(
        "staff_a", "POST /api/v1/practices/", {**API_PRACTICE, "organization": "org-a", "network": "{ref}"},
        "network-b", "network-a"),
    ("/api/v1/practices/", "direction"): Ref(
        "staff_a", "POST /api/v1/practices/",
        {**API_PRACTICE, "organization": "org-a", "network": "network-a", "direction": "{ref}"}, "plan-b:1",
        "plan-a:1"),
    ("/api/v1/practices/{slug}/", "organization"): Ref(
        "staff_a", "PATCH /api/v1/practices/practice-a/", {"organization": "{ref}"}, "org-b", None),
    ("/api/v1/practices/{slug}/", "network"): Ref(
        "staff_a", "PATCH /api/v1/practices/practice-a/", {"network": "{ref}"}, "network-b", None),
    ("/api/v1/practices/{slug}/", "direction"): Ref(
        "staff_a", "PATCH /api/v1/practices/practice-a/", {"direction": "{ref}"}, "plan-b:1", "plan-a:1"),
    # a coordinator changes the network's own members only: bringing another organization in opens its people
    ("/api/v1/networks/{slug}/members/", "organization"): Ref(
        "coordinator_a", "POST /api/v1/networks/network-a/members/", {"organization": "{ref}", "role": "observer"},
        "org-b", "org-a"),
}

COUNTRY = "a country (reference data, the same for everyone)"
DIRECTORY = "an organization of the public directory, only named (the write acts for it in no way)"
VENUE = "a venue: venues are shared places, offered to every organizer"
FIELD = "a field of the OECD classification of science (reference data, the same for everyone)"
WITHIN_PLAN = "a number looked up among the plan's own directions or measures, in the plan the path names"
PUBLIC_REFERENCES: dict[tuple[str, str], str] = {
    ("/api/v1/mail/bounces/", "message_id"): "the bounce webhook is a mail provider's, authenticated by a shared "
    "secret, not a user's: any campaign's message may bounce (tests/content/test_mail_feedback.py)",
    ("/api/v1/mail/bounces/", "permanent"): "a yes/no of the bounce webhook, not a reference",
    ("/api/v1/cases/{id}/refer/", "to_organization"): DIRECTORY + ": refused unless the person consented to sharing "
    "with it (tests/cases/test_services.py)",
    ("/api/v1/cases/{id}/decide/", "approval"): "an approval of the same case: looked up within the case, another "
    "case's answers 400",
    ("ReferForm", "to_organization"): DIRECTORY + ": refused unless the person consented to sharing with it",
    ("ConsentForm", "organization"): DIRECTORY + ": the organization the person agrees to share their case with",
    ("OpenCaseForm", "origin_country"): COUNTRY,
    ("RequestForm", "origin_country"): COUNTRY,
    ("RequestForm", "owner"): "the organizations that take return requests (selectors.intake_organizations); the "
    "request is the compatriot's own",
    ("/api/v1/calls/{slug}/host-pairs/set/", "visitor"): "a scholar of the same call: only a person with an accepted "
    "place in the call whose managers write is taken, anyone else is a 400 (tests/calls/test_hosting.py)",
    ("/api/v1/calls/{slug}/host-pairs/set/", "host"): "a host of the call: only a citizen or resident of the "
    "organizing country with the expertise consent is taken, anyone else is a 400 (tests/calls/test_hosting.py)",
    ("/api/v1/awards/{id}/reports/", "tranche"): "a tranche of the same award: looked up within the award whose "
    "managers write, another award's tranche answers 404 (tests/calls/test_api_review.py)",
    ("/api/v1/events/", "venue"): VENUE,
    ("/api/v1/events/{slug}/", "venue"): VENUE,
    ("/api/v1/events/{slug}/delegations/", "country"): COUNTRY,
    ("/api/v1/events/{slug}/delegations/", "organization"): DIRECTORY + ": the organization the delegation represents",
    ("/api/v1/events/{slug}/registrations/", "organization"): DIRECTORY + ": the organization the registrant represents",
    ("/api/v1/organizations/", "country"): COUNTRY,
    ("/api/v1/organizations/", "parent"): DIRECTORY,
    ("/api/v1/organizations/{slug}/", "country"): COUNTRY,
    ("/api/v1/organizations/{slug}/", "parent"): DIRECTORY,
    ("/api/v1/people/", "residence_country"): COUNTRY,
    ("/api/v1/people/", "citizenships"): COUNTRY,
    ("/api/v1/people/{id}/", "residence_country"): COUNTRY,
    ("/api/v1/people/{id}/", "citizenships"): COUNTRY,
    ("/api/v1/people/", "expertise_fields"): FIELD,
    ("/api/v1/people/{id}/", "expertise_fields"): FIELD,
    ("/api/v1/organizations/", "expertise_fields"): FIELD,
    ("/api/v1/organizations/{slug}/", "expertise_fields"): FIELD,
    ("EventForm", "co_organizers"): DIRECTORY + ": naming a co-organizer shares the event with it, reads nothing of theirs",
    ("EventForm", "venue"): VENUE,
    ("EventForm", "venue_country"): COUNTRY,
    ("SessionForm", "venue"): VENUE,
    ("DelegationForm", "country"): COUNTRY,
    ("DelegationForm", "organization"): DIRECTORY + ": the organization the delegation represents",
    ("OnBehalfForm", "organization"): DIRECTORY + ": the organization the registrant represents",
    ("RegistrationForm", "organization"): DIRECTORY + ": the organization the registrant represents",
    ("PersonForm", "residence_country"): COUNTRY,
    ("PersonForm", "citizenships"): COUNTRY,
    ("OrganizationForm", "country"): COUNTRY,
    ("DumpForm", "network"): "a network (public directory); the page that takes it is for platform admins only",
    ("/api/v1/calls/", "residence_countries"): COUNTRY,
    ("/api/v1/calls/", "citizenships"): COUNTRY,
    ("/api/v1/calls/{slug}/", "residence_countries"): COUNTRY,
    ("/api/v1/calls/{slug}/", "citizenships"): COUNTRY,
    ("/api/v1/calls/{slug}/quota-groups/", "countries"): COUNTRY,
    ("/api/v1/applications/{code}/", "partners"): DIRECTORY + ": a partner organization of the project",
    ("/api/v1/applications/{code}/", "quota_group"): "a key among the groups of the application's own call; any "
                                                     "other is refused",
    ("/api/v1/plans/{slug}/measures/", "direction"): WITHIN_PLAN,
    ("/api/v1/plans/{slug}/measures/", "parent"): WITHIN_PLAN,
    ("/api/v1/plans/{slug}/measures/{code}/", "direction"): WITHIN_PLAN,
    ("/api/v1/plans/{slug}/measures/{code}/", "parent"): WITHIN_PLAN,
    ("/api/v1/plans/{slug}/measures/bulk/", "codes"): WITHIN_PLAN + " (a code of none is listed as refused)",
    ("/api/v1/practices/", "country"): COUNTRY,
    ("/api/v1/practices/{slug}/", "country"): COUNTRY,
    ("/api/v1/estimates/", "origin"): COUNTRY,
    ("/api/v1/estimates/", "residence"): COUNTRY,
    ("/api/v1/estimates/{id}/", "origin"): COUNTRY,
    ("/api/v1/estimates/{id}/", "residence"): COUNTRY,
    ("CallForm", "residence_countries"): COUNTRY,
    ("ApplicationForm", "partners"): DIRECTORY + ": a partner organization of the project",
    ("ApplicationForm", "quota_group"): "the groups of the application's own call (the form's choices; the service "
                                        "checks the call again)",
}

# Fields of API writes that name no object (texts, numbers, dates, choices). `answers` is keyed by the ids of the
# event's own questions: any other key is ignored.
NOT_REFERENCES = frozenset({
    # cases: the version seen, texts, choices and dates
    "version", "stage", "text", "visibility", "service", "shared_sections", "message", "for_family",
    "address", "answers", "birth_year", "cancellation_closes_at", "capacity", "city", "complete", "description",
    "display_name", "email", "ends_at", "expertise", "format", "gender", "head_title", "is_active", "is_public",
    "is_published", "kind", "language", "level", "name", "name_variants", "online_url", "orcid", "phone", "reason",
    "registration_closes_at", "registration_opens_at", "requires_approval", "residence_city", "short_name",
    "size_limit", "slug", "starts_at", "syllabus", "time_zone", "title", "url", "waiting_list", "website",
    # calls: texts, numbers, dates and choices of calls, their forms and applications
    "age_max", "age_min", "age_on", "award_max", "award_min", "budget", "budget_lines", "choices", "closes_at",
    "currency", "file", "formats", "from_referee", "heritage_asked", "key", "label", "languages", "max_megabytes",
    "opens_at", "places", "required", "summary",
    # financing: an award's tranches, reports and status
    "amount", "due_on", "status",
    # plans, joint projects and practices: numbers, dates, texts, files and decisions
    "accept", "answer", "approve", "body", "budget_amount", "budget_line", "code", "comment", "contact_email",
    "contact_name", "contact_phone", "decision", "dry_run", "encoding", "ends_on", "evidence_file", "evidence_url",
    "note", "place", "reservation", "starts_on", "theme", "value", "weight",
    # news and pages: texts, languages, publication time and order
    "fallback_language", "order", "published_at", "source_language",
    # mailings: a campaign's subject and when it is sent
    "subject", "scheduled_at",
    # a network's membership: the member's role and dates
    "role", "since", "until",
    # diaspora estimates: figures, the year and the source's description
    "high", "low", "measure", "method_note", "point", "publisher", "table", "year",
})

STAFF_REGISTER = "POST /events/event-a/registrations/"
DELEGATIONS = "POST /events/event-a/delegations/"
MANAGE_COURSE = "POST /courses/course-a/manage/"
WEB_EVENT = {"title_en": "Reference event", "kind": "forum", "access": "public", "time_zone": "Europe/Vienna",
             "online_url": "https://meet.example.org/reference",
             "starts_at": "2031-01-13T18:00",
             "ends_at": "2031-01-14T17:00", "waiting_list": "on"}
WEB_CALL = {"title_en": "Reference call", "slug": "ref-call", "kind": "scholarship", "time_zone": "Asia/Almaty",
            "opens_at": "2031-01-13T09:00", "closes_at": "2031-03-13T18:00"}
WEB_COURSE = {"title_en": "Reference course", "slug": "ref-course", "language": "kk", "format": "self_paced"}

# (form class, field) -> the case; entries whose form is "POST" are references read from the request without a form
WEB_REFERENCES: dict[tuple[str, str], Ref] = {
    ("OpenCaseForm", "owner"): Ref("staff_a", "POST /cases/new/", {"owner": "{ref}", "head": "{alfa}",
                                                                   "case_type": "return"}, "org-b", "org-a"),
    ("MembershipForm", "organization"): Ref(
        "coordinator_a", "POST /networks/network-a/members/", {"organization": "{ref}", "role": "observer"},
        "org-b", "org-a"),
    ("OnBehalfForm", "person"): Ref(
        "staff_a", STAFF_REGISTER, {"action": "register", "person": "{ref}", "category": "{category_a}"},
        "{person_b}", "{alfa}"),
    ("OnBehalfForm", "category"): Ref(
        "staff_a", STAFF_REGISTER, {"action": "register", "person": "{alfa}", "category": "{ref}"}, "{category_b}",
        "{category_a}"),
    ("OnBehalfForm", "delegation"): Ref(
        "staff_a", STAFF_REGISTER,
        {"action": "register", "person": "{alfa}", "category": "{category_a}", "delegation": "{ref}"},
        "{delegation_b}", "{delegation_a}"),
    ("MemberForm", "person"): Ref(
        "staff_a", DELEGATIONS,
        {"action": "member", "person": "{ref}", "delegation": "{delegation_a}", "category": "{category_a}"},
        "{person_b}", "{alfa}"),
    ("MemberForm", "delegation"): Ref(
        "staff_a", DELEGATIONS,
        {"action": "member", "person": "{alfa}", "delegation": "{ref}", "category": "{category_a}"},
        "{delegation_b}", "{delegation_a}"),
    ("MemberForm", "category"): Ref(
        "staff_a", DELEGATIONS,
        {"action": "member", "person": "{alfa}", "delegation": "{delegation_a}", "category": "{ref}"},
        "{category_b}", "{category_a}"),
    ("DelegationForm", "head"): Ref(
        "staff_a", DELEGATIONS, {"action": "delegation", "country": "TR", "head": "{ref}"}, "{person_b}", "{alfa}"),
    ("DelegationEditForm", "head"): Ref(
        "staff_a", DELEGATIONS, {"action": "delegation_edit", "delegation": "{delegation_a}", "head": "{ref}"},
        "{person_b}", "{alfa}"),
    ("InvitationForm", "delegation"): Ref(
        "staff_a", DELEGATIONS, {"action": "invite", "emails": "new-guest@example.org", "delegation": "{ref}"},
        "{delegation_b}", "{delegation_a}"),
    ("SpeakerForm", "person"): Ref(
        "staff_a", "POST /events/event-a/sessions/", {"action": "speaker_add", "session": "{session_a}",
                                                       "person": "{ref}"}, "{person_b}", "{alfa}"),
    ("EventForm", "organizer"): Ref("staff_a", "POST /events/new/", {**WEB_EVENT, "organizer": "{ref}"},
                                    "{org_b}", "{org_a}"),
    ("CourseForm", "provider"): Ref("staff_a", "POST /courses/new/", {**WEB_COURSE, "provider": "{ref}"},
                                    "{org_b}", "{org_a}"),
    ("CourseForm", "teachers"): Ref(
        "staff_a", "POST /courses/new/", {**WEB_COURSE, "provider": "{org_a}", "teachers": "{ref}"},
        "{admin_b_user}", "{teacher_a_user}"),
    ("GroupForm", "teachers"): Ref(
        "staff_a", MANAGE_COURSE, {"action": "group_save", "group-add-name": "Reference group",
                                   "group-add-time_zone": "Asia/Almaty", "group-add-teachers": "{ref}"},
        "{admin_b_user}", "{teacher_a_user}"),
    ("QuizForm", "lesson"): Ref(
        "staff_a", MANAGE_COURSE, {"action": "quiz_save", "quiz-add-title_en": "Reference quiz",
                                   "quiz-add-pass_mark": "60", "quiz-add-lesson": "{ref}"},
        "{lesson_b}", "{lesson}"),
    ("EnrollOnBehalfForm", "person"): Ref("staff_a", "POST /courses/groups/{group}/", {"person": "{ref}"},
                                          "{person_b}", "{alfa}"),
    ("CallForm", "organization"): Ref("staff_a", "POST /calls/new/", {**WEB_CALL, "organization": "{ref}"},
                                      "{org_b}", "{org_a}"),
    ("PersonImportForm", "organization"): Ref(
        "staff_a", "POST /people/import/", {"organization": "{ref}", "file": "<people.csv>"}, "{org_b}", "{org_a}"),
    ("POST", "keep"): Ref("org_admin_a", "POST /people/duplicates/{duplicate}/", {"action": "merge", "keep": "{ref}"},
                          "{person_b}", "{person_a}"),
}

# Forms that filter a list: they write nothing.
FILTER_FORMS = frozenset({
    "CallFilterForm", "CourseFilterForm", "EventFilterForm", "OrganizationFilterForm", "OverviewFilterForm", "PersonFilterForm",
    "RegistrationFilterForm", "StatisticsFilterForm",
})
# fmt: on


@dataclass
class Others:
    """Organization B's objects of every kind a write names (built per test, rolled back after it), and a few more
    of A's for the controls."""

    values: dict[str, Any]

    @classmethod
    def build(cls, world: World) -> Others:
        from tamyr.events.models import Delegation, Invitation
        from tamyr.learning.models import Enrollment, EnrollmentStatus
        from tests.events.factories import CategoryFactory, EventFactory, RegistrationFactory, SessionFactory
        from tests.factories.cooperation import DirectionFactory, MeasureFactory, PlanFactory
        from tests.learning.factories import CourseFactory, GroupFactory, LessonFactory

        cast = world.cast
        event_b = EventFactory(slug="event-b", organizer=cast.org_b, capacity=None)
        course_b = CourseFactory(slug="course-b", provider=cast.org_b)
        EventFactory(slug="draft-event-b", organizer=cast.org_b, status="draft")
        CourseFactory(slug="draft-course-b", provider=cast.org_b, is_published=False)
        plan_b = PlanFactory(slug="plan-b", network=cast.network_b)
        MeasureFactory(plan=plan_b, direction=DirectionFactory(plan=plan_b, code="1"), code="1.1", lead=cast.org_b)
        group_b = GroupFactory(course=course_b, capacity=None)
        return cls(
            {
                "org_a": cast.org_a.pk,
                "org_b": cast.org_b.pk,
                "alfa": cast.alfa.pk,
                "admin_b_user": cast.users["org_admin_b"].pk,
                "teacher_a_user": cast.users["teacher_a"].pk,
                "category_a": CategoryFactory(event=cast.event_a, capacity=None).pk,
                "category_b": CategoryFactory(event=event_b, capacity=None).pk,
                "delegation_a": Delegation.objects.create(event=cast.event_a, country=country("KZ")).pk,
                "delegation_b": Delegation.objects.create(event=event_b, country=country("KZ")).pk,
                "invitation_b": Invitation.objects.create(event=event_b, email="guest@example.org").token,
                "registration_b": RegistrationFactory(event=event_b, person=cast.person_b).code,
                "session_a": SessionFactory(event=cast.event_a).pk,
                "group_b": group_b.pk,
                "lesson_b": LessonFactory(course=course_b, is_live=False).pk,
                "live_lesson_b": LessonFactory(course=course_b, is_live=True).pk,
                "enrollment_b": Enrollment.objects.create(
                    person=cast.person_b, group=group_b, status=EnrollmentStatus.ACTIVE
                ).pk,
            }
        )


def _fill_ref(world: World, others: Others, value: Any, ref: str) -> Any:
    if isinstance(value, dict):
        return {_fill_ref(world, others, key, ref): _fill_ref(world, others, item, ref) for key, item in value.items()}
    if isinstance(value, list):
        return [_fill_ref(world, others, item, ref) for item in value]
    if not isinstance(value, str):
        return value
    if value == "<people.csv>":
        from django.core.files.uploadedfile import SimpleUploadedFile

        return SimpleUploadedFile("people.csv", b"display_name\nReference Person\n", content_type="text/csv")
    text = value.replace("{ref}", ref)
    for key, known in others.values.items():
        text = text.replace("{" + key + "}", str(known))
    return world.fill(text)


READS = ("_listed", "_viewed")  # audit rows of the page shown again with the form's errors: reads, not writes


def _written() -> dict[str, tuple[Any, ...]]:
    """How many rows each table of the project holds, and when the latest changed: a refused write changes neither.
    Audit rows of reads (the page shown again lists what it shows) do not count."""
    from django.apps import apps
    from django.db.models import CompositePrimaryKey, Count, Max, Q

    from tamyr.core.models import AuditEntry

    state: dict[str, tuple[Any, ...]] = {}
    for model in apps.get_models(include_auto_created=True):
        if not model._meta.app_config.name.startswith("tamyr."):
            continue
        if isinstance(model._meta.pk, CompositePrimaryKey):  # no single column to take the largest of
            measures: dict[str, Any] = {"n": Count("*")}
        else:
            measures = {"n": Count("pk"), "top": Max("pk")}
        if any(field.name == "updated_at" for field in model._meta.concrete_fields):
            measures["latest"] = Max("updated_at")
        rows = model._default_manager.all()
        if model is AuditEntry:
            rows = rows.exclude(Q(action__endswith=READS[0]) | Q(action__endswith=READS[1]))
        state[model._meta.label] = tuple(rows.aggregate(**measures).values())
    return state


def _send_ref(client: Client, world: World, others: Others, case: Ref, ref: str) -> Any:
    method, template = case.endpoint.split(" ", 1)
    path = _fill_ref(world, others, template, ref)
    body = _fill_ref(world, others, case.body, ref)
    world.sign_in(client, case.role)
    if path.startswith("/api/"):
        return client.generic(method, path, json.dumps(body), content_type="application/json")
    return client.post(path, body)


def _accepted(response: Any) -> bool:
    if response.wsgi_request.path.startswith("/api/"):
        return 200 <= response.status_code < 300
    target = urlsplit(response.get("Location", "")).path
    return response.status_code == 302 and not target.startswith(("/accounts/", "/admin/"))


REFERENCE_CASES = [
    *(pytest.param(case, id=f"{path} {field}") for (path, field), case in API_REFERENCES.items()),
    *(pytest.param(case, id=f"{form} {field}") for (form, field), case in WEB_REFERENCES.items()),
]


@pytest.mark.django_db
@pytest.mark.parametrize("case", REFERENCE_CASES)
def test_another_organizations_object_in_a_reference_is_refused_and_nothing_is_written(
    world: World, client: Client, case: Ref
) -> None:
    others = Others.build(world)
    before = _written()
    response = _send_ref(client, world, others, case, case.other)
    assert not _accepted(response), response.content[:500]
    assert response.status_code in (200, 400, 403, 404), response.status_code
    assert _written() == before


@pytest.mark.django_db
@pytest.mark.parametrize("case", [param for param in REFERENCE_CASES if param.values[0].own is not None])
def test_the_same_write_with_the_callers_own_object_goes_through(world: World, client: Client, case: Ref) -> None:
    """The control: the refusal above is the reference's, not the rest of the body's."""
    others = Others.build(world)
    assert case.own is not None
    response = _send_ref(client, world, others, case, case.own)
    assert _accepted(response), re.findall(rb"class=\"errors?[^>]*>[^<]*<[^>]*>[^<]*", response.content)
    assert b'class="errors"' not in response.content


def _request_fields_of_writes() -> set[tuple[str, str]]:
    schema = SchemaGenerator().get_schema(public=True)
    components = schema["components"]["schemas"]
    found = set()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if method not in ("post", "put", "patch"):
                continue
            for content in operation.get("requestBody", {}).get("content", {}).values():
                ref = content["schema"].get("$ref", "")
                properties = components[ref.rsplit("/", 1)[-1]].get("properties", {}) if ref else {}
                found |= {(path, name) for name, spec in properties.items() if not spec.get("readOnly")}
    return found


def test_every_reference_of_an_api_write_has_a_case_or_is_public() -> None:
    missing = sorted(
        (path, field)
        for path, field in _request_fields_of_writes()
        if (path, field) not in API_REFERENCES
        and (path, field) not in PUBLIC_REFERENCES
        and field not in NOT_REFERENCES
    )
    assert not missing, (
        f"These fields of API writes are neither known plain values nor references with a case: {missing}. Check "
        "the reference against a scope (tamyr.api.serializers.ScopedPrimaryKeyRelatedField and a domain selector), "
        "then add a case to API_REFERENCES (or the reason to PUBLIC_REFERENCES) in tests/accounts/test_role_matrix.py"
    )


def _project_forms() -> list[type[Any]]:
    import importlib
    import pkgutil

    from django import forms

    import tamyr

    for module in pkgutil.walk_packages(tamyr.__path__, "tamyr."):
        if not any(part in module.name for part in (".migrations", ".management", ".settings")):
            importlib.import_module(module.name)

    def subclasses(cls: type[Any]) -> Iterator[type[Any]]:
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    return sorted({form for form in subclasses(forms.BaseForm) if form.__module__.startswith("tamyr.")},
                  key=lambda form: form.__name__)  # fmt: skip


@pytest.mark.django_db
def test_every_reference_of_a_form_has_a_case_or_is_public(world: World) -> None:
    from django import forms

    from tamyr.events.models import Event
    from tamyr.registry.models import Organization

    cast = world.cast
    samples = {
        "user": cast.users["staff_a"], "event": cast.event_a, "course": cast.course_a, "events": Event.objects.all(),
        "providers": Organization.objects.all(), "years": [2026], "questions": [], "categories": [],
        "organizations": Organization.objects.all(), "organizers": (), "header": ["name"], "mapping": {},
        "application": cast.application_a, "questions_asked": [], "document": cast.call_document_a.document,
    }  # fmt: skip
    missing = []
    for form_class in _project_forms():
        if form_class.__name__ in FILTER_FORMS:
            continue
        wanted = inspect.signature(form_class.__init__).parameters
        form = form_class(**{name: value for name, value in samples.items() if name in wanted})
        for name, field in form.fields.items():
            key = (form_class.__name__, name)
            if isinstance(field, forms.ModelChoiceField) and key not in WEB_REFERENCES and key not in PUBLIC_REFERENCES:
                missing.append(key)
    assert not missing, (
        f"These choice fields of forms are references without a case: {missing}. Give them a scope (a domain "
        "selector as the queryset), then add a case to WEB_REFERENCES (or the reason to PUBLIC_REFERENCES) in "
        "tests/accounts/test_role_matrix.py"
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
        "Private files (served by one view, `/files/<kind>/<key>/`, after `can()`): the import's file and report;",
        "`{answer}`, a file person A gave as a registration answer for `event-a`; `{session_material}`, an",
        "attachment of a session of `draft-event-a`; `{lesson_material}`, a file of course A's lesson; the",
        "certificate's PDF. Whoever may not have one gets the same 404 as for a file that does not exist.",
        "",
        "Organization A organizes `event-a` (published; person A is registered, confirmed, with the code",
        "`{registration}`; `{invitation}` is an invitation to it) and `draft-event-a` (a draft, with the",
        "invitation `{draft_invitation}`). It provides `course-a` (published) with the group `{group}`, taught by",
        "the teacher of A, a live and a self-paced lesson (`{lesson}`) and a quiz (`{quiz}`); `{enrollment}` is",
        "person A's enrollment in the group, and a graduate of A (a record without an account) holds the",
        "certificate `{certificate}`, issued by A. `draft-course-a` is a draft course of A.",
        "",
        "News and pages: `news-a` (published, of A, with the attachment `{news_attachment}`), `draft-news-a`",
        "(`{draft_news}`, a draft of A with the attachment `{draft_attachment}` and the revision `{draft_revision}`),",
        "`network-news-a` (`{network_news}`, a draft of network A), `page-a` and `sub-page-a` (published pages of A)",
        "and `page-b` (a published page of B). `{news}` is news A's id in the editor's addresses.",
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
        "## References to another organization's objects",
        "",
        "Every reference a write accepts is checked against what the caller may see or act on (decision record",
        "0012). Each row is a write that the role may make, sent with organization B's object in the reference:",
        "it is refused (the API: 400 as for an id that does not exist, or 403 where the reference is an",
        "organization the caller would act for; a page: the form again with its error) and nothing is written.",
        "The same write with organization A's object goes through (the control; — where the field can never",
        "be written). Organization B's objects: `person_b`, `org-b`, its admin's account, and an event, a course",
        "and their category, delegation, invitation, registration, group, lessons and enrollment.",
        "",
        "| Write | Reference | Role | B's object | Control (A's) |",
        "| --- | --- | --- | --- | --- |",
        *(
            f"| `{case.endpoint}` | {'`' + form + '` ' if form != 'POST' and not form.startswith('/') else ''}"
            f"`{field}` | {ROLE_LABELS[case.role]} | `{case.other}` | {f'`{case.own}`' if case.own else '—'} |"
            for (form, field), case in [*API_REFERENCES.items(), *WEB_REFERENCES.items()]
        ),
        "",
        "References open to everyone by nature, not checked against an organization:",
        "",
        *(f"- `{where}` `{field}`: {why}" for (where, field), why in PUBLIC_REFERENCES.items()),
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
