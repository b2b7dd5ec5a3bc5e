"""Clinical-report sentences -> the ConText flags of one target span, with patterns/context_rules.json.

Each case is (sentence, target text, expected flags[, target label]); the target, found by its text, becomes the
only span in doc.spans["nlp_screen"]. The label (default CONDITION) matters only to rules with excluded_types.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import spacy
from spacy.language import Language
from spacy.matcher import Matcher

from nlp_screen.components.concept_context import add_concept_context, load_concept_rules
from nlp_screen.components.context import (
    FLAG_OF_CATEGORY,
    SPAN_GROUP,
    add_context,
    context_cues,
)
from nlp_screen.pipeline import add_sentences

RULES_PATH = Path(__file__).resolve().parents[1] / "patterns" / "context_rules.json"
CONCEPT_RULES_PATH = RULES_PATH.parent / "concept_context.json"
FLAGS = ("negated", "historical", "hypothetical", "family", "uncertain")

NEG, HIST, HYP, FAM, UNC = "negated", "historical", "hypothetical", "family", "uncertain"

CASES = [
    # --- lab-style results after the test
    ("ID 04/19/2025: HIV-1/2 Ag/Ab nonreactive, HBsAg negative, anti-HBc negative, HCV Ab negative.", "HIV-1/2 Ag/Ab", {NEG}),
    ("ID 04/19/2025: HIV-1/2 Ag/Ab nonreactive, HBsAg negative, anti-HBc negative, HCV Ab negative.", "anti-HBc", {NEG}),
    ("HIV 1/2 Ab: nonreactive", "HIV 1/2 Ab", {NEG}),
    ("| Z33.1 | Pregnant state, incidental | Resolved | 2015 | delivered 03/2016 |", "Pregnant", {HIST}),
    ("| R56.9 | Unspecified convulsions | Historical | 03/2016 | single alcohol-withdrawal seizure |", "seizure", {HIST}),
    ("| B20 | Human immunodeficiency virus [HIV] disease | Active | 2011 | ART |", "HIV", set()),
    ('Comment: the problem list still shows "Tuberculosis of lung" - a Historical entry.', "Tuberculosis of lung", {UNC}),
    ("Clinical: 67-year-old man with 'CLL' (outside diagnosis 04/2023, limited panel).", "CLL", {UNC}, "DIAGNOSIS"),
    ("- 04/2023 lymphocytosis labelled CLL by an outside practice (watch and wait).", "CLL", {UNC}, "DIAGNOSIS"),
    ("Our flow: T-PLL. The CLL label was incorrect and has been removed from his problem list.", "CLL", {NEG}, "DIAGNOSIS"),
    ("Refractory ETP-ALL (diagnosed as AML at an outside hospital in 05/2025 and reclassified as ETP-ALL on review).", "AML", {NEG}, "DIAGNOSIS"),
    ("Refractory ETP-ALL (diagnosed as AML at an outside hospital in 05/2025 and reclassified as ETP-ALL on review).", "Refractory ETP-ALL", set(), "DIAGNOSIS"),
    ("Differential diagnosis: (1) classic Hodgkin lymphoma versus (2) nodal T-follicular helper cell lymphoma, angioimmunoblastic type.", "nodal T-follicular helper cell lymphoma, angioimmunoblastic type", {UNC}, "DIAGNOSIS"),
    ("He has never received CAR-T cells, CAR-NK cells or any\n  other genetically modified cell therapy.", "genetically modified cell therapy", {NEG}, "THERAPY"),
    ("Clinical: history of DLBCL (2018), new adenopathy. ? recurrent DLBCL.", "recurrent DLBCL", {UNC}, "DIAGNOSIS"),
    ("No evidence of EBV-positive diffuse large B-cell lymphoma.", "diffuse large B-cell lymphoma", {NEG}, "DIAGNOSIS"),
    ("He has never received CAR-T, CAR-NK or any other gene-modified cell therapy.", "gene-modified cell therapy", {NEG}, "THERAPY"),
    ("Goals of care: full treatment. Hospice is not appropriate at this time and is not desired.", "Hospice", {NEG}),
    ("Allo-HSCT is not indicated in CR1.", "Allo-HSCT", {NEG}, "THERAPY"),
    ("Allo-HSCT is not indicated in CR1.", "CR1", set()),
    ("Autologous transplant not appropriate given age and comorbidities.", "Autologous transplant", {NEG}, "THERAPY"),
    ("Consolidation: allo-HSCT: not indicated.", "allo-HSCT", {NEG}, "THERAPY"),
    ("Relapsed T-ALL, salvage with nelarabine; radiation not needed.", "nelarabine", set(), "THERAPY"),
    ("He was ineligible for allo-HSCT (no donor) and received nelarabine.", "allo-HSCT", {NEG}, "THERAPY"),
    ("He was ineligible for allo-HSCT (no donor) and received nelarabine.", "nelarabine", set(), "THERAPY"),
    ("CSF (no blasts on cytospin) and MRI brain negative.", "blasts", {NEG}),
    ("Skin rash (no fever) resolved; started romidepsin.", "romidepsin", set(), "THERAPY"),
    ("Not deemed eligible for CD19 CAR-T given CD19-negative disease.", "CAR-T", {NEG}, "THERAPY"),
    ("Maintained on steroids for her antiphospholipid antibody syndrome given anticoagulation was not an option.", "antiphospholipid antibody syndrome", set()),
    ("Poor venous access is not a contraindication to leukapheresis; the procedure is feasible.", "Poor venous access", {NEG}),
    ("Poor venous access is not a contraindication to leukapheresis; the procedure is feasible.", "contraindication to leukapheresis", {NEG}),
    ("Social/OB: she stopped breastfeeding her youngest in 08/2025, before the diagnosis.", "breastfeeding", {HIST}),
    ("Early T-precursor ALL, mixed-phenotype acute leukemia (T/myeloid) and AML with minimal differentiation remain in the differential.", "Early T-precursor ALL", {UNC}, "DIAGNOSIS"),
    ("3. Cardiac: denies syncope or palpitations.", "syncope", {NEG}),
    ("Syncope: denies", "Syncope", {NEG}),
    ("hCG <2.0 mIU/mL (<5 non-pregnant)", "pregnant", {NEG}),
    ("NSTEMI (non-ST elevation MI) in 2019.", "MI", set()),
    ("ROS is -ve for fevers, night sweats or weight loss.", "night sweats", {NEG}),
    ("CSF cytospin -ve for blasts.", "blasts", {NEG}),
    ("HIV Ag/Ab NR, HBsAg neg, anti-HBc neg, HCV Ab neg.", "HIV Ag/Ab", {NEG}),
    ("HIV Ag/Ab NR, HBsAg neg, anti-HBc neg, HCV Ab neg.", "HBsAg", {NEG}),
    ("HBsAg neg, anti-HBc REACTIVE, anti-HBs 38, HBV DNA not detected; HCV Ab, HIV Ag/Ab, syphilis Ab negative.", "HBV DNA", {NEG}),
    ("HBsAg neg, anti-HBc REACTIVE, anti-HBs 38, HBV DNA not detected; HCV Ab, HIV Ag/Ab, syphilis Ab negative.", "anti-HBc", set()),
    ("HBsAg neg, anti-HBc REACTIVE, anti-HBs 38, HBV DNA not detected; HCV Ab, HIV Ag/Ab, syphilis Ab negative.", "anti-HBs", set()),
    ("HBsAg neg, anti-HBc REACTIVE, anti-HBs 38, HBV DNA not detected; HCV Ab, HIV Ag/Ab, syphilis Ab negative.", "HCV Ab", {NEG}),
    ("HBsAg neg, anti-HBc REACTIVE, anti-HBs 38, HBV DNA not detected; HCV Ab, HIV Ag/Ab, syphilis Ab negative.", "HIV Ag/Ab", {NEG}),
    ("HBsAg negative, anti-HBc REACTIVE, anti-HBs reactive.", "anti-HBc", set()),
    ("HBsAg negative, anti-HBc REACTIVE, anti-HBs reactive.", "HBsAg", {NEG}),
    ("anti-HBc REACTIVE, HBsAg negative", "anti-HBc", set()),
    ("Resolved HBV (anti-HBc+/HBV DNA undetectable): continue entecavir.", "HBV DNA", {NEG}),
    ("HBV DNA, quantitative PCR          Target not detected     LLOQ 10 IU/mL", "HBV DNA", {NEG}),
    ("HBV DNA < LLOQ (10 IU/mL)", "HBV DNA", {NEG}),
    ("HBsAg negative -> positive on repeat testing", "HBsAg", set()),
    ("RPR nonreactive", "RPR", {NEG}),
    ("QuantiFERON-TB Gold Plus          Negative", "QuantiFERON-TB Gold Plus", {NEG}),
    ("QuantiFERON indeterminate, repeat sent.", "QuantiFERON", {UNC}),
    ("HIV/HBV/HCV serologies negative (01/2025)", "HIV", {NEG}),
    ("Blood cultures x2 no growth, resp viral panel neg.", "Blood cultures", {NEG}),
    ("CSF 04/24/2025: negative for malignant cells (CNS1).", "CSF", {NEG}),
    ("CSF 04/24/2025: negative for malignant cells (CNS1).", "malignant cells", {NEG}),
    ("LP 09/16: CSF cytology negative for malignant cells; flow without abnormal population.", "CSF cytology", {NEG}),
    ("CSF cytology negative.", "CSF cytology", {NEG}),
    ("Cytospin negative for blasts - CNS1.", "CNS1", set()),
    ("Lymph node biopsy negative for lymphoma.", "lymphoma", {NEG}),
    ("CSF flow cytometry: no abnormal population detected.", "CSF flow cytometry", {NEG}),
    ("Urine hCG: negative", "Urine hCG", {NEG}),
    ("Malignant cells are not identified in the CSF.", "Malignant cells", {NEG}),
    ("Blasts: none detected.", "Blasts", {NEG}),
    ("Hepatitis panel: HBsAg -, anti-HBc -, HCV Ab -", "anti-HBc", {NEG}),
    ("Hepatitis B surface antigen (HBsAg): Nonreactive", "Hepatitis B surface antigen", {NEG}),
    ("HBV DNA <20 IU/mL", "HBV DNA", {NEG}),
    ("Lumbar puncture: CSF clear, cytology negative for malignancy.", "Lumbar puncture", {NEG}),
    ("T-ALL and mixed-phenotype acute leukemia are excluded by this immunophenotype.", "T-ALL", {NEG}),
    ("T-ALL and mixed-phenotype acute leukemia are excluded by this immunophenotype.", "mixed-phenotype acute leukemia", {NEG}),
    ("Granulomatosis with polyangiitis and carcinoma are excluded on this material.", "Granulomatosis with polyangiitis", {NEG}),
    ("Extranodal NK/T-cell lymphoma confirmed, carcinoma excluded.", "Extranodal NK/T-cell lymphoma", set()),
    ("Pulmonary embolism was ruled out by CT angiography.", "Pulmonary embolism", {NEG}),
    # result words that must not reach the diagnosis before them
    ("ALCL, ALK-negative, CD30 strong", "ALCL", set()),
    ("Recurrent ALCL, ALK negative, CD30 positive.", "ALCL", set()),
    ("Relapsed T-ALL, CD7-negative / CD5-positive.", "T-ALL", set()),
    ("Relapsed T-ALL, CD7-negative / CD5-positive.", "CD7", {NEG}),
    ("Treated with hyper-CVAD, in CR1 MRD-negative after cycle 1B.", "hyper-CVAD", set()),
    ("Relapsed T-ALL with CD7 negative blasts.", "T-ALL", set()),
    ("Blood culture grew gram negative rods.", "rods", set()),
    # --- negation in prose
    ("No evidence of CNS involvement.", "CNS involvement", {NEG}),
    ("Denies fevers, chills, night sweats.", "night sweats", {NEG}),
    ("No h/o CHF, MI or arrhythmia.", "MI", {NEG, HIST}),
    ("No CAD, CHF or arrhythmia history.", "CHF", {NEG, HIST}),
    ("No active infection; pneumonia resolved clinically, completed levofloxacin 4/30.", "pneumonia", {NEG}),
    ("Grade II skin aGVHD 10/2023, resolved; no chronic GVHD.", "aGVHD", {NEG}),
    ("Cough resolved; T-ALL remains in CR1.", "T-ALL", set()),
    ("Relapsed T-ALL: no CNS involvement.", "T-ALL", set()),
    ("Fever: no.", "Fever", {NEG}),
    ("Extremities: No clubbing, cyanosis, or edema.", "edema", {NEG}),
    ("Patient declined allo-HSCT.", "allo-HSCT", {NEG}),
    ("LVEF declined to 40% after doxorubicin.", "LVEF", set()),
    ("No change in the size of the anterior mediastinal mass.", "anterior mediastinal mass", set()),
    ("No anticancer therapy since relapse.", "relapse", set()),
    ("Relapsed T-ALL, no longer in remission.", "remission", {HIST}),
    ("Relapsed T-ALL, no longer in remission.", "T-ALL", set()),
    ("Lives alone but could no longer take care of himself at home.", "take care of himself", {NEG}),
    ("She can no longer climb stairs without stopping.", "climb stairs", {NEG}),
    ("She is no longer breastfeeding.", "breastfeeding", {HIST}),
    ("Completed hyper-CVAD x8 with IT prophylaxis.", "IT", {HIST}),
    ("Continues TMP-SMX for PJP prophylaxis.", "PJP", {NEG}),
    ("IT MTX prophylaxis x4 with each hyper-CVAD cycle.", "IT MTX", set(), "THERAPY"),
    ("No personal history of any other malignancy.", "other malignancy", {NEG, HIST}, "DIAGNOSIS"),
    ("Palliative care referral for symptom management (not hospice).", "hospice", {NEG}),
    ("She has not received CAR-T therapy or inotuzumab.", "inotuzumab", {NEG}, "THERAPY"),
    ("Chemotherapy not given due to cytopenias.", "Chemotherapy", {NEG}, "THERAPY"),
    ("HBV DNA not done.", "HBV DNA", set()),
    ("Male - pregnancy N/A.", "pregnancy", {NEG}),
    # --- uncertainty: rule-outs, differentials, suspicion
    ("Clinical history: 70 yo M with lymphadenopathy and fevers; r/o lymphoma.", "lymphoma", {UNC}),
    ("Rule out CNS relapse.", "CNS relapse", {UNC}),
    ("The differential diagnosis included angioimmunoblastic T-cell lymphoma and anaplastic large cell lymphoma.", "anaplastic large cell lymphoma", {UNC}),
    ("DDx: AITL vs PTCL-NOS.", "PTCL-NOS", {UNC}),
    ("CT: L nasal cavity mass. ?lymphoma ?granulomatosis w/ polyangiitis ?carcinoma", "carcinoma", {UNC}),
    ("New enlarging right inguinal adenopathy. Recurrence?", "Recurrence", {UNC}),
    ("MRI findings concerning for leptomeningeal disease.", "leptomeningeal disease", {UNC}),
    ("Concern for CNS relapse given new diplopia.", "CNS relapse", {UNC}),
    ("Leptomeningeal involvement cannot be excluded.", "Leptomeningeal involvement", {UNC}),
    ("Cannot exclude early relapse.", "relapse", {UNC}),
    ("Thymic neoplasm and germ cell tumor are less likely.", "germ cell tumor", {UNC}),
    ("Drug eruption is considered less likely.", "Drug eruption", {UNC}),
    ("Evaluate for large cell transformation vs. drug eruption.", "drug eruption", {UNC, HYP}),
    ("Mediastinal mass most consistent with lymphoma (recurrent vs. new primary).", "lymphoma", set()),
    ("Favor T-LBL versus lymphocyte-rich thymoma - not resolved.", "thymoma", {UNC}),
    ("Favor T-LBL versus lymphocyte-rich thymoma - not resolved.", "T-LBL", {UNC}),
    ("Immature TdT+ T cells are a normal component of lymphocyte-rich thymoma.", "thymoma", {UNC}),
    ("CD4 and CD5 expression by the large cells is unusual for classic Hodgkin lymphoma and raises ALK-negative ALCL.", "ALK-negative ALCL", {UNC}),
    ("New headache raises concern for CNS relapse.", "CNS relapse", {UNC}),
    ("At present we cannot confirm that this is a T-cell lymphoma.", "T-cell lymphoma", {UNC}),
    ("DIAGNOSIS: Atypical T-cell infiltrate, SUSPICIOUS FOR but not diagnostic of peripheral T-cell lymphoma.", "peripheral T-cell lymphoma", {UNC}),
    ("CD4 and CD5 expression by the large cells is unusual for classic Hodgkin lymphoma.", "classic Hodgkin lymphoma", {UNC}),
    ("Raised LDH and new nodes consistent with relapse of PTCL.", "PTCL", set()),
    ("Aberrant loss of CD5 can be seen in T-ALL and in mycosis fungoides.", "mycosis fungoides", {UNC}),
    ("Biopsy findings characteristic of T-lymphoblastic lymphoma.", "T-lymphoblastic lymphoma", set()),
    ("LP to exclude CNS disease.", "CNS disease", {UNC}),
    ("Suspected CNS relapse.", "CNS relapse", {UNC}),
    ("It is unclear whether this is relapsed disease.", "relapsed disease", {UNC}),
    # --- remote history and what brings it back to the present
    ("34 yo M with h/o T-ALL dx 03/2023, treated with hyper-CVAD.", "T-ALL", {HIST}),
    ("Relapsed T-ALL s/p MUD allo-HSCT 09/14/2023, now with first relapse.", "allo-HSCT", {HIST}),
    ("Relapsed T-ALL s/p MUD allo-HSCT 09/14/2023, now with first relapse.", "first relapse", set()),
    ("Status post CABG in 2016.", "CABG", {HIST}),
    ("Hx grade II acute skin GVHD (resolved).", "GVHD", {HIST, NEG}),
    ("Remote Hodgkin lymphoma (2009), in remission >15 years.", "Hodgkin lymphoma", {HIST}),
    ("Classical Hodgkin lymphoma treated with ABVD, in continuous remission since.", "Hodgkin lymphoma", {HIST}),
    ("Febrile seizures at age 2, none since.", "Febrile seizures", {HIST}),
    ("Mild intermittent asthma as a teen.", "asthma", {HIST}),
    ("Eczema as a child, none since.", "Eczema", {HIST}),
    ("Childhood asthma, no inhaler use in 10 years.", "asthma", {HIST}),
    ("History of ischemic stroke, no residual deficits.", "ischemic stroke", {HIST}),
    ("LVEF 40% on a previous echocardiogram.", "echocardiogram", {HIST}),
    ("Basal cell carcinoma excised 2 years ago.", "Basal cell carcinoma", {HIST}),
    ("64 yo F with PMHx HTN, dCHF, CKD, atrial fibrillation on coumadin, ischemic stroke, admitted after presenting with confusion.", "ischemic stroke", {HIST}),
    ("78 M w/ pmh of CABG and CHF presents with dyspnea.", "CABG", {HIST}),
    ("She declined filgrastim because it caused severe bone pain the last time she had it.", "bone pain", {HIST}),
    ("Developed CRS the previous time cells were infused.", "CRS", {HIST}),
    ("The last time she had a fever was before the transplant.", "fever", {HIST}),
    ("No history of known congestive heart failure.", "congestive heart failure", {NEG, HIST}),
    ("No history of CNS involvement; CSF cytology negative.", "CNS involvement", {NEG, HIST}),
    ("Ischemic stroke in 2019 without residual deficits.", "Ischemic stroke", {HIST}),
    ("Prior CD7-directed CAR-T cells (08/2023) at an outside center.", "CD7-directed CAR-T", {HIST}),
    ("No prior CAR-T or other gene-modified cell therapy.", "CAR-T", {NEG, HIST}),
    ("Left axillary node 3.2 x 2.4 cm (previously 1.9 x 1.3 cm).", "1.9 x 1.3 cm", {HIST}),
    ("Left axillary node 3.2 x 2.4 cm (previously 1.9 x 1.3 cm).", "3.2 x 2.4 cm", set()),
    ("34-year-old man with relapsed T-ALL.", "T-ALL", set()),
    ("Bone marrow biopsy in the past, which showed hypocellular marrow.", "hypocellular marrow", {HIST}),
    ("She had a CT in the remote past that revealed a renal cyst.", "renal cyst", {HIST}),
    ("CT chest in 2023 which showed no mediastinal mass.", "mediastinal mass", {NEG}),
    ("History of ITP, coming in with fever and a mediastinal mass.", "mediastinal mass", set()),
    ("History of ITP, coming in with fever and a mediastinal mass.", "ITP", {HIST}),
    ("History of T-LBL, now with new mediastinal mass.", "mediastinal mass", set()),
    ("h/o pericardial effusion; current echo shows no effusion.", "echo", set()),
    ("Received GDP chemotherapy 9 days ago.", "GDP", set()),
    # --- plans and conditionals
    ("If CR after cell therapy, consider consolidative allo-HSCT (sister typing pending).", "allo-HSCT", {HYP}),
    ("I questioned him on the symptoms of bipolar disorder and he does not seem to have those symptoms.", "bipolar disorder", {HYP}),
    ("She asked about CAR-T therapy at another center.", "CAR-T therapy", {HYP}),
    ("Radiation oncology consult for craniospinal RT.", "craniospinal RT", {HYP}, "THERAPY"),
    ("Referral for allo-HSCT sent to the transplant center.", "allo-HSCT", {HYP}, "THERAPY"),
    ("Clinical history: PTCL-NOS. Target antigen workup (alemtuzumab / mogamulizumab / CAR-NK trial).", "mogamulizumab", {HYP}, "THERAPY"),
    ("1. CNS leukemia - Ommaya placement 05/10/2024; start IT triple therapy (MTX/cytarabine/hydrocortisone) after placement.", "cytarabine", {HYP}, "THERAPY"),
    ("2. Start nelarabine next week.", "nelarabine", {HYP}, "THERAPY"),
    ("Standard approach: salvage (BV-ICE) then auto-HSCT consolidation.", "auto-HSCT", {HYP}, "THERAPY"),
    ("Reviewed consent form v3.0 section by section: leukapheresis, manufacture of the genetically modified CAR-NK product, lymphodepletion, infusion.", "CAR-NK", {HYP}, "THERAPY"),
    ("Explained that it is for relapsed or refractory disease; she is in first remission.", "relapsed or refractory", {HYP}, "DISEASE_STATUS"),
    ("Explained that it is for relapsed or refractory disease; she is in first remission.", "first remission", set(), "DISEASE_STATUS"),
    ("The protocol lists T-ALL and T-cell lymphomas (including extranodal NK/T-cell lymphoma).", "extranodal NK/T-cell lymphoma", {HYP}, "DIAGNOSIS"),
    ("She consented to our CD7 CAR-T study on 11/12/2024.", "CD7 CAR-T", {HYP}, "THERAPY"),
    ("11/20/2024  Leukapheresis for an outside CD7 CAR-T study; product failed release; never infused.", "CD7 CAR-T", {HYP}, "THERAPY"),
    ("She received CD19 CAR-T on study in 2022.", "CD19 CAR-T", {HIST}, "THERAPY"),
    ("She was treated with hyper-CVAD protocol in 2019.", "hyper-CVAD", {HIST}, "THERAPY"),
    ("- CD5 CAR-NK study: eligibility depends on a diagnosis of T-ALL; revisit when the NGS is back.", "T-ALL", {HYP}, "DIAGNOSIS"),
    ("- Sibling HLA typing for allogeneic SCT in parallel.", "allogeneic SCT", {HYP}, "THERAPY"),
    ("An allogeneic transplant would be considered after a response to cellular therapy.", "allogeneic transplant", {HYP}, "THERAPY"),
    ("Autologous or allogeneic transplant to be reconsidered only if remission is achieved.", "allogeneic transplant", {HYP}, "THERAPY"),
    ("Relapsed after allo-HSCT in 2022; he would be considered for CD7 CAR-T.", "CD7 CAR-T", {HYP}, "THERAPY"),
    ("We consider him to have relapsed after autologous HSCT.", "autologous HSCT", set(), "THERAPY"),
    ("We consider her to be in first relapse.", "first relapse", set()),
    ("Start date: 01/2024 CHOP x6.", "CHOP", set(), "THERAPY"),
    ("Started hyper-CVAD 01/2024.", "hyper-CVAD", set(), "THERAPY"),
    ("If CD5 > 30% she will be referred; otherwise alemtuzumab-based therapy or mogamulizumab (CCR4+) are options.", "alemtuzumab", {HYP}, "THERAPY"),
    ("Pralatrexate remains an option.", "Pralatrexate", {HYP}, "THERAPY"),
    ("She has not received any CAR-T or other cell therapy; CD7 CAR-T at another centre was discussed as an alternative.", "CAR-T", {NEG}, "THERAPY"),
    ("She has not received any CAR-T or other cell therapy; CD7 CAR-T at another centre was discussed as an alternative.", "CD7 CAR-T", {HYP}, "THERAPY"),
    ("Will consider 2nd allo-HSCT if MRD-negative CR2.", "2nd allo-HSCT", {HYP}),
    ("If records are unavailable, plan to start re-induction with hyper-CVAD cycle 1A.", "hyper-CVAD", {HYP}),
    ("Refer for CD19-directed CAR-T evaluation; if approved, bridging with inotuzumab ozogamicin.", "CD19-directed CAR-T", {HYP}, "THERAPY"),
    ("Refer for CD19-directed CAR-T evaluation; if approved, bridging with inotuzumab ozogamicin.", "inotuzumab ozogamicin", {HYP}, "THERAPY"),
    ("Referred for the CD5-targeted CAR-NK study.", "CD5-targeted CAR-NK study", {HYP}, "TRIAL_REFERENCE"),
    # the disease a patient is referred for is the reason for the referral, not a plan
    ("Referred for r/r T-lymphoblastic leukaemia after 2 lines.", "T-lymphoblastic leukaemia", set(), "DIAGNOSIS"),
    ("Discussed CAR-T as an option at the outside hospital.", "CAR-T", {HYP}),
    ("Extracorporeal photopheresis discussed as a future option.", "Extracorporeal photopheresis", {HYP}),
    ("Options discussed: mogamulizumab; bexarotene; TSEBT for widespread plaques.", "TSEBT", {HYP}),
    ("Alternatives: clinical trial of a CD19/CD22 bispecific; second allo-HSCT if MRD-negative CR2.", "second allo-HSCT", {HYP}),
    ("Not a candidate for allo-HSCT at present.", "allo-HSCT", {NEG, HYP}),
    ("He may be considered for the CD5-targeted CAR-NK study.", "CD5-targeted CAR-NK study", {HYP}),
    ("CD5 immunostain pending (addendum to follow).", "CD5", {HYP}),
    ("IT chemotherapy and cranial RT are planned after count recovery.", "cranial RT", {HYP}),
    ("Proceed to allo-HSCT once in CR.", "allo-HSCT", {HYP}),
    ("If not eligible: pralatrexate or belinostat.", "pralatrexate", {HYP}),
    ("Pre-cellular-therapy evaluation prior to CAR-NK infusion.", "CAR-NK", {HYP}),
    ("Call for any fever above 38.0 C or bleeding.", "fever", {HYP}),
    ("Risk of seizures with busulfan discussed.", "seizures", {HYP}),
    ("Donor availability for DLI / 2nd HSCT being explored.", "DLI", {HYP}, "THERAPY"),
    ("07/2024: auto-SCT evaluation - not pursued (no chemosensitive response).", "auto-SCT", {NEG, HYP}, "THERAPY"),
    # statements about the study or about patients in general are not the patient's facts
    ("Re: referral - the CD5-targeted CAR-NK study enrolls T-ALL and T-cell lymphoma.", "T-ALL", {HYP}, "DIAGNOSIS"),
    ("Per institutional guidelines for patients receiving lymphodepleting chemotherapy, entecavir is recommended.",
     "lymphodepleting chemotherapy", {HYP}, "THERAPY"),
    ("In case of CRS, give tocilizumab.", "CRS", {HYP}),
    ("Evaluate for relapse.", "relapse", {HYP}),
    ("Brentuximab vedotin +/- bendamustine as next line.", "bendamustine", {HYP}),
    ("He would benefit from consolidative allo-HSCT in CR2.", "allo-HSCT", {HYP}),
    ("Should he relapse, CD7 CAR-T would be considered.", "relapse", {HYP}),
    ("Plan: allo-HSCT planned for 07/2025.", "allo-HSCT", {HYP}),
    # --- relatives
    ("Father: diffuse large B-cell lymphoma, treated with R-CHOP, in remission.", "diffuse large B-cell lymphoma", {FAM}),
    ("Maternal aunt: Hodgkin lymphoma in her 20s.", "Hodgkin lymphoma", {FAM, HIST}),
    ("Mother - breast cancer, alive and well.", "breast cancer", {FAM}),
    ("One brother with type 1 diabetes.", "type 1 diabetes", {FAM}),
    ("Sister's psoriasis is well controlled.", "psoriasis", {FAM}),
    ("FHx: sister with psoriasis; father colon cancer at 75.", "colon cancer", {FAM}),
    ("Brother with CLL (dx at 70); father prostate cancer.", "CLL", {FAM, HIST}),
    ("MRD positive at 1.2% by flow.", "MRD", set()),
    ("FHx: sister with psoriasis; father colon cancer at 75.", "psoriasis", {FAM}),
    ("Family hx of lymphoma (father DLBCL, aunt HL) noted.", "lymphoma", {FAM, HIST}),
    ("No family history of leukemia or lymphoma.", "lymphoma", {NEG, FAM, HIST}),
    ("Matched sibling donor allo-HSCT 01/19/2023.", "allo-HSCT", set()),
    ("Sister HLA-typing sent; URD search started.", "URD search", set()),
    ("Pt and wife wish to continue disease-directed therapy.", "disease-directed therapy", set()),
    ("Lives with wife; no tobacco.", "tobacco", {NEG, HIST}),
    # --- dictated run-on text: a new clause of the story ends a negation
    ("hyper cvad did not get him into remission and then nelarabine also failed so he went to a trial and got car t cells", "car t cells", set(), "THERAPY"),
    ("no fevers and no signs of any infection, she got her last intrathecal methotrexate on 28 april", "intrathecal methotrexate", set(), "THERAPY"),
    ("no fevers chills or night sweats so she was discharged", "night sweats", {NEG}),
    ("No relapse so far.", "relapse", {NEG}),
    ("If CR, then allo-HSCT.", "allo-HSCT", {HYP}, "THERAPY"),
    ("Plan discussed: brentuximab vedotin-based salvage followed by autologous HSCT consolidation", "autologous HSCT", {HYP}, "THERAPY"),
    ("Consolidative autologous HSCT discussed; patient declined.", "autologous HSCT", {HYP}, "THERAPY"),
    ("Last vincristine on April 17th; pegaspargase deferred.", "vincristine", set(), "THERAPY"),
    ("Last vincristine on April 17th; pegaspargase deferred.", "pegaspargase", {HYP}, "THERAPY"),
    ("Differential: ATLL (lymphoma type), PTCL-NOS, CD5-positive DLBCL.", "PTCL-NOS", {UNC}, "DIAGNOSIS"),
    # --- forms: a field's answer, check boxes, unfilled template fields
    ("Active infection within 7 d                             [ ]  [x]", "Active infection", {NEG}),
    ("Active CNS involvement               [x]  [ ]   CSF 07/15/2025 POSITIVE (CNS3)", "CNS involvement", set()),
    ("Stroke / TIA / ICH / seizure within 6 mo              [ ]  [ ]", "seizure", {HYP}),
    ("Prior CAR-NK / other gene-modified cell therapy:  [ ] Yes  [x] No", "CAR-NK", {NEG, HIST}),
    ("Prior CAR-T:  [x] Yes  [ ] No   (CD7 CAR-T 08/2024)", "CAR-T", {HIST}),
    ("Disease status:  [ ] CR1   [x] 1st relapse   [ ] primary refractory", "CR1", {HYP}),
    ("Disease status:  [ ] CR1   [x] 1st relapse   [ ] primary refractory", "relapse", set()),
    ("Disease status:  [ ] CR1   [x] 1st relapse   [ ] primary refractory", "primary refractory", {HYP}),
    ("HIV: N   HBsAg: N   HCV Ab: ***", "HIV", {NEG}),
    ("HIV: N   HBsAg: N   HCV Ab: ***", "HBsAg", {NEG}),
    ("HIV: N   HBsAg: N   HCV Ab: ***", "HCV Ab", {HYP}),
    ("HIV: Y   HBsAg: N", "HIV", set()),
    ("Prior CAR-T: No      Prior CAR-NK / gene-modified cells: No", "CAR-NK", {NEG, HIST}),
    ("Prior CAR-T / CAR-NK / gene-modified cells: No (allo-HSCT only)", "CAR-T", {NEG, HIST}),
    ("Pregnant: No - serum hCG 07/08/2025 negative    Breastfeeding: No", "Pregnant", {NEG}),
    ("Pregnant: No - serum hCG 07/08/2025 negative    Breastfeeding: No", "Breastfeeding", {NEG}),
    ("Pregnancy: serum beta-hCG 10/06/2025 negative. Breastfeeding: ***", "Breastfeeding", {HYP}),
    ("Pregnancy: urine hCG negative", "Pregnancy", {NEG}),
    ("Live vaccines (4 wk): ***", "Live vaccines", {HYP}),
    ("Prior CAR-T: {Blank single:19197::\"Yes\",\"No\"}", "CAR-T", {HIST, HYP}),
    ("Tobacco use: Not on File", "Tobacco use", {HIST, HYP}),
    ("Seizures: no.", "Seizures", {NEG}),
    ("Extremities: No clubbing, cyanosis or edema.", "edema", {NEG}),
    ("The outside diagnosis of peripheral T-cell lymphoma, NOS is not confirmed and is hereby revised.", "peripheral T-cell lymphoma, NOS", {NEG}, "DIAGNOSIS"),
    ("Relapse was not confirmed on the repeat marrow.", "Relapse", set()),
    # --- what a concept says about itself (patterns/concept_context.json): a habit is social history
    ("Denies alcohol or drugs.", "drugs", {NEG, HIST}),
    ("Denied any drug use.", "drug use", {NEG, HIST}),
    ("She denies IV drug use.", "IV drug use", {NEG, HIST}),
    ("Given his risk factors including tobacco use, an EKG was done.", "tobacco use", {HIST}),
    ("Alcohol: two glasses of wine per day.", "Alcohol", {HIST}),
    ("Current smoker, 1 ppd.", "smoker", {HIST}),
    ("Drinks alcohol on weekends.", "Drinks alcohol", {HIST}),
    ("Admitted with cocaine abuse and chest pain.", "cocaine abuse", {HIST}),
    ("Ex-smoker (quit 2010), no EtOH.", "EtOH", {NEG, HIST}),
    ("Witnessed alcohol withdrawal seizure on day 2.", "alcohol withdrawal seizure", set()),
    ("Drug rash over the trunk after TMP-SMX.", "Drug rash", set()),
    ("Urine toxicology positive for cocaine.", "cocaine", set()),
    ("Psychiatric history: none.", "Psychiatric history", {NEG, HIST}),
    ("Psychiatric history reviewed.", "Psychiatric history", {HIST}),
    ("Surgical hx reviewed.", "Surgical hx", {HIST}),
    ("Lives with wife and 3-year-old son.", "3", {FAM}, "AGE"),
    # --- what a treatment's negation stops at, and statements about people in general
    ("She declines hydroxychloroquine for her lupus, which I respect.", "lupus", set()),
    ("No treatment for his psoriasis at present.", "psoriasis", set()),
    ("No evidence for his CNS involvement.", "CNS involvement", {NEG}),
    ("A Holter and a 14-day monitor, neither of which showed arrhythmia.", "arrhythmia", {NEG}),
    ("Infection: none active; afebrile; no antibiotics.", "Infection", {NEG}),
    ("Comment: We considered angioimmunoblastic T-cell lymphoma because of the vascular background.", "angioimmunoblastic T-cell lymphoma", {UNC}, "DIAGNOSIS"),
    ("The protocol excludes anyone who has had prior CAR-NK therapy.", "CAR-NK", {HYP, HIST}, "THERAPY"),
    ("Most T-cell lymphomas express CD5, so I would expect her to qualify.", "CD5", {HYP}, "CD5"),
    ("Outside records requested (diagnosis date, induction response, date of first complete remission).", "first complete remission", {HYP}, "DISEASE_STATUS"),
    ("He was the product of a full term, uncomplicated pregnancy.", "pregnancy", {FAM}),
    ("Her gallstones were seen again after her pregnancy on ultrasound.", "pregnancy", {HIST}),
    # --- shorthand, questions answered, boards and second opinions
    ("MRI brain 4/4: Ø leptomeningeal enhancement, Ø parenchymal lesion.", "leptomeningeal enhancement", {NEG}),
    ("prior CAR-T? -> no.", "CAR-T", {NEG, HIST}, "THERAPY"),
    ("Other malignancy? no.", "Other malignancy", {NEG}, "DIAGNOSIS"),
    ("Is this relapse? Not clear.", "relapse", {UNC}, "DISEASE_STATUS"),
    ("CD5 add-on still pending. Do NOT assume CD5+.", "CD5+", {HYP}, "CD5"),
    ("Switched to Lovenox assuming the patient was less lethargic.", "lethargic", set()),
    ("CMV reactivation not confirmed. No active infection.", "CMV reactivation", {UNC}),
    ("Folic acid 1 mg daily (pralatrexate premedication).", "pralatrexate", {HYP}, "THERAPY"),
    ("The hypothesis of AITL was raised because of the focal PD-1 - rejected.", "AITL", {UNC}, "DIAGNOSIS"),
    ("Transformation to DLBCL was raised - rejected: no sheets of large cells.", "DLBCL", {UNC}, "DIAGNOSIS"),
    ("AITL (reclassified from PTCL-NOS by the University review).", "PTCL-NOS", {NEG}, "DIAGNOSIS"),
    ("PTCL-NOS (the outside ALCL diagnosis was overruled by our second opinion).", "ALCL", {NEG}, "DIAGNOSIS"),
    ("PTCL-NOS (the outside ALCL diagnosis was overruled by our second opinion).", "PTCL-NOS", set(), "DIAGNOSIS"),
]


@pytest.fixture(scope="session")
def nlp() -> Language:
    nlp = spacy.blank("en")
    add_sentences(nlp, RULES_PATH.parent)
    add_context(nlp, RULES_PATH)
    add_concept_context(nlp, CONCEPT_RULES_PATH)
    return nlp


def contextualize(nlp: Language, text: str, target: str, label: str = "CONDITION"):
    """Run the pipeline with `target` (found by its text) as the only span in the group; return that span."""
    doc = nlp.make_doc(text)
    start = text.find(target)
    assert start >= 0, f"{target!r} is not in {text!r}"
    span = doc.char_span(start, start + len(target), label=label, alignment_mode="expand")
    doc.spans[SPAN_GROUP] = [span]
    for _, pipe in nlp.pipeline:
        doc = pipe(doc)
    return doc.spans[SPAN_GROUP][0]


def flags_of(span) -> set[str]:
    return {flag for flag in FLAGS if getattr(span._, f"is_{flag}")}


TABLE = [(*case, "CONDITION") if len(case) == 3 else case for case in CASES]


@pytest.mark.parametrize(("text", "target", "expected", "label"), TABLE, ids=[f"{c[1]} | {c[0]}" for c in TABLE])
def test_context_flags_of_a_target_in_a_clinical_sentence(nlp, text, target, expected, label):
    span = contextualize(nlp, text, target, label)
    assert flags_of(span) == expected, f"cues: {context_cues(span)}"


def test_every_flag_is_expected_by_some_case():
    covered = set().union(*(case[2] for case in CASES))
    assert covered == set(FLAGS)


@pytest.mark.parametrize(
    ("text", "target", "cues"),
    [
        ("No evidence of CNS involvement.", "CNS involvement", {"negated": "No evidence of"}),
        ("HBV DNA not detected.", "HBV DNA", {"negated": "not detected"}),
        ("No h/o CHF, MI or arrhythmia.", "CHF", {"negated": "No", "historical": "h/o"}),
        ("No history of seizures.", "seizures", {"negated": "No", "historical": "history"}),
        ("Father: DLBCL.", "DLBCL", {"family": "Father"}),
        ("r/o lymphoma", "lymphoma", {"uncertain": "r/o"}),
        ("CD5 IHC pending.", "CD5", {"hypothetical": "pending"}),
        ("CD5 92% bright.", "CD5", {}),
        ("Denies alcohol or drugs.", "drugs", {"negated": "Denies", "historical": "concept: substance use (social history)"}),
        ("No history of drug use.", "drug use", {"negated": "No", "historical": "history"}),
        ("Psychiatric history: none.", "Psychiatric history", {"negated": ": none", "historical": "concept: a named history"}),
    ],
)
def test_context_cues_name_the_words_that_set_each_flag(nlp, text, target, cues):
    assert context_cues(contextualize(nlp, text, target)) == cues


def test_a_result_word_inside_another_target_is_not_a_cue(nlp):
    # "MRD-negative CR1" is a disease-status target: its "negative" must not negate T-ALL beside it.
    text = "T-ALL in MRD-negative CR1 after hyper-CVAD."
    doc = nlp.make_doc(text)
    spans = []
    for target, label in (("T-ALL", "DIAGNOSIS"), ("MRD-negative CR1", "DISEASE_STATUS")):
        start = text.find(target)
        spans.append(doc.char_span(start, start + len(target), label=label, alignment_mode="expand"))
    doc.spans[SPAN_GROUP] = spans
    for _, pipe in nlp.pipeline:
        doc = pipe(doc)
    assert [flags_of(span) for span in doc.spans[SPAN_GROUP]] == [set(), set()]


# ---------------------------------------------------------------- the rules file itself

def _rules_json() -> dict:
    return json.loads(RULES_PATH.read_text(encoding="utf-8"))


def test_context_rules_file_loads_and_every_pattern_compiles():
    from medspacy.context import ConTextRule

    rules = ConTextRule.from_json(RULES_PATH)
    assert len(rules) == len(_rules_json()["context_rules"])
    matcher = Matcher(spacy.blank("en").vocab, validate=True)
    for i, rule in enumerate(rules):
        if isinstance(rule.pattern, str):
            re.compile(rule.pattern)
        elif isinstance(rule.pattern, list):
            matcher.add(f"rule_{i}", [rule.pattern])


def test_every_category_is_documented_and_every_terminator_exists():
    data = _rules_json()
    documented = set(data["categories"])
    used = {rule["category"].upper() for rule in data["context_rules"]}
    assert used <= documented, used - documented
    assert set(FLAG_OF_CATEGORY) <= documented
    for category, terminators in data["terminating_types"].items():
        assert category in used
        assert set(terminators) <= used, (category, set(terminators) - used)


def test_a_pseudo_rule_never_carries_a_flag_category():
    # ConText limits a modifier's scope at any modifier of the same category, before it drops the ones that
    # overlap a target: a PSEUDO rule filed under NEGATED_EXISTENCE would cut "No history of any other malignancy".
    for rule in _rules_json()["context_rules"]:
        if rule["direction"] == "PSEUDO":
            assert rule["category"] not in FLAG_OF_CATEGORY, rule["literal"]


def test_every_terminator_has_a_one_token_scope():
    # medspacy.util.tuple_overlaps misses a scope lying strictly inside another, so a sentence-wide terminator
    # would never end a cue that has its own max_scope.
    data = _rules_json()
    terminators = {t for ts in data["terminating_types"].values() for t in ts}
    for rule in data["context_rules"]:
        if rule["direction"] == "TERMINATE" or rule["category"] in terminators:
            assert rule.get("max_scope") == 1, rule["literal"]


def test_terminating_types_reach_every_rule_of_their_category(nlp):
    # spaCy's config validation turns ConText's terminating_types lists into one-shot iterators; add_context
    # must set them directly so that every rule of a category gets its terminators, not just the first.
    context = nlp.get_pipe("medspacy_context")
    expected = {k: set(v) for k, v in _rules_json()["terminating_types"].items()}
    for rule in context.rules:
        assert expected.get(rule.category, set()) <= rule.terminated_by, rule


def test_every_concept_rule_compiles_and_names_a_flag():
    rules = load_concept_rules(CONCEPT_RULES_PATH)
    assert set(rules) <= set(FLAGS) and all(rules.values())


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ({"flag": "chronic", "cue": "x", "pattern": "x"}, "unknown flag 'chronic'"),
        ({"flag": "historical", "cue": "x", "pattern": "(x"}, "bad pattern for cue 'x'"),
    ],
)
def test_a_malformed_concept_rule_is_rejected(tmp_path, rule, message):
    path = tmp_path / "concept_context.json"
    path.write_text(json.dumps({"concept_rules": [rule]}), encoding="utf-8")
    with pytest.raises(ValueError, match=re.escape(message)):
        load_concept_rules(path)


def test_a_malformed_rule_is_rejected(tmp_path):
    from medspacy.context import ConTextRule

    data = _rules_json()
    data["context_rules"].append({"literal": "no", "category": "NEGATED_EXISTENCE", "terminated_by": ["X"]})
    bad = tmp_path / "context_rules.json"
    bad.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ValueError, match="invalid keys"):
        ConTextRule.from_json(bad)
    with pytest.raises(ValueError):
        add_context(spacy.blank("en"), bad)
