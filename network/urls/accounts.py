"""Log-in, log-out, password reset, invitations and profile (no namespace: Django's auth
views reverse their own names)."""

from django.contrib.auth import views as auth_views
from django.urls import path

from network.forms.accounts import LoginForm
from network.views import accounts

urlpatterns = [
    path(
        "anmelden/",
        auth_views.LoginView.as_view(
            authentication_form=LoginForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("abmelden/", auth_views.LogoutView.as_view(), name="logout"),
    path("passwort-vergessen/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "passwort-vergessen/gesendet/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "passwort-neu/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "passwort-neu/fertig/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("profil/", accounts.profile, name="profile"),
    path("profil/passwort/", accounts.password_change, name="password_change"),
    path("profil/zugangsschluessel/", accounts.api_token_create, name="api_token_create"),
    path(
        "profil/zugangsschluessel/<int:pk>/widerrufen/",
        accounts.api_token_revoke,
        name="api_token_revoke",
    ),
    path(
        "profil/adresse-bestaetigen/<str:token>/",
        accounts.email_change_confirm,
        name="email_change_confirm",
    ),
    path("einladung/<str:token>/", accounts.invitation_accept, name="invitation_accept"),
    path(
        "beitrittsanfragen/<int:pk>/zustimmen/",
        accounts.membership_request_accept,
        name="membership_request_accept",
    ),
    path(
        "beitrittsanfragen/<int:pk>/ablehnen/",
        accounts.membership_request_decline,
        name="membership_request_decline",
    ),
]
