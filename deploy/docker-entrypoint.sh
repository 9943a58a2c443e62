#!/bin/sh
# Entry point of the image: `<NAME>_FILE` for the settings below, then the command.
#
# bot/secrets.py reads RASA_AUTH_TOKEN, ACTION_SERVER_TOKEN and WEBCHAT_SESSION_KEY from
# `<NAME>_FILE` itself, so they stay out of the environment. The settings below are secret
# too but are read from the environment by Rasa's endpoints and credentials files
# (${TRACKER_DB_PASSWORD}, ${AUDIOCODES_TOKEN}), libpq (PGPASSWORD) or as database URLs: when `<NAME>_FILE` is set (and NAME is not), NAME is read
# from that file here. Only these names: other `*_FILE` variables (SSL_CERT_FILE …) mean
# something else. Values are never printed.
set -eu
FILE_SETTINGS="TRACKER_DB_PASSWORD PGPASSWORD AUDIOCODES_TOKEN KNOWLEDGE_DB_URL STAFF_DB_URL TELEPHONY_DB_URL
TELEPHONY_REDIS_URL WEBCHAT_REDIS_URL"
for name in $FILE_SETTINGS; do
    eval "file=\${${name}_FILE:-}"
    eval "given=\${${name}:-}"
    if [ -z "$file" ] || [ -n "$given" ]; then
        continue
    fi
    if [ ! -r "$file" ]; then
        echo "error: ${name}_FILE names a file that cannot be read" >&2
        exit 2
    fi
    value=$(cat "$file")
    export "$name=$value"
    unset "${name}_FILE"
done
unset name file given value FILE_SETTINGS
exec "$@"
