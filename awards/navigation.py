"""The navigation bar, fitted to the user's roles."""

from __future__ import annotations

from dataclasses import dataclass

from flask import request, url_for
from flask_babel import lazy_gettext as _l

from awards import permissions
from awards.enums import CommitteeCode


@dataclass(frozen=True)
class NavItem:
    label: str
    endpoint: str
    visible: object  # predicate(user) -> bool

    def url(self) -> str:
        return url_for(self.endpoint)

    @property
    def active(self) -> bool:
        return request.endpoint == self.endpoint


ITEMS = (
    NavItem(_l("پیشخوان"), "main.index", lambda u: True),
    NavItem(_l("پرونده‌های استان"), "nominations.index", permissions.is_province_officer),
    NavItem(_l("همهٔ نامزدها"), "nominations.index", lambda u: permissions.is_organizer(u)
            and not permissions.is_province_officer(u)),
    NavItem(_l("ورود گروهی"), "imports.upload", permissions.is_province_officer),
    NavItem(_l("غربالگری"), "screening.queue", permissions.can_screen),
    NavItem(_l("بررسی انطباق"), "screening.compliance_queue", permissions.can_check_compliance),
    NavItem(_l("کارتابل ارزیابی"), "evaluation.inbox", permissions.can_use_evaluation),
    NavItem(_l("نتایج"), "results.index", lambda u: permissions.is_organizer(u)
            or permissions.is_committee_member(u)),
    NavItem(_l("لوح‌ها"), "certificates.index", permissions.can_view_awards),
    NavItem(_l("انتشار برگزیدگان"), "publication.index", lambda u: permissions.is_organizer(u)
            or permissions.is_member(u, CommitteeCode.MEDIA)),
    NavItem(_l("بودجه"), "budget.index", lambda u: permissions.is_organizer(u)
            or permissions.is_member(u, CommitteeCode.FINANCE)),
    NavItem(_l("صورتجلسه‌ها"), "meetings.index", lambda u: permissions.is_organizer(u)
            or permissions.is_committee_member(u)),
    # Members of a working group who sit on no committee see it too (their seats are read only then, so the pages
    # of committee members cost no statement more).
    NavItem(_l("دور استانی"), "provincial.index", lambda u: permissions.is_organizer(u)
            or permissions.is_province_officer(u)
            or (not permissions.is_committee_member(u) and permissions.sits_on_any_provincial_group(u))),
    NavItem(_l("دوره و زمان‌بندی"), "cycles.index", permissions.can_manage_cycles),
    NavItem(_l("گزارش رویدادها"), "audit.index", permissions.can_view_audit),
    NavItem(_l("مدیریت"), "admin.index", permissions.can_administer),
    NavItem(_l("کاربران"), "accounts.users", permissions.can_manage_users),
)


def nav_items(user) -> list[NavItem]:
    """Return the items this user may see, in order, without duplicate destinations."""
    seen: set[str] = set()
    items = []
    for item in ITEMS:
        if item.endpoint not in seen and item.visible(user):
            seen.add(item.endpoint)
            items.append(item)
    return items
