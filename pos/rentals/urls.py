"""Routes of game rentals: the API under /api/v1/rentals/ and the games screens under
/tablet/rentals/ (the tablet UI's sign-in)."""

from django.urls import path, register_converter

from pos.rentals import views
from pos.rentals.apis import deposits, sessions
from pos.urls import IdConverter

# 1 to 18 digits, as every id in a path of the API: a huge number is a 404, not a query.
register_converter(IdConverter, "resource")

API = "api/v1/rentals/"
SESSION = API + "sessions/<uuid:session_id>"
DEPOSIT = API + "deposits/<uuid:deposit_id>"
BOOKING = API + "bookings/<uuid:booking_id>"

app_name = "rentals"
urlpatterns = [
    path(API + "board", sessions.RentalBoardApi.as_view(), name="board"),
    path(
        API + "resources/<resource:resource_id>/status",
        sessions.RentalResourceStatusApi.as_view(),
        name="resource-status",
    ),
    path(API + "sessions", sessions.RentalSessionStartApi.as_view(), name="sessions"),
    path(SESSION, sessions.RentalSessionDetailApi.as_view(), name="session"),
    path(SESSION + "/pause", sessions.RentalSessionPauseApi.as_view(), name="session-pause"),
    path(SESSION + "/resume", sessions.RentalSessionResumeApi.as_view(), name="session-resume"),
    path(SESSION + "/players", sessions.RentalSessionPlayersApi.as_view(), name="session-players"),
    path(SESSION + "/games", sessions.RentalSessionGamesApi.as_view(), name="session-games"),
    path(SESSION + "/extend", sessions.RentalSessionExtendApi.as_view(), name="session-extend"),
    path(
        SESSION + "/transfer", sessions.RentalSessionTransferApi.as_view(), name="session-transfer"
    ),
    path(
        SESSION + "/adjustments", sessions.RentalSessionAdjustApi.as_view(), name="session-adjust"
    ),
    path(SESSION + "/stop", sessions.RentalSessionStopApi.as_view(), name="session-stop"),
    path(API + "deposits", deposits.RentalDepositsApi.as_view(), name="deposits"),
    path(DEPOSIT + "/return", deposits.RentalDepositReturnApi.as_view(), name="deposit-return"),
    path(DEPOSIT + "/forfeit", deposits.RentalDepositForfeitApi.as_view(), name="deposit-forfeit"),
    path(DEPOSIT + "/apply", deposits.RentalDepositApplyApi.as_view(), name="deposit-apply"),
    path(API + "bookings", deposits.RentalBookingsApi.as_view(), name="bookings"),
    path(BOOKING + "/arrive", deposits.RentalBookingArriveApi.as_view(), name="booking-arrive"),
    path(BOOKING + "/no-show", deposits.RentalBookingNoShowApi.as_view(), name="booking-no-show"),
    path(BOOKING + "/cancel", deposits.RentalBookingCancelApi.as_view(), name="booking-cancel"),
    path("tablet/rentals/", views.board, name="board-page"),
    path("tablet/rentals/start", views.start, name="start"),
    path("tablet/rentals/sessions/<uuid:session_id>", views.bill, name="bill-page"),
    path("tablet/rentals/sessions/<uuid:session_id>/<slug:action>", views.act, name="act"),
]
