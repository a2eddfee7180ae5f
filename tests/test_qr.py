"""QR stickers: ids, sticker URLs, parsing scanned text, rendering."""

from __future__ import annotations

import io
import re
import struct
import xml.etree.ElementTree as ET
from collections.abc import Callable

import png
import pytest
import qrcode
from hypothesis import given
from hypothesis import strategies as st
from qrcode.constants import ERROR_CORRECT_M

from chargeassist.qr import (
    MAX_SCAN_LENGTH,
    QrReference,
    new_qr_id,
    normalize_evse_id,
    parse_qr_text,
    render_png,
    render_svg,
    sticker_url,
)
from tests.conftest import require_module

BASE = "https://charge.example.com"
QR_ID = "qr_Ab3-x_Yz09QwErTy"
SVG_NS = "{http://www.w3.org/2000/svg}"


def _fullwidth(text: str) -> str:
    """``text`` in the look-alike fullwidth forms some phone keyboards produce."""
    return text.translate({code: code + 0xFEE0 for code in range(0x21, 0x7F)})


def _sticker(qr_id: str = QR_ID) -> QrReference:
    return QrReference(kind="sticker", qr_id=qr_id, evse_id_key=None, raw="")


# --- ids and URLs ------------------------------------------------------------------------------


def test_new_qr_id_is_url_safe_and_long_enough() -> None:
    qr_id = new_qr_id()
    assert re.fullmatch(r"[A-Za-z0-9_-]{12,64}", qr_id)


def test_new_qr_ids_do_not_repeat() -> None:
    assert len({new_qr_id() for _ in range(1000)}) == 1000


def test_sticker_url_joins_base_and_id() -> None:
    assert sticker_url(BASE, QR_ID) == f"{BASE}/qr/{QR_ID}"


def test_sticker_url_drops_trailing_slash_of_base() -> None:
    assert sticker_url(BASE + "/", QR_ID) == f"{BASE}/qr/{QR_ID}"


def test_sticker_url_keeps_base_path() -> None:
    assert sticker_url("https://example.com/ca/", "abc") == "https://example.com/ca/qr/abc"


@pytest.mark.parametrize("qr_id", ["", "a/b", "a b", "../x", "é", "x" * 65])
def test_sticker_url_rejects_ids_that_are_not_url_safe(qr_id: str) -> None:
    with pytest.raises(ValueError, match="QR id"):
        sticker_url(BASE, qr_id)


@pytest.mark.parametrize("base", ["ftp://example.com", "example.com", "https://", "https://example.com/?a=1"])
def test_sticker_url_rejects_bad_base_urls(base: str) -> None:
    with pytest.raises(ValueError, match="base URL"):
        sticker_url(base, QR_ID)


def test_parse_rejects_bad_base_url_as_configuration_error() -> None:
    with pytest.raises(ValueError, match="base URL"):
        parse_qr_text("NL*GFX*E123*1", "javascript:alert(1)")


# --- normalize_evse_id -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "NL*GFX*E123*1",
        "NL-GFX-E123-1",
        "NLGFXE1231",
        "nlgfxe1231",
        "nl*gfx*e123*1",
        "Nl-Gfx-E123-1",
        "NL GFX E123 1",
        "  NL*GFX*E123*1\n",
        "NL*GFX*E1231",
    ],
)
def test_normalize_evse_id_accepts_emi3_forms(text: str) -> None:
    assert normalize_evse_id(text) == "NLGFXE1231"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "hello",
        "NL*GFX",
        "NL*GFX*E",
        "NL*GFX*X123*1",
        "NL*GF*E123*1",
        "NLG*FX*E123*1",
        "XX*GFX*E123*1",
        "12*GFX*E123*1",
        "NL**GFX*E123*1*",
        "*NL*GFX*E123*1",
        "NL*GFX*E123*1*",
        "NL_GFX_E123_1",
        "NL*GFX*E" + "1" * 32,
        "NL*GFX*E123*" + _fullwidth("1"),
        "NL*GFX*E123*ß",
        "charge",
    ],
)
def test_normalize_evse_id_rejects_non_ids(text: str) -> None:
    assert normalize_evse_id(text) is None


def test_normalize_evse_id_lets_id_shaped_words_through() -> None:
    # "charges" reads as CH + ARG + E + S: the check is loose on purpose, and such a word costs only
    # a lookup that finds nothing.
    assert normalize_evse_id("charges") == "CHARGES"


