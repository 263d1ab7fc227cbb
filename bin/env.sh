# Sourced by bin/flask and bin/worker: the project's virtualenv and settings, from any directory.
# APP_ENV comes from the environment, else from .env, else it is development.
ROOT=$(CDPATH='' cd -- "$(dirname -- "$0")/.." && pwd)
VENV_BIN=${VENV:-$ROOT/.venv}/bin
case $VENV_BIN in /*) ;; *) VENV_BIN=$ROOT/$VENV_BIN ;; esac
if [ ! -x "$VENV_BIN/python" ]; then
  echo "$(basename -- "$0"): no virtualenv at ${VENV_BIN%/bin}; run 'make install' in $ROOT first." >&2
  exit 1
fi
if [ -z "${APP_ENV:-}" ]; then
  if [ -f "$ROOT/.env" ]; then
    APP_ENV=$("$VENV_BIN/python" -c 'import sys; from dotenv import dotenv_values; print(dotenv_values(sys.argv[1]).get("APP_ENV") or "")' "$ROOT/.env")
  fi
  APP_ENV=${APP_ENV:-development}
fi
export APP_ENV
export FLASK_APP="$ROOT/run.py"
