"""Gap-free document numbers on both engines: a failed document gives its number back, two
terminals never get the same number."""

from __future__ import annotations

import threading

import pytest

from partsdesk.models import DocumentCounter, database, transaction
from partsdesk.services import numbering


def test_numbers_count_up_per_series_from_one(db):
    with transaction():
        assert [numbering.take_number("invoice") for _ in range(3)] == ["INV-000001", "INV-000002", "INV-000003"]
        assert numbering.take_number("credit_note") == "CN-000001"
    with transaction():
        assert numbering.take_number("invoice") == "INV-000004"


def test_a_document_that_fails_gives_its_number_back(db):
    with transaction():
        numbering.take_number("invoice")
    with pytest.raises(RuntimeError, match="printer on fire"), transaction():
        assert numbering.take_number("invoice") == "INV-000002"
        raise RuntimeError("printer on fire")  # the sale failed after taking its number
    with transaction():
        assert numbering.take_number("invoice") == "INV-000002"  # no gap


def test_a_number_is_taken_only_inside_the_documents_transaction(db):
    with pytest.raises(RuntimeError, match="inside the transaction"):
        numbering.take_number("invoice")
    with pytest.raises(ValueError, match="unknown document series"), transaction():
        numbering.take_number("lottery")
    assert DocumentCounter.select().count() == 0


def test_two_terminals_taking_numbers_at_once_never_share_one(db):
    taken: list[str] = []
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def terminal() -> None:  # each thread has its own connection, like a second PC
        try:
            start.wait()
            for _ in range(15):
                with transaction():
                    taken.append(numbering.take_number("receipt"))
        except BaseException as error:  # reported by the assertion below
            errors.append(error)
        finally:
            database.obj.close()  # this thread's own connection

    threads = [threading.Thread(target=terminal) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(taken) == [f"RC-{n:06d}" for n in range(1, 31)]
