"""Read and check a dataset: a folder of patients.csv, visits.csv and controls.csv, or one .xlsx
workbook with the sheets patients, visits and controls.

`validate` lists every problem, one line each; `check` adds the warnings (plausibility, a
datapackage.json that disagrees with its files) and notes (how a file was read); `load` returns a
`Dataset` or raises `DataError` with the first problem. Every message names the file, the physical
line (header = line 1) or sheet row, and the column, e.g. ``visits.csv, line 3, column qmg: 45 is
outside the QMG range 0-39``. The rules come from `tacmg.data.contract.TABLES` (which also renders
`datapackage.json`) and `tacmg.data.privacy`; `tacmg.data.rules` lists them all. Written by hand
rather than with pandas or a schema validator: cells are read as text and converted only once every
check has passed, so nothing silently becomes NaN, and a message can say what to fix. The reading
and the checks are in `tacmg.data.sources` and `tacmg.data.csv_checks`; which file of a folder is
read, and what every other file is, in `tacmg.data.folder`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from tacmg.data.column_rules import column_values
from tacmg.data.contract import TABLES, VISITS
from tacmg.data.csv_checks import censored_counts, detection_limits, inspect, no_garbage_collection
from tacmg.data.folder import workbook_path
from tacmg.data.plausibility import plausibility_warnings
from tacmg.data.sources import Problem, RawTable, read_bytes
from tacmg.data.summary import summary_line

DATAPACKAGE_FILE = "datapackage.json"


class DataError(ValueError):
    """A dataset problem, as one line: ``<file>, line <N>, column <col>: <problem>``.

    Parameters
    ----------
    message : str
        The whole line, location included.
    file : str or None
        The file, e.g. ``"visits.csv"``; kept as an attribute, like `line` and `column`.
    line : int or None
        The physical line (the header is line 1); None for a problem of a whole file.
    column : str or None
        The column as `tacmg.data.cell_rules.column_ref` names it; None if not applicable.

    Examples
    --------
    >>> error = DataError("visits.csv, line 3, column qmg: 45 is outside the QMG range 0-39", "visits.csv", 3, "qmg")
    >>> error.line, error.column
    (3, 'qmg')
    >>> try:
    ...     load("no-such-folder")
    ... except DataError as error:
    ...     print(error)
    no-such-folder: directory is missing
    """

    def __init__(
        self, message: str, file: str | None = None, line: int | None = None, column: str | None = None
    ) -> None:
        super().__init__(message)
        self.file, self.line, self.column = file, line, column

    def _render_traceback_(self) -> list[str]:
        """Return the lines IPython shows instead of a traceback: just the message."""
        return [f"DataError: {self}"]


@dataclass(frozen=True, eq=False)  # eq=False: comparing DataFrames with == is ambiguous
class Dataset:
    """A checked dataset: its three tables and where they came from.

    Parameters
    ----------
    patients, visits, controls : pandas.DataFrame
        The CSV files' rows, columns and units as in `tacmg.data.contract.TABLES`, each contract
        column in its dtype (int64, float64, bool or str); extra columns are kept as str.
    directory : pathlib.Path
        The folder read.
    checksum : str
        `data_checksum` of the folder.
    provenance : dict or None
        The ``provenance`` object of datapackage.json; None without datapackage.json.
    verified : bool
        Whether datapackage.json records the hash of every data file and each matches (so that
        its provenance describes these very files).
    detection_limits : dict of str to float
        Each molecule's detection limit X (pg/mL) where a cell reads ``<X``; such a cell holds
        `tacmg.data.cell_rules.censored_value` of X, and every measured value is at or above X, so
        a value below the limit is exactly a censored one (`censored`).

    Examples
    --------
    >>> from tacmg.data.paths import RECONSTRUCTED_DIR
    >>> dataset = load(RECONSTRUCTED_DIR)
    >>> dataset.patients.shape, dataset.visits.shape, dataset.controls.shape
    ((32, 8), (64, 15), (30, 11))
    """

    patients: pd.DataFrame
    visits: pd.DataFrame
    controls: pd.DataFrame
    directory: Path
    checksum: str
    provenance: dict[str, Any] | None = None
    verified: bool = False
    detection_limits: dict[str, float] = field(default_factory=dict)
    # paired() reshapes visits.csv once per column: an ensemble of cohorts asks thousands of times.
    _paired: dict[str, pd.DataFrame] = field(default_factory=dict, init=False, repr=False, compare=False)

    def paired(self, column: str) -> pd.DataFrame:
        """One value column of visits.csv in wide form, a row per patient.

        Parameters
        ----------
        column : str
            A value column of visits.csv, e.g. ``"qmg"``.

        Returns
        -------
        pandas.DataFrame
            Index ``patient_id`` (every patient of patients.csv, sorted); columns ``baseline`` and
            ``month_12``: the values at each visit, in the column's unit, NaN where the value is
            missing or the patient has no month-12 row.

        Raises
        ------
        KeyError
            If visits.csv has no such value column.

        Examples
        --------
        >>> from tacmg.data.paths import RECONSTRUCTED_DIR
        >>> load(RECONSTRUCTED_DIR).paired("qmg").shape
        (32, 2)
        """
        if column not in self.visits.columns or column in ("patient_id", "visit"):
            raise KeyError(f"visits.csv has no value column {column!r}")
        if column not in self._paired:
            wide = self.visits.pivot(index="patient_id", columns="visit", values=column)
            patients = sorted(self.patients["patient_id"])
            wide = wide.reindex(index=patients, columns=list(VISITS)).astype(float)
            self._paired[column] = wide.rename_axis(index="patient_id", columns=None)
        return self._paired[column].copy()

    def censored(self, column: str, values: Any) -> Any:
        """Where `values` of `column` stand for a value below the detection limit.

        Parameters
        ----------
        column : str
            A molecule column, e.g. ``"scd40l"`` (any other column has no censored value).
        values : array_like
            Values of that column, as this dataset holds them (a numpy array or a pandas Series or
            DataFrame).

        Returns
        -------
        numpy.ndarray or pandas.Series or pandas.DataFrame
            Booleans of the same shape and kind: True where the value is below the column's limit.

        Examples
        --------
        >>> from tacmg.data.paths import RECONSTRUCTED_DIR
        >>> bool(load(RECONSTRUCTED_DIR).censored("scd40l", [0.1, 20.0]).any())
        False
        """
        limit = self.detection_limits.get(column, -np.inf)
        if isinstance(values, pd.Series | pd.DataFrame):
            return values < limit
        return np.asarray(values, float) < limit


def _error(problem: Problem) -> DataError:
    """Return a problem as a DataError."""
    return DataError(str(problem), problem.file, problem.line, problem.column)


def validate(directory: str | Path) -> list[str]:
    """Every problem of the dataset in `directory`, one line each; [] means valid.

    Parameters
    ----------
    directory : str or pathlib.Path
        The folder of patients.csv, visits.csv, controls.csv and optionally datapackage.json,
        or of one .xlsx workbook (or the workbook itself).

    Returns
    -------
    list of str
        One message per problem, as for `DataError`, in file order.

    Examples
    --------
    >>> validate("no-such-folder")
    ['no-such-folder: directory is missing']
    """
    with no_garbage_collection():
        return [str(problem) for problem in inspect(Path(directory)).problems]


@dataclass(frozen=True)
class ValidationReport:
    """What `check` found: problems make a dataset invalid; warnings and notes do not.

    Parameters
    ----------
    problems : list of str
        As `validate` returns them.
    warnings : list of str
        Plausibility warnings (`tacmg.data.plausibility`), checked only on a valid dataset, and
        a datapackage.json that disagrees with its files.
    notes : list of str
        How a file was read (e.g. semicolon-separated with decimal commas).
    summary : str
        For a valid dataset, what it holds (`tacmg.data.summary.summary_line`); else empty.

    Examples
    --------
    >>> check("no-such-folder").valid
    False
    """

    problems: list[str]
    warnings: list[str]
    notes: list[str]
    summary: str = ""

    @property
    def valid(self) -> bool:
        """Whether there is no problem.

        Examples
        --------
        >>> ValidationReport([], ["a warning"], []).valid
        True
        """
        return not self.problems


def check(directory: str | Path) -> ValidationReport:
    """Problems, warnings and notes of the dataset in `directory`.

    Parameters
    ----------
    directory : str or pathlib.Path
        As for `validate`.

    Returns
    -------
    ValidationReport
        Every finding, one line each, as for `DataError`.

    Examples
    --------
    >>> from tacmg.data.paths import RECONSTRUCTED_DIR
    >>> report = check(RECONSTRUCTED_DIR)
    >>> report.problems, report.warnings
    ([], [])
    """
    with no_garbage_collection():
        inspection = inspect(Path(directory))
        warnings = list(inspection.warnings)
        summary = ""
        if not inspection.problems:
            patients, visits, controls = (_to_frame(inspection.raws[name]) for name in TABLES)
            warnings += plausibility_warnings(patients, visits, controls, inspection.raws)
            raws = inspection.raws
            summary = summary_line(patients, visits, controls, detection_limits(raws), censored_counts(raws))
        problems, notes = inspection.problems, inspection.notes
        del inspection
    return ValidationReport([str(p) for p in problems], [str(w) for w in warnings], [str(n) for n in notes], summary)


def _to_frame(raw: RawTable) -> pd.DataFrame:
    """Return the table with contract columns converted to their dtype; extras stay str."""
    _, cells = raw.well_formed()
    contract = {column.name: column for column in raw.table.columns}
    data = {
        name: pd.array(cells[name], dtype="str")
        if name not in contract
        else raw.converted[name]
        if name in raw.converted
        else column_values(contract[name], cells[name])
        for name in cells
    }
    frame = pd.DataFrame(data, columns=list(cells))
    return frame.astype({name: "str" for name, column in contract.items() if column.type == "string"})


def _checksum(data: list[tuple[str, bytes]]) -> str:
    # Each file is framed by its name and length so that moving bytes from one file to the
    # next changes the checksum.
    digest = hashlib.sha256()
    for file, content in data:
        digest.update(f"{file}\n{len(content)}\n".encode())
        digest.update(content)
    return digest.hexdigest()


def data_checksum(directory: str | Path) -> str:
    """The sha256 (hex) of patients.csv, visits.csv and controls.csv, in that order (or of the workbook).

    Parameters
    ----------
    directory : str or pathlib.Path
        The dataset's folder (or workbook); each file's bytes are hashed after its name and length.

    Returns
    -------
    str
        64 hexadecimal digits; the same as `Dataset.checksum`.

    Raises
    ------
    DataError
        If a file is missing or unreadable.

    Examples
    --------
    >>> from tacmg.data.paths import RECONSTRUCTED_DIR
    >>> data_checksum(RECONSTRUCTED_DIR) == load(RECONSTRUCTED_DIR).checksum
    True
    """
    book = workbook_path(Path(directory))
    files = [(book, book.name)] if book else [(Path(directory) / t.file, t.file) for t in TABLES.values()]
    contents = []
    for path, file in files:
        data, problems = read_bytes(path, file)
        if data is None:
            raise _error(problems[0])
        contents.append((file, data))
    return _checksum(contents)


def load(directory: str | Path) -> Dataset:
    """The checked dataset in `directory`.

    Parameters
    ----------
    directory : str or pathlib.Path
        The folder of patients.csv, visits.csv, controls.csv and optionally datapackage.json.

    Returns
    -------
    Dataset
        The three tables, converted to their contract dtypes.

    Raises
    ------
    DataError
        With the first problem `validate` would list.

    Examples
    --------
    >>> from tacmg.data.paths import RECONSTRUCTED_DIR
    >>> load(RECONSTRUCTED_DIR).visits.columns[:4].tolist()
    ['patient_id', 'visit', 'qmg', 'mmt']
    """
    with no_garbage_collection():
        return _load(Path(directory))


def _load(directory: Path) -> Dataset:
    inspection = inspect(directory)
    if inspection.problems:
        raise _error(inspection.problems[0])
    raws = inspection.raws
    book = inspection.workbook
    files = [(book.name, raws["patients"].data)] if book else [(raw.table.file, raw.data) for raw in raws.values()]
    return Dataset(
        patients=_to_frame(raws["patients"]),
        visits=_to_frame(raws["visits"]),
        controls=_to_frame(raws["controls"]),
        directory=directory,
        checksum=_checksum(files),
        provenance=inspection.provenance,
        verified=inspection.verified,
        detection_limits=detection_limits(raws),
    )
