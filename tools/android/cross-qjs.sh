#!/usr/bin/env bash
# Cross-builds QuickJS's `qjs` as a static musl executable for an Android CPU, from the
# sources in the npm package qjsc (the same 2021-03-27 release tools/build-qjs.sh builds
# natively). Prints the path of the stripped binary.
#
#   tools/android/cross-qjs.sh arm64-v8a     # aarch64-linux-gnu-gcc + musl (arm64)
#   tools/android/cross-qjs.sh armeabi-v7a   # arm-linux-gnueabihf-gcc + musl (armhf)
#
# Static musl: no dynamic linker or libc is needed on the phone, the binary is 3-4x
# smaller than static glibc and makes none of the newer start-up syscalls (rseq,
# getrandom) Android's seccomp filter may refuse. Cached under .cache/android/qjs-<abi>/;
# rebuilt only when the QuickJS VERSION or this recipe changes (tools/qjs-make.sh).
set -euo pipefail

abi="${1:-}"
case "$abi" in
  arm64-v8a) triple=aarch64-linux-gnu; musl=/usr/lib/aarch64-linux-musl ;;
  armeabi-v7a) triple=arm-linux-gnueabihf; musl=/usr/lib/arm-linux-musleabihf ;;
  *) echo "usage: $0 arm64-v8a|armeabi-v7a" >&2; exit 64 ;;
esac

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"

if ! command -v "$triple-gcc" >/dev/null; then
  echo "cross-qjs: $triple-gcc not found (tools/deps.sh installs gcc-$triple)" >&2
  exit 1
fi
sh "$here/musl-deps.sh"
# CROSS_PREFIX makes QuickJS build a host qjsc (with gcc) to compile repl.js and
# qjscalc.js, and the target objects with CC. LDFLAGS replaces "-g" (no debug info).
exec bash "$root/tools/qjs-make.sh" "$root/.cache/android/qjs-$abi" "$triple musl static O2 r1" "$triple-strip" \
  CROSS_PREFIX="$triple-" CC="$triple-gcc -specs $musl/musl-gcc.specs" LDFLAGS=-static
