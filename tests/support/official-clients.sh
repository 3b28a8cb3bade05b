# shellcheck shell=bash disable=SC2034  # PYTHON is read by the scripts that source this
# Sourced by the test scripts that drive the emulator with HubSpot's official clients
# (tests/official-clients/run.sh, clients/test.sh): `official_clients` installs them once, where
# tests/official-clients keeps them, and every suite reuses that one install:
#   - PyPI hubspot-api-client 12.0.0: a venv in tests/official-clients/.venv (python-env.sh);
#     sets PYTHON (and, without venv, exports PYTHONPATH);
#   - npm @hubspot/api-client 14.0.1: tests/official-clients/node_modules (node-packages.sh).
# They need the Python and npm package registries the first time, nothing but loopback after.

OFFICIAL_CLIENTS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/../official-clients" && pwd)"
PY_CLIENT_VERSION=12.0.0

official_clients() {
  local support
  support="$(dirname "${BASH_SOURCE[0]}")"
  # shellcheck source=SCRIPTDIR/python-env.sh
  . "$support/python-env.sh"
  python_env "$OFFICIAL_CLIENTS_DIR" hubspot-api-client "$PY_CLIENT_VERSION" hubspot.crm.extensions.calling
  # The package declares engines node>=22 but runs on node 20 (global fetch is all it needs);
  # npm only warns about that. Its version is the one tests/official-clients/package.json pins.
  # shellcheck source=SCRIPTDIR/node-packages.sh
  . "$support/node-packages.sh"
  ensure_node_package "$OFFICIAL_CLIENTS_DIR" @hubspot/api-client
}
