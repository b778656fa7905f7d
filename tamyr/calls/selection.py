"""Selection: the ranking, quotas, reserve lists, offers and their answers.

The rule that never bends, under any concurrency: a quota group never holds more places than it has (a place is
held by an outcome that is SELECTED, OFFERED or ACCEPTED), and a financing call never commits more money than its
budget (the awards of outcomes that hold a place). Every change of who holds a place happens with the rows of its
pool locked, in one order: the call (only for financing calls, whose budget all groups share, or when the call
has no groups), then the quota group. The counts are read after the lock, so two workers can never both see the
same free place. On SQLite, where `BEGIN IMMEDIATE` serializes writers, the locks are no-ops and the rule holds too.

Ranking: each application's score is the mean (or the median, as the call's selection says) of its submitted
reviews' totals (each a weighted mean of its categories on 0..100). Ties are broken, in this order, by the other
statistic (the median when ranking by mean, the mean when ranking by median), then by the number of reviews (more
first), then by the earlier submission, then by the application's id: the order is total and repeatable.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, NamedTuple

from django.db import connection, transaction
from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from tamyr.calls.models import (
    HOLDS_PLACE,
    Application,
    ApplicationStatus,
    Award,
    AwardStatus,
    Call,
    CallKind,
    Outcome,
    OutcomeStatus,
    QuotaGroup,
    RankingMethod,
    Selection,
    Tranche,
    TrancheStatus,
)
from tamyr.calls.review import application_scores
from tamyr.core import audit
from tamyr.core.errors import DomainError, NotAllowed

CENT = Decimal("0.01")


def selection_of(call: Call) -> Selection:
    selection, _created = Selection.objects.get_or_create(call=call)
    return selection


def is_financing(call: Call) -> bool:
    return call.kind == CallKind.FINANCING and call.budget is not None


def award_amount(call: Call, requested: Decimal | None) -> Decimal:
    """What an application would be granted: what it asked for, at most the call's largest award."""
    amount = requested if requested is not None else (call.award_min or Decimal(0))
    if call.award_max is not None:
        amount = min(amount, call.award_max)
    return Decimal(amount)


# --- ranking -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RankReport:
    ranked: int
    selected: int
    reserve: int
    unscored: int


def _statistics(totals: list[Decimal]) -> tuple[Decimal, Decimal]:
    mean = sum(totals, Decimal(0)) / len(totals)
    return mean, Decimal(statistics.median(totals))


class _Row(NamedTuple):
    application_id: int
    quota_group_id: int | None
    rank: int
    score: Decimal
    status: str
    reserve_position: int | None


def _insert_outcomes(call: Call, rows: list[_Row]) -> None:
    """Write a whole ranking: COPY on PostgreSQL (a tenth of bulk_create's time for 50,000 rows), bulk_create
    elsewhere; both write the same columns (the tests run on both databases)."""
    if connection.vendor != "postgresql":
        Outcome.objects.bulk_create((Outcome(call=call, **row._asdict()) for row in rows), batch_size=5000)
        return
    now = timezone.now()
    with connection.cursor() as wrapper:
        cursor: Any = wrapper.cursor  # the psycopg cursor under Django's wrapper
        with cursor.copy(
            "COPY calls_outcome (created_at, updated_at, call_id, application_id, quota_group_id, rank, score, "
            "status, reserve_position) FROM STDIN"
        ) as copy:
            for row in rows:
                copy.write_row((now, now, call.pk, *row))


