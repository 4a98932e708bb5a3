"""Global search: folded names, one slip, CCCD digits, old unit and post, groups, scope, page and API."""

from __future__ import annotations

import hashlib

from werkzeug.security import generate_password_hash

from staffing.extensions import db
from staffing.folding import fold, near_match, within_one_edit
from staffing.models import ApiToken, Person, PlanStatus, Role, User
from staffing.services import search

# as in tests/review/conftest.py (not imported: another folder's conftest may shadow it)
FAST_HASH = generate_password_hash("secret-pass-1", method="pbkdf2:sha256:1000")


def test_folding_and_slips():
    assert fold("  Nguyễn Thị  HOÀ ") == "nguyen thi hoa"
    assert fold("Đặng Đình Đức") == "dang dinh duc"
    assert within_one_edit("hoa", "hao") and within_one_edit("hoa", "hoaa") and within_one_edit("hoa", "ho")
    assert not within_one_edit("hoa", "hung")
    assert near_match("nguyen thi hoa", "nguyen thi hao")
    assert near_match("nguyen thi hoa", "nguen thi hoa")
    assert near_match("nguyen thi hoa", "nguyen hoa")
    assert not near_match("nguyen thi hoa", "nguyen van hao")  # two slips


def _rename(key_suffix: str, name: str, title: str | None = None) -> Person:
    person = db.session.scalar(db.select(Person).where(Person.key.like(f"020%{key_suffix}")))
    assert person is not None
    person.name = name
    if title is not None:
        person.current_title = title
    db.session.commit()
    return person


def test_search_service_finds_by_name_slip_digits_unit_post(app, plan, province, users):
    hoa = _rename("000000000", "Nguyễn Thị Hoa", "Phó Chủ tịch UBND xã")
    assert hoa.name_norm == "nguyen thi hoa" and hoa.title_norm == "pho chu tich ubnd xa"
    drafter = users["drafter"]
    names = lambda q: [h.person.name for h in search.search(province, drafter, q, plan).people]  # noqa: E731
    assert names("nguyen thi hoa")[0] == "Nguyễn Thị Hoa"
    assert "Nguyễn Thị Hoa" in names("nguyen thi hao")  # one slip
    assert "Nguyễn Thị Hoa" in names("NGUYỄN THỊ HOA")
    assert names(hoa.key) == ["Nguyễn Thị Hoa"]  # whole CCCD
    assert "Nguyễn Thị Hoa" in names(hoa.key[-6:])  # its last digits
    assert "Nguyễn Thị Hoa" in names("pho chu tich")  # old post
    assert set(names("xa cu mot")) >= {"Nguyễn Thị Hoa", "Nguyễn Văn B"}  # old unit
    result = search.search(province, drafter, "xa a", plan)
    assert [c.code for c in result.communes] == ["06613"]
    assert search.search(province, drafter, "phong kinh te", plan).departments
    hit = search.search(province, drafter, "nguyen thi hoa", plan).people[0]
    assert hit.seat is not None and hit.seat.code == "06613/UBND/KT/3"
    # nothing of the other province
    assert all(
        h.person.province_code == "20" for h in search.search(province, drafter, "nguyen", plan).people
    )


def test_scoped_drafter_never_finds_a_person_seated_outside(app, plan, province, users, as_user):
    """Nguyễn Văn D, a district official (the agency feeds both communes), sits in commune B (06625)."""
    scoped = User(
        email="xa-a@lang-son",
        name="xa-a",
        role=Role.DRAFTER,
        province_code="20",
        communes=["06613"],
        password_hash=FAST_HASH,
    )
    db.session.add(scoped)
    db.session.commit()
    found = [h.person.name for h in search.search(province, scoped, "nguyen van", plan).people]
    assert "Nguyễn Văn E" in found  # the other district official, seated in commune A
    assert "Nguyễn Văn D" not in found and "Nguyễn Văn C" not in found
    d = db.session.scalar(
        db.select(Person).where(Person.province_code == "20", Person.name == "Nguyễn Văn D")
    )
    assert search.search(province, scoped, d.key, plan).people == []
    assert search.search(province, users["drafter"], d.key, plan).people[0].person.id == d.id
    assert [c.code for c in search.search(province, scoped, "xa", plan).communes] == ["06613"]

    client = as_user("xa-a@lang-son")
    page = client.get("/search?q=nguyen+van").get_data(as_text=True)
    assert "Nguyễn Văn E" in page and "Nguyễn Văn D" not in page
    # the person's page, a change on them and the API answer 404 for them
    assert client.get(f"/plans/{plan.id}/people/{d.id}").status_code == 404
    assert client.get(f"/plans/{plan.id}/change?kind=move&person={d.id}").status_code == 404
    body = client.get(f"/api/v1/search?q={d.key}").get_json()
    assert body["people"] == []
    body = client.get("/api/v1/search?q=nguyen+van").get_json()
    assert "Nguyễn Văn D" not in [p["name"] for p in body["people"]]


