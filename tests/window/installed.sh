#!/usr/bin/env bash
# The installer as an inspector's machine gets it: the .deb installed with the system's
# package tools (its dependencies resolved by apt), the installed app started under Xvfb
# until it shows the enterprise list, then the package removed again.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
deb=$(ls "${CARGO_TARGET_DIR:?}"/release/bundle/deb/*.deb | head -n 1)
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
remove() { as_root env DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq anjian >/dev/null || true; }
trap remove EXIT
as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$deb" >/dev/null
app=$(dpkg -L anjian | grep -E '/bin/anjian$' | head -n 1)
echo "installed $(basename "$deb") ($(du -h "$deb" | cut -f1)): $app"
ANJIAN_APP="$app" xvfb-run -a -s "-screen 0 1366x900x24" node "$here/smoke.mjs"
remove
trap - EXIT
if dpkg -s anjian >/dev/null 2>&1 && dpkg -s anjian | grep -q 'Status: install ok installed'; then
  echo "the package is still installed" >&2
  exit 1
fi
echo "removed"