@transaction.atomic
def selection_rank(*, call: Call, method: str | None = None, acting_user: Any) -> RankReport:
    """Rank the submitted applications that have reviews and apply the quotas: in rank order, each takes a place
    in its group while the group (and, for financing calls, the budget) has one, else goes to its group's reserve
    list. Applications that belong to no group take places only in a call without groups (up to `call.places`;
    no limit when that is empty). May run again until the offers go out."""
    selection = _lock_call(call)
    if selection.offers_sent_at is not None:
        raise DomainError(_("Offers have been sent; the ranking can no longer change."), code="offers_sent")
    if method is not None:
        if method not in RankingMethod.values:
            raise DomainError(_("Choose the mean or the median."), code="invalid_method")
        selection.method = method
    by_mean = selection.method == RankingMethod.MEAN
    totals = application_scores(call)
    rows = list(
        Application.objects.filter(call=call, status=ApplicationStatus.SUBMITTED).values_list(
            "pk", "quota_group_id", "submitted_at", "amount_requested"
        )
    )
    keyed = []
    unscored = 0
    for pk, group_id, submitted_at, requested in rows:
        scores = totals.get(pk)
        if not scores:
            unscored += 1
            continue
        mean, middle = _statistics(scores)
        first, second = (mean, middle) if by_mean else (middle, mean)
        stamp = submitted_at.timestamp() if submitted_at else float("inf")
        keyed.append(((-first, -second, -len(scores), stamp, pk), pk, group_id, first, requested))
    keyed.sort(key=lambda row: row[0])

    groups: dict[int | None, int | None] = {group.pk: group.places for group in QuotaGroup.objects.filter(call=call)}
    capacity = dict(groups)
    capacity[None] = call.places if not groups else 0
    held: dict[int | None, int] = defaultdict(int)
    reserve_count: dict[int | None, int] = defaultdict(int)
    budget_left = call.budget if is_financing(call) else None
    rows_out: list[_Row] = []
    amounts: list[Decimal | None] = []
    for rank, (_key, pk, group_id, score, requested) in enumerate(keyed, start=1):
        limit = capacity.get(group_id, 0)
        amount = award_amount(call, requested) if budget_left is not None else None
        fits = (limit is None or held[group_id] < limit) and (
            budget_left is None or (amount is not None and amount <= budget_left)
        )
        rounded = score.quantize(CENT, rounding=ROUND_HALF_UP)
        if fits:
            held[group_id] += 1
            if budget_left is not None and amount is not None:
                budget_left -= amount
            rows_out.append(_Row(pk, group_id, rank, rounded, OutcomeStatus.SELECTED, None))
            amounts.append(amount)
        else:
            reserve_count[group_id] += 1
            rows_out.append(_Row(pk, group_id, rank, rounded, OutcomeStatus.RESERVE, reserve_count[group_id]))
            amounts.append(None)

    # the earlier ranking's rows go without Django's deletion collector (its awards first): nothing else points
    # at an outcome before the offers go out, and the collector would read every row of a 50,000-row ranking
    Award.objects.filter(outcome__call=call)._raw_delete(Award.objects.db)
    Outcome.objects.filter(call=call)._raw_delete(Outcome.objects.db)
    _insert_outcomes(call, rows_out)
    if budget_left is not None:
        selected = dict(
            Outcome.objects.filter(call=call, status=OutcomeStatus.SELECTED).values_list("application_id", "pk")
        )
        Award.objects.bulk_create(
            [
                Award(outcome_id=selected[row.application_id], amount=amount, currency=call.currency or "")
                for row, amount in zip(rows_out, amounts, strict=True)
                if amount is not None
            ],
            batch_size=5000,
        )
    selection.ranked_at = timezone.now()
    selection.committed = sum((amount for amount in amounts if amount is not None), Decimal(0))
    selection.save()
    report = RankReport(
        ranked=len(rows_out),
        selected=sum(held.values()),
        reserve=sum(reserve_count.values()),
        unscored=unscored,
    )
    audit.record(
        acting_user, "calls.ranked", call, method=selection.method, ranked=report.ranked, selected=report.selected,
        reserve=report.reserve,
    )  # fmt: skip
    return report


