"""Dictated numbers -> digits (nlp_screen/extractors/spoken.py): the rewritten copy the value extractors read, and
offsets that put every value back on the note's own words."""
import pytest

from nlp_screen.extractors.base import Found
from nlp_screen.extractors.spoken import map_back, spoken_to_digits

REWRITES = [
    ("creatinine one point one alt thirty two ast twenty eight", "creatinine 1.1 alt 32 ast 28"),
    ("total bili zero point eight", "total bili 0.8"),
    ("the ejection fraction is down to forty to forty five percent", "the ejection fraction is down to 40-45%"),
    ("cd five on about eighty two percent of the blasts", "CD5 on about 82% of the blasts"),
    ("s p allo transplant on the fourteenth of march twenty twenty three", "s p allo transplant on 14 march 2023"),
    ("finished on the thirty first of march and", "finished on 31 march and"),
    ("WBC ONE HUNDRED AND FORTY THOUSAND. EJECTION FRACTION SIXTY PERCENT", "WBC 140000. EJECTION FRACTION 60%"),
    ("a two point four centimeter inguinal node, sating ninety five percent on room air",
     "a 2.4 centimeter inguinal node, sating 95% on room air"),
    ("this is a thirty four year old male", "this is a 34 year old male"),
    ("hodgkin lymphoma in twenty twelve treated with abvd", "hodgkin lymphoma in 2012 treated with abvd"),
    ("diagnosed in nineteen ninety nine", "diagnosed in 1999"),
    ("twenty five years ago", "25 years ago"),
    ("first line therapy with forty mg", "first line therapy with 40 mg"),  # an ordinal that is no date stays
    ("she may first need a port, fifty", "she may first need a port, 50"),
]


@pytest.mark.parametrize(("text", "expected"), REWRITES, ids=[t for t, _ in REWRITES])
def test_spoken_numbers_become_digits(text, expected):
    rewritten = spoken_to_digits(text)
    assert rewritten is not None
    copy, offsets = rewritten
    assert copy == expected
    assert len(offsets) == len(copy) + 1 and offsets[-1] == len(text)


@pytest.mark.parametrize("text", [
    "sats ninety seven ninety eight",  # two numbers said in a row are not one: nothing to rewrite
    "No fevers. One episode of syncope in 2019, none since.",
    "CD5 82% by flow; LVEF 60%.",
    "At this point he is doing well.",
])
def test_a_note_without_a_dictated_number_is_left_alone(text):
    assert spoken_to_digits(text) is None


@pytest.mark.parametrize(("text", "copy_value", "note_words"), [
    ("creatinine one point one alt thirty", "creatinine 1.1", "creatinine one point one"),
    ("ejection fraction sixty percent, labs", "ejection fraction 60%", "ejection fraction sixty percent"),
    ("the blasts were cd five positive", "CD5", "cd five"),
    ("ecog of one, sating ninety seven percent", "sating 97%", "sating ninety seven percent"),
])
def test_a_value_found_in_the_copy_lies_on_the_notes_words(text, copy_value, note_words):
    copy, offsets = spoken_to_digits(text)
    start = copy.index(copy_value)
    placed, = map_back([Found(start, start + len(copy_value), "lab", "X")], offsets, text)
    assert text[placed.start:placed.end] == note_words
