"""PatientResult* + evidence snippets -> report.html: one self-contained page (inline CSS and JS, no network).

Every string that comes from a note or the input (ids, reasons, evidence, snippets) goes through
html.escape; the page's Content-Security-Policy also allows only its own script and style (by hash),
so even a missed escape could not run a script or load anything.
"""
from __future__ import annotations

import base64
import hashlib
from html import escape
from pathlib import Path
from typing import Iterable, Iterator, Mapping, NamedTuple, Optional

from .. import __version__
from ..models import CriterionResult, Evidence, PatientResult
from .worklist import (VERDICT_ORDER, deciding_reasons, describe_cd5, describe_diagnoses, describe_ecog,
                       describe_lvef, describe_therapies)

# how much of a long line to show on each side of a span
CONTEXT_CHARS = 160


class Snippet(NamedTuple):
    """The line around an evidence span: `before + text + after`, with "…" where the line was cut."""

    before: str
    text: str
    after: str


# (patient_id, note_id, start, end): note ids are only unique within a patient
SnippetKey = tuple[str, str, int, int]


def snippet_around(text: str, start: int, end: int, context: int = CONTEXT_CHARS) -> Snippet:
    """The line(s) holding text[start:end], cut to `context` characters on each side."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    left, right = max(line_start, start - context), min(line_end, end + context)
    before = ("…" if left > line_start else "") + text[left:start]
    after = text[end:right].rstrip("\r") + ("…" if right < line_end else "")
    return Snippet(before, text[start:end], after)


def render_report(results: Iterable[PatientResult], snippets: Mapping[SnippetKey, Snippet]) -> str:
    return "".join(iter_report(results, snippets))


def write_report(path: Path, results: Iterable[PatientResult], snippets: Mapping[SnippetKey, Snippet]) -> None:
    with Path(path).open("w", encoding="utf-8") as fh:
        fh.writelines(iter_report(results, snippets))


def iter_report(results: Iterable[PatientResult], snippets: Mapping[SnippetKey, Snippet]) -> Iterator[str]:
    """The page in pieces, one patient at a time: results may be a stream, and the page is never one
    string in memory (the script fills in the counts)."""
    yield _HEAD.format(csp=_CSP, style=_STYLE, version=escape(__version__))
    yield '<fieldset id="filter"><legend>Show</legend>\n'
    for verdict in VERDICT_ORDER:
        yield (f'<label><input type="checkbox" name="verdict" value="{verdict}" checked> '
               f'<span class="verdict {verdict}">{verdict}</span> <span class="count" data-verdict="{verdict}"></span></label>\n')
    yield '<input type="search" id="find" placeholder="patient id" aria-label="find a patient id">\n</fieldset>\n</header>\n<main>\n'
    for result in results:
        yield _patient(result, snippets)
    yield f"</main>\n<script>{_SCRIPT}</script>\n</body>\n</html>\n"


def _patient(result: PatientResult, snippets: Mapping[SnippetKey, Snippet]) -> str:
    facts = result.facts
    rows = [
        ("as of", result.as_of.isoformat()),
        ("notes screened", str(result.notes_screened)),
        ("age", "" if facts.age is None else str(facts.age)),
        ("sex", facts.sex or ""),
        ("diagnosis", describe_diagnoses(facts)),
        ("CD5", describe_cd5(facts.cd5)),
        ("ECOG", describe_ecog(facts.ecog)),
        ("LVEF", describe_lvef(facts.lvef)),
        ("prior therapies", "; ".join(describe_therapies(facts))),
        ("check first", ", ".join(result.review_first)),
    ]
    facts_html = "".join(f"<dt>{label}</dt><dd>{escape(value) or '—'}</dd>" for label, value in rows)
    criteria_html = "".join(_criterion(result.patient_id, c, snippets) for c in result.criteria)
    verdict = escape(result.verdict)
    return (
        f'<details class="patient" data-verdict="{verdict}" data-id="{escape(result.patient_id.casefold())}">\n'
        f'<summary><span class="pid">{escape(result.patient_id)}</span> <span class="verdict {verdict}">{verdict}</span> '
        f'<span class="why">{escape(deciding_reasons(result))}</span></summary>\n'
        f'<dl class="facts">{facts_html}</dl>\n'
        '<table class="criteria"><thead><tr><th>criterion</th><th>status</th><th>reason</th><th>evidence</th></tr></thead>\n'
        f"<tbody>\n{criteria_html}</tbody></table>\n</details>\n"
    )


def _criterion(patient_id: str, criterion: CriterionResult, snippets: Mapping[SnippetKey, Snippet]) -> str:
    status = escape(criterion.status)
    evidence = "".join(_evidence(patient_id, ev, snippets) for ev in criterion.evidence) or "—"
    return (f'<tr class="{status}"><td><code>{escape(criterion.id)}</code><br><small>{escape(criterion.type)}</small></td>'
            f'<td><span class="status {status}">{status}</span></td><td>{escape(criterion.reason)}</td>'
            f"<td>{evidence}</td></tr>\n")


def _evidence(patient_id: str, ev: Evidence, snippets: Mapping[SnippetKey, Snippet]) -> str:
    where = [ev.note_id, ev.note_type, ev.note_date.isoformat() if ev.note_date else None, ev.section,
             f"chars {ev.start}-{ev.end}"]
    snippet: Optional[Snippet] = snippets.get((patient_id, ev.note_id, ev.start, ev.end))
    before, text, after = snippet if snippet else ("", ev.text, "")
    return (f'<div class="ev"><div class="src">{escape(" · ".join(w for w in where if w))}</div>'
            f"<blockquote>{escape(before)}<mark>{escape(text)}</mark>{escape(after)}</blockquote></div>")


def _csp_hash(source: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode("utf-8")).digest()).decode("ascii") + "'"


_STYLE = """
body{font:14px/1.45 system-ui,sans-serif;margin:0;color:#1d2228;background:#f6f7f9}
header{padding:12px 20px;background:#fff;border-bottom:1px solid #d9dde3;position:sticky;top:0;z-index:1}
h1{font-size:18px;margin:0 0 4px}
.meta{margin:0 0 8px;color:#5b6470}
fieldset{border:0;padding:0;margin:0;display:flex;gap:14px;align-items:center;flex-wrap:wrap}
legend{float:left;margin-right:6px;font-weight:600}
main{padding:12px 20px}
[hidden]{display:none!important}
details.patient{background:#fff;border:1px solid #d9dde3;border-radius:6px;margin:0 0 8px;padding:6px 12px}
summary{cursor:pointer;display:flex;gap:10px;align-items:baseline}
.pid{font-weight:600;min-width:8em}
.why{color:#5b6470}
.verdict,.status{border-radius:10px;padding:1px 8px;font-size:12px;font-weight:600}
.candidate,.status.pass{background:#dcf3e3;color:#15612f}
.insufficient,.status.unknown{background:#fff1cc;color:#7a5600}
.excluded,.status.fail{background:#fbdcdc;color:#8c1d1d}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;margin:10px 0}
dt{color:#5b6470}
dd{margin:0}
table.criteria{border-collapse:collapse;width:100%;margin:6px 0 10px}
th,td{text-align:left;vertical-align:top;padding:4px 8px;border-top:1px solid #e6e9ee}
tr.fail td:first-child{border-left:3px solid #c53030}
tr.unknown td:first-child{border-left:3px solid #d69e2e}
tr.pass td:first-child{border-left:3px solid #2f855a}
.ev{margin:0 0 6px}
.src{font-size:12px;color:#5b6470}
blockquote{margin:2px 0 0;padding:3px 8px;background:#f2f4f7;border-radius:4px;white-space:pre-wrap;font-family:ui-monospace,monospace;font-size:12.5px}
mark{background:#ffe27a;padding:0 1px}
"""

_SCRIPT = """
(function () {
  var boxes = document.querySelectorAll('#filter input[name=verdict]');
  var find = document.getElementById('find');
  function apply() {
    var shown = {};
    boxes.forEach(function (box) { shown[box.value] = box.checked; });
    var query = find.value.trim().toLowerCase();
    document.querySelectorAll('details.patient').forEach(function (patient) {
      patient.hidden = !shown[patient.dataset.verdict] || (query !== '' && patient.dataset.id.indexOf(query) < 0);
    });
  }
  var patients = document.querySelectorAll('details.patient');
  document.getElementById('total').textContent = patients.length + ' patients';
  document.querySelectorAll('#filter .count').forEach(function (count) {
    count.textContent = '(' + document.querySelectorAll('details.patient[data-verdict=' + count.dataset.verdict + ']').length + ')';
  });
  boxes.forEach(function (box) { box.addEventListener('change', apply); });
  find.addEventListener('input', apply);
})();
"""

_CSP = f"default-src 'none'; style-src {_csp_hash(_STYLE)}; script-src {_csp_hash(_SCRIPT)}"

_HEAD = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>nlp-screen: CD5 CAR-NK screening report</title>
<style>{style}</style>
</head>
<body>
<header>
<h1>CD5 CAR-NK trial screening</h1>
<p class="meta"><span id="total"></span> · nlp-screen {version} · every verdict is a suggestion for manual review</p>
"""
