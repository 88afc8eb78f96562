"""Bulk import of user accounts from an .xlsx or UTF-8 CSV file, all or nothing.

The file is read by ``awards.imports.sheets`` (the nominee import's reader). Every row is validated before
anything is written; one bad row saves nothing and every problem is listed by spreadsheet row and column.
Each new account has no usable password and gets a one-time set-password link; seats on committees go into
the cycle chosen on the form. Cells starting with = + - @ are refused as formulas (a +98 mobile excepted).
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from sqlalchemy import select
from sqlalchemy.orm import Session

from awards.accounts.services import (
    AccountSpec,
    IssuedLink,
    Role,
    chaired_committees,
    clean_email,
    clean_mobile,
    create_account,
)
from awards.audit.services import record
from awards.auth.services import USERNAME_RE
from awards.errors import DomainError
from awards.imports.columns import header_key
from awards.imports.sheets import (
    FORMULA_STARTS,
    ImportRejected,
    RowError,
    SheetRow,
    cell_text,
    csv_bytes,
    fa_number,
    formula_refused,
    is_blank,
    parse_upload,
    shown,
)
from awards.models import Committee, Cycle, Province, User
from awards.nominations.documents import safe_display_name
from awards.persian import normalize_search, normalize_text, to_latin_digits

MAX_ROWS = 500
MAX_PREAMBLE_ROWS = 10
MAX_ERRORS_SHOWN = 200


@dataclass(frozen=True)
class Column:
    field: str
    header: str  # the Persian header in the template (part of the file format: never translated)
    meaning: object
    format: object
    example: str
    required: bool = False


COLUMNS: tuple[Column, ...] = (
    Column("username", "نام کاربری", _l("نام ورود به سامانه"),
           _l("حروف کوچک لاتین، رقم، نقطه، خط تیره و زیرخط؛ ۲ تا ۶۴ نویسه"), "fars.officer", required=True),
    Column("full_name", "نام و نام خانوادگی", _l("نام کامل دارندهٔ حساب"), _l("متن، حداکثر ۱۲۰ نویسه"),
           "مریم احمدی", required=True),
    Column("email", "ایمیل", _l("نشانی ایمیل (اختیاری)"), _l("نمونه: name@example.ir"), "m.ahmadi@example.ir"),
    Column("mobile", "تلفن همراه", _l("تلفن همراه (اختیاری)"), _l("۱۱ رقم با ۰۹ آغاز می‌شود؛ ‎+98‎ هم پذیرفته است"),
           "09171234567"),
    Column("role", "نقش", _l("organizer (دبیرخانه)، province_officer (کارشناس استان) یا committee_member (عضو کمیته)"),
           _l("نام انگلیسی یا فارسی نقش"), "province_officer", required=True),
    Column("province_code", "کد استان", _l("کد استان کارشناس استان؛ برای نقش‌های دیگر خالی"),
           _l("کد ISO استان، مانند IR-07"), "IR-07"),
    Column("committee_code", "کد کمیته", _l("کمیته‌ای که عضو در دورهٔ انتخاب‌شده در آن می‌نشیند"),
           _l("winners، provincial_affairs، media، oversight، finance یا content"), ""),
    Column("is_chair", "رئیس کمیته", _l("آیا این عضو رئیس کمیته است"), _l("بله یا خیر (خالی یعنی خیر)"), ""),
)
BY_FIELD = {column.field: column for column in COLUMNS}
HEADER_ALIASES: dict[str, str] = {}
for _column in COLUMNS:
    for _alias in (_column.header, _column.field):
        HEADER_ALIASES[header_key(_alias)] = _column.field
HEADER_ALIASES[header_key("chair")] = "is_chair"
HEADER_ALIASES[header_key("full name")] = "full_name"

ROLE_ALIASES = {normalize_search(alias): role for role, aliases in {
    Role.ORGANIZER: ("organizer", "دبیرخانه", "برگزارکننده"),
    Role.PROVINCE_OFFICER: ("province_officer", "province officer", "کارشناس استان", "استان"),
    Role.COMMITTEE_MEMBER: ("committee_member", "committee member", "عضو کمیته", "داور"),
}.items() for alias in aliases}
YES = {normalize_search(word) for word in ("بله", "آری", "yes", "y", "true", "1", "x", "✓", "رئیس")}
NO = {normalize_search(word) for word in ("", "خیر", "نه", "no", "n", "false", "0")}


@dataclass
class UserImportResult:
    links: list[IssuedLink]
    filename: str
    sha256: str


@dataclass(frozen=True)
class _Row:
    number: int
    spec: AccountSpec


def _read_layout(rows: list[SheetRow]) -> tuple[int, dict[str, int], dict[str, str]]:
    for row in rows[: MAX_PREAMBLE_ROWS + 1]:
        keys = [header_key(cell) if cell is not None else "" for cell in row.cells]
        if "username" not in {HEADER_ALIASES.get(key) for key in keys}:
            continue
        positions: dict[str, int] = {}
        headers: dict[str, str] = {}
        errors = []
        for index, (cell, key) in enumerate(zip(row.cells, keys, strict=True)):
            name = HEADER_ALIASES.get(key) if key else None
            if name is None:
                continue
            written = str(cell).strip()
            if name in positions:
                errors.append(RowError(row.number, written, written,
                                       _("ستون «%(h)s» دو بار آمده است؛ یکی را پاک کنید.", h=BY_FIELD[name].header)))
            else:
                positions[name] = index
                headers[name] = written
        missing = [column.header for column in COLUMNS if column.required and column.field not in positions]
        for header in missing:
            errors.append(RowError(row.number, header, "", _("ستون «%(h)s» در پرونده نیست.", h=header)))
        if errors:
            raise ImportRejected(_("سرستون‌های پرونده درست نیست؛ هیچ ردیفی ذخیره نشد."), errors)
        return row.number, positions, headers
    raise ImportRejected(_("ستون «نام کاربری» در ردیف سرستون‌ها پیدا نشد. ردیف اول پرونده باید سرستون‌های الگو "
                           "باشد (فارسی یا نام انگلیسی، مانند username)."))


def _isolated(code: str) -> str:
    """A Latin code inside Persian text, isolated so the bidi algorithm keeps the list in order."""
    return f"\u2068{code}\u2069"


def _text(field: str, raw: Any) -> str:
    """The cell as plain text; a formula-like cell is refused (a +98 mobile number excepted)."""
    text = normalize_text(cell_text(raw))
    if text.startswith(FORMULA_STARTS) and not (field == "mobile" and text.startswith("+")):
        raise ValueError(formula_refused())
    return text


class _Lookups:
    """Everything the rows are checked against, loaded once (not a query per row)."""

    def __init__(self, session: Session, cycle: Cycle | None) -> None:
        self.provinces = {p.iso_code.upper(): p for p in session.scalars(select(Province))}
        self.committees = {str(c.code): c for c in session.scalars(select(Committee))}
        self.chaired = chaired_committees(session, cycle=cycle) if cycle is not None else set()
        self.cycle = cycle
        self.session = session


def _cell(field: str, text: str, lookups: _Lookups) -> Any:
    """Validate one cell's text for its column and return the cleaned value."""
    cleaner = _CLEANERS.get(field)
    if cleaner is None:
        raise AssertionError(field)
    return cleaner(text, lookups)


