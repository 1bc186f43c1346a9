"""One call that opens a chapter: its data, the claims registry, its prose values, offline charts.

Every chapter began with the same six setup lines; this is them, once, so that a chapter's hidden
cells are this call and display plumbing only, and its visible cells are the analysis.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tacmg.claims.registry import Registry, load_claims
from tacmg.data.loader import Dataset
from tacmg.presentation import chart_display, glue, intervals, report


@dataclass
class Chapter:
    """What a chapter works with.

    Parameters
    ----------
    name : str
        The chapter's file stem, e.g. ``"02-clinical-scores"``.
    dataset : Dataset
        The data it shows: the reconstruction, or a reader's own (``DATA_DIR`` or ``$MG_DATA_DIR``).
    registry : Registry
        The published claims.
    v : glue.ProseValues
        The values its prose quotes (``{eval}`v.<prefix>_<name>```).
    """

    name: str
    dataset: Dataset
    registry: Registry
    v: glue.ProseValues

    @property
    def reconstructed(self) -> bool:
        """Whether the data shown are the reconstruction (never a reader's own data)."""
        return report.is_reconstructed(self.dataset)

    def banner(self) -> report.Banner:
        """The banner saying whose data the page shows."""
        return report.Banner(self.dataset)

    def intervals(self, **parameters: Any) -> intervals.SectionIntervals:
        """The reconstruction intervals of this chapter's numbers (`intervals.for_chapter`)."""
        return intervals.for_chapter(self.name, self.dataset, **parameters)


def open_chapter(name: str, data_dir: str | Path | None = None, glue_values: bool = True) -> Chapter:
    """Load the chapter's data and registry, start its prose values, enable offline charts.

    Parameters
    ----------
    name : str
        The chapter's file stem.
    data_dir : str or pathlib.Path, optional
        A dataset following the data contract (a folder or an ``.xlsx`` workbook); None keeps
        ``$MG_DATA_DIR`` or, without it, the committed reconstruction.
    glue_values : bool
        Glue the prose values for the book (false outside a kernel, e.g. in tests).

    Returns
    -------
    Chapter

    Examples
    --------
    >>> ch = open_chapter("01-cohort", glue_values=False)
    >>> ch.reconstructed, len(ch.dataset.patients)
    (True, 32)
    """
    if data_dir:
        os.environ[report.DATA_DIR_VARIABLE] = str(data_dir)
    chapter = Chapter(name, report.load_chapter_data(), load_claims(), glue.ProseValues(glue=glue_values))
    chart_display.enable()  # the book's HTML charts, or JupyterLab's own Vega-Lite renderer
    return chapter
