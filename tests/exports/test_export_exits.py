"""Exits of a plan: the annex workbook, the exit and miễn nhiệm decisions, the CLI, the reviewer's pick."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from export_readback import docx_text
from flask import Flask
from openpyxl import load_workbook

from policy.exits import ExitPath
from staffing.commands.export import export
from staffing.extensions import db
from staffing.models import AuditEntry, Person
from staffing.services.exits import choose_exit, load_exit_data, old_level


def _pay(staffed: dict) -> dict[str, Person]:
    people = {a.person.name: a.person for a in staffed["assignments"]}
    sau, tam = people["Lý Văn Sáu"], people["Vi Văn Tám"]
    # Tám: born 01/09/1968, retires 01/10/2030 (62), leaves 01/08/2025: 62 months early, band 5-10
    tam.salary_coefficient, tam.position_allowance, tam.insurance_years = 4.98, None, 30.0
    sau.salary_coefficient = None  # no pay data: said, not guessed
    people["Nguyễn Văn A"].position_allowance = 0.3  # Phó Chủ tịch UBND placed as a head: keeps 0.3
    db.session.commit()
    return people


def test_old_levels() -> None:
    assert old_level("Bí thư Đảng ủy") == "key"
    assert old_level("Phó Chủ tịch UBND") == "key"
    assert old_level("Trưởng phòng Nội vụ") == "head"
    assert old_level("Chủ tịch Ủy ban MTTQ") == "head"
    assert old_level("Phó Trưởng phòng") == "deputy"
    assert old_level("Chuyên viên") == "staff"
    assert old_level(None) == "staff"


def test_every_unplaced_person_gets_a_path_and_amount(export_app: Flask, staffed) -> None:
    _pay(staffed)
    data = load_exit_data(staffed["plan"])
    rows = {r.name: r for r in data.rows}
    assert set(rows) == {"Lý Văn Sáu", "Vi Văn Tám"}
    tam = rows["Vi Văn Tám"]
    # monthly 2,340,000 × 4.98 = 11,653,200; 0.9 × 11,653,200 × 60 = 629,272,800;
    # 62 months = 5 y 2 m -> 5.5 years: 4 × 5.5 × 11,653,200 = 256,370,400; 30 years: 10 × 11,653,200 = 116,532,000
    assert tam.path is ExitPath.EARLY_RETIREMENT and not tam.chosen
    assert tam.result.band == "5-10"
    assert [line.amount for line in tam.result.lines] == [629_272_800, 256_370_400, 116_532_000]
    assert tam.result.total == 1_002_175_200
    sau = rows["Lý Văn Sáu"]  # born 10/02/1964: statutory retirement 01/06/2025, before the exit date
    assert sau.path is ExitPath.SURPLUS
    assert sau.result.surplus_until == 2025
    for r in data.rows:  # every unplaced person: an exit path, or surplus until a year
        assert (
            r.result.total is not None or r.result.missing or r.result.surplus_until or not r.result.eligible
        )
    ended = {e.name: e for e in data.ended}
    assert ended["Nguyễn Văn A"].demoted and ended["Nguyễn Văn A"].level == "key"
    assert not ended["Hoàng Thị Lan"].demoted  # Bí thư placed as Bí thư


def test_reviewer_pick_is_audited_and_exclusions_apply(export_app: Flask, staffed) -> None:
    people = _pay(staffed)
    plan, tam = staffed["plan"], people["Vi Văn Tám"]
    choose_exit(plan, tam, ExitPath.RESIGNATION, None, leave_date=date(2025, 9, 1), under_investigation=True)
    db.session.commit()
    row = next(r for r in load_exit_data(plan).rows if r.name == "Vi Văn Tám")
    assert row.chosen and row.path is ExitPath.RESIGNATION
    assert not row.result.eligible and "điều tra" in row.status_text
    entry = db.session.scalars(db.select(AuditEntry).where(AuditEntry.entity == "exit_choice")).one()
    assert entry.after["path"] == "resignation" and entry.person_id == tam.id
    choose_exit(plan, tam, ExitPath.RESIGNATION, None, leave_date=date(2025, 9, 1))
    db.session.commit()
    row = next(r for r in load_exit_data(plan).rows if r.name == "Vi Văn Tám")
    # 0.8 × 11,653,200 × 60 (capped) + 1.5 × 30 × 11,653,200 + 3 × 11,653,200
    assert row.result.total == 559_353_600 + 524_394_000 + 34_959_600


def test_cli_writes_annex_and_decisions(export_app: Flask, staffed, tmp_path: Path) -> None:
    _pay(staffed)
    runner = export_app.test_cli_runner()
    plan = staffed["plan"]
    out = tmp_path / "exits"
    result = runner.invoke(export, ["exits", "--plan", str(plan.id), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "2 người không được bố trí" in result.output
    book = load_workbook(io.BytesIO((out / "de-an-tinh-gian.xlsx").read_bytes()))
    ws = book["Danh sách"]
    headers = [c.value for c in ws[4]]
    rows = [
        dict(zip(headers, (c.value for c in r), strict=False)) for r in ws.iter_rows(min_row=5) if r[1].value
    ]
    by_name = {r["Họ và tên"]: r for r in rows}
    tam = by_name["Vi Văn Tám"]
    assert tam["Lộ trình"] == "Nghỉ hưu trước tuổi"
    assert tam["Số tiền (đồng)"] == 1_002_175_200
    assert tam["Hệ số lương"] == 4.98 and tam["Lương cơ sở (đồng)"] == 2_340_000
    assert "0,9 × 11.653.200 × 60 tháng" in tam["Cách tính"]
    assert by_name["Lý Văn Sáu"]["Số tiền (đồng)"] == 0  # surplus: paid as now, no one-off
    assert "Dôi dư đến năm 2025" in by_name["Lý Văn Sáu"]["Ghi chú (điều kiện, dữ liệu thiếu)"]
    budget = book["Kinh phí theo năm, nguồn"]
    assert [c.value for c in budget[4]] == [
        2025,
        "Ngân sách nhà nước (Nghị định 178/2024/NĐ-CP)",
        1_002_175_200,
    ]
    docs = {p.name: docx_text(p.read_bytes()) for p in out.rglob("*.docx")}
    retire = next(t for n, t in docs.items() if "nghi-huu" in n)
    assert "nghỉ hưu trước tuổi" in retire and "Vi Văn Tám" in retire
    assert "Tổng cộng: 1.002.175.200 đồng" in retire
    assert "Nghị định số 178/2024/NĐ-CP" in retire
    dismissals = [t for n, t in docs.items() if "mien-nhiem" in n]
    # the old leaders: A (Phó Chủ tịch UBND), D (Phó Trưởng phòng), Lan (Bí thư Đảng ủy)
    assert len(dismissals) == 3
    a = next(t for t in dismissals if "Nguyễn Văn A" in t)
    assert "thôi giữ chức vụ Phó Chủ tịch UBND" in a
    # an elective post: kept to the end of the term (the default 30/6/2026), not 6 months
    assert (
        "bảo lưu phụ cấp chức vụ hệ số 0,3 của chức vụ cũ kể từ ngày Quyết định này có hiệu lực đến hết "
        "nhiệm kỳ (ngày 30/06/2026) (chức vụ mới: Trưởng phòng)"
    ) in a
    lan = next(t for t in dismissals if "Hoàng Thị Lan" in t)
    assert "TỈNH ỦY" in lan and "đồng chí Hoàng Thị Lan" in lan


def test_exit_decisions_are_batched_with_appointments(export_app: Flask, staffed, tmp_path: Path) -> None:
    _pay(staffed)
    runner = export_app.test_cli_runner()
    plan = staffed["plan"]
    result = runner.invoke(export, ["decisions", "--plan", str(plan.id), "--out", str(tmp_path / "qd")])
    assert result.exit_code == 0, result.output
    names = [p.name for p in (tmp_path / "qd").rglob("*.docx")]
    assert len(names) == 6 + 1 + 3  # appointments, Tám's early retirement, three miễn nhiệm
    assert sum("mien-nhiem" in n for n in names) == 3


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        (
            "nghi-huu-truoc-tuoi",
            ("Về việc nghỉ hưu trước tuổi đối với ông Vi Văn Tám", "Tổng cộng: 1.002.175.200 đồng"),
        ),
        ("thoi-viec", ("Về việc giải quyết thôi việc đối với ông Vi Văn Tám", "Trợ cấp tìm việc làm")),
        ("cham-dut-kct", ("người hoạt động không chuyên trách Lý Văn Sáu", "Nghị định số 154/2025/NĐ-CP")),
        (
            "mien-nhiem",
            (
                "Về việc thôi giữ chức vụ Phó Chủ tịch UBND",
                "bảo lưu phụ cấp chức vụ hệ số 0,3",
                "đến hết nhiệm kỳ (ngày 30/06/2026)",
            ),
        ),
    ],
)
def test_exit_decisions_convert_to_pdf(
    export_app: Flask, staffed, tmp_path: Path, kind: str, expected
) -> None:
    from test_export_pdf import _pdf_text, _soffice

    people = _pay(staffed)
    plan = staffed["plan"]
    sau = people["Lý Văn Sáu"]
    sau.category, sau.part_time_allowance, sau.service_start = (
        "khong_chuyen_trach",
        2_340_000,
        date(2015, 1, 1),
    )
    sau.birth_date = date(1975, 1, 1)
    if kind == "thoi-viec":
        choose_exit(plan, people["Vi Văn Tám"], ExitPath.RESIGNATION, None)
    db.session.commit()
    out = tmp_path / "exits"
    result = export_app.test_cli_runner().invoke(export, ["exits", "--plan", str(plan.id), "--out", str(out)])
    assert result.exit_code == 0, result.output
    docx = next(
        p
        for p in out.rglob("*.docx")
        if kind in p.name and ("Nguyen-Van-A" in p.name or kind != "mien-nhiem")
    )
    pdf = _soffice(docx, "pdf", tmp_path)
    assert pdf.read_bytes().startswith(b"%PDF")
    text = " ".join(_pdf_text(pdf, docx, tmp_path).split())
    for phrase in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "QUYẾT ĐỊNH",
        "Điều 1.",
        "Điều 2.",
        "Nơi nhận:",
        *expected,
    ):
        assert phrase in text, phrase


def test_a_decision_for_a_lower_post_states_the_kept_allowance(
    export_app: Flask, staffed, tmp_path: Path
) -> None:
    """The bổ nhiệm / bố trí decision itself names the old coefficient kept: to the end of the term for an
    elective post (A), 6 months (Res. 76/2025/UBTVQH15) for a civil servant (D)."""
    people = _pay(staffed)
    people["Nguyễn Văn D"].position_allowance = 0.25  # Phó Trưởng phòng placed as staff (bố trí)
    db.session.commit()
    runner = export_app.test_cli_runner()
    plan = staffed["plan"]
    out = tmp_path / "qd"
    result = runner.invoke(export, ["decisions", "--plan", str(plan.id), "--out", str(out), "--no-exits"])
    assert result.exit_code == 0, result.output
    docs = {p.name: docx_text(p.read_bytes()) for p in out.rglob("*.docx")}
    a = next(t for n, t in docs.items() if "bo-nhiem" in n and "Nguyen-Van-A" in n)
    # A: Phó Chủ tịch UBND (key, 0.3) appointed a head (default coefficient 0.25)
    assert (
        "được bảo lưu hệ số phụ cấp chức vụ 0,3 của chức vụ Phó Chủ tịch UBND kể từ ngày Quyết định này có "
        "hiệu lực đến hết nhiệm kỳ (ngày 30/06/2026) (hệ số phụ cấp chức vụ mới: 0,25)"
    ) in a
    assert "0,3 của chức vụ Phó Chủ tịch UBND trong thời hạn 06 tháng" not in a
    d = next(t for n, t in docs.items() if "bo-tri" in n and "Nguyen-Van-D" in n)
    assert (
        "được bảo lưu hệ số phụ cấp chức vụ 0,25 của chức vụ Phó Trưởng phòng trong thời hạn 06 tháng kể từ "
        "ngày Quyết định này có hiệu lực theo Nghị quyết số 76/2025/UBTVQH15"
    ) in d
    assert "(hệ số phụ cấp chức vụ mới: 0)" in d
    b = next(t for n, t in docs.items() if "Nguyen-Van-B" in n)
    assert "được bảo lưu hệ số" not in b  # no old allowance: only the general article
    lan = next(t for n, t in docs.items() if "Hoang-Thi-Lan" in n)
    assert "được bảo lưu hệ số" not in lan  # same post level, no coefficient known
    # one decision per department: the kept allowance is in the annex's "Ghi chú" column
    result = runner.invoke(
        export,
        ["decisions", "--plan", str(plan.id), "--out", str(tmp_path / "dept"), "--mode", "per_department"],
    )
    assert result.exit_code == 0, result.output
    from export_readback import annex_rows

    rows = [r for p in (tmp_path / "dept").rglob("*.docx") for r in annex_rows(p.read_bytes())]
    notes = {r[1]: r[5] for r in rows}
    assert notes["Nguyễn Văn D"].startswith("Bảo lưu hệ số phụ cấp chức vụ 0,25 trong 06 tháng")
    assert notes["Nguyễn Văn B"] == ""
    assert notes["Nguyễn Văn A"] == "Bảo lưu hệ số phụ cấp chức vụ 0,3 đến hết nhiệm kỳ (30/06/2026)"


def test_the_end_of_the_term_is_a_setting(export_app: Flask, staffed, tmp_path: Path) -> None:
    """term_end in [general] moves the kept period of an elective post: A (Phó Chủ tịch UBND, 0,3 -> 0,25)
    decided 1/7/2025 with the term ending 31/3/2026 keeps 9 months (1/7/2025..31/3/2026): the decision says
    so, and the annex costs (0,3 - 0,25) × 2.340.000 × 9 = 0,05 × 21.060.000 = 1.053.000."""
    people = _pay(staffed)
    folder = Path(export_app.instance_path) / "documents"
    folder.mkdir(parents=True)
    (folder / "decisions.toml").write_text("[general]\nterm_end = 2026-03-31\n", encoding="utf-8")
    plan = staffed["plan"]
    runner = export_app.test_cli_runner()
    out = tmp_path / "qd"
    result = runner.invoke(export, ["decisions", "--plan", str(plan.id), "--out", str(out), "--no-exits"])
    assert result.exit_code == 0, result.output
    a = next(docx_text(p.read_bytes()) for p in out.rglob("*.docx") if "Nguyen-Van-A" in p.name)
    assert (
        "0,3 của chức vụ Phó Chủ tịch UBND kể từ ngày Quyết định này có hiệu lực đến hết nhiệm kỳ (ngày 31/03/2026)"
        in a
    )
    result = runner.invoke(export, ["exits", "--plan", str(plan.id), "--out", str(tmp_path / "ex")])
    assert result.exit_code == 0, result.output
    from export_readback import sheet_rows

    sheet = sheet_rows(
        (tmp_path / "ex" / "de-an-tinh-gian.xlsx").read_bytes(), "Bảo lưu phụ cấp chức vụ", header_row=3
    )
    row = next(r for r in sheet if r["Họ và tên"] == people["Nguyễn Văn A"].name)
    assert row["Cách tính"] == "(0,3 - 0,25) × 2.340.000 × 9 tháng"
    assert row["Số tiền (đồng)"] == 1_053_000
    assert "đến hết nhiệm kỳ (31/03/2026), 9 tháng" in row["Ghi chú"]
