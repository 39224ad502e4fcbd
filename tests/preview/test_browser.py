"""Pages opened in a real headless chromium, fed by a real Prometheus scraping the test fixtures.

What a person would check: every box where gridPos puts it (measured by the browser), every title
drawn, a panel with data draws its series, a panel without says "No data" with its query, and the
screenshot is a picture (not a blank page).
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from graf.cli import main
from graf.preview.browser import dump_dom, find_browser
from tests.check.test_check_prometheus import running  # noqa: F401  (the real Prometheus fixture)
from tests.preview.dom import PanelSeen, panels

pytestmark = [pytest.mark.prometheus,
              pytest.mark.skipif(find_browser() is None, reason="no headless chromium installed (CI installs it)")]
pytest.importorskip("matplotlib", reason="the preview extra (matplotlib) draws the series")


@pytest.fixture(scope="module")
def pages(running: tuple, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:  # noqa: F811
    project, prom, _ = running
    out = tmp_path_factory.mktemp("preview")
    with pytest.raises(SystemExit) as done:
        main(["--config", str(project.path), "preview", "--prometheus", prom.url, "--out", str(out), "--png",
              "--uid", "shop-prod-node", "--uid", "shop-prod-jvm", "--uid", "shop-dev-jvm"])
    assert done.value.code == 0
    yield out


def _seen(page: Path) -> list[PanelSeen]:
    return panels(dump_dom(page, width=1224, height=900))


@pytest.mark.parametrize("page", ["prod/shop-prod-node.html", "prod/shop-prod-jvm.html", "dev/shop-dev-jvm.html"])
def test_every_box_is_where_its_grid_position_puts_it_and_titled(pages: Path, page: str) -> None:
    seen = _seen(pages / page)
    assert len(seen) >= 15
    misplaced = {p.title: (p.grid(), p.measured()) for p in seen if p.grid() != p.measured()}
    assert misplaced == {}
    untitled = [p.attrs["id"] for p in seen if not p.title.strip() or int(p.attrs["data-title-px"]) < 10]
    assert untitled == []
    assert not [p.title for p in seen if "broken" in p.classes]


def test_a_panel_fed_by_prometheus_draws_its_series(pages: Path) -> None:
    seen = {p.title: p for p in _seen(pages / "prod/shop-prod-node.html")}
    cpu = seen["CPU busy by mode"]
    assert cpu.lines >= 2, cpu.all_text  # user, system, ... of each host as lines
    assert int(cpu.attrs["data-chart-px"]) > 300  # and the browser drew the chart at the panel's width
    assert "No data" not in cpu.all_text
    busy = seen["CPU busy"]  # a stat: a value in a threshold colour
    assert "%" in busy.all_text
    table = seen["Time until full"]
    assert "mountpoint" in table.all_text and "Time until full" in table.all_text


def test_an_empty_panel_says_no_data_with_its_query(pages: Path) -> None:
    """dev has no targets in this Prometheus: its panels are empty."""
    seen = {p.title: p for p in _seen(pages / "dev/shop-dev-jvm.html")}
    heap = seen["Heap used"]
    assert heap.lines == 0
    assert "No data" in heap.all_text
    assert 'jvm_memory_used_bytes{environment="dev"' in heap.all_text


def test_the_screenshot_is_a_picture_of_the_page(pages: Path) -> None:
    png = pages / "prod/shop-prod-node.png"
    width, height, colours = _png_summary(png.read_bytes())
    assert width == 1224 and height > 1000
    assert colours > 50  # lines, text and panels, not a blank page


def _png_summary(data: bytes) -> tuple[int, int, int]:
    """Width, height and the number of distinct pixel values of an 8-bit RGB(A) PNG (what chromium writes)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height, depth, colour_type = struct.unpack(">IIBB", data[16:26])
    assert depth == 8 and colour_type in (2, 6)
    chunks, offset = [], 8
    while offset < len(data):
        length, kind = struct.unpack(">I4s", data[offset:offset + 8])
        if kind == b"IDAT":
            chunks.append(data[offset + 8:offset + 8 + length])
        offset += 12 + length
    raw = zlib.decompress(b"".join(chunks))
    step = 3 if colour_type == 2 else 4
    stride = 1 + width * step
    sample = {raw[i:i + step] for row in range(0, height, 7)
              for i in range(row * stride + 1, row * stride + stride - step, step * 5)}
    return width, height, len(sample)