@transaction.atomic
def offers_send(*, call: Call, acting_user: Any, now: datetime | None = None) -> int:
    """Turn every selected outcome into an offer that must be answered within the selection's days."""
    now = now or timezone.now()
    selection = _lock_call(call)
    if selection.ranked_at is None:
        raise DomainError(_("Rank the applications before sending offers."), code="not_ranked")
    respond_by = now + timedelta(days=selection.offer_days)
    sent = Outcome.objects.filter(call=call, status=OutcomeStatus.SELECTED).update(
        status=OutcomeStatus.OFFERED, offered_at=now, respond_by=respond_by, updated_at=now
    )
    selection.offers_sent_at = now
    selection.save(update_fields=["offers_sent_at"])
    audit.record(acting_user, "calls.offers_sent", call, offers=sent)
    return sent


# --- the pool lock and promotion ---------------------------------------------------------------------------------


RETRIES = 0  # budget races lost in this process (the benchmark reports them)


class _BudgetRace(Exception):
    """Another transaction committed money between our estimate and our update: do it again, exclusively."""


@dataclass
class _Pool:
    call: Call
    selection: Selection
    group: QuotaGroup | None
    outcome: Outcome
    exclusive: bool
    money: Decimal = Decimal(0)
    """The change in committed money this transaction makes (written once, by `_commit_money`)."""


def _lock_pool(outcome: Outcome, *, exclusive: bool = False) -> _Pool:
    """Lock, in the one order every writer keeps (quota groups by id, then the selection row, then outcomes), what
    decides whether a place is free: the outcome's quota group (the selection row for a call without groups), then
    the outcome itself, re-read. Groups are locked apart, so declines in different groups run side by side; a
    financing call's shared budget is guarded by `_commit_money`, or — `exclusive` — by locking the selection
    row as well, which a retry after a lost race does."""
    call = outcome.call
    group = None
    selections = Selection.objects.filter(call_id=call.pk)
    if outcome.quota_group_id is not None:
        group = QuotaGroup.objects.select_for_update(no_key=True).get(pk=outcome.quota_group_id)
    locks_selection = outcome.quota_group_id is None or exclusive
    if locks_selection:
        selections.select_for_update(no_key=True).get()
    # the outcome with what the decision reads (the selection row unlocked, read in the same round trip)
    fresh = (
        Outcome.objects.select_for_update(of=("self",))
        .select_related("application", "award", "call__selection")
        .get(pk=outcome.pk)
    )
    selection = fresh.call.selection
    fresh.call = call
    return _Pool(call=call, selection=selection, group=group, outcome=fresh, exclusive=exclusive)


def _lock_call(call: Call) -> Selection:
    """Every group of the call, then its selection row: for the writes that touch the whole call."""
    list(QuotaGroup.objects.filter(call=call).order_by("pk").select_for_update(no_key=True).values_list("pk"))
    selection_of(call)
    return Selection.objects.select_for_update(no_key=True).get(call_id=call.pk)


def _commit_money(pool: _Pool) -> None:
    """Apply the pool's change to `Selection.committed` in one statement that refuses to pass the budget. The
    condition is evaluated on the row as it is when the update takes it (PostgreSQL re-reads a row that another
    transaction changed meanwhile), so no interleaving commits more than the budget; a refusal is `_BudgetRace`."""
    if not pool.money:
        return
    call, selection = pool.call, pool.selection
    rows = Selection.objects.filter(pk=selection.pk)
    if pool.money > 0 and call.budget is not None:
        rows = rows.filter(committed__lte=call.budget - pool.money)
    if not rows.update(committed=F("committed") + pool.money):
        raise _BudgetRace


def committed(call: Call) -> Decimal:
    """The money committed, summed from the awards themselves (`Selection.committed` keeps the same figure for
    the hot path; this is the check): every award whose outcome holds a place, a cancelled one for what it paid."""
    held = Award.objects.filter(outcome__call=call, outcome__status__in=HOLDS_PLACE)
    live = held.exclude(status=AwardStatus.CANCELLED).aggregate(total=Sum("amount"))["total"] or Decimal(0)
    paid = Tranche.objects.filter(
        award__in=held.filter(status=AwardStatus.CANCELLED), status=TrancheStatus.DISBURSED
    ).aggregate(total=Sum("amount"))["total"]
    return live + (paid or Decimal(0))


