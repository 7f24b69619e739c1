# Deference in HTTP mode: gunicorn with threaded workers, as a non-root user.
# Build: docker build -t deference .   Run: docker run --env-file .env -p 3000:3000 deference
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# Noto Sans CJK: charts draw Chinese, Japanese and Korean names (app/charts/fonts.py).
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-noto-cjk \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /src
COPY pyproject.toml README.md ./
COPY app ./app
RUN pip install ".[postgres]" \
    && useradd --create-home --uid 10001 deference \
    && mkdir /data && chown deference /data

USER deference
WORKDIR /data
# SQLite in /data by default (mount a volume there), one worker. With PostgreSQL in
# DATABASE_URL, set WEB_CONCURRENCY to run several gunicorn workers (one scheduler among them).
ENV PORT=3000 \
    WEB_CONCURRENCY=1 \
    DATABASE_URL=sqlite:////data/deference.db
EXPOSE 3000

HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD python -c "import os, urllib.request as u; u.build_opener(u.ProxyHandler({})).open('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '3000'), timeout=4)"

CMD ["deference-bot", "serve", "--host", "0.0.0.0"]
