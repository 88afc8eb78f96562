"""Backup and restore: one ``.tar.gz`` holding a consistent database snapshot, the uploaded files it refers to,
and a manifest.

Archive layout (members in this order)::

    database.sqlite3 | database.pgdump    the snapshot (SQLite file, or ``pg_dump --format=custom``)
    uploads/<stored_name>                 every evidence document the snapshot refers to
    uploads/signatures/<signature_file>   every signature image the snapshot refers to
    manifest.json                         format, schema revision, database kind, row counts, SHA-256 of each member

Consistency while the app keeps writing: the database snapshot is taken first (SQLite's online backup API in
one step; on PostgreSQL a repeatable-read transaction exports its snapshot, and both ``pg_dump --snapshot`` and
the row counts and file references read that same snapshot).  Straight after reading the snapshot's references
(on PostgreSQL before ``pg_dump`` runs) exactly those files are pinned: hard-linked into a staging folder next
to the archive (copied when that is another file system), so a deletion afterwards cannot take them away.  A
file written after the snapshot is not included (its row is not in the snapshot either); a file the snapshot
refers to but that is already gone when it is pinned (its row was deleted and committed meanwhile) makes the
whole backup start again (keeping what it pinned), a few times, before it fails naming the file.  Stored files
are never rewritten in place (every upload gets a new random name), so a pinned file is the file of its row.

The archive is written to ``FILE.part`` and renamed to ``FILE`` once complete.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import Connection, Engine, make_url

from awards.db import gather_statistics

FORMAT = "tandis-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DB_MEMBER = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
UPLOADS = "uploads"
SIGNATURES = "signatures"
#: Tables that a fresh, migrated database already fills (reference data and Alembic's bookkeeping).
# What a freshly migrated database already holds: reference rows, the schema version and the audit chain's
# one-row head (seeded by migration 0006).
REFERENCE_TABLES = frozenset({"provinces", "committees", "alembic_version", "audit_chain_head"})
_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$")
_CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup, verification or restore that cannot go on; the message says why, for an administrator."""


class FileGone(BackupError):
    """A file the snapshot refers to was deleted before it could be copied (retry the whole backup)."""


@dataclass
class BackupResult:
    path: Path
    manifest: dict
    attempts: int


@dataclass
class RestoreResult:
    manifest: dict
    files: int
    notes: list[str] = field(default_factory=list)


def database_kind(url: str) -> str:
    """Return ``sqlite`` or ``postgresql`` for a database URL; refuse anything else."""
    backend = make_url(url).get_backend_name()
    if backend not in DB_MEMBER:
        raise BackupError(f"unsupported database kind {backend!r}: backups know SQLite and PostgreSQL")
    return backend


# --- writing ---------------------------------------------------------------------------------------------------


def create_backup(*, database_url: str, upload_dir: Path, out: Path, attempts: int = 3,
                  pg_bin_dir: str | None = None, pause_seconds: float = 0.5) -> BackupResult:
    """Write a backup archive of the database at ``database_url`` and its files in ``upload_dir`` to ``out``."""
    kind = database_kind(database_url)
    out = Path(out)
    if out.is_dir():
        raise BackupError(f"{out} is a directory; give the archive's file name, e.g. {out / 'tandis.tar.gz'}")
    if not out.parent.is_dir():
        raise BackupError(f"the folder {out.parent} does not exist")
    part = out.with_name(out.name + ".part")
    last: FileGone | None = None
    with tempfile.TemporaryDirectory(prefix=".tandis-backup-", dir=out.parent) as tmp:
        staging = Path(tmp)
        (staging / UPLOADS / SIGNATURES).mkdir(parents=True)
        for attempt in range(1, attempts + 1):
            try:
                manifest = _write_archive(kind=kind, database_url=database_url, upload_dir=Path(upload_dir),
                                          part=part, staging=staging, pg_bin_dir=pg_bin_dir)
            except FileGone as gone:
                part.unlink(missing_ok=True)
                last = gone
                if attempt < attempts:
                    time.sleep(pause_seconds)
                continue
            except BaseException:
                part.unlink(missing_ok=True)
                raise
            manifest["attempts"] = attempt
            os.replace(part, out)
            _fsync_dir(out.parent)
            return BackupResult(path=out, manifest=manifest, attempts=attempt)
    raise BackupError(
        f"backup failed after {attempts} attempts: {last}. Either files were being deleted while the backup ran "
        "(run it again), or, if the same file is named every time, it is missing from the upload folder (put it "
        f"back from an earlier backup). Nothing was written to {out}.")


