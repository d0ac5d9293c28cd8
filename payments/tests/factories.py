"""factory-boy factories of payment data; every object lands on one channel unless told."""

from decimal import Decimal

import factory

from payments import models, secrets
from payments.gateways import get_gateway
from sales_channels.models import Channel


class ChannelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Channel

    name = factory.Sequence(lambda n: f"Channel {n}")
    channel_type = "web"


class PosFactory(factory.django.DjangoModelFactory):
    """A POS on the dummy gateway; `config` is given plain and stored encrypted."""

    class Meta:
        model = models.Pos

    name = factory.Sequence(lambda n: f"POS {n}")
    slug = factory.Sequence(lambda n: f"pos-{n}")
    gateway = get_gateway("dummy").value
    config = factory.LazyFunction(dict)
    resource_url = "https://pos.example.com/api"
    channel = factory.SubFactory(ChannelFactory)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        kwargs["config"] = secrets.encrypt_config(get_gateway(kwargs["gateway"]), kwargs["config"])
        return super()._create(model_class, *args, **kwargs)


class BankFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Bank

    name = factory.Sequence(lambda n: f"Bank {n}")
    slug = factory.Sequence(lambda n: f"bank-{n}")
    eft_code = factory.Sequence(lambda n: f"{n % 10000:04d}")
    channel = factory.SubFactory(ChannelFactory)


class CardTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.CardType

    name = factory.Sequence(lambda n: f"Card type {n}")
    slug = factory.Sequence(lambda n: f"card-type-{n}")
    channel = factory.SubFactory(ChannelFactory)


class CardFactory(factory.django.DjangoModelFactory):
    """A credit card whose bank, card type and POS are on the card's channel."""

    class Meta:
        model = models.Card

    name = factory.Sequence(lambda n: f"Card {n}")
    slug = factory.Sequence(lambda n: f"card-{n}")
    channel = factory.SubFactory(ChannelFactory)
    bank = factory.SubFactory(BankFactory, channel=factory.SelfAttribute("..channel"))
    card_type = factory.SubFactory(CardTypeFactory, channel=factory.SelfAttribute("..channel"))
    card_payment_type = "credit"
    pos = factory.SubFactory(PosFactory, channel=factory.SelfAttribute("..channel"))
    installment_pos = factory.SelfAttribute("pos")
    three_d_pos = None


class MultiCurrencyCardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.MultiCurrencyCard

    card = factory.SubFactory(CardFactory)
    currency = "USD"
    pos = factory.SubFactory(PosFactory, channel=factory.SelfAttribute("..card.channel"))
    installment_pos = factory.SelfAttribute("pos")


class BinNumberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.BinNumber

    bin_number = factory.Sequence(lambda n: f"{400000 + n:06d}")
    card = factory.SubFactory(CardFactory)


class InstallmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Installment

    card = factory.SubFactory(CardFactory)
    installment_count = 3
    label = "3 installments"
    interest_rate = Decimal("2.50")


class BankAccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.BankAccount

    channel = factory.SubFactory(ChannelFactory)
    bank = factory.SubFactory(BankFactory, channel=factory.SelfAttribute("..channel"))
    holder_name = "Demo Mağazacılık A.Ş."
    iban = "TR330006100519786457841326"


class PaymentOptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.PaymentOption

    name = factory.Sequence(lambda n: f"Option {n}")
    slug = factory.Sequence(lambda n: f"option-{n}")
    channel = factory.SubFactory(ChannelFactory)
    payment_type = "credit_card"


# Each resource of the API, by its URL prefix, and the factory of one of its objects.
RESOURCE_FACTORIES = {
    "channels": ChannelFactory,
    "pos": PosFactory,
    "banks": BankFactory,
    "card_types": CardTypeFactory,
    "cards": CardFactory,
    "multi_currency_cards": MultiCurrencyCardFactory,
    "bin_numbers": BinNumberFactory,
    "installments": InstallmentFactory,
    "bank_accounts": BankAccountFactory,
    "payment_options": PaymentOptionFactory,
}
