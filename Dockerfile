# One image for every process of the Bürgertelefon: Rasa, the action server, the console,
# the web server, the migration job and the nginx config renderer (deploy/README in README.md,
# "Operations"). Secrets are never part of it: they come from the environment or from files
# (`<NAME>_FILE`, Compose `secrets:`, Kubernetes Secrets) at run time.
#
#   make train && docker build -t buergertelefon:0.1.0 .
#
# The trained model is copied in from models/ (one image = code + model + knowledge of a
# release). To mount it instead, build with --build-arg MODEL_DIR=deploy/empty-models and
# mount a folder with buergertelefon.tar.gz at /app/models (read-only).

FROM node:20.18-bookworm-slim AS webchat
WORKDIR /src/channels/webchat
COPY channels/webchat/package.json channels/webchat/package-lock.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY channels/webchat/ ./
RUN node build.mjs

FROM python:3.10-slim-bookworm
ARG MODEL_DIR=models
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PYTHONHASHSEED=0 \
    PYTHONPATH=/app \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    TF_CPP_MIN_LOG_LEVEL=2 \
    SQLALCHEMY_SILENCE_UBER_WARNING=1 \
    RASA_TELEMETRY_ENABLED=false \
    LOG_FORMAT=json \
    HOME=/tmp \
    RASA_CACHE_DIRECTORY=/tmp/rasa-cache
RUN groupadd --system --gid 10001 bt && useradd --system --uid 10001 --gid bt --home-dir /app --shell /usr/sbin/nologin bt
WORKDIR /app
COPY pyproject.toml README.md ./
# The pinned dependencies in a layer of their own, rebuilt only when pyproject.toml changes: the
# project is installed from empty packages and uninstalled again, so a change of the code does not
# reinstall Rasa and TensorFlow. The processes run from /app (WORKDIR, PYTHONPATH), where
# bot.config.PROJECT_ROOT finds domain.yml, data/knowledge, telephony.yml, handoff.yml and the endpoints.
RUN mkdir bot actions channels && touch bot/__init__.py actions/__init__.py channels/__init__.py && \
    pip install --upgrade pip 'setuptools<70' wheel && pip install . && pip uninstall --yes buergertelefon && \
    rm -rf bot actions channels build buergertelefon.egg-info
COPY bot/ bot/
COPY actions/ actions/
COPY channels/ channels/
RUN python -m bot build-spacy --out build/spacy-de-lookups
COPY domain.yml config.yml endpoints.production.yml credentials.production.yml credentials.audiocodes.yml \
     telephony.yml handoff.yml ./
COPY data/knowledge/ data/knowledge/
COPY deploy/ deploy/
COPY deploy/docker-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
COPY --from=webchat /src/channels/webchat/dist/ channels/webchat/dist/
COPY ${MODEL_DIR}/ models/
# /srv/nginx-conf: the nginx configuration rendered by deploy/nginx/render.py (a volume shared with nginx).
RUN chmod 0755 /usr/local/bin/docker-entrypoint.sh && chmod -R a-w /app && \
    install -d -o bt -g bt -m 0755 /srv/nginx-conf
USER 10001:10001
EXPOSE 5005 5055 8080 8090 9105 9106 9107
ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]
CMD ["python", "-m", "bot", "--help"]
