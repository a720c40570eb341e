"""The monitor's own rules: what a Table Schema cannot say about this data.

Each rule is a small function named after what it checks; ``RULES`` maps the rule's name (as shown in the
report) to the function. Rules run only on a package that frictionless found structurally valid, so they may
rely on types, keys and references being right.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pandas as pd

from pipeline.model.package import DataPackage
from pipeline.validation.problems import catalogue
from pipeline.validation.report import Problem
from pipeline.validation.rows import problem, reserved_problems, row_problems
from pipeline.words import i18n

Rule = Callable[[DataPackage], Iterator[Problem]]
RULES: dict[str, Rule] = {}
WARNINGS: dict[str, Rule] = {}  # plausible mistakes: said, but the package stays valid


def rule(name: str, warning: bool = False) -> Callable[[Rule], Rule]:
    def register(func: Rule) -> Rule:
        (WARNINGS if warning else RULES)[name] = func
        return func

    return register


# One place for a problem's file and spreadsheet row (the header is row 1): the contract's.
_problem = problem


@rule("missing-translation")
def missing_translation(pkg: DataPackage) -> Iterator[Problem]:
    """Every text a reader sees exists in Dutch and English: a ``*_nl`` column filled needs its ``*_en``."""
    for name, frame in pkg.tables.items():
        for column in frame.columns:
            base, _, lang = column.rpartition("_")
            if lang not in i18n.LANGUAGES:
                continue
            for other in i18n.LANGUAGES:
                counterpart = f"{base}_{other}"
                if other == lang or counterpart not in frame:
                    continue
                gaps = frame[(frame[column] != "") & (frame[counterpart] == "")]
                for index in gaps.index:
                    yield _problem(pkg, name, index, counterpart, "missing-translation",
                                   language=i18n.SETTINGS[other]["name"], column=column)


@rule("method-change-unexplained")
def method_change_unexplained(pkg: DataPackage) -> Iterator[Problem]:
    """A measurement whose method changed says what changed: the pages show it beside its figures."""
    editions = pkg["editions"]
    for index in editions[editions["method_changed"].astype(bool) & (editions["method_change_nl"] == "")].index:
        yield _problem(pkg, "editions", index, "method_change_nl", "method-change-unexplained")


def _result_indicators(pkg: DataPackage) -> set[str]:
    """Indicators with figures: asked in the survey (results) or counted in a register (registrations)."""
    return set(pkg["results"]["indicator_id"]) | set(pkg["registrations"]["indicator_id"])


@rule("not-measured-has-results")
def not_measured_has_results(pkg: DataPackage) -> Iterator[Problem]:
    """An indicator marked not yet measured must not have figures: its page says there are none."""
    ind = pkg["indicators"]
    with_results = _result_indicators(pkg)
    for index, row in ind[ind["status"] == "not_measured"].iterrows():
        if row["indicator_id"] in with_results:
            yield _problem(pkg, "indicators", index, "status", "not-measured-has-results",
                           indicator=row["indicator_id"])


@rule("measured-without-results")
def measured_without_results(pkg: DataPackage) -> Iterator[Problem]:
    """A measured indicator needs at least one result row, or the site would show an empty chart."""
    ind = pkg["indicators"]
    with_results = _result_indicators(pkg)
    for index, row in ind[ind["status"] == "measured"].iterrows():
        if row["indicator_id"] not in with_results:
            yield _problem(pkg, "indicators", index, "status", "measured-without-results",
                           indicator=row["indicator_id"])


@rule("wording-unlabelled")
def wording_unlabelled(pkg: DataPackage) -> Iterator[Problem]:
    """Published wording says what it is and where it stands: only a verbatim question may be quoted."""
    ind = pkg["indicators"]
    has_text = (ind["wording_nl"] != "") | (ind["wording_en"] != "")
    for index in ind[has_text & (ind["wording_kind"] == "")].index:
        yield _problem(pkg, "indicators", index, "wording_kind", "wording-unlabelled")
    for index in ind[has_text & (ind["wording_source_nl"] == "")].index:
        yield _problem(pkg, "indicators", index, "wording_source_nl", "wording-unlabelled", "source")


def _results_with(pkg: DataPackage) -> pd.DataFrame:
    res = pkg["results"]
    roles = pkg["groups"].set_index("group_id")["role"]
    units = pkg["indicators"].set_index("indicator_id")["unit"]
    return res.assign(role=res["group_id"].map(roles), unit=res["indicator_id"].map(units))


@rule("edition-in-future")
def edition_in_future(pkg: DataPackage) -> Iterator[Problem]:
    """A measurement is in the package once its report is out: an edition or publication year after the
    package's own date (plus one year, for a report written up as the year turns) is a typo, and would be
    shown as the latest measurement."""
    created = str(pkg.descriptor.get("created", ""))[:4]
    if not created.isdigit():
        return
    latest = int(created) + 1
    editions = pkg["editions"]
    for field in ("edition", "published"):
        for index in editions.index[editions[field].notna() & (editions[field] > latest)]:
            yield _problem(pkg, "editions", index, field, "edition-in-future", year=int(editions.at[index, field]),
                           created=created, latest=latest)


@rule("reference-year-missing")
def reference_year_missing(pkg: DataPackage) -> Iterator[Problem]:
    """A reference group is measured elsewhere, often in another year: readers must see which year."""
    res = _results_with(pkg)
    for index, row in res[(res["role"] == "reference") & res["reference_year"].isna()].iterrows():
        yield _problem(pkg, "results", index, "reference_year", "reference-year-missing",
                       group=row["group_id"])


@rule("reference-year-unexpected")
def reference_year_unexpected(pkg: DataPackage) -> Iterator[Problem]:
    """Groups surveyed by the monitor itself are measured in the edition's own fieldwork."""
    res = _results_with(pkg)
    for index, row in res[(res["role"] != "reference") & res["reference_year"].notna()].iterrows():
        yield _problem(pkg, "results", index, "reference_year", "reference-year-unexpected",
                       group=row["group_id"])


