#!/bin/sh
# Smoke test in the style of openwrt/packages: run by the packages CI on the target as
#   test.sh <package name> <version>
case "$1" in
	miniprobe-lua|miniprobe-qjs)
		miniprobe --version 2>&1 | grep -F "${2%%-*}" || exit 1
		miniprobe --capabilities >/dev/null || exit 1
		;;
esac
