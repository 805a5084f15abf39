"""Contact messages in the admin, for set-up and the odd correction. The staff answer them in
the back office's inbox (``/staff/inbox/``), which sends replies through the outbox; here
only internal notes can be added, so a "reply" in the history is always one that was sent."""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.forms import BaseInlineFormSet, ModelForm
from django.http import HttpRequest

from dermadesk.audit.reads import AuditedAdmin
from dermadesk.contact.models import ContactMessage, ContactNote, ContactStatus


class ContactNoteInline(admin.StackedInline):  # type: ignore[type-arg]
    model = ContactNote
    extra = 1
    fields = ("kind", "text", "author", "created_at")
    readonly_fields = ("kind", "author", "created_at")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # The history is kept as written: add to it, never rewrite it.

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ContactMessage)
class ContactMessageAdmin(AuditedAdmin):
    audit_what = "contact message"

    list_display = ("created_at", "name", "email", "topic", "status", "assignee")
    list_filter = ("status", "topic", "assignee")
    list_select_related = ("assignee",)
    search_fields = ("name", "email", "message")
    date_hierarchy = "created_at"
    fields = ("name", "email", "phone", "topic", "message", "created_at", "status", "assignee")
    readonly_fields = ("name", "email", "phone", "topic", "message", "created_at")
    inlines = (ContactNoteInline,)
    actions = ("mark_in_progress", "mark_answered", "mark_spam")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # Messages come from the public form only.

    def save_formset(
        self, request: HttpRequest, form: ModelForm[Any], formset: BaseInlineFormSet[Any, Any, Any],
        change: bool,
    ) -> None:  # fmt: skip
        for note in formset.save(commit=False):
            if isinstance(note, ContactNote) and note.author_id is None:
                note.author = request.user  # type: ignore[assignment]
            note.save()
        formset.save_m2m()

    def _mark(self, request: HttpRequest, queryset: QuerySet[ContactMessage], status: str) -> None:
        updated = queryset.update(status=status)
        self.message_user(request, f"{updated} message(s) marked “{ContactStatus(status).label}”.")

    @admin.action(description="Mark as in progress")
    def mark_in_progress(self, request: HttpRequest, queryset: QuerySet[ContactMessage]) -> None:
        self._mark(request, queryset, ContactStatus.IN_PROGRESS)

    @admin.action(description="Mark as answered")
    def mark_answered(self, request: HttpRequest, queryset: QuerySet[ContactMessage]) -> None:
        self._mark(request, queryset, ContactStatus.ANSWERED)

    @admin.action(description="Mark as spam")
    def mark_spam(self, request: HttpRequest, queryset: QuerySet[ContactMessage]) -> None:
        self._mark(request, queryset, ContactStatus.SPAM)