def test_normalize_evse_id_accepts_longest_outlet_id() -> None:
    assert normalize_evse_id("DE*ABC*E" + "9" * 31) == "DEABCE" + "9" * 31


@given(st.text())
def test_normalize_evse_id_is_idempotent(text: str) -> None:
    key = normalize_evse_id(text)
    if key is not None:
        assert normalize_evse_id(key) == key


# --- parse_qr_text: this service's stickers ----------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        f"{BASE}/qr/{QR_ID}",
        f"{BASE}/qr/{QR_ID}/",
        f"HTTPS://CHARGE.EXAMPLE.COM/qr/{QR_ID}",
        f"https://Charge.Example.Com/QR/{QR_ID}",
        f"http://charge.example.com/qr/{QR_ID}",
        f"https://charge.example.com:443/qr/{QR_ID}",
        f"https://charge.example.com./qr/{QR_ID}",
        f"{BASE}/qr/{QR_ID}?utm_source=sticker",
        f"{BASE}/qr/{QR_ID}#top",
        f"  {BASE}/qr/{QR_ID}\n",
    ],
)
def test_parse_recognises_own_sticker_urls(url: str) -> None:
    ref = parse_qr_text(url, BASE)
    assert (ref.kind, ref.qr_id, ref.evse_id_key) == ("sticker", QR_ID, None)


def test_parse_keeps_raw_text_unchanged() -> None:
    text = f"  {BASE}/qr/{QR_ID}  "
    assert parse_qr_text(text, BASE).raw == text


def test_parse_keeps_case_of_qr_id() -> None:
    assert parse_qr_text(f"{BASE}/qr/AbC", BASE).qr_id == "AbC"


def test_parse_round_trips_sticker_url() -> None:
    qr_id = new_qr_id()
    assert parse_qr_text(sticker_url(BASE, qr_id), BASE).qr_id == qr_id


def test_parse_recognises_sticker_under_base_path() -> None:
    base = "https://example.com/chargeassist/"
    assert parse_qr_text("https://example.com/chargeassist/qr/abc", base).qr_id == "abc"


def test_parse_needs_base_path_for_sticker() -> None:
    assert parse_qr_text("https://example.com/qr/abc", "https://example.com/chargeassist").kind == "unknown"


def test_parse_recognises_sticker_on_base_with_port() -> None:
    base = "http://127.0.0.1:8000"
    assert parse_qr_text("http://127.0.0.1:8000/qr/abc", base).qr_id == "abc"


@pytest.mark.parametrize(
    "url",
    [
        f"https://charge.example.com:8443/qr/{QR_ID}",
        f"https://evil.example.com/qr/{QR_ID}",
        f"https://charge.example.com.evil.example/qr/{QR_ID}",
        f"https://evil.example/charge.example.com/qr/{QR_ID}",
        f"https://charge.example.com@evil.example/qr/{QR_ID}",
        f"https://user@charge.example.com/qr/{QR_ID}",
        f"https://user:pw@charge.example.com/qr/{QR_ID}",
        f"{BASE}/qr/",
        f"{BASE}/qr",
        f"{BASE}/qr/{QR_ID}/extra",
        f"{BASE}/other/{QR_ID}",
        f"{BASE}/qr/../admin",
        f"{BASE}/qr/..",
        f"{BASE}/qr/%2e%2e%2fadmin",
        f"{BASE}/qr/a%20b",
        f"{BASE}//qr/{QR_ID}",
        f"{BASE}/qr/{'x' * 65}",
        f"{BASE}/qr/{QR_ID} extra",
        f"{BASE}/qr/{QR_ID}\x00",
        f"{BASE}/qr/{QR_ID}\u200b",
    ],
)
def test_parse_refuses_look_alike_sticker_urls(url: str) -> None:
    assert parse_qr_text(url, BASE).kind == "unknown"


# --- parse_qr_text: EVSE ids -------------------------------------------------------------------


