"""Admin screens for the ledger: programs and accounts are edited here; entries are read-only.

Nothing here can change a posted entry: the admin offers no add, change or delete for entries,
postings, periods or snapshots (and the database triggers would refuse it anyway).
"""

from django.contrib import admin

from ledger.models import Account, JournalEntry, Period, Posting, Program


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "account_component", "is_active", "allocation_order"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin):
    list_display = ["name", "root_type", "normal_side", "is_placeholder", "function", "closed_on"]
    list_filter = ["root_type", "is_placeholder", "function"]
    search_fields = ["name", "description"]
    raw_id_fields = ["parent"]

    def has_delete_permission(self, request, obj=None):
        return False


class PostingInline(admin.TabularInline):
    model = Posting
    fields = ["account", "side", "amount", "memo"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(JournalEntry)
class JournalEntryAdmin(ReadOnlyAdmin):
    list_display = ["seq", "effective_date", "kind", "memo", "source_ref", "created_by"]
    list_filter = ["kind", "period"]
    search_fields = ["id", "memo", "source_ref"]
    inlines = [PostingInline]


@admin.register(Period)
class PeriodAdmin(ReadOnlyAdmin):
    list_display = ["name", "start_date", "end_date", "status", "closed_at", "head_seq"]