def _clean_username(text: str, _lookups: _Lookups) -> str:
    value = text.strip().lower()
    if not value:
        raise ValueError(_("نام کاربری را وارد کنید."))
    if not USERNAME_RE.match(value):
        raise ValueError(_("نام کاربری فقط از حروف کوچک لاتین، رقم، نقطه، خط تیره و زیرخط تشکیل شود."))
    return value


def _clean_full_name(text: str, _lookups: _Lookups) -> str:
    if not text:
        raise ValueError(_("نام و نام خانوادگی را وارد کنید."))
    if len(text) > 120:
        raise ValueError(_("نام حداکثر ۱۲۰ نویسه است."))
    return text


def _clean_role(text: str, _lookups: _Lookups) -> Role:
    if not text:
        raise ValueError(_("نقش را وارد کنید."))
    role = ROLE_ALIASES.get(normalize_search(text))
    if role is None:
        raise ValueError(_("نقش ناشناخته است؛ یکی از این‌ها را بنویسید: %(roles)s.",
                           roles="، ".join(_isolated(role.value) for role in Role)))
    return role


def _clean_province(text: str, lookups: _Lookups) -> Province | None:
    if not text:
        return None
    code = to_latin_digits(text).strip().upper()
    if code.isdigit():
        code = f"IR-{int(code):02d}"
    if code not in lookups.provinces:
        raise ValueError(_("کد استان ناشناخته است؛ کد ISO استان را بنویسید، مانند IR-07."))
    return lookups.provinces[code]


def _clean_committee(text: str, lookups: _Lookups) -> Committee | None:
    if not text:
        return None
    committee = lookups.committees.get(text.strip().lower())
    if committee is None:
        raise ValueError(_("کد کمیته ناشناخته است؛ یکی از این‌ها را بنویسید: %(codes)s.",
                           codes="، ".join(_isolated(code) for code in lookups.committees)))
    return committee


def _clean_yes_no(text: str, _lookups: _Lookups) -> bool:
    key = normalize_search(text)
    if key in YES:
        return True
    if key in NO:
        return False
    raise ValueError(_("«بله» یا «خیر» بنویسید."))


