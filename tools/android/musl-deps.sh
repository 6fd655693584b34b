#!/bin/sh
# Makes Debian's musl for arm64 and armhf available to the cross compilers
# (/usr/lib/<triple>/musl-gcc.specs). musl-dev:arm64 and musl-dev:armhf are foreign-
# architecture packages, so they cannot sit in tools/deps.sh's list (apt-get refuses them
# before `dpkg --add-architecture`); this script adds the architectures and installs them.
# Idempotent: when both specs files exist it changes nothing and needs no root.
set -eu

need=""
[ -f /usr/lib/aarch64-linux-musl/musl-gcc.specs ] || need="$need musl-dev:arm64"
[ -f /usr/lib/arm-linux-musleabihf/musl-gcc.specs ] || need="$need musl-dev:armhf"
[ -n "$need" ] || exit 0

if [ "$(id -u)" != 0 ]; then
  echo "musl-deps: run as root to install$need" >&2
  exit 1
fi
foreign=$(dpkg --print-foreign-architectures)
update=0
for a in arm64 armhf; do
  if ! echo "$foreign" | grep -qx "$a"; then
    echo "musl-deps: dpkg --add-architecture $a" >&2
    dpkg --add-architecture "$a"
    update=1
  fi
done
for p in $need; do
  apt-cache show "$p" >/dev/null 2>&1 || update=1
done
export DEBIAN_FRONTEND=noninteractive
# Other jobs on the machine may hold the dpkg lock: wait for it instead of failing.
if [ "$update" = 1 ]; then apt-get -o DPkg::Lock::Timeout=600 update -qq >&2; fi
apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends $need >&2
echo "musl-deps: installed$need" >&2
