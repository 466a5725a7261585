"""The Lucene-subset parser and the date math, without a database."""

from __future__ import annotations

import datetime as dt

import pytest
from ckanext.pueblaabierto.search import parser as p
from ckanext.pueblaabierto.search.sql import Translator, UntranslatableQuery, parse_moment


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", p.MatchAll()),
        ("*:*", p.MatchAll()),
        ("tags:agua", p.Term("tags", "agua")),
        ('tags:"agua potable"', p.Term("tags", "agua potable", "phrase")),
        ("-dataset_type:harvest", p.Not(p.Term("dataset_type", "harvest"))),
        ("+capacity:public", p.Term("capacity", "public")),
        ("NOT tags:agua", p.Not(p.Term("tags", "agua"))),
        ("!tags:agua", p.Not(p.Term("tags", "agua"))),
        ("res_format:CSV", p.Term("res_format", "CSV")),
        ("name:poblacion-2020", p.Term("name", "poblacion-2020")),
        ("pobla*", p.Term(None, "pobla", "prefix")),
        ("name:pob?acion*", p.Term("name", "pob?acion*", "wildcard")),
        ("tema:*", p.Exists("tema")),
        ("tema:[* TO *]", p.Exists("tema")),
        ("agua^2", p.Term(None, "agua")),
        ('"calidad del agua"~2', p.Term(None, "calidad del agua", "phrase", 2)),
        ('"calidad del agua"~', p.Term(None, "calidad del agua", "phrase", 0)),
        (r"name:a\:b", p.Term("name", "a:b")),
        (
            "metadata_modified:[2024-01-01T00:00:00Z TO NOW]",
            p.Range("metadata_modified", "2024-01-01T00:00:00Z", "NOW"),
        ),
        ("periodo_inicio:{2020 TO *]", p.Range("periodo_inicio", "2020", None, False, True)),
        (
            "state:(active OR draft)",
            p.Or((p.Term("state", "active"), p.Term("state", "draft"))),
        ),
        (
            "tags:agua tags:luz",
            p.And((p.Term("tags", "agua"), p.Term("tags", "luz"))),
        ),
        (
            "tags:agua AND tags:luz",
            p.And((p.Term("tags", "agua"), p.Term("tags", "luz"))),
        ),
        (
            "tags:agua && -tags:luz",
            p.And((p.Term("tags", "agua"), p.Not(p.Term("tags", "luz")))),
        ),
        (
            "a b OR c",  # AND binds tighter than OR
            p.Or((p.And((p.Term(None, "a"), p.Term(None, "b"))), p.Term(None, "c"))),
        ),
        (
            "(tags:a OR tags:b) +organization:x",
            p.And((p.Or((p.Term("tags", "a"), p.Term("tags", "b"))), p.Term("organization", "x"))),
        ),
        ("covid-19", p.Term(None, "covid-19")),
    ],
)
def test_parse(text, expected):
    assert p.parse(text) == expected


@pytest.mark.parametrize(
    "text",
    ['tags:"agua', "(tags:agua", "tags:agua)", "metadata_modified:[NOW", "metadata_modified:[a b]", "tags:", "()",
     "foo:*:bar", "a OR", "[1 TO 2]", '"a b"~1.2.3', '"a b"~' + "9" * 400],
)
def test_parse_errors_are_reported(text):
    with pytest.raises(p.QuerySyntaxError):
        p.parse(text)


NOW = dt.datetime(2026, 3, 15, 10, 30, 45)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("NOW", NOW),
        ("NOW-1DAY", dt.datetime(2026, 3, 14, 10, 30, 45)),
        ("NOW-7DAYS", dt.datetime(2026, 3, 8, 10, 30, 45)),
        ("NOW+1MONTH", dt.datetime(2026, 4, 15, 10, 30, 45)),
        ("NOW/DAY", dt.datetime(2026, 3, 15)),
        ("NOW-1YEAR/MONTH", dt.datetime(2025, 3, 1)),
        ("2024-01-01T00:00:00Z", dt.datetime(2024, 1, 1)),
        ("2024-01-01T06:00:00-06:00", dt.datetime(2024, 1, 1, 12)),
        ("2024-01-01", dt.datetime(2024, 1, 1)),
        ("2024-01-01T00:00:00Z+1DAY", dt.datetime(2024, 1, 2)),
    ],
)
def test_date_math(text, expected):
    assert parse_moment(text, now=NOW) == expected


@pytest.mark.parametrize("text", ["ayer", "NOW-1FORTNIGHT", "2024-99-99"])
def test_bad_dates(text):
    with pytest.raises(UntranslatableQuery):
        parse_moment(text, now=NOW)


def test_values_never_enter_the_sql_text():
    translator = Translator()
    evil = "x'; DROP TABLE package; --"
    sql = translator.where(p.parse(f'tags:"{evil}" OR name:{evil[:2]}* OR "{evil}"'))
    assert "DROP" not in sql
    assert any("DROP" in str(v) for v in translator.params.values())


def test_text_wildcards_in_the_middle_are_refused():
    # In text and title they match the indexed words, as in Solr (test_solr_semantics.py);
    # in the other text fields they are still refused.
    with pytest.raises(UntranslatableQuery):
        Translator().where(p.parse("notes:po*cion"))
    assert "LIKE" in Translator().where(p.parse("po*cion"))


def test_ranges_on_text_fields_are_refused():
    with pytest.raises(UntranslatableQuery):
        Translator().where(p.parse("title:[a TO b]"))