@pytest.mark.parametrize("text", ["NL*GFX*E123*1", "NL-GFX-E123-1", "NLGFXE1231", "nlgfxe1231", " nl*gfx*e123*1 "])
def test_parse_recognises_bare_evse_ids(text: str) -> None:
    ref = parse_qr_text(text, BASE)
    assert (ref.kind, ref.qr_id, ref.evse_id_key) == ("evse_id", None, "NLGFXE1231")


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/charge?evseId=NL*GFX*E123*1",
        "https://example.com/charge?evseid=nl-gfx-e123-1",
        "https://example.com/charge?lang=nl&evse_id=NLGFXE1231",
        "https://example.com/charge?evseId=NL%2AGFX%2AE123%2A1",
        "HTTP://EXAMPLE.COM/START?EVSEID=NL*GFX*E123*1",
        "https://example.com/evse/NL*GFX*E123*1",
        "https://example.com/evse/NL*GFX*E123*1/",
        "https://example.com/evse/NL%2AGFX%2AE123%2A1",
        "https://example.com/c/NL-GFX-E123-1?ref=sticker",
        f"{BASE}/evse/NL*GFX*E123*1",
        f"{BASE}/qr/NL*GFX*E123*1",
    ],
)
def test_parse_finds_evse_id_in_other_operators_urls(url: str) -> None:
    ref = parse_qr_text(url, BASE)
    assert (ref.kind, ref.evse_id_key) == ("evse_id", "NLGFXE1231")


def test_parse_prefers_query_parameter_over_path() -> None:
    ref = parse_qr_text("https://example.com/BE*ABC*E9*9?evseId=NL*GFX*E123*1", BASE)
    assert ref.evse_id_key == "NLGFXE1231"


def test_parse_ignores_unrelated_query_parameters() -> None:
    assert parse_qr_text("https://example.com/charge?id=NL*GFX*E123*1", BASE).kind == "unknown"


# --- parse_qr_text: everything else ------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\t",
        "hello world",
        "x" * 10_000,
        "NL*GFX*E123*1" + " " * MAX_SCAN_LENGTH,
        "🚗⚡ laadpaal",
        "Ⓝⓛ*ⒼⒻⓍ*Ⓔ123*1",
        _fullwidth("NL*GFX*E123*1"),
        "javascript:alert(1)",
        "javascript://NL*GFX*E123*1",
        "JavaScript:alert('NL*GFX*E123*1')",
        f"javascript:{BASE}/qr/{QR_ID}",
        "data:text/html,<script>alert(1)</script>",
        "file:///etc/passwd",
        "ftp://charge.example.com/qr/abc",
        "mailto:NL*GFX*E123*1@example.com",
        "tel:+31201234567",
        "WIFI:S:guest;T:WPA;P:secret;;",
        "../../etc/passwd",
        "..\\..\\windows\\system32",
        "/qr/abc",
        "qr/abc",
        "charge.example.com/qr/abc",
        "https://",
        "https:///qr/abc",
        "http://[::1",
        "http://charge.example.com:99999/qr/abc",
        "http://charge.example.com:port/qr/abc",
        "https://example.com/",
        "https://example.com/charge?evseId=",
        "https://example.com/charge?evseId=DROP TABLE evses",
        "<svg onload=alert(1)>",
        "\x00\x01\x02",
        "NL*GFX*E123*1\x00",
        "\ud800",
    ],
)
def test_parse_answers_unknown_for_anything_else(text: str) -> None:
    ref = parse_qr_text(text, BASE)
    assert (ref.kind, ref.qr_id, ref.evse_id_key, ref.raw) == ("unknown", None, None, text)


@given(st.text())
def test_parse_never_raises_on_arbitrary_text(text: str) -> None:
    assert parse_qr_text(text, BASE).kind in ("sticker", "evse_id", "unknown")


@given(st.text(alphabet=st.characters(codec="utf-8")), st.sampled_from(["", "/", "?", "#", "@", ":", "%"]))
def test_parse_never_raises_on_url_shaped_text(tail: str, joint: str) -> None:
    for prefix in (f"{BASE}/qr/", "https://", "http://[", "HTTPS://x.example/"):
        assert isinstance(parse_qr_text(prefix + joint + tail, BASE), QrReference)


# --- rendering ---------------------------------------------------------------------------------

URL = f"{BASE}/qr/{QR_ID}"
CAPTION = "NL*GFX*E123*1"


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def _png_pixels(data: bytes) -> list[list[int]]:
    _width, _height, rows, _info = png.Reader(bytes=data).asDirect()
    return [list(row) for row in rows]


def _expected_modules(url: str) -> list[list[bool]]:
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=4)
    code.add_data(url)
    code.make(fit=True)
    return [[bool(cell) for cell in row] for row in code.get_matrix()]


def test_render_png_is_a_png_taller_than_wide_for_the_caption() -> None:
    width, height = _png_size(render_png(URL, CAPTION))
    assert 0 < width < height


def test_render_png_without_caption_is_square() -> None:
    width, height = _png_size(render_png(URL, ""))
    assert width == height


