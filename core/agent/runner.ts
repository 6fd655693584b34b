// Runs one measurement under a deadline: the runner owns the clock, the Cancel handed to
// the measurement (interrupt, SIGTERM, deadline) and the wrapping of errors. A cancel from
// outside settles the run at once with ECANCELED and clears the deadline timer, so nothing
// of the run keeps the program alive.
import { Cancel } from "../cancel";
import { Device, Measurement, ResultTable, Variant } from "../measurements/types";
import { Run } from "../model/when";
import { ProbeError } from "../util/errors";
import { fmtNum } from "../util/num";

export interface RunRequest {
  measurement: Measurement;
  variant: Variant;
  label: string;
  params: { [name: string]: string };
  run: Run;
}

export function runMeasurement(device: Device, req: RunRequest, outer?: Cancel): Promise<ResultTable> {
  const host = device.host;
  const m = req.measurement;
  const run = req.run;
  let spanMs = (run.endMs as number) - run.startMs;
  const own = m.maxDurationMs !== undefined ? m.maxDurationMs(req.params, spanMs) : 0;
  if (own > spanMs) spanMs = own;
  const grace = m.graceMs !== undefined ? m.graceMs : 15000;
  const deadline = host.mono() + spanMs + grace;
  const cancel = outer !== undefined ? outer.child() : new Cancel();
  return new Promise<ResultTable>((resolve, reject) => {
    let settled = false;
    let offOuter: () => void = () => undefined;
    const finish = (err: unknown, t: ResultTable | undefined): void => {
      if (settled) return;
      settled = true;
      host.clearTimer(timer);
      offOuter();
      if (t !== undefined) resolve(t);
      else reject(err);
    };
    const timer = host.setTimer(spanMs + grace, () => {
      cancel.cancel("deadline");
      finish(new ProbeError("ETIMEDOUT", m.name + " did not finish within its scope plus " + fmtNum(grace / 1000) + "s"), undefined);
    });
    if (outer !== undefined) {
      offOuter = outer.onCancel((why) => finish(new ProbeError("ECANCELED", m.name + " cancelled: " + why), undefined));
    }
    if (settled) return;
    m.run({
      host: host,
      device: device,
      variant: req.variant,
      label: req.label,
      params: req.params,
      run: run,
      deadlineMono: deadline,
      stopped: () => cancel.cancelled,
      cancel: cancel,
      log: (level, msg) => host.log(level, m.name + ": " + msg),
    }).then(
      (t) => finish(undefined, t),
      (e) => finish(e, undefined),
    );
  });
}
