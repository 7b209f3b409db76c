"""Production hardening: the deployment check, security headers, password rules, sessions."""

import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from tests.factories import UserFactory

SECRET = "k" * 30 + "-Zq8!vR2#pL6@tY4$wN0^sB9&"  # 55 characters


def manage(tmp_path, *args, **env):
    clean = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "KNN_VAR_DIR": str(tmp_path),
        **env,
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        env=clean,
        cwd=django_settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": SECRET,
    "DJANGO_ALLOWED_HOSTS": "portal.example.org",
    # The Impressum's operator (network.W001 without them; tests/network/test_legal_pages.py).
    "KNN_OPERATOR_NAME": "Green Navigation GmbH",
    "KNN_OPERATOR_ADDRESS": "Beispielweg 1|59423 Unna",
    "KNN_OPERATOR_EMAIL": "kontakt@example.org",
}


class TestDeploymentCheck:
    def test_passes_with_production_settings(self, tmp_path):
        result = manage(tmp_path, "check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "System check identified no issues" in result.stdout

    def test_a_weak_secret_key_fails_it(self, tmp_path):
        # The check is really run: a short key is reported and fails the WARNING level.
        env = {**PRODUCTION, "DJANGO_SECRET_KEY": "zu-kurz"}
        result = manage(tmp_path, "check", "--deploy", "--fail-level", "WARNING", **env)
        assert result.returncode != 0
        assert "security.W009" in result.stdout + result.stderr

    def test_switching_off_https_redirect_is_reported(self, tmp_path):
        env = {**PRODUCTION, "DJANGO_SECURE_SSL_REDIRECT": "false"}
        result = manage(tmp_path, "check", "--deploy", "--fail-level", "WARNING", **env)
        assert result.returncode != 0
        assert "security.W008" in result.stdout + result.stderr


class TestProductionSettings:
    def test_hardening_values(self, tmp_path):
        code = (
            "import django; from django.conf import settings as s; print(repr(("
            "s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS >= 31536000, s.SESSION_COOKIE_SECURE,"
            " s.CSRF_COOKIE_SECURE, s.X_FRAME_OPTIONS, s.SECURE_PROXY_SSL_HEADER,"
            " s.SESSION_EXPIRE_AT_BROWSER_CLOSE, s.SESSION_SAVE_EVERY_REQUEST,"
            " 'whitenoise.middleware.WhiteNoiseMiddleware' in s.MIDDLEWARE)))"
        )
        result = subprocess.run(
            [sys.executable, "-c", code],
            env={
                "PATH": os.environ.get("PATH", ""),
                "DJANGO_SETTINGS_MODULE": "knn_portal.settings",
                "KNN_VAR_DIR": str(tmp_path),
                **PRODUCTION,
            },
            cwd=django_settings.BASE_DIR,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == (
            "(True, True, True, True, 'DENY', ('HTTP_X_FORWARDED_PROTO', 'https'), "
            "True, True, True)"
        )


@pytest.mark.django_db
class TestHeaders:
    def test_csp_without_inline_script_or_style(self, client):
        response = client.get("/konto/anmelden/")
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy
        assert "style-src 'self'" in policy
        assert "frame-ancestors 'none'" in policy
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"

    def test_pages_carry_no_inline_script_or_style(self, client):
        text = client.get("/konto/anmelden/").content.decode()
        assert "<script>" not in text and "style=" not in text and "<style" not in text

    def test_session_idle_timeout(self, settings):
        assert settings.SESSION_COOKIE_AGE == 60 * 60
        assert settings.SESSION_SAVE_EVERY_REQUEST is True


@pytest.mark.django_db
class TestPasswordRules:
    @pytest.mark.parametrize("password", ["kurz-Pw-11z", "Ab1!", ""])
    def test_under_twelve_characters_is_refused_in_german(self, password):
        with pytest.raises(ValidationError) as error:
            validate_password(password, UserFactory.build())
        assert any("mindestens 12 Zeichen" in message for message in error.value.messages)

    @pytest.mark.parametrize(
        ("password", "message"),
        [("123456789012345", "komplett numerisch"), ("password1234", "zu üblich")],
    )
    def test_weak_passwords_are_refused(self, password, message):
        with pytest.raises(ValidationError) as error:
            validate_password(password, UserFactory.build())
        assert any(message in text for text in error.value.messages)

    def test_twelve_characters_pass(self):
        validate_password("Kq7#mZ2!vR9x", UserFactory.build())
