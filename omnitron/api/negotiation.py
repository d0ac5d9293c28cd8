"""
Content negotiation that falls back to JSON.

DRF answers an `Accept` header it cannot satisfy (`application/xml`) with 406, the status this
API gives to refusals of the service layer (`{"error_code": ...}`). A client switching on 406
would take a header mismatch for a business refusal, so such a request is answered in JSON,
the API's language, as most APIs do.
"""

from rest_framework.exceptions import NotAcceptable
from rest_framework.negotiation import DefaultContentNegotiation


class JSONFallbackNegotiation(DefaultContentNegotiation):
    def select_renderer(self, request, renderers, format_suffix=None):
        try:
            return super().select_renderer(request, renderers, format_suffix)
        except NotAcceptable:
            if format_suffix:
                raise
            return renderers[0], renderers[0].media_type
