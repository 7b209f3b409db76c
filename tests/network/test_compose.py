"""docker-compose.yml and the Dockerfile fit together and fit the settings.

Parsed with PyYAML, no Docker needed: services, images, commands, the environment each
app service gets against the variables knn_portal/settings.py reads, volumes, health
checks and start-up order.
"""

import ast
import re
import tomllib
from pathlib import Path

import dj_database_url
import pytest
import yaml
from django.conf import settings
from django.urls import resolve

ROOT = Path(settings.BASE_DIR)
APP_SERVICES = ("web", "worker", "beat")
REQUIRED_ENV = {
    "DJANGO_DEBUG",
    "DJANGO_SECRET_KEY",
    "DJANGO_ALLOWED_HOSTS",
    "DATABASE_URL",
    "CELERY_BROKER_URL",
    "DJANGO_MEDIA_ROOT",
}
# Values compose takes from the operator's `.env` (or the shell), for interpolation below.
OPERATOR_ENV = {
    "DJANGO_SECRET_KEY": "s" * 60,
    "DJANGO_ALLOWED_HOSTS": "portal.example.org",
    "POSTGRES_PASSWORD": "geheim",
    "KNN_BASE_URL": "https://portal.example.org",
}


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


@pytest.fixture(scope="module")
def dockerfile():
    return (ROOT / "Dockerfile").read_text()


def interpolate(value: str, env=OPERATOR_ENV) -> str:
    """Compose's ${VAR}, ${VAR:-default} and ${VAR:?error}, enough for this file."""

    def replace(match):
        name, op, arg = match.group(1), match.group(2), match.group(3)
        if name in env:
            return env[name]
        if op == ":?":
            raise AssertionError(f"{name} must be set: {arg}")
        return arg or ""

    return re.sub(r"\$\{(\w+)(?:(:-|:\?)([^}]*))?\}", replace, str(value))


def variables_read_by_settings() -> set[str]:
    """Every environment variable knn_portal/settings.py reads, found in its syntax tree."""
    tree = ast.parse((ROOT / "knn_portal" / "settings.py").read_text())
    readers = {
        "env_bool",
        "env_int",
        "env_list",
        "env_lines",
        "env_email",
        "env_date",
        "env_choice",
    }
    names = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        first = node.args[0]
        if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
            continue
        func = node.func
        if (
            isinstance(func, ast.Name)
            and func.id in readers
            or (
                isinstance(func, ast.Attribute)
                and func.attr == "get"
                and isinstance(func.value, ast.Attribute)
                and func.value.attr == "environ"
            )
        ):
            names.add(first.value)
    return names


def command_text(service) -> str:
    command = service.get("command", "")
    return " ".join(command) if isinstance(command, list) else command


class TestServices:
    def test_the_five_services(self, compose):
        assert set(compose["services"]) == {"web", "worker", "beat", "postgres", "redis"}

    def test_images(self, compose):
        services = compose["services"]
        assert services["postgres"]["image"] == "postgres:15"
        assert services["redis"]["image"] == "redis:7"
        # One image built from the Dockerfile serves web, worker and beat.
        assert services["web"]["build"] == "."
        images = {services[name]["image"] for name in APP_SERVICES}
        assert images == {"knn-portal:latest"}

    def test_web_migrates_then_runs_gunicorn(self, compose):
        command = command_text(compose["services"]["web"])
        assert "manage.py migrate --noinput" in command
        assert "gunicorn knn_portal.wsgi" in command
        assert command.index("migrate") < command.index("gunicorn")
        assert "&&" in command  # gunicorn does not start when the migration fails
        assert "8000:8000" in compose["services"]["web"]["ports"]

    def test_worker_consumes_every_queue_the_settings_route_to(self, compose):
        command = command_text(compose["services"]["worker"])
        assert command.startswith("celery -A knn_portal worker")
        queues = set(re.search(r"-Q (\S+)", command).group(1).split(","))
        routed = {route["queue"] for route in settings.CELERY_TASK_ROUTES.values()}
        assert {settings.CELERY_TASK_DEFAULT_QUEUE, *routed} <= queues
        assert queues == {"default", "reports"}

    def test_beat(self, compose):
        assert command_text(compose["services"]["beat"]).startswith("celery -A knn_portal beat")


