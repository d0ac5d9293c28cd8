"""
Viewsets of payment resources. Each names its queryset, serializer, FilterSet and service;
DRF does the HTTP and the service does the writing.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
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
    # Named apart from its URL: a viewset's `schema` attribute is its OpenAPI generator.
    @action(
        detail=False,
        methods=["get"],
        url_path="schema",
        pagination_class=None,
        filter_backends=[],
    )
    def gateway_schema(self, request):
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


class BinNumberViewSet(ServiceModelViewSet):
    queryset = models.BinNumber.objects.all()
    serializer_class = serializers.BinNumberSerializer
    filterset_class = filters.BinNumberFilter
    service_class = services.BinNumberService


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
