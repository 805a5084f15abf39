"""Two bookings at once never make two records of one patient: real separate connections."""

import threading
from collections import Counter
from datetime import date

from django.db import connection

from dermadesk.patients.models import Patient
from dermadesk.patients.services import patient_find_or_create

THREADS = 12


def test_simultaneous_first_bookings_make_exactly_one_patient(transactional_db: None) -> None:
    barrier = threading.Barrier(THREADS)
    results: Counter[str] = Counter()
    lock = threading.Lock()

    def book(index: int) -> None:
        try:
            barrier.wait()
            patient, created = patient_find_or_create(
                given_name="Anna",
                family_name="Smith",
                # The same address, typed in different cases by different requests.
                email="anna.smith@example.com" if index % 2 else "ANNA.Smith@example.com",
                phone="(217) 555-0142",
                date_of_birth=date(1990, 4, 12),
            )
            outcome = f"patient {patient.pk} {'created' if created else 'found'}"
        except Exception as error:  # any other outcome fails the test below
            outcome = f"error {type(error).__name__}: {error}"
        finally:
            connection.close()
        with lock:
            results[outcome] += 1

    threads = [threading.Thread(target=book, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    patient = Patient.objects.get()
    assert results == {
        f"patient {patient.pk} created": 1,
        f"patient {patient.pk} found": THREADS - 1,
    }
