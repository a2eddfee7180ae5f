"""Charge Assist QR stickers: ids, sticker URLs, reading what a camera saw, and printable images.

A sticker encodes ``{public_base_url}/qr/{qr_id}``. Drivers' apps send whatever their camera read;
:func:`parse_qr_text` turns that into a :class:`QrReference` without ever raising for user input, so
the API can answer ``valid: false`` for anything it does not understand.

Everything here is pure: no database, no network, no clock.
"""

from __future__ import annotations

import io
import re
import secrets
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Final, Literal
from urllib.parse import parse_qsl, unquote, urlsplit
from xml.sax.saxutils import escape

import msgspec
import numpy as np
import numpy.typing as npt
import png
import qrcode
from qrcode.constants import ERROR_CORRECT_M
from qrcode.exceptions import DataOverflowError

__all__ = [
    "MAX_SCAN_LENGTH",
    "QrKind",
    "QrReference",
    "new_qr_id",
    "normalize_evse_id",
    "parse_qr_text",
    "render_png",
    "render_svg",
    "sticker_url",
]

QrKind = Literal["sticker", "evse_id", "unknown"]

MAX_SCAN_LENGTH: Final = 4096
"""Longest scanned text considered at all; a version 40 QR code holds at most 4,296 characters."""

_QR_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
_EVSE_SEPARATORS = re.compile(r"[*\- ]+")
# eMI3: country (ISO 3166-1 alpha-2), spot operator (3 alphanumerics), ID type "E", then the
# power outlet id of at most 31 characters.
_EVSE_KEY = re.compile(r"([A-Z]{2})[A-Z0-9]{3}E[A-Z0-9]{1,31}", re.ASCII)
_MAX_EVSE_TEXT = 64
_DEFAULT_PORTS: Final = {"http": 80, "https": 443}

# Checking the country against the real list keeps ordinary words ("charges" = CH + ARG + E + S)
# from passing for EVSE ids. XK (Kosovo) is user-assigned but in everyday use.
_ISO_COUNTRY_LIST = """
    AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS
    BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE
    EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM
    HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC
    LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA
    NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW
    SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO
    TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS XK YE YT ZA ZM ZW
"""
_ISO_COUNTRIES: Final = frozenset(_ISO_COUNTRY_LIST.split())


class QrReference(msgspec.Struct, frozen=True, kw_only=True):
    """What a scanned text refers to.

    ``kind`` is ``"sticker"`` (``qr_id`` set: one of this service's stickers), ``"evse_id"``
    (``evse_id_key`` set: an EVSE id, normalised by :func:`normalize_evse_id`) or ``"unknown"``.
    ``raw`` is the text exactly as it was received.
    """

    kind: QrKind
    qr_id: str | None
    evse_id_key: str | None
    raw: str


def new_qr_id() -> str:
    """A fresh, opaque, URL-safe sticker id such as ``qr_Xc3vN1q0mYk2Rz8B`` (96 random bits)."""
    return "qr_" + secrets.token_urlsafe(12)


def sticker_url(public_base_url: str, qr_id: str) -> str:
    """The URL a sticker encodes: ``{public_base_url}/qr/{qr_id}``.

    Raises ValueError when ``public_base_url`` is not an http(s) URL with a host, or ``qr_id`` is not
    1 to 64 URL-safe characters (letters, digits, ``-``, ``_``).
    """
    _base(public_base_url)
    if not _QR_ID.fullmatch(qr_id):
        raise ValueError(f"not a URL-safe QR id: {qr_id!r}")
    return f"{public_base_url.rstrip('/')}/qr/{qr_id}"


def normalize_evse_id(text: str) -> str | None:
    """The lookup key of an EVSE id, or None when ``text`` cannot be one.

    Uppercases and drops the separators ``*``, ``-`` and space, so ``NL*GFX*E123*1``,
    ``nl-gfx-e123-1`` and ``NLGFXE1231`` all give ``NLGFXE1231``. The check is deliberately loose
    eMI3: an ISO 3166-1 country, three alphanumerics for the operator, ``E``, then 1 to 31
    alphanumerics. When separators are used the first two parts must be the country and the
    operator, so the structure stays recognisable.
    """
    candidate = text.strip()
    if not candidate or len(candidate) > _MAX_EVSE_TEXT or not candidate.isascii():
        return None
    parts = _EVSE_SEPARATORS.split(candidate)
    if len(parts) > 1 and (len(parts) < 3 or len(parts[0]) != 2 or len(parts[1]) != 3 or "" in parts):
        return None
    key = "".join(parts).upper()
    match = _EVSE_KEY.fullmatch(key)
    if match is None or match.group(1) not in _ISO_COUNTRIES:
        return None
    return key


