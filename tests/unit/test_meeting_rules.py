"""Meeting mode's settings and share code, worked by hand: what a refused setting repeats,
the app's root kept exactly, and the QR code's size (which says its version, quiet zone
and scale).

QR sizes: a symbol of version v has 17 + 4v modules; with the quiet zone of 4 modules on
each side and 6 pixels a module, version 1 is (21 + 8) · 6 = 174 px and version 2
(25 + 8) · 6 = 198 px; a Micro QR M4 would be (17 + 8) · 6 = 150 px. Byte-mode capacity:
version 1 holds 17 bytes at error level L and 14 at M; version 2 holds 26 at M.
"""

from __future__ import annotations

import struct

import pytest

from metrics.meeting import (
    DEFAULT_AGENDA,
    DEFAULT_INTERVAL_S,
    SettingProblem,
    SettingRefusal,
    app_root,
    parse_agenda,
    parse_interval,
    qr_png,
)


@pytest.mark.parametrize("text", ["2", "601", "0"])
def test_an_interval_out_of_range_is_refused_with_its_value(text: str) -> None:
    assert parse_interval(text) == (
        DEFAULT_INTERVAL_S,
        SettingRefusal("interval", text, SettingProblem.OUT_OF_RANGE),
    )


def test_an_empty_agenda_is_refused_with_its_value() -> None:
    assert parse_agenda(" , ") == (
        DEFAULT_AGENDA,
        SettingRefusal("agenda", " , ", SettingProblem.EMPTY),
    )


def test_an_unknown_section_is_refused_with_the_cleaned_value() -> None:
    assert parse_agenda("units,slides\u202e") == (
        DEFAULT_AGENDA,
        SettingRefusal("agenda", "units,slides", SettingProblem.UNKNOWN_SECTION),
    )


@pytest.mark.parametrize(
    "url",
    ["https://h.vn/appX/", "https://h.vn/appX", "https://h.vn/appX/meeting?lang=en"],
)
def test_the_apps_root_path_is_kept_to_the_letter(url: str) -> None:
    # Only slashes and this page's own name are trimmed, never a letter of the path.
    assert app_root(url) == "https://h.vn/appX/"


def _png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and png[12:16] == b"IHDR"
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def test_a_20_byte_address_is_a_version_2_code_at_6_pixels_with_a_4_module_margin() -> None:
    # 20 bytes do not fit version 1 at M (14): version 2, 198 px.
    assert _png_size(qr_png("https://h.vn/meeting")) == (198, 198)
    # 2 pixels a module: (25 + 8) · 2 = 66 px.
    assert _png_size(qr_png("https://h.vn/meeting", scale=2)) == (66, 66)


def test_error_correction_is_at_least_m() -> None:
    # 16 bytes fit version 1 at L (17) but not at M (14): version 2, 198 px, not 174.
    assert _png_size(qr_png("https://h.vn/abc")) == (198, 198)


def test_a_short_address_is_still_a_full_qr_code() -> None:
    # 11 bytes fit version 1 at M: 174 px; never a Micro QR (150 px), which phones read
    # poorly.
    assert _png_size(qr_png("http://h.vn")) == (174, 174)
