// MQTT 3.1.1 control packets: types, encoder and strict decoder of one whole packet.
// Field names follow mqtt-packet (the Node library the vectors compare with). Bytes are
// byte strings (core/report/bytes.ts); topics, client id and user name are core text
// sent as UTF-8; payloads and passwords are bytes, passed through untouched.
//
// Decoding is strict: anything MQTT 3.1.1 says a receiver must refuse (reserved flag bits,
// QoS 3, a remaining length of more than four bytes or not matching the packet's fixed
// size, text that is not UTF-8 or holds U+0000, wildcards in a topic name, packet id 0,
// an empty SUBSCRIBE) is a ProbeError with code EPROTO and the field it concerns.
import { ProbeError } from "../util/errors";
import { varint } from "../report/wire";
import { fmtInt } from "../util/num";
import { BYTE } from "../report/bytes";
import { isUtf8, utf8Decode, utf8Encode } from "../report/utf8";

export interface Will {
  topic: string;
  /** Bytes. */
  payload: string;
  qos: number;
  retain: boolean;
}

export interface ConnectPacket {
  cmd: "connect";
  /** "MQTT" (3.1.1, protocolVersion 4) unless decoded from an MQTT 3.1 "MQIsdp" client. */
  protocolId?: string;
  protocolVersion?: number;
  clientId: string;
  clean: boolean;
  /** Seconds, 0 ... 65535 (0: no keepalive). */
  keepalive: number;
  username?: string;
  /** Bytes. */
  password?: string;
  will?: Will;
}

export interface ConnackPacket {
  cmd: "connack";
  sessionPresent: boolean;
  /** 0 accepted; 1 protocol version, 2 client id, 3 server unavailable, 4 bad user name or password, 5 not authorized. */
  returnCode: number;
}

export interface PublishPacket {
  cmd: "publish";
  topic: string;
  /** Bytes. */
  payload: string;
  qos: number;
  retain: boolean;
  dup: boolean;
  /** Present for QoS 1 and 2. */
  messageId?: number;
  /**
   * Set by PacketParser when the packet was larger than its limit: the payload was
   * discarded unread (payload ""), this is its length in bytes.
   */
  oversize?: number;
}

export interface IdPacket {
  cmd: "puback" | "pubrec" | "pubrel" | "pubcomp" | "unsuback";
  messageId: number;
}

export interface Subscription {
  topic: string;
  qos: number;
}

export interface SubscribePacket {
  cmd: "subscribe";
  messageId: number;
  subscriptions: Subscription[];
}

export interface SubackPacket {
  cmd: "suback";
  messageId: number;
  /** Per subscription: the QoS granted (0-2) or 128 (refused). */
  granted: number[];
}

export interface UnsubscribePacket {
  cmd: "unsubscribe";
  messageId: number;
  unsubscriptions: string[];
}

export interface EmptyPacket {
  cmd: "pingreq" | "pingresp" | "disconnect";
}

export type Packet =
  | ConnectPacket
  | ConnackPacket
  | PublishPacket
  | IdPacket
  | SubscribePacket
  | SubackPacket
  | UnsubscribePacket
  | EmptyPacket;

/** Largest remaining length MQTT can express (four length bytes). */
export const MAX_REMAINING = 268435455;

const NAMES = ["", "connect", "connack", "publish", "puback", "pubrec", "pubrel", "pubcomp", "subscribe", "suback", "unsubscribe", "unsuback", "pingreq", "pingresp", "disconnect"];
const TYPES: { [cmd: string]: number } = {};
for (let i = 1; i < NAMES.length; i++) TYPES[NAMES[i]] = i;

// ---------------------------------------------------------------- checks shared by both ways

function isQos(q: number): boolean {
  return q === 0 || q === 1 || q === 2;
}

