#!/bin/sh
# Builds .cache/mipsel-sysroot/: Debian's lua5.1 for mipsel (plus luasocket and luaposix)
# unpacked into a folder, so the core can be tried on a router-like CPU under qemu-user,
# and busybox-static (/bin/busybox: the ping and traceroute applets a router has):
#
#   qemu-mipsel-static -L .cache/mipsel-sysroot .cache/mipsel-sysroot/usr/bin/lua5.1 file.lua
#   tools/mipsel-lua file.lua          # the same, with LUA_PATH/LUA_CPATH set to the sysroot
#   tools/mipsel-busybox ping -c 1 127.0.0.1
#
# Nothing is installed: `apt-get install lua5.1:mipsel` would remove the amd64 lua5.1, so
# the packages are fetched with `apt-get download` and unpacked with `dpkg-deb -x`.
# The dependency closure is computed with `apt-cache depends` (Depends/Pre-Depends only,
# mipsel packages only: arch-all packages such as readline-common hold no code we need).
#
# Idempotent: a stamp file records the package list; a second run with the same list only
# prints the interpreter path. FORCE=1 rebuilds. MIPSEL_EXTRA="busybox ..." adds packages.
# Needs root only the first time (dpkg --add-architecture mipsel; apt-get update).
# Prints the interpreter path on stdout (progress goes to stderr).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
root=${MIPSEL_SYSROOT:-$repo/.cache/mipsel-sysroot}
arch=mipsel
want="lua5.1 liblua5.1-0 lua-socket lua-posix busybox-static ${MIPSEL_EXTRA:-}"
stamp="$root/.stamp"
stamp_text="packages: $(echo $want | tr ' ' '\n' | sort -u | tr '\n' ' ')"

say() { echo "mipsel-sysroot: $*" >&2; }

if [ "${FORCE:-0}" != 1 ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$stamp_text" ] \
  && [ -e "$root/usr/bin/lua5.1" ] && [ -e "$root/bin/busybox" ]; then
  echo "$root/usr/bin/lua5.1"
  exit 0
fi

command -v qemu-mipsel-static >/dev/null 2>&1 || say "warning: qemu-mipsel-static not found (tools/deps.sh installs qemu-user-static)"

# 1. mipsel package lists.
if ! dpkg --print-foreign-architectures | grep -qx "$arch"; then
  say "dpkg --add-architecture $arch"
  dpkg --add-architecture "$arch"
  need_update=1
else
  need_update=0
fi
if [ "$need_update" = 1 ] || ! apt-cache show "lua5.1:$arch" >/dev/null 2>&1; then
  say "apt-get update"
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
fi

# 2. Dependency closure (breadth-first). For an OR group take the first alternative; a
#    virtual package (<name>) is skipped with a warning when no mipsel provider follows.
#    One apt-cache call per level of the search (each call costs about a second).
deps_of() {
  apt-cache depends --no-recommends --no-suggests --no-conflicts --no-breaks \
    --no-replaces --no-enhances $(for p in "$@"; do printf '%s:%s ' "$p" "$arch"; done) 2>/dev/null | awk -v arch="$arch" '
    /^ *\|?(Pre)?Depends:/ {
      name = $2
      if (!skip) {
        if (name ~ /^</) { virt = 1 }
        else if (name ~ (":" arch "$")) { sub(":" arch "$", "", name); print name; virt = 0 }
        else { virt = 0 }
      } else { virt = 0 }
      skip = ($1 ~ /^\|/)
      next
    }
    /^    [^ ]/ && virt { p = $1; if (p ~ (":" arch "$")) { sub(":" arch "$", "", p); print p; virt = 0 } }
  '
}
todo=$(echo $want)
seen=" "
while [ -n "$todo" ]; do
  level=""
  for p in $todo; do
    case "$seen" in *" $p "*) continue ;; esac
    seen="$seen$p "
    level="$level $p"
  done
  [ -n "$level" ] || break
  todo=$(deps_of $level | sort -u | tr '\n' ' ')
done
pkgs=$(echo $seen | tr ' ' '\n' | sort -u | tr '\n' ' ')
say "packages: $pkgs"

# 3. Download and unpack into a fresh folder, then swap it in (an interrupted run never
#    leaves a half-built sysroot behind a valid stamp).
mkdir -p "$(dirname "$root")"
work="$root.tmp.$$"
rm -rf "$work"
mkdir -p "$work/.debs"
trap 'rm -rf "$work"' EXIT
(
  cd "$work/.debs"
  # apt-get download as root warns that it cannot drop privileges to _apt; harmless.
  apt-get download -q $(for p in $pkgs; do printf '%s:%s ' "$p" "$arch"; done) 2>&1 \
    | grep -v -e 'unsandboxed as root' -e '^Get:' >&2 || true
)
n=0
for deb in "$work"/.debs/*.deb; do
  [ -e "$deb" ] || { say "no packages were downloaded"; exit 1; }
  dpkg-deb -x "$deb" "$work"
  n=$((n + 1))
done
[ "$n" -ge "$(echo $pkgs | wc -w)" ] || { say "downloaded $n of $(echo $pkgs | wc -w) packages"; exit 1; }

# 4. /usr/bin/lua5.1 must resolve inside the sysroot. Debian ships the binary there, but
#    /usr/bin/lua (and, on some releases, lua5.1 itself) is an update-alternatives link
#    into /etc/alternatives, which dpkg-deb -x does not create: point such links at the
#    real binary with relative links so they work both with -L and from the host.
lua="$work/usr/bin/lua5.1"
if [ -L "$lua" ] || [ ! -e "$lua" ]; then
  real=$(ls "$work"/usr/bin/lua5.1.* "$work"/usr/bin/lua5.1-* 2>/dev/null | head -n 1 || true)
  [ -n "$real" ] || { say "no lua5.1 binary found in the unpacked packages"; exit 1; }
  ln -sf "$(basename "$real")" "$lua"
fi
[ -e "$work/usr/bin/lua" ] || ln -s lua5.1 "$work/usr/bin/lua"
# Absolute symlinks inside the packages point at host paths; make them relative.
find "$work" -type l | while read -r l; do
  t=$(readlink "$l")
  case "$t" in
    /*) if [ -e "$work$t" ]; then
          rel=$(realpath -m --relative-to="$(dirname "$l")" "$work$t")
          ln -sfn "$rel" "$l"
        fi ;;
  esac
done
rm -rf "$work/.debs"
echo "$stamp_text" > "$work/.stamp"
rm -rf "$root"
mv "$work" "$root"
trap - EXIT
say "built $root ($n packages)"
echo "$root/usr/bin/lua5.1"
