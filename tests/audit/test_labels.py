"""The audit log speaks the reader's language: every action and every changed field has a label (issue 13,
item 6). Found by reading the code (every action and change key written as a literal) and the demo's events."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from awards.admin.services import CATEGORY_FIELDS
from awards.audit import queries
from awards.enums import NominationAction
from awards.evaluation.rubric import COMMITTEE_DEFAULTS, CRITERION_FIELDS
from awards.models import AuditEvent
from tests.conftest import login

AWARDS = Path(__file__).resolve().parents[2] / "awards"
LATIN = re.compile("[A-Za-z]")


def _literals(node: ast.AST) -> list[str]:
    """String constants an expression can evaluate to (``"a" if x else "b"`` gives both)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _literals(node.body) + _literals(node.orelse)
    return []


def _written_in_code() -> tuple[set[str], set[str], set[str]]:
    actions, keys, objects = set(), set(), set()
    for path in AWARDS.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id.endswith("_ACTION")
                                                    for t in node.targets):
                actions.update(_literals(node.value))  # PROPOSE_ACTION = "results.propose"
            if isinstance(node, ast.Call):
                for keyword in node.keywords:
                    if keyword.arg == "action":
                        actions.update(a for a in _literals(keyword.value) if "." in a)
                    elif keyword.arg == "object_type":
                        objects.update(_literals(keyword.value))
                    elif keyword.arg == "changes" and isinstance(keyword.value, ast.Dict):
                        keys.update(k for key in keyword.value.keys if key is not None for k in _literals(key))
            elif isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Subscript):
                target = node.targets[0]
                if isinstance(target.value, ast.Name) and target.value.id == "changes":
                    keys.update(_literals(target.slice))
            elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Dict) and any(
                    isinstance(t, ast.Name) and t.id == "changes" for t in node.targets):
                keys.update(k for key in node.value.keys if key is not None for k in _literals(key))
    return actions, keys, objects


ACTIONS, KEYS, OBJECTS = _written_in_code()


def test_labels_the_code_walk_finds_what_it_should():
    assert {"sheet.reopen", "award.revoke", "rubric.reset", "results.propose", "audit.verify"} <= ACTIONS
    assert {"text", "approved", "comment", "final_score"} <= KEYS
    assert {"score_sheet", "citation", "nomination"} <= OBJECTS


@pytest.mark.parametrize("action", sorted(ACTIONS | {f"nomination.{a.value}" for a in NominationAction}))
def test_labels_every_action_has_one(app, action):
    with app.test_request_context("/"):
        label = str(queries.action_label(action))
    assert label != action and not LATIN.search(label), action


@pytest.mark.parametrize("key", sorted(KEYS | set(CATEGORY_FIELDS) | set(CRITERION_FIELDS) | set(COMMITTEE_DEFAULTS)))
def test_labels_every_changed_field_has_one(app, key):
    with app.test_request_context("/"):
        label = queries.field_label(key)
    assert not LATIN.search(label), f"{key}: {label}"


@pytest.mark.parametrize("object_type", sorted(OBJECTS))
def test_labels_every_object_type_has_one(object_type):
    assert object_type in queries.OBJECT_LABELS, object_type


def test_labels_a_mapping_value_reads_as_one_line(app):
    with app.test_request_context("/"):
        (change,) = queries.describe_changes({"tiers": [None, {"5": "gold", "7": "certificate"}]})
    assert change.kind == "text" and "5: " in change.after and "7: " in change.after and "{" not in change.after


def test_labels_compound_rubric_and_sheet_keys_read_as_a_path(app):
    with app.test_request_context("/"):
        assert queries.field_label("winners.criterion:41.weight", {41: "نوآوری"}) == \
            "کمیتهٔ برگزیدگان › معیار «نوآوری» › وزن"
        assert queries.field_label("category.gold_quota") == "رشته › سهمیهٔ تندیس زرین"
        assert queries.field_label("media.criterion:new:c-3") == "کمیتهٔ رسانه › معیار تازه"
        assert queries.field_label("criterion:7") == "معیار"  # a criterion since deleted keeps a plain label


def test_labels_the_demo_events_all_read_in_persian(app, session, demo_final):
    events = list(session.scalars(select(AuditEvent)))
    describe = queries.change_describer(session, events)
    with app.test_request_context("/"):
        raw = [(event.action, change.field, change.label) for event in events for change in describe(event.changes)
               if LATIN.search(str(change.label))]
        unlabelled = {event.action for event in events if LATIN.search(str(queries.action_label(event.action)))}
    assert not raw and not unlabelled, (raw[:10], unlabelled)


def test_labels_the_audit_page_shows_criterion_titles_not_codes(app, session, demo_final, client):
    login(client, "admin")
    html = client.get("/audit/?action=sheet.submit").get_data(as_text=True)
    table = html.split("<tbody", 1)[1].split("</tbody>", 1)[0]
    assert "criterion:" not in table and "sheet.submit" not in table
    assert "معیار «" in table and "ارسال برگهٔ امتیاز" in table
