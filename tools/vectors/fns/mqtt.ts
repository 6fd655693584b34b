// MQTT vectors (tests/vectors/mqtt.json, made by tools/vectors/gen-mqtt.mjs with
// mqtt-packet). Packets are JSON in mqtt-packet's shape; text and numbers follow
// tools/vectors/fns/report.ts; payloads and passwords are bytes: a JSON string stands for
// its UTF-8 bytes, {"hex"} for any bytes.
import { JSON_NULL, JsonObject, JsonValue, isJsonObject } from "../../../core/util/json";
import { ProbeError } from "../../../core/util/errors";
import { fromHex, toHex } from "../../../core/report/bytes";
import { utf8Encode } from "../../../core/report/utf8";
import { Packet, Subscription, encodePacket, decodePacket, remainingLength } from "../../../core/mqtt/packet";
import { PacketParser } from "../../../core/mqtt/parser";
import { Backoff } from "../../../core/mqtt/backoff";
import { bytesOut, textIn, textOut } from "./report";
import { VectorFn } from "./types";

function bytesIn(v: JsonValue | undefined): string {
  if (v === undefined) return "";
  if (typeof v === "string") return utf8Encode(v);
  if (isJsonObject(v) && typeof v["hex"] === "string") return fromHex(v["hex"] as string);
  throw new ProbeError("EINPUT", "bytes must be a string or {hex}");
}

function num(v: JsonValue | undefined): number {
  return typeof v === "number" ? v : 0;
}

function packetIn(v: JsonValue): Packet {
  const o = v as JsonObject;
  const cmd = o["cmd"] as string;
  if (cmd === "connect") {
    const p: Packet = { cmd: "connect", clientId: textIn(o["clientId"]), clean: o["clean"] === true, keepalive: num(o["keepalive"]) };
    if (o["username"] !== undefined) p.username = textIn(o["username"]);
    if (o["password"] !== undefined) p.password = bytesIn(o["password"]);
    const w = o["will"];
    if (isJsonObject(w)) p.will = { topic: textIn(w["topic"]), payload: bytesIn(w["payload"]), qos: num(w["qos"]), retain: w["retain"] === true };
    return p;
  }
  if (cmd === "connack") return { cmd: "connack", sessionPresent: o["sessionPresent"] === true, returnCode: num(o["returnCode"]) };
  if (cmd === "publish") {
    const p: Packet = { cmd: "publish", topic: textIn(o["topic"]), payload: bytesIn(o["payload"]), qos: num(o["qos"]), retain: o["retain"] === true, dup: o["dup"] === true };
    if (o["messageId"] !== undefined) p.messageId = num(o["messageId"]);
    return p;
  }
  if (cmd === "subscribe") {
    const subs: Subscription[] = [];
    for (const s of o["subscriptions"] as JsonValue[]) {
      const so = s as JsonObject;
      subs.push({ topic: textIn(so["topic"]), qos: num(so["qos"]) });
    }
    return { cmd: "subscribe", messageId: num(o["messageId"]), subscriptions: subs };
  }
  if (cmd === "suback") {
    const g: number[] = [];
    for (const x of o["granted"] as JsonValue[]) g.push(x as number);
    return { cmd: "suback", messageId: num(o["messageId"]), granted: g };
  }
  if (cmd === "unsubscribe") {
    const t: string[] = [];
    for (const x of o["unsubscriptions"] as JsonValue[]) t.push(textIn(x));
    return { cmd: "unsubscribe", messageId: num(o["messageId"]), unsubscriptions: t };
  }
  if (cmd === "puback" || cmd === "pubrec" || cmd === "pubrel" || cmd === "pubcomp" || cmd === "unsuback") {
    return { cmd: cmd, messageId: num(o["messageId"]) };
  }
  return { cmd: cmd } as Packet;
}

