# shellcheck shell=bash disable=SC2034  # PYTHON is read by the scripts that source this
# Sourced by the test scripts that need a Python package (tests/official-clients/run.sh,
# tests/conformance/run.sh): `python_env DIR PACKAGE VERSION MODULE` sets PYTHON (and, when
# needed, exports PYTHONPATH) to a Python with PACKAGE==VERSION installed, importing MODULE to
# check it. A venv in DIR/.venv keeps us clear of Debian's "externally managed" system Python;
# where the venv module is missing (Debian without python3-venv) it falls back to a --target
# directory DIR/.pydeps on PYTHONPATH. Installs only when neither already holds that version.
python_env() {
  local dir="$1" package="$2" version="$3" module="$4"
  package_ok() {
    "$@" -c "from importlib.metadata import version; import $module; \
assert version('$package') == '$version'" 2>/dev/null
  }
  PYTHON=""
  if [ -x "$dir/.venv/bin/python" ] && package_ok "$dir/.venv/bin/python"; then
    PYTHON="$dir/.venv/bin/python"
  elif [ -d "$dir/.pydeps" ] && PYTHONPATH="$dir/.pydeps" package_ok python3; then
    PYTHON=python3
    export PYTHONPATH="$dir/.pydeps"
  else
    echo "installing $package==$version"
    rm -rf "$dir/.venv"
    if python3 -m venv "$dir/.venv" >/dev/null 2>&1; then
      "$dir/.venv/bin/python" -m pip install --quiet --disable-pip-version-check \
        "$package==$version"
      PYTHON="$dir/.venv/bin/python"
    else
      rm -rf "$dir/.venv" "$dir/.pydeps"
      python3 -m pip install --quiet --disable-pip-version-check --target "$dir/.pydeps" \
        "$package==$version"
      PYTHON=python3
      export PYTHONPATH="$dir/.pydeps"
    fi
  fi
}
