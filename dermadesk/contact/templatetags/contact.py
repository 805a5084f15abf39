"""``{% contact_form %}``: the contact form, for the Contact page's template.

Shows the form as posted when the page is re-rendered after a problem (the view puts it in
the context as ``contact_form``), and a thank-you after a message was sent (``?sent=1``).
"""

from typing import Any

from django import template
from django.urls import reverse

from dermadesk.contact.forms import HONEYPOT, ContactForm

register = template.Library()


@register.inclusion_tag("contact/form.html", takes_context=True)
def contact_form(context: template.Context) -> dict[str, Any]:
    form = context.get("contact_form") or ContactForm()
    request = context.get("request")
    sent = bool(request is not None and request.GET.get("sent") == "1" and not form.is_bound)
    return {
        "form": form,
        "honeypot": form[HONEYPOT],
        "sent": sent,
        "action": reverse("contact:send"),
    }
