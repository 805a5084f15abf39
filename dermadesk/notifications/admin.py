"""The outbox and the message templates in the admin.

The outbox is read-only (messages change only through the services); staff can try a
failed message again or cancel one still waiting. Templates can be edited, previewed with
sample details and sent as a test to the signed-in user's email address.
"""

from typing import Any, cast

from django.apps import apps
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.csp import CSP
from django.utils.html import format_html
from django.views.decorators.csp import csp_override

from dermadesk.audit.reads import AuditedAdmin
from dermadesk.notifications.defaults import SAMPLE_CLINIC, default_messages
from dermadesk.notifications.models import MessageTemplate, OutboundMessage
from dermadesk.notifications.queries import outbox_counts
from dermadesk.notifications.rendering import (
    ClinicDetails,
    RenderedMessage,
    TemplateProblem,
    render_message,
)
from dermadesk.notifications.services import (
    message_cancel,
    message_retry,
    template_send_test,
)

# The HTML preview is an email, not a page of the site: its styles are inline.
EMAIL_PREVIEW_CSP: dict[str, list[str]] = {
    "default-src": [CSP.NONE],
    "style-src": [CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
}


def preview_clinic() -> ClinicDetails:
    """The first clinic location, for previews and tests; sample details when there is none."""
    model = apps.get_model(settings.NOTIFICATIONS_CLINIC_MODEL)
    clinic = model._default_manager.first()
    return cast(ClinicDetails, clinic) if clinic is not None else SAMPLE_CLINIC


@admin.register(OutboundMessage)
class OutboundMessageAdmin(AuditedAdmin):
    audit_what = "message"

    list_display = (
        "created_at",
        "template_key",
        "recipient",
        "channel",
        "status",
        "attempts",
        "due_at",
        "sent_at",
        "last_error",
    )
    list_filter = ("status", "channel", "template_key")
    search_fields = ("recipient", "idempotency_key")
    date_hierarchy = "created_at"
    actions = ("try_again", "cancel")
    change_list_template = "admin/notifications/outboundmessage/change_list.html"
    # The words as staff may see them: secrets (a manage link's key, a sign-in code) hidden.
    fields = (
        "channel", "recipient", "reply_to", "template_key", "subject", "words", "html_words",
        "status", "attempts", "last_error", "idempotency_key", "due_at", "expires_at",
        "claimed_at", "sent_at", "created_at",
    )  # fmt: skip
    readonly_fields = fields

    @admin.display(description="plain-text body")
    def words(self, message: OutboundMessage) -> str:
        return message.hide_private(message.text_body)

    @admin.display(description="HTML body (as source)")
    def html_words(self, message: OutboundMessage) -> str:
        return message.hide_private(message.html_body)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        context = {"outbox_counts": outbox_counts(now=timezone.now()), **(extra_context or {})}
        return super().changelist_view(request, extra_context=context)

    @admin.action(
        description="Try the selected failed or cancelled messages again now",
        permissions=["resend"],
    )
    def try_again(self, request: HttpRequest, queryset: QuerySet[OutboundMessage]) -> None:
        retried = sum(message_retry(message_id=pk) for pk in queryset.values_list("pk", flat=True))
        self.message_user(request, f"{retried} message(s) will be sent again shortly.")

    @admin.action(
        description="Cancel the selected messages that are still waiting",
        permissions=["resend"],
    )
    def cancel(self, request: HttpRequest, queryset: QuerySet[OutboundMessage]) -> None:
        cancelled = sum(
            message_cancel(message_id=pk) for pk in queryset.values_list("pk", flat=True)
        )
        self.message_user(request, f"{cancelled} message(s) cancelled.")

    def has_resend_permission(self, request: HttpRequest) -> bool:
        # The rows themselves are read-only; acting on them needs the model's change right.
        return request.user.has_perm("notifications.change_outboundmessage")


@admin.register(MessageTemplate)
class MessageTemplateAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("__str__", "subject", "updated_at")
    fields = ("key", "variables", "subject", "text_body", "html_body", "sms_body", "preview")
    readonly_fields = ("variables", "preview")
    actions = ("send_test",)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        if obj is not None:
            return ("key", *self.readonly_fields)
        return self.readonly_fields

    @admin.display(description="Details you can use")
    def variables(self, obj: MessageTemplate) -> str:
        default = default_messages().get(obj.key) if obj.pk else None
        described = default.context if default else "none"
        return format_html(
            "{}. Also <code>clinic.name</code>, <code>clinic.phone</code>, "
            "<code>clinic.address</code>; times with <code>|visit_date</code> and "
            "<code>|visit_time</code> (in the clinic's time zone). The clinic's name, "
            "address and phone are added below every message.",
            described,
        )

    @admin.display(description="Preview")
    def preview(self, obj: MessageTemplate) -> str:
        if not obj.pk:
            return "Save the template first."
        url = reverse("admin:notifications_messagetemplate_preview", args=[obj.pk])
        return format_html('<a href="{}">Preview with sample details</a>', url)

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view
        return [
            path(
                "<int:pk>/preview/",
                view(self.preview_view),
                name="notifications_messagetemplate_preview",
            ),
            path(
                "<int:pk>/preview/html/",
                view(csp_override(EMAIL_PREVIEW_CSP)(self.preview_html_view)),
                name="notifications_messagetemplate_preview_html",
            ),
            *super().get_urls(),
        ]

    def _rendered(self, request: HttpRequest, pk: int) -> tuple[MessageTemplate, RenderedMessage]:
        template = get_object_or_404(MessageTemplate, pk=pk)
        if not self.has_view_permission(request, template):
            raise PermissionDenied
        default = default_messages().get(template.key)
        sample = default.sample if default else {}
        return template, render_message(template.texts(), sample, preview_clinic())

    def preview_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        template = get_object_or_404(MessageTemplate, pk=pk)
        context: dict[str, Any] = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": template,
            "title": f"Preview: {template}",
        }
        try:
            _, context["rendered"] = self._rendered(request, pk)
        except TemplateProblem as problem:
            context["problem"] = problem
        return TemplateResponse(
            request, "admin/notifications/messagetemplate/preview.html", context
        )

    def preview_html_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        try:
            _, rendered = self._rendered(request, pk)
        except TemplateProblem as problem:
            return HttpResponse(str(problem), status=400, content_type="text/plain")
        if not rendered.html:
            return HttpResponse(
                "This template has no HTML version.", status=404, content_type="text/plain"
            )
        return HttpResponse(rendered.html)

    @admin.action(description="Send a test of the selected templates to my email address")
    def send_test(self, request: HttpRequest, queryset: QuerySet[MessageTemplate]) -> None:
        email = getattr(request.user, "email", "")
        if not email:
            self.message_user(
                request,
                "Your user has no email address. Add one to your user first.",
                level=messages.ERROR,
            )
            return
        clinic = preview_clinic()
        for template in queryset:
            try:
                template_send_test(
                    texts=template.texts(), template=template.key, to=email, location=clinic
                )
            except TemplateProblem as problem:
                self.message_user(request, f"{template}: {problem}", level=messages.ERROR)
            else:
                self.message_user(request, f"A test of “{template}” is on its way to {email}.")
