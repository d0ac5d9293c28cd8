"""
Token login, as the reference API has it: `POST /api/v1/auth/login/` with a user name and a
password answers `{"key": "<token>"}`; clients then send `Authorization: Token <key>`.
`POST /api/v1/auth/logout/` deletes the caller's token.

Logins are throttled per client address (`LOGIN_THROTTLE_RATE`, default 10 a minute), counted
in the database cache that all workers share, and failures are logged without what was typed.
The address is the connection's own; `X-Forwarded-For` counts only behind the number of proxies
`TRUSTED_PROXIES` names, because a client can send that header with any value.
"""

import logging

from django.conf import settings
from django.core.cache import caches
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

logger = logging.getLogger(__name__)

KeySerializer = inline_serializer("TokenKey", {"key": serializers.CharField()})
ThrottledSerializer = inline_serializer("Throttled", {"detail": serializers.CharField()})


class LoginRateThrottle(AnonRateThrottle):
    """Login attempts per client address, at the rate `settings.LOGIN_THROTTLE_RATE`."""

    scope = "login"
    cache = caches["throttle"]

    def get_rate(self):
        return settings.LOGIN_THROTTLE_RATE


class LoginView(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [LoginRateThrottle]
    serializer_class = AuthTokenSerializer

    @extend_schema(
        request=AuthTokenSerializer,
        responses={
            200: KeySerializer,
            429: OpenApiResponse(
                ThrottledSerializer, description="Too many attempts from this address; wait."
            ),
        },
    )
    def post(self, request):
        serializer = AuthTokenSerializer(data=request.data, context={"request": request})
        if not serializer.is_valid():
            logger.warning("Failed token login from %s", request.META.get("REMOTE_ADDR", "?"))
            raise ValidationError(serializer.errors)
        user = serializer.validated_data["user"]
        token, _created = Token.objects.get_or_create(user=user)
        logger.info("Token login of user pk=%s", user.pk)
        return Response({"key": token.key})


class LogoutView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None})
    def post(self, request):
        Token.objects.filter(user=request.user).delete()
        logger.info("Token of user pk=%s deleted", request.user.pk)
        return Response(status=status.HTTP_204_NO_CONTENT)