def still_committed(award: Award) -> Decimal:
    """What one award holds of its call's budget: all of it, or once cancelled only what it paid (the rest went
    back to the budget when it was cancelled)."""
    if award.status != AwardStatus.CANCELLED:
        return award.amount
    paid = award.tranches.filter(status=TrancheStatus.DISBURSED).aggregate(total=Sum("amount"))["total"]
    return paid or Decimal(0)


def budget_return(award: Award) -> Decimal:
    """Save `award` as cancelled (its status set by the caller) and give what it did not pay back to the call's
    budget, so that a promotion or a refill can commit it to another award. Locks the award's pool first, as a
    decline of the same outcome does: whichever comes second reads the other's work, and the money comes back
    once. Returns the amount given back (nothing when the outcome no longer holds a place: its decline, withdrawal
    or expiry gave the money back already)."""
    selection_of(award.outcome.call)  # an award written without a ranking (an import, a test) has no row yet
    pool = _lock_pool(award.outcome)
    award.save(update_fields=["status", "updated_at"])
    if pool.outcome.status not in HOLDS_PLACE or not is_financing(pool.call):
        return Decimal(0)
    pool.money = still_committed(award) - award.amount
    _commit_money(pool)
    return -pool.money


def _fill(pool: _Pool, now: datetime) -> list[Outcome]:
    """Promote from the group's reserve list, in order, while the group has a free place (and, for financing, the
    next one's award fits what is left of the budget: a reserve whose award does not fit is passed over and keeps
    their position). Must run with the pool locked; the money is written by `_commit_money` after it."""
    call, selection, group = pool.call, pool.selection, pool.group
    if group is None and call.places is None:
        return []
    capacity = group.places if group is not None else call.places
    assert capacity is not None
    outcomes = Outcome.objects.filter(call=call, quota_group=group)
    free = capacity - outcomes.filter(status__in=HOLDS_PLACE).count()
    financing = is_financing(call) and call.budget is not None
    promoted: list[Outcome] = []
    reserve = outcomes.filter(status=OutcomeStatus.RESERVE).select_related("application").order_by("reserve_position")
    while free > 0:
        left = call.budget - selection.committed - pool.money if financing and call.budget is not None else None
        candidate = (reserve if left is None else reserve.filter(_award_fits(call, left))).first()
        if financing and not pool.exclusive and _needs_more_money(pool, candidate):
            # the promotion needs more than this transaction freed: read the money with its row locked (the last
            # lock in the order), so that the update at the end cannot lose a race, instead of retrying; the same
            # figure as read unlocked means the same candidate, so it is looked for again only when it changed
            seen = selection.committed
            pool.selection = selection = Selection.objects.select_for_update(no_key=True).get(pk=selection.pk)
            pool.exclusive = True
            if selection.committed != seen:
                continue
        if candidate is None:
            break
        if selection.offers_sent_at is not None:
            candidate.status = OutcomeStatus.OFFERED
            candidate.offered_at = now
            candidate.respond_by = now + timedelta(days=selection.offer_days)
        else:
            candidate.status = OutcomeStatus.SELECTED
        candidate.reserve_position = None
        candidate.save(update_fields=["status", "offered_at", "respond_by", "reserve_position", "updated_at"])
        if financing:
            # a reserve never held a place, so it has no award yet
            amount = award_amount(call, candidate.application.amount_requested)
            Award.objects.create(outcome=candidate, amount=amount, currency=call.currency)
            pool.money += amount
        free -= 1
        promoted.append(candidate)
    return promoted


