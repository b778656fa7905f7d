from tamyr.analytics.disclosure import protect_series, round_count


def test_counts_are_rounded_to_five():
    assert [round_count(n) for n in (10, 12, 13, 17, 18)] == [10, 10, 15, 15, 20]


def test_a_small_cell_is_hidden():
    figures = protect_series({"HU": 40, "AT": 3, "DE": 25, "TR": 60})
    assert figures.cells["AT"] is None


def test_a_lone_hidden_cell_cannot_be_recovered_from_the_total():
    counts = {"HU": 40, "AT": 3, "DE": 25, "TR": 60}
    figures = protect_series(counts)
    shown = [value for value in figures.cells.values() if value is not None]
    assert figures.hidden >= 2
    assert figures.total is not None and figures.total - sum(shown) != counts["AT"]


def test_the_data_owner_sees_raw_figures():
    figures = protect_series({"HU": 4}, raw=True)
    assert figures.cells == {"HU": 4} and figures.total == 4
