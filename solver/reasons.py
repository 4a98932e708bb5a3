"""The catalogue of reason codes, each with an English and a Vietnamese template, and their rendering."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

LEVEL_VI = {
    "key": "lãnh đạo chủ chốt",
    "head": "cấp trưởng",
    "deputy": "cấp phó",
    "staff": "công chức, viên chức",
}
RATING_VI = {
    "xuat_sac": "Hoàn thành xuất sắc nhiệm vụ",
    "tot": "Hoàn thành tốt nhiệm vụ",
    "hoan_thanh": "Hoàn thành nhiệm vụ",
    "khong_hoan_thanh": "Không hoàn thành nhiệm vụ",
}
JOB_FAMILY_VI = {
    "dang": "công tác Đảng",
    "chinh_quyen": "lãnh đạo chính quyền",
    "hdnd": "Hội đồng nhân dân",
    "mttq": "Mặt trận Tổ quốc",
    "van_phong": "văn phòng - tổng hợp",
    "van_phong_dang": "văn phòng Đảng ủy",
    "dia_chinh": "địa chính",
    "tai_chinh": "tài chính - kế toán",
    "tu_phap": "tư pháp - hộ tịch",
    "quan_su": "quân sự",
    "van_hoa": "văn hóa - thông tin",
    "van_hoa_xa_hoi": "văn hóa - xã hội",
    "xa_hoi": "lao động - xã hội",
    "doan_thanh_nien": "Đoàn thanh niên",
    "phu_nu": "Hội Liên hiệp Phụ nữ",
    "nong_dan": "Hội Nông dân",
    "cuu_chien_binh": "Hội Cựu chiến binh",
    "xay_dung_dang": "xây dựng Đảng",
    "giao_duc_y_te": "giáo dục - y tế",
    "noi_vu": "nội vụ",
    "kiem_tra": "kiểm tra Đảng",
    "xay_dung": "xây dựng - giao thông",
    "chinh_tri": "giáo dục chính trị",
    "thanh_tra": "thanh tra",
    "kinh_te": "kinh tế",
    "hanh_chinh_cong": "phục vụ hành chính công",
    "cntt": "công nghệ thông tin",
}
ATTR_VI = {
    "education": "trình độ chuyên môn",
    "political_theory": "trình độ lý luận chính trị",
    "state_management": "trình độ quản lý nhà nước",
    "last_rating": "xếp loại năm gần nhất",
    "years_to_retirement": "thời gian công tác còn lại",
    "years_of_service": "thâm niên công tác",
    "age": "tuổi",
    "field": "chuyên ngành đào tạo",
    "category": "loại cán bộ",
    "party_member": "đảng viên",
    "planned_for": "quy hoạch",
    "gender": "giới tính",
    "job_family": "lĩnh vực công tác",
    "ethnicity": "dân tộc",
    "unit": "đơn vị cũ",
    "home_commune": "nơi cư trú",
}
VALUE_VI = {
    "none": "chưa có",
    "trung_cap": "Trung cấp",
    "cao_dang": "Cao đẳng",
    "dai_hoc": "Đại học",
    "thac_si": "Thạc sĩ",
    "tien_si": "Tiến sĩ",
    "so_cap": "Sơ cấp",
    "cao_cap": "Cao cấp",
    "chuyen_vien": "Chuyên viên",
    "chuyen_vien_chinh": "Chuyên viên chính",
    "chuyen_vien_cao_cap": "Chuyên viên cao cấp",
    "can_bo": "cán bộ",
    "cong_chuc": "công chức",
    "vien_chuc": "viên chức",
    "hop_dong": "hợp đồng lao động",
    "khong_chuyen_trach": "người hoạt động không chuyên trách",
    "quan_ly_dat_dai": "Quản lý đất đai",
    "luat": "Luật",
    "kinh_te": "Kinh tế",
    "hanh_chinh": "Hành chính",
    "nong_nghiep": "Nông nghiệp",
    "quan_su": "Quân sự",
    "tai_chinh_ke_toan": "Tài chính - Kế toán",
    "van_hoa": "Văn hóa",
    "xay_dung_dang": "Xây dựng Đảng",
    "xa_hoi": "Công tác xã hội",
    "su_pham": "Sư phạm",
    "xay_dung": "Xây dựng",
    "van_thu_luu_tru": "Văn thư - Lưu trữ",
    "moi_truong": "Môi trường",
    "y_te": "Y tế",
    "cong_nghe_thong_tin": "Công nghệ thông tin",
    "giao_thong": "Giao thông",
    "tu_phap": "Tư pháp",
    "khac": "ngành khác",
    "M": "nam",
    "F": "nữ",
    **RATING_VI,
    **LEVEL_VI,
}

# code -> (English template, Vietnamese template); params are formatted by _prepare below
CATALOGUE: dict[str, tuple[str, str]] = {
    # why a person won a seat
    "locked": ("locked by a reviewer", "Phân công đã được khóa theo quyết định của người rà soát"),
    "kept": ("kept from the previous plan", "Giữ nguyên như phương án trước"),
    "kept_outside": (
        "kept: outside the re-solved communes",
        "Giữ nguyên: không thuộc các xã được tính lại",
    ),
    "continuity": ("continuity: job family {job_family}", "Giữ cùng lĩnh vực công tác ({job_family_vi})"),
    "rating": ("rating {value}", "Xếp loại {value_vi}"),
    "level_kept": (
        "keeps a {level} post as before the merger",
        "Giữ cương vị {level_vi} như trước khi sáp nhập",
    ),
    "planned": ("in the leadership plan for {level}", "Trong quy hoạch chức danh {level_vi}"),
    "preference": ("preference {rank}", "Đúng nguyện vọng {rank} ({commune_name})"),
    "local": ("from merged unit {unit_name}", "Cán bộ của {unit_name}, đơn vị hợp nhất vào xã mới"),
    "only_candidate": (
        "the only person in the feeds who meets every hard requirement",
        "Là người duy nhất trong diện đáp ứng đủ tiêu chuẩn bắt buộc của vị trí",
    ),
    "fills_minimum": ("fills a required {level} seat", "Bảo đảm số lượng tối thiểu của vị trí {level_vi}"),
    "woman_leader": ("woman in a leadership seat", "Góp phần bảo đảm tỷ lệ nữ trong lãnh đạo"),
    "feeds_extra": (
        "sent across old district lines (feeds_extra of {unit})",
        "Điều động ngoài địa bàn huyện cũ (từ {unit_name})",
    ),
    "gap": ("gap: {requirement}", "Chưa đạt tiêu chuẩn: {requirement_vi}{value_vi_suffix}"),
    # why a person is not placed
    "out_of_scope": (
        "outside the re-solved communes",
        "Không thuộc các xã được tính lại trong lần này",
    ),
    "no_feeds": (
        "unit {unit} feeds no commune in scope",
        "{unit_name} không được phân bổ về xã nào trong phạm vi tính toán",
    ),
    "not_eligible": (
        "meets the hard requirements of no position in feeds {feeds}; most often missing: {requirements}",
        "Không đáp ứng tiêu chuẩn bắt buộc của vị trí nào tại {feeds_vi}; thường thiếu: {requirements_vi}",
    ),
    "disciplined": (
        "under discipline: no leadership seat",
        "Đang trong thời hạn kỷ luật: không bố trí chức vụ lãnh đạo",
    ),
    "no_seat": ("no seat left in feeds {feeds}", "Không còn vị trí phù hợp tại {feeds_vi}"),
    "outranked": (
        "outranked: {name} took {title} ({commune})",
        "Vị trí phù hợp đã giao cho người có điểm ưu tiên cao hơn: {name} ({title}, {commune_name})",
    ),
    "payroll_full": (
        "payroll quota of {commune} reached ({quota})",
        "{commune_name} đã đủ biên chế ({quota} người)",
    ),
    "cap_full": (
        "shared cap {cap} of {commune} reached ({max})",
        "{commune_name} đã đủ số lượng chung «{cap}» ({max} người)",
    ),
    "relation": (
        "related to {name} ({kind}) who holds a conflicting seat",
        "Có quan hệ gia đình ({kind_vi}) với {name} đang giữ vị trí liên quan, không được bố trí cùng",
    ),
    "early_retirement": (
        "eligible for early retirement: {years} years to retirement",
        "Thuộc diện nghỉ hưu trước tuổi theo Nghị định 178/2024/NĐ-CP (sửa đổi bởi Nghị định 67/2025/NĐ-CP): "
        "còn {years_vi} năm đến tuổi nghỉ hưu",
    ),
    # why a seat stays short
    "nobody_meets": (
        "no person in feeds meets {requirement}",
        "Không có người nào trong diện đáp ứng tiêu chuẩn: {requirement_vi}",
    ),
    "nobody_meets_all": (
        "no person in feeds meets every hard requirement together ({count} people in feeds)",
        "Không có ai trong {count} người thuộc diện đáp ứng đồng thời mọi tiêu chuẩn bắt buộc",
    ),
    "nobody_fed": (
        "no unit feeds commune {commune}",
        "Không có đơn vị nào được phân bổ nhân sự về {commune_name}",
    ),
    "disciplined_only": (
        "the only people who qualify are under discipline",
        "Những người đủ tiêu chuẩn đều đang trong thời hạn kỷ luật",
    ),
    "candidates_placed": (
        "all {count} eligible people already hold other seats",
        "Cả {count} người đủ tiêu chuẩn đều đã được bố trí vào vị trí khác",
    ),
    # infeasible locks
    "lock_breaks": (
        "lock {name} -> {title} breaks a hard rule: {failure}",
        "Phân công đã khóa {name} → {title} vi phạm quy định bắt buộc: {failure_vi}",
    ),
    "lock_capacity": (
        "{count} locks on {title} ({position}) but at most {max} may hold it",
        "Khóa {count} người vào {title} nhưng vị trí chỉ có tối đa {max} người",
    ),
    "lock_quota": (
        "{count} locks in {commune} exceed its payroll quota {quota}",
        "Khóa {count} người tại {commune_name}, vượt biên chế {quota}",
    ),
    "lock_cap": (
        "{count} locks exceed the shared cap {cap} ({max}) of {commune}",
        "Khóa {count} người, vượt số lượng chung «{cap}» ({max}) của {commune_name}",
    ),
    "lock_relation": (
        "locked relatives {name} and {other_name} in conflicting seats",
        "Khóa hai người có quan hệ gia đình ({name}, {other_name}) vào các vị trí không được giữ cùng",
    ),
    "lock_twice": ("{name} is locked into two positions", "{name} bị khóa vào hai vị trí khác nhau"),
    "text": ("{text}", "{text}"),
}

KIND_VI = {
    "spouse": "vợ/chồng",
    "parent": "cha/mẹ",
    "child": "con",
    "sibling": "anh chị em ruột",
    "in_law": "bên vợ/chồng",
}
FAILURE_VI = {
    "feeds": "không thuộc diện điều động về xã này",
    "discipline": "đang trong thời hạn kỷ luật",
    "forbidden": "đã bị loại trừ",
    "non_local": "yêu cầu không phải người địa phương",
}


def value_vi(v: Any) -> str:
    """A value in Vietnamese (scale labels, fields, booleans)."""
    if isinstance(v, bool):
        return "có" if v else "không"
    if isinstance(v, list | tuple):
        return ", ".join(value_vi(x) for x in v)
    if isinstance(v, float):
        return f"{v:g}".replace(".", ",")
    return VALUE_VI.get(str(v), str(v))


def requirement_en(req: Mapping[str, Any]) -> str:
    """A requirement in English, e.g. `political_theory >= cao_cap`."""
    if "rule" in req:
        return str(req["rule"])
    attr = req.get("attr")
    for op, sym in (("min", ">="), ("max", "<="), ("eq", "=")):
        if op in req:
            v = req[op]
            return f"{attr} {sym} {str(v).lower() if isinstance(v, bool) else v}"
    return f"{attr} in {', '.join(str(v) for v in req.get('in') or ())}"


def requirement_vi(req: Mapping[str, Any]) -> str:
    """A requirement as an officer would say it, e.g. `trình độ lý luận chính trị từ Cao cấp trở lên`."""
    if "rule" in req:
        return FAILURE_VI.get(str(req["rule"]), str(req["rule"]))
    attr = str(req.get("attr"))
    name = ATTR_VI.get(attr, attr)
    if attr == "years_to_retirement" and "min" in req:
        return f"còn ít nhất {value_vi(req['min'])} năm công tác trước tuổi nghỉ hưu"
    if attr == "age":
        if "min" in req:
            return f"từ {value_vi(req['min'])} tuổi trở lên"
        if "max" in req:
            return f"không quá {value_vi(req['max'])} tuổi"
    if attr == "party_member" and "eq" in req:
        return "là đảng viên" if req["eq"] else "không phải đảng viên"
    if attr == "gender" and "eq" in req:
        return f"là {value_vi(req['eq'])}"
    if "min" in req:
        return f"{name} từ {value_vi(req['min'])} trở lên"
    if "max" in req:
        return f"{name} không quá {value_vi(req['max'])}"
    if "eq" in req:
        return f"{name}: {value_vi(req['eq'])}"
    values = list(req.get("in") or ())
    if attr == "planned_for":
        return "trong quy hoạch chức danh " + " hoặc ".join(LEVEL_VI.get(v, v) for v in values)
    if attr == "category":
        return "là " + " hoặc ".join(value_vi(v) for v in values)
    if attr == "job_family":
        return "đúng lĩnh vực công tác (" + ", ".join(JOB_FAMILY_VI.get(v, v) for v in values) + ")"
    if attr == "field":
        return "chuyên ngành phù hợp (" + ", ".join(value_vi(v) for v in values) + ")"
    return f"{name} thuộc: " + ", ".join(value_vi(v) for v in values)


def _names(codes: Sequence[Any], names: Mapping[str, Any] | None) -> str:
    names = names or {}
    return ", ".join(str(names.get(str(c), c)) for c in codes)


def _prepare(params: Mapping[str, Any]) -> dict[str, Any]:
    """Derived parameters the templates use (`*_vi` labels, joined lists)."""
    p: dict[str, Any] = dict(params)
    p.setdefault("name", p.get("person", ""))
    p.setdefault("commune_name", p.get("commune", ""))
    p.setdefault("unit_name", p.get("unit", ""))
    p.setdefault("other_name", p.get("other", ""))
    p.setdefault("title", p.get("position", ""))
    if "job_family" in p:
        p["job_family_vi"] = JOB_FAMILY_VI.get(str(p["job_family"]), p["job_family"])
    if "value" in p:
        p["value_vi"] = value_vi(p["value"])
    if "level" in p:
        p["level_vi"] = LEVEL_VI.get(str(p["level"]), p["level"])
    if "kind" in p:
        p["kind_vi"] = KIND_VI.get(str(p["kind"]), p["kind"])
    if "years" in p:
        p["years_vi"] = value_vi(p["years"])
    req = p.get("requirement")
    if isinstance(req, Mapping):
        p["requirement"] = requirement_en(req)
        p["requirement_vi"] = requirement_vi(req)
        val = req.get("value")
        p["value_vi_suffix"] = f" (hiện: {value_vi(val)})" if val not in (None, [], ()) else ""
    reqs = p.get("requirements")
    if isinstance(reqs, list):
        p["requirements"] = "; ".join(requirement_en(r) for r in reqs) or "-"
        p["requirements_vi"] = "; ".join(requirement_vi(r) for r in reqs) or "-"
    fail = p.get("failure")
    if isinstance(fail, Mapping):
        p["failure"] = requirement_en(fail)
        p["failure_vi"] = requirement_vi(fail)
    feeds = p.get("feeds")
    if isinstance(feeds, list):
        p["feeds_vi"] = _names(feeds, p.get("commune_names"))
        p["feeds"] = ", ".join(str(f) for f in feeds)
    return p


def render(reason: Mapping[str, Any], lang: str = "vi") -> str:
    """A reason {"code", "params"} as a sentence in Vietnamese ("vi") or English ("en")."""
    code = str(reason.get("code"))
    params = _prepare(reason.get("params") or {})
    templates = CATALOGUE.get(code)
    if templates is None:
        return code
    template = templates[1] if lang == "vi" else templates[0]
    try:
        return template.format(**params)
    except (KeyError, IndexError, ValueError):
        return template
