"""The open data of a network, read without login: /oeffentlich/<netz>/daten/ (the page),
datapackage.json and every table as .csv and .json (network.public.opendata).

404 for a network whose public page is off and for a table it does not have. No cookie:
nothing here touches the session, and the page is rendered without the request (no CSRF
token). Open data may be read from any web page: `Access-Control-Allow-Origin: *`, there is
nothing but public data and no credentials.
"""

from django.http import Http404, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_safe

from network.csv_export import csv_response
from network.public import opendata, published

JSON = {"ensure_ascii": False}


def _open(response):
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = "public, max-age=60"
    return response


def _table(network_slug, name):
    network = published(network_slug).network
    table = opendata.table_of(network, name)
    if table is None:
        raise Http404
    return table


def _page_address(request, network_slug):
    return request.build_absolute_uri(reverse("network:opendata", args=[network_slug]))


@require_safe
def opendata_page(request, network_slug):
    publication = published(network_slug)
    address = _page_address(request, network_slug)
    tables = opendata.open_tables(publication.network)
    html = render_to_string(
        "network/public/opendata.html",
        {
            "network": publication.network,
            "licence": opendata.licence(publication),
            "licence_label": opendata.licence(publication)["title"],  # the public base's footer
            "citation": opendata.citation(publication, address),
            "package_url": reverse("network:opendata_package", args=[network_slug]),
            "tables": [
                {
                    "table": table,
                    "rows": len(table.rows),
                    "csv": reverse("network:opendata_csv", args=[network_slug, table.name]),
                    "json": reverse("network:opendata_json", args=[network_slug, table.name]),
                }
                for table in tables
            ],
        },
    )
    return _open(HttpResponse(html))


@require_safe
def opendata_package(request, network_slug):
    publication = published(network_slug)
    package = opendata.data_package(
        publication,
        opendata.open_tables(publication.network),
        _page_address(request, network_slug),
    )
    return _open(JsonResponse(package, json_dumps_params={**JSON, "indent": 2}))


@require_safe
def opendata_csv(request, network_slug, name):
    table = _table(network_slug, name)
    header, rows = opendata.csv_table(table)
    return _open(csv_response(f"{table.name}.csv", header, rows))


@require_safe
def opendata_json(request, network_slug, name):
    table = _table(network_slug, name)
    return _open(JsonResponse(opendata.json_table(table), safe=False, json_dumps_params=JSON))
