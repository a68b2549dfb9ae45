"""Charts drawn on the server: whole-number axes, no script, and each bar's or dot's figure as a hover title."""

from web import charts


def test_each_bar_says_its_label_and_value_on_hover_without_a_script():
    svg = str(charts.bars("Binômes par étape", ["Proposé", "Actif"], [3, 12]))
    assert "<title>Proposé : 3</title>" in svg and "<title>Actif : 12</title>" in svg
    assert "<script" not in svg and 'role="img"' in svg


def test_each_dot_of_a_line_says_its_month_and_value():
    svg = str(charts.lines("Par mois", ["2026-01", "2026-02"], {"Commencés": [4, 7], "Terminés": [1, 0]}))
    assert "<title>2026-02 : 7</title>" in svg and "<title>2026-01 : 1</title>" in svg


def test_an_axis_of_counts_has_whole_ticks():
    assert charts.whole_ticks(0) == [0, 1]
    assert charts.whole_ticks(12) == [0, 3, 6, 9, 12, 15]
