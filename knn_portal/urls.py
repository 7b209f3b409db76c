from django.contrib import admin
from django.urls import include, path

from network.views import accounts

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/setlang/", accounts.choose_language, name="set_language"),
    path("konto/", include("network.urls.accounts")),
    path("benachrichtigungen/", include("network.notifications.urls")),
    path("api/", include("network.api.urls")),
    path("", include("network.urls")),
    path("n/<slug:network_slug>/beschaffung/", include("procurement.urls")),
    path("n/<slug:network_slug>/bauen/", include("building.urls")),
]
