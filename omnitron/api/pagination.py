"""`?page=N&limit=M` pagination: 10 per page by default, at most 1000 (a larger limit is capped)."""

from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination


class PageLimitPagination(PageNumberPagination):
    page_size = 10
    page_size_query_param = "limit"
    max_page_size = 1000

    def get_page_size(self, request):
        limit = request.query_params.get(self.page_size_query_param)
        if limit is None or limit == "":
            return self.page_size
        if not limit.isascii() or not limit.isdigit() or int(limit) < 1:
            raise ValidationError({"limit": ["A positive whole number is required."]})
        return min(int(limit), self.max_page_size)
