// tstat-capture: runs Tstat live on an interface for the specification's span when none is
// running (binary from the device: option tstat.binary or the discovered tool), writing
// into tstat.logDir with tstat.runtimeConf, and stops it with SIGINT as a person would.
import { Host, Proc } from "../../host";
import { ProbeError } from "../../util/errors";
import { Cell, NONE, ResultTable, RunContext } from "../types";
import { TstatOutput, parseTstatOutput } from "./output";
import { runningTstat, started } from "./procs";
import { sleepCancel } from "./wait";
import { CAPTURE_RESULTS, P_IFACE, requireLogDir, tstatBinary } from "./names";

/** Interface names as the kernel allows them (no '/', no blanks, not an option). */
export function checkInterface(name: string): void {
  const ok = name.length > 0 && name.length <= 15 && name.substring(0, 1) !== "-";
  let bad = !ok;
  for (let i = 0; i < name.length && !bad; i++) {
    const ch = name.substring(i, i + 1);
    const alnum = (ch >= "a" && ch <= "z") || (ch >= "A" && ch <= "Z") || (ch >= "0" && ch <= "9");
    if (!alnum && ch !== "." && ch !== "_" && ch !== "-" && ch !== "@" && ch !== ":") bad = true;
  }
  if (bad) throw new ProbeError("EPARAM", "not an interface name: '" + name + "'", P_IFACE);
}

/** Tstat's command line: live capture on `iface` into logDir, with the conf files when given. */
export function captureArgv(binary: string, iface: string, logDir: string, conf: string | undefined, netConf: string | undefined): string[] {
  const argv = [binary, "-l", "-i", iface, "-s", logDir];
  if (conf !== undefined) {
    argv.push("-T");
    argv.push(conf);
  }
  if (netConf !== undefined) {
    argv.push("-N");
    argv.push(netConf);
  }
  return argv;
}

function mkdir(host: Host, dir: string): Promise<void> {
  return new Promise<void>((resolve) => host.fs.mkdir(dir, () => resolve()));
}

function cell(v: number | undefined): Cell {
  return v === undefined ? NONE : v;
}

export async function runCapture(ctx: RunContext): Promise<ResultTable> {
  const host = ctx.host;
  const opts = ctx.device.options;
  const logDir = requireLogDir(opts);
  const binary = tstatBinary(ctx);
  if (binary === undefined) throw new ProbeError("ENOTOOL", "no tstat binary: set the device option tstat.binary");
  const iface = ctx.params[P_IFACE];
  checkInterface(iface);
  const startMs = host.now();
  const endMs = ctx.run.endMs !== undefined ? ctx.run.endMs : startMs;
  const row = (s: boolean, pid: number | undefined, code: number | undefined, o: TstatOutput, msg: string): ResultTable => ({
    columns: CAPTURE_RESULTS,
    rows: [[
      startMs, host.now(), iface, s, cell(pid), cell(code), cell(o.packets), cell(o.flowsTcp), cell(o.flowsUdp),
      o.outdirs.length, o.outdirs.length > 0 ? o.outdirs[o.outdirs.length - 1] : NONE, msg.length > 0 ? msg : NONE,
    ]],
    startMs: startMs,
    endMs: host.now(),
  });
  const mine = started.get(logDir);
  const others = await runningTstat(host, binary);
  if (mine !== undefined || others.length > 0) {
    const pid = mine !== undefined ? mine : others[0];
    return row(false, pid, undefined, { outdirs: [] }, "a Tstat process is already running");
  }
  const spawn = host.spawn;
  if (spawn === undefined) throw new ProbeError("EUNSUPPORTED", "this host cannot start long-lived processes");
  await mkdir(host, logDir);
  const conf = opts["tstat.runtimeConf"];
  const argv = captureArgv(binary, iface, logDir, conf, opts["tstat.netConf"]);
  ctx.log("info", argv.join(" "));
  const parsed: TstatOutput = { outdirs: [] };
  let lastLine = "";
  let exitCode: number | undefined = undefined;
  let exited = false;
  let onExit: () => void = () => undefined;
  const proc = await new Promise<Proc>((resolve, reject) => {
    spawn(argv, {
      onLine: (line: string) => {
        parseTstatOutput([line], parsed);
        if (line.trim().length > 0) lastLine = line;
      },
      onStderr: (data: string) => {
        const t = data.trim();
        if (t.length > 0) lastLine = t.length > 200 ? t.substring(0, 200) : t;
      },
      onExit: (code: number) => {
        exitCode = code;
        exited = true;
        onExit();
      },
      maxLineBytes: 4096,
    }, (err, p) => (err !== undefined ? reject(new ProbeError(err.code, binary + ": " + err.message)) : resolve(p as Proc)));
  });
  started.set(logDir, proc.pid);
  const exitWait = (ms: number): Promise<void> => new Promise<void>((resolve) => {
    if (exited) {
      resolve();
      return;
    }
    const id = host.setTimer(ms, () => resolve());
    onExit = () => {
      host.clearTimer(id);
      resolve();
    };
  });
  try {
    // Until the scope ends, Tstat exits by itself, or the specification is interrupted.
    const guard = ctx.cancel.child();
    onExit = () => guard.cancel("exited");
    await sleepCancel(host, endMs - host.now(), guard);
    if (!exited) {
      proc.kill("INT");
      await exitWait(5000);
    }
    if (!exited) {
      proc.kill("KILL");
      await exitWait(2000);
    }
  } finally {
    started.delete(logDir);
  }
  return row(true, proc.pid, exitCode, parsed, exitCode !== undefined && exitCode !== 0 && exitCode !== 1 ? lastLine : "");
}