def parse_qr_text(text: str, public_base_url: str) -> QrReference:
    """Classify what a driver's camera read. Never raises for any ``text``.

    Understood: this service's sticker URLs (scheme and host in any case, http or https, with or
    without a trailing slash, query and fragment ignored); bare EVSE ids in any of the forms
    :func:`normalize_evse_id` accepts; and other http(s) URLs whose ``evseId`` query parameter or
    last path segment is an EVSE id. URLs with user info, whitespace or control characters are
    refused, as is every other scheme.

    Raises ValueError only when ``public_base_url`` itself is not an http(s) URL (configuration).
    """
    base = _base(public_base_url)
    if len(text) > MAX_SCAN_LENGTH:
        return _unknown(text)
    stripped = text.strip()
    if not stripped:
        return _unknown(text)
    scheme = _SCHEME.match(stripped)
    if scheme is None:
        return _evse_or_unknown(normalize_evse_id(stripped), text)
    if scheme.group().lower() not in ("http:", "https:"):
        return _unknown(text)
    return _parse_url(stripped, text, base)


@dataclass(frozen=True, slots=True)
class _Base:
    host: str
    port: int | None
    segments: tuple[str, ...]


@lru_cache(maxsize=16)
def _base(public_base_url: str) -> _Base:
    parts = urlsplit(public_base_url.strip())
    if parts.scheme.lower() not in _DEFAULT_PORTS or not parts.hostname:
        raise ValueError(f"public base URL must be an http(s) URL with a host: {public_base_url!r}")
    if parts.query or parts.fragment or parts.username is not None:
        raise ValueError(f"public base URL must not carry a query, fragment or user: {public_base_url!r}")
    segments = tuple(s.lower() for s in parts.path.split("/") if s)
    return _Base(_canonical_host(parts.hostname), _effective_port(parts.scheme, parts.port), segments)


def _canonical_host(hostname: str) -> str:
    host = hostname.rstrip(".").lower()
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return host


def _effective_port(scheme: str, port: int | None) -> int | None:
    # http and https are both tolerated, so both default ports mean "no explicit port".
    return None if port is None or port == _DEFAULT_PORTS.get(scheme.lower()) else port


def _unknown(raw: str) -> QrReference:
    return QrReference(kind="unknown", qr_id=None, evse_id_key=None, raw=raw)


def _evse_or_unknown(key: str | None, raw: str) -> QrReference:
    if key is None:
        return _unknown(raw)
    return QrReference(kind="evse_id", qr_id=None, evse_id_key=key, raw=raw)


def _parse_url(url: str, raw: str, base: _Base) -> QrReference:
    if any(ch.isspace() or unicodedata.category(ch).startswith("C") for ch in url):
        return _unknown(raw)
    try:
        parts = urlsplit(url)
        hostname = parts.hostname
        port = parts.port
    except ValueError:
        return _unknown(raw)
    # A sticker never carries user info; "https://ours@evil.example/" is a phishing pattern.
    if not hostname or parts.username is not None or "@" in parts.netloc:
        return _unknown(raw)

    if _canonical_host(hostname) == base.host and _effective_port(parts.scheme, port) == base.port:
        qr_id = _sticker_id(parts.path, base.segments)
        if qr_id is not None:
            return QrReference(kind="sticker", qr_id=qr_id, evse_id_key=None, raw=raw)

    for name, value in parse_qsl(parts.query):
        if name.lower().replace("_", "").replace("-", "") == "evseid":
            key = normalize_evse_id(value)
            if key is not None:
                return _evse_or_unknown(key, raw)
    segments = [s for s in parts.path.split("/") if s]
    return _evse_or_unknown(normalize_evse_id(unquote(segments[-1])) if segments else None, raw)


def _sticker_id(path: str, base_segments: tuple[str, ...]) -> str | None:
    if not path.startswith("/"):
        return None
    segments = path[1:].removesuffix("/").split("/")
    prefix = (*base_segments, "qr")
    if len(segments) != len(prefix) + 1:
        return None
    # Some generators upper-case whole URLs to fit QR's compact alphanumeric mode, so the fixed
    # segments compare case-insensitively; the id itself is case-sensitive.
    if tuple(s.lower() for s in segments[:-1]) != prefix:
        return None
    qr_id = segments[-1]
    return qr_id if _QR_ID.fullmatch(qr_id) else None


