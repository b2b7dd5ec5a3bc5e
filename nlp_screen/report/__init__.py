"""Renderings of PatientResult for people: the review worklist (CSV) and the evidence report (HTML)."""
