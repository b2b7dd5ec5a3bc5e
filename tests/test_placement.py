"""A mention takes the date written beside it: its own, its line's label, or its section title's; else none."""
import datetime as dt

import pytest

from nlp_screen.models import Note

NOTE_DATE = dt.date(2025, 5, 12)
CASES = [
    # text, kind, evidence text, expected date (None: the note's date applies)
    ("LVEF 40% (03/2023) -> 58% on TTE 01/09/2025.", "lvef", "LVEF 40%", dt.date(2023, 3, 1)),
    ("LVEF 40% (03/2023) -> 58% on TTE 01/09/2025.", "lvef", "58%", dt.date(2025, 1, 9)),
    ("BM 04/22/25: 38% blasts, CD5 92% bright, CD7 98% bright", "cd5", "CD5 92% bright", dt.date(2025, 4, 22)),
    ("TTE 05/02/2025: LVEF 60-65%, normal RV.", "lvef", "LVEF 60-65%", dt.date(2025, 5, 2)),
    ("- 07/15/2024-02/28/2025: duvelisib 75 mg BID; d/c'd for progression", "therapy", "duvelisib", dt.date(2025, 2, 28)),
    ("LABS (05/09/2025)\nCr 0.84 mg/dL (0.70-1.30)", "lab", "Cr 0.84 mg/dL", dt.date(2025, 5, 9)),
    ("Relapsed T-ALL, CD5 97% by flow (03/31/2025), measurable nodes; performance status has declined to ECOG 3.",
     "ecog", "ECOG 3", None),
    ("Ischemic stroke (L MCA) 2019, no residual deficits", "condition", "Ischemic stroke", dt.date(2019, 1, 1)),
    ("Neutropenic fever 2 weeks ago, resolved.", "condition", "Neutropenic fever", dt.date(2025, 4, 28)),
    ("ECOG 1", "ecog", "ECOG 1", None),
    ("Response to re-induction: bone marrow aspirate/biopsy done 09/22/2024 - results pending.", "therapy", "re-induction", None),
    ("Re-induction with nelarabine 08/25/2024.", "therapy", "nelarabine", dt.date(2024, 8, 25)),
    (" 1. CHOEP x 6 (2022) -> CR.", "therapy", "CHOEP", dt.date(2022, 1, 1)),
    ("Relapse 02/2025 -> crizotinib 250 mg BID, 03/2025 - 06/2025: progression.", "therapy", "crizotinib", dt.date(2025, 6, 1)),
    ("Gemcitabine, relapse 04/2025.", "therapy", "Gemcitabine", None),
    ("Performance: ECOG 3 in February; ECOG 1 today.", "ecog", "ECOG 1", None),
    ("Last bendamustine dose 03/31/2025 (just over two weeks ago); no therapy since.", "therapy", "bendamustine", dt.date(2025, 3, 31)),
    ("A/P: 44M s/p auto-HSCT 07/2024 admitted with RSV pneumonia.\nWalks 30 min a day. ECOG 1.", "ecog", "ECOG 1", None),
    ("Re: Miss [redacted], DOB [redacted] 2000 (24 years old)", "age", "24", None),
    ("08/20/2025   Indication: cumulative anthracycline (CHOEP x3), pre-trial evaluation.", "therapy", "CHOEP", None),
    ("TTE 08/20/2025   Indication: pre-trial evaluation. LVEF 60%.", "lvef", "LVEF 60%", dt.date(2025, 8, 20)),
    ("1. Pharmacy reconciliation 12/12/2024: last anticancer drug hydroxyurea 11/04/2024.", "therapy", "hydroxyurea", dt.date(2024, 11, 4)),
    ("- Melanoma in situ R shoulder, excised 2014, no recurrence; annual skin checks.", "diagnosis", "Melanoma", dt.date(2014, 1, 1)),
    ("- Melanoma in situ R shoulder, excised 2014, no recurrence; annual skin checks.", "disease_status", "recurrence", None),
    ("ECHO 04/28/2025:   LVEF 62%.   ASSESSMENT:   Not a candidate now; ECOG 1.", "ecog", "ECOG 1", None),
    ("ECHO 04/28/2025:   LVEF 62%.   ASSESSMENT:   Not a candidate now; ECOG 1.", "lvef", "LVEF 62%", dt.date(2025, 4, 28)),
    ("Onc hx: hyper-CVAD -> CR1; MUD alloSCT 11/14/2023 (Flu/Bu4 + ATG). Relapse 01/2026.", "therapy", "alloSCT", dt.date(2023, 11, 14)),
    ("Onc hx: hyper-CVAD -> CR1; MUD alloSCT 11/14/2023 (Flu/Bu4 + ATG). Relapse 01/2026.", "therapy", "Flu/Bu4", dt.date(2023, 11, 14)),
    ("Auto-SCT 05/2024 (BEAM conditioning), relapse 08/2025.", "therapy", "BEAM conditioning", dt.date(2024, 5, 1)),
    ("Allo-HSCT 2019 (sibling donor); nelarabine (no date given).", "therapy", "nelarabine", None),
]


@pytest.mark.parametrize(("text", "kind", "span", "expected"), CASES, ids=[f"{c[2]} in {c[0][:40]}" for c in CASES])
def test_a_mention_takes_the_date_written_beside_it(extractor, text, kind, span, expected):
    facts = extractor(Note(patient_id="P", note_id="N", note_date=NOTE_DATE, text=text))
    found = [m for m in facts.mentions if m.kind == kind and m.evidence.text == span]
    assert found, [(m.kind, m.evidence.text) for m in facts.mentions]
    assert found[0].date == expected
    assert found[0].when == (expected or NOTE_DATE)