def test_search_page_groups_and_links(app, plan, province, users, as_user):
    _rename("000000000", "Nguyễn Thị Hoa")
    client = as_user("drafter@lang-son")
    page = client.get("/search?q=nguyen+thi+hao").get_data(as_text=True)
    hoa = db.session.scalar(
        db.select(Person).where(Person.province_code == "20", Person.name == "Nguyễn Thị Hoa")
    )
    assert f'href="/plans/{plan.id}/people/{hoa.id}"' in page
    assert "Công chức Tài chính - Kế toán" in page  # where the plan puts her
    page = client.get("/search?q=xa+a").get_data(as_text=True)
    assert 'id="results-communes"' in page and "Xã A Lạng Sơn" in page and "Quảng Ninh" not in page
    # the top bar of every page carries the search box
    assert 'id="global-search"' in client.get(f"/plans/{plan.id}").get_data(as_text=True)
    # another province's search is out of scope
    assert client.get("/search?q=nguyen&province=22").status_code == 404


def test_search_api_with_a_token(app, plan, province, users, client):
    _rename("000000000", "Nguyễn Thị Hoa")
    raw = "tok-" + "x" * 40
    db.session.add(
        ApiToken(user=users["reviewer"], name="HR", token_hash=hashlib.sha256(raw.encode()).hexdigest())
    )
    db.session.commit()
    headers = {"Authorization": f"Bearer {raw}"}
    body = client.get("/api/v1/search?q=nguyen+thi+hoa&province=20", headers=headers).get_json()
    person = body["people"][0]
    assert person["name"] == "Nguyễn Thị Hoa" and person["birth_date"] == "1980-01-01"
    assert person["old_unit"]["name"] == "Xã Cũ Một"
    assert person["plan_seat"] is None and body["plan"] is None  # a token reads approved plans only
    plan.status = PlanStatus.APPROVED
    db.session.commit()
    body = client.get("/api/v1/search?q=nguyen+thi+hoa&province=20", headers=headers).get_json()
    assert body["plan"] == plan.id and body["people"][0]["plan_seat"]["position"] == "06613/UBND/KT/3"
    assert client.get("/api/v1/search?q=nguyen&province=22", headers=headers).status_code == 404
    assert client.get("/api/v1/search?q=nguyen").status_code == 401
    spec = client.get("/api/v1/openapi.json").get_json()
    assert "/api/v1/search" in spec["paths"]


def test_a_commune_query_lists_the_people_seated_there_within_scope(app, plan, province, users, as_user):
    from review_helpers import person

    seated_a = {person(i).id for i in (0, 1, 4)}  # the plan seats them in commune A (06613)
    seated_b = {person(i).id for i in (2, 3)}  # ... and these in commune B (06625)
    found = search.search(province, users["drafter"], "xa b lang son", plan)
    assert [c.code for c in found.communes] == ["06625"]
    hits = {h.person.id: h for h in found.people}
    assert seated_b <= set(hits) and not seated_a & set(hits)
    assert all(
        hits[i].matched == "commune" and hits[i].seat.department.commune.code == "06625" for i in seated_b
    )
    # a drafter scoped to commune A sees neither commune B nor the people seated there
    scoped = User(
        email="xa-a2@lang-son",
        name="xa-a2",
        role=Role.DRAFTER,
        province_code="20",
        communes=["06613"],
        password_hash=FAST_HASH,
    )
    db.session.add(scoped)
    db.session.commit()
    found = search.search(province, scoped, "xa b lang son", plan)
    assert found.communes == [] and not {h.person.id for h in found.people} & seated_b
    found = search.search(province, scoped, "xa a lang son", plan)
    assert seated_a <= {h.person.id for h in found.people if h.matched == "commune"}
    assert not {h.person.id for h in found.people} & seated_b
    # the page lists them under people, with their seat and a link to them; so does the API
    client = as_user("drafter@lang-son")
    page = client.get("/search?q=xa+b+lang+son").get_data(as_text=True)
    assert 'id="results-people"' in page and 'id="results-communes"' in page
    assert f'href="/plans/{plan.id}/people/{person(2).id}"' in page and "06625" in page
    body = client.get("/api/v1/search?q=xa+b+lang+son").get_json()
    assert {p["key"] for p in body["people"]} >= {person(2).key, person(3).key}
    client = as_user("xa-a2@lang-son")
    page = client.get("/search?q=xa+b+lang+son").get_data(as_text=True)
    assert f"/people/{person(2).id}" not in page and f"/people/{person(3).id}" not in page
