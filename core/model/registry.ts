// The mPlane element registry: every parameter and result column has a name and a
// primitive type. Core elements are the mPlane core registry's; measurements add their
// own, and the union is published in mPlane's registry format (`mplane-0`) so that
// mPlane tools can resolve every column a capability names.
import { JsonObject, JsonValue } from "../util/json";

export type Prim = "string" | "natural" | "real" | "boolean" | "time" | "address" | "url";

export interface Element {
  name: string;
  prim: Prim;
  desc?: string;
}

export const CORE_REGISTRY_URI = "http://ict-mplane.eu/registry/core";
/** Identifier of miniprobe's registry; the document itself: `--registry`, or the collector's /registry. */
export const MINIPROBE_REGISTRY_URI = "https://miniprobe.invalid/registry/1";

const natural: string[] = [
  "delay.twoway.icmp.us", "delay.twoway.icmp.us.min", "delay.twoway.icmp.us.mean", "delay.twoway.icmp.us.max",
  "delay.twoway.icmp.us.count", "delay.twoway.icmp.count", "duration.s", "duration.ms", "duration.us", "duration.ns",
  "source.port", "destination.port", "observer.port", "intermediate.port", "octets.ip", "octets.tcp", "octets.udp",
  "octets.transport", "octets.layer5", "octets.layer7", "octets.duplicate", "octets.outoforder", "octets.lost",
  "octets.unreported", "packets.ip", "packets.tcp", "packets.udp", "packets.transport", "packets.layer5",
  "packets.layer7", "packets.duplicate", "packets.outoforder", "packets.lost", "packets.unreported", "flows",
  "flows.unreported", "delay.oneway.s", "delay.twoway.icmp.s", "delay.oneway.ms", "delay.oneway.us", "delay.oneway.ns",
  "delay.twoway.icmp.ns", "delay.queue.s", "delay.buffer.s", "delay.queue.ms", "delay.queue.us", "delay.buffer.us",
  "delay.buffer.ms", "delay.queue.ns", "delay.buffer.ns", "rtt.s", "rtt.ms", "rtt.us", "rtt.ns", "iat.s", "iat.ms",
  "iat.us", "iat.ns", "hops.ip", "hops.as", "bandwidth.nominal.bps", "bandwidth.nominal.kbps", "bandwidth.nominal.Mbps",
  "bandwidth.partial.bps", "bandwidth.partial.kbps", "bandwidth.partial.Mbps", "bandwidth.imputed.bps",
  "bandwidth.imputed.kbps", "bandwidth.imputed.Mbps", "sessions.transport", "sessions.layer7", "bufferstalls",
  "period.s", "period.ms", "period.us", "period.ns",
];
const strings: string[] = [
  "source.mac", "source.link", "source.interface", "source.device", "destination.mac", "destination.link",
  "destination.interface", "destination.device", "observer.mac", "observer.link", "observer.interface",
  "observer.device", "intermediate.mac", "intermediate.link", "intermediate.interface", "intermediate.device",
];
const addresses: string[] = [
  "source.ip4", "source.ip6", "destination.ip4", "destination.ip6", "observer.ip4", "observer.ip6", "intermediate.ip4",
  "intermediate.ip6",
];

function coreElements(): Element[] {
  const out: Element[] = [
    { name: "start", prim: "time" },
    { name: "end", prim: "time" },
    { name: "time", prim: "time" },
  ];
  for (const n of natural) out.push({ name: n, prim: "natural" });
  for (const n of strings) out.push({ name: n, prim: "string" });
  for (const n of addresses) out.push({ name: n, prim: "address" });
  out.push({ name: "connectivity.ip", prim: "boolean" });
  out.push({ name: "connectivity.as", prim: "boolean" });
  out.push({ name: "url", prim: "url" });
  for (const n of ["cpuload", "memload", "linkload", "bufferload", "snr"]) out.push({ name: n, prim: "real" });
  return out;
}

export class Registry {
  private readonly prims = new Map<string, Prim>();
  private readonly own: Element[] = [];

  constructor() {
    for (const e of coreElements()) this.prims.set(e.name, e.prim);
  }

  /** Adds elements of miniprobe's own (published in its registry document). */
  add(elements: Element[]): void {
    for (const e of elements) {
      const known = this.prims.get(e.name);
      if (known === undefined) {
        this.prims.set(e.name, e.prim);
        this.own.push(e);
      }
    }
  }

  prim(name: string): Prim | undefined {
    return this.prims.get(name);
  }

  /** The registry document in mPlane's format, including the core registry. */
  document(): JsonObject {
    const elems: JsonValue[] = [];
    const sorted = this.own.slice();
    sorted.sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
    for (const e of sorted) {
      const o: JsonObject = { name: e.name, prim: e.prim };
      if (e.desc !== undefined) o["desc"] = e.desc;
      elems.push(o);
    }
    return {
      "registry-format": "mplane-0",
      "registry-uri": MINIPROBE_REGISTRY_URI,
      "registry-revision": 1,
      includes: [CORE_REGISTRY_URI],
      elements: elems,
    };
  }
}
