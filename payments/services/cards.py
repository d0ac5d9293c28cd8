"""Card programmes, their per-currency POS and their installment plans.

A card's BINs, installment plans and multi-currency cards go with it when it is deleted, and
each gets a deletion record in its history. Django's cascade would load every one of them and
simple_history write each record with a query of its own (100,000 BINs took over a minute);
`CardService` deletes and records them in bulk first, a few queries whatever their number, so
that the cascade finds nothing left to do but the card itself.
"""

import logging

from omnitron.services import ModelService
from payments.models import BinNumber, Card, Installment, MultiCurrencyCard
from payments.services.bulk import delete_with_history, history_user

logger = logging.getLogger(__name__)

CARD_REFERENCES = ("bank", "card_type", "pos", "installment_pos", "three_d_pos")
POS_REFERENCES = ("pos", "installment_pos", "three_d_pos")
# What is deleted with a card: models whose `card` cascades.
CARD_PARTS = (BinNumber, Installment, MultiCurrencyCard)


class CardService(ModelService):
    model = Card
    label = "Card"
    channel_change_code = "card_100_2"
    cross_channel_code = "card_100_1"

    def check(self, instance):
        self.check_same_channel(instance, instance.channel, CARD_REFERENCES)

    def remove(self, instance):
        user = history_user(instance)
        deleted = {
            part._meta.verbose_name_plural: delete_with_history(
                part.objects.filter(card=instance), user=user
            )
            for part in CARD_PARTS
        }
        logger.info(
            "Deleting card pk=%s with %s",
            instance.pk,
            ", ".join(f"{count} {name}" for name, count in deleted.items()),
        )
        instance.delete()


class MultiCurrencyCardService(ModelService):
    model = MultiCurrencyCard
    label = "MultiCurrencyCard"
    cross_channel_code = "card_100_1"

    def check(self, instance):
        self.check_same_channel(instance, instance.card.channel, POS_REFERENCES)


class InstallmentService(ModelService):
    model = Installment
    label = "Installment"
