"""Clinical sentence splitting: note text -> the sentences the sectionizer and ConText will see."""
import json

import pytest
import spacy

import nlp_screen.components.sentences  # noqa: F401  (registers "nlp_screen_sentences")
from nlp_screen.components.sentences import (
    DEFAULT_ABBREVIATIONS_PATH,
    load_abbreviations,
    sentence_start_offsets,
)


@pytest.fixture(scope="session")
def nlp():
    nlp = spacy.blank("en")
    nlp.add_pipe("nlp_screen_sentences")
    return nlp


def sentences(nlp, text):
    return [sent.text.strip() for sent in nlp(text).sents]


def ids(cases):
    return [text[:60] for text, _ in cases]


LINE_CASES = [
    # text, expected sentences
    ("IMMUNOPHENOTYPE:\nBlasts express CD5 and CD7.", ["IMMUNOPHENOTYPE:", "Blasts express CD5 and CD7."]),
    ("LABS (05/09/2025)\nWBC 3.4, ANC 1.1, Hgb 9.4, Plt 52", ["LABS (05/09/2025)", "WBC 3.4, ANC 1.1, Hgb 9.4, Plt 52"]),
    ("PMH\n- T-ALL as above\n- No h/o CHF, MI or arrhythmia", ["PMH", "- T-ALL as above", "- No h/o CHF, MI or arrhythmia"]),
    ("PLAN\n• CD5 CAR-NK screening\n• Repeat TTE", ["PLAN", "• CD5 CAR-NK screening", "• Repeat TTE"]),
    ("1. Relapsed T-ALL\n2. ID: No active infection", ["1. Relapsed T-ALL", "2. ID: No active infection"]),
    ("CD5 .......... PARTIAL, 45% of blasts\nCD7 .......... NEGATIVE", ["CD5 .......... PARTIAL, 45% of blasts", "CD7 .......... NEGATIVE"]),
    ("Marker     % positive   Intensity\nCD5        99      bright\nCD7        98      bright", ["Marker     % positive   Intensity", "CD5        99      bright", "CD7        98      bright"]),
    ("Cr 0.84 mg/dL (0.70-1.30)\nALT 35 U/L (10-50), AST 28 U/L (10-40)", ["Cr 0.84 mg/dL (0.70-1.30)", "ALT 35 U/L (10-50), AST 28 U/L (10-40)"]),
    ("Mother: breast cancer at 58\nFather: lymphoma", ["Mother: breast cancer at 58", "Father: lymphoma"]),
    ("The blasts express:\n  B-lineage: CD19 (bright), CD22 (partial)\n  Immaturity: CD34, TdT", ["The blasts express:", "B-lineage: CD19 (bright), CD22 (partial)", "Immaturity: CD34, TdT"]),
    ("Denies hepatitis B.\nHIV negative.", ["Denies hepatitis B.", "HIV negative."]),
    ("Transplant on 09/14/2023 without\ncomplication", ["Transplant on 09/14/2023 without", "complication"]),
    ("\n\nHPI\n\n\n34 yo M with T-ALL\n", ["HPI", "34 yo M with T-ALL"]),
    ("Follow-up in clinic\r\nECOG 1\r\n", ["Follow-up in clinic", "ECOG 1"]),
]

