"""Inline style, script and flag legend of the HTML review pages (no file, no network).

The pages must work from ``file://`` on a machine without internet and pass a strict
Content-Security-Policy, so everything is inlined; the script's hash goes into the policy.
"""

from __future__ import annotations

import base64
import hashlib

from .html_edit import EDIT_CSS, EDIT_SCRIPT
from .html_review import REVIEW_CSS

#: flag -> (label, severity, what it means). Severity picks the badge colour only.
FLAG_INFO: dict[str, tuple[str, str, str]] = {
    "length_limit": ("length limit", "high", "output hit its length limit: it may be cut"),
    "repetition": ("repetition", "high", "a looping n-gram in the output"),
    "numbers_mismatch": ("numbers", "high", "a number of the source is missing in the output"),
    "empty_translation": ("empty output", "high", "the model produced nothing"),
    "untranslated": ("untranslated", "high", "the output is still (partly) Arabic"),
    "copied": ("copied", "high", "the output copies the source"),
    "lang": ("other language", "high", "the paragraph is not Arabic: copied, not translated"),
    "length_ratio": ("odd length", "mid", "output/input length far outside 0.3-3"),
    "low_confidence": ("low confidence", "mid", "the model's own score is low"),
    "source_uncovered": ("source uncovered", "mid", "part of the source has no aligned output"),
    "glossary_miss": ("glossary", "mid", "a glossary term's translation is missing"),
    "retried": ("retried", "info", "translated again with anti-repetition settings; the better "
                "output kept"),
    "empty_source": ("empty source", "info", "nothing left to translate after cleaning"),
}

#: Confidence cue: exp(mean log-prob) is the geometric-mean token probability (0-1).
CONF_LOW, CONF_HIGH = 0.35, 0.6


def flag_info(flag: str) -> tuple[str, str, str]:
    return FLAG_INFO.get(flag, (flag.replace("_", " "), "mid", "flag recorded by the job"))


