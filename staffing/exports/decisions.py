"""Decisions as Word documents in the Decree 30/2020/NĐ-CP layout, one at a time or a whole plan as a ZIP.

The page (size, margins, styles, letterhead header) comes from the province's decision.docx; the body is
written here as WordprocessingML, straight into a copy of that package: thousands of decisions a minute.
"""

from __future__ import annotations

import math
import re
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO
from xml.sax.saxutils import escape

from .compose import ANNEX_HEADERS, DecisionDoc
from .text import ascii_slug

FONT = "Times New Roman"
RED = "C00000"
NATIONAL = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
PARTY = "ĐẢNG CỘNG SẢN VIỆT NAM"
LEFT_SHARE = 0.40  # the issuing body's column of the heading table
CM = 567  # twips per centimetre
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
HEADER_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/header"
HEADER_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"
DOCUMENT = "word/document.xml"
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

# ------------------------------------------------------------------ WordprocessingML pieces


def run(
    text: str,
    *,
    b: bool = False,
    i: bool = False,
    size: float = 14,
    u: bool = False,
    color: str | None = None,
    page_break: bool = False,
) -> str:
    """One run, its font set explicitly so a replaced template cannot change the official font."""
    props = [f'<w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}" w:cs="{FONT}" w:eastAsia="{FONT}"/>']
    if b:
        props.append("<w:b/><w:bCs/>")
    if i:
        props.append("<w:i/><w:iCs/>")
    if color:
        props.append(f'<w:color w:val="{color}"/>')
    half = round(size * 2)
    props.append(f'<w:sz w:val="{half}"/><w:szCs w:val="{half}"/>')
    if u:
        props.append('<w:u w:val="single"/>')
    text = _NOT_XML.sub("", text)  # control characters from a roster would make the file unreadable
    content = '<w:br w:type="page"/>' if page_break else f'<w:t xml:space="preserve">{escape(text)}</w:t>'
    return f"<w:r><w:rPr>{''.join(props)}</w:rPr>{content}</w:r>"


def para(
    runs: str = "",
    *,
    jc: str = "both",
    first_line: int = 0,
    before: int = 0,
    after: int = 0,
    left: int = 0,
    right: int = 0,
    border_bottom: bool = False,
    keep_next: bool = False,
    line: int = 0,
) -> str:
    """One paragraph; spacing in points, indents in twips."""
    props = []
    if keep_next:
        props.append("<w:keepNext/>")
    if border_bottom:
        props.append('<w:pBdr><w:bottom w:val="single" w:sz="6" w:space="1" w:color="000000"/></w:pBdr>')
    spacing = f'<w:spacing w:before="{before * 20}" w:after="{after * 20}"'
    spacing += f' w:line="{line}" w:lineRule="auto"/>' if line else "/>"
    props.append(spacing)
    if first_line or left or right:
        props.append(f'<w:ind w:left="{left}" w:right="{right}" w:firstLine="{first_line}"/>')
    props.append(f'<w:jc w:val="{jc}"/>')
    return f"<w:p><w:pPr>{''.join(props)}</w:pPr>{runs}</w:p>"


