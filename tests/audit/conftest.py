"""The demo carried to its frozen result: every kind of event the story records."""

from __future__ import annotations

import pytest


@pytest.fixture
def demo_final(app, session):
    from awards.demo import seed_demo

    context = seed_demo(session, password=app.config["DEMO_PASSWORD"], upload_dir=app.config["UPLOAD_FOLDER"],
                        max_bytes=app.config["MAX_UPLOAD_BYTES"], stage="final")
    session.commit()
    return context
