from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("konto/", include("network.urls.accounts")),
    path("", include("network.urls")),
    path("n/<slug:network_slug>/beschaffung/", include("procurement.urls")),
    path("n/<slug:network_slug>/bauen/", include("building.urls")),
]
