#!/usr/bin/env bash
# Builds QuickJS's `qjs` from the sources in the npm package qjsc into DIR/qjs, unless
# DIR/STAMP already names the same recipe (the QuickJS VERSION and RECIPE: everything that
# shapes the binary). One build per DIR at a time (a lock): concurrent callers wait and
# take the winner's binary. Prints DIR/qjs. Shared by tools/build-qjs.sh (native),
# tools/android/cross-qjs.sh (static musl for Android CPUs) and tools/musl-runtimes.sh.
#
#   tools/qjs-make.sh DIR RECIPE STRIP [VAR=value ...]
#
# STRIP is the strip command for the binary, or "-" to keep it as built; the VAR=value
# arguments go to QuickJS's make (CC, LDFLAGS, CROSS_PREFIX ...), which builds without LTO.
set -euo pipefail

if [[ $# -lt 3 ]]; then
  echo "usage: $0 DIR RECIPE STRIP [VAR=value ...]" >&2
  exit 64
fi
dir="$1" what="$2" strip="$3"
shift 3
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
src="$root/node_modules/qjsc/deps/quickjs_2021_03_27"
if [[ ! -f "$src/VERSION" ]]; then
  echo "qjs-make: QuickJS sources not found at $src (run npm install)" >&2
  exit 1
fi
recipe="quickjs $(cat "$src/VERSION") $what $* strip=$strip"

up_to_date() { [[ -x "$dir/qjs" && -f "$dir/STAMP" && "$(cat "$dir/STAMP")" == "$recipe" ]]; }
if up_to_date; then
  echo "$dir/qjs"
  exit 0
fi
mkdir -p "$dir"
exec 9>"$dir/lock"
flock 9
if up_to_date; then
  echo "$dir/qjs"
  exit 0
fi

# Built in a private copy, so node_modules stays untouched.
build="$(mktemp -d "$dir/build.XXXXXX")"
trap 'rm -rf "$build"' EXIT
cp -R "$src/." "$build/"
jobs="$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)"
if ! make -C "$build" -j"$jobs" CONFIG_LTO= "$@" qjs >"$dir/build.log" 2>&1; then
  echo "qjs-make: make failed, see $dir/build.log" >&2
  tail -n 20 "$dir/build.log" >&2
  exit 1
fi
if [[ "$strip" == - ]]; then
  cp "$build/qjs" "$dir/qjs.tmp"
else
  "$strip" -o "$dir/qjs.tmp" "$build/qjs"
fi
mv "$dir/qjs.tmp" "$dir/qjs"
echo "$recipe" >"$dir/STAMP"
echo "$dir/qjs"
