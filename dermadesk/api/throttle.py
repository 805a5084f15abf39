"""The API's rate limit: requests per client address (``API_RATE_LIMIT``)."""

from django.conf import settings
from django.http import HttpRequest
from ninja.throttling import AnonRateThrottle


class ClientThrottle(AnonRateThrottle):
    """Requests per client address, at the rate ``API_RATE_LIMIT`` says when asked."""

    def __init__(self) -> None:
        super().__init__(settings.API_RATE_LIMIT)

    def allow_request(self, request: HttpRequest) -> bool:
        self.rate = settings.API_RATE_LIMIT  # read each time, so a change takes effect
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)