CSS = """
:root{--ink:#1d2430;--muted:#5d6673;--line:#dde1e7;--bg:#f6f7f9;--card:#fff;--hl:#fff3c4;
--aw:#ffd166;--high:#b42318;--mid:#b54708;--info:#475467;--accent:#1f5fbf}
*{box-sizing:border-box}
body{margin:0;font:15px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;
color:var(--ink);background:var(--bg)}
.wrap{max-width:1180px;margin:0 auto;padding:0 20px}
header.top{background:#17202e;color:#fff;padding:18px 0 14px}
header.top .brand{font-size:12px;letter-spacing:.08em;text-transform:uppercase;opacity:.7}
header.top h1{margin:2px 0 4px;font-size:24px;font-weight:600;overflow-wrap:anywhere}
header.top .sub{margin:0;font-size:13px;opacity:.85}
header.top a{color:#cfe0ff}
.card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:14px 18px;
margin:16px 0}
.abstract h2,.card h2{font-size:13px;text-transform:uppercase;letter-spacing:.06em;
color:var(--muted);margin:0 0 6px}
.abstract p{margin:0;font-size:16px}
.card h2.sub{margin-top:12px}
dl.kv{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;margin:10px 0 0;
font-size:13px}
dl.kv dt{color:var(--muted)}dl.kv dd{margin:0;overflow-wrap:anywhere}
.toolbar{position:sticky;top:0;z-index:2;background:var(--bg);border-bottom:1px solid var(--line);
padding:8px 0;display:flex;flex-wrap:wrap;gap:8px 18px;align-items:center;font-size:13px}
.toolbar label{font-weight:600;cursor:pointer}
.legend{position:relative}
.legend summary{cursor:pointer;color:var(--accent)}
.legend ul{list-style:none;margin:6px 0 0;display:grid;gap:4px;position:absolute;z-index:3;
width:min(34rem,90vw);background:var(--card);border:1px solid var(--line);border-radius:8px;
padding:10px 12px;box-shadow:0 6px 20px rgba(16,24,40,.12)}
.flag{display:inline-block;font-size:11px;line-height:1.6;padding:0 7px;border-radius:9px;
border:1px solid currentColor;font-weight:600;white-space:nowrap;margin:0 4px 2px 0}
.sev-high{color:var(--high);background:#fef3f2}.sev-mid{color:var(--mid);background:#fffaeb}
.sev-info{color:var(--info);background:#f2f4f7}
.colhead,.pair{display:grid;grid-template-columns:5.5rem 1fr 1fr;gap:0 14px}
.colhead{font-size:12px;color:var(--muted);text-transform:uppercase;letter-spacing:.06em;
padding:0 10px}
.colhead .ar{text-align:right}
.para{background:var(--card);border:1px solid var(--line);border-radius:8px;margin:12px 0;
padding:6px 0}
.para-head{font-size:12px;color:var(--muted);padding:2px 10px 4px}
.pair{padding:6px 10px;border-top:1px solid #eef0f3}
.pair.flagged{box-shadow:inset 3px 0 0 var(--mid)}
.gut{font-size:12px;color:var(--muted)}
.gut meter{display:block;width:4.6rem;height:8px;margin-top:3px}
.s{white-space:pre-wrap;overflow-wrap:anywhere;border-radius:4px;padding:2px 6px;outline:none}
.s.ar{font-family:"Noto Naskh Arabic","Noto Sans Arabic","Amiri","DejaVu Sans",serif;
font-size:17px;line-height:1.8;text-align:right}
.pair:hover .s,.pair:focus-within .s{background:var(--hl)}
.s:focus-visible{box-shadow:0 0 0 2px var(--accent)}
.w.aw{background:var(--aw);border-radius:3px}
.badges{grid-column:2/4;padding-top:2px}
.ctl{font:10px/1 ui-monospace,monospace;color:#fff;background:var(--high);border-radius:3px;
padding:1px 3px;margin:0 1px;unicode-bidi:isolate}
.none-flagged{display:none;color:var(--muted);padding:20px 0}
body:has(#flagged-only:checked) .pair:not(.flagged),
body:has(#flagged-only:checked) .pair[data-review],
body:has(#flagged-only:checked) .para:not(:has(.pair.flagged:not([data-review]))){display:none}
body:has(#flagged-only:checked) main:not(:has(.pair.flagged:not([data-review]))) .none-flagged{
display:block}
footer{font-size:12px;color:var(--muted);margin:24px 0 40px}
footer table{border-collapse:collapse;width:100%;margin:6px 0 10px}
footer td,footer th{border-bottom:1px solid var(--line);padding:3px 6px;text-align:left;
vertical-align:top;overflow-wrap:anywhere}
table.index{border-collapse:collapse;width:100%;background:var(--card);font-size:14px}
table.index th,table.index td{border-bottom:1px solid var(--line);padding:8px 10px;
text-align:left;vertical-align:top}
table.index td.num{text-align:right;font-variant-numeric:tabular-nums}
a{color:var(--accent)}
@media (max-width:700px){
.colhead{display:none}
.pair{grid-template-columns:1fr}
.gut{display:flex;gap:10px;align-items:center}.gut meter{display:inline-block;margin:0}
.badges{grid-column:1}
.s{padding:4px 6px}
table.index .abs{display:none}
}
@media print{
body{background:#fff;font-size:10pt}
header.top{background:#fff;color:#000;border-bottom:2px solid #000}
.toolbar,.legend{display:none}
.para,.card{border-color:#999;break-inside:auto}
.pair{break-inside:avoid}
.pair:hover .s,.pair:focus-within .s{background:none}
.flag{background:none!important}
a,header.top a{color:inherit;text-decoration:none}
}
"""

# Word-alignment highlight: only pages with recorded alignments have ``.w`` spans; the pair
# highlight itself is plain CSS (:hover, :focus-within) and needs no script.
SCRIPT = """
"use strict";
(function () {
  function clear() {
    document.querySelectorAll(".w.aw").forEach(function (w) { w.classList.remove("aw"); });
  }
  function show(word) {
    clear();
    var pair = word.closest(".pair");
    if (!pair || !pair.dataset.align) { return; }
    var side = word.closest(".s").classList.contains("ar") ? 0 : 1;
    word.classList.add("aw");
    pair.dataset.align.split(" ").forEach(function (link) {
      var ends = link.split("-");
      if (ends[side] !== word.dataset.i) { return; }
      var other = pair.querySelector((side ? ".ar" : ".en") + " .w[data-i='" +
                                     ends[1 - side] + "']");
      if (other) { other.classList.add("aw"); }
    });
  }
  document.addEventListener("mouseover", function (event) {
    var word = event.target.closest ? event.target.closest(".w") : null;
    if (word) { show(word); } else { clear(); }
  });
})();
"""

SCRIPT += EDIT_SCRIPT
CSS += EDIT_CSS + REVIEW_CSS

SCRIPT_HASH = "sha256-" + base64.b64encode(hashlib.sha256(SCRIPT.encode()).digest()).decode()

CSP_ARTICLE = ("default-src 'none'; style-src 'unsafe-inline'; "
               f"script-src '{SCRIPT_HASH}'; base-uri 'none'; form-action 'none'")
CSP_INDEX = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"
