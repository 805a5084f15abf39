"""Pages loaded by an earlier `manage.py demo` get the booking links that new ones are given.

Only what the demo wrote is changed: a page whose booking link was chosen, or whose words
staff changed, is left as it is. A fresh database has no pages yet (the demo loads them
after migrating), so this does nothing there.
"""

from django.db import migrations

# Demo page slug -> the service its booking link goes to (as in website/content/pages.toml).
DEMO_BOOKING_LINKS = {
    "micro-needling": "micro-needling",
    "micro-needling-with-prp": "micro-needling-prp",
    "contact": "consultation",
}
# The risks page promised the health questions "soon"; they are now part of booking.
OLD_RISKS_PARAGRAPH = (
    "A short online questionnaire, coming soon with online booking, will help check whether "
    "micro-needling suits you. You can always book a consultation to talk it over with a "
    "provider instead."
)
NEW_RISKS_PARAGRAPH = (
    "The health questions are part of booking online, so you find out before anything is "
    "booked. If you would rather talk it over first, a provider can answer your questions in a "
    "[consultation](/book/consultation/)."
)


def link_demo_pages(apps, schema_editor):
    Page = apps.get_model("website", "Page")
    Service = apps.get_model("scheduling", "Service")
    for page_slug, service_slug in DEMO_BOOKING_LINKS.items():
        service = Service.objects.filter(slug=service_slug).first()
        if service is not None:
            Page.objects.filter(slug=page_slug, book_service=None).update(book_service=service)
    for page in Page.objects.filter(slug="risks-and-candidacy", body__contains=OLD_RISKS_PARAGRAPH):
        page.body = page.body.replace(OLD_RISKS_PARAGRAPH, NEW_RISKS_PARAGRAPH)
        page.save(update_fields=["body", "updated_at"])


class Migration(migrations.Migration):

    dependencies = [
        ("scheduling", "0006_series"),
        ("website", "0002_page_book_service"),
    ]

    operations = [
        migrations.RunPython(link_demo_pages, migrations.RunPython.noop),
    ]