HEADER_CASES = [
    ("HPI: 34 yo M with relapsed T-ALL after allo-HSCT.", ["HPI:", "34 yo M with relapsed T-ALL after allo-HSCT."]),
    ("IMPRESSION: Progressive disease. No CNS involvement.", ["IMPRESSION:", "Progressive disease.", "No CNS involvement."]),
    ("FAMILY HISTORY: father with DLBCL, mother HTN", ["FAMILY HISTORY:", "father with DLBCL, mother HTN"]),
    ("CYTOGENETICS / FISH: pending (to be reported separately).", ["CYTOGENETICS / FISH:", "pending (to be reported separately)."]),
    ("HISTORY OF PRESENT ILLNESS:   Newly diagnosed T-cell lymphoma.", ["HISTORY OF PRESENT ILLNESS:", "Newly diagnosed T-cell lymphoma."]),
    ("Gen: well-appearing, NAD. No LAD.", ["Gen: well-appearing, NAD.", "No LAD."]),
    ("HIV: N   HBsAg: N   HCV Ab: ***", ["HIV: N   HBsAg: N   HCV Ab: ***"]),
    ("RPR: NR     Pregnant: N/A - male", ["RPR: NR     Pregnant: N/A - male"]),
    ("HPI: Relapse   confirmed on marrow.", ["HPI:", "Relapse   confirmed on marrow."]),
    ("Clinical history: T-ALL s/p allo-HSCT 09/2023; r/o relapse", ["Clinical history: T-ALL s/p allo-HSCT 09/2023; r/o relapse"]),
    ("34M with T-ALL (BM 04/22/25: 38% blasts, CD5 92% bright)", ["34M with T-ALL (BM 04/22/25: 38% blasts, CD5 92% bright)"]),
    ("2. ID: No active infection; pneumonia resolved.", ["2. ID: No active infection; pneumonia resolved."]),
    ("Seen today. HPI: see prior note", ["Seen today.", "HPI: see prior note"]),
    ("HIV: negative\nECOG PS: 1", ["HIV: negative", "ECOG PS: 1"]),
    ("CD5: negative in tumor cells", ["CD5: negative in tumor cells"]),
]

WITHIN_LINE_CASES = [
    ("No bleeding. Denies fevers, chills, night sweats.", ["No bleeding.", "Denies fevers, chills, night sweats."]),
    # a question and its answer are one statement (ConText's 'concept? no' reads it)
    ("Any prior CAR-T? None. Proceed with screening!", ["Any prior CAR-T? None.", "Proceed with screening!"]),
    ("prior CAR-T? -> no. ECOG 1.", ["prior CAR-T? -> no.", "ECOG 1."]),
    ("Is this relapse? Not clear.", ["Is this relapse?", "Not clear."]),
    ("Wt 71.5 kg. Lungs clear bilaterally.", ["Wt 71.5 kg.", "Lungs clear bilaterally."]),
    ("Negative for malignant cells (CNS1). LP repeated.", ["Negative for malignant cells (CNS1).", "LP repeated."]),
    ("Relapse after HSCT; CD5 expressed (92%); no prior CAR-T", ["Relapse after HSCT; CD5 expressed (92%); no prior CAR-T"]),
    ("ECOG 1. Performance status stable.", ["ECOG 1.", "Performance status stable."]),
    ("Fever? No. Chills? Yes.", ["Fever? No.", "Chills? Yes."]),
    ("New cervical adenopathy. ? recurrent DLBCL.", ["New cervical adenopathy.", "? recurrent DLBCL."]),
    ("Tylenol 500 mg p.o. Denies pain.", ["Tylenol 500 mg p.o.", "Denies pain."]),
    ("Dx confirmed (see report.) CD5 bright.", ["Dx confirmed (see report.)", "CD5 bright."]),
]

