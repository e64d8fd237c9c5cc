"""Translation backends behind one small interface (see :mod:`mtjob.translate.base`)."""

from .base import GenOptions, Hypothesis, Translator, make_translator

__all__ = ["GenOptions", "Hypothesis", "Translator", "make_translator"]
