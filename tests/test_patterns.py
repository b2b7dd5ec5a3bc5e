"""Every rule file in patterns/ loads, so a typo fails CI instead of a screening run."""
import json
from pathlib import Path

import pytest
from medspacy.context import ConTextRule
from medspacy.section_detection import SectionRule
from medspacy.target_matcher import TargetRule

from nlp_screen.models import CONTEXT_FLAGS, MentionKind
from nlp_screen.protocol import Protocol, load_protocol

PATTERNS = Path(__file__).resolve().parents[1] / "patterns"
KINDS = set(MentionKind.__args__)
THERAPY_CATEGORIES = {"chemotherapy", "targeted", "immunotherapy", "radiotherapy", "hsct_allogeneic", "hsct_autologous",
                      "car_t", "car_nk", "gene_modified_cell_therapy", "investigational", "other"}
DIAGNOSIS_CATEGORIES = {"T-ALL", "T-LBL", "PTCL-NOS", "AITL", "ALCL", "ENKTL", "T-PLL", "ATLL", "MF", "SS", "OTHER-TCL", "OTHER"}


def test_every_json_file_in_patterns_parses():
    files = sorted(PATTERNS.rglob("*.json"))
    assert len(files) >= 9
    for path in files:
        json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", sorted((PATTERNS / "target_rules").glob("*.json")), ids=lambda p: p.name)
def test_target_rules_load_and_name_a_known_kind_and_category(path):
    rules = TargetRule.from_json(str(path))
    assert rules
    for rule in rules:
        if rule.category == "NOT_A_FACT":  # a longer rule that only hides a shorter match ('Coreg CR 40 mg')
            assert "concept" not in rule.metadata, rule.literal
            continue
        kind = rule.metadata["concept"]
        assert kind in KINDS, rule.literal
        if kind == "therapy":
            assert rule.metadata["category"] in THERAPY_CATEGORIES, rule.literal
            assert rule.metadata["name"], rule.literal
        if kind == "diagnosis":
            assert rule.metadata["category"] in DIAGNOSIS_CATEGORIES, rule.literal


def test_each_therapy_name_has_one_spelling_and_one_category():
    # one regimen, one name: 'FLAG-Ida' and 'FLAG-IDA' would make one line of therapy look like two and flip the
    # name a report shows with the order of the rules
    seen: dict[str, tuple[str, str]] = {}
    for rule in TargetRule.from_json(str(PATTERNS / "target_rules" / "therapies.json")):
        name, category = rule.metadata.get("name"), rule.metadata.get("category")
        if not name:
            continue
        first = seen.setdefault(name.lower(), (name, category))
        assert first == (name, category), (rule.literal, first, (name, category))


def test_section_and_context_rules_load():
    assert SectionRule.from_json(str(PATTERNS / "section_rules.json"))
    assert ConTextRule.from_json(str(PATTERNS / "context_rules.json"))


def test_section_context_names_real_flags_and_kinds():
    data = json.loads((PATTERNS / "section_context.json").read_text(encoding="utf-8"))
    sections = {r["category"] for r in json.loads((PATTERNS / "section_rules.json").read_text())["section_rules"]}
    for section, flags in data.items():
        if section.startswith("_"):
            continue
        assert section in sections, section
        for flag, kinds in flags.items():
            assert flag in set(CONTEXT_FLAGS) | {"current", "ignore"}, flag
            assert all(k == "*" or k.split(":")[0] in KINDS for k in kinds), kinds


def test_protocol_thresholds_validate_and_reject_unknown_keys(tmp_path):
    protocol = load_protocol()
    assert protocol.v("ecog_max") == 2 and protocol.v("age_min") == 18
    data = json.loads((PATTERNS / "protocol.json").read_text(encoding="utf-8"))
    data["ecog_maximum"] = {"value": 3, "note": "a typo for ecog_max"}
    with pytest.raises(ValueError):
        Protocol.model_validate(data)
