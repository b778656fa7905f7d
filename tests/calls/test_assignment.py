"""The reviewer assignment solver on plain data: its rules one by one, and what it gains over a greedy pass."""

from __future__ import annotations

import random

from tamyr.calls.assignment import Paper, Reviewer, assign, assign_greedy
from tamyr.registry.expertise import Profile


def profile(*fields: str, keywords: tuple[str, ...] = ()) -> Profile:
    return Profile(fields=frozenset(fields), keywords=frozenset(keywords))


def reviewer(id: int, *fields: str, languages: tuple[str, ...] = ("en",)) -> Reviewer:
    return Reviewer(id=id, profile=profile(*fields), languages=frozenset(languages))


def random_world(papers: int, reviewers: int, seed: int = 7) -> tuple[list[Paper], list[Reviewer]]:
    rng = random.Random(seed)
    fields = [f"{domain}.{sub}" for domain in range(1, 7) for sub in range(1, 6)]
    people = [
        Reviewer(
            id=1000 + i,
            profile=profile(*rng.sample(fields, rng.randint(1, 2))),
            languages=frozenset(["en", "kk", ["hu", "tr"][i % 2]]),
        )
        for i in range(reviewers)
    ]
    items = [
        Paper(id=i, profile=profile(rng.choice(fields)), language=rng.choice(["en", "kk", "hu", "tr"]))
        for i in range(papers)
    ]
    return items, people


def test_every_application_gets_k_distinct_reviewers() -> None:
    papers, reviewers = random_world(60, 12)
    result = assign(papers, reviewers, k=3)
    assert result.short == {}
    assert all(len(set(chosen)) == 3 for chosen in result.reviewers_of.values())


def test_a_conflicted_pair_is_never_assigned() -> None:
    papers, reviewers = random_world(60, 12)
    conflicts = {(paper.id, reviewers[paper.id % 12].id) for paper in papers}
    result = assign(papers, reviewers, k=3, conflicts=conflicts)
    assert not set(result.pairs) & conflicts


def test_loads_stay_within_one_of_the_mean() -> None:
    papers, reviewers = random_world(61, 12)  # 183 reviews for 12 people: 15 or 16 each
    result = assign(papers, reviewers, k=3)
    assert result.exact
    assert set(result.loads().values()) <= {15, 16}
    assert result.load_spread <= 1


def test_a_reviewer_who_does_not_read_the_language_is_not_assigned() -> None:
    papers = [Paper(id=1, profile=profile("6.2"), language="hu")]
    reviewers = [reviewer(1, "6.2", languages=("kk",)), reviewer(2, "1.1", languages=("hu",))]
    result = assign(papers, reviewers, k=1)
    assert result.reviewers_of[1] == [2]


def test_expertise_decides_between_otherwise_equal_reviewers() -> None:
    papers = [Paper(id=1, profile=profile("5.2")), Paper(id=2, profile=profile("1.1"))]
    reviewers = [reviewer(10, "1.1"), reviewer(20, "5.2")]
    result = assign(papers, reviewers, k=1)
    assert result.reviewers_of == {1: [20], 2: [10]}


def test_the_solver_beats_greedy_where_greedy_takes_the_wrong_reviewer_first() -> None:
    # both applications match reviewer 10 best, but only the first has a good second choice; greedy, taking the
    # first application first, gives it reviewer 10 and leaves the second with a poor match
    papers = [Paper(id=1, profile=profile("5.1", keywords=("law",))), Paper(id=2, profile=profile("5.1"))]
    reviewers = [
        reviewer(10, "5.1"),
        Reviewer(id=20, profile=profile("5.3", keywords=("law",)), languages=frozenset({"en"})),
    ]
    solver = assign(papers, reviewers, k=1)
    greedy = assign_greedy(papers, reviewers, k=1)
    assert solver.mean_score > greedy.mean_score


def test_on_random_data_the_solver_scores_at_least_as_well_as_greedy() -> None:
    papers, reviewers = random_world(200, 20, seed=3)
    assert assign(papers, reviewers, k=3).mean_score >= assign_greedy(papers, reviewers, k=3).mean_score


def test_an_application_without_enough_eligible_reviewers_is_reported_short() -> None:
    papers = [Paper(id=1, profile=profile("1.1"), language="ky")]
    reviewers = [reviewer(1, "1.1", languages=("ky",)), reviewer(2, "1.1")]
    result = assign(papers, reviewers, k=2)
    assert result.reviewers_of[1] == [1]
    assert result.short == {1: 1}
    assert not result.exact


def test_a_fixed_pair_is_kept_and_counts_towards_k() -> None:
    papers, reviewers = random_world(30, 6)
    fixed = {(papers[0].id, reviewers[0].id)}
    result = assign(papers, reviewers, k=2, fixed=fixed)
    assert reviewers[0].id in result.reviewers_of[papers[0].id]
    assert len(result.reviewers_of[papers[0].id]) == 2
    assert result.load_spread <= 1


def test_pruned_candidates_keep_the_rules_on_a_larger_call() -> None:
    papers, reviewers = random_world(2000, 60, seed=11)
    conflicts = {(paper.id, reviewers[paper.id % 60].id) for paper in papers}
    result = assign(papers, reviewers, k=3, conflicts=conflicts, exhaustive=False)
    assert result.short == {}
    assert result.load_spread <= 1
    assert not set(result.pairs) & conflicts
