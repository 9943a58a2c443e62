#!/bin/sh
# Create the secret files deploy/compose/compose.yml mounts (only those that are missing).
#
#   deploy/compose/init-secrets.sh            # random tokens and password, self-signed TLS
#
# The folder is mode 0700, so other users of the host cannot read it; the files are 0644
# because Compose (without Swarm) bind-mounts them unchanged and the containers run as
# other users (10001, nginx 101). Replace tls-certificate.pem/.key with the city's
# certificate and audiocodes-token with the token agreed with the gateway.
set -eu
dir="$(cd "$(dirname "$0")" && pwd)/secrets"
mkdir -p "$dir"
chmod 0700 "$dir"
for name in postgres-password rasa-auth-token action-server-token webchat-session-key audiocodes-token; do
    if [ ! -s "$dir/$name" ]; then
        (umask 022; openssl rand -hex 32 > "$dir/$name")
        echo "created $dir/$name"
    fi
done
if [ ! -s "$dir/tls-certificate.pem" ]; then
    (umask 022; openssl req -x509 -newkey rsa:3072 -sha256 -days 30 -nodes -subj "/CN=${BT_SERVER_NAME:-chat.example.de}" \
        -addext "subjectAltName=DNS:${BT_SERVER_NAME:-chat.example.de},DNS:${BT_CONSOLE_SERVER_NAME:-console.example.de}" \
        -keyout "$dir/tls-certificate.key" -out "$dir/tls-certificate.pem" 2>/dev/null)
    chmod 0644 "$dir/tls-certificate.key"
    echo "created a self-signed certificate (30 days) in $dir: replace it with the city's"
fi
