"""Pages of the public site, written by staff in Markdown."""

from django.db import models
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from dermadesk.scheduling.models import Service
from dermadesk.website.markup import render_markdown


class PageKind(models.TextChoices):
    HOME = "home", "Home page"
    TREATMENT = "treatment", "Treatment"
    RISKS = "risks", "Risks and candidacy"
    OFFICE = "office", "Office information (adds address, map and hours)"
    CONTACT = "contact", "Contact (adds the contact details and form)"
    RESOURCES = "resources", "Resources"
    STANDARD = "standard", "Standard page"


class Page(models.Model):
    slug = models.SlugField(
        unique=True, help_text='The address of the page: /slug/. The home page is "home".'
    )
    kind = models.CharField(max_length=20, choices=PageKind.choices, default=PageKind.STANDARD)
    title = models.CharField(max_length=120, help_text="The main heading of the page.")
    nav_title = models.CharField("menu label", max_length=40)
    seo_title = models.CharField(
        "title for search engines", max_length=70, help_text="Shown in browser tabs and results."
    )
    seo_description = models.CharField(
        "description for search engines", max_length=170, help_text="One or two sentences."
    )
    body = models.TextField(
        help_text="Markdown. Start headings at ## (the page title is the main heading). "
        "Raw HTML is removed."
    )
    book_service = models.ForeignKey(
        Service,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"active": True, "bookable_online": True},
        verbose_name="booking link",
        help_text="What this page invites the visitor to book: a treatment page its treatment, "
        "the contact page a consultation. Empty: the list of all treatments.",
    )
    display_order = models.PositiveSmallIntegerField(default=100)
    in_menu = models.BooleanField(default=True)
    published = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("display_order", "title")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        if self.slug == "home":
            return reverse("website:home")
        return reverse("website:page", kwargs={"slug": self.slug})

    @property
    def service_to_book(self) -> Service | None:
        """The service this page's booking link goes straight to, while it can be booked online."""
        service = self.book_service
        if service is None or not (service.active and service.bookable_online):
            return None
        return service

    @property
    def body_html(self) -> SafeString:
        return mark_safe(render_markdown(self.body))  # noqa: S308 -- sanitized by nh3
