"""HR's qualification view and its workbook, the leaders' dashboard, the audit pages."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from review_helpers import person, seat_of

from staffing.extensions import db
from staffing.models import Person


def test_gaps_are_listed_grouped_into_training_needs_and_exported(plan, as_user):
    # a name that a spreadsheet would run as a formula must stay text
    e = person(4)
    db.session.get(Person, e.id).name = '=HYPERLINK("http://x","E")'
    db.session.commit()
    client = as_user("reviewer@lang-son")
    page = client.get(f"/plans/{plan.id}/gaps").get_data(as_text=True)
    # both heads lack advanced political theory (a soft requirement): one need, two people, two communes
    assert "Đào tạo lý luận chính trị trình độ Cao cấp" in page
    assert "Xã A Lạng Sơn: 1" in page
    assert "Xã B Lạng Sơn: 1" in page
    assert "1 bậc" in page
    filtered = client.get(f"/plans/{plan.id}/gaps?commune=06625").get_data(as_text=True)
    table = filtered.split('id="gaps"')[1]
    assert "Nguyễn Văn C" in table
    assert "HYPERLINK" not in table
    sorted_page = client.get(f"/plans/{plan.id}/gaps?sort=person").get_data(as_text=True)
    assert sorted_page.index("=HYPERLINK") < sorted_page.index("Nguyễn Văn C")

    response = client.get(f"/plans/{plan.id}/gaps.xlsx")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.data))
    sheet = book.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Họ và tên"
    assert len(rows) == 3
    names = {r[0] for r in rows[1:]}
    assert names == {"Nguyễn Văn C", '=HYPERLINK("http://x","E")'}
    cell = next(c for c in sheet["A"] if c.value and str(c.value).startswith("="))
    assert cell.data_type == "s"  # written as a string, not a formula
    needs = list(book.worksheets[1].iter_rows(values_only=True))
    assert needs[1][0] == "Đào tạo lý luận chính trị trình độ Cao cấp"
    assert needs[1][1] == 2
    # the export honours the filters
    only_b = load_workbook(io.BytesIO(client.get(f"/plans/{plan.id}/gaps.xlsx?commune=06625").data))
    assert [r[0] for r in only_b.worksheets[0].iter_rows(min_row=2, values_only=True)] == ["Nguyễn Văn C"]


def test_dashboard_for_province_and_commune(plan, as_user):
    client = as_user("approver@lang-son")
    page = client.get(f"/plans/{plan.id}/dashboard").get_data(as_text=True)
    assert page.count("<svg") >= 4
    assert "Bố trí so với biên chế" in page
    assert "Cơ cấu độ tuổi" in page
    assert "nữ trong lãnh đạo" in page
    assert "Cân đối vị trí lãnh đạo" in page
    assert "<script>" not in page  # CSP: no inline script
    commune = client.get(f"/plans/{plan.id}/dashboard/c/06613").get_data(as_text=True)
    assert "Xã Cũ Một" in commune
    assert client.get(f"/plans/{plan.id}/dashboard/c/07113").status_code == 404  # another province's commune
    from staffing.models import Commune, Plan, Province
    from staffing.services.dashboard import build

    p = db.session.get(Plan, plan.id)
    data = build(
        p,
        db.session.get(Province, "20"),
        list(db.session.scalars(db.select(Commune).where(Commune.province_code == "20"))),
        "x",
    )
    assert data.filled == 5
    assert data.leaders == 2
    assert data.women_leaders == 2
    assert sum(b["lead"] + b["staff"] for b in data.age_bins) == 5


def test_audit_pages_per_plan_and_per_person(plan, as_user):
    client = as_user("drafter@lang-son")
    b = person(1)
    db.session.refresh(plan)
    client.post(
        f"/plans/{plan.id}/change",
        data={"version": plan.version, "kind": "unassign", "person": b.id, "reason": "Nghỉ hưu trước tuổi"},
    )
    page = client.get(f"/plans/{plan.id}/audit").get_data(as_text=True)
    assert "Để trống" in page
    assert "Nghỉ hưu trước tuổi" in page
    assert "Giải phương án" in page
    history = client.get(f"/p/20/people/{b.id}/history").get_data(as_text=True)
    assert "Nghỉ hưu trước tuổi" in history
    assert "Phương án thử" in history
    assert client.get(f"/p/22/people/{b.id}/history").status_code == 404
    from staffing.audit import verify

    assert verify() == []


def test_dashboard_follows_each_edit_rereading_only_the_edited_commune(plan, as_user):
    """The figures are kept per commune and edit counter: an edit shows at once, and only its commune is
    read again (the others come from the cache)."""
    from staffing.models import Commune, Plan, Province
    from staffing.services import dashboard

    client = as_user("drafter@lang-son")
    p = db.session.get(Plan, plan.id)
    province = db.session.get(Province, "20")
    communes = list(db.session.scalars(db.select(Commune).where(Commune.province_code == "20")))
    before = dashboard.build(p, province, communes, "x")
    assert before.filled == 5
    read: list[set[int]] = []
    real = dashboard._read_figures

    def counting(plan_: Plan, as_of, ids: set[int]):  # type: ignore[no-untyped-def]
        read.append(set(ids))
        return real(plan_, as_of, ids)

    dashboard._read_figures = counting  # type: ignore[assignment]
    try:
        b = person(1)
        seat = seat_of(plan, b)
        assert seat is not None
        response = client.post(
            f"/plans/{plan.id}/change",
            data={"version": p.version, "kind": "unassign", "person": b.id, "reason": "thử"},
        )
        assert response.status_code == 302
        db.session.expire_all()
        p = db.session.get(Plan, plan.id)
        after = dashboard.build(p, province, communes, "x")
    finally:
        dashboard._read_figures = real  # type: ignore[assignment]
    assert after.filled == 4
    assert after.unplaced == before.unplaced + 1
    assert read == [{seat.department.commune_id}]
    page = client.get(f"/plans/{plan.id}/dashboard").get_data(as_text=True)
    assert "Bố trí so với biên chế" in page
