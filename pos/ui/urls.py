"""Routes of the tablet screens (/tablet/...) and the kitchen display (/kitchen/)."""

from django.urls import path, register_converter

from pos.ui.views import checkout, drawer, kitchen, order, signin

app_name = "ui"


class IdConverter:
    """1 to 18 digits: a huge number is a 404, never a database error."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(IdConverter, "uid")

urlpatterns = [
    path("tablet/", signin.home, name="home"),
    path("tablet/device", signin.device_sign_in, name="device-sign-in"),
    path("tablet/pin", signin.pin_sign_in, name="pin"),
    path("tablet/lock", signin.lock_screen, name="lock"),
    path("tablet/stock", order.stock_state, name="stock"),
    path("tablet/items/<uid:item_id>/stock", order.toggle_stock, name="item-stock"),
    path("tablet/tabs", order.tab_list, name="tabs"),
    path("tablet/tabs/<uid:tab_id>", order.order_screen, name="order"),
    path("tablet/tabs/<uid:tab_id>/ticket", order.ticket, name="ticket"),
    path("tablet/tabs/<uid:tab_id>/lines", order.add_line_view, name="add-line"),
    path("tablet/tabs/<uid:tab_id>/send", order.send, name="send"),
    path("tablet/tabs/<uid:tab_id>/repeat", order.repeat_round, name="repeat"),
    path("tablet/tabs/<uid:tab_id>/split", order.split, name="split"),
    path("tablet/lines/<uuid:line_id>/remove", order.remove_line, name="remove-line"),
    path("tablet/lines/<uuid:line_id>/void", order.void, name="void"),
    path("tablet/tabs/<uid:tab_id>/pay", checkout.pay, name="pay"),
    path("tablet/tabs/<uid:tab_id>/pay/cash", checkout.pay_cash_view, name="pay-cash"),
    path("tablet/tabs/<uid:tab_id>/pay/card", checkout.pay_card_view, name="pay-card"),
    path("tablet/tabs/<uid:tab_id>/round-up", checkout.round_up_view, name="round-up"),
    path(
        "tablet/tabs/<uid:tab_id>/pay/credit", checkout.pay_community_credit_view, name="pay-credit"
    ),
    path(
        "tablet/tabs/<uid:tab_id>/pay/card/<uuid:payment_id>/cancel",
        checkout.cancel_card,
        name="pay-card-cancel",
    ),
    path("tablet/tabs/<uid:tab_id>/receipt", checkout.receipt, name="receipt"),
    path("tablet/tabs/<uid:tab_id>/refund", checkout.refund, name="refund"),
    path("tablet/closed", checkout.closed_checks, name="closed"),
    path("tablet/drawer", drawer.drawer_screen, name="drawer"),
    path("tablet/drawer/open", drawer.open_view, name="drawer-open"),
    path("tablet/drawer/<uuid:session_id>/movement", drawer.movement, name="drawer-movement"),
    path("tablet/drawer/<uuid:session_id>/close", drawer.close_view, name="drawer-close"),
    path("tablet/drawer/<uuid:session_id>/report", drawer.report, name="drawer-report"),
    path("kitchen/", kitchen.display, name="kitchen"),
    path("kitchen/tickets", kitchen.tickets, name="kitchen-tickets"),
    path("kitchen/tickets/<uid:ticket_id>/bump", kitchen.bump, name="kitchen-bump"),
]
