"""
Viewsets of payment resources. Each names its queryset, serializer, FilterSet and service;
DRF does the HTTP and the service does the writing.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
)
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from omnitron.api.views import ServiceModelViewSet
from payments import imports, models, services
from payments.gateways import GATEWAYS, get_gateway
from payments.resources import filters, serializers

# Uploads are multipart; the other parsers are there so that a request without a file, in
# whatever form, is answered with the reference's file_100_1 rather than a 415.
UPLOAD_PARSERS = [MultiPartParser, FormParser, JSONParser]
UPLOAD_ANSWER = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description='One entry per row: `{"<key>": "created"}` or the row\'s error.',
)


class PosViewSet(ServiceModelViewSet):
    queryset = models.Pos.objects.all()
    serializer_class = serializers.PosSerializer
    filterset_class = filters.PosFilter
    service_class = services.PosService

    @extend_schema(
        parameters=[OpenApiParameter("gateway", str, description="A gateway value or short key")],
        responses={200: dict},
    )
    # Named apart from its URL: `schema` is the attribute of every DRF view that holds its
    # OpenAPI generator, and an action of that name breaks the whole OpenAPI document.
    @action(
        detail=False,
        methods=["get"],
        url_path="schema",
        url_name="schema",
        pagination_class=None,
        filter_backends=[],
    )
    def gateway_schemas(self, request):
        """Every gateway's value, display name and the JSON Schema of its config."""
        wanted = request.query_params.get("gateway")
        if wanted:
            gateway = get_gateway(wanted)
            if gateway is None:
                raise ValidationError({"gateway": [f'"{wanted}" is not a known gateway.']})
            return Response({gateway.value: gateway.as_dict()})
        return Response({gateway.value: gateway.as_dict() for gateway in GATEWAYS})


class BankViewSet(ServiceModelViewSet):
    queryset = models.Bank.objects.all()
    serializer_class = serializers.BankSerializer
    filterset_class = filters.BankFilter
    service_class = services.BankService

    @extend_schema(
        parameters=[serializers.BankUploadQuerySerializer],
        request={"multipart/form-data": serializers.UploadSerializer},
        responses={200: UPLOAD_ANSWER},
    )
    @action(detail=False, methods=["post"], url_path="bulk_create", parser_classes=UPLOAD_PARSERS)
    def bulk_create(self, request):
        """Create the channel's banks from a CSV file; answers each row's outcome by name."""
        query = serializers.BankUploadQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        imports.refuse_oversized_request(request)
        records = imports.bank_records(imports.open_upload(request.FILES.get("file")))
        report = self.get_service().bulk_create(
            query.validated_data["channel"], records, imports.UploadReport()
        )
        return Response(report.answer)


class CardTypeViewSet(ServiceModelViewSet):
    queryset = models.CardType.objects.all()
    serializer_class = serializers.CardTypeSerializer
    filterset_class = filters.CardTypeFilter
    service_class = services.CardTypeService


class CardViewSet(ServiceModelViewSet):
    queryset = models.Card.objects.all()
    serializer_class = serializers.CardSerializer
    filterset_class = filters.CardFilter
    service_class = services.CardService

    @extend_schema(
        request={"multipart/form-data": serializers.UploadSerializer},
        responses={200: UPLOAD_ANSWER},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="bin_numbers/bulk_create",
        parser_classes=UPLOAD_PARSERS,
        permission_model=models.BinNumber,
    )
    def bulk_create_bin_numbers(self, request, pk=None):
        """Add BINs to the card from a CSV file; answers each row's outcome by BIN."""
        card = self.get_object()
        imports.refuse_oversized_request(request)
        values = imports.bin_number_values(imports.open_upload(request.FILES.get("file")))
        report = services.BinNumberService(user=request.user).bulk_create(
            card, values, imports.UploadReport()
        )
        return Response(report.answer)


class MultiCurrencyCardViewSet(ServiceModelViewSet):
    queryset = models.MultiCurrencyCard.objects.all()
    serializer_class = serializers.MultiCurrencyCardSerializer
    filterset_class = filters.MultiCurrencyCardFilter
    service_class = services.MultiCurrencyCardService


