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

/** The mPlane core registry (the RI's mplane/registry.json, revision 0): name → primitive. */
const CORE: { [prim: string]: string[] } = {
  time: [
    "start", "end", "time",
  ],
  natural: [
    "duration.s", "duration.ms", "duration.us", "duration.ns", "source.port", "source.as", "destination.port",
    "destination.as", "observer.as", "intermediate.port", "intermedate.as", "octets.ip", "octets.tcp", "octets.udp",
    "octets.transport", "octets.layer5", "octets.layer7", "packets.ip", "packets.tcp", "packets.udp",
    "packets.transport", "packets.layer5", "packets.layer7", "packets.duplicate", "packets.outoforder",
    "packets.lost", "packets.unobserved", "flows", "flows.bidirectional", "delay.twoway.icmp.us",
    "delay.twoway.icmp.us.min", "delay.twoway.icmp.us.mean", "delay.twoway.icmp.us.50pct",
    "delay.twoway.icmp.us.max", "delay.twoway.icmp.count", "delay.oneway.owamp.us", "delay.oneway.owamp.us.min",
    "delay.oneway.owamp.us.mean", "delay.oneway.owamp.us.50pct", "delay.oneway.owamp.us.max",
    "delay.oneway.owamp.count", "delay.queue.us", "delay.queue.us.min", "delay.queue.us.mean",
    "delay.queue.us.50pct", "delay.queue.us.max", "delay.buffer.us", "delay.resolution.ms", "delay.firstbyte.ms",
    "rtt.ms", "rtt.us", "iat.ms", "iat.us", "hops.ip", "hops.as", "bandwidth.nominal.bps", "bandwidth.nominal.kbps",
    "bandwidth.nominal.Mbps", "bandwidth.partial.bps", "bandwidth.partial.kbps", "bandwidth.partial.Mbps",
    "bandwidth.imputed.bps", "bandwidth.imputed.kbps", "bandwidth.imputed.Mbps", "sessions.transport",
    "sessions.layer7", "bufferstalls", "period.s", "period.ms", "period.us", "period.ns", "measurement.revision",
  ],
  real: [
    "fps.nominal", "fps.achieved", "fps.achieved.min", "fps.achieved.mean", "fps.achieved.max", "cpuload", "memload",
    "linkload", "bufferload", "snr", "location.latitude", "location.longitude", "location.altitude",
  ],
  string: [
    "source.interface", "source.device", "destination.interface", "destination.device", "observer.link",
    "observer.interface", "observer.device", "measurement.identifier", "measurement.algorithm", "location.civil",
    "System_type", "System_ID", "System_version",
  ],
  boolean: [
    "connectivity.ip", "connectivity.as",
  ],
  address: [
    "source.ip4", "source.ip6", "destination.ip4", "destination.ip6", "observer.ip4", "observer.ip6",
    "intermediate.ip4", "intermediate.ip6",
  ],
  url: [
    "destination.url", "content.url",
  ],
};

const PRIMS: Prim[] = ["time", "natural", "real", "string", "boolean", "address", "url"];

/** Every element of the mPlane core registry. */
export function coreElements(): Element[] {
  const out: Element[] = [];
  for (const p of PRIMS) for (const n of CORE[p]) out.push({ name: n, prim: p });
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

  /** Is `name` an element of miniprobe's own (not of the core registry)? */
  isOwn(name: string): boolean {
    for (const e of this.own) if (e.name === name) return true;
    return false;
  }

  /**
   * The registry document in mPlane's format. `includes` names the core registry as the
   * mPlane protocol spells it; the RI's develop branch reads `include` instead, so the key
   * is written both ways (each reader ignores the other's), and the core registry URI is
   * one both branches resolve locally.
   */
  document(uri: string = MINIPROBE_REGISTRY_URI): JsonObject {
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
      "registry-uri": uri,
      "registry-revision": 1,
      includes: [CORE_REGISTRY_URI],
      include: [CORE_REGISTRY_URI],
      elements: elems,
    };
  }
}
