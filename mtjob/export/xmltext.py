"""Text that XML 1.0 can hold: the exporters' one guard against a broken file.

ElementTree escapes ``<``, ``&``, ``]]>`` and quotes, but writes forbidden characters (C0
controls, U+FFFE/U+FFFF, lone surrogates) as they are, and every XML parser then rejects the
whole file. They carry no meaning in an article, so they are dropped and counted.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

# XML 1.0 Char: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]
_FORBIDDEN = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


class XmlText:
    """Cleans strings for XML and counts what it dropped (one per export file)."""

    def __init__(self) -> None:
        self.dropped = 0

    def __call__(self, text: str) -> str:
        cleaned, count = _FORBIDDEN.subn("", text)
        self.dropped += count
        return cleaned


def xml_document(root: ET.Element) -> str:
    """The serialized document with its declaration; two-space indentation for diffs."""
    ET.indent(root, space="  ")
    body = ET.tostring(root, encoding="unicode")
    # A raw CR in text reaches a reader as LF (XML end-of-line handling); as a reference it
    # survives. Attributes are escaped by ElementTree already, so any raw CR here is text.
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body.replace("\r", "&#13;") + "\n"
