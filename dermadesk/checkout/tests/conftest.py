"""The demo clinic of scheduling's tests (3 providers, 3 rooms, 2 pens, 1 centrifuge)."""

from dermadesk.scheduling.tests.conftest import clinic

__all__ = ["clinic"]
