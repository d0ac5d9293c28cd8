"""
Viewsets of payment resources. Each names its queryset, serializer, FilterSet and service;
DRF does the HTTP and the service does the writing.
"""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from omnitron.api.views import ServiceModelViewSet
from payments import models, services
from payments.gateways import GATEWAYS, get_gateway
from payments.resources import filters, serializers


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


class PaymentOptionViewSet(ServiceModelViewSet):
    queryset = models.PaymentOption.objects.all()
    serializer_class = serializers.PaymentOptionSerializer
    filterset_class = filters.PaymentOptionFilter
    service_class = services.PaymentOptionService
