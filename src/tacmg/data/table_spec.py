"""The shape of the data contract's specifications: a table, its columns and its keys.

The contents (which tables, which columns, their units and rules) are in `tacmg.data.contract`;
this module only defines the records they are written in.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Column:
    """One column of a table: its type, meaning and the rules every cell must satisfy.

    Parameters
    ----------
    name, title : str
        The CSV header name and a human-readable title.
    type : str
        A Table Schema type: ``"string"``, ``"integer"``, ``"number"`` or ``"boolean"``.
    label : str
        The short noun of error messages ("45 is outside the QMG range 0-39").
    description : str
        What the column means, with its unit and allowed values, in sentences.
    unit : str
        The unit of the values (``""``: none).
    minimum, maximum, exclusive_minimum : float or None
        Inclusive bounds, and a strict lower bound (None: no bound).
    enum : tuple of str
        The only codes allowed (empty: any).
    pattern : str
        A regular expression every cell must match in full (``""``: any).
    required : bool
        Whether every cell must hold a value; if False a cell may be missing, written in one of
        the spellings of `tacmg.data.contract.MISSING_VALUES`.
    censorable : bool
        Whether a cell may read ``<X``: below the detection limit X, in the column's unit.

    Examples
    --------
    >>> from tacmg.data.contract import VISITS_TABLE
    >>> qmg = VISITS_TABLE.columns[2]
    >>> qmg.name, qmg.type, qmg.minimum, qmg.maximum, qmg.required
    ('qmg', 'integer', 0, 39, False)
    """

    name: str
    type: str
    title: str
    label: str
    description: str
    unit: str = ""
    minimum: float | None = None
    maximum: float | None = None
    exclusive_minimum: float | None = None
    enum: tuple[str, ...] = ()
    pattern: str = ""
    required: bool = True
    censorable: bool = False


@dataclass(frozen=True)
class ForeignKey:
    """`columns` of a table refer to `reference_columns` of `reference_table`.

    Parameters
    ----------
    columns : tuple of str
        The referring columns of this table.
    reference_table : str
        The name of the referred table, e.g. ``"patients"``.
    reference_columns : tuple of str
        Its columns whose values must contain every value of `columns`.

    Examples
    --------
    >>> from tacmg.data.contract import VISITS_TABLE
    >>> VISITS_TABLE.foreign_keys[0].reference_table
    'patients'
    """

    columns: tuple[str, ...]
    reference_table: str
    reference_columns: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    """One CSV file of a dataset: its columns (in the order they are written) and its keys.

    Parameters
    ----------
    name, title, description : str
        The table's name (the CSV file's stem), title and meaning.
    columns : tuple of Column
        Its columns, in the order they are written.
    primary_key : tuple of str
        The columns whose values identify a row.
    foreign_keys : tuple of ForeignKey
        Columns that refer to another table.

    Examples
    --------
    >>> from tacmg.data.contract import VISITS_TABLE
    >>> VISITS_TABLE.file, VISITS_TABLE.primary_key
    ('visits.csv', ('patient_id', 'visit'))
    """

    name: str
    title: str
    description: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...] = field(default=())

    @property
    def file(self) -> str:
        """The CSV file name.

        Examples
        --------
        >>> from tacmg.data.contract import PATIENTS_TABLE
        >>> PATIENTS_TABLE.file
        'patients.csv'
        """
        return f"{self.name}.csv"

    @property
    def column_names(self) -> tuple[str, ...]:
        """The names of the table's columns, in order.

        Examples
        --------
        >>> from tacmg.data.contract import CONTROLS_TABLE
        >>> CONTROLS_TABLE.column_names[:3]
        ('control_id', 'sex', 'age_years')
        """
        return tuple(column.name for column in self.columns)
