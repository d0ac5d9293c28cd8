"""BIN numbers: a BIN identifies at most one card per channel."""

from omnitron.errors import ConflictError
from omnitron.services import ModelService
from payments.models import BinNumber


class BinNumberService(ModelService):
    model = BinNumber
    label = "BinNumber"

    def check(self, instance):
        instance.channel_id = instance.card.channel_id
        taken = (
            BinNumber.objects.filter(channel_id=instance.channel_id, bin_number=instance.bin_number)
            .exclude(pk=instance.pk)
            .select_related("card")
            .first()
        )
        if taken is not None:
            raise ConflictError(
                f"BIN {instance.bin_number} already belongs to card {taken.card.slug} "
                f"(pk {taken.card_id}) on this channel.",
                "bin_number_100_1",
            )

    def explain_integrity_error(self, instance):
        self.check(instance)
