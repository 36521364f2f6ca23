"""Django admin for staff: accounts, sharing and the audit trail. Health records are not listed
here on purpose: every read of them goes through the audited pages."""

from typing import Any

from django.contrib import admin

from touchdose.web import services
from touchdose.web.models import AuditEvent, Client, Share, Therapist


@admin.register(Client)
class ClientAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("id", "user", "timezone", "intake_done", "created_at")
    fields = ("user", "timezone", "intake_done")
    readonly_fields = ("user",)

    def save_model(self, request: Any, obj: Client, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        services.records_changed(client_id=obj.pk)  # the time zone dates the charts


@admin.register(Therapist)
class TherapistAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("id", "user", "display_name", "created_at")


@admin.register(Share)
class ShareAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Read-only (issue 13, finding 7): who sees a client's records changes only through the
    client's own sharing code and revoke button (:mod:`touchdose.web.services`, audited), never
    here. Staff can look, not grant, restore a revoked share, or delete one."""

    list_display = ("id", "client", "therapist", "granted_at", "revoked_at")

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Share | None = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Share | None = None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("time", "actor_name", "client_ref", "action", "object_type", "object_ref")
    list_filter = ("action",)

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False
