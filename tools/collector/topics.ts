// Topic names, as in DESIGN.md "Wire formats and topics": <prefix>/<probe>/<kind>.
export const PROBE_KINDS = ["status", "capabilities", "receipt", "result"] as const;
export type ProbeKind = (typeof PROBE_KINDS)[number];
export type Kind = ProbeKind | "spec";

/** A probe id is one topic level and one MQTT user name: no separators, wildcards or blanks. */
const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function validProbeId(id: string): boolean {
  return ID.test(id);
}

export function topicOf(prefix: string, probe: string, kind: Kind): string {
  return prefix + "/" + probe + "/" + kind;
}

/** The probe and kind a topic names, or undefined when it is not one of ours. */
export function parseTopic(prefix: string, topic: string): { probe: string; kind: string } | undefined {
  // indexOf, not split: this runs for every message.
  const p = prefix.length;
  if (topic.charCodeAt(p) !== 47 || !topic.startsWith(prefix)) return undefined;
  const s = topic.indexOf("/", p + 1);
  if (s <= p + 1 || s === topic.length - 1 || topic.indexOf("/", s + 1) !== -1) return undefined;
  return { probe: topic.slice(p + 1, s), kind: topic.slice(s + 1) };
}

/** What a probe may publish to and subscribe to: its own topics, nothing else. */
export function mayPublish(prefix: string, identity: string, topic: string): boolean {
  const t = parseTopic(prefix, topic);
  return t !== undefined && t.probe === identity && (PROBE_KINDS as readonly string[]).includes(t.kind);
}

export function maySubscribe(prefix: string, identity: string, filter: string): boolean {
  return filter === topicOf(prefix, identity, "spec");
}