function packetOut(p: Packet): JsonObject {
  if (p.cmd === "connect") {
    const o: JsonObject = { cmd: "connect", protocolId: p.protocolId === undefined ? "MQTT" : p.protocolId, protocolVersion: p.protocolVersion === undefined ? 4 : p.protocolVersion, clientId: textOut(p.clientId), clean: p.clean, keepalive: p.keepalive };
    if (p.username !== undefined) o["username"] = textOut(p.username);
    if (p.password !== undefined) o["password"] = bytesOut(p.password);
    if (p.will !== undefined) o["will"] = { topic: textOut(p.will.topic), payload: bytesOut(p.will.payload), qos: p.will.qos, retain: p.will.retain };
    return o;
  }
  if (p.cmd === "connack") return { cmd: "connack", sessionPresent: p.sessionPresent, returnCode: p.returnCode };
  if (p.cmd === "publish") {
    const o: JsonObject = { cmd: "publish", topic: textOut(p.topic), payload: bytesOut(p.payload), qos: p.qos, retain: p.retain, dup: p.dup };
    if (p.messageId !== undefined) o["messageId"] = p.messageId;
    if (p.oversize !== undefined) o["oversize"] = p.oversize;
    return o;
  }
  if (p.cmd === "subscribe") {
    const subs: JsonValue[] = [];
    for (const s of p.subscriptions) subs.push({ topic: textOut(s.topic), qos: s.qos });
    return { cmd: "subscribe", messageId: p.messageId, subscriptions: subs };
  }
  if (p.cmd === "suback") {
    const g: JsonValue[] = [];
    for (const x of p.granted) g.push(x);
    return { cmd: "suback", messageId: p.messageId, granted: g };
  }
  if (p.cmd === "unsubscribe") {
    const t: JsonValue[] = [];
    for (const x of p.unsubscriptions) t.push(textOut(x));
    return { cmd: "unsubscribe", messageId: p.messageId, unsubscriptions: t };
  }
  if (p.cmd === "puback" || p.cmd === "pubrec" || p.cmd === "pubrel" || p.cmd === "pubcomp" || p.cmd === "unsuback") {
    return { cmd: p.cmd, messageId: p.messageId };
  }
  return { cmd: p.cmd };
}

export const fns: { [name: string]: VectorFn } = {
  "mqtt.encode": (i) => toHex(encodePacket(packetIn(i))),
  "mqtt.decode": (i) => packetOut(decodePacket(fromHex(i as string))),
  "mqtt.remaining": (i) => toHex(remainingLength(i as number)),
  /**
   * in {hex, cuts: offsets where the stream is cut into chunks, max?} -> {packets, chunks:
   * how many packets each chunk completed}; a parse error is the vector's error.
   */
  "mqtt.parse": (i) => {
    const o = i as JsonObject;
    const bytes = fromHex(o["hex"] as string);
    const parser = new PacketParser(o["max"] === undefined ? undefined : (o["max"] as number));
    const cuts: number[] = [];
    for (const c of (o["cuts"] as JsonValue[] | undefined) ?? []) cuts.push(c as number);
    cuts.push(bytes.length);
    const packets: JsonValue[] = [];
    const perChunk: JsonValue[] = [];
    let at = 0;
    for (const c of cuts) {
      const got = parser.push(bytes.substring(at, c));
      at = c;
      perChunk.push(got.length);
      for (const p of got) packets.push(packetOut(p));
    }
    return { packets: packets, chunks: perChunk };
  },
  /** in {initialMs, maxMs, factor, jitter, random: [numbers in 0 ... 1), steps: "n" next | "r" reset} -> delays. */
  "backoff.delays": (i) => {
    const o = i as JsonObject;
    const rnd: number[] = [];
    for (const r of o["random"] as JsonValue[]) rnd.push(r as number);
    let k = 0;
    const b = new Backoff(
      { initialMs: num(o["initialMs"]), maxMs: num(o["maxMs"]), factor: num(o["factor"]), jitter: num(o["jitter"]) },
      () => {
        const r = rnd[k];
        k = k + 1;
        return r === undefined ? 0 : r;
      },
    );
    const out: JsonValue[] = [];
    for (const s of (o["steps"] as string).split("")) {
      if (s === "r") {
        b.reset();
        out.push(JSON_NULL);
      } else out.push(b.next());
    }
    return out;
  },
};
