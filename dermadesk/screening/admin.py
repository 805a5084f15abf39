"""Admin: questionnaire versions, and screening answers for staff allowed to see them.

Screening answers are health information: the response pages need the
``screening.view_screeningresponse`` permission (Django hides them from everyone else,
front desk included), and a clinician's review needs ``screening.add_screeningoverride``.
"""

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.forms import BaseInlineFormSet, ModelForm
from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from dermadesk.audit.reads import AuditedAdmin
from dermadesk.patients.admin import PatientAdmin, ReadOnlyInline
from dermadesk.patients.models import Patient
from dermadesk.screening.models import (
    Question,
    Questionnaire,
    Rule,
    ScreeningOutcome,
    ScreeningOverride,
    ScreeningResponse,
)
from dermadesk.screening.services import (
    OVERRIDE_PERMISSION,
    QuestionnaireInvalid,
    questionnaire_problems,
    questionnaire_publish,
    screening_override,
)


class QuestionInline(admin.StackedInline):  # type: ignore[type-arg]
    model = Question
    extra = 0
    fields = (("key", "answer_type", "required", "order"), "text", "help_text", "choices")


class RuleInline(admin.StackedInline):  # type: ignore[type-arg]
    model = Rule
    extra = 0
    fields = (
        ("key", "outcome", "order"),
        "condition",
        ("window_answer", "window_length", "window_unit"),
        "reason",
        "clinician_note",
        "services",
    )


