"""Value vocabularies as data: the labels offices write, and the exchange-format code of each.

Labels match on their folded form (see `text.fold`). The first label given for a code is
the canonical one: the templates offer it in their dropdowns.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from imports.text import clean, fold


def _key(label: str) -> str:
    """The folded label; a label of symbols only ("≥", "-") is kept as written."""
    return fold(label) or label.strip()


@dataclass(frozen=True)
class Vocab:
    """Labels -> code for one coded column."""

    name: str
    entries: tuple[tuple[str, str], ...]  # (label as written, code)
    prefix: bool = False  # also match "label + more words" ("Đại học Luật" -> dai_hoc)
    _index: dict[str, str] = field(default_factory=dict, compare=False, repr=False)
    _prefixes: tuple[tuple[str, str], ...] = field(default=(), compare=False, repr=False)
    ambiguous: dict[str, str] = field(default_factory=dict, compare=False)  # folded label -> question
    _exact: frozenset[str] = field(default=frozenset(), compare=False, repr=False)
    _canonical: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        index: dict[str, str] = {}
        canonical: dict[str, str] = {}
        for label, code in self.entries:
            index.setdefault(_key(label), code)
            canonical.setdefault(_key(label), label)
            index.setdefault(_key(code), code)
            canonical.setdefault(_key(code), label)
        object.__setattr__(self, "_index", index)
        object.__setattr__(self, "_canonical", canonical)
        exact = {clean(label).casefold() for label, _ in self.entries} | {
            c.casefold() for _, c in self.entries
        }
        object.__setattr__(self, "_exact", frozenset(exact))
        prefixes = sorted(((k, v) for k, v in index.items() if k), key=lambda kv: len(kv[0]), reverse=True)
        object.__setattr__(self, "_prefixes", tuple(prefixes))

    def lookup(self, value: str) -> str | None:
        """The code of a label, or None when the label is unknown."""
        key = _key(value)
        code = self._index.get(key)
        if code is not None or not self.prefix:
            return code
        return self.lookup_prefix(value)[0]

    def lookup_prefix(self, value: str) -> tuple[str | None, str]:
        """The code of the label the value starts with, and the rest ("Đại học Luật" -> dai_hoc, "luat")."""
        key = fold(value)
        if key in self._index:
            return self._index[key], ""
        for label, code in self._prefixes:
            if key.startswith(label + " "):
                return code, key[len(label) + 1 :]
        return None, key

    def match(self, value: str) -> Match:
        """The code of a value, and how it was read: exactly, as a near-miss, or not at all.

        A label written as in the list (any case) is exact. A label that matches only once
        its accents are ignored ("Thac si", "Đại hoc") or with one letter wrong ("Đai hoc",
        "Thạc sỉ") is accepted with `read_as` set, so the reader can say "read as Thạc sĩ".
        An abbreviation listed in `ambiguous` is never guessed: its question comes back.
        """
        written = clean(value).casefold()
        key = _key(value)
        if key in self.ambiguous:
            return Match(None, question=self.ambiguous[key])
        code = self._index.get(key)
        if code is not None:
            if written in self._exact or not self._has_accents(key):
                return Match(code)
            return Match(code, read_as=self._canonical[key])
        if self.prefix:
            code, rest = self.lookup_prefix(value)
            if code is not None:
                return Match(code, rest=rest)
        near = self._near(key)
        if near is not None:
            return Match(self._index[near], read_as=self._canonical[near])
        return Match(None)

    def _has_accents(self, key: str) -> bool:
        """Whether the canonical spelling of a folded label carries letters beyond ASCII."""
        label = self._canonical.get(key, "")
        return not label.isascii()

    def _near(self, key: str) -> str | None:
        """The one label (folded) within one edit of `key`; None when none or several codes are that close."""
        if len(key) < 5:
            return None
        hits = {k for k in self._index if abs(len(k) - len(key)) <= 1 and len(k) >= 5 and _one_edit(k, key)}
        codes = {self._index[k] for k in hits}
        if len(codes) != 1:
            return None
        return min(hits, key=len)

    @property
    def labels(self) -> list[str]:
        """One canonical label per code, in order (for dropdowns)."""
        seen: set[str] = set()
        out: list[str] = []
        for label, code in self.entries:
            if code not in seen:
                seen.add(code)
                out.append(label)
        return out

    @property
    def codes(self) -> list[str]:
        return list(dict.fromkeys(code for _, code in self.entries))


@dataclass(frozen=True)
class Match:
    """How a value was read by `Vocab.match`."""

    code: str | None
    read_as: str | None = None  # the label it was taken for, when not written exactly
    question: str | None = None  # for an ambiguous abbreviation: what to ask the office
    rest: str = ""  # for a prefix match: the words after the label ("Đại học Luật" -> "luat")


def _one_edit(a: str, b: str) -> bool:
    """Whether two strings differ by exactly one substitution, insertion, deletion or swap."""
    if a == b:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and a[diff[1]] == b[diff[0]]
        )
    if len(a) > len(b):
        a, b = b, a
    if len(b) - len(a) != 1:
        return False
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i:] == b[i + 1 :]


def _v(
    name: str, *pairs: tuple[str, str], prefix: bool = False, ambiguous: dict[str, str] | None = None
) -> Vocab:
    return Vocab(name, tuple(pairs), prefix, ambiguous={_key(k): v for k, v in (ambiguous or {}).items()})


def _many(code: str, *labels: str) -> list[tuple[str, str]]:
    return [(label, code) for label in labels]


GENDER = _v("gender", *_many("M", "Nam", "Trai", "Male", "M"), *_many("F", "Nữ", "Nu", "Gái", "Female", "F"))

CATEGORY = _v(
    "category",
    *_many("can_bo", "Cán bộ", "CB", "Cán bộ chuyên trách", "Cán bộ chủ chốt"),
    *_many("cong_chuc", "Công chức", "CC", "Công chức cấp xã", "Công chức xã"),
    *_many("vien_chuc", "Viên chức", "VC"),
    *_many(
        "hop_dong",
        "Hợp đồng",
        "Hợp đồng lao động",
        "HĐ",
        "HĐLĐ",
        "Người lao động",
        "Lao động hợp đồng",
        "Hợp đồng 68",
        "HĐ 68",
        "Hợp đồng 111",
        "NLĐ",
    ),
    *_many(
        "khong_chuyen_trach",
        "Không chuyên trách",
        "KCT",
        "Người hoạt động không chuyên trách",
        "Hoạt động không chuyên trách",
        "Cán bộ không chuyên trách",
        "NHĐKCT",
    ),
)

EDUCATION = _v(
    "education",
    *_many("tien_si", "Tiến sĩ", "Tiến sỹ", "TS", "TSKH", "Tiến sĩ khoa học"),
    *_many("thac_si", "Thạc sĩ", "Thạc sỹ", "ThS", "Ths", "Cao học", "Bác sĩ chuyên khoa I", "BSCKI"),
    *_many(
        "dai_hoc",
        "Đại học",
        "ĐH",
        "DH",
        "Cử nhân",
        "CN",
        "Kỹ sư",
        "Kĩ sư",
        "KS",
        "Bác sĩ",
        "Bác sỹ",
        "Dược sĩ đại học",
        "Kiến trúc sư",
        "Đại học chính quy",
        "Đại học tại chức",
        "Đại học VLVH",
        "Đại học văn bằng 2",
    ),
    *_many("cao_dang", "Cao đẳng", "CĐ", "CD"),
    *_many(
        "trung_cap", "Trung cấp", "TC", "Trung học chuyên nghiệp", "THCN", "Y sĩ", "Y sỹ", "Trung cấp nghề"
    ),
    *_many(
        "none",
        "Chưa qua đào tạo",
        "Sơ cấp",
        "SC",
        "Không",
        "Chưa",
        "Chưa có",
        "Phổ thông",
        "12/12",
        "9/12",
        "10/10",
        "THPT",
        "-",
    ),
    prefix=True,
)

POLITICAL_THEORY = _v(
    "political_theory",
    *_many(
        "cao_cap",
        "Cao cấp",
        "Cử nhân",
        "CC",
        "CN",
        "Cao cấp LLCT",
        "Cao cấp lý luận chính trị",
        "Cử nhân chính trị",
        "Cử nhân LLCT",
        "Cử nhân lý luận chính trị",
        "Cao cấp chính trị",
    ),
    *_many(
        "trung_cap", "Trung cấp", "TC", "Trung cấp LLCT", "Trung cấp lý luận chính trị", "Trung cấp chính trị"
    ),
    *_many("so_cap", "Sơ cấp", "SC", "Sơ cấp LLCT", "Sơ cấp lý luận chính trị", "Sơ cấp chính trị"),
    *_many("none", "Chưa qua đào tạo", "Không", "Chưa", "Chưa có", "Bồi dưỡng", "-"),
    prefix=True,
)

STATE_MANAGEMENT = _v(
    "state_management",
    *_many(
        "chuyen_vien_cao_cap", "Chuyên viên cao cấp", "CVCC", "QLNN ngạch chuyên viên cao cấp", "Ngạch CVCC"
    ),
    *_many("chuyen_vien_chinh", "Chuyên viên chính", "CVC", "QLNN ngạch chuyên viên chính", "Ngạch CVC"),
    # a degree in public administration counts as the chuyên viên chính programme
    *_many(
        "chuyen_vien_chinh",
        "Cử nhân hành chính",
        "CNHC",
        "Cử nhân quản lý nhà nước",
        "Cử nhân quản lý hành chính công",
        "Thạc sĩ quản lý hành chính công",
        "Thạc sĩ hành chính công",
        "Chương trình chuyên viên chính",
        "Bồi dưỡng ngạch chuyên viên chính",
    ),
    *_many(
        "chuyen_vien",
        "Chuyên viên",
        "CV",
        "QLNN ngạch chuyên viên",
        "Ngạch chuyên viên",
        "Chương trình chuyên viên",
        "Bồi dưỡng ngạch chuyên viên",
    ),
    *_many(
        "none",
        "Cán sự",
        "CS",
        "Nhân viên",
        "Chưa qua đào tạo",
        "Chưa",
        "Chưa có",
        "Không",
        "Ngạch cán sự",
        "-",
    ),
    prefix=True,
)

RATING = _v(
    "rating",
    *_many(
        "xuat_sac",
        "Hoàn thành xuất sắc nhiệm vụ",
        "HTXSNV",
        "HTXS",
        "Hoàn thành xuất sắc",
        "Xuất sắc",
        "XS",
        "Hoàn thành xuất sắc NV",
        "HT xuất sắc NV",
    ),
    *_many(
        "tot", "Hoàn thành tốt nhiệm vụ", "HTTNV", "Hoàn thành tốt", "Tốt", "Hoàn thành tốt NV", "HT tốt NV"
    ),
    *_many(
        "hoan_thanh",
        "Hoàn thành nhiệm vụ",
        "HTNV",
        "HT",
        "Hoàn thành",
        "Hoàn thành nhiệm vụ nhưng còn hạn chế về năng lực",
        "HTNV nhưng còn hạn chế về năng lực",
        "Hoàn thành nhiệm vụ nhưng còn hạn chế",
        "Hoàn thành NV",
        "HTNV nhưng còn hạn chế",
    ),
    *_many(
        "khong_hoan_thanh",
        "Không hoàn thành nhiệm vụ",
        "KHTNV",
        "KHT",
        "Không hoàn thành",
        "Không hoàn thành NV",
    ),
    ambiguous={
        "HTT": "'HTT' có thể là Hoàn thành tốt (HTTNV) hoặc Hoàn thành xuất sắc (HTXSNV) nhiệm vụ; "
        "hãy ghi rõ mức xếp loại.",
        "HTXSTNV": "Không rõ là Hoàn thành xuất sắc hay Hoàn thành tốt nhiệm vụ; hãy ghi rõ.",
    },
)

YES_NO = _v(
    "yes_no",
    *_many("yes", "Có", "x", "X", "Co", "Yes", "Y", "1", "TRUE", "Đúng", "v", "✓", "✔"),
    *_many("no", "Không", "Khong", "No", "N", "0", "FALSE", "Sai", "-"),
)

PARTY = _v(
    "party_member",
    *_many(
        "yes",
        "Đảng viên",
        "Có",
        "x",
        "ĐV",
        "DV",
        "Đảng viên chính thức",
        "Đảng viên dự bị",
        "Dự bị",
        "Chính thức",
        "Yes",
        "1",
        "TRUE",
        "v",
        "✓",
    ),
    *_many("no", "Không", "Chưa", "Quần chúng", "No", "0", "FALSE", "-"),
)

RELATION = _v(
    "relation",
    *_many("spouse", "Vợ", "Chồng", "Vợ/Chồng", "Vo", "Chong"),
    *_many(
        "parent",
        "Cha",
        "Mẹ",
        "Bố",
        "Cha đẻ",
        "Mẹ đẻ",
        "Bố đẻ",
        "Cha mẹ",
        "Bố mẹ",
        "Cha nuôi",
        "Mẹ nuôi",
        "Bố nuôi",
        "Ba",
        "Má",
    ),
    *_many("child", "Con", "Con đẻ", "Con trai", "Con gái", "Con nuôi", "Con rể", "Con dâu"),
    *_many(
        "sibling",
        "Anh",
        "Chị",
        "Em",
        "Anh trai",
        "Chị gái",
        "Em trai",
        "Em gái",
        "Anh ruột",
        "Chị ruột",
        "Em ruột",
        "Anh chị em ruột",
    ),
    *_many(
        "in_law",
        "Bố vợ",
        "Mẹ vợ",
        "Bố chồng",
        "Mẹ chồng",
        "Cha vợ",
        "Cha chồng",
        "Anh rể",
        "Em rể",
        "Chị dâu",
        "Em dâu",
        "Anh vợ",
        "Chị vợ",
        "Em vợ",
        "Anh chồng",
        "Chị chồng",
        "Em chồng",
        "Thông gia",
    ),
)

DISCIPLINE = _v(
    "discipline",
    *_many(
        "yes",
        "Khiển trách",
        "Cảnh cáo",
        "Cách chức",
        "Buộc thôi việc",
        "Bãi nhiệm",
        "Khai trừ",
        "Hạ bậc lương",
        "Giáng chức",
        "Có",
        "x",
    ),
    *_many("no", "Không", "Chưa", "-", "0"),
    prefix=True,
)

NEW_KIND = _v(
    "new_kind",
    *_many("xa", "Xã", "Xa"),
    *_many("phuong", "Phường", "Phuong"),
    *_many("dac_khu", "Đặc khu", "Dac khu"),
)

OLD_KIND = _v(
    "old_kind",
    *_many("old_commune", "Xã", "Phường", "Thị trấn", "Đơn vị hành chính cấp xã", "Cấp xã", "ĐVHC cấp xã"),
    *_many(
        "district_agency",
        "Cơ quan cấp huyện",
        "Cơ quan huyện",
        "Cấp huyện",
        "Huyện",
        "Cơ quan",
        "Đơn vị cấp huyện",
        "Cơ quan, đơn vị cấp huyện",
    ),
)

PARTIAL = _v(
    "partial",
    *_many(
        "yes",
        "Một phần",
        "1 phần",
        "Mot phan",
        "x",
        "Có",
        "Sáp nhập một phần",
        "Chia tách",
        "Một phần diện tích",
    ),
    *_many("no", "Toàn bộ", "Nguyên trạng", "Không", "Toàn phần", "-"),
)

BLOCK = _v(
    "block",
    *_many("dang", "Đảng", "Khối Đảng", "Đảng ủy", "Cơ quan Đảng"),
    *_many("hdnd", "HĐND", "Hội đồng nhân dân", "HDND"),
    *_many("ubnd", "UBND", "Ủy ban nhân dân", "Chính quyền", "Uỷ ban nhân dân"),
    *_many(
        "mttq",
        "MTTQ",
        "Mặt trận Tổ quốc",
        "Ủy ban MTTQ",
        "MTTQ và đoàn thể",
        "Mặt trận và các đoàn thể",
        "Đoàn thể",
    ),
    *_many("su_nghiep", "Sự nghiệp", "Đơn vị sự nghiệp", "Trung tâm phục vụ hành chính công"),
    *_many("quan_su", "Quân sự", "Ban Chỉ huy Quân sự", "Quân sự xã"),
)

LEVEL = _v(
    "level",
    *_many("key", "Chủ chốt", "Lãnh đạo chủ chốt", "Chủ chốt xã"),
    *_many("head", "Trưởng", "Cấp trưởng", "Trưởng phòng", "Người đứng đầu"),
    *_many("deputy", "Phó", "Cấp phó", "Phó trưởng", "Phó trưởng phòng"),
    *_many(
        "staff", "Chuyên viên", "Nhân viên", "Công chức", "Viên chức", "Chuyên môn", "Chuyên môn nghiệp vụ"
    ),
)

APPLIES_KIND = _v(
    "applies_to",
    *_many("xa", "Xã"),
    *_many("phuong", "Phường"),
    *_many("dac_khu", "Đặc khu"),
    *_many("all", "Tất cả", "Toàn bộ", "Tất cả các xã", "Mọi xã"),
)

OP = _v(
    "op",
    *_many("in", "thuộc", "trong", "là một trong", "∈"),
    *_many("min", "tối thiểu", "từ", "ít nhất", ">=", "≥", "trở lên", "không thấp hơn"),
    *_many("max", "tối đa", "đến", "nhiều nhất", "<=", "≤", "không quá", "trở xuống"),
    *_many("eq", "bằng", "=", "là"),
)

# Requirement attributes: code -> (Vietnamese label, kind). Kinds: ordinal (a scale below),
# number, category (a closed vocabulary), bool, text (free codes).
ATTRIBUTES: dict[str, tuple[str, str]] = {
    "category": ("Loại cán bộ", "category"),
    "education": ("Trình độ chuyên môn", "ordinal"),
    "field": ("Chuyên ngành", "category"),
    "political_theory": ("Lý luận chính trị", "ordinal"),
    "state_management": ("Quản lý nhà nước", "ordinal"),
    "party_member": ("Đảng viên", "bool"),
    "years_to_retirement": ("Số năm đến tuổi nghỉ hưu", "number"),
    "age": ("Tuổi", "number"),
    "last_rating": ("Xếp loại", "ordinal"),
    "planned_for": ("Quy hoạch", "category"),
    "gender": ("Giới tính", "category"),
    "job_family": ("Nhóm công việc", "text"),
    "years_of_service": ("Số năm công tác", "number"),
    "ethnicity": ("Dân tộc", "text"),
    "unit": ("Đơn vị cũ", "text"),
    "home_commune": ("Nơi ở hiện nay", "text"),
    "disciplined": ("Kỷ luật", "bool"),
}

ATTRIBUTE = _v(
    "attribute",
    *[(label, code) for code, (label, _) in ATTRIBUTES.items()],
    *_many("category", "Loại", "Đối tượng"),
    *_many("education", "Trình độ", "Trình độ CM", "Trình độ đào tạo"),
    *_many("field", "Ngành", "Chuyên ngành đào tạo"),
    *_many("political_theory", "LLCT", "Trình độ LLCT", "Trình độ lý luận chính trị"),
    *_many("state_management", "QLNN", "Trình độ QLNN"),
    *_many("years_to_retirement", "Số năm còn công tác", "Thời gian còn công tác", "Năm đến tuổi nghỉ hưu"),
    *_many("last_rating", "Xếp loại năm gần nhất", "Đánh giá xếp loại", "Xếp loại gần nhất"),
    *_many("years_of_service", "Thâm niên", "Thâm niên công tác"),
)

RULES = _v(
    "rule",
    *_many(
        "non_local",
        "Không phải người địa phương",
        "Không là người địa phương",
        "Không phải người địa phương (luân chuyển)",
        "Người không phải địa phương",
    ),
)

# The ordinal scales of the exchange format, lowest first.
SCALES: dict[str, tuple[str, ...]] = {
    "education": ("none", "trung_cap", "cao_dang", "dai_hoc", "thac_si", "tien_si"),
    "political_theory": ("none", "so_cap", "trung_cap", "cao_cap"),
    "state_management": ("none", "chuyen_vien", "chuyen_vien_chinh", "chuyen_vien_cao_cap"),
    "last_rating": ("khong_hoan_thanh", "hoan_thanh", "tot", "xuat_sac"),
}

# Value vocabulary of a requirement's attribute.
ATTRIBUTE_VALUES: dict[str, Vocab] = {
    "category": CATEGORY,
    "education": EDUCATION,
    "political_theory": POLITICAL_THEORY,
    "state_management": STATE_MANAGEMENT,
    "last_rating": RATING,
    "gender": GENDER,
    "planned_for": LEVEL,
}

# Field of study: keyword (folded, matched as whole words) -> code, most specific first.
FIELD_CODES = (
    "hanh_chinh",
    "luat",
    "kinh_te",
    "nong_nghiep",
    "quan_su",
    "tai_chinh_ke_toan",
    "van_hoa",
    "quan_ly_dat_dai",
    "xay_dung_dang",
    "xa_hoi",
    "su_pham",
    "xay_dung",
    "van_thu_luu_tru",
    "moi_truong",
    "y_te",
    "cong_nghe_thong_tin",
    "giao_thong",
    "khac",
)

FIELD_KEYWORDS: tuple[tuple[str, str], ...] = (
    ("quan ly dat dai", "quan_ly_dat_dai"),
    ("dia chinh", "quan_ly_dat_dai"),
    ("trac dia", "quan_ly_dat_dai"),
    ("xay dung dang", "xay_dung_dang"),
    ("chinh tri hoc", "xay_dung_dang"),
    ("ly luan chinh tri", "xay_dung_dang"),
    ("cong tac to chuc", "xay_dung_dang"),
    ("tuyen giao", "xay_dung_dang"),
    ("van thu", "van_thu_luu_tru"),
    ("luu tru", "van_thu_luu_tru"),
    ("cong nghe thong tin", "cong_nghe_thong_tin"),
    ("cntt", "cong_nghe_thong_tin"),
    ("tin hoc", "cong_nghe_thong_tin"),
    ("khoa hoc may tinh", "cong_nghe_thong_tin"),
    ("ky thuat phan mem", "cong_nghe_thong_tin"),
    ("he thong thong tin", "cong_nghe_thong_tin"),
    ("dien tu vien thong", "cong_nghe_thong_tin"),
    ("luat", "luat"),
    ("phap luat", "luat"),
    ("tu phap", "luat"),
    ("ke toan", "tai_chinh_ke_toan"),
    ("tai chinh", "tai_chinh_ke_toan"),
    ("kiem toan", "tai_chinh_ke_toan"),
    ("ngan hang", "tai_chinh_ke_toan"),
    ("thue", "tai_chinh_ke_toan"),
    ("moi truong", "moi_truong"),
    ("tai nguyen", "moi_truong"),
    ("giao thong", "giao_thong"),
    ("cau duong", "giao_thong"),
    ("xay dung", "xay_dung"),
    ("kien truc", "xay_dung"),
    ("quy hoach do thi", "xay_dung"),
    ("thuy loi", "xay_dung"),
    ("su pham", "su_pham"),
    ("giao duc", "su_pham"),
    ("y te", "y_te"),
    ("y khoa", "y_te"),
    ("y da khoa", "y_te"),
    ("y si", "y_te"),
    ("bac si", "y_te"),
    ("dieu duong", "y_te"),
    ("duoc hoc", "y_te"),
    ("duoc si", "y_te"),
    ("y hoc", "y_te"),
    ("ho sinh", "y_te"),
    ("quan su", "quan_su"),
    ("chi huy tham muu", "quan_su"),
    ("quoc phong", "quan_su"),
    ("bien phong", "quan_su"),
    ("nong nghiep", "nong_nghiep"),
    ("nong hoc", "nong_nghiep"),
    ("lam nghiep", "nong_nghiep"),
    ("lam sinh", "nong_nghiep"),
    ("chan nuoi", "nong_nghiep"),
    ("thu y", "nong_nghiep"),
    ("trong trot", "nong_nghiep"),
    ("bao ve thuc vat", "nong_nghiep"),
    ("thuy san", "nong_nghiep"),
    ("khuyen nong", "nong_nghiep"),
    ("phat trien nong thon", "nong_nghiep"),
    ("cong tac xa hoi", "xa_hoi"),
    ("xa hoi hoc", "xa_hoi"),
    ("lao dong", "xa_hoi"),
    ("ton giao", "xa_hoi"),
    ("dan toc hoc", "xa_hoi"),
    ("van hoa", "van_hoa"),
    ("the duc", "van_hoa"),
    ("the thao", "van_hoa"),
    ("du lich", "van_hoa"),
    ("bao chi", "van_hoa"),
    ("my thuat", "van_hoa"),
    ("am nhac", "van_hoa"),
    ("thu vien", "van_hoa"),
    ("kinh te", "kinh_te"),
    ("quan tri kinh doanh", "kinh_te"),
    ("thuong mai", "kinh_te"),
    ("ke hoach", "kinh_te"),
    ("dau tu", "kinh_te"),
    ("hanh chinh", "hanh_chinh"),
    ("quan ly nha nuoc", "hanh_chinh"),
    ("quan ly cong", "hanh_chinh"),
    ("chinh sach cong", "hanh_chinh"),
    ("quan tri van phong", "hanh_chinh"),
    ("chinh tri", "xay_dung_dang"),
    ("ngon ngu", "khac"),
    ("ngoai ngu", "khac"),
    ("tieng anh", "khac"),
    ("tieng trung", "khac"),
    ("khac", "khac"),
)

# Current title -> job family: keyword (folded, whole words), first match wins.
JOB_FAMILY_KEYWORDS: tuple[tuple[str, str], ...] = (
    ("van phong huyen uy", "van_phong_dang"),
    ("van phong dang uy", "van_phong_dang"),
    ("van phong tinh uy", "van_phong_dang"),
    ("van phong dang", "van_phong_dang"),
    ("uy ban kiem tra", "kiem_tra"),
    ("ubkt", "kiem_tra"),
    ("kiem tra vien", "kiem_tra"),
    ("ban to chuc", "xay_dung_dang"),
    ("ban tuyen giao", "xay_dung_dang"),
    ("ban dan van", "xay_dung_dang"),
    ("ban xay dung dang", "xay_dung_dang"),
    ("xay dung dang", "xay_dung_dang"),
    ("trung tam chinh tri", "chinh_tri"),
    ("giang vien", "chinh_tri"),
    ("thanh tra", "thanh_tra"),
    ("doan tncs", "doan_thanh_nien"),
    ("doan thanh nien", "doan_thanh_nien"),
    ("huyen doan", "doan_thanh_nien"),
    ("bi thu doan", "doan_thanh_nien"),
    ("xa doan", "doan_thanh_nien"),
    ("phu nu", "phu_nu"),
    ("nong dan", "nong_dan"),
    ("cuu chien binh", "cuu_chien_binh"),
    ("mttq", "mttq"),
    ("mat tran", "mttq"),
    ("hanh chinh cong", "hanh_chinh_cong"),
    ("mot cua", "hanh_chinh_cong"),
    ("tiep nhan va tra ket qua", "hanh_chinh_cong"),
    ("cong nghe thong tin", "cntt"),
    ("cntt", "cntt"),
    ("van phong", "van_phong"),
    ("van thu", "van_phong"),
    ("thu quy", "van_phong"),
    ("lai xe", "van_phong"),
    ("nhan vien bao ve", "van_phong"),
    ("bao ve co quan", "van_phong"),
    ("nhan vien phuc vu", "van_phong"),
    ("tap vu", "van_phong"),
    ("quan su", "quan_su"),
    ("chi huy truong", "quan_su"),
    ("chi huy pho", "quan_su"),
    ("dia chinh", "dia_chinh"),
    ("nong nghiep va moi truong", "dia_chinh"),
    ("tai nguyen", "dia_chinh"),
    ("nong nghiep", "dia_chinh"),
    ("tai chinh", "tai_chinh"),
    ("ke toan", "tai_chinh"),
    ("tu phap", "tu_phap"),
    ("ho tich", "tu_phap"),
    ("noi vu", "noi_vu"),
    ("giao duc", "giao_duc_y_te"),
    ("y te", "giao_duc_y_te"),
    ("van hoa", "van_hoa"),
    ("dan toc", "xa_hoi"),
    ("ton giao", "xa_hoi"),
    ("lao dong", "xa_hoi"),
    ("xa hoi", "xa_hoi"),
    ("kinh te va ha tang", "xay_dung"),
    ("ha tang", "xay_dung"),
    ("xay dung", "xay_dung"),
    ("giao thong", "xay_dung"),
    ("kinh te", "kinh_te"),
    ("ke hoach", "kinh_te"),
    ("chu tich ubnd", "chinh_quyen"),
    ("ubnd", "chinh_quyen"),
    ("uy ban nhan dan", "chinh_quyen"),
    ("hdnd", "hdnd"),
    ("hoi dong nhan dan", "hdnd"),
    ("bi thu", "dang"),
    ("dang uy", "dang"),
    ("huyen uy", "dang"),
)

JOB_FAMILIES = tuple(dict.fromkeys(code for _, code in JOB_FAMILY_KEYWORDS))

# Planned-for titles: what makes a title a key post, a head or a deputy.
KEY_TITLES = (
    "bi thu",
    "bi thu dang uy",
    "chu tich ubnd",
    "chu tich uy ban nhan dan",
    "chu tich hdnd",
    "chu tich hoi dong nhan dan",
    "uy vien ban thuong vu",
    "thuong truc dang uy",
)
HEAD_PREFIXES = (
    "truong",
    "chanh",
    "chu nhiem",
    "giam doc",
    "chi huy truong",
    "chu tich",
    "bi thu",
    "thu truong",
    "nguoi dung dau",
)


def _words_contain(text: str, keyword: str) -> bool:
    return f" {keyword} " in f" {text} "


@functools.lru_cache(maxsize=4096)
def field_code(text: str) -> str | None:
    """The field-of-study code of a free-text field ("Cử nhân Luật" -> luat), None if unknown."""
    key = fold(text)
    if key.replace(" ", "_") in FIELD_CODES:
        return key.replace(" ", "_")
    for keyword, code in FIELD_KEYWORDS:
        if _words_contain(key, keyword):
            return code
    return None


@functools.lru_cache(maxsize=4096)
def job_family(title: str) -> str | None:
    """The job family of a current title ("Công chức Tư pháp - Hộ tịch" -> tu_phap), None if unknown."""
    key = fold(title)
    if key.replace(" ", "_") in JOB_FAMILIES:
        return key.replace(" ", "_")
    for keyword, code in JOB_FAMILY_KEYWORDS:
        if _words_contain(key, keyword):
            return code
    return None


@functools.lru_cache(maxsize=4096)
def planned_level(title: str) -> str | None:
    """The level of a planned-for title: key, head or deputy (None if it names none of them)."""
    direct = LEVEL.lookup(title)
    if direct in ("key", "head", "deputy"):
        return direct
    key = fold(title)
    deputy = key.startswith("pho ")
    core = key[4:] if deputy else key
    # "Bí thư" and "Chủ tịch UBND/HĐND" (and their deputies) are the commune's key posts;
    # a "Bí thư Đoàn" or "Chủ tịch Hội …" heads a mass organisation.
    if any(core == t or core.startswith(t + " ") for t in KEY_TITLES) and not any(
        _words_contain(core, w) for w in ("doan", "hoi", "mttq", "mat tran", "chi bo")
    ):
        return "key"
    if any(core == p or core.startswith(p + " ") for p in HEAD_PREFIXES):
        return "deputy" if deputy else "head"
    return None
