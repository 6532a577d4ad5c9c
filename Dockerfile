# PANDA served by gunicorn through bin/start, the same script `make run` uses.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=panda_project.settings.production \
    BIND=0.0.0.0:8000 \
    PATH=/app/.venv/bin:$PATH

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
