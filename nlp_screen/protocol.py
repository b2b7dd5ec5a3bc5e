"""The protocol's numbers, loaded from patterns/protocol.json and validated (a typo fails loudly, not silently)."""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Union

from pydantic import BaseModel, ConfigDict, Field

from .pipeline import default_patterns_dir


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Threshold(_Strict):
    value: Union[int, float, str]
    note: str = Field(min_length=10)


class ReferenceLimits(_Strict):
    note: str
    creatinine: dict[str, float]
    alt: dict[str, float]
    ast: dict[str, float]
    bilirubin: dict[str, float]


class SIUnitThreshold(_Strict):
    note: str
    creatinine: float
    bilirubin: float


class Protocol(_Strict):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    note_: str = Field(alias="_note")
    age_min: Threshold
    age_max: Threshold
    marrow_blasts_min_percent: Threshold
    nodal_long_axis_min_cm: Threshold
    extranodal_long_axis_min_cm: Threshold
    mfss_min_stage: Threshold
    relapse_after_cr_max_months: Threshold
    min_failed_lines: Threshold
    min_induction_cycles: Threshold
    cd5_flow_min_percent: Threshold
    cd5_flow_positive_percent: Threshold
    cd5_ihc_min_percent: Threshold
    ecog_max: Threshold
    lvef_min_percent: Threshold
    creatinine_max_x_uln: Threshold
    transaminase_max_x_uln: Threshold
    transaminase_max_x_uln_liver_involvement: Threshold
    bilirubin_max_x_uln: Threshold
    spo2_min_percent: Threshold
    anticancer_therapy_window_days: Threshold
    infection_window_days: Threshold
    cerebrovascular_window_days: Threshold
    mi_cabg_window_days: Threshold
    prior_malignancy_window_days: Threshold
    live_vaccine_window_days: Threshold
    nyha_max_allowed_class: Threshold
    reference_limits: ReferenceLimits
    si_unit_threshold: SIUnitThreshold

    def v(self, name: str):
        """The value of a threshold: `p.v("ecog_max")` -> 2."""
        return getattr(self, name).value


@lru_cache(maxsize=4)
def load_protocol(path: Path | None = None) -> Protocol:
    path = Path(path) if path else default_patterns_dir() / "protocol.json"
    return Protocol.model_validate(json.loads(path.read_text(encoding="utf-8")))