NO_SPLIT_CASES = [
    ("CHF NYHA III-IV / MI <6 mo / vent. arrhythmia / syncope   [ ]  [x]", ["CHF NYHA III-IV / MI <6 mo / vent. arrhythmia / syncope   [ ]  [x]"]),
    ("34 yo M s/p MUD allo-HSCT, h/o CHF, course c/b aGVHD", ["34 yo M s/p MUD allo-HSCT, h/o CHF, course c/b aGVHD"]),
    ("Mature lymphocytes approx. 14% of events.", ["Mature lymphocytes approx. 14% of events."]),
    ("Discussed with Dr. Smith and the PI.", ["Discussed with Dr. Smith and the PI."]),
    ("CD5 bright vs. dim on 92% of blasts.", ["CD5 bright vs. dim on 92% of blasts."]),
    ("Prior gene therapy, e.g. CD7 CAR-T, excludes.", ["Prior gene therapy, e.g. CD7 CAR-T, excludes."]),
    ("Cortical phenotype, i.e. CD1a positive.", ["Cortical phenotype, i.e. CD1a positive."]),
    ("Representative images in Fig. 2 of the report.", ["Representative images in Fig. 2 of the report."]),
    ("Accession No. 2231 received 04/22/2025.", ["Accession No. 2231 received 04/22/2025."]),
    ("Seen with pt. and wife at bedside.", ["Seen with pt. and wife at bedside."]),
    ("Hgb 9.4, Cr 1.5, MRD 10^-4 by flow on 03/14/2025.", ["Hgb 9.4, Cr 1.5, MRD 10^-4 by flow on 03/14/2025."]),
    ("1. Relapsed T-ALL: CD5 expressed.", ["1. Relapsed T-ALL: CD5 expressed."]),
    ("A-C. Bone marrow and peripheral blood:", ["A-C. Bone marrow and peripheral blood:"]),
    ("Specimens: A. Bone marrow aspirate; B. Core biopsy", ["Specimens: A. Bone marrow aspirate; B. Core biopsy"]),
    ("Reviewed by J. R. Smith, Ph.D. on 05/02/2025.", ["Reviewed by J. R. Smith, Ph.D. on 05/02/2025."]),
    ("34 y.o. M with T-ALL.", ["34 y.o. M with T-ALL."]),
    ("Acyclovir 400 mg p.o. b.i.d. for prophylaxis.", ["Acyclovir 400 mg p.o. b.i.d. for prophylaxis."]),
    ("Cytogenetics (ALL panel incl. BCR::ABL1) sent.", ["Cytogenetics (ALL panel incl. BCR::ABL1) sent."]),
    ("CD3 (cytoplasmic) .. positive", ["CD3 (cytoplasmic) .. positive"]),
    ("Findings... consistent with relapse.", ["Findings... consistent with relapse."]),
]

MTSAMPLES_CASES = [
    ("CHIEF COMPLAINT: , Newly diagnosed T-cell lymphoma.,HISTORY OF PRESENT ILLNESS: , The patient is a 40-year-old man.", ["CHIEF COMPLAINT: ,", "Newly diagnosed T-cell lymphoma.", ",HISTORY OF PRESENT ILLNESS: ,", "The patient is a 40-year-old man."]),
    ("Bipolar disorder.,6.  Chronic muscle aches.,7.  Chronic edema.", ["Bipolar disorder.", ",6.  Chronic muscle aches.", ",7.  Chronic edema."]),
]


WRAPPED_CASES = [
    # hard-wrapped prose: a lower-case line continues a long line that ends without a stop or colon
    ("Given that the patient is about 1 month s/p allogenic SCT the differential is broad\n   and would include bacterial pneumonia.",
     ["Given that the patient is about 1 month s/p allogenic SCT the differential is broad\n   and would include bacterial pneumonia."]),
    ("The patient developed acute onset of hypoxia accompanied by\nfever and a one day cough.",
     ["The patient developed acute onset of hypoxia accompanied by\nfever and a one day cough."]),
    # ... but not after a stop, a colon, a short line, or before a lettered item
    ("Patient was admitted for relapsed T-ALL with hyperleukocytosis.\nno CNS symptoms reported by family",
     ["Patient was admitted for relapsed T-ALL with hyperleukocytosis.", "no CNS symptoms reported by family"]),
    ("Medications reviewed with the patient and daughter today:\naspirin 81 mg daily",
     ["Medications reviewed with the patient and daughter today:", "aspirin 81 mg daily"]),
    ("Meds\naspirin 81 mg\nmetoprolol 25 mg", ["Meds", "aspirin 81 mg", "metoprolol 25 mg"]),
    ("2. No h/o MI or coronary disease, no\nCABG, no ventricular arrhythmia.", ["2. No h/o MI or coronary disease, no\nCABG, no ventricular arrhythmia."]),
    ("Smoker: no\nAlcohol: yes", ["Smoker: no", "Alcohol: yes"]),
    ("Oral azacitidine 300 mg days 1-14, 2 cycles 09/2025-10/2025; last dose\n10/16/2025; stopped for progression.",
     ["Oral azacitidine 300 mg days 1-14, 2 cycles 09/2025-10/2025; last dose\n10/16/2025; stopped for progression."]),
    ("Imaging reviewed at the multidisciplinary lymphoma conference today\n10/16/2025: CT chest with new adenopathy.",
     ["Imaging reviewed at the multidisciplinary lymphoma conference today", "10/16/2025: CT chest with new adenopathy."]),
    ("Differential diagnosis for the mediastinal mass includes the following\na. T-lymphoblastic lymphoma\nb. thymoma",
     ["Differential diagnosis for the mediastinal mass includes the following", "a. T-lymphoblastic lymphoma", "b. thymoma"]),
]


