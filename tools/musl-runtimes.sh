#!/usr/bin/env bash
# Builds the two agent runtimes against musl, the libc OpenWrt uses, for x86-64 on this
# machine, so the bench can set their memory beside Debian's glibc lua5.1 and our glibc qjs:
#
#   tools/musl-runtimes.sh              # qjs and lua (the default)
#   tools/musl-runtimes.sh qjs-static   # also: what any subset of qjs, qjs-static, lua names
#
# - qjs: QuickJS 2021-03-27 from the npm package qjsc (what tools/build-qjs.sh builds),
#   linked dynamically against musl's libc.so like OpenWrt's quickjs package; its
#   interpreter is /lib/ld-musl-x86_64.so.1. → .cache/musl/qjs/qjs
# - qjs-static: the same, static (the Android recipe, tools/android/cross-qjs.sh).
#   → .cache/musl/qjs-static/qjs
# - lua: Lua 5.1.5 + luasocket 3.1.0 (Debian bookworm's) + luaposix 36.3 (Debian trixie's), no
#   readline (OpenWrt's lua has none), modules as .so files it dlopens, linked dynamically
#   against musl. → .cache/musl/lua/bin/lua5.1, with share/lua/5.1 and lib/lua/5.1 beside
#   it compiled in as its default package.path/cpath (no LUA_PATH needed, and none of
#   Debian's glibc modules in /usr can be picked up).
#
# All three come from Debian's source tarballs, checked against the sha256 pinned here and
# the one their .dsc lists. For luaposix the pool serves only trixie's tarball here, not
# bookworm's 33.4.0 nor trixie's .dsc: its pin is the sha256 trixie's signed Sources index
# lists. 36.x is also closer to what OpenWrt packages (36.2.1). Each part is cached and rebuilt only when its recipe
# stamp changes; one build at a time (a lock), so concurrent callers wait for the winner.
# Prints "<part> <path>" per part built or found.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mkdir -p "$root/.cache/musl"
# .cache may be a symlink into another checkout: bake the real path into the Lua binary.
cache="$(cd "$root/.cache/musl" && pwd -P)"
debian="http://deb.debian.org/debian/pool/main"
jobs="$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)"

LUA_ORIG=lua5.1_5.1.5.orig.tar.gz
LUA_DSC=lua5.1/lua5.1_5.1.5-9.dsc
LUA_SHA256=2640fc56a795f29d28ef15e13c34a47e223960b0240e8cb0a82d9b0738695333
SOCKET_ORIG=luasocket_3.1.0.orig.tar.gz
SOCKET_DSC=luasocket/luasocket_3.1.0-1.dsc
SOCKET_SHA256=35a6819789b51d94a52e6cee12f07cb17cf02927438d76c31231db06bbf31f0b
POSIX_ORIG=lua-posix_36.3.orig.tar.gz
POSIX_DSC=lua-posix/
POSIX_SHA256=82cd9a96c41a4a3205c050206f0564ff4456f773a8f9ffc9235ff8f1907ca5e6

