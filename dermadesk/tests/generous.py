"""Fair-use limits raised out of the way, for property tests that hold many times over.

The limits themselves are tested in ``limits`` and ``booking/tests/test_fair_use.py``; here
hundreds of generated examples share one client address and one clock window.
"""

from django.test.utils import override_settings

generous_limits = override_settings(
    BOOKING_HOLD_RATE_LIMIT="100000/h",
    WAITLIST_RATE_LIMIT="100000/h",
    API_RATE_LIMIT="100000/h",
    BOOKING_HOLDS_PER_CLIENT=100000,
    WAITLIST_ENTRIES_PER_CLIENT=100000,
)