def rule(line: int, box: int) -> str:
    """A short centred line under a heading: an empty paragraph with a bottom border, indented both sides."""
    side = max(0, (box - line) // 2)
    return para(run("", size=2), jc="center", left=side, right=side, border_bottom=True, after=4)


def table(rows: list[list[str]], widths: list[int], *, borders: bool = False, header_rows: int = 0) -> str:
    """A fixed-layout table; each cell is a list of paragraphs already joined."""
    edge = (
        '<w:{0} w:val="single" w:sz="4" w:space="0" w:color="000000"/>' if borders else '<w:{0} w:val="nil"/>'
    )
    edges = "".join(edge.format(e) for e in ("top", "left", "bottom", "right", "insideH", "insideV"))
    out = [
        f'<w:tbl><w:tblPr><w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:jc w:val="center"/>'
        f'<w:tblBorders>{edges}</w:tblBorders><w:tblLayout w:type="fixed"/>'
        '<w:tblCellMar><w:left w:w="57" w:type="dxa"/><w:right w:w="57" w:type="dxa"/></w:tblCellMar>'
        '<w:tblLook w:val="0000"/></w:tblPr><w:tblGrid>'
    ]
    out += [f'<w:gridCol w:w="{w}"/>' for w in widths]
    out.append("</w:tblGrid>")
    for n, cells in enumerate(rows):
        trpr = (
            "<w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>"
            if n < header_rows
            else "<w:trPr><w:cantSplit/></w:trPr>"
        )
        out.append(f"<w:tr>{trpr}")
        for w, content in zip(widths, cells, strict=True):
            out.append(f'<w:tc><w:tcPr><w:tcW w:w="{w}" w:type="dxa"/></w:tcPr>{content or para()}</w:tc>')
        out.append("</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)


def centred(text: str, **kw: object) -> str:
    """A centred single-run paragraph."""
    return para(run(text, **kw), jc="center")  # type: ignore[arg-type]


# ------------------------------------------------------------------ the body of a decision


def body_xml(d: DecisionDoc, width: int) -> str:
    """The body of one decision, from heading to signature (and annex)."""
    parts = [_heading(d, width), _title(d, width)]
    parts += [para(run(t, i=True), first_line=720, after=3) for t in d.bases]
    parts.append(para(run(d.decide, b=True), jc="center", before=6, after=6, keep_next=True))
    parts += [para(run(head + " ", b=True) + run(text), first_line=720, after=6) for head, text in d.articles]
    parts.append(_signature(d, width))
    if d.annexed:
        parts.append(_annex(d, width))
    return "".join(parts)


def _heading(d: DecisionDoc, width: int) -> str:
    """Issuing body | national title (or the Party's name), then number | place and date."""
    left = int(width * LEFT_SHARE)
    right = width - left
    body = [centred(line, size=13) for line in d.parent] + [centred(line, b=True, size=13) for line in d.body]
    if d.party:
        body.append(centred("*", size=13))
        title = [centred(PARTY, b=True, size=14, u=True)]
    else:
        body.append(rule(int(left * 0.4), left))
        title = [
            centred(NATIONAL, b=True, size=12.5),
            centred(MOTTO, b=True, size=13.5),
            rule(int(right * 0.62), right),
        ]
    number = [centred(d.number, size=13)]
    place = [centred(d.place_date, i=True, size=14)]
    return table([["".join(body), "".join(title)], ["".join(number), "".join(place)]], [left, right])


def _title(d: DecisionDoc, width: int) -> str:
    out = [
        para(run("QUYẾT ĐỊNH", b=True), jc="center", before=12),
        para(run(d.summary, b=True), jc="center"),
        rule(2 * CM, width),
    ]
    if d.authority:
        out.append(para(run(d.authority, b=True), jc="center", before=6, after=6))
    return "".join(out)


def _signature(d: DecisionDoc, width: int) -> str:
    """Recipients on the left; the signer's authority, title, room to sign, and name on the right."""
    half = width // 2
    left = [para(run("Nơi nhận:", b=True, i=True, size=12), jc="left", before=6)]
    left += [para(run(f"- {line}", size=11), jc="left") for line in d.recipients]
    right = [para(run(d.sign_for, b=True), jc="center", before=6), centred(d.sign_title, b=True)]
    right += [para()] * 4 + [centred(d.signer, b=True)]
    return table([["".join(left), "".join(right)]], [half, width - half])


ANNEX_WIDTHS_CM = (1.2, 3.8, 2.6, 3.9, 3.9)


def _annex(d: DecisionDoc, width: int) -> str:
    """The annexed list of people, on a new page, its header row repeated on every page."""
    widths = [int(w * CM) for w in ANNEX_WIDTHS_CM]
    widths.append(max(int(1.1 * CM), width - sum(widths)))
    out = [
        para(run("", page_break=True)),
        centred(d.annex_title, b=True),
        centred(d.summary, b=True),
        para(run(d.annex_note, i=True, size=13), jc="center", after=6),
    ]
    rows = [[centred(h, b=True, size=11) for h in ANNEX_HEADERS]]
    for n, p in enumerate(d.people, start=1):
        rows.append(
            [
                centred(str(n), size=11),
                para(run(p.name, size=11), jc="left"),
                centred(p.birth_date, size=11),
                para(run(p.old_post, size=11), jc="left"),
                para(run(p.title, size=11), jc="left"),
                para(run(p.kept_note, size=11), jc="left") if p.kept_note else para(),
            ]
        )
    out.append(table(rows, widths, borders=True, header_rows=1))
    return "".join(out)


# ------------------------------------------------------------------ the package


class TemplateError(ValueError):
    """A decision.docx that cannot serve as a template."""


class DocxRenderer:
    """Lays decisions out in a copy of the province's decision.docx (page setup, styles, letterhead)."""

    def __init__(self, template: Path) -> None:
        self.template = template
        with zipfile.ZipFile(template) as zf:
            parts = {name: zf.read(name) for name in zf.namelist()}
        if DOCUMENT not in parts:
            raise TemplateError(f"{template}: no {DOCUMENT}")
        xml = parts[DOCUMENT].decode("utf-8")
        body = re.search(r"<w:body\s*>", xml)
        sect = xml.rfind("<w:sectPr")
        end = xml.rfind("</w:body>")
        if body is None or sect < 0 or end < 0:
            raise TemplateError(f"{template}: {DOCUMENT} has no body or section properties")
        head = xml[: body.end()]
        if f'xmlns:r="{R_NS}"' not in head:
            head = head.replace("<w:document ", f'<w:document xmlns:r="{R_NS}" ', 1)
        self.head, self.sect, self.tail = head, xml[sect:end], xml[end:]
        self.width = _text_width(self.sect)
        self.parts = {k: v for k, v in parts.items() if k != DOCUMENT}
        self._packages: dict[str | None, tuple[_Package, str]] = {None: (_Package(self.parts), self.sect)}

    def _package(self, mark: str | None) -> tuple[_Package, str]:
        """The other parts, compressed once, and the section properties; with the draft mark when given."""
        if mark not in self._packages:
            parts = _with_draft_header(self.parts, self.sect, mark or "")
            sect = parts.pop("\0sect").decode("utf-8")
            self._packages[mark] = (_Package(parts), sect)
        return self._packages[mark]

    def render(self, decision: DecisionDoc) -> bytes:
        """One decision as .docx bytes."""
        package, sect = self._package(decision.draft_mark if decision.draft else None)
        document = f"{self.head}{body_xml(decision, self.width)}{sect}{self.tail}".encode()
        return package.with_document(document)


class _Package:
    """A .docx whose every part but word/document.xml is deflated once and reused for each decision."""

    def __init__(self, parts: dict[str, bytes]) -> None:
        order = sorted(parts, key=lambda n: n != "[Content_Types].xml")  # the content types first
        self.entries = [_Entry.deflate(name, parts[name]) for name in order]
        self.local = b"".join(e.local() for e in self.entries)

    def with_document(self, document: bytes) -> bytes:
        """The whole package as ZIP bytes, with this document part."""
        entries = [*self.entries, _Entry.deflate(DOCUMENT, document)]
        body = self.local + entries[-1].local()
        offset, central = 0, []
        for e in entries:
            central.append(e.central(offset))
            offset += e.local_size
        directory = b"".join(central)
        end = struct.pack(
            "<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(directory), len(body), 0
        )
        return body + directory + end


_DOS_TIME, _DOS_DATE = 0, (2025 - 1980) << 9 | 7 << 5 | 1  # 01/07/2025 00:00, so output is reproducible


class _Entry:
    """One deflated ZIP member: its local header and data, and its central directory record."""

    def __init__(self, name: bytes, crc: int, data: bytes, size: int) -> None:
        self.name, self.crc, self.data, self.size = name, crc, data, size
        self.local_size = 30 + len(name) + len(data)

    @classmethod
    def deflate(cls, name: str, blob: bytes) -> _Entry:
        """A member compressed with raw deflate, as ZIP stores it."""
        packer = zlib.compressobj(6, zlib.DEFLATED, -15)
        data = packer.compress(blob) + packer.flush()
        return cls(name.encode("ascii"), zlib.crc32(blob), data, len(blob))

    def local(self) -> bytes:
        """Local file header and data."""
        head = struct.pack(
            "<IHHHHHIIIHH",
            0x04034B50,
            20,
            0,
            8,
            _DOS_TIME,
            _DOS_DATE,
            self.crc,
            len(self.data),
            self.size,
            len(self.name),
            0,
        )
        return head + self.name + self.data

    def central(self, offset: int) -> bytes:
        """Central directory record pointing at the local header at `offset`."""
        head = struct.pack(
            "<IHHHHHHIIIHHHHHII",
            0x02014B50,
            20,
            20,
            0,
            8,
            _DOS_TIME,
            _DOS_DATE,
            self.crc,
            len(self.data),
            self.size,
            len(self.name),
            0,
            0,
            0,
            0,
            0,
            offset,
        )
        return head + self.name


class Renderers:
    """One DocxRenderer per template file, chosen by each decision's issuer."""

    def __init__(self, template_for: Callable[[str], Path]) -> None:
        self.template_for = template_for
        self._by_path: dict[Path, DocxRenderer] = {}
        self._by_issuer: dict[str, DocxRenderer] = {}

    def for_issuer(self, issuer: str) -> DocxRenderer:
        """The renderer of an issuer's template (looked up and loaded once)."""
        if issuer not in self._by_issuer:
            path = self.template_for(issuer)
            if path not in self._by_path:
                self._by_path[path] = DocxRenderer(path)
            self._by_issuer[issuer] = self._by_path[path]
        return self._by_issuer[issuer]

    def render(self, decision: DecisionDoc) -> bytes:
        """One decision as .docx bytes, in its issuer's template."""
        return self.for_issuer(decision.issuer).render(decision)


def _text_width(sect: str) -> int:
    """Width between the margins, in twips, from the section's page size and margins."""

    def attr(tag: str, name: str, default: int) -> int:
        m = re.search(rf"<w:{tag}\b[^>]*\bw:{name}=\"(\d+)\"", sect)
        return int(m.group(1)) if m else default

    return attr("pgSz", "w", 11906) - attr("pgMar", "left", 1701) - attr("pgMar", "right", 850)


V_NS = "urn:schemas-microsoft-com:vml"
O_NS = "urn:schemas-microsoft-com:office:office"


def _watermark(mark: str) -> str:
    """The mark written diagonally across the page, pale, behind the text (Word's own watermark shape)."""
    style = (
        "position:absolute;margin-left:0;margin-top:0;width:440pt;height:110pt;rotation:315;"
        "z-index:-251657216;mso-position-horizontal:center;mso-position-horizontal-relative:margin;"
        "mso-position-vertical:center;mso-position-vertical-relative:margin"
    )
    return (
        '<w:r><w:pict><v:shapetype id="_x0000_t136" coordsize="21600,21600" o:spt="136" adj="10800" '
        'path="m@7,l@8,m@5,21600l@6,21600e"><v:path textpathok="t" o:connecttype="custom"/>'
        '<v:textpath on="t" fitshape="t"/></v:shapetype>'
        f'<v:shape id="PowerPlusWaterMarkObject1" o:spid="_x0000_s2049" type="#_x0000_t136" style="{style}" '
        'o:allowincell="f" fillcolor="#d8d8d8" stroked="f"><v:fill opacity=".5"/>'
        f'<v:textpath style="font-family:&quot;{FONT}&quot;;font-size:1pt" string="{escape(mark)}"/>'
        "</v:shape></w:pict></w:r>"
    )


def _draft_paragraph(mark: str) -> str:
    return para(run(mark, b=True, size=14, color=RED) + _watermark(mark), jc="center")


def _with_vml(opening: str) -> str:
    """The header's root tag declaring the VML namespaces the watermark needs."""
    for prefix, ns in (("v", V_NS), ("o", O_NS)):
        if f"xmlns:{prefix}=" not in opening:
            opening = opening.replace("<w:hdr", f'<w:hdr xmlns:{prefix}="{ns}"', 1)
    return opening


def _with_draft_header(parts: dict[str, bytes], sect: str, mark: str) -> dict[str, bytes]:
    """Parts whose every header starts with the draft mark; the new sectPr under the key NUL+"sect"."""
    out = dict(parts)
    rels_name = "word/_rels/document.xml.rels"
    rels = out.get(rels_name, b"").decode("utf-8")
    targets = dict(re.findall(r'<Relationship\b[^>]*?Id="([^"]+)"[^>]*?Target="([^"]+)"', rels))
    targets.update(
        {k: v for v, k in re.findall(r'<Relationship\b[^>]*?Target="([^"]+)"[^>]*?Id="([^"]+)"', rels)}
    )
    refs = dict(re.findall(r'<w:headerReference\b[^>]*?w:type="(\w+)"[^>]*?r:id="([^"]+)"', sect))
    refs.update(
        {t: i for i, t in re.findall(r'<w:headerReference\b[^>]*?r:id="([^"]+)"[^>]*?w:type="(\w+)"', sect)}
    )
    needed = ["default"] + (["first"] if "<w:titlePg" in sect else [])
    new_refs = []
    for kind in needed:
        rid = refs.get(kind)
        if rid and rid in targets:
            name = "word/" + targets[rid].lstrip("/").removeprefix("word/")
            xml = out[name].decode("utf-8")
            opening = re.search(r"<w:hdr\b[^>]*>", xml)
            if opening is None:
                continue
            head = _with_vml(opening.group(0))
            out[name] = (
                xml[: opening.start()] + head + _draft_paragraph(mark) + xml[opening.end() :]
            ).encode()
            continue
        rid = f"rIdDraft{kind.title()}"
        name = f"header_draft_{kind}.xml"
        out[f"word/{name}"] = (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<w:hdr xmlns:w="{W_NS}" xmlns:r="{R_NS}" xmlns:v="{V_NS}" xmlns:o="{O_NS}">'
            f"{_draft_paragraph(mark)}</w:hdr>"
        ).encode()
        rels = rels.replace(
            "</Relationships>",
            f'<Relationship Id="{rid}" Type="{HEADER_REL}" Target="{name}"/></Relationships>',
        )
        ct = out["[Content_Types].xml"].decode("utf-8")
        out["[Content_Types].xml"] = ct.replace(
            "</Types>", f'<Override PartName="/word/{name}" ContentType="{HEADER_CT}"/></Types>'
        ).encode()
        new_refs.append(f'<w:headerReference w:type="{kind}" r:id="{rid}"/>')
    out[rels_name] = rels.encode()
    opening = re.match(r"<w:sectPr\b[^>]*>", sect)
    if opening is None:  # an empty <w:sectPr/>
        sect = "<w:sectPr>" + "".join(new_refs) + "</w:sectPr>"
    else:
        sect = sect[: opening.end()] + "".join(new_refs) + sect[opening.end() :]
    out["\0sect"] = sect.encode()
    return out


# ------------------------------------------------------------------ the default template

_CT = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/><Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/><Override PartName="/word/header1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/><Override PartName="/word/header2.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/><Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/></Types>"""  # noqa: E501
_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/></Relationships>"""  # noqa: E501
_DOC_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header1.xml"/><Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header2.xml"/></Relationships>"""  # noqa: E501
_CORE = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>Quyết định</dc:title><dc:creator>staffing</dc:creator></cp:coreProperties>"""  # noqa: E501
_APP = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>staffing</Application></Properties>"""
_SETTINGS = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:settings xmlns:w="{W_NS}"><w:defaultTabStop w:val="720"/><w:characterSpacingControl w:val="doNotCompress"/><w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat></w:settings>"""  # noqa: E501
_STYLES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="{W_NS}"><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}" w:cs="{FONT}" w:eastAsia="{FONT}"/><w:sz w:val="28"/><w:szCs w:val="28"/><w:lang w:val="vi-VN" w:eastAsia="en-US" w:bidi="ar-SA"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr></w:pPrDefault></w:docDefaults><w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/><w:rPr><w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}" w:cs="{FONT}" w:eastAsia="{FONT}"/><w:sz w:val="28"/><w:szCs w:val="28"/></w:rPr></w:style><w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont"><w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/></w:style><w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/><w:semiHidden/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style><w:style w:type="paragraph" w:styleId="Header"><w:name w:val="header"/><w:basedOn w:val="Normal"/></w:style></w:styles>"""  # noqa: E501


_RPR13 = f'<w:rPr><w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}" w:cs="{FONT}"/><w:sz w:val="26"/></w:rPr>'


def make_base_template(
    path: Path, *, top_mm: float = 20, bottom_mm: float = 20, left_mm: float = 30, right_mm: float = 15
) -> None:
    """Write the default decision.docx: A4 portrait, official margins, Times New Roman 14, empty body."""

    def tw(mm: float) -> int:
        return math.ceil(mm * 1440 / 25.4)  # up, so 15 mm never reads back as 14.99

    document = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<w:document xmlns:w="{W_NS}" xmlns:r="{R_NS}"><w:body><w:sectPr>'
        '<w:headerReference w:type="default" r:id="rId3"/><w:headerReference w:type="first" r:id="rId4"/>'
        f'<w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="{tw(top_mm)}" w:right="{tw(right_mm)}" '
        f'w:bottom="{tw(bottom_mm)}" w:left="{tw(left_mm)}" w:header="567" w:footer="567" w:gutter="0"/>'
        '<w:cols w:space="720"/><w:titlePg/><w:docGrid w:linePitch="360"/></w:sectPr></w:body></w:document>'
    )
    # Decree 30/2020: pages numbered from the second, centred in the top margin, 13-14 pt upright
    page = (
        f'<w:r>{_RPR13}<w:fldChar w:fldCharType="begin"/></w:r>'
        f'<w:r>{_RPR13}<w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
        f'<w:r>{_RPR13}<w:fldChar w:fldCharType="end"/></w:r>'
    )
    header = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    header += '<w:hdr xmlns:w="{0}" xmlns:r="{1}">{2}</w:hdr>'
    numbered = header.format(W_NS, R_NS, para(page, jc="center"))
    first = header.format(W_NS, R_NS, para())
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, text in (
            ("[Content_Types].xml", _CT),
            ("_rels/.rels", _RELS),
            ("docProps/core.xml", _CORE),
            ("docProps/app.xml", _APP),
            ("word/_rels/document.xml.rels", _DOC_RELS),
            ("word/settings.xml", _SETTINGS),
            ("word/styles.xml", _STYLES),
            ("word/header1.xml", numbered),
            ("word/header2.xml", first),
            (DOCUMENT, document),
        ):
            zf.writestr(name, text)


# ------------------------------------------------------------------ batches


def archive_name(decision: DecisionDoc) -> str:
    """Where a decision sits in the ZIP or output folder: <commune code>_<commune>/<file>."""
    return f"{decision.commune_code}_{ascii_slug(decision.commune_name, 40)}/{decision.filename}"


def render_all(
    decisions: Iterable[DecisionDoc], renderer: DocxRenderer | Renderers
) -> Iterable[tuple[str, bytes]]:
    """(archive name, .docx bytes) of each decision, in order."""
    for d in decisions:
        yield archive_name(d), renderer.render(d)


def write_zip(
    decisions: list[DecisionDoc],
    renderer: DocxRenderer | Renderers,
    out: IO[bytes],
    index: bytes,
    index_name: str,
    progress: Callable[[int, int], None] | None = None,
) -> None:
    """A ZIP of every decision under a folder per commune, with the table of contents at its root."""
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as zf:
        zf.writestr(index_name, index)
        for n, (arcname, blob) in enumerate(render_all(decisions, renderer), start=1):
            zf.writestr(arcname, blob)  # a .docx is deflated already
            if progress is not None:
                progress(n, len(decisions))
