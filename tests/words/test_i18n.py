"""Words and numbers per language: both languages say everything, each in its own number style."""

from __future__ import annotations

import pytest

from pipeline.words import i18n


def test_both_languages_have_the_same_words():
    nl, en = i18n.words("nl"), i18n.words("en")
    assert set(nl) == set(en)
    assert [k for k in nl if bool(nl[k]) != bool(en[k])] == []


def test_placeholders_match_between_languages():
    import string

    def fields(text):
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}

    nl, en = i18n.words("nl"), i18n.words("en")
    assert {k: fields(nl[k]) for k in nl} == {k: fields(en[k]) for k in en}


@pytest.mark.parametrize(("value", "nl", "en"), [(45.5, "45,5%", "45.5%"), (62, "62%", "62%"), (0, "0%", "0%"),
                                                  (100, "100%", "100%")])
def test_percentages(value, nl, en):
    assert (i18n.percent(value, "nl"), i18n.percent(value, "en")) == (nl, en)


@pytest.mark.parametrize(("value", "nl", "en"), [(3064, "3.064", "3,064"), (36200, "36.200", "36,200"),
                                                  (1234.5, "1.234,5", "1,234.5")])
def test_numbers_use_each_language_separators(value, nl, en):
    assert (i18n.number(value, "nl"), i18n.number(value, "en")) == (nl, en)


@pytest.mark.parametrize(("value", "nl", "en"), [(-46, "46 procentpunt", "46 percentage points"),
                                                  (1, "1 procentpunt", "1 percentage point"),
                                                  (2.5, "2,5 procentpunt", "2.5 percentage points")])
def test_percentage_points(value, nl, en):
    assert (i18n.points(value, "nl"), i18n.points(value, "en")) == (nl, en)


def test_other_units():
    assert i18n.value(14.5, "months", "nl") == "14,5 maanden"
    assert i18n.value(14.5, "months", "en") == "14.5 months"
