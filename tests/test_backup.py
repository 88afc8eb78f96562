"""Backup and restore: one archive with a consistent database snapshot, the files it refers to and a manifest."""

from __future__ import annotations

import hashlib
import io
import json
import os
import tarfile
import threading
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, select, text

from awards import create_app
from awards.backup import create_backup, read_manifest, restore_backup
from awards.certificates.services import save_signature
from awards.db import Base, db
from awards.demo import demo_pdf
from awards.migrate import upgrade
from awards.models import Category, EvidenceDocument, Signatory, User
from awards.nominations import documents, services
from tests.fresh_database import fresh_database_url

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
KIND = "postgresql" if os.environ.get("AWARDS_TEST_DATABASE_URL") else "sqlite"


def _signed(app, session, context):
    admin = session.scalar(select(User).where(User.username == "admin"))
    signatory = session.scalar(select(Signatory).order_by(Signatory.id))
    save_signature(session, signatory=signatory, actor=admin, data=PNG, upload_dir=app.config["UPLOAD_FOLDER"],
                   max_bytes=512 * 1024)
    session.commit()
    return context


@pytest.fixture
def final_demo(app, session, demo_final):
    """The demo run to final results, plus a signature image, committed."""
    return _signed(app, session, demo_final)


@pytest.fixture
def signed_demo(app, session, demo):
    """The demo with nominations open, plus a signature image, committed (quicker to build)."""
    return _signed(app, session, demo)


@pytest.fixture
def target(tmp_path):
    """A second installation: a new, migrated (so empty but for reference data) database and no upload folder."""
    source_engine = db.engine  # ``db`` is one per process: the second app rebinds it, and gives it back after
    with fresh_database_url(tmp_path, "restore") as url:
        engine = create_engine(url)
        upgrade(engine)
        engine.dispose()
        app = create_app("testing", {"DATABASE_URL": url, "UPLOAD_FOLDER": tmp_path / "restored-uploads",
                                     "OUTPUT_FOLDER": tmp_path / "restored-output"})
        try:
            yield app
        finally:
            db.engine.dispose()
            db.engine = source_engine
            db._factory.configure(bind=source_engine)


def row_counts(url: str) -> dict[str, int]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return {t: conn.execute(text(f'SELECT COUNT(*) FROM "{t}"')).scalar_one()
                    for t in inspect(conn).get_table_names()}
    finally:
        engine.dispose()


def file_digests(folder: Path) -> dict[str, str]:
    if not folder.exists():
        return {}
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def orphans(url: str) -> list[str]:
    """Rows whose foreign key points at nothing (every single-column foreign key of the models)."""
    found = []
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            if url.startswith("sqlite"):
                found += [str(row) for row in conn.exec_driver_sql("PRAGMA foreign_key_check").all()]
            for table in Base.metadata.sorted_tables:
                for fk in table.foreign_keys:
                    child, parent = fk.parent, fk.column
                    count = conn.execute(text(
                        f'SELECT COUNT(*) FROM "{table.name}" c WHERE c."{child.name}" IS NOT NULL AND NOT EXISTS '
                        f'(SELECT 1 FROM "{parent.table.name}" p WHERE p."{parent.name}" = c."{child.name}")'
                    )).scalar_one()
                    if count:
                        found.append(f"{table.name}.{child.name}: {count}")
    finally:
        engine.dispose()
    return found


def files_match_rows(url: str, folder: Path) -> list[str]:
    """Every evidence row and signature has its file with the recorded digest, and no file is without a row."""
    problems = []
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            evidence = conn.execute(text("SELECT stored_name, sha256 FROM evidence_documents")).all()
            signatures = conn.execute(text("SELECT signature_file FROM signatories "
                                           "WHERE signature_file IS NOT NULL")).scalars().all()
    finally:
        engine.dispose()
    digests = file_digests(folder)
    for name, sha in evidence:
        if digests.get(name) != sha:
            problems.append(f"evidence {name}: {'missing' if name not in digests else 'differs'}")
    expected = {name for name, _sha in evidence} | {f"signatures/{name}" for name in signatures}
    problems += [f"file without a row: {name}" for name in sorted(set(digests) - expected)]
    problems += [f"signature missing: {name}" for name in sorted(expected - set(digests))]
    return problems


