"""The roles' grants, as the policy reads them (pure)."""

from hypothesis import given
from hypothesis import strategies as st

from dermadesk.staff.roles import GRANTS, PER_PATIENT, Action, Role, every_patient, granted


def test_front_desk_never_sees_health_data() -> None:
    assert not granted([Role.FRONT_DESK], Action.PATIENT_HEALTH)
    assert not granted([Role.FRONT_DESK], Action.SCREENING_REVIEW)


def test_clinicians_see_health_data_of_their_own_patients_only() -> None:
    assert granted([Role.CLINICIAN], Action.PATIENT_HEALTH)
    assert not every_patient([Role.CLINICIAN], Action.PATIENT_HEALTH)


def test_managers_read_reports_and_the_audit_trail_others_do_not() -> None:
    for action in (Action.REPORTS, Action.AUDIT_TRAIL):
        assert granted([Role.MANAGER], action)
        assert not granted([Role.FRONT_DESK, Role.CLINICIAN], action)


def test_clinicians_do_not_book_or_answer_the_inbox() -> None:
    assert not granted([Role.CLINICIAN], Action.VISIT_BOOK)
    assert not granted([Role.CLINICIAN], Action.INBOX)


def test_no_role_no_action() -> None:
    assert not any(granted([], action) for action in Action)


@given(st.sets(st.sampled_from(Role)), st.sampled_from(Action))
def test_roles_add_up(roles: set[Role], action: Action) -> None:
    """Holding more roles never takes an action away, and grants exactly the union."""
    assert granted(roles, action) == any(action in GRANTS[role] for role in roles)
    if every_patient(roles, action):
        assert granted(roles, action)
    if action not in PER_PATIENT:
        assert every_patient(roles, action) == granted(roles, action)
