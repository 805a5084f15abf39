"""Locations of the clinic and when each is open."""

from zoneinfo import ZoneInfo, available_timezones

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q

from dermadesk.clinic.hours import WEEKDAY_NAMES


def validate_time_zone(value: str) -> None:
    if value not in available_timezones():
        raise ValidationError(
            "%(value)s is not a known time zone; use a name such as Europe/London.",
            params={"value": value},
        )


class Weekday(models.IntegerChoices):
    MONDAY = 0, WEEKDAY_NAMES[0]
    TUESDAY = 1, WEEKDAY_NAMES[1]
    WEDNESDAY = 2, WEEKDAY_NAMES[2]
    THURSDAY = 3, WEEKDAY_NAMES[3]
    FRIDAY = 4, WEEKDAY_NAMES[4]
    SATURDAY = 5, WEEKDAY_NAMES[5]
    SUNDAY = 6, WEEKDAY_NAMES[6]


class Location(models.Model):
    name = models.CharField(max_length=120)
    slug = models.SlugField(unique=True)
    street_address = models.CharField(max_length=200)
    locality = models.CharField("town or city", max_length=100)
    region = models.CharField("state or region", max_length=100, blank=True)
    postal_code = models.CharField(max_length=20, blank=True)
    country = models.CharField(max_length=2, help_text="Two-letter country code, e.g. US.")
    phone = models.CharField(max_length=32, help_text="As patients should dial it.")
    email = models.EmailField()
    time_zone = models.CharField(
        max_length=64,
        validators=[validate_time_zone],
        help_text="The zone the clinic's clocks follow, e.g. America/New_York.",
    )
    map_url = models.URLField("map link", blank=True)
    is_demo = models.BooleanField(
        default=False, help_text="Invented details: the site says so next to them."
    )
    display_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ("display_order", "name")

    def __str__(self) -> str:
        return self.name

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    @property
    def address_lines(self) -> list[str]:
        city = ", ".join(part for part in (self.locality, self.region) if part)
        if self.postal_code:
            city = f"{city} {self.postal_code}"
        return [self.street_address, city]


class SpanFields(models.Model):
    opens = models.TimeField()
    closes = models.TimeField()

    class Meta:
        abstract = True

    def clean(self) -> None:
        super().clean()
        if self.opens is not None and self.closes is not None and self.closes <= self.opens:
            raise ValidationError({"closes": "Closing time must be after opening time."})


class OfficeHours(SpanFields):
    """One opening span on one weekday; a weekday may have several (e.g. a lunch break)."""

    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="office_hours")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)

    class Meta:
        ordering = ("location", "weekday", "opens")
        verbose_name_plural = "office hours"
        constraints = [
            models.CheckConstraint(
                condition=Q(closes__gt=F("opens")), name="office_hours_close_after_open"
            ),
            models.CheckConstraint(
                condition=Q(weekday__gte=0, weekday__lte=6), name="office_hours_weekday_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{Weekday(self.weekday).label} {self.opens:%H:%M}–{self.closes:%H:%M}"


class SpecialHours(SpanFields):
    """Hours for one date that replace the weekly hours (e.g. a short day before a holiday)."""

    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="special_hours")
    date = models.DateField()
    reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ("location", "date", "opens")
        verbose_name_plural = "special hours"
        constraints = [
            models.CheckConstraint(
                condition=Q(closes__gt=F("opens")), name="special_hours_close_after_open"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.opens:%H:%M}–{self.closes:%H:%M}"


class Closure(models.Model):
    """Whole days the location is closed (holidays, training days), both ends included."""

    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="closures")
    first_day = models.DateField()
    last_day = models.DateField()
    reason = models.CharField(max_length=200)

    class Meta:
        ordering = ("location", "first_day")
        constraints = [
            models.CheckConstraint(
                condition=Q(last_day__gte=F("first_day")), name="closure_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        if self.first_day == self.last_day:
            return f"{self.first_day:%Y-%m-%d}: {self.reason}"
        return f"{self.first_day:%Y-%m-%d} – {self.last_day:%Y-%m-%d}: {self.reason}"

    def clean(self) -> None:
        super().clean()
        if self.first_day and self.last_day and self.last_day < self.first_day:
            raise ValidationError({"last_day": "The last day cannot be before the first day."})
