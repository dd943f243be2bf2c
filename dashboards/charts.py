"""Charts as server-rendered SVG (templates/dashboards/_chart.html): no script, readable when printed, every bar a
link to the list behind it."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Segment:
    value: int
    colour: str  # a class of static/css/portal.css: chart-red, chart-amber, chart-green, chart-grey
    url: str
    title: str


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    segment: Segment


@dataclass(frozen=True)
class Label:
    x: float
    y: float
    text: str
    anchor: str = "start"


@dataclass(frozen=True)
class Chart:
    title: str
    width: int
    height: int
    bars: list[Bar]
    labels: list[Label]


def horizontal(title: str, rows: list[tuple[str, list[Segment]]], *, width=540, label_width=110) -> Chart:
    """One stacked bar per row (e.g. per agency), scaled to the largest row; the total after each bar."""
    row_height, gap, top = 24, 8, 4
    largest = max((sum(segment.value for segment in segments) for _, segments in rows), default=0) or 1
    span = width - label_width - 50
    bars, labels = [], []
    for number, (label, segments) in enumerate(rows):
        y = top + number * (row_height + gap)
        labels.append(Label(label_width - 8, y + row_height * 0.7, label, "end"))
        x = label_width
        for segment in segments:
            if segment.value:
                length = span * segment.value / largest
                bars.append(Bar(x, y, length, row_height, segment))
                x += length
        labels.append(Label(x + 6, y + row_height * 0.7, str(sum(segment.value for segment in segments))))
    return Chart(title, width, top * 2 + len(rows) * (row_height + gap), bars, labels)


def vertical(title: str, columns: list[tuple[str, list[Segment], str]], *, width=540, height=240) -> Chart:
    """One stacked column per entry (e.g. per week), a label under it and a note above it (e.g. a rate)."""
    bottom, top, left = 40, 24, 10
    largest = max((sum(segment.value for segment in segments) for _, segments, _ in columns), default=0) or 1
    slot = (width - left * 2) / max(len(columns), 1)
    column_width, span = slot * 0.6, height - bottom - top
    bars, labels = [], []
    for number, (label, segments, note) in enumerate(columns):
        x = left + number * slot + (slot - column_width) / 2
        y = height - bottom
        for segment in segments:
            if segment.value:
                length = span * segment.value / largest
                y -= length
                bars.append(Bar(x, y, column_width, length, segment))
        centre = x + column_width / 2
        labels.append(Label(centre, height - bottom + 16, label, "middle"))
        if note:
            labels.append(Label(centre, y - 6, note, "middle"))
    return Chart(title, width, height, bars, labels)
