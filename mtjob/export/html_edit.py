"""The review page's edit mode: each English sentence editable in place, the edits kept in the
browser (``localStorage``, per article and machine output) until the reviewer downloads them as
one corrections file for ``mtjob import``. Nothing leaves the page: the file is made from a
``blob:`` URL and saved by the browser's own download, which the page's policy does not govern.

The page carries what a correction must name in a JSON data block (``<script
type="application/json">``: data, never run): the machine output's hash, and per sentence the
Arabic, the machine English and any post-edit already imported.
"""

from __future__ import annotations

import json

from ..outfolder.readback import FinishedArticle

EDIT_CSS = """
.editbar{display:flex;flex-wrap:wrap;gap:6px;align-items:center}
.editbar input[type=text]{font:inherit;width:9rem;padding:1px 4px}
.editbar button{font:inherit;cursor:pointer}
body:not(.editing) .editbar .when-editing{display:none}
.s.en[contenteditable]{background:#f4f8ff;box-shadow:inset 0 0 0 1px var(--line);cursor:text}
.s.en.edited{box-shadow:inset 0 0 0 2px var(--accent)}
"""

EDIT_SCRIPT = """
(function () {
  var island = document.getElementById("mtjob-data");
  var box = document.getElementById("edit-mode");
  if (!island || !box) { return; }
  var data = JSON.parse(island.textContent);
  var key = "mtjob-edits:" + data.doc_id + ":" + data.jsonl_sha256;
  var memory = {}, store;
  try { store = window.localStorage; store.getItem(key); } catch (e) {
    store = {getItem: function (k) { return memory[k] || null; },
             setItem: function (k, v) { memory[k] = v; },
             removeItem: function (k) { delete memory[k]; }};
  }
  var edits;
  try { edits = JSON.parse(store.getItem(key) || "{}"); } catch (e) { edits = {}; }
  var count = document.getElementById("edit-count");
  var reviewer = document.getElementById("reviewer");
  reviewer.value = store.getItem("mtjob-reviewer") || "";
  function current(uid) { var s = data.sentences[uid]; return s[2] !== null ? s[2] : s[1]; }
  function cells() { return document.querySelectorAll(".pair .s.en"); }
  function show() {
    cells().forEach(function (c) {
      var edit = edits[c.closest(".pair").id];
      if (edit) { c.textContent = edit.text; }
      c.classList.toggle("edited", !!edit);
    });
    count.textContent = String(Object.keys(edits).length);
  }
  function save() { store.setItem(key, JSON.stringify(edits)); show(); }
  box.addEventListener("change", function () {
    cells().forEach(function (c) {
      var uid = c.closest(".pair").id;
      if (box.checked) {
        if (!edits[uid]) { c.textContent = current(uid); }
        c.setAttribute("contenteditable", "plaintext-only");
      } else { c.removeAttribute("contenteditable"); }
    });
    document.body.classList.toggle("editing", box.checked);
  });
  document.addEventListener("input", function (event) {
    var c = event.target.closest ? event.target.closest(".s.en[contenteditable]") : null;
    if (!c) { return; }
    var uid = c.closest(".pair").id, text = c.innerText.replace(/\\n$/, "");
    if (text === current(uid)) { delete edits[uid]; } else {
      edits[uid] = {text: text, at: new Date().toISOString().replace(/\\.\\d+Z$/, "Z")};
    }
    store.setItem(key, JSON.stringify(edits));
    c.classList.toggle("edited", !!edits[uid]);
    count.textContent = String(Object.keys(edits).length);
  });
  reviewer.addEventListener("input", function () {
    store.setItem("mtjob-reviewer", reviewer.value);
  });
  document.getElementById("edit-download").addEventListener("click", function () {
    var out = {format: "mtjob-corrections", version: 1, reviewer: reviewer.value || null,
               doc_id: data.doc_id, jsonl_sha256: data.jsonl_sha256, corrections: []};
    Object.keys(edits).sort().forEach(function (uid) {
      var s = data.sentences[uid], m = /^p(\\d+)-s(\\d+)$/.exec(uid);
      out.corrections.push({doc_id: data.doc_id, para_id: +m[1], sent_id: +m[2], ar: s[0],
                            mt_en: s[1], post_edit: edits[uid].text,
                            edited_at: edits[uid].at});
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
    edits = {};
    save();
    cells().forEach(function (c) { c.textContent = current(c.closest(".pair").id); });
  });
  show();
})();
"""


def data_island(article: FinishedArticle) -> str:
    """The JSON block the edit script reads: ASCII, ``<`` escaped so no text can close it."""
    data = {"doc_id": article.doc_id, "jsonl_sha256": article.machine_sha256,
            "sentences": {p.unit_id(s): [s.ar, s.en, s.post_edit]
                          for p, s in article.sentences()}}
    text = json.dumps(data).replace("<", "\\u003c")  # ASCII: no control shows raw
    return f'<script type="application/json" id="mtjob-data">{text}</script>\n'


EDIT_CONTROLS = (
    '<span class="editbar"><label><input type="checkbox" id="edit-mode"> Edit English</label>'
    '<input type="text" id="reviewer" class="when-editing" placeholder="your name" '
    'aria-label="reviewer name"><button type="button" id="edit-download">Download corrections '
    '(<span id="edit-count">0</span>)</button><button type="button" id="edit-discard" '
    'class="when-editing">Discard edits</button></span>')
