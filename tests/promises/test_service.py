"""Writing a promise through the service: good paths, every refusal, and nothing half-written."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import func
from sqlmodel import select

from watch.core.errors import ServiceError
from watch.promises import common, progress, revisions, service
from watch.promises.models import ProgressEntry, Promise, PromiseActivity, PromiseRevision, PromiseSignatory


def count(session, model) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


def refused(call, code, field=None):
    with pytest.raises(ServiceError) as info:
        call()
    assert info.value.code == code, info.value.code
    if field:
        assert info.value.details.get("field") == field
    return info.value


def test_a_draft_keeps_what_was_written(world):
    p = world.draft()
    assert p.status == "draft" and p.version == 1 and p.municipality == "Nyköping"
    assert json.loads(p.focus_areas) == ["Grannsamverkan", "Båtsamverkan"]
    assert json.loads(p.scope)["type"] == "Polygon"


def test_two_years_at_most_and_a_period_that_runs_forward(world):
    start = world.start
    refused(lambda: world.draft(period_end=common.add_years(start, 2)), "period_too_long", "period_end")
    refused(lambda: world.draft(period_end=start), "period_reversed", "period_end")
    refused(lambda: world.draft(period_start=None), "period_start_missing", "period_start")
    refused(lambda: world.draft(title="  "), "title_missing", "title")
    world.draft(period_end=common.add_years(start, 2) - timedelta(days=1))  # exactly two years is fine
    assert count(world.session, Promise) == 1


@pytest.mark.parametrize("scope, code", [
    (json.dumps({"type": "LineString", "coordinates": [[17.0, 58.75], [17.1, 58.76]]}), "scope_not_polygon"),
    (json.dumps({"type": "Point", "coordinates": [17.0, 58.75]}), "scope_not_polygon"),
    ("inte json", "scope_not_polygon"),
    (json.dumps({"type": "Polygon", "coordinates": [[[17.0, 58.75], [17.1, 58.76], [17.0, 58.75]]]}), "scope_not_polygon"),
    (json.dumps({"type": "Polygon", "coordinates": [[[17.0, 58.75], [17.1, 58.77], [17.1, 58.75], [17.0, 58.77], [17.0, 58.75]]]}),
     "scope_invalid"),  # a bow tie crosses itself
    (json.dumps({"type": "Polygon", "coordinates": [[[17.0, 58.75], [217.0, 58.75], [17.0, 59.0], [17.0, 58.75]]]}), "scope_out_of_range"),
    (json.dumps({"type": "Polygon", "coordinates": [[[17.0, "x"], [17.1, 58.76], [17.0, 58.8], [17.0, 58.75]]]}), "scope_not_polygon"),
])
def test_a_scope_that_is_not_a_polygon_is_refused(world, scope, code):
    refused(lambda: world.draft(scope=scope), code, "scope")
    assert count(world.session, Promise) == 0


def test_a_feature_polygon_is_taken_and_an_empty_scope_is_none(world):
    from tests.promises.conftest import SCOPE

    assert json.loads(world.draft(scope=json.dumps({"type": "Feature", "geometry": SCOPE})).scope)["type"] == "Polygon"
    assert world.draft(scope="").scope is None


def test_only_coordinators_and_admins_write(world):
    for who in ("reporter", "reader", "outsider", "oxelo"):
        refused(lambda: world.draft(who=who), "promise_editor_only")
    assert world.draft(who="admin").id
    refused(lambda: world.draft(municipality="Atlantis"), "municipality_unknown", "municipality")


def test_an_activity_outside_its_period_is_refused_and_nothing_written(world):
    p = world.draft()
    e = refused(lambda: world.activity(p, due_on=world.end + timedelta(days=1)), "activity_outside_period", "due_on")
    assert "period" in str(e.message)
    refused(lambda: world.activity(p, due_on=world.start - timedelta(days=1)), "activity_outside_period", "due_on")
    refused(lambda: world.activity(p, org="annan"), "organisation_invalid", "organisation_id")
    refused(lambda: world.activity(p, indicator="made_up"), "indicator_unknown", "indicator")
    refused(lambda: world.activity(p, indicator="manual", indicator_label=""), "indicator_label_missing", "indicator_label")
    refused(lambda: world.activity(p, target=0), "target_invalid", "target")
    assert count(world.session, PromiseActivity) == 0


def test_a_period_that_would_leave_an_activity_outside_is_refused(world):
    p = world.draft()
    world.activity(p, due_on=world.end - timedelta(days=5))
    data = service.PromiseIn(title=p.title, period_start=p.period_start, period_end=world.end - timedelta(days=60))
    refused(lambda: service.update_promise(world.session, user=world["coordinator"], promise_id=p.id, data=data),
            "activity_outside_period", "period_end")
    world.session.rollback()
    assert world.session.get(Promise, p.id).period_end == world.end


def test_signing_needs_signed_parties_and_an_activity(world):
    p = world.draft()
    user = world["coordinator"]
    refused(lambda: service.set_status(world.session, user=user, promise_id=p.id, status="signed"), "not_signed")
    service.add_signatory(world.session, user=user, promise_id=p.id, organisation_id=world.orgs["polisen"].id,
                          role_title="lokalpolisområdeschef", signed_on=None)
    refused(lambda: service.set_status(world.session, user=user, promise_id=p.id, status="signed"), "not_signed")
    service.add_signatory(world.session, user=user, promise_id=p.id, organisation_id=world.orgs["polisen"].id,
                          role_title="lokalpolisområdeschef", signed_on=world.start)
    assert count(world.session, PromiseSignatory) == 1  # the same party, now with its date
    refused(lambda: service.set_status(world.session, user=user, promise_id=p.id, status="signed"), "no_activities")
    world.activity(p)
    refused(lambda: service.set_status(world.session, user=user, promise_id=p.id, status="completed"), "status_step")
    assert service.set_status(world.session, user=user, promise_id=p.id, status="signed").status == "signed"


def test_signatories_are_roles_of_the_municipalitys_organisations(world):
    p = world.draft()
    user = world["coordinator"]
    refused(lambda: service.add_signatory(world.session, user=user, promise_id=p.id, organisation_id=world.orgs["annan"].id,
                                          role_title="kommunstyrelsens ordförande", signed_on=None), "organisation_invalid")
    refused(lambda: service.add_signatory(world.session, user=user, promise_id=p.id, organisation_id=world.orgs["kommunen"].id,
                                          role_title=" ", signed_on=None), "role_title_missing", "role_title")
    refused(lambda: service.add_signatory(world.session, user=user, promise_id=p.id, organisation_id=world.orgs["kommunen"].id,
                                          role_title="kommunstyrelsens ordförande", signed_on=common.today() + timedelta(days=1)),
            "signed_in_future", "signed_on")
    assert count(world.session, PromiseSignatory) == 0


def test_a_change_after_signing_is_a_revision_with_its_difference(world):
    p, counted, manual = world.signed()
    data = service.PromiseIn(title="Tryggare bostadsområden och båtar", period_start=p.period_start, period_end=p.period_end,
                             problem=p.problem, focus_areas=["Grannsamverkan", "Båtsamverkan"], scope=p.scope)
    service.update_promise(world.session, user=world["coordinator"], promise_id=p.id, data=data, note="Båtstölder ökar")
    p = world.session.get(Promise, p.id)
    assert p.status == "revised" and p.version == 2
    (rev,) = revisions.revisions(world.session, p.id)
    assert rev.version == 2 and rev.note == "Båtstölder ökar" and rev.revised_on == common.today()
    assert json.loads(rev.changes) == [{"what": "title", "before": "Tryggare bostadsområden", "after": "Tryggare bostadsområden och båtar"}]
    world.activity(p, description="Två trygghetsvandringar", indicator="walks_held", target=2)
    assert world.session.get(Promise, p.id).version == 3
    service.set_status(world.session, user=world["coordinator"], promise_id=p.id, status="active")
    # The parties are fixed once signed.
    refused(lambda: service.add_signatory(world.session, user=world["coordinator"], promise_id=p.id,
                                          organisation_id=world.orgs["bostad"].id, role_title="vd", signed_on=None), "promise_signed")


def test_a_draft_changes_without_revisions(world):
    p = world.draft()
    data = service.PromiseIn(title="Nytt namn", period_start=p.period_start, period_end=p.period_end)
    service.update_promise(world.session, user=world["coordinator"], promise_id=p.id, data=data)
    assert count(world.session, PromiseRevision) == 0 and world.session.get(Promise, p.id).version == 1


def entry(world, activity, who="coordinator", **kw):
    data = dict(entry_on=common.today(), text="Kontroll vid Stora torget")
    data.update(kw)
    return progress.add_progress(world.session, user=world[who], activity_id=activity.id, data=progress.ProgressIn(**data))


def test_progress_manual_needs_a_number_counted_refuses_one(world):
    p, counted, manual = world.signed()
    refused(lambda: entry(world, manual), "amount_missing", "amount")
    refused(lambda: entry(world, counted, amount=3), "amount_counted", "amount")
    entry(world, manual, amount=4)
    entry(world, manual, amount=3, entry_on=common.today() - timedelta(days=3))
    entry(world, counted, text="Informationsmöte om grannsamverkan i Brandholmen")
    rows = {r.activity.id: r for r in progress.progress(world.session, world.session.get(Promise, p.id))}
    assert rows[manual.id].value == 7 and rows[manual.id].percent == 35 and not rows[manual.id].counted
    assert rows[counted.id].value == 0 and rows[counted.id].counted
    assert world.session.get(PromiseActivity, manual.id).status == "ongoing"


def test_progress_bad_input_writes_nothing(world):
    p, counted, manual = world.signed()
    refused(lambda: entry(world, manual, amount=1, entry_on=common.today() + timedelta(days=1)), "entry_in_future", "entry_on")
    refused(lambda: entry(world, manual, amount=1, entry_on=world.start - timedelta(days=1)), "entry_outside_period", "entry_on")
    refused(lambda: entry(world, manual, amount=1, link="javascript:alert(1)"), "link_invalid", "link")
    refused(lambda: entry(world, manual, amount=1, link="ftp://example.se/x"), "link_invalid", "link")
    refused(lambda: entry(world, counted, text=""), "evidence_missing", "text")
    refused(lambda: entry(world, manual, amount=-1), "amount_missing", "amount")
    refused(lambda: entry(world, manual, amount=1, entry_on=None), "entry_date_missing", "entry_on")
    assert count(world.session, ProgressEntry) == 0


def test_who_may_post_progress(world):
    p, counted, manual = world.signed()  # both activities belong to the police
    assert entry(world, manual, who="reporter", amount=2).author_id == world["reporter"].id
    for who in ("housing", "reader", "outsider"):
        refused(lambda: entry(world, manual, who=who, amount=1), "promise_progress_forbidden")
    assert entry(world, manual, who="admin", amount=1)


def test_no_progress_on_a_draft_or_a_completed_promise(world):
    p = world.draft()
    a = world.activity(p, indicator="manual", indicator_label="möten", target=3)
    refused(lambda: entry(world, a, amount=1), "promise_not_running")
    refused(lambda: entry(world, a, who="reporter", amount=1), "activity_not_found")


def test_a_photo_is_evidence(world):
    from tests.alerts.conftest import image_bytes

    p, counted, manual = world.signed()
    e = entry(world, counted, text="", photo=image_bytes())
    from watch.promises import photos

    assert e.photo and (photos.photo_dir() / e.photo).exists()
    refused(lambda: entry(world, counted, text="", photo=b"not an image"), "photo_type")
    assert count(world.session, ProgressEntry) == 1


def test_changing_an_activity_after_signing_is_a_revision(world):
    p, counted, manual = world.signed()
    data = service.ActivityIn(organisation_id=world.orgs["polisen"].id, description=manual.description, indicator="manual",
                              indicator_label=manual.indicator_label, target=30, due_on=manual.due_on, status="ongoing")
    service.update_activity(world.session, user=world["coordinator"], activity_id=manual.id, data=data, note="Fler kontroller")
    (rev,) = revisions.revisions(world.session, p.id)
    assert json.loads(rev.changes) == [{"what": "activity_target", "activity": manual.description, "before": "20", "after": "30"}]
    assert world.session.get(Promise, p.id).status == "revised"
    # A status change alone is no revision.
    data.status = "done"
    service.update_activity(world.session, user=world["coordinator"], activity_id=manual.id, data=data)
    assert len(revisions.revisions(world.session, p.id)) == 1
    # An activity cannot be moved outside the period, and its amounts keep it manual.
    data.due_on = world.end + timedelta(days=1)
    refused(lambda: service.update_activity(world.session, user=world["coordinator"], activity_id=manual.id, data=data),
            "activity_outside_period", "due_on")
    world.session.rollback()
    entry(world, manual, amount=2)
    data.due_on, data.indicator = manual.due_on, "walks_held"
    refused(lambda: service.update_activity(world.session, user=world["coordinator"], activity_id=manual.id, data=data),
            "indicator_has_entries", "indicator")
    world.session.rollback()
    assert world.session.get(PromiseActivity, manual.id).indicator == "manual"


def test_a_completed_promise_is_closed_for_changes(world):
    p, counted, manual = world.signed()
    service.set_status(world.session, user=world["coordinator"], promise_id=p.id, status="completed")
    refused(lambda: world.activity(p), "promise_completed")
    refused(lambda: entry(world, manual, amount=1), "promise_not_running")
