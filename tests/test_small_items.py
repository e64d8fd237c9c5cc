"""The smaller items of issue 20: no transformers bar with --quiet, no INFO line per article
for a control character removed from generated text, no lock file left by a run that stopped
before its manifest, the right advice when ``models stage`` cannot reach the hub."""

from __future__ import annotations

from typer.testing import CliRunner

from mtjob.cli import app


def test_quiet_shows_no_loading_bar(tmp_path, sample_inbox, tiny_args):
    import transformers

    transformers.logging.enable_progress_bar()  # as in a fresh process
    result = CliRunner().invoke(app, ["run", str(sample_inbox), "--out", str(tmp_path / "o"),
                                      *tiny_args, "--backend", "transformers"])
    assert result.exit_code == 0, result.output
    assert "Loading weights" not in result.output
    assert [line for line in result.output.splitlines() if line.strip()] == \
        [line for line in result.output.splitlines()
         if "INFO mtjob: shard 0/1:" in line or "INFO mtjob: output in " in line]


def test_a_generated_control_character_is_not_an_info_line(caplog):
    import logging

    from mtjob.engines.local import _clean_text

    with caplog.at_level(logging.INFO, logger="mtjob"):
        assert _clean_text("an\x00 abstract", "an abstract") == "an abstract"
    assert not [r for r in caplog.records if r.levelno >= logging.INFO]


def test_a_run_that_stops_before_its_manifest_leaves_no_lock(tmp_path, sample_inbox,
                                                            tiny_args):
    out = tmp_path / "out"
    args = ["run", str(sample_inbox), "--out", str(out), *tiny_args]
    result = CliRunner().invoke(app, [*args, "--mt-model", str(tmp_path / "absent")])
    assert result.exit_code == 2, result.output
    assert not out.exists()  # no folder, so no lock file (nor a run record) left behind
    result = CliRunner().invoke(app, ["verify", str(out)])
    assert "interrupted" not in result.output and "not a folder" in result.output
    assert CliRunner().invoke(app, args).exit_code == 0  # the next run locks as usual
    assert (out / "_mtjob" / "lock-00000-of-00001").exists()  # it wrote a manifest


def test_models_stage_offline_does_not_advise_itself(tmp_path):
    result = CliRunner().invoke(app, ["models", "stage", str(tmp_path / "staged"),
                                      "--mt-model", "Helsinki-NLP/opus-mt-ar-en"])
    assert result.exit_code == 2, result.output
    assert "HF_HUB_OFFLINE is set" in result.output
    assert "`mtjob models stage DIR`" not in result.output and \
        "Pre-stage it" not in result.output
    assert "run it on a machine with internet" in result.output


def test_the_review_page_shows_settings_and_checks_in_words(tmp_path):
    from mtjob.export.html import render_html
    from mtjob.outfolder.readback import read_folder
    from mtjob.testing.output_folder import sentence, write_finished

    write_finished(tmp_path, "a", [[sentence("قال 2016", "He said 2016")]],
                  settings={"alignments": False, "summary": True, "mt_revision": None},
                  checks={"unsupported_numbers": ["2017", "12"], "unsupported_names": [],
                          "flags": ["unsupported_number"]})
    page = render_html(read_folder(tmp_path)[0])
    assert ">fail<" not in page and ">pass<" not in page and ">None<" not in page
    assert "<dt>alignments</dt><dd>off</dd>" in page and "<dt>summary</dt><dd>on</dd>" in page
    assert "<dt>mt_revision</dt><dd>not pinned (latest)</dd>" in page
    assert "<dt>Numbers not in the translation</dt><dd>2017, 12</dd>" in page
    assert "<dt>Names not in the translation</dt><dd>none</dd>" in page
    assert "[&quot;" not in page and "unsupported_numbers" not in page
