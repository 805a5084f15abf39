"""schema.org JSON-LD for search engines, built from the same data the pages show."""

from typing import Any

from dermadesk.clinic.hours import WEEKDAY_NAMES, Span
from dermadesk.clinic.models import Location
from dermadesk.website.models import Page


def medical_clinic(
    location: Location, weekly: dict[int, tuple[Span, ...]], name: str, url: str
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "MedicalClinic",
        "name": name,
        "url": url,
        "telephone": location.phone,
        "email": location.email,
        "address": {
            "@type": "PostalAddress",
            "streetAddress": location.street_address,
            "addressLocality": location.locality,
            "addressRegion": location.region,
            "postalCode": location.postal_code,
            "addressCountry": location.country,
        },
        "openingHoursSpecification": [
            {
                "@type": "OpeningHoursSpecification",
                "dayOfWeek": f"https://schema.org/{WEEKDAY_NAMES[day]}",
                "opens": f"{span.opens:%H:%M}",
                "closes": f"{span.closes:%H:%M}",
            }
            for day in sorted(weekly)
            for span in weekly[day]
        ],
    }
    if location.map_url:
        data["hasMap"] = location.map_url
    return data


def medical_procedure(page: Page, url: str) -> dict[str, Any]:
    return {
        "@context": "https://schema.org",
        "@type": "MedicalProcedure",
        "name": page.title,
        "description": page.seo_description,
        "url": url,
        "procedureType": "https://schema.org/PercutaneousProcedure",
        "bodyLocation": "Skin",
    }
