# Shared by scripts/run, scripts/test and scripts/bench: installs what the build needs (once,
# into a cache outside the checkout that later runs reuse) and builds Atrium.
#
# Settings (environment):
#   ATRIUM_CACHE      where tools and build outputs are kept   (default ~/.cache/atrium)
#   CARGO_TARGET_DIR  Rust build outputs                        (default $ATRIUM_CACHE/target)

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ATRIUM_CACHE="${ATRIUM_CACHE:-$HOME/.cache/atrium}"
TOOLS="$ATRIUM_CACHE/tools"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ATRIUM_CACHE/target}"
# Incremental state for our crates grew to ~18 GB here; each check builds them once anyway.
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"
export PATH="$ROOT/end2end/node_modules/.bin:$TOOLS/bin:$HOME/.cargo/bin:$PATH"

CARGO_LEPTOS_VERSION="0.3.10"

say() { printf '\033[1;34m==>\033[0m %s\n' "$*"; }
fail() { printf '\033[1;31merror:\033[0m %s\n' "$*" >&2; exit 1; }

# The wasm-bindgen CLI must match the library version in Cargo.lock exactly.
wasm_bindgen_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$ROOT/Cargo.lock"
}

ensure_tools() {
  command -v cargo >/dev/null || fail "cargo is not installed (https://rustup.rs)"
  command -v node >/dev/null && command -v npm >/dev/null || fail "node and npm are needed for the build and browser tests"
  mkdir -p "$TOOLS"

  if ! rustup target list --installed 2>/dev/null | grep -q '^wasm32-unknown-unknown$'; then
    say "adding the wasm32-unknown-unknown Rust target"
    rustup target add wasm32-unknown-unknown
  fi

  if [ "$(cargo-leptos --version 2>/dev/null | awk '{print $2}')" != "$CARGO_LEPTOS_VERSION" ]; then
    say "installing cargo-leptos $CARGO_LEPTOS_VERSION (once; about 15 minutes on 2 cores)"
    cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked --root "$TOOLS"
  fi

  local wbg
  wbg="$(wasm_bindgen_version)"
  if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$wbg" ]; then
    say "installing wasm-bindgen-cli $wbg (once; about 2 minutes)"
    # Without --locked: its lock file pins a crate version the registry no longer has.
    cargo install wasm-bindgen-cli --version "$wbg" --root "$TOOLS" --force
  fi

  # wasm-opt comes from npm's binaryen (Debian's is too old and breaks hydration), with
  # Playwright for the browser tests.
  if [ ! -x "$ROOT/end2end/node_modules/.bin/wasm-opt" ] || [ "$ROOT/end2end/package-lock.json" -nt "$ROOT/end2end/node_modules/.package-lock.json" ]; then
    say "installing the end2end node packages (binaryen, Playwright)"
    (cd "$ROOT/end2end" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

# A fingerprint of everything the release build reads (the sources, and the profile settings
# scripts/test overrides), so an unchanged checkout starts without rebuilding.
source_fingerprint() {
  (cd "$ROOT" && {
    find Cargo.toml Cargo.lock app frontend server services shared style public migrations \
      -type f -not -path '*/node_modules/*' -print0 | sort -z | xargs -0 sha256sum
    echo "lto=${CARGO_PROFILE_RELEASE_LTO:-} codegen-units=${CARGO_PROFILE_RELEASE_CODEGEN_UNITS:-}"
  } | sha256sum | cut -d' ' -f1)
}

build_release() {
  local stamp="$ROOT/target/site/.build-fingerprint" fingerprint
  fingerprint="$(source_fingerprint)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$fingerprint" ] && [ -x "$CARGO_TARGET_DIR/release/atrium" ]; then
    say "release build is up to date"
    return
  fi
  say "building Atrium (release, WebAssembly split per area)"
  (cd "$ROOT" && cargo leptos build --release --split)
  node "$ROOT/scripts/precompress.mjs" "$ROOT/target/site"
  echo "$fingerprint" > "$stamp"
}

# The site the browser tests load: the WebAssembly built as shipped (release profile, split
# per area), the stylesheet and the assets — without the server (the tests run the debug
# server `cargo test` built, the same code unoptimised) and without wasm-opt's size pass,
# which rewrites each of the two hundred split files through npm's binaryen, one Node process
# each (about five minutes on 2 cores). Its passes preserve behaviour, so the tests lose
# nothing; `scripts/run` and `scripts/bench` keep it. The site is built anew each time (no
# fingerprint): it is quick, and the release build's stamp must not match it.
build_test_site() {
  local shim="$TOOLS/without-wasm-opt"
  mkdir -p "$shim"
  cat > "$shim/wasm-opt" <<'SHIM'
#!/bin/sh
# Stands in for wasm-opt in the test build: the file stays as wasm-bindgen wrote it.
if [ "${1:-}" = --version ]; then echo "wasm-opt version 123 (size pass skipped)"; fi
exit 0
SHIM
  chmod +x "$shim/wasm-opt"
  say "building the site for the browser tests (release WebAssembly, without the size pass)"
  (cd "$ROOT" && PATH="$shim:$PATH" cargo leptos build --release --split --frontend-only)
}

# The built binary, for the run and bench commands and the browser tests.
atrium_binary() {
  echo "$CARGO_TARGET_DIR/release/atrium"
}
