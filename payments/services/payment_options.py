"""The payment methods a channel's checkout offers."""

from omnitron.services import ModelService
from payments.models import PaymentOption


class PaymentOptionService(ModelService):
    model = PaymentOption
    label = "PaymentOption"
    channel_change_code = "payment_option_100_2"