SPREADSHEET_CELL = 32_767  # characters: the most a spreadsheet cell holds (Excel's limit, and so the workbooks')


@rule("text-too-long")
def text_too_long(pkg: DataPackage) -> Iterator[Problem]:
    """A text longer than a spreadsheet cell holds would be cut short in the downloaded workbooks."""
    for name, frame in pkg.tables.items():
        for column in [c for c in frame.columns if pd.api.types.is_string_dtype(frame[c])]:
            lengths = frame[column].str.len().fillna(0)
            for index in frame.index[lengths > SPREADSHEET_CELL]:
                yield _problem(pkg, name, index, column, "text-too-long",
                               length=int(lengths[index]), most=SPREADSHEET_CELL)


@rule("count-not-whole")
def count_not_whole(pkg: DataPackage) -> Iterator[Problem]:
    """A count of persons is a whole number: "3.064" is three thousand and sixty-four written the Dutch way,
    not three persons, and is refused whatever type the descriptor gives the column."""
    units = pkg["context_series"].set_index("series_id")["unit"]
    context = pkg["context"]
    res, reg = _results_with(pkg), _registrations_with(pkg)
    for name, frame, unit in (("context", context, context["series_id"].map(units)), ("results", res, res["unit"]),
                              ("registrations", reg, reg["unit"])):
        values = frame["value"]
        for index in frame.index[(unit == "persons") & values.notna() & (values % 1 != 0)]:
            yield _problem(pkg, name, index, "value", "count-not-whole",
                           value=values[index])


@rule("percent-out-of-range")
def percent_out_of_range(pkg: DataPackage) -> Iterator[Problem]:
    for name, frame in (("results", _results_with(pkg)), ("registrations", _registrations_with(pkg))):
        bad = frame[(frame["unit"] == "percent") & ((frame["value"] < 0) | (frame["value"] > 100))]
        for index, row in bad.iterrows():
            yield _problem(pkg, name, index, "value", "percent-out-of-range",
                           value=row["value"], indicator=row["indicator_id"])


@rule("small-n-published")
def small_n_published(pkg: DataPackage) -> Iterator[Problem]:
    """Never publish a figure based on fewer respondents than the threshold (privacy and reliability)."""
    min_n = pkg.min_n
    res = pkg["results"]
    bad = res[res["n"].notna() & (res["n"] < min_n) & res["value"].notna()]
    for index, row in bad.iterrows():
        yield _problem(pkg, "results", index, "value", "small-n-published",
                       n=row["n"], min_n=min_n)


@rule("suppressed-with-value")
def suppressed_with_value(pkg: DataPackage) -> Iterator[Problem]:
    res = pkg["results"]
    for index in res[res["suppressed"] & res["value"].notna()].index:
        yield _problem(pkg, "results", index, "value", "suppressed-with-value")


@rule("value-missing")
def value_missing(pkg: DataPackage) -> Iterator[Problem]:
    """An empty value must be a deliberate suppression, not a figure still to be filled in."""
    res = pkg["results"]
    for index in res[~res["suppressed"] & res["value"].isna()].index:
        yield _problem(pkg, "results", index, "value", "value-missing")


@rule("n-above-population")
def n_above_population(pkg: DataPackage) -> Iterator[Problem]:
    res = pkg["results"]
    bad = res[res["n"].notna() & res["population"].notna() & (res["n"] > res["population"])]
    for index, row in bad.iterrows():
        yield _problem(pkg, "results", index, "n", "n-above-population",
                       n=row["n"], population=row["population"])