def rewrite_archive(source: Path, out: Path, change) -> None:
    """Copy an archive member by member, letting ``change(name, data)`` return new bytes (or None to drop it)."""
    with tarfile.open(source, "r:gz") as old, tarfile.open(out, "w:gz") as new:
        for member in old:
            data = change(member.name, old.extractfile(member).read())
            if data is None:
                continue
            info = tarfile.TarInfo(member.name)
            info.size = len(data)
            new.addfile(info, io.BytesIO(data))


def test_backup_then_restore_keeps_every_row_count_and_file(app, final_demo, target, tmp_path):
    archive = tmp_path / "tandis.tar.gz"
    made = app.test_cli_runner().invoke(args=["backup", "--out", str(archive)])
    assert made.exit_code == 0, made.output
    assert "backup written to" in made.output and "11 evidence documents, 1 signature images" in made.output
    assert not archive.with_name(archive.name + ".part").exists()

    checked = app.test_cli_runner().invoke(args=["backup", "--verify", str(archive)])
    assert checked.exit_code == 0, checked.output
    assert "OK" in checked.output

    restored = target.test_cli_runner().invoke(args=["restore", str(archive)])
    assert restored.exit_code == 0, restored.output
    assert "row counts match the manifest" in restored.output

    source_counts = row_counts(app.config["DATABASE_URL"])
    assert row_counts(target.config["DATABASE_URL"]) == source_counts
    # The final demo tells both rounds: Fars's second cluster (the Meymand one) is the twelfth dossier, the
    # eleventh with evidence, and holds Fars's provincial award.
    assert source_counts["nominations"] == 12 and source_counts["awards"] > 0
    assert source_counts["provincial_awards"] == 1
    source_files = file_digests(app.config["UPLOAD_FOLDER"])
    assert file_digests(target.config["UPLOAD_FOLDER"]) == source_files
    assert len(source_files) == 12  # eleven evidence documents and one signature
    assert orphans(target.config["DATABASE_URL"]) == []
    if KIND == "postgresql":  # the restored tables carry planner statistics (ANALYZE after pg_restore)
        engine = create_engine(target.config["DATABASE_URL"])
        try:
            with engine.connect() as conn:
                assert conn.execute(text("SELECT count(*) FROM pg_stats WHERE tablename = 'nominations'")).scalar()
        finally:
            engine.dispose()

    manifest = read_manifest(archive)
    assert manifest["database"]["kind"] == KIND
    assert manifest["database"]["schema_revision"] == _head_revision()
    assert manifest["row_counts"] == source_counts
    with tarfile.open(archive, "r:gz") as tar:
        names = tar.getnames()
    member = "database.sqlite3" if KIND == "sqlite" else "database.pgdump"
    assert names[0] == member and names[-1] == "manifest.json"
    assert sorted(names[1:-1]) == sorted(f"uploads/{name}" for name in source_files)
    assert set(manifest["files"]) == set(names[:-1])


def test_backup_restored_app_serves_the_restored_data(app, final_demo, target, tmp_path):
    archive = tmp_path / "tandis.tar.gz"
    assert app.test_cli_runner().invoke(args=["backup", "--out", str(archive)]).exit_code == 0
    assert target.test_cli_runner().invoke(args=["restore", str(archive)]).exit_code == 0
    verify = target.test_cli_runner().invoke(args=["results", "verify", "--cycle", "1404"])
    assert verify.exit_code == 0, verify.output


def test_restore_into_a_database_without_tables(app, signed_demo, tmp_path):
    archive = tmp_path / "tandis.tar.gz"
    create_backup(database_url=app.config["DATABASE_URL"], upload_dir=app.config["UPLOAD_FOLDER"], out=archive)
    with fresh_database_url(tmp_path, "bare") as url:
        restore_backup(archive, database_url=url, upload_dir=tmp_path / "bare-uploads")
        assert row_counts(url) == row_counts(app.config["DATABASE_URL"])
    assert file_digests(tmp_path / "bare-uploads") == file_digests(app.config["UPLOAD_FOLDER"])


