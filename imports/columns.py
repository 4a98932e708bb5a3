"""Column maps kept as data: for every field, its canonical header and the spellings offices use.

A header matches when its folded form (no diacritics, case, punctuation or line breaks;
see `text.fold`) equals the folded form of one alias. The canonical header is what the
blank templates write. Rating columns carry a year and are matched by pattern
(`RATING_PREFIXES` + a four-digit year, or a year under a "Xếp loại" group header).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from imports.text import fold


@dataclass(frozen=True)
class Column:
    """One field of a sheet: the key a reader uses, the canonical header and its aliases."""

    key: str
    header: str  # canonical header, as the templates write it
    aliases: tuple[str, ...] = ()
    required: bool = False
    note: str = ""  # what goes in the column, for the template's instructions


@dataclass(frozen=True)
class ColumnMap:
    """The columns of one kind of sheet."""

    name: str
    columns: tuple[Column, ...]
    ratings: bool = False  # whether "Xếp loại <year>" columns are read

    def index(self) -> dict[str, str]:
        """Folded spelling -> key."""
        out: dict[str, str] = {}
        for col in self.columns:
            for spelling in (col.header, *col.aliases):
                out.setdefault(fold(spelling), col.key)
        return out

    def clashes(self) -> dict[str, tuple[str, ...]]:
        """Folded spellings claimed by two fields (folded spelling -> the keys); empty for a sound map."""
        owners: dict[str, list[str]] = {}
        for col in self.columns:
            for spelling in (col.header, *col.aliases):
                keys = owners.setdefault(fold(spelling), [])
                if col.key not in keys:
                    keys.append(col.key)
        return {k: tuple(v) for k, v in owners.items() if len(v) > 1}

    def by_key(self, key: str) -> Column:
        for col in self.columns:
            if col.key == key:
                return col
        raise KeyError(key)

    @property
    def required(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.required)


def _c(key: str, header: str, *aliases: str, required: bool = False, note: str = "") -> Column:
    return Column(key, header, tuple(aliases), required, note)


ROSTER = ColumnMap(
    "roster",
    (
        _c("stt", "STT", "Số TT", "Số thứ tự", "TT", "No"),
        _c(
            "cccd",
            "Số CCCD",
            "CCCD",
            "Số căn cước công dân",
            "Căn cước công dân",
            "Số căn cước",
            "Căn cước",
            "Số định danh",
            "Số định danh cá nhân",
            "Mã định danh",
            "CCCD/CMND",
            "Số CCCD/CMND",
            "CMND/CCCD",
            "Số CMND/CCCD",
            "Số CMND",
            note="12 chữ số; nên định dạng cột là Văn bản để giữ số 0 đầu",
        ),
        _c(
            "name",
            "Họ và tên",
            "Họ tên",
            "Ho va ten",
            "Ho ten",
            "Họ và tên cán bộ",
            "Họ và tên cán bộ, công chức",
            "Họ tên cán bộ",
            "Họ và tên khai sinh",
            "Tên",
            required=True,
        ),
        # "Họ và tên" split in two columns "Họ đệm" | "Tên": the name is both, joined.
        _c("family_name", "Họ đệm", "Họ và đệm", "Họ và tên đệm", "Họ, tên đệm", "Họ và chữ đệm", "Họ"),
        _c(
            "birth_date",
            "Ngày sinh",
            "Ngày tháng năm sinh",
            "Ngày, tháng, năm sinh",
            "Ngay sinh",
            "Ngày/tháng/năm sinh",
            "Năm sinh",
            "Sinh ngày",
            note="dd/mm/yyyy",
        ),
        # "Ngày sinh" as a group over two columns "Nam" | "Nữ": the date sits in the matching one.
        _c("birth_male", "Ngày sinh Nam", "Năm sinh Nam", "Ngày tháng năm sinh Nam", "Sinh ngày Nam"),
        _c("birth_female", "Ngày sinh Nữ", "Năm sinh Nữ", "Ngày tháng năm sinh Nữ", "Sinh ngày Nữ"),
        # "Giới tính" as a group over two columns "Nam" | "Nữ" holding a mark (x).
        _c("gender_male", "Giới tính Nam", "Nam (x)"),
        _c("gender_female", "Giới tính Nữ", "Nữ (x)"),
        _c("gender", "Giới tính", "Gioi tinh", "Phái", "Nam/Nữ", "Nam, Nữ", note="Nam / Nữ"),
        _c("ethnicity", "Dân tộc", "Dan toc"),
        _c(
            "home_commune",
            "Nơi ở hiện nay",
            "Nơi ở",
            "Nơi cư trú",
            "Nơi thường trú",
            "Địa chỉ thường trú",
            "Chỗ ở hiện nay",
            "Nơi ở hiện tại",
            "Xã nơi ở",
            note="tên hoặc mã xã mới",
        ),
        _c(
            "category",
            "Loại cán bộ",
            "Loại",
            "Đối tượng",
            "Phân loại",
            "Cán bộ/Công chức",
            "CB/CC",
            "Loại CBCC",
            "Loại cán bộ, công chức",
            "Ngạch/Loại",
        ),
        _c(
            "current_title",
            "Chức vụ, chức danh",
            "Chức vụ",
            "Chức danh",
            "Chức vụ/Chức danh",
            "Chức vụ chức danh",
            "Chức vụ hiện tại",
            "Chức danh hiện nay",
            "Chức vụ hiện nay",
            "Chức vụ, chức danh hiện nay",
            "Chức vụ, chức danh đang đảm nhiệm",
        ),
        _c("job_family", "Nhóm công việc", "Mã nhóm công việc", "job_family"),
        _c(
            "education",
            "Trình độ chuyên môn",
            "Trình độ CM",
            "Trình độ chuyên môn nghiệp vụ",
            "Trình độ chuyên môn, nghiệp vụ",
            "TĐCM",
            "Trình độ đào tạo",
            "Trình độ",
            "Bằng cấp",
        ),
        _c(
            "field",
            "Chuyên ngành",
            "Chuyên ngành đào tạo",
            "Ngành đào tạo",
            "Ngành",
            "Chuyên môn",
            "Chuyên ngành đào tạo chuyên môn",
        ),
        _c(
            "political_theory",
            "Lý luận chính trị",
            "Trình độ LLCT",
            "LLCT",
            "Trình độ lý luận chính trị",
            "Lý luận CT",
            "TĐ LLCT",
            "Chính trị",
            "Trình độ chính trị",
        ),
        _c(
            "state_management",
            "Quản lý nhà nước",
            "Trình độ QLNN",
            "QLNN",
            "Trình độ quản lý nhà nước",
            "Quản lý NN",
            "Trình độ QLNN (ngạch)",
            "Bồi dưỡng QLNN",
            "Chứng chỉ QLNN",
            "QLNN (chương trình)",
        ),
        _c(
            "rank",
            "Ngạch",
            "Ngạch công chức",
            "Mã ngạch",
            "Ngạch, mã ngạch",
            "Ngạch/Mã ngạch",
            "Tên ngạch",
            "Ngạch công chức, viên chức",
            "Ngạch, bậc",
            "Ngạch lương",
            note="mã ngạch (01.003) hoặc tên ngạch (Chuyên viên)",
        ),
        _c(
            "block",
            "Khối",
            "Khối cơ quan",
            "Khối công tác",
            "Thuộc khối",
            note="Đảng, Chính quyền (HĐND, UBND), MTTQ và đoàn thể",
        ),
        _c(
            "party_member",
            "Đảng viên",
            "Dang vien",
            "ĐV",
            "Là đảng viên",
            "Ngày vào Đảng",
            "Ngày vào đảng",
            "Đảng viên (x)",
            "Ngày kết nạp Đảng",
        ),
        _c(
            "service_start",
            "Ngày bắt đầu công tác",
            "Ngày vào cơ quan",
            "Ngày tuyển dụng",
            "Ngày bắt đầu làm việc",
            "Thời gian công tác",
            "Năm công tác",
            "Năm bắt đầu công tác",
            "Ngày tham gia công tác",
        ),
        _c(
            "planned_for",
            "Quy hoạch",
            "Chức danh quy hoạch",
            "Quy hoạch chức danh",
            "Được quy hoạch",
            "Quy hoạch chức danh lãnh đạo",
        ),
        _c("disciplined", "Kỷ luật", "Hình thức kỷ luật", "Ky luat", "Kỉ luật"),
        _c(
            "disciplined_until",
            "Kỷ luật đến ngày",
            "Thời hạn kỷ luật",
            "Hết hạn kỷ luật",
            "Kỷ luật đến",
            "Thời hạn kỷ luật đến",
        ),
        _c("preferences", "Nguyện vọng", "Nguyện vọng công tác", "Xã nguyện vọng", "Nguyện vọng bố trí"),
        _c("retirement_date", "Ngày nghỉ hưu", "Thời điểm nghỉ hưu", "Ngày nghỉ hưu (nếu khác)"),
        _c("salary_coefficient", "Hệ số lương", "HSL", "Hệ số lương hiện hưởng"),
        _c("position_allowance", "Hệ số phụ cấp chức vụ", "Phụ cấp chức vụ", "PCCV", "Hệ số PCCV"),
        _c("seniority_pct", "Phụ cấp thâm niên vượt khung (%)", "Thâm niên vượt khung", "TNVK", "% TNVK"),
        _c("other_allowances", "Phụ cấp khác (đồng/tháng)", "Phụ cấp khác", "Các khoản phụ cấp khác"),
        _c("insurance_years", "Số năm đóng BHXH", "Số năm đóng BHXH bắt buộc", "Thời gian đóng BHXH"),
        _c(
            "part_time_allowance",
            "Mức phụ cấp hằng tháng (đồng)",
            "Mức phụ cấp hằng tháng",
            "Phụ cấp hằng tháng",
            "Mức phụ cấp",
        ),
        _c("note", "Ghi chú", "Ghi chu", "Ghi chú khác"),
    ),
    ratings=True,
)

# The spellings that, followed by a year, name a rating column ("Xếp loại 2023", "Đánh giá năm 2023").
RATING_PREFIXES = (
    "Xếp loại",
    "Xếp loại năm",
    "Xếp loại đánh giá",
    "Đánh giá xếp loại",
    "Đánh giá xếp loại năm",
    "Đánh giá, xếp loại",
    "Đánh giá, xếp loại năm",
    "Kết quả đánh giá",
    "Kết quả xếp loại",
    "Kết quả đánh giá, xếp loại",
    "Đánh giá",
    "Đánh giá năm",
    "Xếp loại chất lượng",
)
_RATING_PREFIX_FOLDED = tuple(sorted({fold(p) for p in RATING_PREFIXES}, key=len, reverse=True))
_YEAR = re.compile(r"^(19[5-9]\d|20\d\d)$")


def rating_year(folded_header: str) -> int | None:
    """The year of a rating column ("xep loai 2023" -> 2023), else None."""
    if _YEAR.match(folded_header):
        return int(folded_header)
    for prefix in _RATING_PREFIX_FOLDED:
        if folded_header.startswith(prefix + " "):
            rest = folded_header[len(prefix) + 1 :].removeprefix("nam ")
            if _YEAR.match(rest):
                return int(rest)
    return None


def is_rating_group(folded_header: str) -> bool:
    """Whether a header is the group label over per-year rating columns ("Xếp loại")."""
    return folded_header in _RATING_PREFIX_FOLDED


RELATIONS = ColumnMap(
    "relations",
    (
        _c("stt", "STT", "TT"),
        _c("cccd", "Số CCCD", "CCCD", "Số CCCD cán bộ", "CCCD cán bộ", "Số căn cước công dân"),
        _c("name", "Họ và tên", "Họ tên", "Họ và tên cán bộ", "Họ tên cán bộ", "Cán bộ"),
        _c(
            "other_cccd",
            "Số CCCD người thân",
            "CCCD người thân",
            "Số căn cước người thân",
            "CCCD của người thân",
        ),
        _c(
            "other_name",
            "Họ tên người thân",
            "Họ và tên người thân",
            "Người thân",
            "Tên người thân",
            required=True,
        ),
        _c(
            "kind",
            "Quan hệ",
            "Mối quan hệ",
            "Quan hệ với cán bộ",
            "Quan hệ gia đình",
            "Quan hệ với người khai",
            required=True,
            note="Vợ, Chồng, Cha, Mẹ, Con, Anh, Chị, Em, Bố vợ, Mẹ chồng, …",
        ),
        _c("note", "Ghi chú"),
    ),
)

MERGER_MAP = ColumnMap(
    "merger_map",
    (
        _c("stt", "STT", "TT"),
        _c(
            "new_code",
            "Mã xã mới",
            "Mã ĐVHC mới",
            "Mã đơn vị hành chính mới",
            "Mã xã, phường mới",
            "Mã ĐVHC cấp xã mới",
            "Mã xã sau sắp xếp",
            "Mã đơn vị mới",
            required=True,
        ),
        _c(
            "new_name",
            "Tên xã mới",
            "Tên ĐVHC mới",
            "Tên đơn vị hành chính mới",
            "Tên xã, phường mới",
            "Xã mới",
            "Tên xã sau sắp xếp",
            "Đơn vị hành chính mới",
            "Tên đơn vị mới",
            required=True,
        ),
        _c("new_kind", "Loại xã mới", "Loại ĐVHC mới", "Loại đơn vị mới", note="Xã / Phường / Đặc khu"),
        _c(
            "old_code",
            "Mã đơn vị cũ",
            "Mã xã cũ",
            "Mã ĐVHC cũ",
            "Mã đơn vị hành chính cũ",
            "Mã ĐV cũ",
            "Mã đơn vị trước sắp xếp",
            required=True,
        ),
        _c(
            "old_name",
            "Tên đơn vị cũ",
            "Tên xã cũ",
            "Tên ĐVHC cũ",
            "Đơn vị cũ",
            "Tên đơn vị hành chính cũ",
            "Đơn vị trước sắp xếp",
            "Tên đơn vị trước sắp xếp",
            required=True,
        ),
        _c("old_district", "Huyện cũ", "Huyện", "Quận/Huyện cũ", "Quận, huyện cũ", "Đơn vị cấp huyện cũ"),
        _c(
            "old_kind",
            "Loại đơn vị cũ",
            "Loại ĐV cũ",
            "Loại ĐVHC cũ",
            note="Xã / Phường / Thị trấn / Cơ quan cấp huyện",
        ),
        _c(
            "partial",
            "Sáp nhập một phần",
            "Một phần",
            "1 phần",
            "Sáp nhập 1 phần",
            "Toàn bộ/Một phần",
            "Phạm vi sáp nhập",
            "Phạm vi",
            note="để trống nếu nhập toàn bộ; x / Một phần nếu chia tách",
        ),
        _c(
            "extra",
            "Bổ sung ngoài huyện",
            "Bổ sung",
            "Ngoài huyện",
            "Điều động ngoài huyện",
            note="x nếu được điều động sang xã ngoài huyện cũ khi thiếu người",
        ),
        _c("note", "Ghi chú"),
    ),
)

_APPLIES = ("Áp dụng cho", "Áp dụng", "Phạm vi áp dụng", "Mã xã", "Xã áp dụng", "Đơn vị áp dụng")
_POSITION_CODE = ("Mã vị trí", "Mã VTVL", "Mã vị trí việc làm", "Vị trí", "Mã")

POSITIONS = ColumnMap(
    "positions",
    (
        _c("stt", "STT", "TT"),
        _c("applies_to", *_APPLIES, required=True, note="mã xã mới, hoặc Xã / Phường / Đặc khu / Tất cả"),
        _c("code", *_POSITION_CODE, required=True, note="ví dụ UBND/KT/1"),
        _c(
            "block",
            "Khối",
            "Khối cơ quan",
            "Hệ thống",
            note="Đảng / HĐND / UBND / MTTQ / Sự nghiệp / Quân sự",
        ),
        _c("department", "Phòng ban", "Phòng, ban", "Cơ quan, đơn vị", "Đơn vị", "Phòng/Ban"),
        _c("title", "Chức danh", "Tên vị trí", "Tên vị trí việc làm", "Chức danh, vị trí", required=True),
        _c("level", "Cấp", "Cấp lãnh đạo", "Cấp vị trí", note="Chủ chốt / Trưởng / Phó / Chuyên viên"),
        _c("job_family", "Nhóm công việc", "Mã nhóm công việc"),
        _c("min", "Tối thiểu", "Số tối thiểu", "Số lượng tối thiểu", "Min"),
        _c("max", "Tối đa", "Số tối đa", "Số lượng tối đa", "Max", "Số lượng"),
        _c("note", "Ghi chú"),
    ),
)

REQUIREMENTS = ColumnMap(
    "requirements",
    (
        _c("stt", "STT", "TT"),
        _c("applies_to", *_APPLIES, note="như ở sheet Vị trí; để trống = mọi vị trí có mã này"),
        _c("code", *_POSITION_CODE, required=True),
        _c("attr", "Thuộc tính", "Tiêu chuẩn", "Tiêu chí", "Yêu cầu", required=True),
        _c("op", "Điều kiện", "Phép so sánh", "So sánh", note="thuộc / tối thiểu / tối đa / bằng"),
        _c("value", "Giá trị", "Giá trị yêu cầu", "Mức"),
        _c("hard", "Bắt buộc", "Bat buoc", "Bắt buộc (Có/Không)", note="Có / Không"),
        _c("note", "Ghi chú"),
    ),
)

QUOTAS = ColumnMap(
    "quotas",
    (
        _c("stt", "STT", "TT"),
        _c("commune", "Mã xã mới", "Mã xã", "Mã ĐVHC", "Mã đơn vị", required=True),
        _c("commune_name", "Tên xã mới", "Tên xã", "Tên ĐVHC", "Xã, phường"),
        _c(
            "payroll_quota",
            "Biên chế",
            "Biên chế được giao",
            "Số biên chế",
            "Chỉ tiêu biên chế",
            "Biên chế giai đoạn chuyển tiếp",
        ),
        _c("target_quota", "Định mức", "Định mức biên chế", "Biên chế theo định mức", "Mục tiêu 5 năm"),
        _c("note", "Ghi chú"),
    ),
)

CAPS = ColumnMap(
    "caps",
    (
        _c("stt", "STT", "TT"),
        _c("applies_to", *_APPLIES, required=True),
        _c("name", "Tên", "Tên trần", "Tên nhóm", "Nội dung"),
        _c("codes", "Mã vị trí", "Các mã vị trí", "Danh sách mã vị trí", "Vị trí", required=True),
        _c("max", "Tối đa", "Số tối đa", "Trần", required=True),
        _c("note", "Ghi chú"),
    ),
)

# Sheet names (folded) that hold instructions or lists, never data.
NON_DATA_SHEETS = ("huong dan", "danh muc", "ghi chu", "instructions", "lists")

SIGNATURE_MARKERS = tuple(
    fold(s)
    for s in (
        "Người lập biểu",
        "Người lập bảng",
        "Người lập",
        "Thủ trưởng đơn vị",
        "Thủ trưởng cơ quan",
        "Ký, ghi rõ họ tên",
        "Ký tên, đóng dấu",
        "Ký và ghi rõ họ tên",
        "Xác nhận của",
        "TM. Ủy ban nhân dân",
        "TM. Đảng ủy",
        "TM. Ban Thường vụ",
        "KT. Chủ tịch",
        "Nơi nhận",
        "Người lập danh sách",
        "Người tổng hợp",
    )
)


def header_keys(headers: Sequence[str], cmap: ColumnMap) -> list[str | None]:
    """The key each folded header maps to (None when unknown)."""
    idx = cmap.index()
    return [idx.get(h) for h in headers]
