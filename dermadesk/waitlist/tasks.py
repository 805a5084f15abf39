"""Background work of the waitlist, run by ``manage.py db_worker``."""

from django.tasks import task
from django.utils import timezone

from dermadesk.clinic.models import Location


@task()
def offer_freed_times(location_id: int) -> int:
    """Offer the location's free times to its waitlist; how many offers were made."""
    from dermadesk.waitlist.services import waitlist_offer

    location = Location.objects.filter(pk=location_id).first()
    if location is None:
        return 0
    return waitlist_offer(location=location, now=timezone.now())
