"""Text on the review pages: HTML-escaped, with every invisible control (C0, C1, bidi
embeddings, overrides and isolates, lone surrogates) shown as a visible mark, never obeyed.

``esc`` does it for the page as written; ``MARKS_SCRIPT`` does the same in the browser for the
edit mode's editable cells (``paint``), where each mark cannot be typed into and reads back as
its character (``read``), so an untouched sentence returns byte-identical."""

from __future__ import annotations

import html
import re

_INVISIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069"
                        "\ufffe\uffff\ud800-\udfff]")
_BIDI_NAMES = {"\u202a": "LRE", "\u202b": "RLE", "\u202c": "PDF", "\u202d": "LRO",
               "\u202e": "RLO", "\u2066": "LRI", "\u2067": "RLI", "\u2068": "FSI",
               "\u2069": "PDI"}


def esc(text: str) -> str:
    """Text for HTML content or a quoted attribute; invisible controls become visible marks."""
    out: list[str] = []
    pos = 0
    for match in _INVISIBLE.finditer(text):
        char = match.group()
        code = f"U+{ord(char):04X}"
        out.append(html.escape(text[pos:match.start()]))
        out.append(f'<span class="ctl" title="invisible control character {code}">'
                   f'{_BIDI_NAMES.get(char, code)}</span>')
        pos = match.end()
    out.append(html.escape(text[pos:]))
    return "".join(out)


#: ``paint(cell, text)`` and ``read(cell)``, the same marks in the browser (JavaScript, pasted
#: into the edit mode's closure: no global).
MARKS_SCRIPT = """
  var NAMES = {0x202a: "LRE", 0x202b: "RLE", 0x202c: "PDF", 0x202d: "LRO", 0x202e: "RLO",
               0x2066: "LRI", 0x2067: "RLI", 0x2068: "FSI", 0x2069: "PDI"};
  function invisible(c) {
    return c <= 0x08 || c === 0x0b || c === 0x0c || (c >= 0x0e && c <= 0x1f) ||
      (c >= 0x7f && c <= 0x9f) || (c >= 0x202a && c <= 0x202e) ||
      (c >= 0x2066 && c <= 0x2069) || c === 0xfffe || c === 0xffff;
  }
  function paint(cell, text) {
    while (cell.firstChild) { cell.removeChild(cell.firstChild); }
    var run = "", i = 0;
    function flush() { if (run) { cell.appendChild(document.createTextNode(run)); run = ""; } }
    for (i = 0; i < text.length; i++) {
      var c = text.charCodeAt(i), n = text.charCodeAt(i + 1);
      if (c >= 0xd800 && c <= 0xdbff && n >= 0xdc00 && n <= 0xdfff) {
        run += text.charAt(i) + text.charAt(i + 1); i++; continue;
      }
      if (!invisible(c) && !(c >= 0xd800 && c <= 0xdfff)) { run += text.charAt(i); continue; }
      flush();
      var code = "U+" + ("000" + c.toString(16).toUpperCase()).slice(-4);
      var mark = document.createElement("span");
      mark.className = "ctl";
      mark.contentEditable = "false";
      mark.setAttribute("data-cp", String(c));
      mark.title = "invisible control character " + code;
      mark.textContent = NAMES[c] || code;
      cell.appendChild(mark);
    }
    flush();
  }
  function read(cell) {
    var out = "";
    function walk(node) {
      var kids = node.childNodes, i;
      for (i = 0; i < kids.length; i++) {
        var n = kids[i];
        if (n.nodeType === 3) { out += n.nodeValue; continue; }
        if (n.nodeType !== 1) { continue; }
        if (n.hasAttribute("data-cp")) { out += String.fromCharCode(+n.getAttribute("data-cp")); }
        else if (n.tagName === "BR") { if (n !== cell.lastChild) { out += "\\n"; } }
        else {
          if (n.tagName === "DIV" && out && out.slice(-1) !== "\\n") { out += "\\n"; }
          walk(n);
        }
      }
    }
    walk(cell);
    return out;
  }
"""
