# PANDA served by gunicorn through bin/start, the same script `make run` uses.
# Debian 12 (bookworm) named, so that the PostgreSQL repository below matches the base image.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=panda_project.settings.production \
    BIND=0.0.0.0:8000 \
    PATH=/app/.venv/bin:$PATH

# pg_dump and pg_restore for `manage.py backup` and `restore`, of the same major version as the
# server in docker-compose.yml (postgres:16): Debian 12 ships only version 15, so they come from
# the PostgreSQL project's own Debian repository (apt.postgresql.org).
ARG POSTGRES_MAJOR=16
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates curl \
    && install -d /usr/share/postgresql-common/pgdg \
    && curl -fsSL -o /usr/share/postgresql-common/pgdg/apt.postgresql.org.asc \
        https://www.postgresql.org/media/keys/ACCC4CF8.asc \
    && echo "deb [signed-by=/usr/share/postgresql-common/pgdg/apt.postgresql.org.asc] https://apt.postgresql.org/pub/repos/apt bookworm-pgdg main" \
        > /etc/apt/sources.list.d/pgdg.list \
    && apt-get update \
    && apt-get install -y --no-install-recommends postgresql-client-${POSTGRES_MAJOR} \
    && apt-get purge -y curl && apt-get autoremove -y \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY requirements.txt requirements-dev.txt ./
# The same steps as the Makefile's install target.
RUN python3 -m venv .venv \
    && .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip \
    && .venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
COPY . .
RUN useradd --system --home /app panda && chown -R panda /app
USER panda

EXPOSE 8000
CMD ["bin/start"]
