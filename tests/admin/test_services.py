"""The set-up services: cycles, archiving, categories and committee seats, refusals included."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from awards import clock
from awards.admin import services
from awards.certificates.services import update_signatory
from awards.cycles.services import update_timeline
from awards.demo import jalali_moment
from awards.enums import CommitteeCode, ConflictSource, NominationState, NomineeKind
from awards.errors import DomainError, PermissionDenied
from awards.evaluation import services as evaluation
from awards.models import AuditEvent, Category, CategoryCommittee, Conflict, Cycle, Membership, Nomination, User
from awards.nominations import services as nominations
from awards.nominations.queries import offered_categories
from tests.admin.conftest import AFTER_CEREMONY, category, committee, cycle_of, seat, user
from tests.evaluation.factories import STEEL, decimal_values, nomination_named

TIMELINE = {
    "nominations_open_at": jalali_moment(1404, 12, 1),
    "nominations_close_at": jalali_moment(1405, 2, 31, 23, 59),
    "screening_close_at": jalali_moment(1405, 3, 15, 23, 59),
    "evaluation_close_at": jalali_moment(1405, 3, 31, 23, 59),
    "results_final_at": jalali_moment(1405, 4, 5, 12, 0),
    "ceremony_at": jalali_moment(1405, 4, 10, 10, 0),
}
NEW_CATEGORY = {"code": "export", "title": "صادرکنندهٔ نمونه", "title_en": "Model exporter",
                "nominee_kind": "legal_entity", "province_quota": 2, "gold_quota": 1, "certificate_quota": 2,
                "min_score": Decimal("50")}


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


# --- cycles ----------------------------------------------------------------------------------------------------


def test_create_cycle_saves_timeline_and_audits(session, demo):
    admin = user(session, "admin")
    cycle = services.create_cycle(session, actor=admin, year=1405, title=" روز ملی صنعت و معدن ۱۴۰۵ ",
                                  timeline=TIMELINE, conflict_same_province=True)
    assert (cycle.year, cycle.title, cycle.conflict_same_province) == (1405, "روز ملی صنعت و معدن ۱۴۰۵", True)
    assert {name: getattr(cycle, name) for name in TIMELINE} == TIMELINE
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "cycle.create"))
    assert event.object_id == cycle.id and event.changes["year"] == [None, 1405]


def test_create_cycle_dates_out_of_order_refused_beside_later_field(session, demo):
    bad = {**TIMELINE, "screening_close_at": jalali_moment(1405, 4, 1),
           "evaluation_close_at": jalali_moment(1405, 3, 20)}
    with pytest.raises(services.FormInvalid) as caught:
        services.create_cycle(session, actor=user(session, "admin"), year=1405, title="x", timeline=bad,
                              conflict_same_province=False)
    assert caught.value.errors == {
        "evaluation_close_at": "«پایان ارزیابی» باید پس از یا هم‌زمان با «پایان غربالگری» باشد."}
    assert cycle_of(session, 1405) is None


def test_create_cycle_open_not_before_close_refused(session, demo):
    bad = {**TIMELINE, "nominations_close_at": TIMELINE["nominations_open_at"]}
    with pytest.raises(services.FormInvalid) as caught:
        services.create_cycle(session, actor=user(session, "admin"), year=1405, title="x", timeline=bad,
                              conflict_same_province=False)
    assert list(caught.value.errors) == ["nominations_close_at"]


@pytest.mark.parametrize(("year", "message"), [(1404, "دورهٔ سال ۱۴۰۴ پیش‌تر ساخته شده است."),
                                                (1379, "سال شمسی باید عددی از ۱۳۸۰ تا ۱۵۰۰ باشد."),
                                                (1501, "سال شمسی باید عددی از ۱۳۸۰ تا ۱۵۰۰ باشد."),
                                                (None, "سال شمسی باید عددی از ۱۳۸۰ تا ۱۵۰۰ باشد.")])
def test_create_cycle_bad_year_refused(session, demo, year, message):
    before = _count(session, Cycle)
    with pytest.raises(services.FormInvalid) as caught:
        services.create_cycle(session, actor=user(session, "admin"), year=year, title="x", timeline=TIMELINE,
                              conflict_same_province=False)
    assert caught.value.errors == {"year": message}
    assert _count(session, Cycle) == before


def test_create_cycle_missing_date_and_title_refused(session, demo):
    with pytest.raises(services.FormInvalid) as caught:
        services.create_cycle(session, actor=user(session, "admin"), year=1405, title="  ",
                              timeline={**TIMELINE, "ceremony_at": None}, conflict_same_province=False)
    assert caught.value.errors == {"title": "عنوان دوره را بنویسید.", "ceremony_at": "تاریخ را وارد کنید."}


def test_create_cycle_non_organizer_refused(session, demo):
    with pytest.raises(PermissionDenied):
        services.create_cycle(session, actor=user(session, "winners-chair"), year=1405, title="x",
                              timeline=TIMELINE, conflict_same_province=False)
    assert cycle_of(session, 1405) is None


def test_shift_jalali_years_keeps_wall_clock_and_clamps_esfand_30():
    # 1403 is a leap year; 1404 is not.
    assert services.shift_jalali_years(jalali_moment(1403, 12, 30, 23, 59), 1) == jalali_moment(1404, 12, 29, 23, 59)
    assert services.shift_jalali_years(jalali_moment(1404, 2, 31, 23, 59), 1) == jalali_moment(1405, 2, 31, 23, 59)
    assert services.shift_jalali_years(jalali_moment(1404, 6, 4, 10, 0), 2) == jalali_moment(1406, 6, 4, 10, 0)


# --- archive ---------------------------------------------------------------------------------------------------


def test_archive_before_cycle_finished_refused(session, demo):
    with pytest.raises(DomainError, match="دوره هنوز تمام نشده است"):
        services.archive_cycle(session, actor=user(session, "admin"), cycle=demo.cycle, confirm=True)
    assert demo.cycle.archived_at is None


def test_archive_without_confirmation_refused(session, demo):
    clock.freeze(AFTER_CEREMONY)
    with pytest.raises(DomainError) as caught:
        services.archive_cycle(session, actor=user(session, "admin"), cycle=demo.cycle, confirm=False)
    assert caught.value.field == "confirm"
    assert demo.cycle.archived_at is None


def test_archive_after_ceremony_makes_cycle_read_only(session, demo):
    admin = user(session, "admin")
    steel = nomination_named(session, STEEL)
    clock.freeze(AFTER_CEREMONY)
    services.archive_cycle(session, actor=admin, cycle=demo.cycle, confirm=True)
    assert demo.cycle.archived_at == AFTER_CEREMONY and demo.cycle.archived_by_id == admin.id
    draft = session.scalar(select(Nomination).where(Nomination.state == "draft").order_by(Nomination.id))
    owner = session.scalar(select(User).where(User.province_id == draft.province_id).order_by(User.id))
    with pytest.raises(DomainError, match="بایگانی شده است"):
        nominations.update_draft(session, actor=owner, nomination=draft, values={"city": "شهر تازه"})
    with pytest.raises(DomainError, match="بایگانی شده است"):
        evaluation.save_sheet(session, nomination=steel, committee=committee(session, "winners"),
                              actor=user(session, "winners-1"), values=decimal_values(session, steel, "10", "winners"),
                              comment="", submit=False)
    with pytest.raises(DomainError, match="بایگانی شده است"):
        services.create_category(session, actor=admin, cycle=demo.cycle, values=NEW_CATEGORY)
    with pytest.raises(DomainError, match="بایگانی شده است"):
        update_timeline(session, cycle=demo.cycle, actor=admin, reason="x",
                        values={"results_final_at": jalali_moment(1404, 4, 6, 12, 0)})
    with pytest.raises(DomainError, match="بایگانی شده است"):
        update_signatory(session, signatory=demo.cycle.signatories[0], actor=admin, name="نام تازه", title="سمت")
    with pytest.raises(DomainError, match="بایگانی شده است"):
        services.remove_member(session, actor=admin, membership=seat(session, "media-2", "media"), confirm=True)
    assert offered_categories(demo.cycle) == []
    assert draft.city != "شهر تازه"


# --- categories ------------------------------------------------------------------------------------------------


def test_create_category_gets_committee_settings_and_is_audited(session, demo):
    created = services.create_category(session, actor=user(session, "admin"), cycle=demo.cycle, values=NEW_CATEGORY)
    assert (created.code, created.title_en, created.nominee_kind, created.min_score) == (
        "export", "Model exporter", NomineeKind.LEGAL_ENTITY, Decimal("50"))
    assert created.position == 6
    settings = {s.committee.code: (s.weight, s.aggregation.value) for s in created.committee_settings}
    assert len(settings) == 6
    assert settings[CommitteeCode.WINNERS] == (Decimal(1), "mean")
    assert settings[CommitteeCode.OVERSIGHT] == (Decimal(0), "mean")
    assert session.scalar(select(AuditEvent.action).where(AuditEvent.object_id == created.id,
                                                          AuditEvent.object_type == "category")) == "category.create"


@pytest.mark.parametrize(("change", "field"), [({"code": "Export!"}, "code"), ({"code": "industry"}, "code"),
                                                ({"title": ""}, "title"), ({"nominee_kind": "robot"}, "nominee_kind"),
                                                ({"province_quota": -1}, "province_quota"),
                                                ({"min_score": Decimal("100.5")}, "min_score")])
def test_create_category_bad_input_refused(session, demo, change, field):
    before = _count(session, Category)
    with pytest.raises(services.FormInvalid) as caught:
        services.create_category(session, actor=user(session, "admin"), cycle=demo.cycle,
                                 values={**NEW_CATEGORY, **change})
    assert field in caught.value.errors
    assert _count(session, Category) == before


def test_update_category_changes_fields_with_before_and_after(session, demo):
    industry = category(session, "industry")
    values = {**services.snapshot(industry, services.CATEGORY_FIELDS), "province_quota": 4, "title_en": "Industry"}
    changes = services.update_category(session, actor=user(session, "admin"), category=industry, values=values)
    assert changes == {"province_quota": [3, 4], "title_en": ["Model industrial unit", "Industry"]}
    assert industry.province_quota == 4


def test_update_category_kind_with_nominations_refused(session, demo):
    industry = category(session, "industry")
    values = {**services.snapshot(industry, services.CATEGORY_FIELDS), "nominee_kind": "project"}
    with pytest.raises(services.FormInvalid) as caught:
        services.update_category(session, actor=user(session, "admin"), category=industry, values=values)
    assert list(caught.value.errors) == ["nominee_kind"]
    assert industry.nominee_kind == NomineeKind.LEGAL_ENTITY


def test_update_final_category_result_fields_refused_title_allowed(session, demo_final):
    final = session.scalar(select(Category).where(Category.finalised_at.is_not(None)).limit(1))
    admin = user(session, "admin")
    current = services.snapshot(final, services.CATEGORY_FIELDS)
    for name, value in (("gold_quota", final.gold_quota + 1), ("min_score", Decimal("1")),
                        ("province_quota", final.province_quota + 1), ("code", "renamed")):
        with pytest.raises(services.FormInvalid) as caught:
            services.update_category(session, actor=admin, category=final, values={**current, name: value})
        assert caught.value.errors == {name: "نتیجهٔ این رشته نهایی شده است؛ این مقدار دیگر تغییر نمی‌کند."}
        assert getattr(final, name) == current[name]
    services.update_category(session, actor=admin, category=final, values={**current, "title_en": "Final"})
    assert final.title_en == "Final"


def test_retired_category_not_offered_and_refuses_new_drafts(session, demo):
    industry = category(session, "industry")
    services.retire_category(session, actor=user(session, "admin"), category=industry, confirm=True)
    assert industry not in offered_categories(demo.cycle)
    with pytest.raises(DomainError, match="بازنشسته"):
        nominations.create_draft(session, actor=user(session, "fars"), category=industry,
                                 values={"nominee_name": "شرکت تازه"})
    assert session.scalar(select(func.count(Nomination.id)).where(Nomination.category_id == industry.id)) > 0
    services.restore_category(session, actor=user(session, "admin"), category=industry)
    assert industry in offered_categories(demo.cycle)


def test_retire_without_confirmation_refused(session, demo):
    industry = category(session, "industry")
    with pytest.raises(DomainError):
        services.retire_category(session, actor=user(session, "admin"), category=industry, confirm=False)
    assert industry.retired_at is None


def test_delete_category_with_nominations_refused_with_reason(session, demo):
    industry = category(session, "industry")
    with pytest.raises(DomainError, match="بازنشسته کنید"):
        services.delete_category(session, actor=user(session, "admin"), category=industry, confirm=True)
    assert category(session, "industry") is not None


def test_delete_final_category_refused_even_without_nominations(session, demo_final):
    final = session.scalar(select(Category).where(Category.finalised_at.is_not(None), Category.code == "woman"))
    assert services.nomination_count(session, category=final) == 0
    with pytest.raises(DomainError, match="حذف نمی‌شود"):
        services.delete_category(session, actor=user(session, "admin"), category=final, confirm=True)
    assert session.get(Category, final.id) is not None


def test_delete_empty_category_removes_it_and_its_settings(session, demo):
    admin = user(session, "admin")
    created = services.create_category(session, actor=admin, cycle=demo.cycle, values=NEW_CATEGORY)
    created_id = created.id
    services.delete_category(session, actor=admin, category=created, confirm=True)
    assert session.get(Category, created_id) is None
    assert session.scalar(select(func.count(CategoryCommittee.id))
                          .where(CategoryCommittee.category_id == created_id)) == 0
    assert session.scalar(select(AuditEvent.action).where(AuditEvent.object_id == created_id,
                                                          AuditEvent.action == "category.delete")) is not None


# --- committee seats -------------------------------------------------------------------------------------------


def test_add_member_seats_user_and_raises_conflict_flags(session, demo):
    admin, fars = user(session, "admin"), user(session, "fars")
    steel = nomination_named(session, STEEL)
    fars.organisation = steel.nominee_name
    session.flush()
    membership = services.add_member(session, actor=admin, cycle=demo.cycle, committee=committee(session, "media"),
                                     user=fars)
    assert (membership.user_id, membership.is_chair) == (fars.id, False)
    flags = session.scalars(select(Conflict).where(Conflict.user_id == fars.id,
                                                   Conflict.source == ConflictSource.SAME_ORGANISATION)).all()
    assert [f.nomination_id for f in flags] == [steel.id]


def test_add_member_twice_refused(session, demo):
    with pytest.raises(DomainError) as caught:
        services.add_member(session, actor=user(session, "admin"), cycle=demo.cycle,
                            committee=committee(session, "media"), user=user(session, "media-1"))
    assert caught.value.field == "user_id"


def test_add_member_as_chair_replaces_the_chair(session, demo):
    media = committee(session, "media")
    services.add_member(session, actor=user(session, "admin"), cycle=demo.cycle, committee=media,
                        user=user(session, "fars"), is_chair=True)
    session.expire_all()
    chairs = session.scalars(select(Membership.user_id).where(Membership.cycle_id == demo.cycle.id,
                                                              Membership.committee_id == media.id,
                                                              Membership.is_chair.is_(True))).all()
    assert chairs == [user(session, "fars").id]


def test_set_chair_moves_the_chair(session, demo):
    member = seat(session, "finance-2", "finance")
    services.set_chair(session, actor=user(session, "admin"), membership=member)
    session.expire_all()
    assert seat(session, "finance-2", "finance").is_chair
    assert not seat(session, "finance-chair", "finance").is_chair


def test_two_chairs_refused_by_the_database(session, demo):
    member = seat(session, "finance-2", "finance")
    member.is_chair = True
    with pytest.raises(IntegrityError):
        session.flush()


def test_remove_member_with_sheets_refused_with_reason(session, demo):
    steel = nomination_named(session, STEEL)
    evaluation.save_sheet(session, nomination=steel, committee=committee(session, "winners"),
                          actor=user(session, "winners-1"), values=decimal_values(session, steel, "10", "winners"),
                          comment="", submit=False)
    member = seat(session, "winners-1", "winners")
    with pytest.raises(DomainError, match="۱ برگهٔ امتیاز"):
        services.remove_member(session, actor=user(session, "admin"), membership=member, confirm=True)
    assert seat(session, "winners-1", "winners") is not None


def test_remove_member_with_decisions_refused(session, demo):
    member = seat(session, "provincial_affairs-chair", "provincial_affairs")
    with pytest.raises(DomainError, match="تصمیم"):
        services.remove_member(session, actor=user(session, "admin"), membership=member, confirm=True)


def test_remove_member_without_work_removes_the_seat(session, demo):
    member = seat(session, "media-2", "media")
    member_id = member.id
    services.remove_member(session, actor=user(session, "admin"), membership=member, confirm=True)
    assert session.get(Membership, member_id) is None
    action = session.scalar(select(AuditEvent.action).where(AuditEvent.object_id == member_id,
                                                            AuditEvent.object_type == "membership"))
    assert action == "membership.remove"


def test_set_organisation_raises_flags(session, demo):
    steel = nomination_named(session, STEEL)
    member = user(session, "finance-1")
    assert services.set_organisation(session, actor=user(session, "admin"), cycle=demo.cycle, user=member,
                                     organisation=f"شرکت {steel.nominee_name}")
    assert session.scalar(select(Conflict.id).where(Conflict.user_id == member.id,
                                                    Conflict.nomination_id == steel.id)) is not None


def test_set_organisation_raises_flags_in_every_open_cycle_the_member_sits_in(session, demo, tmp_path):
    admin, member = user(session, "admin"), user(session, "finance-1")
    later = services.copy_cycle(session, actor=admin, source=demo.cycle, year=1405, title=None, upload_dir=tmp_path)
    category = session.scalar(select(Category).where(Category.cycle_id == later.id).limit(1))
    nominee = Nomination(cycle_id=later.id, category_id=category.id, province_id=user(session, "fars").province_id,
                         state=NominationState.IN_EVALUATION, nominee_name="فولاد آینده", search_name="فولاد آینده")
    session.add(nominee)
    session.flush()
    services.set_organisation(session, actor=admin, cycle=demo.cycle, user=member, organisation="شرکت فولاد آینده")
    assert session.scalar(select(Conflict.source).where(Conflict.user_id == member.id,
                                                        Conflict.nomination_id == nominee.id)) == \
        ConflictSource.SAME_ORGANISATION
