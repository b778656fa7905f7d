"""Who reviews what: k reviewers for every application, as a min-cost flow (pure Python and OR-Tools, no Django).

The rules, in the order they bind:
1. never a conflicted pair, never a reviewer who does not read the application's language (such pairs are not arcs);
2. every application gets k reviewers (when it has k who may review it);
3. every reviewer's load is the mean rounded down or up (spread at most one);
4. among all assignments that satisfy 1-3, the one with the largest total expertise match.

The network: source → application (capacity k) → reviewer (capacity 1, cost −score) → sink. Rule 3 is a lower
bound on each reviewer → sink arc, expressed as a demand at the reviewer node; when it cannot hold (a reviewer reads
too few of the languages, a manager fixed too much), a second solve turns it into a large penalty instead, so that
coverage comes first, balance second and expertise third, and the result says which it managed (`exact`).

Large calls: scoring 50,000 applications against 600 reviewers is 30 million similarity calls; instead each
application is scored against its candidates only (reviewers sharing a field or a keyword, the best of the same
domain, and a few random eligible reviewers that keep the balance feasible). `docs/decisions/0015` has the figures.
"""

from __future__ import annotations

import heapq
import itertools
import random
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from ortools.graph.python import min_cost_flow

from tamyr.registry.expertise import Profile, similarity

SCALE = 1000  # similarity 0..1 becomes an integer cost 0..1000
PENALTY = 10**6  # a unit of imbalance costs more than any gain in expertise that it could buy
EXHAUSTIVE_PAIRS = 250_000  # up to this many pairs every eligible pair is an arc; above it, candidates only
CANDIDATES = 24  # best-matching reviewers kept per application when pruning
RANDOM_CANDIDATES = 4  # random eligible reviewers added per application when pruning (feasibility of the balance)


@dataclass(frozen=True)
class Paper:
    """One application as the solver sees it; `language` empty: any reviewer can read it."""

    id: int
    profile: Profile
    language: str = ""


@dataclass(frozen=True)
class Reviewer:
    id: int
    profile: Profile
    languages: frozenset[str] = frozenset()


Pair = tuple[int, int]  # (application id, reviewer id)


@dataclass
class Assignment:
    reviewers_of: dict[int, list[int]]
    scores: dict[Pair, float]
    short: dict[int, int] = field(default_factory=dict)
    """Applications that got fewer than k reviewers: id → how many are missing (no eligible reviewer left)."""
    exact: bool = True
    """False when the balance rule could not hold and was made a penalty (see the module docstring)."""
    reviewer_ids: tuple[int, ...] = ()

    @property
    def pairs(self) -> list[Pair]:
        return [(paper, reviewer) for paper, reviewers in self.reviewers_of.items() for reviewer in reviewers]

    def loads(self) -> dict[int, int]:
        loads = dict.fromkeys(self.reviewer_ids, 0)
        for reviewers in self.reviewers_of.values():
            for reviewer in reviewers:
                loads[reviewer] = loads.get(reviewer, 0) + 1
        return loads

    @property
    def load_spread(self) -> int:
        loads = self.loads().values()
        return max(loads) - min(loads) if loads else 0

    @property
    def mean_score(self) -> float:
        return statistics.fmean(self.scores.values()) if self.scores else 0.0


def reads(reviewer: Reviewer, paper: Paper) -> bool:
    return not paper.language or paper.language in reviewer.languages


