"""Every member against every key figure of every installed section, in one table."""

from dataclasses import dataclass, field
from statistics import median

from django.utils.translation import get_language

from network.progress import Figure, Period, explanation, sections_key
from network.templatetags.portal import num


def format_figure(value, unit: str = "") -> str:
    """12 → "12"; 42.25 with "%" → "42,3 %"; None → "–" (whole numbers without decimals)."""
    if value is None or value == "":
        return "–"
    places = 0 if float(value).is_integer() else 1
    text = num(value, places)
    return f"{text}\u00a0{unit}" if unit else text


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    unit: str
    section_key: str
    section_title: str
    higher_is_better: bool = True
    explanation: str = ""  # how the figure is computed (ProgressSection.explanations)
    has_rows: bool = False  # the section lists the rows behind it (figure_rows)


@dataclass
class Row:
    membership: object
    values: dict[str, float | None] = field(default_factory=dict)

    def cells(self, columns):
        return [(column, self.values.get(column.key)) for column in columns]


@dataclass
class FigureTable:
    columns: list[Column]
    rows: list[Row]

    def values(self, key: str) -> list[float]:
        return [row.values[key] for row in self.rows if row.values.get(key) is not None]

    def median(self, key: str) -> float | None:
        values = self.values(key)
        return median(values) if values else None

    def maximum(self, key: str) -> float | None:
        values = self.values(key)
        return max(values) if values else None

    @classmethod
    def of(cls, columns, values, memberships) -> "FigureTable":
        """The table again from what `kept_figures` keeps."""
        return cls(columns, [Row(m, dict(values.get(m.pk, {}))) for m in memberships])

    def row_for(self, membership_id: int) -> Row | None:
        return next((row for row in self.rows if row.membership.pk == membership_id), None)

    def columns_of(self, section_key: str) -> list[Column]:
        return [column for column in self.columns if column.section_key == section_key]

    def groups(self) -> list[tuple[str, str, list[Column]]]:
        """(section key, section title, columns) in column order: the column groups of the
        dashboard's table."""
        groups: list[tuple[str, str, list[Column]]] = []
        for column in self.columns:
            if groups and groups[-1][0] == column.section_key:
                groups[-1][2].append(column)
            else:
                groups.append((column.section_key, column.section_title, [column]))
        return groups

    def sorted(self, key: str, descending: bool) -> "FigureTable":
        """Rows sorted by a figure (members without a value last) or by name."""
        if key == "name" or key not in {column.key for column in self.columns}:
            rows = sorted(self.rows, key=lambda row: row.membership.municipality.name.lower())
            if descending:
                rows.reverse()
            return FigureTable(self.columns, rows)
        with_value = [row for row in self.rows if row.values.get(key) is not None]
        without = [row for row in self.rows if row.values.get(key) is None]
        with_value.sort(
            key=lambda row: (row.values[key], row.membership.municipality.name.lower()),
            reverse=descending,
        )
        return FigureTable(self.columns, with_value + without)


def figure_table(memberships, period: Period, sections) -> FigureTable:
    """Ask each section once for all memberships (its fixed number of queries)."""
    memberships = list(memberships)
    columns: list[Column] = []
    seen = set()
    rows = {m.pk: Row(m) for m in memberships}
    for section in sections:
        by_member: dict[int, list[Figure]] = section.figures(memberships, period)
        for membership_id, figures in by_member.items():
            row = rows.get(membership_id)
            for figure in figures:
                if figure.key not in seen:
                    seen.add(figure.key)
                    columns.append(
                        Column(
                            figure.key,
                            str(figure.label),
                            figure.unit,
                            section.key,
                            str(section.title),
                            figure.higher_is_better,
                            explanation(section, figure.key),
                            hasattr(section, "figure_rows"),
                        )
                    )
                if row is not None:
                    row.values[figure.key] = figure.value
    return FigureTable(columns, [rows[m.pk] for m in memberships])


def kept_figures(kept, memberships, period: Period, sections):
    """Columns and values of `figure_table` ({membership id: {key: value}}), computed once
    per change of the network's data (`kept` is its freshness.NetworkCache) instead of on
    every visit of a dashboard. `memberships` is a callable, called only to compute."""

    def compute():
        table = figure_table(memberships(), period, sections)
        return table.columns, {row.membership.pk: row.values for row in table.rows}

    return kept.get(
        "figure-table",
        compute,
        period.start,
        period.end,
        get_language(),  # column labels are translated
        sections_key(sections),
    )


def snapshot(table: FigureTable) -> dict:
    """JSON form stored on a done report, compared with by the next one."""
    return {
        "labels": {c.key: [c.label, c.unit] for c in table.columns},
        "members": {
            str(row.membership.pk): {k: v for k, v in row.values.items()} for row in table.rows
        },
    }