parts=("$@")
[[ ${#parts[@]} -gt 0 ]] || parts=(qjs lua)
for p in "${parts[@]}"; do
  case "$p" in qjs | qjs-static | lua) ;; *) echo "usage: $0 [qjs] [qjs-static] [lua]" >&2; exit 64 ;; esac
done

die() { echo "musl-runtimes: $*" >&2; exit 1; }

# musl-tools is in tools/deps.sh's list; this covers a caller that skipped it.
if ! command -v musl-gcc >/dev/null; then
  [[ "$(id -u)" == 0 ]] || die "musl-gcc not found: run tools/deps.sh as root (installs musl-tools)"
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends musl-tools >&2
fi

exec 9>"$cache/lock"
flock 9
# Build directories are private to this run: none outlives it, even on failure.
trap 'rm -rf "$cache"/build.$$.*' EXIT

stamp_ok() { [[ -f "$1/STAMP" && "$(cat "$1/STAMP")" == "$2" ]]; }

# Downloads Debian's tarball once into .cache/musl/src, checked against the pinned sha256
# and the .dsc's Checksums-Sha256 (a pin that drifted from Debian's own record fails too).
fetch_orig() {
  local dsc="$1" orig="$2" sha="$3" dir="$cache/src"
  local letter="${dsc:0:1}"
  mkdir -p "$dir"
  if [[ ! -f "$dir/$orig" ]] || ! echo "$sha  $dir/$orig" | sha256sum -c --status - 2>/dev/null; then
    curl -fsSL --retry 2 -o "$dir/$orig.tmp" "$debian/$letter/${dsc%%/*}/$orig" || die "download of $orig failed"
    mv "$dir/$orig.tmp" "$dir/$orig"
  fi
  # A dsc given as "<source>/" names no .dsc: the pin alone checks the tarball.
  if [[ "$dsc" != */ ]]; then
    if [[ ! -f "$dir/$(basename "$dsc")" ]]; then
      curl -fsSL --retry 2 -o "$dir/$(basename "$dsc").tmp" "$debian/$letter/$dsc" || die "download of $dsc failed"
      mv "$dir/$(basename "$dsc").tmp" "$dir/$(basename "$dsc")"
    fi
    grep -q "^ $sha [0-9]* $orig\$" "$dir/$(basename "$dsc")" || die "$orig: the pinned sha256 is not the one $(basename "$dsc") lists"
  fi
  echo "$sha  $dir/$orig" | sha256sum -c --quiet - || die "$orig: sha256 mismatch"
}

build_qjs() {
  local kind="$1" ldflags=""
  [[ "$kind" == qjs-static ]] && ldflags=-static
  # LDFLAGS replaces QuickJS's "-g": no debug info, as OpenWrt strips its packages.
  local bin
  bin="$(bash "$root/tools/qjs-make.sh" "$cache/$kind" "x86_64 musl-gcc $(musl-gcc -dumpversion) ${ldflags:-dynamic} O2 r1" strip CC=musl-gcc LDFLAGS="$ldflags")"
  echo "$kind $bin"
}

# What luaposix's build (its lukefile, run by luke) defines on Linux, with the answers its
# checks get from musl: fdatasync, gethostid, posix_fadvise and tm_gmtoff/tm_zone exist;
# Debian's musl declares crypt() but does not define it (the module would fail to load),
# so HAVE_CRYPT stays undefined and posix.unistd has no crypt, which the agent does not use.
POSIX_DEFINES=(-DPACKAGE='"luaposix"' -DVERSION='"36.3"' -DNDEBUG=1 -D_POSIX_C_SOURCE=200809L
  -D_XOPEN_SOURCE=700 -D_DEFAULT_SOURCE=1 -D_BSD_SOURCE=1 -DHAVE_DECL_FDATASYNC=1
  -DHAVE_FDATASYNC=1 -DHAVE_GETHOSTID=1 -DHAVE_POSIX_FADVISE=1 -DHAVE_TM_GMTOFF=1 -DHAVE_TM_ZONE=1)

POSIX_MODULES="unistd sys/wait time fcntl sys/stat dirent signal poll sys/utsname errno stdlib"

build_lua() {
  local out="$cache/lua"
  local recipe="lua $LUA_SHA256 luasocket $SOCKET_SHA256 luaposix $POSIX_SHA256 ${POSIX_DEFINES[*]} ($POSIX_MODULES) musl-gcc $(musl-gcc -dumpversion) dynamic O2 no-readline prefix $out r1"
  if ! stamp_ok "$out" "$recipe"; then
    fetch_orig "$LUA_DSC" "$LUA_ORIG" "$LUA_SHA256"
    fetch_orig "$SOCKET_DSC" "$SOCKET_ORIG" "$SOCKET_SHA256"
    fetch_orig "$POSIX_DSC" "$POSIX_ORIG" "$POSIX_SHA256"
    rm -rf "$out"
    mkdir -p "$out"
    local build log="$cache/lua-build.log"
    build="$(mktemp -d "$cache/build.$$.XXXXXX")"
    # A subshell of its own so that set -e stops at the first failing step.
    local rc=0
    set +e
    (
      set -e
      tar -xzf "$cache/src/$LUA_ORIG" -C "$build"
      tar -xzf "$cache/src/$SOCKET_ORIG" -C "$build"
      tar -xzf "$cache/src/$POSIX_ORIG" -C "$build"
      local posix_src="$build/luaposix-36.3"
      local lua="$build/lua-5.1.5"
      # The default paths: this prefix only (and ./), like OpenWrt's /usr/{share,lib}/lua.
      sed -i "s|^#define LUA_ROOT.*|#define LUA_ROOT \"$out/\"|" "$lua/src/luaconf.h"
      # POSIX + dlopen without LUA_USE_LINUX's readline; -Wl,-E exports the Lua API to the
      # modules, which link against nothing but libc.
      make -C "$lua/src" -j"$jobs" CC=musl-gcc MYCFLAGS="-DLUA_USE_POSIX -DLUA_USE_DLOPEN" MYLIBS="-Wl,-E -ldl" lua
      make -C "$build/luasocket-3.1.0/src" -j"$jobs" PLAT=linux LUAV=5.1 LUAINC_linux="$lua/src" \
        CC_linux=musl-gcc LD_linux=musl-gcc MYCFLAGS=-O2 all
      for m in $POSIX_MODULES; do
        mkdir -p "$build/posix/$(dirname "$m")"
        musl-gcc -O2 -fPIC -shared "${POSIX_DEFINES[@]}" -I"$posix_src/ext/include" -I"$lua/src" \
          -o "$build/posix/$m.so" "$posix_src/ext/posix/$m.c"
      done
    ) >"$log" 2>&1
    rc=$?
    set -e
    if [[ $rc != 0 ]]; then
      tail -n 20 "$log" >&2
      rm -rf "$build"
      die "lua: build failed, see $log"
    fi
    local sd="$build/luasocket-3.1.0/src"
    mkdir -p "$out/bin" "$out/share/lua/5.1" "$out/lib/lua/5.1/socket" "$out/lib/lua/5.1/mime"
    strip -o "$out/bin/lua5.1" "$build/lua-5.1.5/src/lua"
    cp "$sd/socket.lua" "$sd/ltn12.lua" "$sd/mime.lua" "$out/share/lua/5.1/"
    strip -o "$out/lib/lua/5.1/socket/core.so" --strip-unneeded "$sd"/socket-*.so
    strip -o "$out/lib/lua/5.1/mime/core.so" --strip-unneeded "$sd"/mime-*.so
    for m in $POSIX_MODULES; do
      mkdir -p "$out/lib/lua/5.1/posix/$(dirname "$m")"
      strip --strip-unneeded -o "$out/lib/lua/5.1/posix/$m.so" "$build/posix/$m.so"
    done
    rm -rf "$build"
    echo "$recipe" >"$out/STAMP"
  fi
  echo "lua $out/bin/lua5.1"
}

for p in "${parts[@]}"; do
  case "$p" in
    qjs | qjs-static) build_qjs "$p" ;;
    lua) build_lua ;;
  esac
done