#: Column -> the function that checks and cleans its cell (raising ValueError with the message to show).
_CLEANERS: dict[str, Callable[[str, _Lookups], Any]] = {
    "username": _clean_username,
    "full_name": _clean_full_name,
    "email": lambda text, _lookups: clean_email(text),
    "mobile": lambda text, _lookups: clean_mobile(text),
    "role": _clean_role,
    "province_code": _clean_province,
    "committee_code": _clean_committee,
    "is_chair": _clean_yes_no,
}


def validate_rows(session: Session, rows: list[SheetRow], *, cycle: Cycle | None
                  ) -> tuple[list[_Row], list[RowError]]:
    """Check every data row; return the clean rows and every error found (not just the first)."""
    header_row, positions, headers = _read_layout(rows)
    data_rows = [row for row in rows if row.number > header_row]
    if len(data_rows) > MAX_ROWS:
        raise ImportRejected(_("پرونده بیش از %(n)s ردیف کاربر دارد؛ آن را در چند پرونده بفرستید.",
                               n=fa_number(MAX_ROWS)))
    lookups = _Lookups(session, cycle)
    wanted = set()
    clean: list[_Row] = []
    errors: list[RowError] = []
    seen_usernames: dict[str, int] = {}
    seen_chairs: dict[int, int] = {}
    for row in data_rows:
        raws = {name: row.cells[index] if index < len(row.cells) else None for name, index in positions.items()}
        if is_blank(list(raws.values())):
            continue
        values: dict[str, Any] = {}
        row_errors: list[RowError] = []

        def fail(name: str, message: str, _row=row, _raws=raws, _errors=row_errors) -> None:
            _errors.append(RowError(_row.number, headers.get(name, BY_FIELD[name].header),
                                    shown(_raws.get(name)), message))

        for name in positions:
            try:
                values[name] = _cell(name, _text(name, raws[name]), lookups)
            except ValueError as exc:
                fail(name, str(exc))
        username = values.get("username")
        if username:
            first = seen_usernames.setdefault(username, row.number)
            if first != row.number:
                fail("username", _("همین نام کاربری در ردیف %(n)s هم آمده است.", n=fa_number(first)))
            else:
                wanted.add(username)
        if not row_errors:
            spec = AccountSpec(username=username, full_name=values["full_name"], role=values["role"],
                               email=values.get("email"), mobile=values.get("mobile"),
                               province=values.get("province_code"), committee=values.get("committee_code"),
                               is_chair=bool(values.get("is_chair")))
            row_errors.extend(_role_errors(spec, row, headers, raws, lookups, seen_chairs))
            if not row_errors:
                clean.append(_Row(row.number, spec))
        errors.extend(row_errors)
    _refuse_taken_usernames(session, clean, errors, wanted=wanted, header=headers["username"])
    errors.sort(key=lambda error: error.row or 0)
    return clean, errors


def _refuse_taken_usernames(session: Session, clean: list[_Row], errors: list[RowError], *, wanted: set[str],
                            header: str) -> None:
    """Move the clean rows whose username is already registered to ``errors`` (one query)."""
    existing = set(session.scalars(select(User.username).where(User.username.in_(wanted)))) if wanted else set()
    for item in list(clean):
        if item.spec.username in existing:
            clean.remove(item)
            errors.append(RowError(item.number, header, item.spec.username, _("این نام کاربری پیش‌تر ثبت شده است.")))


def _role_errors(spec: AccountSpec, row: SheetRow, headers: dict[str, str], raws: dict[str, Any],
                 lookups: _Lookups, seen_chairs: dict[int, int]) -> list[RowError]:
    def error(name: str, message: str) -> RowError:
        return RowError(row.number, headers.get(name, BY_FIELD[name].header), shown(raws.get(name)), message)

    if spec.role is Role.PROVINCE_OFFICER and spec.province is None:
        return [error("province_code", _("برای کارشناس استان، کد استان را بنویسید."))]
    if spec.role is not Role.PROVINCE_OFFICER and spec.province is not None:
        return [error("province_code", _("کد استان فقط برای نقش province_officer است؛ آن را خالی بگذارید."))]
    if spec.role is Role.COMMITTEE_MEMBER and spec.committee is None:
        return [error("committee_code", _("برای عضو کمیته، کد کمیته را بنویسید."))]
    if spec.is_chair and spec.committee is None:
        return [error("is_chair", _("ریاست بدون کمیته معنا ندارد؛ کد کمیته را بنویسید."))]
    if spec.committee is not None and lookups.cycle is None:
        return [error("committee_code", _("عضویت کمیته در یک دوره است؛ در فرم دوره را انتخاب کنید."))]
    if spec.is_chair:
        if spec.committee.id in lookups.chaired:
            return [error("is_chair", _("این کمیته در دورهٔ انتخاب‌شده رئیس دارد."))]
        first = seen_chairs.setdefault(spec.committee.id, row.number)
        if first != row.number:
            return [error("is_chair", _("رئیس همین کمیته در ردیف %(n)s هم آمده است.", n=fa_number(first)))]
    return []


