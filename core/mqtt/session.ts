// The MQTT session state of a client, without I/O or timers: the outgoing queue, packet
// ids, the QoS 1 in-flight window, what to send again after a reconnect, and what an
// incoming packet asks for. MqttClient (client.ts) owns the connection and drives this.
//
// Delivery: QoS 1 messages leave in the order they were published; at most `maxInflight`
// wait for their PUBACK at once; after a reconnect every unacknowledged one is sent again,
// first and in order, with DUP set (MQTT 3.1.1 §4.4), whether or not the broker kept the
// session. A publish callback runs once: on PUBACK (QoS 1), once written (QoS 0), or with
// an error when the client stops first.
import { ProbeError } from "../util/errors";
import { fmtInt } from "../util/num";
import { Packet, PublishPacket, Subscription } from "./packet";

/** Completion of a publish, subscribe or unsubscribe: err undefined on success. */
export type Done = (err: ProbeError | undefined) => void;
export type SubDone = (err: ProbeError | undefined, granted: number[] | undefined) => void;

export interface Outgoing {
  packet: PublishPacket;
  cb: Done | undefined;
}

interface SubRequest {
  packet: Packet;
  cb: SubDone | undefined;
}

/** What handling one incoming packet asks the client to do. */
export interface Handled {
  /** Packets to write back (PUBACK, PUBREC, PUBCOMP). */
  send: Packet[];
  /** A message for the application. */
  deliver: PublishPacket | undefined;
}

export class Session {
  private readonly maxInflight: number;
  private readonly maxQueued: number;
  private queue: Outgoing[] = [];
  private queueHead = 0;
  private readonly inflight = new Map<number, Outgoing>();
  private readonly requests = new Map<number, SubRequest>();
  /** Topic filter → QoS the application wants, replayed when the broker lost the session. */
  private readonly wanted = new Map<string, number>();
  /** QoS 2 messages received, waiting for their PUBREL (so each is delivered once). */
  private readonly received = new Map<number, boolean>();
  private lastId = 0;

  constructor(maxInflight: number, maxQueued: number) {
    this.maxInflight = maxInflight < 1 ? 1 : maxInflight;
    this.maxQueued = maxQueued;
  }

  /** Messages waiting for the window or a connection. */
  queued(): number {
    return this.queue.length - this.queueHead;
  }

  /** QoS 1 messages sent and not yet acknowledged. */
  inflightCount(): number {
    return this.inflight.size;
  }

  private idInUse(id: number): boolean {
    return this.inflight.has(id) || this.requests.has(id);
  }

  /** A free packet id (1 ... 65535, round robin); EINVAL when all are in use. */
  private nextId(): number {
    for (let k = 0; k < 65535; k++) {
      this.lastId = this.lastId >= 65535 ? 1 : this.lastId + 1;
      if (!this.idInUse(this.lastId)) return this.lastId;
    }
    throw new ProbeError("EINVAL", "all 65535 packet ids are in use", "messageId");
  }

  /** Queues a message; EQUEUEFULL when maxQueued are already waiting. */
  enqueue(packet: PublishPacket, cb: Done | undefined): ProbeError | undefined {
    if (this.queued() >= this.maxQueued) {
      return new ProbeError("EQUEUEFULL", fmtInt(this.maxQueued) + " messages already wait for the broker", "publish");
    }
    this.queue.push({ packet: packet, cb: cb });
    return undefined;
  }

