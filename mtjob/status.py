"""The status words of an article: one set, used by the log, the summary line, the manifest,
the run record, the metrics, ``verify`` and ``export`` (README, Status words)."""

from __future__ import annotations

DONE = "done"  #: translated and written by this run
UNCHANGED = "unchanged"  #: finished by an earlier run with the same source, settings, models
FAILED = "failed"  #: could not be done (unreadable, not text, a model error...); named why
NOT_AN_ARTICLE = "not_an_article"  #: not a regular file (FIFO, device, folder...): never opened
PENDING = "pending"  #: manifest only: not reached yet (the run is going, or was stopped)

#: What a run did with each input: the summary line, run record and metrics count these.
OUTCOMES = (DONE, UNCHANGED, FAILED, NOT_AN_ARTICLE)
#: What a manifest says of each article: the state of the folder, so an article unchanged by
#: this run is ``done`` there. ``skipped``: older mtjob's word for ``not_an_article``, still read.
MANIFEST = (DONE, FAILED, NOT_AN_ARTICLE, PENDING, "skipped")