/** Why `topic` cannot be a topic name (publish) or filter (subscribe), or undefined. */
export function topicProblem(bytes: string, filter: boolean): string | undefined {
  if (bytes.length === 0) return "empty topic";
  if (bytes.length > 65535) return "topic longer than 65535 bytes";
  if (!isUtf8(bytes)) return "topic is not UTF-8";
  const n = bytes.length;
  for (let i = 0; i < n; i++) {
    const c = bytes.charCodeAt(i);
    if (c === 0) return "topic contains U+0000";
    if (c === 43 || c === 35) {
      if (!filter) return "wildcard in a topic name";
      // A wildcard takes a whole level; "#" only the last one.
      const before = i === 0 ? 47 : bytes.charCodeAt(i - 1);
      const after = i === n - 1 ? 47 : bytes.charCodeAt(i + 1);
      if (before !== 47 || after !== 47) return "wildcard not alone in its level";
      if (c === 35 && i !== n - 1) return "# not the last level";
    }
  }
  return undefined;
}

function checkId(id: number | undefined, field: string): number {
  if (id === undefined || id !== Math.floor(id) || id < 1 || id > 65535) throw new ProbeError("EINVAL", "packet id must be 1 ... 65535", field);
  return id;
}

// ---------------------------------------------------------------- encoding

function u16(n: number): string {
  const hi = Math.floor(n / 256);
  return BYTE[hi] + BYTE[n - hi * 256];
}

/** The 1-4 byte remaining-length field. */
export function remainingLength(n: number): string {
  if (n < 0 || n > MAX_REMAINING || n !== Math.floor(n)) throw new ProbeError("EINVAL", "remaining length must be 0 ... 268435455", "length");
  // MQTT's remaining length is the same base-128 little-endian encoding as a protobuf varint.
  return varint(n);
}

/** A length-prefixed field of bytes (at most 65535). */
function lenBytes(bytes: string, field: string): string {
  if (bytes.length > 65535) throw new ProbeError("EINVAL", "longer than 65535 bytes", field);
  return u16(bytes.length) + bytes;
}

/** A length-prefixed UTF-8 string from core text. */
function lenText(text: string, field: string): string {
  const b = utf8Encode(text);
  if (!isUtf8(b)) throw new ProbeError("EINVAL", "not UTF-8 text", field);
  return lenBytes(b, field);
}

function topicBytes(topic: string, filter: boolean, field: string): string {
  const b = utf8Encode(topic);
  const why = topicProblem(b, filter);
  if (why !== undefined) throw new ProbeError("EINVAL", why, field);
  return u16(b.length) + b;
}

function frame(type: number, flags: number, body: string): string {
  return BYTE[type * 16 + flags] + remainingLength(body.length) + body;
}

function encodeConnect(p: ConnectPacket): string {
  if (p.keepalive !== Math.floor(p.keepalive) || p.keepalive < 0 || p.keepalive > 65535) throw new ProbeError("EINVAL", "keepalive must be 0 ... 65535 s", "keepalive");
  let flags = p.clean ? 2 : 0;
  const parts: string[] = [lenText("MQTT", "protocolId"), BYTE[4], "", u16(p.keepalive), lenText(p.clientId, "clientId")];
  if (p.clientId.length === 0 && !p.clean) throw new ProbeError("EINVAL", "an empty client id needs a clean session", "clientId");
  if (p.will !== undefined) {
    if (!isQos(p.will.qos)) throw new ProbeError("EINVAL", "QoS must be 0, 1 or 2", "will.qos");
    flags = flags + 4 + p.will.qos * 8 + (p.will.retain ? 32 : 0);
    parts.push(topicBytes(p.will.topic, false, "will.topic"));
    parts.push(lenBytes(p.will.payload, "will.payload"));
  }
  if (p.username !== undefined) {
    flags = flags + 128;
    parts.push(lenText(p.username, "username"));
  }
  if (p.password !== undefined) {
    if (p.username === undefined) throw new ProbeError("EINVAL", "a password needs a user name in MQTT 3.1.1", "password");
    flags = flags + 64;
    parts.push(lenBytes(p.password, "password"));
  }
  parts[2] = BYTE[flags];
  return frame(1, 0, parts.join(""));
}

