#!/usr/bin/env bash
# The test command (`npm test`): installs what the tests need when it is missing
# (idempotent), builds both bundles and the native qjs, then runs the portability lint
# and every test. Works on a fresh Debian bookworm machine with Node 20, npm, python3,
# gcc and git, as root.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*"; }

step "system packages"
bash tools/deps.sh
step "native qjs"
bash tools/build-qjs.sh
step "mipsel sysroot (lua5.1 under qemu-user)"
bash tools/mipsel-sysroot.sh
step "Android interpreters (static musl qjs, arm64 and armv7; cached)"
bash tools/android/cross-qjs.sh arm64-v8a
bash tools/android/cross-qjs.sh armeabi-v7a
step "musl interpreters (qjs, lua5.1 + luasocket + luaposix, x86-64; cached, ~30 s once)"
bash tools/musl-runtimes.sh
step "build"
npm run --silent build
step "typecheck (core, targets, tools, tests)"
npm run --silent typecheck
step "portability lint"
npm run --silent lint
step "tests"
npx ava "$@"
