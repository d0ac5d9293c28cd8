"""Card programmes, their per-currency POS and their installment plans."""

from omnitron.services import ModelService
from payments.models import Card, Installment, MultiCurrencyCard

CARD_REFERENCES = ("bank", "card_type", "pos", "installment_pos", "three_d_pos")
POS_REFERENCES = ("pos", "installment_pos", "three_d_pos")


class CardService(ModelService):
    model = Card
    label = "Card"
    channel_change_code = "card_100_2"
    cross_channel_code = "card_100_1"

    def check(self, instance):
        self.check_same_channel(instance, instance.channel, CARD_REFERENCES)


class MultiCurrencyCardService(ModelService):
    model = MultiCurrencyCard
    label = "MultiCurrencyCard"
    cross_channel_code = "card_100_1"

    def check(self, instance):
        self.check_same_channel(instance, instance.card.channel, POS_REFERENCES)


class InstallmentService(ModelService):
    model = Installment
    label = "Installment"