GARANTI_GATEWAY = "omnicore.libs.payment_gateways.garanti.GarantiGateway"
LOOKUP_EXAMPLE = OpenApiExample(
    "A Garanti Bonus card, paying 100.00 TRY",
    value={
        "bin_number": "554960",
        "bin_number_length": 6,
        "amount": "100.00",
        "currency": "TRY",
        "card": {
            "pk": 7,
            "name": "Bonus",
            "slug": "bonus",
            "card_payment_type": "credit",
            "is_commercial": False,
            "cash_payment": True,
            "installment_payment": True,
            "three_d_payment": True,
        },
        "bank": {
            "pk": 3,
            "name": "Garanti BBVA",
            "slug": "garanti-bbva",
            "eft_code": "0062",
            "logo": "http://127.0.0.1:8000/media/banks/garanti.png",
        },
        "card_type": {"pk": 2, "name": "Mastercard", "slug": "mastercard", "logo": None},
        "multi_currency_card": None,
        "pos": {"pk": 1, "name": "Garanti", "slug": "garanti", "gateway": GARANTI_GATEWAY},
        "installment_pos": {
            "pk": 1,
            "name": "Garanti",
            "slug": "garanti",
            "gateway": GARANTI_GATEWAY,
        },
        "three_d_pos": None,
        "installments": [
            {
                "installment_count": 1,
                "label": "Tek çekim",
                "interest_rate": "0.00",
                "installment_amount": "100.00",
                "total_amount": "100.00",
            },
            {
                "installment_count": 3,
                "label": "3 taksit",
                "interest_rate": "1.64",
                "installment_amount": "33.88",
                "total_amount": "101.64",
            },
        ],
    },
)


class BinNumberViewSet(ServiceModelViewSet):
    queryset = models.BinNumber.objects.all()
    serializer_class = serializers.BinNumberSerializer
    filterset_class = filters.BinNumberFilter
    service_class = services.BinNumberService
    # One serializer validates every lookup's query: `run_validation` keeps no state, and
    # building a serializer per request (a deep copy of each field) was a third of what DRF
    # added to the lookup's cost.
    bin_lookup_query = serializers.BinLookupQuerySerializer()

    @extend_schema(
        parameters=[serializers.BinLookupQuerySerializer],
        responses={
            200: OpenApiResponse(dict, examples=[LOOKUP_EXAMPLE]),
            400: OpenApiResponse(description="A malformed parameter, named in the body."),
            404: OpenApiResponse(description="No BIN of the active channel matches."),
        },
    )
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def lookup(self, request):
        """The checkout's view of a card on a channel, from the first 6 to 19 digits of its
        number: the longest matching BIN (8 digits before 6), the card, its bank and card type,
        the POS for the currency and the active installment plans priced for the amount."""
        # The hot path of every checkout: the service answers plain data, not model instances
        # for a serializer (see payments.services.lookup).
        query = self.bin_lookup_query.run_validation(request.query_params)
        answer = services.lookup_bin(
            channel_id=query["channel"],
            card_digits=query["bin"],
            amount=query["amount"],
            currency=query["currency"],
            build_uri=request.build_absolute_uri,
        )
        if answer is None:
            raise NotFound("No BIN of this channel matches the card number.")
        return Response(answer)


class InstallmentViewSet(ServiceModelViewSet):
    queryset = models.Installment.objects.all()
    serializer_class = serializers.InstallmentSerializer
    filterset_class = filters.InstallmentFilter
    service_class = services.InstallmentService


class BankAccountViewSet(ServiceModelViewSet):
    queryset = models.BankAccount.objects.all()
    serializer_class = serializers.BankAccountSerializer
    filterset_class = filters.BankAccountFilter
    service_class = services.BankAccountService
    ordering = ["sort_order", "pk"]


class PaymentOptionViewSet(ServiceModelViewSet):
    queryset = models.PaymentOption.objects.all()
    serializer_class = serializers.PaymentOptionSerializer
    filterset_class = filters.PaymentOptionFilter
    service_class = services.PaymentOptionService
