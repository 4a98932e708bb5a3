"""The plan's pages for exits and budget, demotions and the roadmap, as a reviewer uses them."""

from __future__ import annotations

from datetime import date

import pytest
from export_readback import sheet_rows
from flask import Flask

from staffing.extensions import db
from staffing.models import AuditEntry, Commune, DemotionReview, ExitChoice, PlanStatus, Role
from staffing.services.roadmap import load_roadmap


def _pay(staffed) -> None:
    people = {a.person.name: a.person for a in staffed["assignments"]}
    people["Vi Văn Tám"].salary_coefficient, people["Vi Văn Tám"].insurance_years = 4.98, 30.0
    people["Nguyễn Văn A"].position_allowance = 0.3
    people["Nguyễn Văn D"].position_allowance = 0.25  # Phó Trưởng phòng placed as staff
    # C: a district head (allowance 0.40) placed as a commune head (default 0.25): lower by allowance only
    people["Nguyễn Văn C"].current_title, people["Nguyễn Văn C"].position_allowance = (
        "Trưởng phòng Nội vụ",
        0.4,
    )
    db.session.commit()


def test_budget_page_shows_formula_and_totals(export_app: Flask, staffed, make_user, login) -> None:
    _pay(staffed)
    make_user("reviewer@lang-son", Role.REVIEWER)
    plan = staffed["plan"]
    staffed_plan_status = plan.status
    client = export_app.test_client()
    login(client, "reviewer@lang-son")
    page = client.get(f"/plans/{plan.id}/exits").get_data(as_text=True)
    assert "Vi Văn Tám" in page and "Lý Văn Sáu" in page
    assert "0,9 × 11.653.200 × 60 tháng" in page  # the formula, per person
    assert "1.002.175.200" in page  # Tám's total, and the province's
    assert 'id="by-commune"' in page and "Xã Đình Lập" in page
    # pay protection from the restructuring decision (1/7/2025): D (civil servant, deputy -> staff) 6 months:
    # 0.25 × 2,340,000 × 6 = 3,510,000; C (civil servant, head 0.40 -> head 0.25) 0.15 × 2,340,000 × 6 =
    # 2,106,000; A (Phó Chủ tịch UBND, an elective post, key 0.3 -> head 0.25) to the end of the term
    # 30/6/2026, 1/7/2025..30/6/2026 = 12 months: 0.05 × 2,340,000 × 12 = 1,404,000.
    # 3,510,000 + 2,106,000 + 1,404,000 = 7,020,000
    assert 'id="protection-total">7.020.000<' in page
    assert staffed_plan_status == PlanStatus.APPROVED and "exit-form" not in page  # approved: read only
    annex = client.get(f"/plans/{plan.id}/export/de-an-tinh-gian.xlsx")
    assert annex.status_code == 200
    rows = {r["Họ và tên"]: r for r in sheet_rows(annex.data, "Danh sách")}
    assert rows["Vi Văn Tám"]["Số tiền (đồng)"] == 1_002_175_200


@pytest.mark.parametrize("staffed", [PlanStatus.IN_REVIEW], indirect=True)
def test_reviewer_picks_an_exit_and_judges_a_demotion(export_app: Flask, staffed, make_user, login) -> None:
    _pay(staffed)
    make_user("reviewer@lang-son", Role.REVIEWER)
    plan = staffed["plan"]
    tam = next(a.person for a in staffed["assignments"] if a.person.name == "Vi Văn Tám")
    a = next(x.person for x in staffed["assignments"] if x.person.name == "Nguyễn Văn A")
    client = export_app.test_client()
    login(client, "reviewer@lang-son")
    assert "exit-form" in client.get(f"/plans/{plan.id}/exits").get_data(as_text=True)
    response = client.post(
        f"/plans/{plan.id}/exits/{tam.id}", data={"path": "resignation", "leave_date": "2025-09-01"}
    )
    assert response.status_code == 302
    choice = db.session.scalars(db.select(ExitChoice)).one()
    assert (choice.path, choice.leave_date) == ("resignation", date(2025, 9, 1))
    assert client.post(f"/plans/{plan.id}/exits/{tam.id}", data={"path": "nonsense"}).status_code == 400
    assert (
        client.post(f"/plans/{plan.id}/exits/{a.id}", data={"path": "resignation"}).status_code == 404
    )  # placed
    page = client.get(f"/plans/{plan.id}/demotions").get_data(as_text=True)
    assert "Nguyễn Văn A" in page and "Phó Chủ tịch UBND" in page
    assert "Hệ số 0,30 đến hết nhiệm kỳ (30/06/2026)" in page  # an elective post: to the end of the term
    assert (
        "chức danh bầu cử theo nhiệm kỳ: giữ phụ cấp chức vụ cũ đến hết nhiệm kỳ (30/06/2026), 12 tháng"
        in page
    )
    assert "Hệ số 0,25 trong 6 tháng" in page  # D, a civil servant: 6 months
    assert "cấp bậc thấp hơn" in page and "hệ số phụ cấp chức vụ thấp hơn" in page  # both tests named
    assert "Hoàng Thị Lan" not in page  # Bí thư placed as Bí thư
    assert "(0,25 - 0) × 2.340.000 × 6 tháng = 3.510.000" in page
    assert "(0,3 - 0,25) × 2.340.000 × 12 tháng = 1.404.000" in page  # key -> head, to the end of the term
    assert "(0,4 - 0,25) × 2.340.000 × 6 tháng = 2.106.000" in page  # same level, lower coefficient
    assert "Nguyễn Văn C" in page
    response = client.post(
        f"/plans/{plan.id}/demotions/{a.id}", data={"status": "another_seat", "note": "PCT"}
    )
    assert response.status_code == 302
    assert db.session.scalars(db.select(DemotionReview)).one().status == "another_seat"
    entities = {e.entity for e in db.session.scalars(db.select(AuditEntry))}
    assert {"exit_choice", "demotion_review"} <= entities


def test_roadmap_projects_to_the_norm(export_app: Flask, staffed, make_user, login) -> None:
    _pay(staffed)
    plan = staffed["plan"]
    communes = {
        c.code: c for c in db.session.scalars(db.select(Commune).where(Commune.province_code == "20"))
    }
    communes["06613"].payroll_quota, communes["06613"].target_quota = 5, 3
    db.session.commit()
    province, roads = load_roadmap(plan)
    road = next(r for r in roads if r.code == "06613")
    # 06613: A, B, D placed (công chức), Sáu and Tám unplaced, fed from its old units; Tám retires early in 2025
    assert road.payroll_today == 5
    assert road.years[2025] == 3  # Sáu reached retirement age in 2025, Tám leaves on 01/08/2025
    assert road.exiting[2025] == 1 and road.retiring[2025] == 1
    assert road.reached == 2025 and road.shortfall_2030 == 0
    communes["06613"].target_quota = 1
    db.session.commit()
    road = next(r for r in load_roadmap(plan)[1] if r.code == "06613")
    assert road.reached is None and road.shortfall_2030 == 2
    make_user("reviewer@lang-son", Role.REVIEWER)
    client = export_app.test_client()
    login(client, "reviewer@lang-son")
    page = client.get(f"/plans/{plan.id}/roadmap").get_data(as_text=True)
    assert "còn thừa 2 người năm 2030" in page
    assert page.count("<svg") >= 3  # the province and each commune, drawn on the server
    assert "<script" not in page.split("<svg", 1)[1].split("</svg>", 1)[0]  # no scripts in the charts
    svg = client.get(f"/plans/{plan.id}/roadmap/06613.svg")
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
    assert province.payroll_today >= road.payroll_today