@admin.register(Questionnaire)
class QuestionnaireAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Editing a version that is published or answered saves a new draft version instead;
    the old one stays as it was, for the answers given to it."""

    list_display = ("version", "title", "published", "created_at")
    readonly_fields = ("version", "published", "based_on", "created_at", "problems")
    fields = ("title", "introduction", *readonly_fields)
    inlines = (QuestionInline, RuleInline)
    actions = ("publish",)

    @admin.display(description="Before publishing")
    def problems(self, obj: Questionnaire) -> str:
        if obj.pk is None:
            return "-"
        found = questionnaire_problems(obj)
        if not found:
            return "Nothing to fix: this version can be published."
        return format_html(
            "<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((p,) for p in found))
        )

    def has_delete_permission(self, request: HttpRequest, obj: Questionnaire | None = None) -> bool:
        if obj is not None and obj.is_locked:
            return False  # Answers point to it; it is history now.
        return super().has_delete_permission(request, obj)

    def save_model(
        self, request: HttpRequest, obj: Questionnaire, form: ModelForm[Questionnaire], change: bool
    ) -> None:
        if change and obj.is_locked:
            old = obj.pk
            obj.pk = None
            obj._state.adding = True
            obj.version = None  # type: ignore[assignment]  # the next one, on save
            obj.published = False
            obj.based_on_id = old
            obj._copied_from = old  # type: ignore[attr-defined]
        super().save_model(request, obj, form, change)

    def save_formset(
        self, request: HttpRequest, form: ModelForm[Questionnaire], formset: Any, change: bool
    ) -> None:
        if getattr(form.instance, "_copied_from", None) is None:
            super().save_formset(request, form, formset, change)
            return
        # A new version: every row the form shows (edited or not, minus those marked for
        # deletion) is copied to it; the old version's rows are left untouched.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for inline_form in formset.forms:
            if inline_form in formset.deleted_forms:
                continue
            if inline_form.instance.pk is None and not inline_form.has_changed():
                continue
            item = inline_form.save(commit=False)
            item.pk = None
            item._state.adding = True
            item.questionnaire = form.instance
            item.save()
            inline_form.save_m2m()
            formset.new_objects.append(item)

    def save_related(
        self, request: HttpRequest, form: ModelForm[Questionnaire], formsets: Any, change: bool
    ) -> None:
        super().save_related(request, form, formsets, change)
        old = getattr(form.instance, "_copied_from", None)
        if old is not None:
            self.message_user(
                request,
                f"Version {Questionnaire.objects.get(pk=old).version} is published or has "
                f"been answered, so your changes were saved as a new draft, version "
                f"{form.instance.version}. Publish it from the list when it is ready.",
                messages.WARNING,
            )

    @admin.action(description="Publish the selected version (patients are asked it from now)")
    def publish(self, request: HttpRequest, queryset: QuerySet[Questionnaire]) -> None:
        if queryset.count() != 1:
            self.message_user(request, "Select exactly one version to publish.", messages.ERROR)
            return
        try:
            published = questionnaire_publish(questionnaire=queryset.get())
        except QuestionnaireInvalid as error:
            self.message_user(request, str(error), messages.ERROR)
            return
        self.message_user(request, f"Version {published.version} is published.", messages.SUCCESS)


class OverrideFormSet(BaseInlineFormSet):  # type: ignore[type-arg]
    def save(self, commit: bool = True) -> list[ScreeningOverride]:
        raise NotImplementedError("Reviews are saved through screening_override().")


class ScreeningOverrideInline(admin.TabularInline):  # type: ignore[type-arg]
    model = ScreeningOverride
    formset = OverrideFormSet
    fields = ("outcome", "reason", "user", "created_at")
    readonly_fields = ("user", "created_at")
    verbose_name = "clinician's review"
    verbose_name_plural = "clinician's reviews (the latest one counts)"

    def get_extra(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> int:
        return 1 if request.user.has_perm(OVERRIDE_PERMISSION) else 0

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm(OVERRIDE_PERMISSION)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ScreeningResponse)
class ScreeningResponseAdmin(AuditedAdmin):
    """Read-only answers; clinicians with permission add a review below them."""

    audit_what = "screening"

    list_display = (
        "created_at",
        "patient",
        "service",
        "outcome_now",
        "treatment_date",
        "valid_until",
    )
    list_filter = ("outcome", "service")
    search_fields = ("patient__given_name", "patient__family_name", "patient__email")
    list_select_related = ("patient", "service")
    date_hierarchy = "created_at"
    fields = readonly_fields = (
        "patient",
        "service",
        "treatment_date",
        "outcome",
        "outcome_now",
        "patient_reasons",
        "notes_for_clinician",
        "earliest_ok_date",
        "answers_given",
        "questionnaire",
        "created_at",
        "valid_until",
    )
    inlines = (ScreeningOverrideInline,)

    def get_queryset(self, request: HttpRequest) -> QuerySet[ScreeningResponse]:
        return super().get_queryset(request).prefetch_related("overrides")

    @admin.display(description="Outcome that counts")
    def outcome_now(self, obj: ScreeningResponse) -> str:
        return ScreeningOutcome(obj.effective_outcome.value).label

    @admin.display(description="Reasons shown to the patient")
    def patient_reasons(self, obj: ScreeningResponse) -> str:
        return _html_list(obj.reasons)

    @admin.display(description="Notes for the clinician")
    def notes_for_clinician(self, obj: ScreeningResponse) -> str:
        return _html_list(obj.clinician_notes)

    @admin.display(description="Answers")
    def answers_given(self, obj: ScreeningResponse) -> str:
        questions = {q.key: q for q in obj.questionnaire.questions.all()}
        rows = []
        for key, value in obj.answers.items():
            question = questions.get(key)
            labels = dict(question.choice_pairs) if question else {}
            shown = {True: "Yes", False: "No"}.get(value, labels.get(value, value))
            rows.append((question.text if question else key, shown))
        return format_html("<dl>{}</dl>", format_html_join("", "<dt>{}</dt><dd>{}</dd>", rows))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # Answers come only from the patient, through screening_submit().

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Nothing of the answers can change; "change" here is adding a clinician's review.
        return super().has_view_permission(request, obj) and request.user.has_perm(
            OVERRIDE_PERMISSION
        )

    def save_model(
        self,
        request: HttpRequest,
        obj: ScreeningResponse,
        form: ModelForm[ScreeningResponse],
        change: bool,
    ) -> None:
        pass  # Every field is read-only.

    def save_formset(
        self, request: HttpRequest, form: ModelForm[ScreeningResponse], formset: Any, change: bool
    ) -> None:
        user = request.user
        if not isinstance(user, User):  # the admin lets only signed-in staff this far
            raise PermissionDenied
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for inline_form in formset.extra_forms:
            if not inline_form.has_changed():
                continue
            formset.new_objects.append(
                screening_override(
                    response=form.instance,
                    user=user,
                    outcome=inline_form.cleaned_data["outcome"],
                    reason=inline_form.cleaned_data["reason"],
                    now=timezone.now(),
                )
            )


def _html_list(items: list[str]) -> str:
    if not items:
        return "-"
    return format_html("<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((i,) for i in items)))


class PatientScreeningInline(ReadOnlyInline):
    """A patient's screenings on the patient's page. Like any inline, it shows only to staff
    with the view permission of screening responses: front desk does not see it."""

    model = ScreeningResponse
    fields = readonly_fields = ("created_at", "service", "treatment_date", "outcome", "valid_until")


# The patient's page, with the screenings added (patients know nothing of screening).
admin.site.unregister(Patient)


@admin.register(Patient)
class PatientWithScreeningsAdmin(PatientAdmin):
    inlines = (PatientScreeningInline, *PatientAdmin.inlines)