@rule("suppressed-derivable")
def suppressed_derivable(pkg: DataPackage) -> Iterator[Problem]:
    """A suppressed main-group figure must not be derivable from the total and the other main groups.

    The total is by definition every main group together, so its value is the main groups' values weighted
    by their respondents, and its respondents are theirs summed: any one missing count follows from the
    others. With one main group suppressed and every count known (given, or following from the rest), the
    total and the published groups give it away; with two or more suppressed, they give away the figure of
    those groups together, which must then rest on at least ``min_n`` respondents. The total is reported:
    suppressing it as well closes the gap.
    """
    res = _results_with(pkg)
    main_groups = set(pkg["groups"].loc[pkg["groups"]["role"] == "main", "group_id"])
    for (indicator, edition), rows in res.groupby(["indicator_id", "edition"], sort=False):
        totals = rows[(rows["role"] == "total") & rows["value"].notna()]
        main = rows[rows["role"] == "main"]
        hidden = main[main["value"].isna()]
        if totals.empty or hidden.empty or set(main["group_id"]) != main_groups:
            continue  # nothing to subtract from, nothing hidden, or a main group with no row at all
        total = totals.iloc[0]
        counts = [total["n"], *main["n"]]
        unknown = sum(pd.isna(n) for n in counts)
        if unknown > 1:
            continue  # two unknown counts: the relation leaves the figure open
        hidden_n = sum(hidden["n"]) if not hidden["n"].isna().any() else \
            total["n"] - sum(main.loc[main["value"].notna(), "n"])
        if len(hidden) == 1 or hidden_n < pkg.min_n:
            yield _problem(pkg, "results", totals.index[0], "value", "suppressed-derivable",
                           indicator=indicator, edition=edition)


# Counted figures (registrations.csv): what each unit's figure is, and over whom.
STATISTICS = {"percent": ("share",), "months": ("median", "mean"), "persons": ("count",)}


def _registrations_with(pkg: DataPackage) -> pd.DataFrame:
    reg = pkg["registrations"]
    ind = pkg["indicators"].set_index("indicator_id")
    return reg.assign(unit=reg["indicator_id"].map(ind["unit"]), kind=reg["indicator_id"].map(ind["source_kind"]))


@rule("registration-wrong-file")
def registration_wrong_file(pkg: DataPackage) -> Iterator[Problem]:
    """Survey figures have respondents and measurements, counted figures cohorts and reference dates: each
    kind of source has its own file, and the pages and sentences follow from it."""
    reg = _registrations_with(pkg)
    for index, row in reg[reg["kind"] != "registration"].iterrows():
        yield _problem(pkg, "registrations", index, "indicator_id", "registration-wrong-file",
                       indicator=row["indicator_id"], kind=row["kind"], belongs="results.csv")
    res = _results_with(pkg)
    kinds = pkg["indicators"].set_index("indicator_id")["source_kind"]
    for index, row in res[res["indicator_id"].map(kinds) == "registration"].iterrows():
        yield _problem(pkg, "results", index, "indicator_id", "registration-wrong-file", "survey",
                       indicator=row["indicator_id"])


@rule("statistic-unit-mismatch")
def statistic_unit_mismatch(pkg: DataPackage) -> Iterator[Problem]:
    reg = _registrations_with(pkg)
    for index, row in reg.iterrows():
        allowed = STATISTICS[row["unit"]]
        if row["statistic"] not in allowed:
            yield _problem(pkg, "registrations", index, "statistic", "statistic-unit-mismatch",
                           statistic=row["statistic"], indicator=row["indicator_id"], unit=row["unit"],
                           allowed=" or ".join(allowed))


@rule("cohort-after-reference-date")
def cohort_after_reference_date(pkg: DataPackage) -> Iterator[Problem]:
    """A cohort is the year people became subject to the requirement: on or before 1 January of that year
    none of them was, and a register counted then says nothing about them."""
    reg = pkg["registrations"]
    for index, row in reg.iterrows():
        if row["reference_date"] <= f"{int(row['cohort']):04d}-01-01":  # ISO dates compare as text
            yield _problem(pkg, "registrations", index, "reference_date", "cohort-after-reference-date",
                           cohort=int(row["cohort"]), date=row["reference_date"])


@rule("counted-missing")
def counted_missing(pkg: DataPackage) -> Iterator[Problem]:
    """A share or an average says nothing without how many people it is about: the pages state it, and
    the privacy rule needs it."""
    reg = pkg["registrations"]
    averaged = reg["statistic"].isin(["share", "median", "mean"]) & reg["value"].notna()
    for index, row in reg[averaged & reg["counted"].isna()].iterrows():
        yield _problem(pkg, "registrations", index, "counted", "counted-missing", statistic=row["statistic"])
    for index, row in reg[averaged & (reg["counted"] == 0)].iterrows():
        yield _problem(pkg, "registrations", index, "value", "empty-cohort", statistic=row["statistic"])