def _needs_more_money(pool: _Pool, candidate: Outcome | None) -> bool:
    """Whether promoting `candidate` (or finding one at all) depends on money this transaction did not free."""
    if candidate is None:
        return True
    return pool.money + award_amount(pool.call, candidate.application.amount_requested) > 0


def _award_fits(call: Call, left: Decimal) -> Q:
    """Reserves whose award (`award_amount`) is at most `left`, as a condition on the outcome."""
    fits = Q(application__amount_requested__lte=left)
    if call.award_max is not None and call.award_max <= left:
        fits |= Q(application__amount_requested__isnull=False)
    floor = call.award_min or Decimal(0)
    if floor <= left:
        fits |= Q(application__amount_requested__isnull=True)
    return fits


def _release(pool: _Pool, status: str, now: datetime, acting_user: Any, action: str) -> list[Outcome]:
    """Give up the outcome's place (or reserve position) and promote the group's next reserve into a freed place."""
    fresh = pool.outcome
    held = fresh.status in HOLDS_PLACE
    fresh.status = status
    fresh.responded_at = now
    fresh.reserve_position = None
    fresh.save(update_fields=["status", "responded_at", "reserve_position", "updated_at"])
    promoted: list[Outcome] = []
    if held:
        award = getattr(fresh, "award", None)
        if award is not None and is_financing(pool.call):
            pool.money -= still_committed(award)
        promoted = _fill(pool, now)
    audit.record(acting_user, action, fresh, promoted=[item.application.code for item in promoted])
    # last, so that the one row every decline of a financing call updates stays locked for one round trip only
    _commit_money(pool)
    return promoted


def _own(outcome: Outcome, acting_user: Any) -> None:
    if acting_user is None or not getattr(acting_user, "is_authenticated", False):
        return  # the system (expiry task, an operator's command)
    from tamyr.accounts.permissions import can

    if not can(acting_user, "calls.respond_offer", outcome) and not can(
        acting_user, "calls.manage_selection", outcome.call
    ):
        raise NotAllowed(_("Only the applicant can answer this offer."))


def _with_retry(change: Callable[[bool], list[Outcome]]) -> list[Outcome]:
    """One transaction; once more, with the selection row locked, if it lost a race for the budget."""
    try:
        with transaction.atomic():
            return change(False)
    except _BudgetRace:
        global RETRIES
        RETRIES += 1
        with transaction.atomic():
            return change(True)


@transaction.atomic
def offer_accept(*, outcome: Outcome, acting_user: Any, now: datetime | None = None) -> Outcome:
    now = now or timezone.now()
    _own(outcome, acting_user)
    fresh = _lock_pool(outcome).outcome
    if fresh.status != OutcomeStatus.OFFERED:
        raise DomainError(_("There is no open offer to accept."), code="no_offer")
    if fresh.respond_by is not None and fresh.respond_by <= now:
        raise DomainError(_("The time to accept this offer has passed."), code="offer_expired")
    fresh.status = OutcomeStatus.ACCEPTED
    fresh.responded_at = now
    fresh.save(update_fields=["status", "responded_at", "updated_at"])
    audit.record(acting_user, "calls.offer_accepted", fresh)
    return fresh


def offer_decline(*, outcome: Outcome, acting_user: Any, now: datetime | None = None) -> list[Outcome]:
    """Decline an open offer; the group's next reserve is offered the place at once. Returns who was promoted."""
    moment = now or timezone.now()
    _own(outcome, acting_user)

    def change(exclusive: bool) -> list[Outcome]:
        pool = _lock_pool(outcome, exclusive=exclusive)
        if pool.outcome.status != OutcomeStatus.OFFERED:
            raise DomainError(_("There is no open offer to decline."), code="no_offer")
        return _release(pool, OutcomeStatus.DECLINED, moment, acting_user, "calls.offer_declined")

    return _with_retry(change)