def import_users(session: Session, *, actor: User, cycle: Cycle | None, filename: str, data: bytes, max_bytes: int,
                 link_hours: int) -> UserImportResult:
    """Create one account per valid row, all or nothing, each with a one-time set-password link.

    Raises ``ImportRejected`` (with row/column errors) when any row is bad. Side effects: per row the
    accounts' ``user.create``, ``membership.add`` and ``user.password_link`` audit events; one
    ``import.users`` event with the file name, its SHA-256 and the user ids. Written inside a SAVEPOINT.
    """
    display_name = safe_display_name(filename)
    rows = parse_upload(filename, data, max_bytes=max_bytes, max_rows=MAX_ROWS + MAX_PREAMBLE_ROWS + 1,
                        too_many=_("پرونده بیش از %(n)s ردیف کاربر دارد؛ آن را در چند پرونده بفرستید.",
                                   n=fa_number(MAX_ROWS)))
    clean, errors = validate_rows(session, rows, cycle=cycle)
    if errors:
        raise ImportRejected(_("پرونده %(n)s خطا دارد و هیچ ردیفی ذخیره نشد. خطاها را در پرونده برطرف کنید و آن "
                               "را دوباره بفرستید.", n=fa_number(len(errors))), errors)
    if not clean:
        raise ImportRejected(_("پرونده هیچ ردیف کاربری ندارد."))
    digest = hashlib.sha256(data).hexdigest()
    links: list[IssuedLink] = []
    with session.begin_nested():
        for item in clean:
            try:
                created = create_account(session, actor=actor, spec=item.spec, cycle=cycle, temporary_password=None,
                                         link_hours=link_hours)
            except DomainError as exc:
                raise ImportRejected(_("هیچ ردیفی ذخیره نشد: ساختن یکی از حساب‌ها پذیرفته نشد."),
                                     [RowError(item.number, "", item.spec.username, exc.message)]) from exc
            links.append(created.link)
        record(session, actor=actor, action="import.users", object_type="user", object_id=None,
               cycle_id=cycle.id if cycle else None,
               changes={"file": [None, display_name], "sha256": [None, digest], "rows": [None, len(links)],
                        "user_ids": [None, [link.user.id for link in links]]})
        session.flush()
    return UserImportResult(links=links, filename=display_name, sha256=digest)


def template_rows() -> tuple[list[str], list[str]]:
    return [column.header for column in COLUMNS], [column.example for column in COLUMNS]


def build_template_csv() -> bytes:
    """The CSV template: UTF-8 with a BOM (so Excel shows Persian), the headers and one example row."""
    headers, example = template_rows()
    return csv_bytes([headers, example])


def build_template_xlsx() -> bytes:
    """The .xlsx template: a right-to-left «کاربران» sheet (headers, one example) and a «راهنما» sheet."""
    headers, example = template_rows()
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "کاربران"
    sheet.sheet_view.rightToLeft = True
    sheet.append(headers)
    sheet.append(example)
    for index, column in enumerate(COLUMNS, start=1):
        sheet.cell(row=1, column=index).font = Font(bold=True)
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = 22
        if column.field == "mobile":
            for row in range(2, MAX_ROWS + 2):
                sheet.cell(row=row, column=index).number_format = "@"  # keep the leading zero
    sheet.freeze_panes = "A2"
    notes = workbook.create_sheet("راهنما")
    notes.sheet_view.rightToLeft = True
    notes.append(["سرستون", "نام انگلیسی", "معنا", "قالب"])
    for column in COLUMNS:
        notes.append([column.header, column.field, str(column.meaning), str(column.format)])
    for letter, width in zip("ABCD", (22, 18, 50, 50), strict=True):
        notes.column_dimensions[letter].width = width
    for row in notes.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def links_csv(rows: list[tuple[str, str, str, str]]) -> bytes:
    """A CSV of links to hand over: username, full name, link, expiry (UTF-8 with a BOM)."""
    # A cell a spreadsheet would run as a formula is written as text.
    return csv_bytes([["نام کاربری", "نام و نام خانوادگی", "پیوند تعیین گذرواژه", "اعتبار تا"],
                      *(["'" + cell if cell.startswith(FORMULA_STARTS) else cell for cell in row] for row in rows)])
