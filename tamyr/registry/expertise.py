"""Expertise: who knows what, and who fits whom.

A person's or an organization's expertise is a set of fields of the OECD classification (`ExpertiseField`, codes
such as "5.2") and free keywords in any language (`Person.expertise`). The matcher compares two profiles and pairs
visiting scholars with hosts; the calls app ranks reviewers for an application with the same `similarity`.

Consent: a person's expertise is used to find or match them (the people list's expertise filter, the API's
`?expertise=`, every profile this module hands out) only while they hold an active consent for the purpose
`ConsentPurpose.EXPERTISE` ("being found and matched by my expertise"). It is part of their record without it, and
shown on their record to the staff who keep it, like any other field; it is never used to pick them.

The similarity of two profiles A and B (symmetric, between 0 and 1):

    fields(A, B)   = max over pairs (a in A.fields, b in B.fields) of
                     1.0 when a == b, 0.5 when a and b share their major field (the code before the dot), else 0
                     (0 when either side has no field)
    keywords(A, B) = KEYWORD_WEIGHT (0.25) × |A.keywords ∩ B.keywords|
    similarity     = min(1, fields(A, B) + keywords(A, B))

So one exact field is a full match, a neighbouring field of the same major field half of one, and each shared
keyword a quarter, whether or not the fields match (two historians of the Kazakh diaspora outrank two historians).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from tamyr.names.transliterate import latin_skeleton

KEYWORD_WEIGHT = 0.25
SAME_MAJOR = 0.5


@dataclass(frozen=True)
class Profile:
    """What a person or organization knows: field codes ("6.1") and casefolded keywords ("diaspora history")."""

    fields: frozenset[str]
    keywords: frozenset[str]

    @classmethod
    def of(cls, fields: Iterable[str] = (), keywords: Iterable[str] = ()) -> Profile:
        return cls(frozenset(fields), frozenset(k.strip().casefold() for k in keywords if k and k.strip()))

    @property
    def is_empty(self) -> bool:
        return not self.fields and not self.keywords


EMPTY = Profile(frozenset(), frozenset())


def major(code: str) -> str:
    return code.split(".", 1)[0]


def _field_score(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    if a & b:
        return 1.0
    return SAME_MAJOR if {major(code) for code in a} & {major(code) for code in b} else 0.0


def similarity(a: Profile, b: Profile) -> float:
    """How well two profiles fit, 0..1 (see the module's docstring for the formula)."""
    score = _field_score(a.fields, b.fields) + KEYWORD_WEIGHT * len(a.keywords & b.keywords)
    return min(1.0, score)


def profiles_of_people(person_ids: Iterable[int]) -> dict[int, Profile]:
    """The profile of every person in `person_ids`, in two queries; a person without an active expertise consent,
    erased, merged or unknown has the empty profile (every id given is a key, so callers need no special case)."""
    from tamyr.registry.models import Consent, ConsentPurpose, Person

    ids = list(dict.fromkeys(person_ids))
    profiles = dict.fromkeys(ids, EMPTY)
    if not ids:
        return profiles
    consenting = Consent.objects.filter(purpose=ConsentPurpose.EXPERTISE, withdrawn_at__isnull=True)
    people = Person.objects.filter(
        pk__in=ids, erased_at__isnull=True, merged_into__isnull=True, id__in=consenting.values("person_id")
    )
    keywords = dict(people.values_list("pk", "expertise"))
    fields: dict[int, set[str]] = defaultdict(set)
    through = Person.expertise_fields.through
    for person_id, code in through.objects.filter(person_id__in=list(keywords)).values_list(
        "person_id", "expertisefield_id"
    ):
        fields[person_id].add(code)
    for person_id, words in keywords.items():
        profiles[person_id] = Profile.of(fields.get(person_id, ()), words or ())
    return profiles


def profiles_of_organizations(organization_ids: Iterable[int]) -> dict[int, Profile]:
    """Organizations' profiles (fields only: organizations have no keywords), in one query."""
    from tamyr.registry.models import Organization

    ids = list(dict.fromkeys(organization_ids))
    fields: dict[int, set[str]] = defaultdict(set)
    through = Organization.expertise_fields.through
    for organization_id, code in through.objects.filter(organization_id__in=ids).values_list(
        "organization_id", "expertisefield_id"
    ):
        fields[organization_id].add(code)
    return {pk: Profile.of(fields.get(pk, ())) for pk in ids}


def rank_hosts(visitor: Profile, candidates: dict[int, Profile], limit: int) -> list[tuple[int, float]]:
    """The `limit` candidates that fit `visitor` best, as (id, similarity), best first; ties by id."""
    scored = [(pk, similarity(visitor, profile)) for pk, profile in candidates.items()]
    scored.sort(key=lambda item: (-item[1], item[0]))
    return scored[: max(0, limit)]


@dataclass(frozen=True)
class Pair:
    visitor: int
    host: int
    score: float


def pair(visitors: dict[int, Profile], hosts: dict[int, Profile], *, min_score: float = 0.0) -> list[Pair]:
    """Pair visitors with hosts one to one so that the total similarity is the largest possible.

    An exact assignment (SciPy's `linear_sum_assignment`, a shortest augmenting path method), not a greedy pass:
    greedy gives the best host to whoever comes first and can leave a later visitor with nobody suitable. With
    more visitors than hosts some visitors stay unpaired, and the other way round. Pairs that score below
    `min_score` are not made (organizers place those visitors by hand rather than with an unsuitable host), and
    count as nothing while solving, so two poor pairs never displace one good one. Pairs are returned in the
    visitors' id order; ties between equally good assignments are broken the same way every run (ids sorted).
    """
    import numpy as np
    from scipy.optimize import linear_sum_assignment

    visitor_ids, host_ids = sorted(visitors), sorted(hosts)
    if not visitor_ids or not host_ids:
        return []
    scores = np.array([[similarity(visitors[v], hosts[h]) for h in host_ids] for v in visitor_ids], dtype=float)
    if min_score > 0:
        scores = np.where(scores >= min_score, scores, 0.0)
    rows, columns = linear_sum_assignment(scores, maximize=True)
    pairs = [
        Pair(visitor_ids[r], host_ids[c], float(scores[r, c]))
        for r, c in zip(rows.tolist(), columns.tolist(), strict=True)
        if scores[r, c] >= min_score
    ]
    return sorted(pairs, key=lambda p: p.visitor)


def pair_visitors_with_hosts(
    *, visitor_ids: Iterable[int], host_ids: Iterable[int], min_score: float = 0.0
) -> list[Pair]:
    """The pairing service: visiting scholars (the Otandas Scholars Forum's 40 foreign scholars) with local hosts
    (its 100 Kazakhstani researchers), from the registry's records, in two queries. People without an expertise
    consent have the empty profile and pair only where nothing better is left (or not at all with `min_score`)."""
    visitor_list, host_list = list(visitor_ids), list(host_ids)
    profiles = profiles_of_people([*visitor_list, *host_list])
    visitors = {pk: profiles[pk] for pk in visitor_list}
    hosts = {pk: profiles[pk] for pk in host_list if pk not in visitors}
    return pair(visitors, hosts, min_score=min_score)


# --- finding people by expertise -----------------------------------------------------------------------------


def keyword_key(text: str) -> str:
    """The form two keywords are compared in when people are searched: case and script folded, so "История",
    "istoriya" and "ISTORIYA" are one keyword (the registry's name skeleton, `names.transliterate`)."""
    return " ".join(latin_skeleton(text.strip()).split())


def is_field_code(text: str) -> bool:
    major_code, _dot, minor = text.partition(".")
    return major_code.isdigit() and (not _dot or minor.isdigit())