function encodePublish(p: PublishPacket): string {
  if (!isQos(p.qos)) throw new ProbeError("EINVAL", "QoS must be 0, 1 or 2", "qos");
  if (p.qos === 0 && p.dup) throw new ProbeError("EINVAL", "DUP must be 0 at QoS 0", "dup");
  const flags = (p.dup ? 8 : 0) + p.qos * 2 + (p.retain ? 1 : 0);
  const head = topicBytes(p.topic, false, "topic") + (p.qos > 0 ? u16(checkId(p.messageId, "messageId")) : "");
  const n = head.length + p.payload.length;
  return BYTE[48 + flags] + remainingLength(n) + head + p.payload;
}

/** The bytes of one packet; EINVAL naming the field when a value cannot be sent. */
export function encodePacket(p: Packet): string {
  if (p.cmd === "publish") return encodePublish(p);
  if (p.cmd === "connect") return encodeConnect(p);
  if (p.cmd === "connack") {
    if (p.returnCode !== Math.floor(p.returnCode) || p.returnCode < 0 || p.returnCode > 255) throw new ProbeError("EINVAL", "return code must be 0 ... 255", "returnCode");
    return frame(2, 0, BYTE[p.sessionPresent ? 1 : 0] + BYTE[p.returnCode]);
  }
  if (p.cmd === "puback" || p.cmd === "pubrec" || p.cmd === "pubcomp" || p.cmd === "unsuback") {
    return frame(TYPES[p.cmd], 0, u16(checkId(p.messageId, "messageId")));
  }
  if (p.cmd === "pubrel") return frame(6, 2, u16(checkId(p.messageId, "messageId")));
  if (p.cmd === "subscribe") {
    if (p.subscriptions.length === 0) throw new ProbeError("EINVAL", "at least one subscription", "subscriptions");
    const parts: string[] = [u16(checkId(p.messageId, "messageId"))];
    for (let i = 0; i < p.subscriptions.length; i++) {
      const s = p.subscriptions[i];
      const field = "subscriptions[" + fmtInt(i) + "]";
      if (!isQos(s.qos)) throw new ProbeError("EINVAL", "QoS must be 0, 1 or 2", field);
      parts.push(topicBytes(s.topic, true, field) + BYTE[s.qos]);
    }
    return frame(8, 2, parts.join(""));
  }
  if (p.cmd === "suback") {
    const parts: string[] = [u16(checkId(p.messageId, "messageId"))];
    for (const g of p.granted) {
      if (!isQos(g) && g !== 128) throw new ProbeError("EINVAL", "granted QoS must be 0, 1, 2 or 128", "granted");
      parts.push(BYTE[g]);
    }
    return frame(9, 0, parts.join(""));
  }
  if (p.cmd === "unsubscribe") {
    if (p.unsubscriptions.length === 0) throw new ProbeError("EINVAL", "at least one topic", "unsubscriptions");
    const parts: string[] = [u16(checkId(p.messageId, "messageId"))];
    for (let i = 0; i < p.unsubscriptions.length; i++) parts.push(topicBytes(p.unsubscriptions[i], true, "unsubscriptions[" + fmtInt(i) + "]"));
    return frame(10, 2, parts.join(""));
  }
  if (p.cmd === "pingreq") return BYTE[192] + BYTE[0];
  if (p.cmd === "pingresp") return BYTE[208] + BYTE[0];
  if (p.cmd === "disconnect") return BYTE[224] + BYTE[0];
  throw new ProbeError("EINVAL", "unknown packet type", "cmd");
}

// ---------------------------------------------------------------- decoding

function proto(message: string, field: string): ProbeError {
  return new ProbeError("EPROTO", message, field);
}

/** A cursor over one packet's body (the bytes after the fixed header). */
class Body {
  readonly s: string;
  pos: number;
  readonly end: number;
  readonly cmd: string;

  constructor(s: string, pos: number, end: number, cmd: string) {
    this.s = s;
    this.pos = pos;
    this.end = end;
    this.cmd = cmd;
  }

  byte(field: string): number {
    if (this.pos >= this.end) throw proto(this.cmd + " ends early", field);
    const b = this.s.charCodeAt(this.pos);
    this.pos = this.pos + 1;
    return b;
  }