  /**
   * The queued messages that may go now, in order: every QoS 0 one, QoS 1 ones while the
   * window has room (each gets its packet id and enters the in-flight set). The caller
   * writes them and calls `written` for the QoS 0 ones.
   */
  take(): Outgoing[] {
    const out: Outgoing[] = [];
    while (this.queueHead < this.queue.length) {
      const o = this.queue[this.queueHead];
      if (o.packet.qos > 0) {
        if (this.inflight.size >= this.maxInflight) break;
        o.packet.messageId = this.nextId();
        this.inflight.set(o.packet.messageId, o);
      }
      this.queueHead = this.queueHead + 1;
      out.push(o);
    }
    // Compact now and then so the array does not grow without bound.
    if (this.queueHead > 64 && this.queueHead * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.queueHead);
      this.queueHead = 0;
    }
    return out;
  }

  subscribe(subs: Subscription[], cb: SubDone | undefined): Packet {
    for (const s of subs) this.wanted.set(s.topic, s.qos);
    const p: Packet = { cmd: "subscribe", messageId: this.nextId(), subscriptions: subs };
    this.requests.set(p.messageId, { packet: p, cb: cb });
    return p;
  }

  unsubscribe(topics: string[], cb: SubDone | undefined): Packet {
    for (const t of topics) this.wanted.delete(t);
    const p: Packet = { cmd: "unsubscribe", messageId: this.nextId(), unsubscriptions: topics };
    this.requests.set(p.messageId, { packet: p, cb: cb });
    return p;
  }

  /**
   * After CONNACK: what to send before anything new. The broker's session is trusted only
   * when it says it kept one; otherwise the wanted subscriptions are made again.
   */
  resume(sessionPresent: boolean): Packet[] {
    const out: Packet[] = [];
    if (!sessionPresent && this.wanted.size > 0) {
      const subs: Subscription[] = [];
      this.wanted.forEach((qos, topic) => {
        subs.push({ topic: topic, qos: qos });
      });
      // Requests still pending are about to be sent again below; this one needs no callback.
      const p: Packet = { cmd: "subscribe", messageId: this.nextId(), subscriptions: subs };
      this.requests.set(p.messageId, { packet: p, cb: undefined });
      out.push(p);
    }
    this.requests.forEach((r) => {
      if (out.indexOf(r.packet) < 0) out.push(r.packet);
    });
    this.inflight.forEach((o) => {
      o.packet.dup = true;
      out.push(o.packet);
    });
    return out;
  }

  /** Handles a packet from the broker (CONNACK and PINGRESP are the client's). */
  handle(p: Packet): Handled {
    const h: Handled = { send: [], deliver: undefined };
    if (p.cmd === "puback") {
      const o = this.inflight.get(p.messageId);
      if (o !== undefined) {
        this.inflight.delete(p.messageId);
        if (o.cb !== undefined) o.cb(undefined);
      }
    } else if (p.cmd === "publish") {
      if (p.qos === 0) h.deliver = p;
      else if (p.qos === 1) {
        h.deliver = p;
        h.send.push({ cmd: "puback", messageId: p.messageId as number });
      } else {
        const id = p.messageId as number;
        if (!this.received.has(id)) {
          this.received.set(id, true);
          h.deliver = p;
        }
        h.send.push({ cmd: "pubrec", messageId: id });
      }
    } else if (p.cmd === "pubrel") {
      this.received.delete(p.messageId);
      h.send.push({ cmd: "pubcomp", messageId: p.messageId });
    } else if (p.cmd === "suback" || p.cmd === "unsuback") {
      const r = this.requests.get(p.messageId);
      if (r !== undefined) {
        this.requests.delete(p.messageId);
        let refused = false;
        if (p.cmd === "suback") for (const g of p.granted) if (g === 128) refused = true;
        if (r.cb !== undefined) {
          if (refused) r.cb(new ProbeError("ESUBSCRIBE", "the broker refused a subscription", "granted"), p.cmd === "suback" ? p.granted : undefined);
          else r.cb(undefined, p.cmd === "suback" ? p.granted : []);
        }
      }
    }
    // pubrec/pubcomp: this client publishes at QoS 0 and 1 only; nothing to do.
    return h;
  }

  /** The client stops: every waiting callback gets `err`, and the session is emptied. */
  failAll(err: ProbeError): void {
    const cbs: Done[] = [];
    this.inflight.forEach((o) => {
      if (o.cb !== undefined) cbs.push(o.cb);
    });
    for (let i = this.queueHead; i < this.queue.length; i++) {
      const cb = this.queue[i].cb;
      if (cb !== undefined) cbs.push(cb);
    }
    const subCbs: SubDone[] = [];
    this.requests.forEach((r) => {
      if (r.cb !== undefined) subCbs.push(r.cb);
    });
    this.inflight.clear();
    this.requests.clear();
    this.queue = [];
    this.queueHead = 0;
    for (const cb of cbs) cb(err);
    for (const cb of subCbs) cb(err, undefined);
  }
}
