"""The review page's edit mode: each English sentence editable in place or confirmed as it is,
the work kept in the browser (``localStorage``) until the reviewer downloads it as one
corrections file (version 2, docs/review.md) for ``mtjob import``. Nothing leaves the
page: the file is made from a ``blob:`` URL and saved by the browser's own download, which the
page's policy does not govern.

Unsaved work is keyed by the article and the Arabic sentence (with its occurrence among
identical sentences of the article), never by the machine output: a rerun with another model
shows it again, marked "made on older output" where the machine English it was made on has
changed, and still downloads it. A correction imported since, newer than the browser's edit,
wins: the older browser edit is dropped and the page says how many were.

Invisible controls (bidi overrides, C0/C1, lone surrogates) are shown in the editable cells as
marks that cannot be typed into, as view mode shows them; the text read back puts each one
back, so an untouched sentence returns byte-identical.

The page carries what a correction must name in a JSON data block (``<script
type="application/json">``: data, never run).
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from ..outfolder.readback import FinishedArticle
from .html_text import MARKS_SCRIPT

EDIT_CSS = """
.editbar{display:flex;flex-wrap:wrap;gap:6px;align-items:center}
.editbar input[type=text]{font:inherit;width:9rem;padding:1px 4px}
.editbar button,.confirm{font:inherit;cursor:pointer}
body:not(.editing) .when-editing{display:none}
.confirm{display:block;margin-top:4px;font-size:11px;padding:0 6px}
.confirm[aria-pressed=true]{background:#ecfdf3;color:#067647;border-color:#067647}
#edit-notes{color:var(--mid)}
.s.en[contenteditable]{background:#f4f8ff;box-shadow:inset 0 0 0 1px var(--line);cursor:text}
.s.en.edited{box-shadow:inset 0 0 0 2px var(--accent)}
.s.en.confirmed{box-shadow:inset 0 0 0 2px #12b76a}
.s.en.older{box-shadow:inset 0 0 0 2px var(--mid)}
.s.en.older::after{content:"made on older output";display:block;font-size:11px;
color:var(--mid)}
"""

_EDIT_HEAD = """
(function () {
  var island = document.getElementById("mtjob-data");
  var box = document.getElementById("edit-mode");
  if (!island || !box) { return; }
  var data = JSON.parse(island.textContent);
  var key = "mtjob-review:" + data.doc_id;
  var memory = {}, store;
  try { store = window.localStorage; store.getItem(key); } catch (e) {
    store = {getItem: function (k) { return memory[k] || null; },
             setItem: function (k, v) { memory[k] = v; },
             removeItem: function (k) { delete memory[k]; }};
  }
"""

_EDIT_BODY = """  function anchor(s) { return s.occ + ":" + s.ar; }
  var uids = {};
  Object.keys(data.sentences).forEach(function (uid) { uids[anchor(data.sentences[uid])] = uid; });
  var items;
  try { items = JSON.parse(store.getItem(key) || "{}") || {}; } catch (e) { items = {}; }
  // Edits of an older page, kept under this very machine output: their ids still hold.
  var legacy = "mtjob-edits:" + data.doc_id + ":" + data.jsonl_sha256, old;
  try { old = JSON.parse(store.getItem(legacy) || "null"); } catch (e) { old = null; }
  if (old) {
    Object.keys(old).forEach(function (uid) {
      var s = data.sentences[uid];
      if (s && !items[anchor(s)]) {
        items[anchor(s)] = {state: "edited", text: old[uid].text, mt_en: s.mt, at: old[uid].at,
                            by: null, uid: uid};
      }
    });
    store.setItem(key, JSON.stringify(items));
    store.removeItem(legacy);
  }
  function time(t) { var v = Date.parse(t || ""); return isNaN(v) ? null : v; }
  function final(s) { return s.pe !== null ? s.pe : s.mt; }
  var superseded = 0;
  Object.keys(items).forEach(function (a) {
    var item = items[a], s = data.sentences[uids[a]];
    // A propagated correction never replaces a sentence's own edit (as import rules).
    if (!s || s.state === "machine" || s.prop) { return; }
    var mine = time(item.at), theirs = time(s.at);
    var same = item.text === final(s) && (item.state === s.state || item.at === s.at);
    if (same || (theirs !== null && (mine === null || theirs >= mine))) {
      if (!same) { superseded++; }
      delete items[a];
    }
  });
  if (superseded) { store.setItem(key, JSON.stringify(items)); }
  var count = document.getElementById("edit-count");
  var notes = document.getElementById("edit-notes");
  var reviewer = document.getElementById("reviewer");
  reviewer.value = store.getItem("mtjob-reviewer") || "";
  function cells() { return document.querySelectorAll(".pair .s.en"); }
  function uidOf(c) { return c.closest(".pair").id; }
  function itemOf(uid) { var s = data.sentences[uid]; return s ? items[anchor(s)] : undefined; }
  function now() { return new Date().toISOString().replace(/\\.\\d+Z$/, "Z"); }
  function mark(c) {
    var uid = uidOf(c), s = data.sentences[uid], item = itemOf(uid);
    c.classList.toggle("edited", !!item && item.state === "edited");
    c.classList.toggle("confirmed", !!item && item.state === "confirmed");
    c.classList.toggle("older", !!item && item.mt_en !== s.mt);
    var button = c.closest(".pair").querySelector(".confirm");
    if (button) {
      var on = (item ? item.state : s.state) === "confirmed";
      button.setAttribute("aria-pressed", on ? "true" : "false");
      button.disabled = !!item && item.state === "edited";
    }
  }
  function tally() {
    var all = Object.keys(items), older = 0, gone = 0;
    all.forEach(function (a) {
      var s = data.sentences[uids[a]];
      if (!s) { gone++; } else if (items[a].mt_en !== s.mt) { older++; }
    });
    count.textContent = String(all.length);
    var said = [];
    if (older) { said.push(older + " made on older output"); }
    if (gone) { said.push(gone + " whose Arabic is no longer in this article"); }
    if (superseded) { said.push(superseded + " replaced by a newer imported correction"); }
    notes.textContent = said.join(" \\u00b7 ");
  }
  function save() { store.setItem(key, JSON.stringify(items)); tally(); }
  function show() {
    cells().forEach(function (c) {
      var item = itemOf(uidOf(c));
      if (item) { paint(c, item.text); }
      else if (box.checked) { paint(c, final(data.sentences[uidOf(c)])); }
      mark(c);
    });
    tally();
  }
  box.addEventListener("change", function () {
    cells().forEach(function (c) {
      if (box.checked) {
        var item = itemOf(uidOf(c));
        paint(c, item ? item.text : final(data.sentences[uidOf(c)]));
        c.setAttribute("contenteditable", "plaintext-only");
      } else { c.removeAttribute("contenteditable"); }
    });
    document.body.classList.toggle("editing", box.checked);
  });
  document.addEventListener("input", function (event) {
    var c = event.target.closest ? event.target.closest(".s.en[contenteditable]") : null;
    if (!c) { return; }
    var uid = uidOf(c), s = data.sentences[uid], text = read(c);
    if (text === final(s)) { delete items[anchor(s)]; } else {
      items[anchor(s)] = {state: "edited", text: text, mt_en: s.mt, at: now(),
                          by: reviewer.value || null, uid: uid};
    }
    save();
    mark(c);
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest(".confirm") : null;
    if (!button) { return; }
    var c = button.closest(".pair").querySelector(".s.en"), uid = uidOf(c), s = data.sentences[uid];
    var item = items[anchor(s)];
    if (item && item.state === "confirmed") { delete items[anchor(s)]; }
    else if (!item) {
      items[anchor(s)] = {state: "confirmed", text: final(s), mt_en: s.mt, at: now(),
                          by: reviewer.value || null, uid: uid};
    }
    save();
    paint(c, items[anchor(s)] ? items[anchor(s)].text : final(s));
    mark(c);
  });
  reviewer.addEventListener("input", function () {
    store.setItem("mtjob-reviewer", reviewer.value);
  });
  document.getElementById("edit-download").addEventListener("click", function () {
    var out = {format: "mtjob-corrections", version: 2, reviewer: reviewer.value || null,
               doc_id: data.doc_id, corrections: []};
    Object.keys(items).forEach(function (a) {
      var item = items[a], uid = uids[a] || item.uid, s = data.sentences[uids[a]];
      var m = /^p(\\d+)-s(\\d+)$/.exec(uid || "");
      if (!m) { return; }
      out.corrections.push({doc_id: data.doc_id, para_id: +m[1], sent_id: +m[2],
                            ar: s ? s.ar : a.slice(a.indexOf(":") + 1), mt_en: item.mt_en,
                            post_edit: item.text, state: item.state,
                            edited_by: item.by || reviewer.value || null, edited_at: item.at});
    });
    out.corrections.sort(function (x, y) {
      return x.para_id - y.para_id || x.sent_id - y.sent_id;
    });
    var blob = new Blob([JSON.stringify(out, null, 1)], {type: "application/json"});
    var link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = data.doc_id + ".corrections.json";
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(function () { URL.revokeObjectURL(link.href); }, 10000);
  });
  document.getElementById("edit-discard").addEventListener("click", function () {
    items = {};
    superseded = 0;
    save();
    cells().forEach(function (c) { paint(c, final(data.sentences[uidOf(c)])); mark(c); });
  });
  show();
})();
"""

#: The edit mode's script: reads the data block, keeps and downloads the work (one closure).
EDIT_SCRIPT = _EDIT_HEAD + MARKS_SCRIPT + _EDIT_BODY


def data_island(article: FinishedArticle) -> str:
    """The JSON block the edit script reads: ASCII, ``<`` escaped so no text can close it.
    Per sentence: the Arabic and its occurrence among identical sentences of the article
    (the anchor of unsaved work), the machine English, any imported post-edit, the review
    state and the who and when of the correction that applies (``prop`` when it was only
    propagated: an own browser edit outlives it, as an own correction does in the store)."""
    seen: Counter[str] = Counter()
    sentences: dict[str, dict[str, Any]] = {}
    for p, s in article.sentences():
        sentences[p.unit_id(s)] = {"ar": s.ar, "occ": seen[s.ar], "mt": s.en,
                                   "pe": s.post_edit, "state": str(s.state),
                                   "by": s.edited_by, "at": s.edited_at}
        if s.propagated:  # copied from the same Arabic elsewhere: no look at this one
            sentences[p.unit_id(s)]["prop"] = True
        seen[s.ar] += 1
    data = {"doc_id": article.doc_id, "jsonl_sha256": article.machine_sha256,
            "sentences": sentences}
    text = json.dumps(data).replace("<", "\\u003c")  # ASCII: no control shows raw
    return f'<script type="application/json" id="mtjob-data">{text}</script>\n'


EDIT_CONTROLS = (
    '<span class="editbar"><label><input type="checkbox" id="edit-mode"> Edit English</label>'
    '<input type="text" id="reviewer" class="when-editing" placeholder="your name" '
    'aria-label="reviewer name"><button type="button" id="edit-download">Download corrections '
    '(<span id="edit-count">0</span>)</button><button type="button" id="edit-discard" '
    'class="when-editing">Discard edits</button><span id="edit-notes" role="status"></span>'
    '</span>')

#: Each sentence's button to accept its English as it is (edit mode only).
CONFIRM_BUTTON = ('<button type="button" class="confirm when-editing" aria-pressed="false" '
                  'title="accept this English as it is">confirm</button>')