def _write_archive(*, kind: str, database_url: str, upload_dir: Path, part: Path, staging: Path,
                   pg_bin_dir: str | None) -> dict:
    """One attempt.  Files pinned by an earlier attempt stay pinned: a stored name is never reused and its bytes
    never change, so a later snapshot that still refers to a file gone meanwhile can use the pinned one."""
    taken_at = datetime.now(UTC)
    snapshot = staging / DB_MEMBER[kind]
    snapshot.unlink(missing_ok=True)
    pinned = staging / UPLOADS

    def pin(references: list[str]) -> None:  # as soon as the snapshot's references are known
        gone = []
        for relative in references:
            if (pinned / relative).exists():
                continue
            try:
                _pin(upload_dir / relative, pinned / relative)
            except FileNotFoundError:
                gone.append(relative)  # pin the others all the same: the next attempt may need them
        if gone:
            raise FileGone(f"the uploaded file(s) {', '.join(gone)}, referenced by the database snapshot, were "
                           f"not found in {upload_dir}")

    if kind == "sqlite":
        info = _snapshot_sqlite(database_url, snapshot, pin)
    else:
        info = _snapshot_postgresql(database_url, snapshot, pg_bin_dir, pin)
    files: dict[str, dict] = {}
    with open(os.open(part, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as raw:  # personal data
        with tarfile.open(fileobj=raw, mode="w:gz") as tar:
            files[DB_MEMBER[kind]] = _add_file(tar, DB_MEMBER[kind], snapshot)
            for relative in info["references"]:
                files[f"{UPLOADS}/{relative}"] = _add_file(tar, f"{UPLOADS}/{relative}", pinned / relative)
            manifest = {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "created_at": taken_at.isoformat(timespec="seconds"),
                "database": {"kind": kind, "member": DB_MEMBER[kind], "schema_revision": info["revision"],
                             **info["versions"]},
                "row_counts": info["row_counts"],
                "uploads": {"evidence": info["evidence"], "signatures": info["signatures"]},
                "files": files,
            }
            _add_bytes(tar, MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True).encode())
        raw.flush()
        os.fsync(raw.fileno())
    return manifest


def _pin(source: Path, target: Path) -> None:
    """Hold on to ``source`` as ``target``: a hard link when both are on one file system (instant; the bytes
    stay even if the app deletes the original), else a copy."""
    try:
        os.link(source, target)
    except OSError as err:
        if isinstance(err, FileNotFoundError):
            raise
        shutil.copyfile(source, target)


def _sqlite_path(database_url: str) -> Path:
    database = make_url(database_url).database
    if database in (None, "", ":memory:"):
        raise BackupError("an in-memory SQLite database cannot be backed up or restored")
    return Path(database)


def _snapshot_sqlite(database_url: str, snapshot: Path, pin: Callable[[list[str]], None]) -> dict:
    path = _sqlite_path(database_url)
    if not path.exists():
        raise BackupError(f"the database file {path} does not exist")
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
    target = sqlite3.connect(snapshot)
    try:
        source.backup(target)  # every page in one step: one consistent read of the live database
    finally:
        source.close()
    try:
        info = _read_sqlite(target, pin)
        target.execute("PRAGMA journal_mode=DELETE")  # a self-contained file, no -wal beside it
        info["versions"] = {"sqlite_version": sqlite3.sqlite_version}
    finally:
        target.close()
    return info


def _read_sqlite(conn: sqlite3.Connection, pin: Callable[[list[str]], None] | None = None) -> dict:
    tables = [row[0] for row in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    return _read(tables, lambda sql: [row[0] for row in conn.execute(sql)], lambda name: f'"{name}"', pin)


def _read(tables: list[str], column: Callable[[str], list], quoted: Callable[[str], str],
          pin: Callable[[list[str]], None] | None) -> dict:
    """Read the snapshot's file references (and pin those files at once), then its revision and row counts."""
    evidence = column("SELECT stored_name FROM evidence_documents ORDER BY stored_name") \
        if "evidence_documents" in tables else []
    signatures = column("SELECT DISTINCT signature_file FROM signatories WHERE signature_file IS NOT NULL "
                        "ORDER BY signature_file") if "signatories" in tables else []
    for name in [*evidence, *signatures]:
        if not _SAFE_NAME.match(name):
            raise BackupError(f"the database refers to a stored file with an unsafe name: {name!r}")
    references = [*evidence, *(f"{SIGNATURES}/{name}" for name in signatures)]
    if pin is not None:
        pin(references)
    revision = next(iter(column("SELECT version_num FROM alembic_version")), None) \
        if "alembic_version" in tables else None
    counts = {name: column(f"SELECT COUNT(*) FROM {quoted(name)}")[0] for name in tables}
    return {"row_counts": counts, "revision": revision, "evidence": len(evidence), "signatures": len(signatures),
            "references": references}


def _pg_tool(name: str, pg_bin_dir: str | None) -> str:
    tool = str(Path(pg_bin_dir) / name) if pg_bin_dir else shutil.which(name)
    if not tool or not Path(tool).exists():
        raise BackupError(f"{name} was not found; install the PostgreSQL client tools of the server's version "
                          "or set AWARDS_PG_BIN_DIR (e.g. /usr/lib/postgresql/15/bin)")
    return tool


def _tool_major(tool: str) -> int:
    output = subprocess.run([tool, "--version"], capture_output=True, text=True, check=True).stdout  # noqa: S603
    match = re.search(r"(\d+)(?:\.\d+)?", output)
    if not match:
        raise BackupError(f"cannot read the version of {tool}: {output.strip()!r}")
    return int(match.group(1))


def _libpq(database_url: str) -> tuple[str, dict]:
    """Return a libpq connection URI (no password in it) and the environment that carries the password."""
    url = make_url(database_url)
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return url.set(drivername="postgresql", password=None).render_as_string(hide_password=False), env


def _snapshot_postgresql(database_url: str, snapshot: Path, pg_bin_dir: str | None,
                         pin: Callable[[list[str]], None]) -> dict:
    pg_dump = _pg_tool("pg_dump", pg_bin_dir)
    dsn, env = _libpq(database_url)
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            server_major = conn.execute(text("SHOW server_version_num")).scalar_one()
            server_major = int(server_major) // 10000
            tool_major = _tool_major(pg_dump)
            if tool_major < server_major:
                raise BackupError(f"{pg_dump} is version {tool_major} but the server is PostgreSQL {server_major}; "
                                  f"use the client tools of version {server_major} (AWARDS_PG_BIN_DIR)")
            conn.exec_driver_sql("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            snapshot_id = conn.exec_driver_sql("SELECT pg_export_snapshot()").scalar_one()
            info = _read_postgresql(conn, pin)  # the same snapshot pg_dump sees; files pinned before the dump
            args = [pg_dump, "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot_id}",
                    f"--file={snapshot}", f"--dbname={dsn}"]
            done = subprocess.run(args, env=env, capture_output=True, text=True)  # noqa: S603  (configured tool)
            conn.rollback()
            if done.returncode != 0:
                raise BackupError(f"pg_dump failed: {done.stderr.strip()}")
            info["versions"] = {"server_version": server_major, "pg_dump_version": tool_major}
    finally:
        engine.dispose()
    return info


def _read_postgresql(conn: Connection, pin: Callable[[list[str]], None] | None = None) -> dict:
    tables = sorted(conn.exec_driver_sql("SELECT tablename FROM pg_tables WHERE schemaname = 'public'").scalars())
    return _read(tables, lambda sql: list(conn.exec_driver_sql(sql).scalars()), lambda name: f'public."{name}"', pin)


class _HashingReader:
    """A file wrapper that hashes what is read through it."""

    def __init__(self, handle, digest) -> None:
        self._handle, self._digest = handle, digest

    def read(self, size: int = -1) -> bytes:
        data = self._handle.read(size)
        self._digest.update(data)
        return data


def _add_file(tar: tarfile.TarFile, name: str, source: Path) -> dict:
    """Add ``source`` to ``tar`` as ``name``, hashing the bytes as they go in."""
    with open(source, "rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        info = _member(name, size)
        digest = hashlib.sha256()
        tar.addfile(info, _HashingReader(handle, digest))
    return {"sha256": digest.hexdigest(), "size": size}


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    tar.addfile(_member(name, len(data)), io.BytesIO(data))


def _member(name: str, size: int) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = size, 0o640, int(time.time())
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    return info


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


# --- verifying -------------------------------------------------------------------------------------------------


def read_manifest(archive: Path) -> dict:
    """Return the manifest of ``archive``; refuse a file that is not a Tandis backup."""
    try:
        with tarfile.open(archive, mode="r:gz") as tar:
            member = tar.getmember(MANIFEST)
            manifest = json.loads(tar.extractfile(member).read())
    except (tarfile.TarError, OSError, EOFError) as err:
        raise BackupError(f"{archive} is not a readable .tar.gz archive ({err})") from err
    except KeyError as err:
        raise BackupError(f"{archive} has no {MANIFEST}: it is not a Tandis backup") from err
    except ValueError as err:
        raise BackupError(f"the {MANIFEST} of {archive} is not valid JSON") from err
    if manifest.get("format") != FORMAT or manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(f"{archive} is not a Tandis backup of format version {FORMAT_VERSION}")
    return manifest


def verify_backup(archive: Path, *, pg_bin_dir: str | None = None) -> tuple[dict, list[str]]:
    """Check ``archive`` against its manifest; return the manifest and what differs (empty when all is well)."""
    manifest = read_manifest(archive)
    try:
        return manifest, _verify_members(archive, manifest, pg_bin_dir)
    except (tarfile.TarError, OSError, EOFError, zlib.error) as err:
        return manifest, [f"the archive is damaged and cannot be read to the end ({err})"]


def _verify_members(archive: Path, manifest: dict, pg_bin_dir: str | None) -> list[str]:
    expected: dict[str, dict] = manifest.get("files", {})
    kind = manifest.get("database", {}).get("kind")
    problems: list[str] = []
    seen: set[str] = set()
    with tempfile.TemporaryDirectory(prefix=".tandis-verify-") as tmp, tarfile.open(archive, mode="r:gz") as tar:
        for member in tar:
            if member.name == MANIFEST or member.isdir():
                continue
            if not member.isfile():
                problems.append(f"{member.name}: not a regular file")
                continue
            if member.name in seen:
                problems.append(f"{member.name}: appears twice")
            seen.add(member.name)
            if member.name not in expected:
                problems.append(f"{member.name}: in the archive but not in the manifest")
                continue
            keep = Path(tmp) / "snapshot" if member.name == DB_MEMBER.get(kind) else None
            digest, size = _hash_member(tar, member, keep)
            want = expected[member.name]
            if digest != want.get("sha256"):
                problems.append(f"{member.name}: SHA-256 differs from the manifest")
            elif size != want.get("size"):
                problems.append(f"{member.name}: size {size} differs from the manifest's {want.get('size')}")
        for name in sorted(set(expected) - seen):
            problems.append(f"{name}: listed in the manifest but missing from the archive")
        problems += _snapshot_problems(kind, Path(tmp) / "snapshot", problems, manifest, pg_bin_dir)
    return problems


def _hash_member(tar: tarfile.TarFile, member: tarfile.TarInfo, keep: Path | None) -> tuple[str, int]:
    """SHA-256 (hex) and size of an archive member, read in chunks; copied to ``keep`` too when given."""
    digest, size = hashlib.sha256(), 0
    handle = tar.extractfile(member)
    copy = open(keep, "wb") if keep else None  # noqa: SIM115
    try:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
            if copy:
                copy.write(chunk)
    finally:
        if copy:
            copy.close()
    return digest.hexdigest(), size


def _snapshot_problems(kind: str | None, snapshot: Path, problems: list[str], manifest: dict,
                       pg_bin_dir: str | None) -> list[str]:
    """Check the database snapshot itself, unless its kind is unknown or its member was already found faulty."""
    if kind not in DB_MEMBER:
        return [f"unknown database kind in the manifest: {kind!r}"]
    if not snapshot.exists() or any(p.startswith(DB_MEMBER[kind]) for p in problems):
        return []  # missing (already reported) or damaged (likewise)
    if kind == "sqlite":
        return _check_sqlite_snapshot(snapshot, manifest)
    if kind == "postgresql":
        return _check_pg_snapshot(snapshot, pg_bin_dir)
    return []


def _check_sqlite_snapshot(snapshot: Path, manifest: dict) -> list[str]:
    problems = []
    try:
        conn = sqlite3.connect(f"file:{snapshot}?mode=ro", uri=True)
        try:
            if (check := conn.execute("PRAGMA quick_check").fetchone()[0]) != "ok":
                problems.append(f"{DB_MEMBER['sqlite']}: integrity check failed: {check}")
            info = _read_sqlite(conn)
        finally:
            conn.close()
    except (sqlite3.Error, BackupError) as err:
        return [f"{DB_MEMBER['sqlite']}: cannot be read as a SQLite database ({err})"]
    want = manifest.get("row_counts", {})
    for table in sorted(set(want) | set(info["row_counts"])):
        have = info["row_counts"].get(table)
        if have != want.get(table):
            problems.append(f"table {table}: {have} rows in the snapshot, {want.get(table)} in the manifest")
    listed = {name.removeprefix(f"{UPLOADS}/") for name in manifest.get("files", {}) if name.startswith(UPLOADS)}
    for name in info["references"]:
        if name not in listed:
            problems.append(f"{UPLOADS}/{name}: referenced by the snapshot but not in the archive")
    return problems


def _check_pg_snapshot(snapshot: Path, pg_bin_dir: str | None) -> list[str]:
    try:
        pg_restore = _pg_tool("pg_restore", pg_bin_dir)
    except BackupError:
        return []  # the checksums above are all that can be checked without the client tools
    done = subprocess.run([pg_restore, "--list", str(snapshot)], capture_output=True, text=True)  # noqa: S603
    if done.returncode != 0:
        return [f"{DB_MEMBER['postgresql']}: pg_restore cannot read it ({done.stderr.strip()})"]
    return []


# --- restoring -------------------------------------------------------------------------------------------------


def emptiness_problems(engine: Engine, upload_dir: Path) -> list[str]:
    """Say why the database or upload folder is not empty.

    Empty means: no table holds rows except the reference data a fresh migration loads (provinces,
    committees) and Alembic's version row -- so no users, cycles or nominations -- and no file anywhere under
    the upload folder.  A database without tables is empty too.
    """
    problems = []
    with engine.connect() as conn:
        filled = [table for table in sorted(inspect(conn).get_table_names()) if table not in REFERENCE_TABLES
                  and conn.execute(text(f'SELECT 1 FROM "{table}" LIMIT 1')).first() is not None]
    if filled:
        problems.append(f"the database holds data: rows in {', '.join(filled)}")
    files = [p for p in Path(upload_dir).rglob("*") if not p.is_dir()] if Path(upload_dir).exists() else []
    if files:
        problems.append(f"the upload folder {upload_dir} holds {len(files)} file(s), e.g. {files[0].name}")
    return problems


def restore_backup(archive: Path, *, database_url: str, upload_dir: Path,
                   pg_bin_dir: str | None = None) -> RestoreResult:
    """Verify ``archive`` and restore it into the empty database at ``database_url`` and ``upload_dir``."""
    kind = database_kind(database_url)
    archived = read_manifest(archive)["database"].get("kind")
    if archived != kind:
        raise BackupError(f"this archive holds a {archived} database but the configured database "
                          f"({make_url(database_url).render_as_string(hide_password=True)}) is {kind}; "
                          "restore it into a database of the same kind. Nothing was restored.")
    manifest, problems = verify_backup(archive, pg_bin_dir=pg_bin_dir)
    if problems:
        raise BackupError("the archive does not match its manifest, nothing was restored:\n  " + "\n  ".join(problems))
    upload_dir = Path(upload_dir)
    engine = create_engine(database_url)
    try:
        if problems := emptiness_problems(engine, upload_dir):
            raise BackupError(
                "restore needs an empty database and upload folder (a freshly migrated database holding only "
                "the provinces and committees counts as empty); nothing was restored because:\n  "
                + "\n  ".join(problems))
    finally:
        engine.dispose()

    with tempfile.TemporaryDirectory(prefix=".tandis-restore-") as tmp:
        snapshot = Path(tmp) / DB_MEMBER[kind]
        members = _extract(archive, manifest, snapshot, Path(tmp) / UPLOADS)
        if kind == "sqlite":
            _restore_sqlite(snapshot, database_url)
        else:
            _restore_postgresql(snapshot, database_url, pg_bin_dir)
        written: list[Path] = []
        try:
            for relative in members:
                target = upload_dir / relative
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(Path(tmp) / UPLOADS / relative, target)
                written.append(target)
        except OSError as err:
            for path in written:
                path.unlink(missing_ok=True)
            raise BackupError(f"the database was restored but copying the files to {upload_dir} failed ({err}); "
                              "empty the database and try again") from err

    result = RestoreResult(manifest=manifest, files=len(members))
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            counts = {t: conn.execute(text(f'SELECT COUNT(*) FROM "{t}"')).scalar_one()
                      for t in inspect(conn).get_table_names()}
    finally:
        engine.dispose()
    differing = [t for t in sorted(set(counts) | set(manifest["row_counts"]))
                 if counts.get(t) != manifest["row_counts"].get(t)]
    if differing:
        raise BackupError(f"restored, but the row counts of {', '.join(differing)} differ from the manifest")
    return result


def _extract(archive: Path, manifest: dict, snapshot: Path, uploads: Path) -> list[str]:
    """Extract the snapshot and the uploads (only plain, safely named members) into a staging folder."""
    members = []
    with tarfile.open(archive, mode="r:gz") as tar:
        for member in tar:
            name = member.name
            if member.isdir():
                continue
            if name == manifest["database"]["member"]:
                target = snapshot
            elif name.startswith(f"{UPLOADS}/") and _safe_upload(name.removeprefix(f"{UPLOADS}/")):
                relative = name.removeprefix(f"{UPLOADS}/")
                target = uploads / relative
                members.append(relative)
            elif name == MANIFEST:
                continue
            else:
                raise BackupError(f"unexpected member {name!r} in the archive; nothing was restored")
            target.parent.mkdir(parents=True, exist_ok=True)
            with tar.extractfile(member) as source, open(target, "wb") as sink:
                shutil.copyfileobj(source, sink, _CHUNK)
    return members


def _safe_upload(relative: str) -> bool:
    parts = relative.split("/")
    if len(parts) == 2 and parts[0] == SIGNATURES:
        parts = parts[1:]
    return len(parts) == 1 and bool(_SAFE_NAME.match(parts[0]))


def _restore_sqlite(snapshot: Path, database_url: str) -> None:
    path = _sqlite_path(database_url)
    path.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(f"file:{snapshot}?mode=ro", uri=True)
    target = sqlite3.connect(path, timeout=30)
    try:
        source.backup(target)  # the online backup API in reverse: replaces every page of the target
    except sqlite3.Error as err:
        raise BackupError(f"restoring into {path} failed, nothing was restored ({err}); is the app still "
                          "running against it?") from err
    finally:
        source.close()
        target.close()
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
    finally:
        conn.close()


def _restore_postgresql(snapshot: Path, database_url: str, pg_bin_dir: str | None) -> None:
    pg_restore = _pg_tool("pg_restore", pg_bin_dir)
    dsn, env = _libpq(database_url)
    engine = create_engine(database_url)
    try:
        with engine.begin() as conn:  # drop the empty, migrated schema: the dump brings its own
            for table in inspect(conn).get_table_names():
                conn.execute(text(f'DROP TABLE IF EXISTS "{table}" CASCADE'))
            conn.execute(text("DROP FUNCTION IF EXISTS audit_events_append_only() CASCADE"))
    finally:
        engine.dispose()
    args = [pg_restore, "--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error",
            f"--dbname={dsn}", str(snapshot)]
    done = subprocess.run(args, env=env, capture_output=True, text=True)  # noqa: S603  (configured tool)
    if done.returncode != 0:
        raise BackupError(f"pg_restore failed, nothing was restored (the database is left without tables; "
                          f"`flask --app wsgi db upgrade` makes it an empty installation again): {done.stderr.strip()}")
    engine = create_engine(database_url)  # pg_restore brings rows and indexes, but no statistics
    try:
        gather_statistics(engine)
    finally:
        engine.dispose()
