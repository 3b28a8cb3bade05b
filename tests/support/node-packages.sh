# shellcheck shell=bash
# Sourced by the test scripts that need npm packages (tests/dashboard/run.sh, tests/widget/run.sh,
# tests/official-clients/run.sh), so that each package is installed in one place only:
#
#   ensure_node_package DIR PACKAGE
#       installs DIR's package.json dependencies into DIR/node_modules unless PACKAGE is there
#       already at the version DIR/package.json pins: `npm ci` when DIR has a package-lock.json,
#       `npm install` otherwise. Playwright's browsers are never downloaded (Debian's chromium is
#       used). Needs node and the npm registry the first time, nothing but loopback afterwards.

ensure_node_package() {
  local dir="$1" package="$2" wanted installed
  wanted="$(node -p "require('$dir/package.json').dependencies['$package']")"
  installed="$(node -p "try { require('$dir/node_modules/$package/package.json').version } catch { '' }")"
  if [ "$installed" = "$wanted" ]; then
    return 0
  fi
  echo "$(basename "$0"): installing $package@$wanted in $dir"
  if [ -f "$dir/package-lock.json" ]; then
    (cd "$dir" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
  else
    (cd "$dir" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --no-audit --no-fund --loglevel=error)
  fi
}
