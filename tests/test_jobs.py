"""The job queue's storage comes from the environment alone (the consumer imports it without an app)."""

from __future__ import annotations

from huey import SqliteHuey

from awards.jobs import make_huey


def test_queue_file_comes_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.delenv("AWARDS_REDIS_URL", raising=False)
    monkeypatch.setenv("AWARDS_HUEY_SQLITE", str(tmp_path / "queue" / "huey.sqlite3"))
    queue = make_huey()
    assert isinstance(queue, SqliteHuey)
    assert queue.storage.filename == str(tmp_path / "queue" / "huey.sqlite3")
    assert (tmp_path / "queue").is_dir()
