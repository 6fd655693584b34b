// A wait that an interrupt cuts short.
import { Host } from "../../host";
import { Cancel } from "../../cancel";

export function sleepCancel(host: Host, ms: number, cancel: Cancel | undefined): Promise<void> {
  return new Promise<void>((resolve) => {
    let done = false;
    let off: () => void = () => undefined;
    const id = host.setTimer(ms < 0 ? 0 : ms, () => {
      if (done) return;
      done = true;
      off();
      resolve();
    });
    if (cancel !== undefined) {
      off = cancel.onCancel(() => {
        if (done) return;
        done = true;
        host.clearTimer(id);
        resolve();
      });
    }
  });
}
