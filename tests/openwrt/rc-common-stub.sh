#!/bin/sh
# Test stand-in for OpenWrt's /etc/rc.common, /lib/functions.sh (config_load, config_get,
# config_get_bool) and /lib/functions/procd.sh: it runs an init script's action the way
# rc.common does and records every procd call as one JSON-ish line in $PROCD_LOG, so a test
# can check what procd would be told without procd. UCI values come from $UCI_FILE.
#   sh rc-common-stub.sh /ROOT/etc/init.d/miniprobe start|enable|disable
initscript="$1"
action="$2"

config_load() { :; }
uci_value() {
	# $1 section name, $2 option: the value in $UCI_FILE (last one wins), quotes removed.
	awk -v sec="$1" -v opt="$2" '
		$1 == "config" { gsub(/[\047"]/, "", $3); cur = $3 }
		$1 == "option" && cur == sec && $2 == opt {
			$1 = ""; $2 = ""; v = substr($0, 3); gsub(/^[\047"]|[\047"]$/, "", v); val = v
		}
		END { print val }' "$UCI_FILE"
}
config_get() {
	_v=$(uci_value "$2" "$3")
	[ -n "$_v" ] || _v="$4"
	eval "$1=\"\$_v\""
}
config_get_bool() {
	config_get "$@"
	eval "_b=\$$1"
	case "$_b" in 1|on|true|yes|enabled) eval "$1=1" ;; *) eval "$1=0" ;; esac
}
procd_open_instance() { echo "open_instance" >> "$PROCD_LOG"; }
procd_close_instance() { echo "close_instance" >> "$PROCD_LOG"; }
procd_set_param() { _k="$1"; shift; echo "param $_k $*" >> "$PROCD_LOG"; }
procd_add_reload_trigger() { echo "reload_trigger $*" >> "$PROCD_LOG"; }

. "$initscript"
name=$(basename "$initscript")
case "$action" in
	start) start_service; service_triggers ;;
	enable)
		mkdir -p "$IPKG_INSTROOT/etc/rc.d"
		ln -sf "../init.d/$name" "$IPKG_INSTROOT/etc/rc.d/S${START}${name}"
		ln -sf "../init.d/$name" "$IPKG_INSTROOT/etc/rc.d/K${STOP}${name}" ;;
	disable) rm -f "$IPKG_INSTROOT/etc/rc.d/S"??"$name" "$IPKG_INSTROOT/etc/rc.d/K"??"$name" ;;
	*) echo "stub: unknown action $action" >&2; exit 1 ;;
esac