  u16(field: string): number {
    const hi = this.byte(field);
    return hi * 256 + this.byte(field);
  }

  id(field: string): number {
    const id = this.u16(field);
    if (id === 0) throw proto("packet id 0", field);
    return id;
  }

  bytes(field: string): string {
    const n = this.u16(field);
    if (this.pos + n > this.end) throw proto(this.cmd + " ends inside a field", field);
    const b = this.s.substring(this.pos, this.pos + n);
    this.pos = this.pos + n;
    return b;
  }

  text(field: string): string {
    const b = this.bytes(field);
    if (!isUtf8(b)) throw proto("not UTF-8", field);
    for (let i = 0; i < b.length; i++) if (b.charCodeAt(i) === 0) throw proto("contains U+0000", field);
    return utf8Decode(b);
  }

  topic(filter: boolean, field: string): string {
    const b = this.bytes(field);
    const why = topicProblem(b, filter);
    if (why !== undefined) throw proto(why, field);
    return utf8Decode(b);
  }

  rest(): string {
    const r = this.s.substring(this.pos, this.end);
    this.pos = this.end;
    return r;
  }

  finish(): void {
    if (this.pos !== this.end) throw proto("bytes left over at the end of " + this.cmd, "length");
  }
}

function decodeConnect(b: Body): ConnectPacket {
  const protocolId = b.text("protocolId");
  const level = b.byte("protocolVersion");
  if (!((protocolId === "MQTT" && level === 4) || (protocolId === "MQIsdp" && level === 3))) {
    throw proto("not MQTT 3.1.1 or 3.1", "protocolVersion");
  }
  const flags = b.byte("flags");
  if (flags - Math.floor(flags / 2) * 2 !== 0) throw proto("reserved connect flag set", "flags");
  const hasUser = flags >= 128;
  const hasPass = Math.floor(flags / 64) - Math.floor(flags / 128) * 2 === 1;
  const willRetain = Math.floor(flags / 32) - Math.floor(flags / 64) * 2 === 1;
  const willQos = Math.floor(flags / 8) - Math.floor(flags / 32) * 4;
  const hasWill = Math.floor(flags / 4) - Math.floor(flags / 8) * 2 === 1;
  const clean = Math.floor(flags / 2) - Math.floor(flags / 4) * 2 === 1;
  if (!hasWill && (willQos !== 0 || willRetain)) throw proto("will QoS or retain without a will", "flags");
  if (willQos === 3) throw proto("will QoS 3", "will.qos");
  if (hasPass && !hasUser && level === 4) throw proto("password without user name", "flags");
  const p: ConnectPacket = { cmd: "connect", protocolId: protocolId, protocolVersion: level, clientId: "", clean: clean, keepalive: b.u16("keepalive") };
  p.clientId = b.text("clientId");
  if (hasWill) p.will = { topic: b.topic(false, "will.topic"), payload: b.bytes("will.payload"), qos: willQos, retain: willRetain };
  if (hasUser) p.username = b.text("username");
  if (hasPass) p.password = b.bytes("password");
  b.finish();
  return p;
}

/**
 * Decodes one whole packet: `s` from `start` to `end` holds exactly the fixed header and
 * the body (as PacketParser delivers it).
 */