def test_restore_refuses_a_database_with_data_and_changes_nothing(app, signed_demo, tmp_path):
    archive = tmp_path / "tandis.tar.gz"
    assert app.test_cli_runner().invoke(args=["backup", "--out", str(archive)]).exit_code == 0
    counts, files = row_counts(app.config["DATABASE_URL"]), file_digests(app.config["UPLOAD_FOLDER"])
    refused = app.test_cli_runner().invoke(args=["restore", str(archive)])
    assert refused.exit_code == 1
    assert "needs an empty database" in refused.output and "nothing was restored" in refused.output
    assert "users" in refused.output and "nominations" in refused.output
    assert row_counts(app.config["DATABASE_URL"]) == counts
    assert file_digests(app.config["UPLOAD_FOLDER"]) == files


def test_restore_refuses_a_database_with_only_an_organizer(app, signed_demo, target, tmp_path):
    from awards.auth.services import create_user

    archive = tmp_path / "tandis.tar.gz"
    assert app.test_cli_runner().invoke(args=["backup", "--out", str(archive)]).exit_code == 0
    with target.app_context():
        create_user(db.session, username="dabir", password="Tandis-first-setup-1405", full_name="دبیر",
                    is_organizer=True)
        db.session.commit()
    counts = row_counts(target.config["DATABASE_URL"])
    refused = target.test_cli_runner().invoke(args=["restore", str(archive)])
    assert refused.exit_code == 1
    assert "rows in audit_events, users" in refused.output
    assert row_counts(target.config["DATABASE_URL"]) == counts
    assert file_digests(target.config["UPLOAD_FOLDER"]) == {}


def test_restore_refuses_an_upload_folder_with_files(app, signed_demo, target, tmp_path):
    archive = tmp_path / "tandis.tar.gz"
    assert app.test_cli_runner().invoke(args=["backup", "--out", str(archive)]).exit_code == 0
    stray = Path(target.config["UPLOAD_FOLDER"]) / "left-over.pdf"
    stray.parent.mkdir(parents=True)
    stray.write_bytes(b"%PDF-1.4 old")
    counts = row_counts(target.config["DATABASE_URL"])
    refused = target.test_cli_runner().invoke(args=["restore", str(archive)])
    assert refused.exit_code == 1
    assert "upload folder" in refused.output and "left-over.pdf" in refused.output
    assert row_counts(target.config["DATABASE_URL"]) == counts
    assert file_digests(target.config["UPLOAD_FOLDER"]) == {"left-over.pdf": hashlib.sha256(b"%PDF-1.4 old")
                                                            .hexdigest()}


def test_verify_names_a_tampered_upload(app, signed_demo, tmp_path):
    archive, tampered = tmp_path / "tandis.tar.gz", tmp_path / "tampered.tar.gz"
    create_backup(database_url=app.config["DATABASE_URL"], upload_dir=app.config["UPLOAD_FOLDER"], out=archive)
    victim = next(name for name in read_manifest(archive)["files"] if name.endswith(".pdf"))
    rewrite_archive(archive, tampered, lambda name, data: data + b"%" if name == victim else data)
    result = app.test_cli_runner().invoke(args=["backup", "--verify", str(tampered)])
    assert result.exit_code == 1
    assert f"{victim}: SHA-256 differs from the manifest" in result.output
    assert result.output.count("differs") == 1


def test_verify_names_a_tampered_database_snapshot(app, signed_demo, tmp_path):
    archive, tampered = tmp_path / "tandis.tar.gz", tmp_path / "tampered.tar.gz"
    create_backup(database_url=app.config["DATABASE_URL"], upload_dir=app.config["UPLOAD_FOLDER"], out=archive)
    member = read_manifest(archive)["database"]["member"]
    rewrite_archive(archive, tampered, lambda name, data: data[:-1] + bytes([data[-1] ^ 1]) if name == member
                    else data)
    result = app.test_cli_runner().invoke(args=["backup", "--verify", str(tampered)])
    assert result.exit_code == 1
    assert f"{member}: SHA-256 differs" in result.output


