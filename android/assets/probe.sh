# Runs or stops the probe as root on the phone; the wrapper app calls it through su:
#   su -c "sh FILES/bin/probe.sh run FILES"    execs qjs, so su's exit status is the probe's
#   su -c "sh FILES/bin/probe.sh stop FILES"   SIGTERM, then SIGKILL after 5 s
# su takes one command line, so this file is the only place the wrapper uses a shell; it
# is given nothing but the app's own files directory (checked by Supervisor.suCommand).
# Plain POSIX sh: Android's mksh, toybox tools. FILES/probe.log gets the probe's output
# (kept to about 1 MB, one older file probe.log.1); FILES/probe.pid its pid.
verb=${1:-}
d=${2:-}
case "$d" in /*) ;; *) echo "usage: probe.sh run|stop DIR" >&2; exit 64 ;; esac
pidf="$d/probe.pid"

# The pid file may come from an earlier app process that Android killed, or from before
# a reboot (the pid is then someone else's): only a process running this bundle counts.
# A process that has exited but not been reaped yet (a zombie) has an empty cmdline, so
# it no longer counts either.
running() { grep -q "$d/bin/miniprobe.js" "/proc/$1/cmdline" 2>/dev/null; }
ours() {
  p=$(cat "$pidf" 2>/dev/null) || return 1
  case "$p" in '' | *[!0-9]*) return 1 ;; esac
  running "$p" || return 1
  echo "$p"
}

stop_probe() {
  p=$(ours) || { rm -f "$pidf"; return 0; }
  kill -TERM "$p" 2>/dev/null
  n=0
  while [ "$n" -lt 50 ] && running "$p"; do
    sleep 0.1
    n=$((n + 1))
  done
  if running "$p"; then kill -KILL "$p" 2>/dev/null; fi
  rm -f "$pidf"
}

case "$verb" in
  run)
    stop_probe
    mkdir -p "$d/queue"
    log="$d/probe.log"
    if [ -f "$log" ] && [ "$(wc -c <"$log")" -gt 1048576 ]; then mv -f "$log" "$log.1"; fi
    # Android's own tools first: toybox ping and nc, the system curl when there is one.
    PATH="/system/bin:/system/xbin:/vendor/bin${PATH:+:$PATH}"
    export PATH
    echo "$$" >"$pidf"
    exec "$d/bin/qjs" --std "$d/bin/miniprobe.js" --config "$d/config.json" >>"$log" 2>&1
    ;;
  stop)
    stop_probe
    ;;
  *)
    echo "usage: probe.sh run|stop DIR" >&2
    exit 64
    ;;
esac
