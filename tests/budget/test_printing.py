"""Certificates of a tier print only under an approved budget with a line for that tier: in the print form, the
single PDF, the background job and the command line. A refused print creates no job and writes nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from awards.budget.services import LineEdit, transition
from awards.certificates import services as certificates
from awards.certificates.printing import run_print_job
from awards.db import write_intent
from awards.enums import BudgetAction, JobState, Tier
from awards.models import Job
from tests.budget.conftest import budget, snapshot
from tests.conftest import csrf_token
from tests.factories import approved_budget
from tests.publication.conftest import maskati_award

REFUSAL = "بودجهٔ این سطح هنوز به تأیید رئیس کمیتهٔ مالی نرسیده است"


def _print(client, scope: str = "all"):
    return client.post("/certificates/print", data={"csrf_token": csrf_token(client, "/certificates/"),
                                                    "scope": scope, "fmt": "pdf"})


def test_bulk_print_before_approval_is_refused_in_the_print_form_and_creates_no_job(client, unbudgeted, login_as,
                                                                                    session):
    login_as("admin")
    before = snapshot(session)
    response = _print(client)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    refusal = html.split('class="alert alert-danger print-refusal"', 1)[1].split("</div>", 1)[0]
    assert REFUSAL in refusal and "«تندیس زرین ملی و لوح تقدیر»" in refusal and "«لوح تقدیر»" in refusal
    assert 'action="/certificates/print"' in html  # the form is there again
    assert snapshot(session) == before


def test_certificates_page_says_which_tiers_wait_for_the_budget(client, unbudgeted, login_as):
    login_as("admin")
    html = client.get("/certificates/").get_data(as_text=True)
    notice = html.split('class="alert alert-warning print-budget"', 1)[1].split("</div>", 1)[0]
    assert REFUSAL in notice and 'href="/budget/"' in notice


def test_certificates_page_says_nothing_once_the_budget_is_approved(client, final, login_as):
    login_as("admin")
    assert "print-budget" not in client.get("/certificates/").get_data(as_text=True)


def test_single_pdf_before_approval_is_refused_with_the_reason(client, unbudgeted, login_as, session):
    award = maskati_award(session)
    login_as("admin")
    response = client.get(f"/certificates/awards/{award.id}.pdf")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/certificates/awards/{award.id}")
    assert REFUSAL in client.get(response.headers["Location"]).get_data(as_text=True)


def test_a_budget_covering_one_tier_prints_only_that_tier(client, unbudgeted, login_as, session):
    approved_budget(session, unbudgeted.cycle, tiers=(Tier.GOLD,))
    gold = maskati_award(session)
    certificate = session.scalar(select(certificates.Award).where(certificates.Award.tier == Tier.CERTIFICATE)
                                 .limit(1))
    session.commit()
    login_as("admin")
    pdf = client.get(f"/certificates/awards/{gold.id}.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert client.get(f"/certificates/awards/{certificate.id}.pdf").status_code == 302
    before = snapshot(session)
    html = _print(client).get_data(as_text=True)
    refusal = html.split('class="alert alert-danger print-refusal"', 1)[1].split("</div>", 1)[0]
    assert "«لوح تقدیر»" in refusal and "«تندیس زرین ملی و لوح تقدیر»" not in refusal
    assert snapshot(session) == before


def test_editing_the_approved_budget_blocks_printing_again(client, final, login_as, session):
    line = budget(session).lines[0]
    transition(session, cycle=final.cycle, action=BudgetAction.EDIT, actor=final.users["admin"],
               edit=LineEdit(line=line, label=line.label, unit_cost=line.unit_cost + 1))
    session.commit()
    login_as("admin")
    before = snapshot(session)
    assert REFUSAL in _print(client).get_data(as_text=True)
    assert snapshot(session) == before


def test_a_queued_job_whose_budget_approval_is_withdrawn_fails_with_the_reason(app, final, session):
    job = certificates.start_print_job(session, actor=final.users["admin"], cycle=final.cycle, category=None,
                                       fmt="pdf", verify_base_url="http://127.0.0.1:5000",
                                       upload_dir=app.config["UPLOAD_FOLDER"])
    job_id = job.id
    line = budget(session).lines[0]
    transition(session, cycle=final.cycle, action=BudgetAction.EDIT, actor=final.users["admin"],
               edit=LineEdit(line=line, remove=True))
    session.commit()
    with app.app_context(), write_intent(True):  # as the job consumer runs it
        run_print_job(job_id)
    failed = session.get(Job, job_id)
    assert failed.state == JobState.FAILED and REFUSAL in failed.error and failed.result_path is None


def test_cli_render_before_approval_is_refused_and_writes_no_national_certificate(app, unbudgeted, tmp_path,
                                                                                 session):
    # The cluster category also holds Fars's provincial award (1404-FA-001): the province's own certificate, which
    # the national budget does not gate, is written; not one national certificate is, and the command fails.
    result = app.test_cli_runner().invoke(args=["certificates", "render", "--cycle", "1404", "--category",
                                                "cluster", "--out", str(tmp_path / "out")])
    assert result.exit_code != 0
    assert REFUSAL in result.output
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["1404-FA-001.pdf"]
    assert session.scalar(select(func.count(Job.id))) == 0
