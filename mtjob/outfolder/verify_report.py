"""What ``verify`` found, and how it is told: in a newcomer's words (no shard or marker
jargon unless the run had several shards), each problem once, long lists of articles summed
up with a count and the first few names (``--all``: every one)."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..inputs.sources import display_name as shown
from ..vocabulary import Status

#: Articles named under a summed-up headline before "and N more".
FIRST_FEW = 5
#: Other problems printed before "and N more problems".
MAX_OTHER = 20

_RERUN = "rerun the same command"
_HEADLINES = {
    Status.PENDING: "{n} article(s) not written yet: the run was stopped before it finished "
                    "(or is still going); " + _RERUN + " to finish it",
    Status.FAILED: "{n} article(s) failed, each with its reason; fix or remove those inputs, "
                   "then " + _RERUN,
    Status.NOT_AN_ARTICLE: "{n} input(s) are not articles (a FIFO, a folder, a broken "
                           "link...); remove them from the inputs",
}


@dataclass
class VerifyReport:
    """What :func:`outfolder.verify.check_folder` found: errors fail ``verify``; warnings
    (stray files) do not, unless ``strict``."""

    #: Every problem: the headline of each group of articles left, one line per such
    #: article, then the other problems (file, shard and input problems), each named.
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: Articles the manifests list, by status word (docs/output.md, "Status words").
    articles: dict[str, int] = field(default_factory=dict, compare=False)
    #: The articles that are not done, by status: one line each (doc id, the reason).
    left: dict[str, dict[str, str]] = field(default_factory=dict, compare=False)
    #: The articles listed as done.
    done: set[str] = field(default_factory=set, compare=False)
    #: The problems of each article's own files (a broken line, a hash that differs...).
    by_article: dict[str, list[str]] = field(default_factory=dict, compare=False)
    #: Whether the folder has manifests to tell what is finished (``export`` of part of it).
    has_manifests: bool = field(default=False, compare=False)

    @property
    def ok(self) -> bool:
        return not self.errors

    def article_error(self, doc_id: str, problem: str) -> None:
        """A problem of one article's files."""
        self.errors.append(problem)
        self.by_article.setdefault(doc_id, []).append(problem)

    def article_left(self, status: str, doc_id: str, reason: str) -> None:
        """An article a manifest lists as not done (pending, failed, not an article)."""
        word = Status.NOT_AN_ARTICLE if status == Status.SKIPPED else Status(status)
        self.left.setdefault(word, {})[doc_id] = reason

    def finish(self, strict: bool) -> None:
        """Headlines and article lines first (``errors[0]`` is what a one-line refusal
        shows); with ``strict``, warnings become errors."""
        self.left = {s: self.left[s] for s in _HEADLINES if s in self.left}
        self.errors[:0] = [line for status in self.left for line in self._group(status)]
        if strict:
            self.errors += self.warnings
            self.warnings = []

    def headline(self, status: str) -> str:
        return _HEADLINES[Status(status)].format(n=len(self.left[status]))

    def _group(self, status: str) -> list[str]:
        return [self.headline(status)] + [f"{status} {shown(d)}: {why}" if why else
                                          f"{status} {shown(d)}"
                                          for d, why in self.left[status].items()]

    def lines(self, everything: bool = False) -> list[str]:
        """The errors to print: every one with ``everything``, else each group of articles
        as its headline and the first few, and at most :data:`MAX_OTHER` other problems."""
        if everything:
            return list(self.errors)
        out = []
        grouped = set()
        for status in self.left:
            group = self._group(status)
            grouped.update(group)
            more = len(group) - 1 - FIRST_FEW
            out += group[:FIRST_FEW + 1]
            if more > 0:
                out.append(f"and {more} more {status} (--all lists every one)")
        return out + _capped([e for e in self.errors if e not in grouped], "problems")

    def warning_lines(self, everything: bool = False) -> list[str]:
        """The warnings to print: every one with ``everything``, else the first
        :data:`MAX_OTHER`."""
        return list(self.warnings) if everything else _capped(self.warnings, "warnings")


def _capped(lines: list[str], what: str) -> list[str]:
    if len(lines) <= MAX_OTHER:
        return lines
    return lines[:MAX_OTHER] + [f"and {len(lines) - MAX_OTHER} more {what} (--all prints "
                                "every one)"]
