"""Admin: patients (searchable by name and email), consent documents and signatures.

The screening app adds the patient's screenings to the patient's page (patients know
nothing of screening).
"""

from typing import Any, ClassVar

from django.contrib import admin, messages
from django.db.models import Count, Model, QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import urlencode

from dermadesk.audit.reads import AuditedAdmin
from dermadesk.patients.models import ConsentDocument, ConsentSignature, Patient
from dermadesk.patients.services import consent_document_publish


class ReadOnlyInline(admin.TabularInline):  # type: ignore[type-arg]
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ConsentSignatureInline(ReadOnlyInline):
    model = ConsentSignature
    fields = readonly_fields = ("document", "typed_name", "signed_at", "booking")


@admin.register(Patient)
class PatientAdmin(AuditedAdmin):
    audit_what = "record"

    def audit_patient_id(self, obj: Model) -> int | None:
        return int(obj.pk)

    list_display = ("family_name", "given_name", "email", "phone", "date_of_birth", "created_at")
    list_display_links = ("family_name", "given_name")
    search_fields = ("given_name", "family_name", "email")
    readonly_fields = ("created_at", "updated_at", "course_booking")
    inlines: ClassVar[tuple[type[ReadOnlyInline], ...]] = (ConsentSignatureInline,)

    @admin.display(description="Course of sessions")
    def course_booking(self, obj: Patient) -> str:
        if obj.pk is None:
            return "-"
        url = reverse("admin:scheduling_series_book") + "?" + urlencode({"patient": obj.pk})
        return format_html('<a href="{}">Book a course for this patient</a>', url)


@admin.register(ConsentDocument)
class ConsentDocumentAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Editing a version that is published or signed saves a new draft version instead;
    signatures keep the exact version that was signed."""

    list_display = ("title", "kind", "version", "required", "published_at", "signed")
    list_filter = ("kind", "required")
    readonly_fields = ("version", "published_at", "based_on", "created_at")
    filter_horizontal = ("services",)
    actions = ("publish",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[ConsentDocument]:
        documents: QuerySet[ConsentDocument] = super().get_queryset(request)
        return documents.annotate(signature_count=Count("signatures"))

    @admin.display(description="Signatures", ordering="signature_count")
    def signed(self, obj: ConsentDocument) -> int:
        return int(getattr(obj, "signature_count", 0))

    def has_delete_permission(
        self, request: HttpRequest, obj: ConsentDocument | None = None
    ) -> bool:
        if obj is not None and obj.is_locked:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(
        self,
        request: HttpRequest,
        obj: ConsentDocument,
        form: ModelForm[ConsentDocument],
        change: bool,
    ) -> None:
        if change and obj.is_locked:
            old = ConsentDocument.objects.get(pk=obj.pk)
            obj.pk = None
            obj._state.adding = True
            obj.version = None  # type: ignore[assignment]  # the next one, on save
            obj.published_at = None
            obj.based_on = old
            super().save_model(request, obj, form, change)
            self.message_user(
                request,
                f"Version {old.version} is published or signed, so your changes were saved "
                f"as a new draft, version {obj.version}. Publish it from the list when it is "
                "ready; patients will then be asked to sign the new version.",
                messages.WARNING,
            )
            return
        super().save_model(request, obj, form, change)

    @admin.action(description="Publish the selected versions now")
    def publish(self, request: HttpRequest, queryset: QuerySet[ConsentDocument]) -> None:
        now = timezone.now()
        for document in queryset.order_by("pk"):
            consent_document_publish(document=document, now=now)
        self.message_user(request, f"{queryset.count()} version(s) published.", messages.SUCCESS)


@admin.register(ConsentSignature)
class ConsentSignatureAdmin(AuditedAdmin):
    """Evidence: read only."""

    audit_what = "consent"

    list_display = ("signed_at", "patient", "document", "typed_name", "ip_address")
    list_filter = ("document__kind",)
    search_fields = ("patient__given_name", "patient__family_name", "patient__email")
    list_select_related = ("patient", "document")
    readonly_fields = (
        "patient",
        "document",
        "typed_name",
        "signed_at",
        "ip_address",
        "user_agent",
        "booking",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # Patients sign through consent_sign().

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
