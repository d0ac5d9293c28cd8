"""URL routes of payment resources under /api/v1/."""

from rest_framework.routers import SimpleRouter

from payments.resources import views

router = SimpleRouter()
router.register("pos", views.PosViewSet, basename="pos")
router.register("banks", views.BankViewSet, basename="bank")
router.register("card_types", views.CardTypeViewSet, basename="cardtype")
router.register("cards", views.CardViewSet, basename="card")
router.register(
    "multi_currency_cards", views.MultiCurrencyCardViewSet, basename="multicurrencycard"
)
router.register("bin_numbers", views.BinNumberViewSet, basename="binnumber")
router.register("installments", views.InstallmentViewSet, basename="installment")
router.register("bank_accounts", views.BankAccountViewSet, basename="bankaccount")
router.register("payment_options", views.PaymentOptionViewSet, basename="paymentoption")

urlpatterns = router.urls
