# The KNN portal: one image for the web process (gunicorn), the Celery worker and beat.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    KNN_VAR_DIR=/app/var \
    DJANGO_MEDIA_ROOT=/app/var/media

# WeasyPrint renders the PDF reports with Pango and HarfBuzz; DejaVu is the report font.
# gettext compiles the message catalogues below.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b fonts-dejavu-core gettext \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# Dependencies first, so a code change does not reinstall them.
COPY pyproject.toml ./
RUN pip install .

COPY . .

# Settings refuse to load with debug off and no secret: the build gets a throw-away one.
RUN DJANGO_DEBUG=false DJANGO_SECRET_KEY=build-only-not-used-at-run-time \
    DJANGO_ALLOWED_HOSTS=localhost \
    sh -c "python manage.py compilemessages --ignore=.venv -v 0 \
        && python manage.py collectstatic --noinput -v 0"

RUN useradd --create-home --uid 1000 knn \
    && mkdir -p /app/var/media \
    && chown -R knn:knn /app/var
USER knn

EXPOSE 8000
CMD ["gunicorn", "knn_portal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "60", "--access-logfile", "-"]
