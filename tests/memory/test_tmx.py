"""``mtjob memory export`` (issue 29, item 7): the export never writes over its own memory, nor
over a file that is not an earlier TMX export of a memory (unless ``--force``)."""

from __future__ import annotations

import hashlib
import os
import xml.etree.ElementTree as ET

from .test_database import corrected_folder, invoke


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_default_target_of_a_memory_named_tmx_is_the_memory_itself(tmp_path):
    mem = tmp_path / "team.tmx"  # a memory named as its export would be
    assert invoke("memory", "add", mem, corrected_folder(tmp_path / "out", 3)).exit_code == 0
    before = digest(mem)
    result = invoke("memory", "export", mem)
    assert result.exit_code == 2, result.output
    assert "memory" in result.output and "itself" in result.output
    assert digest(mem) == before
    assert invoke("memory", "stats", mem).exit_code == 0


def test_to_the_memory_by_any_name_is_refused(tmp_path):
    mem = tmp_path / "mem.sqlite"
    assert invoke("memory", "add", mem, corrected_folder(tmp_path / "out", 3)).exit_code == 0
    before = digest(mem)
    (tmp_path / "link.tmx").symlink_to(mem)
    os.link(mem, tmp_path / "hard.tmx")
    for to in (mem, tmp_path / "link.tmx", tmp_path / "hard.tmx",
               tmp_path / "sub" / ".." / "mem.sqlite"):
        (tmp_path / "sub").mkdir(exist_ok=True)
        for force in ([], ["--force"]):
            result = invoke("memory", "export", mem, "--to", to, *force)
            assert result.exit_code == 2, (to, result.output)
            assert digest(mem) == before


def test_only_an_earlier_export_is_replaced_without_force(tmp_path):
    mem = tmp_path / "mem.sqlite"
    out = corrected_folder(tmp_path / "out", 3)
    assert invoke("memory", "add", mem, out).exit_code == 0
    target = tmp_path / "team.tmx"
    assert invoke("memory", "export", mem, "--to", target).exit_code == 0
    assert invoke("memory", "add", mem, corrected_folder(tmp_path / "more", 5)).exit_code == 0
    assert invoke("memory", "export", mem, "--to", target).exit_code == 0  # its own: replaced
    assert len(list(ET.parse(target).getroot().iter("tu"))) == 5
    article = out / "a.jsonl"  # a file of an output folder, given by mistake
    before = digest(article)
    result = invoke("memory", "export", mem, "--to", article)
    assert result.exit_code == 2 and "--force" in result.output
    assert digest(article) == before
    other = tmp_path / "vendor.tmx"  # another tool's TMX: not ours to replace
    other.write_text('<?xml version="1.0"?>\n<tmx version="1.4"><header creationtool="OmegaT"/>'
                     "<body/></tmx>\n", encoding="utf-8")
    assert invoke("memory", "export", mem, "--to", other).exit_code == 2
    assert "OmegaT" in other.read_text(encoding="utf-8")
    assert invoke("memory", "export", mem, "--to", other, "--force").exit_code == 0
    assert len(list(ET.parse(other).getroot().iter("tu"))) == 5
    fifo = tmp_path / "pipe.tmx"
    os.mkfifo(fifo)
    assert invoke("memory", "export", mem, "--to", fifo).exit_code == 2  # never blocks
