"""Draw the demo journal's figures, data files and PDF with nothing but the standard library.

Why a hand-rolled raster: the figures must be real, small PNGs that anyone can regenerate
from the repo without matplotlib or network access, and the output must be byte-identical
on every machine so the demo's CIDs stay stable. Run from the repo root:

    python scripts/make_demo_figures.py

It rewrites the PNG, CSV and PDF files under ``content/papers/`` and the scaffold's figure
under ``sitegen/scaffold/``; commit them together with this script.
"""

from __future__ import annotations

import csv
import io
import itertools
import math
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAPERS = ROOT / "content" / "papers"
SCAFFOLD = ROOT / "sitegen" / "scaffold" / "journal"

Color = tuple[int, int, int]
WHITE: Color = (255, 255, 255)
INK: Color = (33, 37, 41)
GRID: Color = (222, 226, 230)
BLUE: Color = (31, 119, 180)
ORANGE: Color = (230, 120, 20)
GREEN: Color = (44, 160, 44)
RED: Color = (200, 40, 40)
PALE: Color = (232, 240, 250)

# A 5x7 bitmap font: each glyph is seven rows, the five low bits of each row are pixels.
FONT: dict[str, tuple[int, ...]] = {
    " ": (0, 0, 0, 0, 0, 0, 0),
    "0": (14, 17, 19, 21, 25, 17, 14),
    "1": (4, 12, 4, 4, 4, 4, 14),
    "2": (14, 17, 1, 2, 4, 8, 31),
    "3": (31, 2, 4, 2, 1, 17, 14),
    "4": (2, 6, 10, 18, 31, 2, 2),
    "5": (31, 16, 30, 1, 1, 17, 14),
    "6": (6, 8, 16, 30, 17, 17, 14),
    "7": (31, 1, 2, 4, 8, 8, 8),
    "8": (14, 17, 17, 14, 17, 17, 14),
    "9": (14, 17, 17, 15, 1, 2, 12),
    "A": (14, 17, 17, 31, 17, 17, 17),
    "B": (30, 17, 17, 30, 17, 17, 30),
    "C": (14, 17, 16, 16, 16, 17, 14),
    "D": (28, 18, 17, 17, 17, 18, 28),
    "E": (31, 16, 16, 30, 16, 16, 31),
    "F": (31, 16, 16, 30, 16, 16, 16),
    "G": (14, 17, 16, 23, 17, 17, 15),
    "H": (17, 17, 17, 31, 17, 17, 17),
    "I": (14, 4, 4, 4, 4, 4, 14),
    "J": (7, 2, 2, 2, 2, 18, 12),
    "K": (17, 18, 20, 24, 20, 18, 17),
    "L": (16, 16, 16, 16, 16, 16, 31),
    "M": (17, 27, 21, 21, 17, 17, 17),
    "N": (17, 17, 25, 21, 19, 17, 17),
    "O": (14, 17, 17, 17, 17, 17, 14),
    "P": (30, 17, 17, 30, 16, 16, 16),
    "Q": (14, 17, 17, 17, 21, 18, 13),
    "R": (30, 17, 17, 30, 20, 18, 17),
    "S": (15, 16, 16, 14, 1, 1, 30),
    "T": (31, 4, 4, 4, 4, 4, 4),
    "U": (17, 17, 17, 17, 17, 17, 14),
    "V": (17, 17, 17, 17, 17, 10, 4),
    "W": (17, 17, 17, 21, 21, 21, 10),
    "X": (17, 17, 10, 4, 10, 17, 17),
    "Y": (17, 17, 17, 10, 4, 4, 4),
    "Z": (31, 1, 2, 4, 8, 16, 31),
    "-": (0, 0, 0, 31, 0, 0, 0),
    ".": (0, 0, 0, 0, 0, 12, 12),
    "%": (24, 25, 2, 4, 8, 19, 3),
    "/": (0, 1, 2, 4, 8, 16, 0),
    ">": (8, 4, 2, 1, 2, 4, 8),
    ":": (0, 12, 12, 0, 12, 12, 0),
}