def test_render_png_decodes_with_pypng() -> None:
    data = render_png(URL, CAPTION)
    pixels = _png_pixels(data)
    assert (len(pixels[0]), len(pixels)) == _png_size(data)


def test_render_png_draws_the_qr_symbol_of_the_url() -> None:
    modules = _expected_modules(URL)
    pixels = _png_pixels(render_png(URL, CAPTION))
    module_px = len(pixels[0]) // len(modules)
    sampled = [
        [pixels[y * module_px + module_px // 2][x * module_px + module_px // 2] == 0 for x in range(len(modules))]
        for y in range(len(modules))
    ]
    assert sampled == modules


def test_render_png_prints_caption_below_the_quiet_zone() -> None:
    pixels = _png_pixels(render_png(URL, CAPTION))
    qr_px = len(pixels[0])
    assert all(value == 1 for row in pixels[qr_px - 40 : qr_px] for value in row)
    assert any(value == 0 for row in pixels[qr_px:] for value in row)


def test_render_png_caption_changes_the_image() -> None:
    assert render_png(URL, "NL*GFX*E123*1") != render_png(URL, "NL*GFX*E123*2")


def test_render_png_widens_for_long_captions() -> None:
    width, _height = _png_size(render_png("x", "NL*GFX*E" + "1" * 40))
    assert width > _png_size(render_png("x", "NL*GFX*E1*1"))[0]


def test_render_png_survives_hostile_captions() -> None:
    data = render_png(URL, "<script>\x00\u202e Liège 🚗 " + "x" * 500)
    assert _png_pixels(data)


def test_render_png_opens_with_pillow() -> None:
    image_module = require_module("PIL.Image")
    with image_module.open(io.BytesIO(render_png(URL, CAPTION))) as image:
        image.load()
        assert image.format == "PNG"


@pytest.mark.parametrize("render", [render_png, render_svg])
def test_render_rejects_empty_url(render: Callable[[str, str], bytes]) -> None:
    with pytest.raises(ValueError, match="nothing"):
        render("", CAPTION)


@pytest.mark.parametrize("render", [render_png, render_svg])
def test_render_rejects_url_too_long_for_a_qr_code(render: Callable[[str, str], bytes]) -> None:
    with pytest.raises(ValueError, match="too long"):
        render("https://example.com/" + "x" * 3000, CAPTION)


def _svg_root(data: bytes) -> ET.Element:
    # Our own output, not untrusted input.
    return ET.fromstring(data)  # noqa: S314


def test_render_svg_is_xml_with_svg_root() -> None:
    assert _svg_root(render_svg(URL, CAPTION)).tag == f"{SVG_NS}svg"


def test_render_svg_puts_caption_in_text_element() -> None:
    texts = _svg_root(render_svg(URL, CAPTION)).findall(f"{SVG_NS}text")
    assert [t.text for t in texts] == [CAPTION]


def test_render_svg_escapes_caption() -> None:
    caption = "</text><script>alert('x') & \"y\"</script>"
    data = render_svg(URL, caption)
    root = _svg_root(data)
    assert root.find(f".//{SVG_NS}script") is None
    assert root.find(f"{SVG_NS}text").text == caption  # type: ignore[union-attr]
    assert b"<script>" not in data


def test_render_svg_drops_characters_xml_forbids() -> None:
    root = _svg_root(render_svg(URL, "NL*GFX\x00*E1\x01*1\ufffe"))
    assert root.find(f"{SVG_NS}text").text == "NL*GFX*E1*1"  # type: ignore[union-attr]


def test_render_svg_keeps_unicode_caption() -> None:
    root = _svg_root(render_svg(URL, "Liège Gare 🚗"))
    assert root.find(f"{SVG_NS}text").text == "Liège Gare 🚗"  # type: ignore[union-attr]


def test_render_svg_without_caption_has_no_text() -> None:
    assert _svg_root(render_svg(URL, "")).find(f"{SVG_NS}text") is None


def test_render_svg_draws_every_dark_module() -> None:
    modules = _expected_modules(URL)
    path = _svg_root(render_svg(URL, CAPTION)).find(f"{SVG_NS}path")
    assert path is not None
    runs = re.findall(r"M(\d+) (\d+)h(\d+)", path.get("d", ""))
    drawn = {(int(x) + dx, int(y)) for x, y, w in runs for dx in range(int(w))}
    expected = {(x, y) for y, row in enumerate(modules) for x, dark in enumerate(row) if dark}
    assert drawn == expected
