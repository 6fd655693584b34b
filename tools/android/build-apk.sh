#!/usr/bin/env bash
# Builds dist/miniprobe.apk (npm run package:android): the wrapper app (android/), the
# QuickJS bundle (dist/miniprobe.js, from `npm run build`) and static musl qjs for
# arm64-v8a and armeabi-v7a (tools/android/cross-qjs.sh), signed.
#
# Debian has no Java-to-dex compiler (no d8/dx/android.jar), so the app is smali:
#   smali a --api 21 android/smali          -> classes.dex
#   aapt package (manifest, res, assets) against Debian's framework-res.apk (read only:
#     no apktool, so no `apktool if` writing through the framework's symlink)
#   aapt add classes.dex lib/<abi>/libqjs.so, zipalign -p 4, apksigner (v1-v3, no v4)
# Signing key: MINIPROBE_KEYSTORE (+ MINIPROBE_KEYSTORE_PASS, optional
# MINIPROBE_KEY_ALIAS, MINIPROBE_KEY_PASS) or else a debug key generated once into
# .cache/android/debug.keystore (kept, so a rebuilt APK installs over the last one).
# APK_OUT overrides the output path. Prints the APK's path and size.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="${APK_OUT:-$root/dist/miniprobe.apk}"
bundle="$root/dist/miniprobe.js"
framework=/usr/share/android-framework-res/framework-res.apk
cache="$root/.cache/android"

die() { echo "build-apk: $*" >&2; exit 1; }
[[ -f "$bundle" ]] || die "$bundle missing (npm run build)"
[[ -f "$framework" ]] || die "$framework missing (tools/deps.sh installs android-framework-res)"
for t in smali aapt zipalign apksigner keytool; do
  command -v "$t" >/dev/null || die "$t not found (tools/deps.sh installs it)"
done

arm64="$("$here/cross-qjs.sh" arm64-v8a)"
armv7="$("$here/cross-qjs.sh" armeabi-v7a)"

mkdir -p "$cache" "$(dirname "$out")"
exec 8>"$cache/apk.lock"
flock 8

version="$(node -p 'require(process.argv[1]).version' "$root/package.json")"
IFS=. read -r major minor patch <<<"${version%%-*}"
code=$((major * 10000 + minor * 100 + patch))

work="$(mktemp -d "$cache/apk.XXXXXX")"
trap 'rm -rf "$work"' EXIT

smali a --api 21 -o "$work/classes.dex" "$root/android/smali"

# assets/js: the QuickJS bundle and the chunks it loads when a measurement first runs; the
# root runner copies every file of it beside qjs.
mkdir -p "$work/assets/js"
cp "$bundle" "$root"/dist/miniprobe-*.js "$work/assets/js/"
cp "$root/android/assets/probe.sh" "$work/assets/probe.sh"
aapt package -f \
  -M "$root/android/AndroidManifest.xml" -S "$root/android/res" -A "$work/assets" \
  -I "$framework" --min-sdk-version 21 --target-sdk-version 28 \
  --version-code "$code" --version-name "$version" \
  -F "$work/unsigned.apk"

# aapt add stores paths as given: add from a folder laid out like the APK.
mkdir -p "$work/stage/lib/arm64-v8a" "$work/stage/lib/armeabi-v7a"
cp "$work/classes.dex" "$work/stage/classes.dex"
cp "$arm64" "$work/stage/lib/arm64-v8a/libqjs.so"
cp "$armv7" "$work/stage/lib/armeabi-v7a/libqjs.so"
(cd "$work/stage" && aapt add "$work/unsigned.apk" classes.dex lib/arm64-v8a/libqjs.so lib/armeabi-v7a/libqjs.so >/dev/null)

zipalign -p -f 4 "$work/unsigned.apk" "$work/aligned.apk"

if [[ -n "${MINIPROBE_KEYSTORE:-}" ]]; then
  [[ -f "$MINIPROBE_KEYSTORE" ]] || die "MINIPROBE_KEYSTORE=$MINIPROBE_KEYSTORE is not a file"
  [[ -n "${MINIPROBE_KEYSTORE_PASS:-}" ]] || die "MINIPROBE_KEYSTORE is set but MINIPROBE_KEYSTORE_PASS is not"
  sign=(--ks "$MINIPROBE_KEYSTORE" --ks-pass env:MINIPROBE_KEYSTORE_PASS)
  [[ -n "${MINIPROBE_KEY_ALIAS:-}" ]] && sign+=(--ks-key-alias "$MINIPROBE_KEY_ALIAS")
  [[ -n "${MINIPROBE_KEY_PASS:-}" ]] && sign+=(--key-pass env:MINIPROBE_KEY_PASS)
else
  ks="$cache/debug.keystore"
  if [[ ! -f "$ks" ]]; then
    keytool -genkeypair -keystore "$ks.tmp" -storetype PKCS12 -storepass android \
      -alias miniprobe-debug -keyalg RSA -keysize 2048 -validity 10000 \
      -dname "CN=miniprobe debug, O=miniprobe" >/dev/null 2>&1 || die "keytool failed"
    mv "$ks.tmp" "$ks"
  fi
  sign=(--ks "$ks" --ks-pass pass:android --ks-key-alias miniprobe-debug)
fi
apksigner sign "${sign[@]}" --v4-signing-enabled false --out "$work/signed.apk" "$work/aligned.apk"
mv "$work/signed.apk" "$out"

size() { stat -c %s "$1"; }
echo "$out"
js=0
for f in "$work"/assets/js/*.js; do js=$((js + $(size "$f"))); done
printf 'build-apk: %s %d bytes (classes.dex %d, qjs arm64-v8a %d, armeabi-v7a %d, assets/js %d)\n' \
  "${out#"$root"/}" "$(size "$out")" "$(size "$work/classes.dex")" "$(size "$arm64")" "$(size "$armv7")" "$js" >&2
