"""SQLite writers of one process queue on a lock, handed over when the connection is returned
(app.db.engine.OneWriterAtATime), and reads never wait for it."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from app.db.engine import make_engine


def test_writers_take_turns_and_readers_do_not_wait(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path}/w.db")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE t (n INTEGER)"))
    writing = engine.connect()
    writing.begin()
    writing.execute(text("INSERT INTO t VALUES (1)"))  # holds the file until returned

    with engine.connect() as reader:  # a read goes on beside the writer (WAL)
        assert reader.execute(text("SELECT count(*) FROM t")).scalar() == 0

    done = threading.Event()

    def second_writer() -> None:
        with engine.begin() as connection:
            # SQLite alone would refuse at once ("database is locked"): it is our lock that waits.
            connection.exec_driver_sql("PRAGMA busy_timeout=0")
            connection.execute(text("INSERT INTO t VALUES (2)"))
        done.set()

    thread = threading.Thread(target=second_writer)
    thread.start()
    assert not done.wait(0.2)  # queued behind the first writer, not failing
    writing.commit()
    writing.close()  # back to the pool: the lock is handed over
    thread.join(timeout=30)
    assert done.is_set()
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM t")).scalar() == 2
    engine.dispose()


def test_a_failed_write_releases_the_file(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path}/w.db")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE t (n INTEGER PRIMARY KEY)"))
        connection.execute(text("INSERT INTO t VALUES (1)"))
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(text("INSERT INTO t VALUES (1)"))  # duplicate key
    finished = threading.Event()

    def writer() -> None:
        with engine.begin() as connection:
            connection.execute(text("INSERT INTO t VALUES (2)"))
        finished.set()

    threading.Thread(target=writer).start()
    assert finished.wait(10)
    engine.dispose()