@dataclass
class Canvas:
    """An RGB raster with just the drawing operations the figures need."""

    width: int
    height: int

    def __post_init__(self) -> None:
        self.px = bytearray(WHITE * (self.width * self.height))

    def dot(self, x: int, y: int, c: Color) -> None:
        if 0 <= x < self.width and 0 <= y < self.height:
            i = 3 * (y * self.width + x)
            self.px[i : i + 3] = bytes(c)

    def rect(self, x0: int, y0: int, x1: int, y1: int, c: Color) -> None:
        for y in range(min(y0, y1), max(y0, y1) + 1):
            for x in range(min(x0, x1), max(x0, x1) + 1):
                self.dot(x, y, c)

    def frame(self, x0: int, y0: int, x1: int, y1: int, c: Color, t: int = 1) -> None:
        self.rect(x0, y0, x1, y0 + t - 1, c)
        self.rect(x0, y1 - t + 1, x1, y1, c)
        self.rect(x0, y0, x0 + t - 1, y1, c)
        self.rect(x1 - t + 1, y0, x1, y1, c)

    def line(self, x0: int, y0: int, x1: int, y1: int, c: Color, t: int = 2) -> None:
        steps = max(abs(x1 - x0), abs(y1 - y0), 1)
        for s in range(steps + 1):
            x = round(x0 + (x1 - x0) * s / steps)
            y = round(y0 + (y1 - y0) * s / steps)
            self.rect(x - t // 2, y - t // 2, x + (t - 1) // 2, y + (t - 1) // 2, c)

    def arrow(self, x0: int, y0: int, x1: int, y1: int, c: Color) -> None:
        self.line(x0, y0, x1, y1, c)
        ang = math.atan2(y1 - y0, x1 - x0)
        for da in (2.6, -2.6):
            self.line(
                x1, y1, round(x1 + 9 * math.cos(ang + da)), round(y1 + 9 * math.sin(ang + da)), c
            )

    def text(self, x: int, y: int, s: str, c: Color = INK, scale: int = 2) -> None:
        for k, ch in enumerate(s.upper()):
            rows = FONT[ch]
            for r, bits in enumerate(rows):
                for col in range(5):
                    if bits & (1 << (4 - col)):
                        gx = x + k * 6 * scale + col * scale
                        self.rect(gx, y + r * scale, gx + scale - 1, y + r * scale + scale - 1, c)

    def text_width(self, s: str, scale: int = 2) -> int:
        return len(s) * 6 * scale - scale

    def centered(self, cx: int, y: int, s: str, c: Color = INK, scale: int = 2) -> None:
        self.text(cx - self.text_width(s, scale) // 2, y, s, c, scale)

    def png(self) -> bytes:
        """Encode as an 8-bit RGB PNG (filter 0 on every row; zlib level 9, deterministic)."""
        raw = bytearray()
        stride = 3 * self.width
        for y in range(self.height):
            raw.append(0)
            raw += self.px[y * stride : (y + 1) * stride]

        def chunk(kind: bytes, data: bytes) -> bytes:
            body = kind + data
            return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

        ihdr = struct.pack(">IIBBBBB", self.width, self.height, 8, 2, 0, 0, 0)
        return (
            b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", ihdr)
            + chunk(b"IDAT", zlib.compress(bytes(raw), 9))
            + chunk(b"IEND", b"")
        )


@dataclass(frozen=True)
class Axes:
    """Plot area of a canvas with linear data -> pixel mapping."""

    left: int
    top: int
    right: int
    bottom: int
    xmax: float
    ymax: float

    def x(self, v: float) -> int:
        return round(self.left + (self.right - self.left) * v / self.xmax)

    def y(self, v: float) -> int:
        return round(self.bottom - (self.bottom - self.top) * v / self.ymax)


def draw_axes(
    cv: Canvas, ax: Axes, xticks: list[float], yticks: list[float], ylabel: str, xlabel: str
) -> None:
    for t in yticks:
        cv.line(ax.left, ax.y(t), ax.right, ax.y(t), GRID, 1)
        label = f"{t:g}"
        cv.text(ax.left - 8 - cv.text_width(label), ax.y(t) - 7, label)
    for t in xticks:
        cv.centered(ax.x(t), ax.bottom + 8, f"{t:g}")
    cv.line(ax.left, ax.top, ax.left, ax.bottom, INK, 2)
    cv.line(ax.left, ax.bottom, ax.right, ax.bottom, INK, 2)
    cv.centered((ax.left + ax.right) // 2, ax.bottom + 30, xlabel)
    cv.text(ax.left - 40, ax.top - 26, ylabel)


def legend(cv: Canvas, x: int, y: int, items: list[tuple[str, Color]]) -> None:
    for k, (name, c) in enumerate(items):
        cv.rect(x, y + 22 * k + 4, x + 18, y + 22 * k + 9, c)
        cv.text(x + 26, y + 22 * k, name)


def dedup_figure() -> bytes:
    """Storage for n versions of a 100 MB dataset: full copies vs content-addressed blocks."""
    cv = Canvas(560, 340)
    ax = Axes(80, 50, 530, 270, 10, 1000)
    draw_axes(cv, ax, [0, 2, 4, 6, 8, 10], [0, 250, 500, 750, 1000], "STORAGE MB", "VERSIONS")
    copies = [(n, 100.0 * n) for n in range(0, 11)]
    blocks = [(n, 0.0 if n == 0 else 100.0 + 6.0 * (n - 1)) for n in range(0, 11)]
    for series, c in ((copies, ORANGE), (blocks, BLUE)):
        for (x0, y0), (x1, y1) in itertools.pairwise(series):
            cv.line(ax.x(x0), ax.y(y0), ax.x(x1), ax.y(y1), c, 3)
        for x, y in series:
            cv.rect(ax.x(x) - 3, ax.y(y) - 3, ax.x(x) + 3, ax.y(y) + 3, c)
    legend(cv, 100, 60, [("FULL COPIES", ORANGE), ("CID BLOCKS", BLUE)])
    return cv.png()


def review_bars() -> bytes:
    """Signed open-review reports per quarter, split by reviewer choice of name disclosure."""
    quarters = ["Q1", "Q2", "Q3", "Q4"]
    named = [14, 22, 31, 40]
    pseud = [9, 11, 12, 15]
    cv = Canvas(520, 320)
    ax = Axes(70, 50, 500, 260, 4, 60)
    draw_axes(cv, ax, [], [0, 20, 40, 60], "REPORTS", "QUARTER 2024")
    slot = (ax.right - ax.left) // 4
    for k, q in enumerate(quarters):
        x0 = ax.left + k * slot + 18
        cv.rect(x0, ax.y(named[k]), x0 + 36, ax.bottom - 1, BLUE)
        cv.rect(x0 + 40, ax.y(pseud[k]), x0 + 76, ax.bottom - 1, GREEN)
        cv.centered(x0 + 38, ax.bottom + 8, q)
    legend(cv, 90, 58, [("NAMED", BLUE), ("PSEUDONYMOUS", GREEN)])
    return cv.png()


LINK_SURVIVAL = [
    # years since publication, share of URL links resolving, DOI links, CID links (pinned twice)
    (0, 100.0, 100.0, 100.0),
    (1, 93.0, 99.6, 99.8),
    (2, 86.5, 99.3, 99.7),
    (3, 80.1, 99.0, 99.5),
    (4, 74.6, 98.8, 99.4),
    (5, 69.2, 98.5, 99.2),
    (6, 64.0, 98.1, 99.1),
    (7, 59.7, 97.9, 98.9),
    (8, 55.3, 97.6, 98.8),
]


def link_decay_figure() -> bytes:
    cv = Canvas(560, 340)
    ax = Axes(80, 50, 530, 270, 8, 100)
    draw_axes(
        cv, ax, [0, 2, 4, 6, 8], [0, 25, 50, 75, 100], "RESOLVING %", "YEARS AFTER PUBLICATION"
    )
    for col, c in ((1, ORANGE), (2, GREEN), (3, BLUE)):
        pts = [(row[0], row[col]) for row in LINK_SURVIVAL]
        for (x0, y0), (x1, y1) in itertools.pairwise(pts):
            cv.line(ax.x(x0), ax.y(y0), ax.x(x1), ax.y(y1), c, 3)
    legend(cv, 100, 190, [("URL", ORANGE), ("DOI", GREEN), ("CID", BLUE)])
    return cv.png()


def boxes_figure(labels: list[str], title: str) -> bytes:
    """A left-to-right flow diagram: one box per stage, arrows between them."""
    w = 150 * len(labels) + 20
    cv = Canvas(w, 180)
    cv.centered(w // 2, 16, title, INK, 2)
    for k, label in enumerate(labels):
        x0 = 20 + 150 * k
        cv.rect(x0, 60, x0 + 110, 130, PALE)
        cv.frame(x0, 60, x0 + 110, 130, BLUE, 2)
        cv.centered(x0 + 55, 88, label, INK, 2)
        if k:
            cv.arrow(x0 - 38, 95, x0 - 4, 95, INK)
    return cv.png()


def gateway_figure() -> bytes:
    """Gateway topology: one pinned root reachable through several HTTP gateways."""
    cv = Canvas(520, 300)
    cv.rect(200, 20, 320, 70, PALE)
    cv.frame(200, 20, 320, 70, BLUE, 2)
    cv.centered(260, 38, "ROOT CID")
    for k, name in enumerate(["PIN A", "PIN B"]):
        x0 = 90 + 240 * k
        cv.rect(x0, 120, x0 + 100, 165, PALE)
        cv.frame(x0, 120, x0 + 100, 165, GREEN, 2)
        cv.centered(x0 + 50, 136, name)
        cv.arrow(260, 72, x0 + 50, 118, INK)
    for k, name in enumerate(["GW 1", "GW 2", "GW 3"]):
        x0 = 40 + 170 * k
        cv.rect(x0, 220, x0 + 100, 265, PALE)
        cv.frame(x0, 220, x0 + 100, 265, ORANGE, 2)
        cv.centered(x0 + 50, 236, name)
        src = 140 if k < 2 else 380
        cv.arrow(src, 167, x0 + 50, 218, INK)
    cv.arrow(380, 167, 210, 218, INK)
    return cv.png()


def welcome_figure() -> bytes:
    """The scaffold's figure: a tiny bar chart of papers per month."""
    cv = Canvas(360, 220)
    ax = Axes(50, 30, 340, 170, 3, 6)
    draw_axes(cv, ax, [], [0, 2, 4, 6], "PAPERS", "MONTH")
    for k, (name, v) in enumerate([("JAN", 2), ("FEB", 3), ("MAR", 5)]):
        x0 = ax.left + 25 + 95 * k
        cv.rect(x0, ax.y(v), x0 + 50, ax.bottom - 1, BLUE)
        cv.centered(x0 + 25, ax.bottom + 8, name)
    return cv.png()


def link_survival_csv() -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(
        ["years_since_publication", "url_resolving_pct", "doi_resolving_pct", "cid_resolving_pct"]
    )
    for row in LINK_SURVIVAL:
        w.writerow([row[0], f"{row[1]:.1f}", f"{row[2]:.1f}", f"{row[3]:.1f}"])
    return buf.getvalue().encode()


def pipeline_runs_csv() -> bytes:
    """Wall time of ten rebuilds of the same pipeline, with and without pinned inputs."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["run", "pinned", "seconds", "output_sha256_prefix"])
    for run in range(1, 11):
        w.writerow([run, "yes", f"{41.0 + (run * 7 % 5) * 0.4:.1f}", "9f2c41"])
    for run in range(1, 11):
        prefix = "9f2c41" if run in (1, 2, 5) else ("b07e13" if run % 2 else "5a9d0e")
        w.writerow([run, "no", f"{39.0 + (run * 3 % 7) * 0.5:.1f}", prefix])
    return buf.getvalue().encode()


def tiny_pdf(title: str, lines: list[str]) -> bytes:
    """A one-page PDF 1.4 with correct cross-reference offsets and no timestamps."""

    def esc(s: str) -> str:
        return s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    text = ["BT", "/F1 18 Tf", "72 760 Td", f"({esc(title)}) Tj", "/F1 11 Tf", "0 -28 Td"]
    for ln in lines:
        text += [f"({esc(ln)}) Tj", "0 -16 Td"]
    text.append("ET")
    stream = "\n".join(text).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{n} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n".encode()
    out += b"0000000000 65535 f \n"
    for off in offsets:
        out += f"{off:010d} 00000 n \n".encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return bytes(out)


def outputs() -> dict[Path, bytes]:
    return {
        PAPERS / "content-addressed-archives" / "figures" / "dedup.png": dedup_figure(),
        PAPERS / "open-peer-review-ledger" / "figures" / "reports.png": review_bars(),
        PAPERS / "research-data-persistence" / "figures" / "link-decay.png": link_decay_figure(),
        PAPERS / "research-data-persistence" / "data" / "link-survival.csv": link_survival_csv(),
        PAPERS / "research-data-persistence" / "paper.pdf": tiny_pdf(
            "How long do research data links last?",
            [
                "Demo journal PDF rendition (sitegen test content).",
                "The HTML page is the version of record; this file exists",
                "so that the paper page can list a PDF download with its CID.",
            ],
        ),
        PAPERS / "reproducible-pipelines" / "figures" / "pipeline.png": boxes_figure(
            ["INPUTS", "LOCK", "RUN", "OUTPUT"], "PINNED PIPELINE"
        ),
        PAPERS / "reproducible-pipelines" / "data" / "pipeline-runs.csv": pipeline_runs_csv(),
        PAPERS / "gateway-latency" / "figures" / "topology.png": gateway_figure(),
        PAPERS / "review-incentives" / "figures" / "flow.png": boxes_figure(
            ["SUBMIT", "REVIEW", "ATTEST", "PUBLISH"], "REVIEW FLOW"
        ),
        SCAFFOLD / "content" / "papers" / "welcome" / "figure.png": welcome_figure(),
    }


def main() -> None:
    for path, data in outputs().items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        print(f"wrote {path.relative_to(ROOT)} ({len(data)} bytes)")


if __name__ == "__main__":
    main()
