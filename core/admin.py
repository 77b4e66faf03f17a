"""What the admin sites of every app share."""

from django.contrib import admin


class KeptByThePortalAdmin(admin.ModelAdmin):
    """Rows that only the portal's own pages write, through services that check who may and tell
    whom it concerns (emails through the outbox, the audit trail): the admin finds, lists and
    shows them, and changes nothing. Staff act on them on the portal's pages ("View on site")."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
