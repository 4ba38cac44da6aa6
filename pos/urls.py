"""Routes of the point of sale: the REST API under /api/v1/ (pos.apis) and printable pages.

Ids in paths are 1 to 18 digits (`id` converter): anything else is a 404 before any query,
so a huge number never reaches the database; like any unknown path under /api/v1/, it is
answered in JSON like every other API error.
"""

from django.urls import include, path, re_path, register_converter

from pos.apis import auth, catalog, checkout, drawers, giving, lines, refunds, tabs
from pos.apis.base import NoSuchEndpointApi


class IdConverter:
    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(IdConverter, "id")

api_urlpatterns = [
    path("auth/pin", auth.PinSignInApi.as_view(), name="auth-pin"),
    path("auth/me", auth.MeApi.as_view(), name="auth-me"),
    path("ping", auth.PingApi.as_view(), name="ping"),
    path("catalog", catalog.CatalogApi.as_view(), name="catalog"),
    path("items/<id:item_id>/stock", catalog.ItemStockApi.as_view(), name="item-stock"),
    path("tabs", tabs.TabsApi.as_view(), name="tabs"),
    path("tabs/<id:tab_id>", tabs.TabDetailApi.as_view(), name="tab"),
    path("tabs/<id:tab_id>/rename", tabs.TabRenameApi.as_view(), name="tab-rename"),
    path("tabs/<id:tab_id>/lines", lines.LineAddApi.as_view(), name="tab-lines"),
    path("lines/<uuid:line_id>/void", lines.LineVoidApi.as_view(), name="line-void"),
    path("tabs/<id:tab_id>/send", tabs.TabSendApi.as_view(), name="tab-send"),
    path("tickets", tabs.TicketListApi.as_view(), name="tickets"),
    path("tabs/<id:tab_id>/transfer", tabs.TabTransferApi.as_view(), name="tab-transfer"),
    path("tabs/<id:tab_id>/merge", tabs.TabMergeApi.as_view(), name="tab-merge"),
    path("tabs/<id:tab_id>/split", tabs.TabSplitApi.as_view(), name="tab-split"),
    path("tabs/<id:tab_id>/even-split", tabs.EvenSplitApi.as_view(), name="tab-even-split"),
    path(
        "tabs/<id:tab_id>/adjustments", checkout.AdjustmentAddApi.as_view(), name="tab-adjustments"
    ),
    path("tabs/<id:tab_id>/payments", checkout.PaymentApi.as_view(), name="tab-payments"),
    path("tabs/<id:tab_id>/close", checkout.TabCloseApi.as_view(), name="tab-close"),
    path("tabs/<id:tab_id>/donations", giving.DonationAddApi.as_view(), name="tab-donations"),
    path("tabs/<id:tab_id>/round-up", giving.RoundUpApi.as_view(), name="tab-round-up"),
    path(
        "tabs/<id:tab_id>/meal-credits", giving.MealCreditsAddApi.as_view(), name="tab-meal-credits"
    ),
    path(
        "tabs/<id:tab_id>/community-credit",
        giving.CommunityCreditPaymentApi.as_view(),
        name="tab-community-credit",
    ),
    path("tabs/<id:tab_id>/reopen", checkout.TabReopenApi.as_view(), name="tab-reopen"),
    path("tabs/<id:tab_id>/refunds", refunds.RefundApi.as_view(), name="tab-refunds"),
    path("drawers/<id:drawer_id>/open", drawers.DrawerOpenApi.as_view(), name="drawer-open"),
    path(
        "drawer-sessions/<uuid:session_id>/movements",
        drawers.CashMovementApi.as_view(),
        name="drawer-movements",
    ),
    path(
        "drawer-sessions/<uuid:session_id>/close",
        drawers.DrawerCloseApi.as_view(),
        name="drawer-close",
    ),
    path(
        "drawer-sessions/<uuid:session_id>/report",
        drawers.DrawerReportApi.as_view(),
        name="drawer-report",
    ),
    re_path(r"^.*$", NoSuchEndpointApi.as_view()),  # last: a JSON 404 for anything else
]

app_name = "pos"
urlpatterns = [
    path("api/v1/", include(api_urlpatterns)),
    path(
        "pos/drawers/sessions/<uuid:session_id>/report",
        drawers.drawer_report_page,
        name="drawer-report-page",
    ),
]