class _Candidates:
    """For each paper, the reviewers who may review it and their match, as parallel lists of indexes and scores."""

    def __init__(
        self,
        papers: Sequence[Paper],
        reviewers: Sequence[Reviewer],
        conflicts: set[Pair],
        fixed: set[Pair],
        exhaustive: bool,
        seed: int,
        k: int = 3,
    ) -> None:
        self.index_of = {reviewer.id: index for index, reviewer in enumerate(reviewers)}
        everyone = frozenset(range(len(reviewers)))
        by_language: dict[str, set[int]] = {}
        by_field: dict[str, set[int]] = {}
        by_domain: dict[str, set[int]] = {}
        by_keyword: dict[str, set[int]] = {}
        for index, reviewer in enumerate(reviewers):
            for language in reviewer.languages:
                by_language.setdefault(language, set()).add(index)
            for code in reviewer.profile.fields:
                by_field.setdefault(code, set()).add(index)
                by_domain.setdefault(code.split(".", 1)[0], set()).add(index)
            for keyword in reviewer.profile.keywords:
                by_keyword.setdefault(keyword, set()).add(index)
        conflicted: dict[int, set[int]] = {}
        for paper_id, reviewer_id in conflicts | fixed:  # a fixed pair is never assigned a second time
            if reviewer_id in self.index_of:
                conflicted.setdefault(paper_id, set()).add(self.index_of[reviewer_id])
        rng = random.Random(seed)
        everyone_list = sorted(everyone)
        readable_lists = {language: sorted(indexes) for language, indexes in by_language.items()}
        self.indexes: list[list[int]] = []
        self.eligible: list[frozenset[int] | set[int]] = []
        for paper in papers:
            readable = everyone if not paper.language else by_language.get(paper.language, set())
            allowed = readable - conflicted.get(paper.id, set()) if paper.id in conflicted else readable
            self.eligible.append(allowed)
            if exhaustive:
                chosen = sorted(allowed)
            else:
                readable_list = everyone_list if not paper.language else readable_lists.get(paper.language, [])
                chosen = self._prune(paper, allowed, readable_list, by_field, by_domain, by_keyword, rng)
            self.indexes.append(chosen)
        if not exhaustive:
            self._top_up(papers, reviewers, conflicted, k, rng)
        self.scores = [
            [similarity(paper.profile, reviewers[index].profile) for index in chosen]
            for paper, chosen in zip(papers, self.indexes, strict=True)
        ]
        self.reviewers = reviewers

    def _top_up(
        self,
        papers: Sequence[Paper],
        reviewers: Sequence[Reviewer],
        conflicted: dict[int, set[int]],
        k: int,
        rng: random.Random,
    ) -> None:
        """Give every reviewer at least twice the mean load in candidate arcs (random applications they may
        review), so that pruning never makes the balance infeasible where the full problem is feasible."""
        if not reviewers:
            return
        need = 2 * -(-len(papers) * k // len(reviewers))
        counts = [0] * len(reviewers)
        for chosen in self.indexes:
            for index in chosen:
                counts[index] += 1
        papers_by_language: dict[str, list[int]] = {}
        for position, paper in enumerate(papers):
            papers_by_language.setdefault(paper.language, []).append(position)
        for index, reviewer in enumerate(reviewers):
            missing = need - counts[index]
            if missing <= 0:
                continue
            readable = [*papers_by_language.get("", [])]
            for language in reviewer.languages:
                readable += papers_by_language.get(language, [])
            for position in rng.sample(readable, min(len(readable), missing * 2)):
                if missing <= 0:
                    break
                chosen = self.indexes[position]
                if index in chosen or index in conflicted.get(papers[position].id, ()):
                    continue
                chosen.append(index)
                missing -= 1

    @staticmethod
    def _prune(
        paper: Paper,
        allowed: frozenset[int] | set[int],
        readable: list[int],
        by_field: dict[str, set[int]],
        by_domain: dict[str, set[int]],
        by_keyword: dict[str, set[int]],
        rng: random.Random,
    ) -> list[int]:
        """The reviewers worth an arc: the closest by a cheap count (an exact field counts two, a shared keyword
        one; the real `similarity` is computed for the survivors only), then same-domain ones up to CANDIDATES,
        then a few random readers of the language."""
        weight: dict[int, int] = {}
        for code in paper.profile.fields:
            for index in by_field.get(code, ()):
                weight[index] = weight.get(index, 0) + 2
        for keyword in paper.profile.keywords:
            for index in by_keyword.get(keyword, ()):
                weight[index] = weight.get(index, 0) + 1
        close = [index for index in weight if index in allowed]
        if len(close) > CANDIDATES:
            close = heapq.nlargest(CANDIDATES, close, key=lambda index: (weight[index], -index))
        chosen = set(close)
        if len(chosen) < CANDIDATES:
            same_domain: set[int] = set()
            for code in paper.profile.fields:
                same_domain |= by_domain.get(code.split(".", 1)[0], set())
            extra = sorted((same_domain & allowed) - chosen)
            if len(extra) > CANDIDATES - len(chosen):
                extra = rng.sample(extra, CANDIDATES - len(chosen))
            chosen.update(extra)
        wanted = min(RANDOM_CANDIDATES, len(allowed) - len(chosen))
        for _attempt in range(RANDOM_CANDIDATES * 6):
            if wanted <= 0 or not readable:
                break
            index = readable[rng.randrange(len(readable))]
            if index in allowed and index not in chosen:
                chosen.add(index)
                wanted -= 1
        return sorted(chosen)


def _bounds(papers: int, reviewers: int, k: int) -> tuple[int, int]:
    total = papers * k
    low = total // reviewers if reviewers else 0
    high = low + (1 if reviewers and total % reviewers else 0)
    return low, high


def assign(
    papers: Sequence[Paper],
    reviewers: Sequence[Reviewer],
    *,
    k: int,
    conflicts: Iterable[Pair] = (),
    fixed: Iterable[Pair] = (),
    exhaustive: bool | None = None,
    seed: int = 0,
) -> Assignment:
    """The optimal assignment (see the module docstring). `fixed` pairs (a manager's choices) are kept as they are
    and count towards k and towards the reviewer's load."""
    conflict_set = set(conflicts)
    fixed_set = {pair for pair in fixed if pair not in conflict_set}
    if exhaustive is None:
        exhaustive = len(papers) * len(reviewers) <= EXHAUSTIVE_PAIRS
    candidates = _Candidates(papers, reviewers, conflict_set, fixed_set, exhaustive, seed, k)
    result = _solve(papers, reviewers, candidates, k, fixed_set, soft=False)
    if result is None:
        result = _solve(papers, reviewers, candidates, k, fixed_set, soft=True)
        assert result is not None
    return result


def _solve(
    papers: Sequence[Paper],
    reviewers: Sequence[Reviewer],
    candidates: _Candidates,
    k: int,
    fixed: set[Pair],
    *,
    soft: bool,
) -> Assignment | None:
    n, r = len(papers), len(reviewers)
    source, sink = 0, n + r + 1
    fixed_of_paper: dict[int, int] = {}
    base = np.zeros(r, dtype=np.int64)
    for paper_id, reviewer_id in fixed:
        fixed_of_paper[paper_id] = fixed_of_paper.get(paper_id, 0) + 1
        if reviewer_id in candidates.index_of:
            base[candidates.index_of[reviewer_id]] += 1
    demand = np.array([max(0, k - fixed_of_paper.get(paper.id, 0)) for paper in papers], dtype=np.int64)
    low, high = _bounds(n, r, k)
    lows = np.maximum(0, low - base)
    highs = np.maximum(0, high - base)
    total = int(demand.sum())
    if not soft and int(lows.sum()) > total:
        return None

    counts = [len(chosen) for chosen in candidates.indexes]
    edge_tails = np.repeat(np.arange(1, n + 1, dtype=np.int64), counts)
    edge_heads = np.fromiter(itertools.chain.from_iterable(candidates.indexes), dtype=np.int64, count=sum(counts))
    edge_heads += n + 1
    edge_scores = np.fromiter(itertools.chain.from_iterable(candidates.scores), dtype=np.float64, count=sum(counts))
    edge_costs = -np.rint(edge_scores * SCALE).astype(np.int64)

    reviewer_nodes = np.arange(n + 1, n + r + 1, dtype=np.int64)
    tails = [np.zeros(n, dtype=np.int64), edge_tails]
    heads = [np.arange(1, n + 1, dtype=np.int64), edge_heads]
    capacities = [demand, np.ones(len(edge_heads), dtype=np.int64)]
    costs = [np.zeros(n, dtype=np.int64), edge_costs]
    if soft:
        # the balance as prices: filling a reviewer up to the low bound earns PENALTY, going past the high one costs it
        for capacity, cost in ((lows, -PENALTY), (highs - lows, 0), (np.full(r, total), PENALTY)):
            tails.append(reviewer_nodes)
            heads.append(np.full(r, sink, dtype=np.int64))
            capacities.append(capacity.astype(np.int64))
            costs.append(np.full(r, cost, dtype=np.int64))
    else:
        tails.append(reviewer_nodes)
        heads.append(np.full(r, sink, dtype=np.int64))
        capacities.append((highs - lows).astype(np.int64))
        costs.append(np.zeros(r, dtype=np.int64))

    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(
        np.concatenate(tails), np.concatenate(heads), np.concatenate(capacities), np.concatenate(costs)
    )
    supplies = np.zeros(n + r + 2, dtype=np.int64)
    supplies[source] = total
    if soft:
        supplies[sink] = -total
        flow.set_nodes_supplies(np.arange(n + r + 2, dtype=np.int64), supplies)
        status = flow.solve_max_flow_with_min_cost()
    else:
        supplies[n + 1 : n + r + 1] = -lows
        supplies[sink] = -(total - int(lows.sum()))
        flow.set_nodes_supplies(np.arange(n + r + 2, dtype=np.int64), supplies)
        status = flow.solve()
    if status != flow.OPTIMAL:
        if soft:
            raise RuntimeError(f"min-cost flow failed with status {status}")
        return None

    first_edge = n
    edge_flows = flow.flows(np.arange(first_edge, first_edge + len(edge_heads), dtype=np.int64))
    used = np.nonzero(edge_flows)[0]
    reviewers_of: dict[int, list[int]] = {paper.id: [] for paper in papers}
    scores: dict[Pair, float] = {}
    for paper_id, reviewer_id in fixed:
        reviewers_of.setdefault(paper_id, []).append(reviewer_id)
    for edge in used.tolist():
        paper = papers[int(edge_tails[edge]) - 1]
        reviewer = reviewers[int(edge_heads[edge]) - n - 1]
        reviewers_of[paper.id].append(reviewer.id)
        scores[(paper.id, reviewer.id)] = float(edge_scores[edge])
    short = {paper.id: k - len(reviewers_of[paper.id]) for paper in papers if len(reviewers_of[paper.id]) < k}
    return Assignment(
        reviewers_of=reviewers_of,
        scores=scores,
        short=short,
        exact=not soft,
        reviewer_ids=tuple(reviewer.id for reviewer in reviewers),
    )


def assign_greedy(
    papers: Sequence[Paper],
    reviewers: Sequence[Reviewer],
    *,
    k: int,
    conflicts: Iterable[Pair] = (),
    exhaustive: bool | None = None,
    seed: int = 0,
) -> Assignment:
    """The baseline a committee's spreadsheet gives: application by application, its best-matching reviewers who are
    not yet full (the same caps as the solver), else the least loaded one who may review it. Kept for the benchmark
    and the tests, which show what the solver gains over it."""
    conflict_set = set(conflicts)
    if exhaustive is None:
        exhaustive = len(papers) * len(reviewers) <= EXHAUSTIVE_PAIRS
    candidates = _Candidates(papers, reviewers, conflict_set, set(), exhaustive, seed, k)
    _, high = _bounds(len(papers), len(reviewers), k)
    loads = [0] * len(reviewers)
    reviewers_of: dict[int, list[int]] = {}
    scores: dict[Pair, float] = {}
    short: dict[int, int] = {}
    for position, paper in enumerate(papers):
        chosen: list[int] = []
        ranked = sorted(zip(candidates.scores[position], candidates.indexes[position], strict=True), reverse=True)
        for score, index in ranked:
            if len(chosen) == k:
                break
            if loads[index] < high:
                chosen.append(index)
                scores[(paper.id, reviewers[index].id)] = score
        if len(chosen) < k:
            for index in sorted(set(candidates.eligible[position]) - set(chosen), key=lambda i: loads[i])[
                : k - len(chosen)
            ]:
                chosen.append(index)
                scores[(paper.id, reviewers[index].id)] = similarity(paper.profile, reviewers[index].profile)
        for index in chosen:
            loads[index] += 1
        reviewers_of[paper.id] = [reviewers[index].id for index in chosen]
        if len(chosen) < k:
            short[paper.id] = k - len(chosen)
    return Assignment(
        reviewers_of=reviewers_of,
        scores=scores,
        short=short,
        exact=False,
        reviewer_ids=tuple(reviewer.id for reviewer in reviewers),
    )
