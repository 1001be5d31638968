# Intervox server image: embedded defaults (SQLite in /data, tiny.en, Piper joe; espeak-ng as the fallback voice).
FROM python:3.11-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends espeak-ng libespeak-ng1 \
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
RUN pip install --no-cache-dir . \
 && pip install --no-cache-dir --no-deps -r requirements/vision-no-deps.txt
ENV INTERVOX_HOST=0.0.0.0 \
    INTERVOX_DATABASE_URL=sqlite:////data/intervox.db \
    HF_HUB_OFFLINE=1
VOLUME /data
EXPOSE 8000
CMD ["intervox", "serve"]
