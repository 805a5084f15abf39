"""Alerts: one open alert per subject, resolved once, by someone, at a time."""

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import User
from django.db import transaction

from dermadesk.alerts.models import Alert, AlertKind
from dermadesk.alerts.queries import open_alerts, recently_resolved
from dermadesk.alerts.services import AlertNotFound, alert_raise, alert_resolve

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 25, 20, 0, tzinfo=UTC)


def raise_late(about: str = "booking:1:0", now: datetime = NOW) -> Alert:
    return alert_raise(
        kind=AlertKind.LATE_CHANGE, about=about, what="Ada would like to move.", link="/x/", now=now
    )


def test_telling_the_same_thing_twice_keeps_one_open_alert() -> None:
    first = raise_late()
    again = raise_late(now=NOW + timedelta(minutes=5))
    assert again.pk == first.pk
    assert Alert.objects.count() == 1


def test_after_it_is_resolved_the_same_subject_may_raise_a_new_alert() -> None:
    desk = User.objects.create_user("desk")
    first = raise_late()
    alert_resolve(alert_id=first.pk, by=desk, now=NOW)
    second = raise_late(now=NOW + timedelta(hours=1))
    assert second.pk != first.pk
    assert list(open_alerts()) == [second]


def test_resolving_records_who_and_when_and_a_second_press_changes_nothing() -> None:
    desk, other = User.objects.create_user("desk"), User.objects.create_user("other")
    alert = raise_late()
    resolved, changed = alert_resolve(alert_id=alert.pk, by=desk, now=NOW)
    assert changed and resolved.resolved_by == desk and resolved.resolved_at == NOW
    again, changed = alert_resolve(alert_id=alert.pk, by=other, now=NOW + timedelta(minutes=1))
    assert not changed
    assert (again.resolved_by, again.resolved_at) == (desk, NOW)
    assert list(recently_resolved()) == [alert]


def test_resolving_an_alert_that_does_not_exist_says_so() -> None:
    with pytest.raises(AlertNotFound):
        alert_resolve(alert_id=404, by=User.objects.create_user("desk"), now=NOW)


def test_open_alerts_are_listed_newest_first() -> None:
    older = raise_late("booking:1:0", NOW)
    newer = raise_late("booking:2:0", NOW + timedelta(minutes=1))
    assert list(open_alerts()) == [newer, older]


def test_an_alert_belongs_to_its_producers_transaction() -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        raise_late()
        raise RuntimeError("the producer's change failed")
    assert not Alert.objects.exists()


def test_a_link_must_be_a_page_of_this_site() -> None:
    with pytest.raises(ValueError, match="path"):
        alert_raise(kind=AlertKind.LATE_CHANGE, about="booking:1:0", what="x",
                    link="https://elsewhere.example/")  # fmt: skip
