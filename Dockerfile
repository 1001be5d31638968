# Intervox server image: one image for every process kind. `intervox serve` (the default: all in one, SQLite in
# /data, tiny.en, Piper joe, espeak-ng as the fallback voice), and `intervox api` / `intervox worker` for a
# scale-out deployment (docker-compose.yml): the PostgreSQL and Redis clients are installed, so
# INTERVOX_DATABASE_URL and INTERVOX_REDIS_URL join it to one.
# Coding interviews run candidates' code with Debian's python3 and node in bubblewrap sandboxes, which need
# user namespaces: run the container with `--security-opt seccomp=unconfined` (or a profile allowing them);
# without, /health says `coding: unavailable` and coding interviews are refused.
FROM python:3.11-slim

# the same Debian packages as ./bootstrap's apt_install: espeak-ng (the fallback voice, pyttsx3's driver),
# bubblewrap + util-linux (prlimit, setpriv) + time + Debian's python3 and node for the coding sandbox, npm
# for ESLint. PyAV, ONNX Runtime, CTranslate2 and OpenCV come as manylinux wheels with their own libraries.
RUN apt-get update \
 && apt-get install -y --no-install-recommends espeak-ng libespeak-ng1 bubblewrap util-linux time python3 nodejs npm \
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
# the package with its model packages (Whisper tiny.en and base, Piper joe, MiniLM), then what
# ./bootstrap's python_env adds: MediaPipe and the face model without their conflicting requirements,
# Smart Turn v3.2 (the end-of-turn model, taken from the pinned pipecat-ai wheel and sha256-checked, into
# /usr/local/share/intervox/models) and ESLint beside the interpreter (coding/lint.py looks there)
RUN pip install --no-cache-dir '.[postgres,redis]' \
 && pip install --no-cache-dir --no-deps -r requirements/vision-no-deps.txt \
 && python -m stt.smart_turn --install \
 && mkdir -p /usr/local/share/intervox/node \
 && cp coding/eslint/package.json coding/eslint/package-lock.json /usr/local/share/intervox/node/ \
 && cd /usr/local/share/intervox/node && npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && rm -rf /root/.npm /root/.cache

# not root: the server needs no privilege (bubblewrap makes its sandboxes in user namespaces). /data is
# created here and owned by this user, so a named volume mounted there starts out writable by it.
RUN useradd --create-home --uid 10001 --user-group intervox \
 && mkdir -p /data \
 && chown intervox:intervox /data
USER intervox
# Whisper base (the accurate second pass) joined once here, into the user's model cache, rather than by
# every new container at its first answer
RUN python -c "from stt.models import assemble_base; assemble_base()"

ENV INTERVOX_HOST=0.0.0.0 \
    INTERVOX_PORT=8000 \
    INTERVOX_DATABASE_URL=sqlite:////data/intervox.db \
    HF_HUB_OFFLINE=1
VOLUME /data
EXPOSE 8000
# every process kind answers GET /health; a worker loads its models before it listens
HEALTHCHECK --interval=10s --timeout=5s --start-period=120s --retries=3 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/health' % os.environ.get('INTERVOX_PORT', '8000'), timeout=4)"
CMD ["intervox", "serve"]
