# The portal's production image: web (gunicorn), Celery worker and beat all run from it;
# docker-compose.yml and deploy/kubernetes/ show how. Static files are collected at build time
# and served by WhiteNoise, so no separate static file server is needed.
#
# The newest supported Python by default; any of 3.11, 3.12 and 3.13 (pyproject.toml's
# requires-python) builds the same image:  docker build --build-arg PYTHON_VERSION=3.12 .
ARG PYTHON_VERSION=3.13
FROM python:${PYTHON_VERSION}-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=portal.settings \
    PORTAL_DATA_DIR=/data

WORKDIR /app

# Dependencies first, in a layer of their own, so that a code change does not reinstall
# them. The project declares no packages of its own: this installs exactly the pinned
# runtime dependencies (constraints.txt pins every transitive one).
COPY pyproject.toml constraints.txt README.md ./
RUN pip install -c constraints.txt .

COPY . .

# collectstatic only imports the settings; the key below never signs anything.
RUN SECRET_KEY=collectstatic-only-not-a-real-key python manage.py collectstatic --no-input

# Uploads and signed MoU documents live in /data, a volume (or in object storage when S3_BUCKET
# is set); the application writes nowhere else but /tmp, so it runs as an unprivileged user,
# and under Kubernetes on a read-only root filesystem.
RUN useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin portal \
    && mkdir -p /data/media /data/private-media \
    && chown -R portal:portal /data
USER portal

EXPOSE 8000
CMD ["gunicorn", "portal.wsgi", "--bind=0.0.0.0:8000", "--workers=3", "--access-logfile=-", "--logger-class=portal.gunicorn.AccessLogger"]