@rule("count-above-counted")
def count_above_counted(pkg: DataPackage) -> Iterator[Problem]:
    reg = pkg["registrations"]
    bad = reg[(reg["statistic"] == "count") & reg["value"].notna() & reg["counted"].notna()
              & (reg["value"] > reg["counted"])]
    for index, row in bad.iterrows():
        yield _problem(pkg, "registrations", index, "value", "count-above-counted", value=row["value"],
                       counted=int(row["counted"]))


@rule("erratum-mismatch")
def erratum_mismatch(pkg: DataPackage) -> Iterator[Problem]:
    """An erratum's corrected value must be the value the package now publishes."""
    res = pkg["results"].set_index(["indicator_id", "edition", "group_id"])["value"]
    errata = pkg["errata"].sort_values("date", kind="stable")
    # Only the latest correction of a figure has to match it: earlier ones were corrected again.
    latest = errata.drop_duplicates(["indicator_id", "edition", "group_id"], keep="last")
    for index, row in latest.sort_index().iterrows():
        key = (row["indicator_id"], row["edition"], row["group_id"])
        if key not in res.index:
            yield _problem(pkg, "errata", index, "indicator_id", "erratum-mismatch", "no_figure",
                           indicator=key[0], edition=key[1], group=key[2])
        elif pd.notna(row["new_value"]) and res[key] != row["new_value"]:
            yield _problem(pkg, "errata", index, "new_value", "erratum-mismatch",
                           new=row["new_value"], value=res[key])


@rule("source-place-missing")
def source_place_missing(pkg: DataPackage) -> Iterator[Problem]:
    """A figure a reader cannot find in the report cannot be checked: its chapter or figure number."""
    res = pkg["results"]
    unplaced = (res["source_chapter"].fillna("") == "") & (res["source_figure"].fillna("") == "")
    for index in res[res["value"].notna() & unplaced].index:
        yield _problem(pkg, "results", index, "source_chapter", "source-place-missing")


def _measured(pkg: DataPackage) -> pd.DataFrame:
    indicators = pkg["indicators"]
    return indicators[indicators["status"] == "measured"]


@rule("statement-missing")
def statement_missing(pkg: DataPackage) -> Iterator[Problem]:
    """A counted figure's sentence is built around the statement ("took {months} or less"): without it the
    sentence ends unfinished."""
    measured = _measured(pkg)
    for index, row in measured[measured["source_kind"] == "registration"].iterrows():
        for field in ("statement_nl", "statement_en"):
            if pd.isna(row[field]) or not str(row[field]).strip():
                yield _problem(pkg, "indicators", index, field, "statement-missing", indicator=row["indicator_id"],
                               column=field)


@rule("note-not-measured")
def note_not_measured(pkg: DataPackage) -> Iterator[Problem]:
    """The words of an announced indicator ("no figure has been published yet") must go with its first figures."""
    phrases = catalogue()["note-not-measured"]["phrases"]
    for index, row in _measured(pkg).iterrows():
        for field in ("note_nl", "note_en", "definition_nl", "definition_en"):
            text = str(row[field]).casefold() if pd.notna(row[field]) else ""
            phrase = next((p for p in phrases if p in text), None)
            if phrase:
                yield _problem(pkg, "indicators", index, field, "note-not-measured", indicator=row["indicator_id"],
                               column=field, phrase=phrase)


@rule("percent-as-fraction", warning=True)
def percent_as_fraction(pkg: DataPackage) -> Iterator[Problem]:
    """Excel keeps a cell shown as 45.5% as 0.455: a percentage of 1 or less is more often that than a figure."""
    res = _results_with(pkg)
    for index, row in res[(res["unit"] == "percent") & (res["value"] > 0) & (res["value"] <= 1)].iterrows():
        yield _problem(pkg, "results", index, "value", "percent-as-fraction", value=row["value"],
                       indicator=row["indicator_id"], percent=round(row["value"] * 100, 6))


def warnings(pkg: DataPackage) -> list[Problem]:
    return sorted((p for func in WARNINGS.values() for p in func(pkg)), key=Problem.sort_key)


def check(pkg: DataPackage) -> list[Problem]:
    """The contract first (keys, references, ids: what every other rule relies on), then every rule;
    problems come back sorted by file and row."""
    first = sorted([*row_problems(pkg), *reserved_problems(pkg)], key=Problem.sort_key)
    if first:
        return first
    return sorted((p for func in RULES.values() for p in func(pkg)), key=Problem.sort_key)
