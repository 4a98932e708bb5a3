"""Vietnamese (and English) labels for the codes of the exchange format, for pages and documents."""

from __future__ import annotations

from typing import Any

LABELS: dict[str, dict[str, tuple[str, str]]] = {
    "block": {
        "dang": ("Đảng ủy", "Party committee"),
        "hdnd": ("Hội đồng nhân dân", "People's Council"),
        "ubnd": ("Ủy ban nhân dân", "People's Committee"),
        "mttq": ("Mặt trận Tổ quốc và đoàn thể", "Fatherland Front"),
        "su_nghiep": ("Đơn vị sự nghiệp, Trung tâm", "Public service units"),
        "quan_su": ("Ban Chỉ huy Quân sự", "Military command"),
    },
    "level": {
        "key": ("Chủ chốt", "Key leader"),
        "head": ("Cấp trưởng", "Head"),
        "deputy": ("Cấp phó", "Deputy"),
        "staff": ("Chuyên viên", "Staff"),
    },
    "commune_kind": {
        "xa": ("Xã", "Commune"),
        "phuong": ("Phường", "Ward"),
        "dac_khu": ("Đặc khu", "Special zone"),
    },
    "unit_kind": {
        "old_commune": ("Xã, phường, thị trấn cũ", "Old commune"),
        "district_agency": ("Cơ quan cấp huyện", "District agency"),
    },
    "category": {
        "can_bo": ("Cán bộ", "Cadre"),
        "cong_chuc": ("Công chức", "Civil servant"),
        "vien_chuc": ("Viên chức", "Public employee"),
        "hop_dong": ("Hợp đồng lao động", "Contract worker"),
        "khong_chuyen_trach": ("Không chuyên trách", "Part-time"),
    },
    "education": {
        "none": ("Chưa qua đào tạo", "None"),
        "trung_cap": ("Trung cấp", "Vocational"),
        "cao_dang": ("Cao đẳng", "College"),
        "dai_hoc": ("Đại học", "Bachelor"),
        "thac_si": ("Thạc sĩ", "Master"),
        "tien_si": ("Tiến sĩ", "Doctorate"),
    },
    "political_theory": {
        "none": ("Chưa có", "None"),
        "so_cap": ("Sơ cấp", "Elementary"),
        "trung_cap": ("Trung cấp", "Intermediate"),
        "cao_cap": ("Cao cấp", "Advanced"),
    },
    "state_management": {
        "none": ("Chưa có", "None"),
        "chuyen_vien": ("Chuyên viên", "Officer"),
        "chuyen_vien_chinh": ("Chuyên viên chính", "Principal officer"),
        "chuyen_vien_cao_cap": ("Chuyên viên cao cấp", "Senior officer"),
    },
    "rating": {
        "khong_hoan_thanh": ("Không hoàn thành nhiệm vụ", "Not completed"),
        "hoan_thanh": ("Hoàn thành nhiệm vụ", "Completed"),
        "tot": ("Hoàn thành tốt nhiệm vụ", "Completed well"),
        "xuat_sac": ("Hoàn thành xuất sắc nhiệm vụ", "Excellent"),
    },
    "gender": {"M": ("Nam", "Male"), "F": ("Nữ", "Female")},
    "plan_status": {
        "draft": ("Dự thảo", "Draft"),
        "in_review": ("Đang thẩm định", "In review"),
        "pending_approval": ("Chờ phê duyệt", "Awaiting approval"),
        "approved": ("Đã phê duyệt", "Approved"),
    },
    "role": {
        "drafter": ("Soạn thảo", "Drafter"),
        "reviewer": ("Thẩm định", "Reviewer"),
        "approver": ("Phê duyệt", "Approver"),
        "admin": ("Quản trị", "Administrator"),
    },
    "attr": {
        "category": ("Loại cán bộ", "Category"),
        "education": ("Trình độ chuyên môn", "Education"),
        "field": ("Chuyên ngành", "Field of study"),
        "political_theory": ("Lý luận chính trị", "Political theory"),
        "state_management": ("Quản lý nhà nước", "State management"),
        "party_member": ("Đảng viên", "Party member"),
        "years_to_retirement": ("Số năm đến tuổi nghỉ hưu", "Years to retirement"),
        "age": ("Tuổi", "Age"),
        "last_rating": ("Xếp loại năm gần nhất", "Last rating"),
        "planned_for": ("Quy hoạch", "Succession plan"),
        "gender": ("Giới tính", "Gender"),
        "job_family": ("Lĩnh vực công tác", "Job family"),
        "years_of_service": ("Số năm công tác", "Years of service"),
        "non_local": ("Không phải người địa phương", "Non-local"),
    },
}

# Which vocabulary an attribute's values come from, for showing a requirement's value.
ATTR_VOCAB = {
    "category": "category",
    "education": "education",
    "political_theory": "political_theory",
    "state_management": "state_management",
    "last_rating": "rating",
    "planned_for": "level",
    "gender": "gender",
}


def label(kind: str, code: Any, lang: str = "vi") -> str:
    """The label of a code, or the code itself when none is known."""
    if code is None:
        return "—"
    entry = LABELS.get(kind, {}).get(str(code))
    if entry is None:
        return str(code)
    return entry[0] if lang == "vi" else entry[1]


def requirement_text(req: dict[str, Any], lang: str = "vi") -> str:
    """A requirement as a reviewer reads it: "Lý luận chính trị ≥ Trung cấp"."""
    if "rule" in req:
        return label("attr", req["rule"], lang)
    attr = req.get("attr", "")
    vocab = ATTR_VOCAB.get(attr)

    def show(v: Any) -> str:
        if isinstance(v, bool):
            return ("Có" if v else "Không") if lang == "vi" else ("yes" if v else "no")
        return label(vocab, v, lang) if vocab else str(v)

    name = label("attr", attr, lang)
    if "in" in req:
        return f"{name}: " + ", ".join(show(v) for v in req["in"])
    if "min" in req:
        return f"{name} ≥ {show(req['min'])}"
    if "max" in req:
        return f"{name} ≤ {show(req['max'])}"
    if "eq" in req:
        return f"{name} = {show(req['eq'])}"
    return name
