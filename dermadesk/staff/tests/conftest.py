from dermadesk.scheduling.tests.conftest import clinic

__all__ = ["clinic"]
