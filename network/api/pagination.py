"""Pages of every API list (its own module: DRF imports it from the settings while the
views are being defined)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import pagination


class Pagination(pagination.PageNumberPagination):
    page_size = 50
    page_query_param = "seite"
    page_size_query_param = "anzahl"
    max_page_size = 200
    invalid_page_message = _("Diese Seite gibt es nicht.")