def outcome_withdraw(*, outcome: Outcome, acting_user: Any, now: datetime | None = None) -> list[Outcome]:
    """The applicant withdraws (from an offer, an accepted place or the reserve list); a place they held goes to
    the next reserve at once. The applying side's withdrawal of an application calls this when it has an outcome."""
    moment = now or timezone.now()
    _own(outcome, acting_user)

    def change(exclusive: bool) -> list[Outcome]:
        pool = _lock_pool(outcome, exclusive=exclusive)
        if pool.outcome.status not in (*HOLDS_PLACE, OutcomeStatus.RESERVE):
            raise DomainError(_("This application no longer holds a place or a reserve position."), code="not_active")
        return _release(pool, OutcomeStatus.WITHDRAWN, moment, acting_user, "calls.outcome_withdrawn")

    return _with_retry(change)


@transaction.atomic
def places_refill(*, call: Call, acting_user: Any, now: datetime | None = None) -> list[Outcome]:
    """Fill every group's free places from its reserve list (a manager's action after raising a quota, or when
    money freed by a decline in one group of a financing call could fund a reserve in another: a decline itself
    promotes only within its own group)."""
    now = now or timezone.now()
    selection = _lock_call(call)
    groups: list[QuotaGroup | None] = list(QuotaGroup.objects.filter(call=call).order_by("pk"))
    promoted: list[Outcome] = []
    for group in groups or [None]:
        pool = _Pool(call=call, selection=selection, group=group, outcome=Outcome(call=call), exclusive=True)
        promoted += _fill(pool, now)
        _commit_money(pool)
        selection.refresh_from_db(fields=["committed"])
    audit.record(acting_user, "calls.places_refilled", call, promoted=len(promoted))
    return promoted


def offers_expire(now: datetime | None = None) -> int:
    """Expire every offer not answered in time and promote the next reserve for each, one transaction per offer
    (so one failure does not hold back the rest). Run by a periodic task."""
    now = now or timezone.now()
    expired = 0
    for pk in list(
        Outcome.objects.filter(status=OutcomeStatus.OFFERED, respond_by__lte=now).values_list("pk", flat=True)
    ):
        outcome = Outcome.objects.select_related("call").get(pk=pk)

        def change(exclusive: bool, outcome: Outcome = outcome) -> list[Outcome]:
            pool = _lock_pool(outcome, exclusive=exclusive)
            fresh = pool.outcome
            if fresh.status != OutcomeStatus.OFFERED or fresh.respond_by is None or fresh.respond_by > now:
                return []
            return [fresh, *_release(pool, OutcomeStatus.EXPIRED, now, None, "calls.offer_expired")]

        if _with_retry(change):
            expired += 1
    return expired


# --- reads -------------------------------------------------------------------------------------------------------


def ranking(call: Call) -> QuerySet[Outcome]:
    return (
        Outcome.objects.filter(call=call).select_related("application__person", "quota_group", "award").order_by("rank")
    )


def places_held(call: Call) -> dict[int | None, int]:
    """Places held per quota group (None: outside any group)."""
    rows = (
        Outcome.objects.filter(call=call, status__in=HOLDS_PLACE)
        .values("quota_group_id")
        .annotate(held=Count("pk"))
        .values_list("quota_group_id", "held")
    )
    return dict(rows)


def over_quota(call: Call) -> int:
    """How many places beyond their quotas the groups hold in all (0 whenever the rule above holds)."""
    held = places_held(call)
    excess = 0
    for group in QuotaGroup.objects.filter(call=call):
        excess += max(0, held.get(group.pk, 0) - group.places)
    if call.places is not None and not QuotaGroup.objects.filter(call=call).exists():
        excess += max(0, held.get(None, 0) - call.places)
    return excess


def outcome_for_applicant(user: Any) -> QuerySet[Outcome]:
    return Outcome.objects.filter(application__person__user=user).filter(
        Q(status__in=HOLDS_PLACE) | Q(status=OutcomeStatus.RESERVE)
    )