# --- rendering -------------------------------------------------------------------------------

_QUIET_ZONE = 4  # modules of white around the symbol, as ISO/IEC 18004 asks for
_MODULE_PX = 10
_MAX_CAPTION = 64
_GLYPH_W, _GLYPH_H = 5, 7

# A 5x7 bitmap font for printable ASCII, one line per character: the character, then seven rows
# top to bottom as two hex digits each (bit 4 is the leftmost pixel). A built-in font keeps the
# PNG caption identical on every machine without a graphics library.
_FONT_SOURCE = r"""
! 04040404040004
" 0A0A0A00000000
# 0A0A1F0A1F0A0A
$ 040F140E051E04
% 18190204081303
& 0C12140815120D
' 0C040800000000
( 02040808080402
) 08040202020408
* 0004150E150400
+ 0004041F040400
, 000000000C0408
- 0000001F000000
. 00000000000C0C
/ 00010204081000
0 0E11131519110E
1 040C040404040E
2 0E11010204081F
3 1F02040201110E
4 02060A121F0202
5 1F101E0101110E
6 0608101E11110E
7 1F010204080808
8 0E11110E11110E
9 0E11110F01020C
: 000C0C000C0C00
; 000C0C000C0408
< 02040810080402
= 00001F001F0000
> 08040201020408
? 0E110102040004
@ 0E11010D15150E
A 0E1111111F1111
B 1E11111E11111E
C 0E11101010110E
D 1C12111111121C
E 1F10101E10101F
F 1F10101E101010
G 0E11101711110F
H 1111111F111111
I 0E04040404040E
J 0702020202120C
K 11121418141211
L 1010101010101F
M 111B1515111111
N 11111915131111
O 0E11111111110E
P 1E11111E101010
Q 0E11111115120D
R 1E11111E141211
S 0F10100E01011E
T 1F040404040404
U 1111111111110E
V 11111111110A04
W 1111111515150A
X 11110A040A1111
Y 1111110A040404
Z 1F01020408101F
[ 0E08080808080E
\ 00100804020100
] 0E02020202020E
^ 040A1100000000
_ 0000000000001F
` 08040200000000
a 00000E010F110F
b 1010161911111E
c 00000E1010110E
d 01010D1311110F
e 00000E111F100E
f 0609081C080808
g 000F11110F010E
h 10101619111111
i 04000C0404040E
j 0200060202120C
k 10101214181412
l 0C04040404040E
m 00001A15151111
n 00001619111111
o 00000E1111110E
p 00001E111E1010
q 00000D130F0101
r 00001619101010
s 00000E100E011E
t 08081C08080906
u 0000111111130D
v 00001111110A04
w 0000111115150A
x 0000110A040A11
y 000011110F010E
z 00001F0204081F
{ 02040408040402
| 04040404040404
} 08040402040408
~ 00000815020000
"""


def _load_font() -> dict[str, npt.NDArray[np.bool_]]:
    glyphs = {" ": np.zeros((_GLYPH_H, _GLYPH_W), dtype=np.bool_)}
    for line in _FONT_SOURCE.strip().splitlines():
        rows = bytes.fromhex(line[2:].replace(" ", ""))
        bits = [[bool(row >> (_GLYPH_W - 1 - col) & 1) for col in range(_GLYPH_W)] for row in rows]
        glyphs[line[0]] = np.array(bits, dtype=np.bool_)
    return glyphs


_FONT: Final = _load_font()


def _qr_modules(url: str) -> npt.NDArray[np.bool_]:
    """The QR symbol with its quiet zone, True for dark modules."""
    if not url:
        raise ValueError("nothing to encode")
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=_QUIET_ZONE)
    code.add_data(url)
    try:
        code.make(fit=True)
    except (DataOverflowError, ValueError) as exc:
        # qrcode reports overflow either way, depending on whether it ran out of versions.
        raise ValueError(f"too long for a QR code: {len(url)} characters") from exc
    return np.array(code.get_matrix(), dtype=np.bool_)


def _clean_caption(caption: str) -> str:
    # One line, no characters XML 1.0 forbids, and short enough to stay under the code.
    text = " ".join(
        "".join(ch for ch in caption if not unicodedata.category(ch).startswith("C") or ch.isspace()).split()
    )
    return text if len(text) <= _MAX_CAPTION else text[: _MAX_CAPTION - 3] + "..."