def test_verify_names_missing_and_unlisted_members(app, signed_demo, tmp_path):
    archive, tampered = tmp_path / "tandis.tar.gz", tmp_path / "tampered.tar.gz"
    create_backup(database_url=app.config["DATABASE_URL"], upload_dir=app.config["UPLOAD_FOLDER"], out=archive)
    victim = next(name for name in read_manifest(archive)["files"] if name.endswith(".pdf"))
    with tarfile.open(archive, "r:gz") as old, tarfile.open(tampered, "w:gz") as new:
        for member in old:
            if member.name != victim:
                new.addfile(member, old.extractfile(member))
        extra = tarfile.TarInfo("uploads/extra.pdf")
        extra.size = 3
        new.addfile(extra, io.BytesIO(b"abc"))
    result = app.test_cli_runner().invoke(args=["backup", "--verify", str(tampered)])
    assert result.exit_code == 1
    assert f"{victim}: listed in the manifest but missing" in result.output
    assert "uploads/extra.pdf: in the archive but not in the manifest" in result.output


def test_verify_accepts_an_archive_repacked_with_folder_entries(app, signed_demo, tmp_path):
    archive, repacked = tmp_path / "tandis.tar.gz", tmp_path / "repacked.tar.gz"
    create_backup(database_url=app.config["DATABASE_URL"], upload_dir=app.config["UPLOAD_FOLDER"], out=archive)
    with tarfile.open(archive, "r:gz") as old, tarfile.open(repacked, "w:gz") as new:
        folder = tarfile.TarInfo("uploads")
        folder.type = tarfile.DIRTYPE
        new.addfile(folder)
        for member in old:
            new.addfile(member, old.extractfile(member))
    result = app.test_cli_runner().invoke(args=["backup", "--verify", str(repacked)])
    assert result.exit_code == 0, result.output


def test_verify_refuses_a_file_that_is_not_a_backup(app, tmp_path):
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"not an archive")
    result = app.test_cli_runner().invoke(args=["backup", "--verify", str(junk)])
    assert result.exit_code == 1
    assert "not a readable .tar.gz archive" in result.output


def test_verify_names_a_truncated_archive(app, signed_demo, tmp_path):
    archive, truncated = tmp_path / "tandis.tar.gz", tmp_path / "truncated.tar.gz"
    create_backup(database_url=app.config["DATABASE_URL"], upload_dir=app.config["UPLOAD_FOLDER"], out=archive)
    data = archive.read_bytes()
    truncated.write_bytes(data[: len(data) * 3 // 4])
    result = app.test_cli_runner().invoke(args=["backup", "--verify", str(truncated)])
    assert result.exit_code == 1
    assert "not a readable .tar.gz archive" in result.output or "damaged" in result.output


def test_restore_refuses_a_tampered_archive_and_changes_nothing(app, signed_demo, target, tmp_path):
    archive, tampered = tmp_path / "tandis.tar.gz", tmp_path / "tampered.tar.gz"
    create_backup(database_url=app.config["DATABASE_URL"], upload_dir=app.config["UPLOAD_FOLDER"], out=archive)
    victim = next(name for name in read_manifest(archive)["files"] if name.endswith(".pdf"))
    rewrite_archive(archive, tampered, lambda name, data: b"%PDF-forged" if name == victim else data)
    counts = row_counts(target.config["DATABASE_URL"])
    result = target.test_cli_runner().invoke(args=["restore", str(tampered)])
    assert result.exit_code == 1
    assert "does not match its manifest" in result.output and victim in result.output
    assert row_counts(target.config["DATABASE_URL"]) == counts
    assert file_digests(target.config["UPLOAD_FOLDER"]) == {}


def test_restore_refuses_an_archive_of_the_other_database_kind(app, signed_demo, target, tmp_path):
    archive, other = tmp_path / "tandis.tar.gz", tmp_path / "other.tar.gz"
    create_backup(database_url=app.config["DATABASE_URL"], upload_dir=app.config["UPLOAD_FOLDER"], out=archive)
    other_kind = "sqlite" if KIND == "postgresql" else "postgresql"

    def relabel(name, data):
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["database"]["kind"] = other_kind
        return json.dumps(manifest).encode()

    rewrite_archive(archive, other, relabel)
    counts = row_counts(target.config["DATABASE_URL"])
    result = target.test_cli_runner().invoke(args=["restore", str(other)])
    assert result.exit_code == 1
    assert f"holds a {other_kind} database" in result.output and f"is {KIND}" in result.output
    assert row_counts(target.config["DATABASE_URL"]) == counts


def test_backup_fails_clearly_when_a_referenced_file_is_missing(app, signed_demo, tmp_path):
    lost = next(Path(app.config["UPLOAD_FOLDER"]).glob("*.pdf"))
    lost.unlink()
    archive = tmp_path / "tandis.tar.gz"
    result = app.test_cli_runner().invoke(args=["backup", "--out", str(archive)])
    assert result.exit_code == 1
    assert "failed after 3 attempts" in result.output and lost.name in result.output
    assert not archive.exists() and not archive.with_name(archive.name + ".part").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".tandis-backup")] == []


