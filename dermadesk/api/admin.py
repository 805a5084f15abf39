"""API tokens in the back office: issue one (its secret shown once), see when each was
last used, revoke."""

from datetime import datetime
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from dermadesk.api.models import ApiToken
from dermadesk.api.services import api_token_create, api_token_revoke


class ApiTokenForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = ApiToken
        fields = ("user", "name", "expires_at")

    def clean_expires_at(self) -> datetime | None:
        expires_at: datetime | None = self.cleaned_data.get("expires_at")
        if self.instance.pk is None and expires_at is not None and expires_at <= timezone.now():
            raise forms.ValidationError("The expiry must lie in the future.")
        return expires_at


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    form = ApiTokenForm
    list_display = ("name", "prefix", "user", "created_at", "last_used_at", "expires_at",
                    "revoked")  # fmt: skip
    list_filter = ("revoked",)
    search_fields = ("name", "prefix", "user__username")
    list_select_related = ("user",)
    readonly_fields = ("prefix", "created_at", "last_used_at", "revoked")
    actions = ("revoke",)

    def get_fields(self, request: HttpRequest, obj: ApiToken | None = None) -> Any:
        if obj is None:
            return ["user", "name", "expires_at"]
        return ["user", "name", "prefix", "created_at", "last_used_at", "expires_at", "revoked"]

    def get_readonly_fields(self, request: HttpRequest, obj: ApiToken | None = None) -> Any:
        # Once issued, a token keeps its owner: a new owner gets a token of their own.
        return (*self.readonly_fields, "user") if obj is not None else ()

    def save_model(
        self, request: HttpRequest, obj: ApiToken, form: forms.ModelForm[ApiToken], change: bool
    ) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        issued = api_token_create(
            user=obj.user, name=obj.name, expires_at=obj.expires_at, now=timezone.now()
        )
        # The row was written by the service (with the digest); the admin goes on with it.
        obj.pk = issued.token.pk
        obj.refresh_from_db()
        messages.warning(
            request,
            f"The secret of “{obj.name}” is {issued.secret} — copy it now: it is shown only "
            "this once and cannot be found again. Send it as “Authorization: Bearer <secret>”.",
        )

    @admin.action(description="Revoke the selected tokens (they stop working at once)")
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        tokens = list(queryset.filter(revoked=False))
        for token in tokens:
            api_token_revoke(token=token)
        self.message_user(request, f"{len(tokens)} token(s) revoked.", messages.SUCCESS)
