# Intervox server image: embedded defaults (SQLite in /data, tiny.en, Piper joe; espeak-ng as the fallback voice);
# the PostgreSQL and Redis clients are installed, so INTERVOX_DATABASE_URL and INTERVOX_REDIS_URL scale it out.
# Coding interviews run candidates' code with Debian's python3 and node in bubblewrap sandboxes, which need
# user namespaces: run the container with `--security-opt seccomp=unconfined` (or a profile allowing them);
# without, /health says `coding: unavailable` and coding interviews are refused.
FROM python:3.11-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends espeak-ng libespeak-ng1 bubblewrap time python3 nodejs npm \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml README.md ./
COPY requirements requirements
COPY core core
COPY media media
COPY stt stt
COPY tts tts
COPY vision vision
COPY orchestrator orchestrator
COPY store store
COPY api api
COPY bench bench
COPY workspace workspace
COPY web web
COPY llm llm
COPY coding coding
RUN pip install --no-cache-dir '.[postgres,redis]' \
 && pip install --no-cache-dir --no-deps -r requirements/vision-no-deps.txt \
 && mkdir -p /usr/local/share/intervox/node \
 && cp coding/eslint/package.json coding/eslint/package-lock.json /usr/local/share/intervox/node/ \
 && cd /usr/local/share/intervox/node && npm ci --omit=dev --ignore-scripts --no-audit --no-fund
ENV INTERVOX_HOST=0.0.0.0 \
    INTERVOX_DATABASE_URL=sqlite:////data/intervox.db \
    HF_HUB_OFFLINE=1
VOLUME /data
EXPOSE 8000
CMD ["intervox", "serve"]