export function decodePacketAt(s: string, start: number, end: number): Packet {
  const first = s.charCodeAt(start);
  const type = Math.floor(first / 16);
  const flags = first - type * 16;
  const cmd = type >= 1 && type <= 14 ? NAMES[type] : "";
  if (cmd === "") throw proto("reserved packet type " + fmtInt(type), "cmd");
  // Skip the remaining-length bytes (the caller checked them).
  let pos = start + 1;
  while (s.charCodeAt(pos) >= 128) pos = pos + 1;
  const b = new Body(s, pos + 1, end, cmd);
  const n = end - pos - 1;
  if (type === 3) {
    const qos = Math.floor(flags / 2) - Math.floor(flags / 8) * 4;
    const dup = flags >= 8;
    if (qos === 3) throw proto("QoS 3", "qos");
    if (qos === 0 && dup) throw proto("DUP set at QoS 0", "dup");
    const p: PublishPacket = { cmd: "publish", topic: b.topic(false, "topic"), payload: "", qos: qos, retain: flags - Math.floor(flags / 2) * 2 === 1, dup: dup };
    if (qos > 0) p.messageId = b.id("messageId");
    p.payload = b.rest();
    return p;
  }
  const wantFlags = type === 6 || type === 8 || type === 10 ? 2 : 0;
  if (flags !== wantFlags) throw proto("reserved flags of " + cmd + " must be " + fmtInt(wantFlags), "flags");
  if (type === 1) return decodeConnect(b);
  if (type === 2) {
    if (n !== 2) throw proto("connack is 2 bytes", "length");
    const ack = b.byte("sessionPresent");
    if (ack > 1) throw proto("reserved connack flags set", "sessionPresent");
    return { cmd: "connack", sessionPresent: ack === 1, returnCode: b.byte("returnCode") };
  }
  if (type === 4 || type === 5 || type === 6 || type === 7 || type === 11) {
    if (n !== 2) throw proto(cmd + " is 2 bytes", "length");
    return { cmd: cmd, messageId: b.id("messageId") } as IdPacket;
  }
  if (type === 12 || type === 13 || type === 14) {
    if (n !== 0) throw proto(cmd + " has no body", "length");
    return { cmd: cmd } as EmptyPacket;
  }
  if (type === 8) {
    const p: SubscribePacket = { cmd: "subscribe", messageId: b.id("messageId"), subscriptions: [] };
    while (b.pos < b.end) {
      const field = "subscriptions[" + fmtInt(p.subscriptions.length) + "]";
      const topic = b.topic(true, field);
      const q = b.byte(field);
      if (!isQos(q)) throw proto("requested QoS must be 0, 1 or 2", field);
      p.subscriptions.push({ topic: topic, qos: q });
    }
    if (p.subscriptions.length === 0) throw proto("subscribe without topics", "subscriptions");
    return p;
  }
  if (type === 9) {
    const p: SubackPacket = { cmd: "suback", messageId: b.id("messageId"), granted: [] };
    while (b.pos < b.end) {
      const g = b.byte("granted");
      if (!isQos(g) && g !== 128) throw proto("granted QoS must be 0, 1, 2 or 128", "granted");
      p.granted.push(g);
    }
    return p;
  }
  // type 10, unsubscribe
  const p: UnsubscribePacket = { cmd: "unsubscribe", messageId: b.id("messageId"), unsubscriptions: [] };
  while (b.pos < b.end) {
    const t = b.topic(true, "unsubscriptions[" + fmtInt(p.unsubscriptions.length) + "]");
    p.unsubscriptions.push(t);
  }
  if (p.unsubscriptions.length === 0) throw proto("unsubscribe without topics", "unsubscriptions");
  return p;
}

/**
 * Reads the fixed header at `start`: [header length, remaining length], or undefined when
 * more bytes are needed. EPROTO when the remaining length takes more than four bytes.
 */
export function fixedHeader(s: string, start: number, end: number): number[] | undefined {
  let mul = 1;
  let len = 0;
  for (let k = 0; k < 4; k++) {
    const at = start + 1 + k;
    if (at >= end) return undefined;
    const b = s.charCodeAt(at);
    len = len + (b >= 128 ? b - 128 : b) * mul;
    if (b < 128) return [k + 2, len];
    mul = mul * 128;
  }
  throw proto("remaining length longer than four bytes", "length");
}

/** Decodes a byte string holding exactly one packet. */
export function decodePacket(s: string): Packet {
  if (s.length === 0) throw proto("no bytes", "cmd");
  const h = fixedHeader(s, 0, s.length);
  if (h === undefined || h[0] + h[1] > s.length) throw proto("packet ends early", "length");
  if (h[0] + h[1] < s.length) throw proto("bytes after the packet", "length");
  return decodePacketAt(s, 0, s.length);
}
