# Shared by scripts/run-app and scripts/test-all: install what is missing, once.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
APP_PACKAGES=(libwebkit2gtk-4.1-dev libgtk-3-dev librsvg2-dev libsoup-3.0-dev libjavascriptcoregtk-4.1-dev
  libssl-dev pkg-config build-essential file fonts-noto-cjk curl dbus gnome-keyring)
TEST_PACKAGES=(xvfb xauth webkit2gtk-driver chromium poppler-utils zbar-tools qpdf python3-venv postgresql-client)

say() { printf '\033[1m== %s\033[0m\n' "$*"; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

apt_install() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "installing ${missing[*]}"
  as_root apt-get update -q
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
}

need_toolchains() {
  # cargo-installed tools (tauri-driver) land here too.
  export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
  if ! command -v cargo >/dev/null; then
    echo "Rust is missing: install it with rustup (https://rustup.rs), then run this again." >&2
    exit 1
  fi
  local rust
  rust=$(rustc --version | awk '{print $2}')
  if ! printf '1.88.0\n%s\n' "$rust" | sort -V -C; then
    echo "Rust $rust is too old: anjian needs 1.88 or newer (rustup update)." >&2
    exit 1
  fi
  if ! command -v npm >/dev/null; then
    apt_install nodejs npm
  fi
  local node
  node=$(node -p 'process.versions.node')
  # Vite 8 needs Node.js 20.19+ (or 22.12+).
  if ! printf '20.19.0\n%s\n' "$node" | sort -V -C; then
    echo "Node.js $node is too old: the UI build needs Node.js 20.19 or newer." >&2
    exit 1
  fi
}

# The app keeps its store's key in the desktop's Secret Service (GNOME keyring, KWallet).
secret_service_up() {
  [ -n "${DBUS_SESSION_BUS_ADDRESS:-}" ] || return 1
  local bus=(dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus)
  "${bus[@]}" org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q 'boolean true' ||
    "${bus[@]}" org.freedesktop.DBus.ListActivatableNames 2>/dev/null | grep -q '"org.freedesktop.secrets"'
}

# Runs a command with a GNOME keyring of its own (kept in the directory given, unlocked
# with a fixed password) on a D-Bus session of its own: for the tests under Xvfb, and for
# the demo where no desktop keyring answers. Never an inspector's machine.
with_private_keyring() {
  local dir="$1"
  shift
  mkdir -p "$dir"
  dbus-run-session -- bash -c 'printf anjian | XDG_DATA_HOME="$0" gnome-keyring-daemon --unlock --components=secrets >/dev/null && exec "$@"' "$dir" "$@"
}

# One target dir for every build; CI may keep it outside the clone between runs.
choose_target_dir() {
  if [ -z "${CARGO_TARGET_DIR:-}" ]; then
    if [ "${CI:-}" = "true" ] && mkdir -p /var/cache/anjian/target 2>/dev/null && [ -w /var/cache/anjian/target ]; then
      export CARGO_TARGET_DIR=/var/cache/anjian/target
    else
      export CARGO_TARGET_DIR="$ROOT/target"
    fi
  fi
}

ui_deps() {
  if [ ! -d "$ROOT/ui/node_modules" ] || [ "$ROOT/ui/package-lock.json" -nt "$ROOT/ui/node_modules/.package-lock.json" ]; then
    say "installing the UI's npm packages"
    (cd "$ROOT/ui" && npm ci --no-audit --no-fund)
  fi
}

# The app's UI, and the bureau's console (embedded in anjian-server when it is built).
build_ui() {
  say "building the UI and the console"
  (cd "$ROOT/ui" && npm run build && npm run build:console)
}

# The sync tests run against PostgreSQL as well as SQLite: the server named by
# ANJIAN_TEST_PG, else one already on 127.0.0.1:5432, else Debian's, installed and started.
need_postgres() {
  export ANJIAN_TEST_PG="${ANJIAN_TEST_PG:-postgres://postgres:postgres@127.0.0.1:5432/postgres}"
  listening() { (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; }
  if listening; then return 0; fi
  say "installing and starting PostgreSQL for the sync tests"
  apt_install postgresql
  local version
  version=$(ls /etc/postgresql | sort -V | tail -1)
  as_root pg_ctlcluster "$version" main start || as_root service postgresql start
  for _ in $(seq 1 30); do listening && break; sleep 1; done
  # Debian asks for a password over TCP: the tests log in as postgres / postgres.
  as_root su postgres -c "psql -q -c \"ALTER USER postgres PASSWORD 'postgres'\""
}

# Schemathesis (the API fuzzer) in a virtual environment of its own, pinned; prints the
# path of its `st` command.
need_schemathesis() {
  local venv="${XDG_CACHE_HOME:-$HOME/.cache}/anjian/schemathesis-4.32.5"
  if [ ! -x "$venv/bin/st" ]; then
    say "installing Schemathesis" >&2
    python3 -m venv "$venv" >&2
    "$venv/bin/pip" install -q --disable-pip-version-check "schemathesis==4.32.5" >&2
  fi
  echo "$venv/bin/st"
}

# The app's release build and its Linux installers (.deb, .rpm), with Tauri's bundler:
# the app, its font and checklists are inside the binary; nothing is fetched at run time.
build_installers() {
  say "building the app (release) and its installers"
  (cd "$ROOT/src-tauri" && "$ROOT/ui/node_modules/.bin/tauri" build --ci --bundles deb,rpm)
  local bundles="$CARGO_TARGET_DIR/release/bundle"
  ls -l "$bundles"/deb/*.deb "$bundles"/rpm/*.rpm
}