class TestEnvironment:
    def test_every_variable_is_one_the_settings_read(self, compose):
        known = variables_read_by_settings()
        assert {"DJANGO_DEBUG", "DATABASE_URL", "CELERY_BROKER_URL"} <= known  # parser works
        for name in APP_SERVICES:
            environment = compose["services"][name]["environment"]
            unknown = set(environment) - known
            assert not unknown, f"{name}: settings.py does not read {sorted(unknown)}"
            assert set(environment) >= REQUIRED_ENV, name

    def test_production_mode_and_secret_from_outside(self, compose):
        environment = compose["services"]["web"]["environment"]
        assert environment["DJANGO_DEBUG"] == "false"
        assert environment["DJANGO_SECRET_KEY"].startswith("${DJANGO_SECRET_KEY:?")
        with pytest.raises(AssertionError, match="DJANGO_SECRET_KEY must be set"):
            interpolate(environment["DJANGO_SECRET_KEY"], env={})

    def test_database_url_points_at_the_postgres_service(self, compose):
        services = compose["services"]
        postgres = {
            key: interpolate(value) for key, value in services["postgres"]["environment"].items()
        }
        for name in APP_SERVICES:
            url = interpolate(services[name]["environment"]["DATABASE_URL"])
            database = dj_database_url.parse(url)
            assert database["ENGINE"] == "django.db.backends.postgresql"
            assert (database["HOST"], database["PORT"]) == ("postgres", 5432)
            assert database["NAME"] == postgres["POSTGRES_DB"]
            assert database["USER"] == postgres["POSTGRES_USER"]
            assert database["PASSWORD"] == postgres["POSTGRES_PASSWORD"]

    def test_broker_points_at_the_redis_service(self, compose):
        for name in APP_SERVICES:
            url = compose["services"][name]["environment"]["CELERY_BROKER_URL"]
            assert re.fullmatch(r"redis://redis:6379/\d+", url)

    def test_health_check_host_is_allowed(self, compose):
        hosts = interpolate(compose["services"]["web"]["environment"]["DJANGO_ALLOWED_HOSTS"])
        assert "portal.example.org" in hosts.split(",")
        assert "127.0.0.1" in hosts.split(",")

    def test_media_lives_on_the_shared_volume(self, compose):
        for name in ("web", "worker"):
            service = compose["services"][name]
            media_root = service["environment"]["DJANGO_MEDIA_ROOT"]
            assert f"media:{media_root}" in service["volumes"]


class TestVolumes:
    def test_named_volumes_are_declared(self, compose):
        declared = set(compose["volumes"])
        used = set()
        for service in compose["services"].values():
            for volume in service.get("volumes", []):
                source = volume.split(":")[0]
                if not source.startswith((".", "/")):
                    used.add(source)
        assert used <= declared
        assert {"pgdata", "media"} <= used

    def test_database_data_on_a_volume(self, compose):
        assert "pgdata:/var/lib/postgresql/data" in compose["services"]["postgres"]["volumes"]


class TestHealth:
    def test_postgres_and_redis_health_checks(self, compose):
        services = compose["services"]
        assert "pg_isready" in " ".join(services["postgres"]["healthcheck"]["test"])
        assert services["redis"]["healthcheck"]["test"] == ["CMD", "redis-cli", "ping"]

    def test_web_health_check_asks_healthz(self, compose):
        test = " ".join(compose["services"]["web"]["healthcheck"]["test"])
        url = re.search(r"http://127\.0\.0\.1:8000(/\S+?)'", test).group(1)
        assert url == "/healthz"
        assert resolve(url).url_name == "healthz"
        # Plain HTTP inside the container: the health check is exempt from the redirect.
        assert any(re.search(pattern, "healthz") for pattern in settings.SECURE_REDIRECT_EXEMPT)

    def test_start_order_waits_for_healthy_dependencies(self, compose):
        services = compose["services"]
        for name in APP_SERVICES:
            depends_on = services[name]["depends_on"]
            assert "redis" in depends_on
            for dependency, condition in depends_on.items():
                assert condition == {"condition": "service_healthy"}, (name, dependency)
                assert "healthcheck" in services[dependency], dependency
        assert "postgres" in services["web"]["depends_on"]
        assert "postgres" in services["worker"]["depends_on"]


class TestDockerfile:
    def test_base_image_matches_the_python_the_project_needs(self, dockerfile):
        assert dockerfile.splitlines()[1] == "FROM python:3.11-slim"
        requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"][
            "requires-python"
        ]
        assert "3.11" in requires

    def test_weasyprint_libraries(self, dockerfile):
        for package in (
            "libpango-1.0-0",
            "libpangoft2-1.0-0",
            "libharfbuzz0b",
            "fonts-dejavu-core",
        ):
            assert package in dockerfile

    def test_install_static_files_and_a_non_root_user(self, dockerfile):
        assert "pip install ." in dockerfile
        assert "collectstatic --noinput" in dockerfile
        assert "compilemessages" in dockerfile
        users = re.findall(r"^USER (\S+)", dockerfile, flags=re.MULTILINE)
        assert users and users[-1] not in {"root", "0"}
        assert dockerfile.index("collectstatic") < dockerfile.index(f"USER {users[-1]}")

    def test_default_command_is_gunicorn(self, dockerfile):
        cmd = re.search(r"^CMD (.+)$", dockerfile, flags=re.MULTILINE).group(1)
        assert cmd.startswith('["gunicorn", "knn_portal.wsgi')

    def test_var_dir_matches_the_compose_media_root(self, dockerfile, compose):
        media_root = compose["services"]["web"]["environment"]["DJANGO_MEDIA_ROOT"]
        assert f"DJANGO_MEDIA_ROOT={media_root}" in dockerfile
        assert f"mkdir -p {media_root}" in dockerfile

    def test_dockerignore_keeps_secrets_and_local_state_out(self):
        ignored = (ROOT / ".dockerignore").read_text().split()
        assert {".env", ".venv", ".git", "var"} <= set(ignored)

    def test_every_dependency_of_the_image_is_in_pyproject(self):
        dependencies = " ".join(
            tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
        )
        for package in ("gunicorn", "celery", "psycopg", "weasyprint", "whitenoise"):
            assert package in dependencies.lower()
