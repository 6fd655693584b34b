#!/bin/sh
# Installs the Debian packages miniprobe's tests and tools use, and only the missing ones.
# A fresh CI machine (Debian bookworm, root, Node 20) needs one run; afterwards this is a
# no-op that costs one dpkg-query call.
#
#   tools/deps.sh                  # install what is missing

#   DEPS_EXTRA="pkg ..." tools/deps.sh   # more packages
#   DEPS_DRY_RUN=1 tools/deps.sh   # print what would be installed, change nothing
#
# apt-get update runs once, and only when something is missing.
set -eu

pkgs="lua5.1 luajit lua-socket lua-posix busybox iputils-ping iputils-tracepath traceroute
scamper fping mosquitto mosquitto-clients ffmpeg qemu-user-static iproute2 curl
postgresql python3-yaml lua-sec openssl socat chromium
apktool libsmali-java aapt apksigner zipalign dexdump android-framework-res enjarify toybox
openjdk-17-jdk-headless gcc-aarch64-linux-gnu gcc-arm-linux-gnueabihf make musl-tools"

pkgs="$pkgs ${DEPS_EXTRA:-}"

# One dpkg-query for all: unknown packages print nothing (and an error we drop), so
# "missing" is every requested name not reported as "install ok installed".
# busybox-static provides the same /bin/busybox and conflicts with busybox: accept either.
installed=$(dpkg-query -W -f='${Package} ${Status}\n' $pkgs busybox-static 2>/dev/null \
  | awk '$2 == "install" && $4 == "installed" { print $1 }' || true)
missing=""
for p in $pkgs; do
  case " $(echo $installed) " in
    *" $p "*) continue ;;
  esac
  if [ "$p" = busybox ]; then
    case " $(echo $installed) " in *" busybox-static "*) continue ;; esac
  fi
  missing="$missing $p"
done

if [ -z "$missing" ]; then
  echo "deps: all present"
  exit 0
fi
echo "deps: missing:$missing"
if [ "${DEPS_DRY_RUN:-0}" = 1 ]; then
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "deps: run as root to install them" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends $missing
echo "deps: installed:$missing"
