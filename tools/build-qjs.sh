#!/usr/bin/env bash
# Builds QuickJS's own native `qjs` (the interpreter OpenWrt ships) from the sources in
# the npm package qjsc, for running the QuickJS bundle and host tests on this machine.
# Prints the path of the binary. Idempotent: rebuilds only when the binary is missing or
# was built from a different QuickJS VERSION. If QJS is set, that binary is used as is.
set -euo pipefail

if [[ -n "${QJS:-}" ]]; then
  if [[ -x "$QJS" ]]; then echo "$QJS"; exit 0; fi
  echo "build-qjs: QJS=$QJS is not an executable file" >&2
  exit 1
fi

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
src="$root/node_modules/qjsc/deps/quickjs_2021_03_27"
cache="$root/.cache/qjs"
out="$cache/qjs"
stamp="$cache/VERSION"

if [[ ! -f "$src/VERSION" ]]; then
  echo "build-qjs: QuickJS sources not found at $src (run npm install)" >&2
  exit 1
fi
want="$(cat "$src/VERSION")"

up_to_date() { [[ -x "$out" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; }
if up_to_date; then
  echo "$out"
  exit 0
fi

# One build at a time (several test files may ask at once); the winner's binary serves all.
mkdir -p "$cache"
exec 9>"$cache/lock"
if command -v flock >/dev/null; then flock 9; fi
if up_to_date; then
  echo "$out"
  exit 0
fi

# Build in a private copy so node_modules stays untouched.
build="$(mktemp -d "$cache/build.XXXXXX")"
trap 'rm -rf "$build"' EXIT
cp -R "$src/." "$build/"
jobs="$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)"
if ! make -C "$build" -j"$jobs" CONFIG_LTO= qjs >"$cache/build.log" 2>&1; then
  echo "build-qjs: make failed, see $cache/build.log" >&2
  tail -n 20 "$cache/build.log" >&2
  exit 1
fi
cp "$build/qjs" "$out.tmp"
mv "$out.tmp" "$out"
echo "$want" >"$stamp"
echo "$out"
