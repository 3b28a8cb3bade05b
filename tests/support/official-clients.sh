# shellcheck shell=bash disable=SC2034  # PYTHON is read by the scripts that source this
# Sourced by the test scripts that drive the emulator with HubSpot's official clients
# (tests/official-clients/run.sh, clients/test.sh): `official_clients` installs them once, where
# tests/official-clients keeps them, and every suite reuses that one install:
#   - PyPI hubspot-api-client 12.0.0: a venv in tests/official-clients/.venv (python-env.sh);
#     sets PYTHON (and, without venv, exports PYTHONPATH);
#   - npm @hubspot/api-client 14.0.1: tests/official-clients/node_modules; sets NODE_CLIENTS_DIR.
# They need the Python and npm package registries the first time, nothing but loopback after.

OFFICIAL_CLIENTS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/../official-clients" && pwd)"
PY_CLIENT_VERSION=12.0.0
NODE_CLIENT_VERSION=14.0.1

official_clients() {
  # shellcheck source=SCRIPTDIR/python-env.sh
  . "$(dirname "${BASH_SOURCE[0]}")/python-env.sh"
  python_env "$OFFICIAL_CLIENTS_DIR" hubspot-api-client "$PY_CLIENT_VERSION" hubspot.crm.extensions.calling
  # The package declares engines node>=22 but runs on node 20 (global fetch is all it needs);
  # npm only warns about that.
  local installed
  installed="$(node -p "try { require('$OFFICIAL_CLIENTS_DIR/node_modules/@hubspot/api-client/package.json').version } catch { '' }")"
  if [ "$installed" != "$NODE_CLIENT_VERSION" ]; then
    echo "installing @hubspot/api-client@$NODE_CLIENT_VERSION"
    (cd "$OFFICIAL_CLIENTS_DIR" && npm install --no-audit --no-fund --loglevel=error)
  fi
}