@pytest.mark.parametrize(("text", "expected"), WRAPPED_CASES, ids=ids(WRAPPED_CASES))
def test_hard_wrapped_prose_is_one_sentence_across_its_line_breaks(nlp, text, expected):
    assert sentences(nlp, text) == expected


@pytest.mark.parametrize(("text", "expected"), LINE_CASES, ids=ids(LINE_CASES))
def test_every_line_is_its_own_sentence(nlp, text, expected):
    assert sentences(nlp, text) == expected


@pytest.mark.parametrize(("text", "expected"), HEADER_CASES, ids=ids(HEADER_CASES))
def test_text_after_a_header_colon_starts_a_sentence_only_after_an_all_caps_line_start_header(nlp, text, expected):
    assert sentences(nlp, text) == expected


@pytest.mark.parametrize(("text", "expected"), WITHIN_LINE_CASES, ids=ids(WITHIN_LINE_CASES))
def test_full_stops_question_and_exclamation_marks_end_sentences_within_a_line(nlp, text, expected):
    assert sentences(nlp, text) == expected


@pytest.mark.parametrize(("text", "expected"), NO_SPLIT_CASES, ids=ids(NO_SPLIT_CASES))
def test_abbreviations_numbers_initials_and_list_labels_do_not_end_sentences(nlp, text, expected):
    assert sentences(nlp, text) == expected


@pytest.mark.parametrize(("text", "expected"), MTSAMPLES_CASES, ids=ids(MTSAMPLES_CASES))
def test_a_comma_glued_to_a_full_stop_or_colon_is_read_as_the_line_break_it_replaced(nlp, text, expected):
    assert sentences(nlp, text) == expected


def test_every_token_is_marked_as_a_sentence_start_or_not(nlp):
    doc = nlp("HPI: 34 yo M.\n\nPMH\n- asthma")
    assert all(token.is_sent_start is not None for token in doc)


def test_blank_lines_stay_with_the_sentence_before_them(nlp):
    doc = nlp("DATA\n\n\nLVEF 60-65%.")
    assert [sent.text for sent in doc.sents] == ["DATA\n\n\n", "LVEF 60-65%."]


@pytest.mark.parametrize("text", ["", "   ", "\n\n"])
def test_empty_and_blank_notes_are_left_as_one_sentence_or_none(nlp, text):
    doc = nlp(text)
    assert len(list(doc.sents)) == (1 if len(doc) else 0)


def test_the_splitter_is_a_pure_function_of_the_text():
    abbreviations = load_abbreviations(DEFAULT_ABBREVIATIONS_PATH)
    text = "HPI: seen by Dr. Lee. ECOG 1"
    assert sentence_start_offsets(text, abbreviations) == [0, 5, 22]


def test_the_shipped_abbreviation_file_is_a_list_of_lowercase_words_ending_in_a_full_stop():
    abbreviations = load_abbreviations(DEFAULT_ABBREVIATIONS_PATH)
    assert {"dr.", "approx.", "e.g.", "ph.d."} <= abbreviations


@pytest.mark.parametrize("content", [{"abbreviations": ["dr."]}, ["Dr."], ["approx"], [3]])
def test_a_malformed_abbreviation_file_is_rejected(tmp_path, content):
    path = tmp_path / "abbreviations.json"
    path.write_text(json.dumps(content))
    with pytest.raises(ValueError):
        load_abbreviations(path)


def test_the_factory_reads_the_abbreviations_path_from_its_config(tmp_path):
    path = tmp_path / "abbreviations.json"
    path.write_text(json.dumps(["approx."]))
    nlp = spacy.blank("en")
    nlp.add_pipe("nlp_screen_sentences", config={"abbreviations_path": str(path)})
    assert sentences(nlp, "Seen by Dr. Lee. approx. 5 cm") == ["Seen by Dr.", "Lee.", "approx. 5 cm"]
