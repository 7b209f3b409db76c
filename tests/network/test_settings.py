"""Settings are read from the environment strictly: a bad value stops the start-up with a
message that names the variable. Each case starts Python afresh, as a deployment would."""

import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured

from knn_portal.settings import env_bool, env_int, env_list

SECRET = "k" * 30 + "-Zq8!vR2#pL6@tY4$wN0^sB9&"  # 55 characters, not a real secret


def load_settings(tmp_path, expression="settings.DEBUG", **env):
    """Run `print(<expression>)` against freshly loaded settings; return the process."""
    clean = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "knn_portal.settings",
        "KNN_VAR_DIR": str(tmp_path),
        **env,
    }
    code = f"import django\nfrom django.conf import settings\nprint(repr(({expression},)))"
    return subprocess.run(
        [sys.executable, "-c", code],
        env=clean,
        cwd=django_settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )


def assert_refused(result, message):
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


class TestStartUp:
    def test_bad_debug_value(self, tmp_path):
        result = load_settings(tmp_path, DJANGO_DEBUG="vielleicht")
        assert_refused(result, "DJANGO_DEBUG='vielleicht': expected one of true/false")

    def test_bad_integer(self, tmp_path):
        result = load_settings(tmp_path, DJANGO_DEBUG="true", AXES_FAILURE_LIMIT="fünf")
        assert_refused(result, "AXES_FAILURE_LIMIT='fünf': expected a whole number")

    def test_integer_below_its_minimum(self, tmp_path):
        result = load_settings(tmp_path, DJANGO_DEBUG="true", DJANGO_SESSION_IDLE_MINUTES="1")
        assert_refused(result, "DJANGO_SESSION_IDLE_MINUTES='1': must be at least 5")

    def test_cache_url_must_be_redis(self, tmp_path):
        result = load_settings(tmp_path, DJANGO_DEBUG="true", CACHE_URL="memcached://x:11211")
        assert_refused(result, "CACHE_URL='memcached://x:11211': expected redis://")

    def test_cache_is_redis_with_a_url_and_memory_without(self, tmp_path):
        expression = 'settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[1]'
        with_url = load_settings(
            tmp_path, expression, DJANGO_DEBUG="true", CACHE_URL="redis://127.0.0.1:6379/1"
        )
        assert with_url.stdout.strip() == "('RedisCache',)"
        without = load_settings(tmp_path, expression, DJANGO_DEBUG="true")
        assert without.stdout.strip() == "('LocMemCache',)"

    def test_overview_refresh_needs_a_broker_and_a_shared_cache(self, tmp_path):
        broker = {"CELERY_BROKER_URL": "redis://127.0.0.1:6379/0"}
        cache = {"CACHE_URL": "redis://127.0.0.1:6379/1"}
        for env, expected in [({}, False), (broker, False), ({**broker, **cache}, True)]:
            result = load_settings(
                tmp_path, "settings.OVERVIEW_REFRESH", DJANGO_DEBUG="true", **env
            )
            assert result.stdout.strip() == f"({expected},)", result.stderr

    def test_missing_secret_key_with_debug_off(self, tmp_path):
        result = load_settings(tmp_path, DJANGO_DEBUG="false")
        assert_refused(result, "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is false")

    def test_debug_defaults_to_off(self, tmp_path):
        result = load_settings(tmp_path)
        assert_refused(result, "DJANGO_SECRET_KEY must be set")

    def test_missing_allowed_hosts_with_debug_off(self, tmp_path):
        result = load_settings(tmp_path, DJANGO_DEBUG="false", DJANGO_SECRET_KEY=SECRET)
        assert_refused(result, "DJANGO_ALLOWED_HOSTS must be set when DJANGO_DEBUG is false")

    def test_unknown_database_scheme(self, tmp_path):
        result = load_settings(tmp_path, DJANGO_DEBUG="true", DATABASE_URL="oracle-ish://x/y")
        assert_refused(result, "DATABASE_URL")

    def test_production_values(self, tmp_path):
        result = load_settings(
            tmp_path,
            "settings.DEBUG, settings.ALLOWED_HOSTS, settings.DATABASES['default']['ENGINE'], "
            "settings.DATABASES['default']['HOST'], settings.CELERY_TASK_ALWAYS_EAGER, "
            "settings.EMAIL_BACKEND",
            DJANGO_DEBUG="False",
            DJANGO_SECRET_KEY=SECRET,
            DJANGO_ALLOWED_HOSTS="portal.example.org, www.portal.example.org",
            DATABASE_URL="postgres://knn:geheim@postgres:5432/knn",
            CELERY_BROKER_URL="redis://redis:6379/0",
        )
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == (
            "(False, ['portal.example.org', 'www.portal.example.org'], "
            "'django.db.backends.postgresql', 'postgres', False, "
            "'django.core.mail.backends.smtp.EmailBackend')"
        )

    def test_embedded_default(self, tmp_path):
        result = load_settings(
            tmp_path,
            "settings.DATABASES['default']['ENGINE'], settings.CELERY_TASK_ALWAYS_EAGER, "
            "settings.EMAIL_BACKEND, str(settings.MEDIA_ROOT).startswith(str(settings.VAR_DIR))",
            DJANGO_DEBUG="yes",
        )
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == (
            "('django.db.backends.sqlite3', True, "
            "'django.core.mail.backends.console.EmailBackend', True)"
        )


class TestParsers:
    @pytest.mark.parametrize(
        ("raw", "expected"),
        [("1", True), ("TRUE", True), (" yes ", True), ("on", True), ("0", False), ("", False)],
    )
    def test_env_bool(self, monkeypatch, raw, expected):
        monkeypatch.setenv("KNN_TEST_FLAG", raw)
        assert env_bool("KNN_TEST_FLAG", not expected) is expected

    def test_env_bool_default_and_error(self, monkeypatch):
        monkeypatch.delenv("KNN_TEST_FLAG", raising=False)
        assert env_bool("KNN_TEST_FLAG", True) is True
        monkeypatch.setenv("KNN_TEST_FLAG", "ja")
        with pytest.raises(ImproperlyConfigured, match="KNN_TEST_FLAG='ja'"):
            env_bool("KNN_TEST_FLAG", False)

    def test_env_int(self, monkeypatch):
        monkeypatch.setenv("KNN_TEST_INT", "42")
        assert env_int("KNN_TEST_INT", 1) == 42
        monkeypatch.setenv("KNN_TEST_INT", "")
        assert env_int("KNN_TEST_INT", 7) == 7
        for bad in ("4.5", "zehn", "-3"):
            monkeypatch.setenv("KNN_TEST_INT", bad)
            with pytest.raises(ImproperlyConfigured, match="KNN_TEST_INT"):
                env_int("KNN_TEST_INT", 1, minimum=0)

    def test_env_list(self, monkeypatch):
        monkeypatch.setenv("KNN_TEST_LIST", " a.example , ,b.example")
        assert env_list("KNN_TEST_LIST", []) == ["a.example", "b.example"]
        monkeypatch.delenv("KNN_TEST_LIST")
        assert env_list("KNN_TEST_LIST", ["x"]) == ["x"]


class TestLanguage:
    def test_german_first(self, settings):
        assert settings.LANGUAGE_CODE == "de"
        assert [code for code, _name in settings.LANGUAGES] == ["de", "en"]
        assert settings.TIME_ZONE == "Europe/Berlin"
