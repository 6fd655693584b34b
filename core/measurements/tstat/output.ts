// What Tstat prints (stdout/stderr), as seen in the recorded live transcript: the level it
// runs at, each new output directory, and the statistics it dumps when it stops.
import { parseNatural } from "../../util/num";

export interface TstatOutput {
  packets?: number;
  flowsTcp?: number;
  flowsUdp?: number;
  /** Output directories it announced, in order. */
  outdirs: string[];
  /** Last "TCP log level set to N" value. */
  level?: number;
  /** The interface of "Live capturing on: IF - snaplen = N". */
  iface?: string;
}

function after(line: string, key: string): string | undefined {
  const i = line.indexOf(key);
  return i < 0 ? undefined : line.substring(i + key.length).trim();
}

function leadingNat(text: string): number | undefined {
  let i = 0;
  while (i < text.length && text.substring(i, i + 1) >= "0" && text.substring(i, i + 1) <= "9") i = i + 1;
  return i === 0 ? undefined : parseNatural(text.substring(0, i));
}

export function parseTstatOutput(lines: string[], into?: TstatOutput): TstatOutput {
  const out: TstatOutput = into !== undefined ? into : { outdirs: [] };
  for (const raw of lines) {
    const line = raw.substring(raw.length - 1) === "\r" ? raw.substring(0, raw.length - 1) : raw;
    let v = after(line, "total packet analized :");
    if (v !== undefined) out.packets = leadingNat(v);
    v = after(line, "total TCP flows analized :");
    if (v !== undefined) out.flowsTcp = leadingNat(v);
    v = after(line, "total UDP flows analized :");
    if (v !== undefined) out.flowsUdp = leadingNat(v);
    v = after(line, "created new outdir ");
    if (v !== undefined && v.length > 0) out.outdirs.push(v);
    v = after(line, "TCP log level set to ");
    if (v !== undefined) out.level = leadingNat(v);
    v = after(line, "Live capturing on: ");
    if (v !== undefined) {
      const sp = v.indexOf(" ");
      out.iface = sp < 0 ? v : v.substring(0, sp);
    }
  }
  return out;
}