def test_backup_needs_exactly_one_of_out_and_verify(app, tmp_path):
    neither = app.test_cli_runner().invoke(args=["backup"])
    both = app.test_cli_runner().invoke(args=["backup", "--out", str(tmp_path / "a"), "--verify", str(tmp_path / "b")])
    assert neither.exit_code == both.exit_code == 2
    assert "either --out FILE" in neither.output


def _writer(app, stop: threading.Event, started: threading.Event, written: list, errors: list) -> None:
    """Keep creating drafts with evidence, and removing some evidence, each step committed."""
    upload_dir = Path(app.config["UPLOAD_FOLDER"])
    session = db.session_factory()
    try:
        officer = session.scalar(select(User).where(User.username == "fars"))
        category = session.scalar(select(Category).where(Category.code == "industry"))
        kept: list[int] = []
        step = 0
        while not stop.is_set():
            nomination = services.create_draft(session, actor=officer, category=category,
                                               values={"nominee_name": f"شرکت آزمایشی {step}"})
            document = documents.add_document(session, actor=officer, nomination=nomination, filename="m.pdf",
                                              data=demo_pdf(f"writer {step}"), upload_dir=upload_dir,
                                              max_bytes=app.config["MAX_UPLOAD_BYTES"])
            session.commit()
            kept.append(document.id)
            if step % 2 == 1:
                victim = session.get(EvidenceDocument, kept.pop(0))
                documents.remove_document(session, actor=officer, document=victim, upload_dir=upload_dir)
                session.commit()
            step += 1
            written.append(step)
            if step == 3:
                started.set()
    except Exception as err:  # reported to the test thread
        errors.append(err)
        started.set()
    finally:
        session.close()


def test_backup_while_writes_go_on_restores_to_a_consistent_state(app, demo, tmp_path):
    stop, started, written, errors = threading.Event(), threading.Event(), [], []
    thread = threading.Thread(target=_writer, args=(app, stop, started, written, errors))
    thread.start()
    archives = []
    try:
        assert started.wait(120)
        for attempt in range(5):
            before = len(written)
            archive = tmp_path / f"busy-{attempt}.tar.gz"
            result = create_backup(database_url=app.config["DATABASE_URL"], upload_dir=app.config["UPLOAD_FOLDER"],
                                   out=archive, attempts=10, pause_seconds=0)
            archives.append((archive, len(written) - before, result.attempts))
            if len(written) > before and attempt >= 1:
                break
    finally:
        stop.set()
        thread.join(120)
    assert errors == []
    assert any(writes for _archive, writes, _attempts in archives), "the writer never wrote during a backup"
    for index, (archive, _writes, _attempts) in enumerate(archives):
        with fresh_database_url(tmp_path, f"busy{index}") as url:
            uploads = tmp_path / f"busy-uploads-{index}"
            restore_backup(archive, database_url=url, upload_dir=uploads)
            assert orphans(url) == []
            assert files_match_rows(url, uploads) == []
            counts = row_counts(url)
            assert counts == read_manifest(archive)["row_counts"]
            assert counts["nominations"] > 11  # the writer's drafts made it in


def _head_revision() -> str:
    """The newest migration, as the code knows it."""
    from alembic.script import ScriptDirectory

    from awards.migrate import alembic_config

    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
