"""Blank import templates (.xlsx, xlsxwriter): canonical headers, dropdowns, instructions in Vietnamese."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from imports.columns import CAPS, MERGER_MAP, POSITIONS, QUOTAS, RELATIONS, REQUIREMENTS, ROSTER, ColumnMap
from imports.vocab import (
    APPLIES_KIND,
    ATTRIBUTES,
    BLOCK,
    CATEGORY,
    EDUCATION,
    FIELD_CODES,
    GENDER,
    JOB_FAMILIES,
    LEVEL,
    NEW_KIND,
    OP,
    POLITICAL_THEORY,
    RATING,
    RULES,
    STATE_MANAGEMENT,
    YES_NO,
)

DATA_ROWS = 2000  # rows that get the dropdowns
RATING_YEARS = (2022, 2023, 2024)
LISTS_SHEET = "Danh mục"
GUIDE_SHEET = "Hướng dẫn"
RELATION_CHOICES = [
    "Vợ",
    "Chồng",
    "Cha",
    "Mẹ",
    "Con",
    "Anh",
    "Chị",
    "Em",
    "Bố vợ",
    "Mẹ vợ",
    "Bố chồng",
    "Mẹ chồng",
]


@dataclass
class _SheetSpec:
    name: str
    columns: list[tuple[str, int, Sequence[str] | None, bool]]  # header, width, dropdown values, text format
    notes: list[str] = field(default_factory=list)


def _col(
    cmap: ColumnMap, key: str, width: int = 16, values: Sequence[str] | None = None, text: bool = False
) -> tuple[str, int, Sequence[str] | None, bool]:
    return (cmap.by_key(key).header, width, values, text)


def _build(sheets: list[_SheetSpec], guide: list[str]) -> bytes:
    import xlsxwriter

    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    header = book.add_format(
        {
            "bold": True,
            "text_wrap": True,
            "valign": "vcenter",
            "align": "center",
            "bg_color": "#DDEBF7",
            "border": 1,
        }
    )
    text_format = book.add_format({"num_format": "@"})
    worksheets: list[tuple[Any, _SheetSpec]] = [(book.add_worksheet(spec.name), spec) for spec in sheets]
    lists = book.add_worksheet(LISTS_SHEET)
    guide_ws = book.add_worksheet(GUIDE_SHEET)
    list_col = 0
    for ws, spec in worksheets:
        ws.freeze_panes(1, 0)
        ws.set_row(0, 32)
        for c, (title, width, values, as_text) in enumerate(spec.columns):
            ws.write_string(0, c, title, header)
            ws.set_column(c, c, width, text_format if as_text else None)
            if values:
                source: str | list[str]
                joined = ",".join(values)
                if len(joined) <= 250 and not any("," in v for v in values):
                    source = list(values)
                else:
                    for r, v in enumerate(values):
                        lists.write_string(r, list_col, v)
                    letter = _letter(list_col)
                    source = f"='{LISTS_SHEET}'!${letter}$1:${letter}${len(values)}"
                    list_col += 1
                ws.data_validation(
                    1,
                    c,
                    DATA_ROWS,
                    c,
                    {
                        "validate": "list",
                        "source": source,
                        "error_type": "warning",
                        "error_title": "Giá trị không có trong danh mục",
                        "error_message": "Hãy chọn một giá trị trong danh sách thả xuống.",
                    },
                )
    lists.hide()
    guide_ws.set_column(0, 0, 120)
    bold = book.add_format({"bold": True, "font_size": 13})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    for r, line in enumerate(guide):
        guide_ws.write_string(r, 0, line, bold if r == 0 else wrap)
    book.close()
    return out.getvalue()


def _letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def blank_roster_template() -> bytes:
    """The blank roster workbook: sheet "Danh sách", sheet "Quan hệ gia đình", instructions."""
    r = ROSTER
    columns = [
        _col(r, "stt", 6),
        _col(r, "cccd", 16, text=True),
        _col(r, "name", 26),
        _col(r, "birth_date", 13, text=True),
        _col(r, "gender", 9, GENDER.labels),
        _col(r, "ethnicity", 10),
        _col(r, "home_commune", 20),
        _col(r, "category", 18, CATEGORY.labels),
        _col(r, "current_title", 34),
        _col(r, "education", 16, EDUCATION.labels[:6]),
        _col(r, "field", 22),
        _col(r, "political_theory", 14, POLITICAL_THEORY.labels),
        _col(r, "state_management", 20, STATE_MANAGEMENT.labels),
        _col(r, "party_member", 10, ["x", "Không"]),
        _col(r, "service_start", 14, text=True),
        *[(f"Xếp loại {year}", 14, RATING.labels, False) for year in RATING_YEARS],
        _col(r, "planned_for", 24),
        _col(
            r,
            "disciplined",
            14,
            ["Khiển trách", "Cảnh cáo", "Cách chức", "Buộc thôi việc", "Bãi nhiệm", "Khai trừ"],
        ),
        _col(r, "disciplined_until", 14, text=True),
        _col(r, "preferences", 26),
        _col(r, "retirement_date", 14, text=True),
        # pay (issue 14): the exit allowances and the 6-month pay protection are computed from them
        _col(r, "salary_coefficient", 12),
        _col(r, "position_allowance", 14),
        _col(r, "seniority_pct", 14),
        _col(r, "other_allowances", 16),
        _col(r, "insurance_years", 14),
        _col(r, "part_time_allowance", 18),
        _col(r, "note", 20),
    ]
    relations = [
        _col(RELATIONS, "stt", 6),
        _col(RELATIONS, "cccd", 16, text=True),
        _col(RELATIONS, "name", 26),
        _col(RELATIONS, "other_cccd", 18, text=True),
        _col(RELATIONS, "other_name", 26),
        _col(RELATIONS, "kind", 14, RELATION_CHOICES),
    ]
    guide = [
        "HƯỚNG DẪN ĐIỀN DANH SÁCH CÁN BỘ, CÔNG CHỨC",
        "Mỗi đơn vị cũ (xã, phường, thị trấn cũ hoặc cơ quan cấp huyện) điền một tệp. Không đổi "
        "tên cột, không chèn cột "
        "giữa các cột; có thể thêm dòng tiêu đề phía trên và phần chữ ký phía dưới bảng.",
        "Mỗi người một dòng, bắt đầu từ dòng 2 của sheet 'Danh sách'. Các cột có danh sách thả "
        "xuống: chọn một giá trị.",
        "Số CCCD: đủ 12 chữ số (cột đã định dạng Văn bản để giữ số 0 ở đầu). Người chưa có CCCD: để trống, "
        "hệ thống tạo mã tạm theo đơn vị, họ tên và ngày sinh.",
        "Họ và tên, Ngày sinh, Giới tính, Loại cán bộ: bắt buộc.",
        "Ngày: ghi dạng dd/mm/yyyy, ví dụ 12/04/1976.",
        "Nơi ở hiện nay, Nguyện vọng: tên hoặc mã xã MỚI (sau sắp xếp), ví dụ 'Xã Châu Sơn' hoặc 06637. "
        "Nhiều nguyện vọng cách nhau bằng dấu chấm phẩy (;), nguyện vọng 1 ghi trước.",
        "Trình độ chuyên môn: Tiến sĩ / Thạc sĩ / Đại học / Cao đẳng / Trung cấp / Sơ cấp (để "
        "trống nếu chưa qua đào tạo). "
        "Chuyên ngành: ghi tên ngành đào tạo, ví dụ 'Quản lý đất đai', 'Luật', 'Kế toán'.",
        "Lý luận chính trị: Cử nhân hoặc Cao cấp / Trung cấp / Sơ cấp. Quản lý nhà nước: Chuyên "
        "viên cao cấp / "
        "Chuyên viên chính / Chuyên viên / Cán sự.",
        "Đảng viên: x (hoặc ngày vào Đảng); để trống nếu không phải đảng viên.",
        "Xếp loại: mỗi năm một cột (HTXSNV, HTTNV, HTNV, KHTNV hoặc ghi đầy đủ).",
        "Quy hoạch: chức danh được quy hoạch, ví dụ 'Bí thư', 'Chủ tịch UBND', 'Trưởng phòng', "
        "'Phó Trưởng phòng'; "
        "nhiều chức danh cách nhau bằng dấu chấm phẩy (;).",
        "Kỷ luật: hình thức kỷ luật đang có hiệu lực (Khiển trách, Cảnh cáo, …) và ngày hết hạn nếu có.",
        "Lương, phụ cấp (dùng để tính chế độ khi nghỉ và bảo lưu phụ cấp chức vụ 6 tháng): "
        "Hệ số lương, ví dụ 4,98; Hệ số phụ cấp chức vụ, ví dụ 0,30; "
        "Phụ cấp thâm niên vượt khung (%), ví dụ 5; "
        "Phụ cấp khác và Mức phụ cấp hằng tháng của người hoạt động không chuyên trách: "
        "số đồng một tháng, ví dụ 1.200.000; Số năm đóng BHXH, ví dụ 28,5 hoặc '28 năm 3 tháng'. "
        "Để trống nếu chưa có: hệ thống chỉ cảnh báo.",
        "Sheet 'Quan hệ gia đình' (không bắt buộc): vợ/chồng, cha mẹ, con, anh chị em, bên "
        "vợ/chồng của cán bộ trong "
        "danh sách, nhất là người cũng đang công tác; ghi Số CCCD của cả hai người nếu có.",
        "Khi tải lên, hệ thống báo lỗi từng ô (sheet, dòng, cột, giá trị, cần sửa gì) và cho "
        "tải về bản sao có tô màu "
        "ô lỗi (đỏ) và ô cần xem lại (vàng).",
    ]
    return _build(
        [_SheetSpec("Danh sách", columns), _SheetSpec("Quan hệ gia đình", relations)],
        guide,
    )


def blank_merger_map_template() -> bytes:
    """The blank merger-map workbook."""
    m = MERGER_MAP
    columns = [
        _col(m, "stt", 6),
        _col(m, "new_code", 12, text=True),
        _col(m, "new_name", 26),
        _col(m, "new_kind", 12, NEW_KIND.labels),
        _col(m, "old_code", 14, text=True),
        _col(m, "old_name", 30),
        _col(m, "old_district", 22),
        _col(m, "old_kind", 20, ["Xã", "Phường", "Thị trấn", "Cơ quan cấp huyện"]),
        _col(m, "partial", 16, ["Một phần"]),
        _col(m, "extra", 16, ["x"]),
        _col(m, "note", 24),
    ]
    guide = [
        "HƯỚNG DẪN ĐIỀN PHƯƠNG ÁN SẮP XẾP ĐƠN VỊ HÀNH CHÍNH",
        "Mỗi dòng là một liên kết: một đơn vị cũ chuyển về một xã mới.",
        "Mã xã mới, Mã đơn vị cũ: mã đơn vị hành chính 5 chữ số (cột đã định dạng Văn bản để "
        "giữ số 0 ở đầu). "
        "Cơ quan cấp huyện dùng mã riêng, ví dụ H189.",
        "Xã cũ bị chia cho nhiều xã mới: ghi nhiều dòng (mỗi xã mới một dòng) và chọn 'Một "
        "phần' ở cột Sáp nhập một phần.",
        "Cơ quan cấp huyện (Loại đơn vị cũ = Cơ quan cấp huyện): một dòng cho mỗi xã mới mà cơ "
        "quan đó bố trí cán bộ về.",
        "Bổ sung ngoài huyện: ghi x nếu được điều động cán bộ sang xã mới này dù xã không thuộc "
        "huyện cũ (khi thiếu người).",
    ]
    return _build([_SheetSpec("Phương án", columns)], guide)


def blank_framework_template() -> bytes:
    """The blank framework workbook: sheets Vị trí, Yêu cầu, Biên chế, Trần chung."""
    applies = APPLIES_KIND.labels
    positions = [
        _col(POSITIONS, "applies_to", 14, applies),
        _col(POSITIONS, "code", 14, text=True),
        _col(POSITIONS, "block", 12, BLOCK.labels),
        _col(POSITIONS, "department", 30),
        _col(POSITIONS, "title", 34),
        _col(POSITIONS, "level", 14, LEVEL.labels),
        _col(POSITIONS, "job_family", 18, list(JOB_FAMILIES)),
        _col(POSITIONS, "min", 10),
        _col(POSITIONS, "max", 10),
    ]
    attributes = [label for label, _ in ATTRIBUTES.values()] + RULES.labels
    requirements = [
        _col(REQUIREMENTS, "applies_to", 14, applies),
        _col(REQUIREMENTS, "code", 14, text=True),
        _col(REQUIREMENTS, "attr", 28, attributes),
        _col(REQUIREMENTS, "op", 12, OP.labels),
        _col(REQUIREMENTS, "value", 30),
        _col(REQUIREMENTS, "hard", 10, YES_NO.labels),
    ]
    quotas = [
        _col(QUOTAS, "commune", 12, text=True),
        _col(QUOTAS, "commune_name", 26),
        _col(QUOTAS, "payroll_quota", 12),
        _col(QUOTAS, "target_quota", 12),
    ]
    caps = [
        _col(CAPS, "applies_to", 14, applies),
        _col(CAPS, "name", 24),
        _col(CAPS, "codes", 40),
        _col(CAPS, "max", 10),
    ]
    guide = [
        "HƯỚNG DẪN ĐIỀN KHUNG VỊ TRÍ VIỆC LÀM",
        "'Áp dụng cho': mã xã mới (5 chữ số) cho một xã; hoặc Xã / Phường / Đặc khu / Tất cả để "
        "dùng làm mẫu cho mọi "
        "xã cùng loại. Dòng riêng của một xã có cùng Mã vị trí sẽ thay dòng mẫu cho xã đó.",
        "Sheet Vị trí: Mã vị trí duy nhất trong mỗi 'Áp dụng cho' (ví dụ UBND/KT/1). Khối: "
        "Đảng, HĐND, UBND, MTTQ, "
        "Sự nghiệp, Quân sự. Cấp: Chủ chốt, Trưởng, Phó, Chuyên viên. Tối thiểu/Tối đa: số người giữ vị trí.",
        "Sheet Yêu cầu: mỗi dòng một tiêu chuẩn của một vị trí. Thuộc tính: "
        + ", ".join(label for label, _ in ATTRIBUTES.values())
        + "; hoặc 'Không phải người địa phương'.",
        "Điều kiện: 'thuộc' (giá trị là một trong danh sách, cách nhau bằng dấu phẩy), 'tối "
        "thiểu', 'tối đa' (chỉ cho "
        "thuộc tính có thứ bậc: Trình độ chuyên môn, Lý luận chính trị, Quản lý nhà nước, Xếp "
        "loại, và các thuộc tính số), "
        "'bằng'.",
        "Giá trị: ghi như trong danh sách cán bộ (ví dụ 'Đại học', 'Trung cấp', 'Công chức, Cán "
        "bộ', 'Hoàn thành tốt "
        "nhiệm vụ') hoặc mã (dai_hoc, trung_cap, …). Số năm có thể có phần thập phân (2,5).",
        "Bắt buộc: Có = yêu cầu cứng (không đáp ứng thì không được bố trí); Không = yêu cầu mềm "
        "(được bố trí nhưng "
        "bị ghi nhận là thiếu hụt).",
        "Mã nhóm công việc (cột Nhóm công việc): " + ", ".join(JOB_FAMILIES) + ".",
        "Mã chuyên ngành (giá trị của thuộc tính Chuyên ngành): " + ", ".join(FIELD_CODES) + ".",
        "Sheet Biên chế: mỗi xã mới một dòng; để trống Biên chế nếu không giới hạn.",
        "Sheet Trần chung: giới hạn chung cho nhiều vị trí, ví dụ tổng số cấp phó các phòng; Mã "
        "vị trí cách nhau "
        "bằng dấu phẩy.",
    ]
    return _build(
        [
            _SheetSpec("Vị trí", positions),
            _SheetSpec("Yêu cầu", requirements),
            _SheetSpec("Biên chế", quotas),
            _SheetSpec("Trần chung", caps),
        ],
        guide,
    )
