"""Checking exports against the FHIR models of ``fhir.resources`` (its R4B package: the
package has no R4 of its own since 7.0; see docs/decisions.md) and R4's value sets."""

from collections.abc import Iterator, Mapping
from typing import Any

from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle

# R4's required value sets for the coded elements the export fills (hl7.org/fhir/R4).
APPOINTMENT_STATUS = {
    "proposed", "pending", "booked", "arrived", "fulfilled", "cancelled", "noshow",
    "entered-in-error", "checked-in", "waitlist",
}  # fmt: skip
PARTICIPATION_STATUS = {"accepted", "declined", "tentative", "needs-action"}
CONSENT_STATE = {"draft", "proposed", "active", "rejected", "inactive", "entered-in-error"}
CONSENT_SCOPE = {"adr", "research", "patient-privacy", "treatment"}
PUBLICATION_STATUS = {"draft", "active", "retired", "unknown"}
RESPONSE_STATUS = {"in-progress", "completed", "amended", "entered-in-error", "stopped"}
ITEM_TYPES = {
    "group", "display", "boolean", "decimal", "integer", "date", "dateTime", "time", "string",
    "text", "url", "choice", "open-choice", "attachment", "reference", "quantity",
}  # fmt: skip


def parsed(bundle: Mapping[str, Any]) -> list[Any]:
    """Every resource of ``bundle`` parsed by its own model (the Bundle too, whole);
    pydantic raises on any element that is unknown, misspelt or of the wrong type."""
    Bundle.model_validate(bundle)
    return [
        get_fhir_model_class(entry["resource"]["resourceType"]).model_validate(entry["resource"])
        for entry in bundle["entry"]
    ]


def resources(bundle: Mapping[str, Any], resource_type: str) -> list[dict[str, Any]]:
    return [
        entry["resource"]
        for entry in bundle["entry"]
        if entry["resource"]["resourceType"] == resource_type
    ]


def references(value: object) -> Iterator[str]:
    """Every ``reference`` anywhere inside ``value``."""
    if isinstance(value, dict):
        for key, inner in value.items():
            if key == "reference" and isinstance(inner, str):
                yield inner
            else:
                yield from references(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from references(inner)