def _ascii_caption(caption: str) -> str:
    # Accents are dropped ("Liège" -> "Liege") rather than lost to "?" where the font has no glyph.
    folded = unicodedata.normalize("NFKD", caption)
    return "".join(ch if ch in _FONT else "?" for ch in folded if not unicodedata.combining(ch))


def render_png(url: str, caption: str) -> bytes:
    """A black-on-white PNG of the QR code for ``url`` with ``caption`` printed under it.

    Error correction level M, a four-module quiet zone, 10 pixels per module. The caption (usually
    the EVSE id, e.g. ``NL*GFX*E123*1``) is drawn in a built-in bitmap font; characters outside
    printable ASCII are folded or shown as ``?``. Raises ValueError if ``url`` is empty or too long
    for a QR code.
    """
    modules = _qr_modules(url)
    qr_px = modules.shape[0] * _MODULE_PX
    text = _ascii_caption(_clean_caption(caption))
    margin = _QUIET_ZONE * _MODULE_PX // 2
    scale = 0
    if text:
        advance = _GLYPH_W + 1
        scale = max(2, min(5, (qr_px - 2 * margin) // (len(text) * advance)))
        text_w = (len(text) * advance - 1) * scale
        width = max(qr_px, text_w + 2 * margin)
        height = qr_px + _GLYPH_H * scale + margin
    else:
        width, height = qr_px, qr_px

    ink = np.zeros((height, width), dtype=np.bool_)
    qr_left = (width - qr_px) // 2
    ink[:qr_px, qr_left : qr_left + qr_px] = modules.repeat(_MODULE_PX, axis=0).repeat(_MODULE_PX, axis=1)
    if text:
        # The caption starts below the quiet zone: marks inside it would hinder scanning.
        x = (width - text_w) // 2
        cell = scale * (_GLYPH_W + 1)
        for ch in text:
            glyph = _FONT[ch].repeat(scale, axis=0).repeat(scale, axis=1)
            ink[qr_px : qr_px + glyph.shape[0], x : x + glyph.shape[1]] = glyph
            x += cell

    # Greyscale bit depth 1: a set bit is white.
    packed = np.packbits(~ink, axis=1)
    writer = png.Writer(width=width, height=height, greyscale=True, bitdepth=1)
    out = io.BytesIO()
    writer.write_packed(out, (row.tobytes() for row in packed))
    return out.getvalue()


def render_svg(url: str, caption: str) -> bytes:
    """An SVG (UTF-8 XML) of the QR code for ``url`` with ``caption`` in a ``<text>`` under it.

    Same symbol as :func:`render_png`; the caption is XML-escaped and also given as the image's
    ``<title>``. Raises ValueError if ``url`` is empty or too long for a QR code.
    """
    modules = _qr_modules(url)
    size = modules.shape[0]
    qr_px = size * _MODULE_PX
    text = _clean_caption(caption)
    margin = _QUIET_ZONE * _MODULE_PX // 2
    width, height = qr_px, qr_px
    font_px = 0
    if text:
        # Monospace glyphs are about 0.6 em wide; keep the caption within the symbol's width.
        font_px = max(12, min(28, int((qr_px - 2 * margin) / (0.6 * len(text)))))
        width = max(qr_px, int(0.6 * font_px * len(text)) + 2 * margin)
        height = qr_px + font_px + margin

    path: list[str] = []
    for y, row in enumerate(modules.tolist()):
        x = 0
        while x < size:
            if row[x]:
                start = x
                while x < size and row[x]:
                    x += 1
                path.append(f"M{start} {y}h{x - start}v1h{start - x}z")
            else:
                x += 1

    qr_left = (width - qr_px) // 2
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img">',
    ]
    if text:
        lines.append(f"<title>{escape(text)}</title>")
    lines += [
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
        f'<path transform="translate({qr_left} 0) scale({_MODULE_PX})" fill="#000000" '
        f'shape-rendering="crispEdges" d="{"".join(path)}"/>',
    ]
    if text:
        lines.append(
            f'<text x="{width / 2:g}" y="{qr_px + font_px * 0.8:g}" text-anchor="middle" '
            f'font-family="DejaVu Sans Mono, Menlo, Consolas, monospace" font-size="{font_px}" '
            f'fill="#000000">{escape(text)}</text>'
        )
    lines.append("</svg>")
    return ("\n".join(lines) + "\n").encode("utf-8")
