"""The seat view's candidates and the person page's other seats come from solver.explain, in its order."""

from __future__ import annotations

import re

from review_helpers import person, position

from staffing.services import ranking, review


def test_seat_candidates_follow_solver_explain(plan, as_user):
    from solver import explain

    pos = position("06613/UBND/KT/3")
    ranked = ranking.seat_candidates(plan, pos)
    assert ranked, "someone may take a staff seat"
    # the same people, in the same order, as the solver's own explanation of the local problem
    pool = {p.id for p in review.build_local(plan, {pos.department.commune_id}, set()).people.values()}
    local = review.build_local(
        plan,
        {pos.department.commune_id, position("06625/UBND/KT/1").department.commune_id},
        pool | {person(i).id for i in range(5)},
    )
    expected = [
        c.person for c in explain.candidates(local.problem, ranking._solver_plan(local), pos.code, 40)
    ]
    assert [r.person.key for r in ranked] == expected
    # the objective's order (solver.explain._rank): seats filled by level, then people placed, then quality
    keys = [(*(r.shortfall.get(lv, 0) for lv in ranking.LEVELS), -r.placed, r.quality) for r in ranked]
    assert keys == sorted(keys)
    client = as_user("drafter@lang-son")
    page = client.get(f"/plans/{plan.id}/seats/{pos.id}").get_data(as_text=True)
    table = page.split('id="ranked"', 1)[1].split("</table>", 1)[0]
    shown = re.findall(r'/people/(\d+)">', table)
    assert [int(i) for i in shown] == [r.person.id for r in ranked]


def test_person_page_lists_other_seats_and_decisions(plan, as_user):
    who = person(3)  # district official: both communes
    options = ranking.person_alternatives(
        plan, who, as_user("drafter@lang-son") and _user("drafter@lang-son")
    )
    assert all(o.position.code != "06625/UBND/KT/3" for o in options)  # not the seat they hold
    client = as_user("drafter@lang-son")
    page = client.get(f"/plans/{plan.id}/people/{who.id}").get_data(as_text=True)
    assert 'id="alternatives"' in page and 'id="decisions"' in page and 'id="record"' in page
    for o in options:
        assert o.position.title in page


def _user(email: str):
    from staffing.extensions import db
    from staffing.models import User

    return db.session.scalar(db.select(User).where(User.email == email))


def test_kept_explanation_follows_an_edit_of_the_communes_involved(plan, as_user):
    """The ranking is kept per plan version and commune counters: an edit there is seen at once, and a
    kept ranking equals a fresh one."""
    from staffing.extensions import db
    from staffing.services import plan_views

    pos = position("06613/UBND/KT/1")
    first = [(r.person.id, r.current.id if r.current else None) for r in ranking.seat_candidates(plan, pos)]
    again = [(r.person.id, r.current.id if r.current else None) for r in ranking.seat_candidates(plan, pos)]
    assert again == first
    # a drafter unplaces someone of commune A: the seat's ranking is built again, with them unplaced
    mover = person(0)
    review.apply_change(plan, review.Change("unassign", mover), _user("drafter@lang-son"), "thử")
    db.session.commit()
    after = {r.person.id: r.current for r in ranking.seat_candidates(plan, pos)}
    plan_views._CACHE.clear()
    fresh = {r.person.id: r.current for r in ranking.seat_candidates(plan, pos)}
    assert after == fresh
    assert mover.id in dict(first) and dict(first)[mover.id] is not None  # a candidate, seated
    assert after[mover.id] is None  # ... now shown unplaced: the kept ranking was not served stale
