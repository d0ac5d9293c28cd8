"""
Token login, as the reference API has it: `POST /api/v1/auth/login/` with a user name and a
password answers `{"key": "<token>"}`; clients then send `Authorization: Token <key>`.
`POST /api/v1/auth/logout/` deletes the caller's token.
"""

import logging

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

logger = logging.getLogger(__name__)

KeySerializer = inline_serializer("TokenKey", {"key": serializers.CharField()})


class LoginView(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]
    serializer_class = AuthTokenSerializer

    @extend_schema(request=AuthTokenSerializer, responses={200: KeySerializer})
    def post(self, request):
        serializer = AuthTokenSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
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
