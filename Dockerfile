FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 UV_PROJECT_ENVIRONMENT=/opt/venv \
    UV_PYTHON_DOWNLOADS=never PATH=/opt/venv/bin:$PATH
RUN apt-get update && apt-get install -y --no-install-recommends libpango-1.0-0 \
      libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core && rm -rf /var/lib/apt/lists/* \
    && pip install --no-cache-dir uv==0.13.9 && useradd --create-home --uid 10001 atlas
WORKDIR /app
COPY pyproject.toml uv.lock README.md ./
RUN uv sync --frozen --no-dev --no-install-project
COPY graph_schema graph_schema
COPY network network
COPY viz viz
COPY api api
RUN uv sync --frozen --no-dev && mkdir -p /data && chown atlas /data
USER atlas
EXPOSE 8000
HEALTHCHECK CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/api/health')"
CMD ["netzwerkatlas", "serve"]
