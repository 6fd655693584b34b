// A portable MQTT 3.1.1 client over the Host's byte streams (host.connect, plain or TLS)
// and timers (host.setTimer). It keeps one connection up for as long as it runs:
// connects, reconnects after any loss with capped exponential backoff and jitter, sends
// PINGREQ when the line is quiet and tears the connection down when the broker stops
// answering (a broker that accepts TCP but never replies is as dead as one that is gone).
//
//   const c = new MqttClient(host, { host: "127.0.0.1", port: 1883, clientId: "router-7",
//     clean: false, will: { topic: "p/router-7/status", payload: "offline", qos: 1, retain: true } },
//     { onConnect: (present) => ..., onMessage: (topic, payload, info) => ...,
//       onDisconnect: (err, retryInMs) => log(err) });
//   c.subscribe([{ topic: "p/router-7/spec", qos: 1 }]);
//   c.publish("p/router-7/result", bytes, { qos: 1 }, (err) => { if (err === undefined) queue.remove(id) });
//   c.start();  ...  c.stop(() => exit());
//
// Publishing never waits for a connection: messages queue (up to maxQueued) and leave in
// order once connected. QoS 1 callbacks run on PUBACK, so the caller may delete its copy
// then and only then. Callbacks and events may run synchronously inside the call that
// caused them (hosts may complete I/O synchronously).
import { Handle, Host, HostError, Stream } from "../host";
import { ProbeError, asProbeError } from "../util/errors";
import { fmtInt } from "../util/num";
import { Backoff, BackoffOptions, DEFAULT_BACKOFF } from "./backoff";
import { ConnectPacket, Packet, PublishPacket, Subscription, Will, encodePacket } from "./packet";
import { PacketParser } from "./parser";
import { Done, Outgoing, Session, SubDone } from "./session";

export interface MqttClientOptions {
  host: string;
  port: number;
  /** TLS (mqtts). A host without TLS refuses with EUNSUPPORTED; never falls back to plain. */
  tls?: boolean;
  caFile?: string;
  certFile?: string;
  keyFile?: string;
  servername?: string;
  clientId: string;
  username?: string;
  /** Bytes (a byte string). */
  password?: string;
  /** false keeps the broker-side session (subscriptions, queued QoS 1) across reconnects. Default true. */
  clean?: boolean;
  /** Seconds; 0 turns keepalive off. Default 30. */
  keepaliveS?: number;
  /** How long a PINGREQ may go unanswered before the broker is declared dead. Default: the keepalive, at most 30 s. */
  pingTimeoutMs?: number;
  /** TCP/TLS connect plus CONNACK. Default 10 s. */
  connectTimeoutMs?: number;
  will?: Will;
  /** QoS 1 messages awaiting PUBACK at once. Default 16. */
  maxInflight?: number;
  /** Messages waiting for a connection or the window. Default 1000. */
  maxQueued?: number;
  /** Largest incoming packet kept; a larger PUBLISH arrives with `oversize` and no payload. Default 1 MiB. */
  maxPacketBytes?: number;
  backoff?: BackoffOptions;
  /** Jitter source, [0, 1). Default Math.random. */
  random?: () => number;
}

export interface MessageInfo {
  qos: number;
  retain: boolean;
  dup: boolean;
  /** Set when the message was larger than maxPacketBytes: its length; the payload is "". */
  oversize?: number;
}

/** @noSelf */
export interface MqttEvents {
  /** Every accepted CONNACK; sessionPresent: the broker kept the session. */
  onConnect?: (sessionPresent: boolean) => void;
  onMessage?: (topic: string, payload: string, info: MessageInfo) => void;
  /**
   * A connection or an attempt ended: err says why (ECONNREFUSED, ETIMEDOUT for a dead
   * broker, EBADAUTH/ENOTAUTHORIZED for a refused CONNACK, EPROTO ...; undefined when the
   * broker closed cleanly), retryInMs when the next attempt starts (-1: stopped).
   */
  onDisconnect?: (err: ProbeError | undefined, retryInMs: number) => void;
}

/** CONNACK return codes 1-5 as error codes. */
const REFUSED = ["", "EPROTOVERSION", "ECLIENTID", "EUNAVAILABLE", "EBADAUTH", "ENOTAUTHORIZED"];
const REFUSED_TEXT = ["", "unacceptable protocol version", "client id rejected", "server unavailable", "bad user name or password", "not authorized"];

/** The error of a refused CONNACK (return code 1 ... 255). */
export function connackError(rc: number): ProbeError {
  if (rc >= 1 && rc <= 5) return new ProbeError(REFUSED[rc], "broker refused the connection: " + REFUSED_TEXT[rc], "returnCode");
  return new ProbeError("EREFUSED", "broker refused the connection with return code " + fmtInt(rc), "returnCode");
}

function hostError(e: HostError): ProbeError {
  return new ProbeError(e.code, e.message);
}

/** One TCP/TLS connection attempt and its state; replaced on every reconnect. */
interface Conn {
  stream: Stream | undefined;
  handle: Handle | undefined;
  parser: PacketParser;
  connected: boolean;
  closed: boolean;
  lastSent: number;
  lastReceived: number;
  pingSentAt: number;
}

export class MqttClient {
  private readonly host: Host;
  private readonly o: MqttClientOptions;
  private readonly ev: MqttEvents;
  private readonly session: Session;
  private readonly backoff: Backoff;
  private readonly keepaliveMs: number;
  private readonly pingTimeoutMs: number;
  private conn: Conn | undefined;
  private running = false;
  private retryTimer = -1;
  private tickTimer = -1;
  private connectTimer = -1;
  /** Accepted connections since start, for status and tests. */
  connects = 0;

  constructor(host: Host, opts: MqttClientOptions, events: MqttEvents) {
    this.host = host;
    this.o = opts;
    this.ev = events;
    this.session = new Session(opts.maxInflight === undefined ? 16 : opts.maxInflight, opts.maxQueued === undefined ? 1000 : opts.maxQueued);
    this.backoff = new Backoff(opts.backoff === undefined ? DEFAULT_BACKOFF : opts.backoff, opts.random === undefined ? () => Math.random() : opts.random);
    this.keepaliveMs = (opts.keepaliveS === undefined ? 30 : opts.keepaliveS) * 1000;
    this.pingTimeoutMs = opts.pingTimeoutMs !== undefined ? opts.pingTimeoutMs : Math.min(this.keepaliveMs, 30000);
  }

  isConnected(): boolean {
    return this.conn !== undefined && this.conn.connected;
  }

  /** Messages waiting to be sent, and QoS 1 messages sent but not acknowledged. */
  pending(): { queued: number; inflight: number } {
    return { queued: this.session.queued(), inflight: this.session.inflightCount() };
  }

  /** Connects, and keeps reconnecting until stop(). */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.attempt();
  }

  /**
   * Stops for good: a graceful stop sends DISCONNECT (the broker then discards the will);
   * `graceful` false just drops the connection, as a crash would (the broker publishes the
   * will). Every waiting publish/subscribe callback gets ECANCELED; cb runs once closed.
   */
  stop(cb?: () => void, graceful?: boolean): void {
    this.running = false;
    this.clearTimers();
    const c = this.conn;
    // portable-ok: a field, not an array slot: nil reads back as undefined
    this.conn = undefined;
    this.session.failAll(new ProbeError("ECANCELED", "the MQTT client stopped"));
    const finish = () => {
      if (c !== undefined) this.closeConn(c);
      if (this.ev.onDisconnect !== undefined && c !== undefined) this.ev.onDisconnect(undefined, -1);
      if (cb !== undefined) cb();
    };
    if (c !== undefined && c.connected && graceful !== false && c.stream !== undefined) {
      c.stream.write(encodePacket({ cmd: "disconnect" }), () => finish());
    } else finish();
  }

  /**
   * Drops the current connection and reconnects after the backoff delay (a watchdog that
   * saw no progress). Nothing queued or in flight is lost.
   */
  reconnect(why: string): void {
    const c = this.conn;
    if (c !== undefined) this.lose(c, new ProbeError("ETIMEDOUT", why));
  }

  publish(topic: string, payload: string, opts: { qos?: number; retain?: boolean }, cb?: Done): void {
    const qos = opts.qos === undefined ? 0 : opts.qos;
    if (qos !== 0 && qos !== 1) {
      if (cb !== undefined) cb(new ProbeError("EINVAL", "this client publishes at QoS 0 or 1", "qos"));
      return;
    }
    const p: PublishPacket = { cmd: "publish", topic: topic, payload: payload, qos: qos, retain: opts.retain === true, dup: false };
    // Refuse what cannot be encoded now, not when the connection comes.
    try {
      encodePacket(qos > 0 ? { cmd: "publish", topic: topic, payload: "", qos: qos, retain: false, dup: false, messageId: 1 } : p);
    } catch (e) {
      if (cb !== undefined) cb(asProbeError(e));
      return;
    }
    const err = this.session.enqueue(p, cb);
    if (err !== undefined) {
      if (cb !== undefined) cb(err);
      return;
    }
    this.pump();
  }

  subscribe(subs: Subscription[], cb?: SubDone): void {
    const p = this.session.subscribe(subs, cb);
    if (this.isConnected()) this.send([p], undefined);
  }

  unsubscribe(topics: string[], cb?: SubDone): void {
    const p = this.session.unsubscribe(topics, cb);
    if (this.isConnected()) this.send([p], undefined);
  }

  // ------------------------------------------------------------------ connection

  private clearTimers(): void {
    if (this.retryTimer >= 0) this.host.clearTimer(this.retryTimer);
    if (this.tickTimer >= 0) this.host.clearTimer(this.tickTimer);
    if (this.connectTimer >= 0) this.host.clearTimer(this.connectTimer);
    this.retryTimer = -1;
    this.tickTimer = -1;
    this.connectTimer = -1;
  }

  private attempt(): void {
    this.retryTimer = -1;
    if (!this.running) return;
    const connect = this.host.connect;
    const c: Conn = {
      stream: undefined,
      handle: undefined,
      parser: new PacketParser(this.o.maxPacketBytes),
      connected: false,
      closed: false,
      lastSent: 0,
      lastReceived: 0,
      pingSentAt: -1,
    };
    this.conn = c;
    if (connect === undefined) {
      this.lose(c, new ProbeError("EUNSUPPORTED", "this host cannot open network connections"));
      return;
    }
    const timeoutMs = this.o.connectTimeoutMs === undefined ? 10000 : this.o.connectTimeoutMs;
    this.connectTimer = this.host.setTimer(timeoutMs, () => {
      this.connectTimer = -1;
      this.lose(c, new ProbeError("ETIMEDOUT", "no CONNACK within " + fmtInt(timeoutMs) + " ms"));
    });
    const opts = { tls: this.o.tls === true, timeoutMs: timeoutMs, caFile: this.o.caFile, certFile: this.o.certFile, keyFile: this.o.keyFile, servername: this.o.servername };
    const h = connect(this.o.host, this.o.port, opts, (err, stream) => {
      if (c.closed || this.conn !== c) {
        if (stream !== undefined) stream.close();
        return;
      }
      if (err !== undefined || stream === undefined) {
        this.lose(c, err !== undefined ? hostError(err) : new ProbeError("EIO", "connect gave no stream"));
        return;
      }
      c.stream = stream;
      stream.onData((data) => this.onData(c, data));
      stream.onClose((e) => this.lose(c, e !== undefined ? hostError(e) : new ProbeError("ECONNRESET", "the broker closed the connection")));
      const p: ConnectPacket = { cmd: "connect", clientId: this.o.clientId, clean: this.o.clean !== false, keepalive: this.keepaliveMs / 1000 };
      if (this.o.username !== undefined) p.username = this.o.username;
      if (this.o.password !== undefined) p.password = this.o.password;
      if (this.o.will !== undefined) p.will = this.o.will;
      let bytes: string;
      try {
        bytes = encodePacket(p);
      } catch (e) {
        this.lose(c, asProbeError(e));
        return;
      }
      this.write(c, bytes, undefined);
    });
    // Hosts not yet on Host v2 return nothing here.
    if (h !== undefined && h !== null) c.handle = h;
  }

  private closeConn(c: Conn): void {
    if (c.closed) return;
    c.closed = true;
    c.connected = false;
    if (c.stream !== undefined) c.stream.close();
    else if (c.handle !== undefined) c.handle.cancel();
  }

  /** The connection (or attempt) `c` is over: schedule the next one. */
  private lose(c: Conn, err: ProbeError | undefined): void {
    if (c.closed || this.conn !== c) return;
    this.closeConn(c);
    // portable-ok: a field, not an array slot: nil reads back as undefined
    this.conn = undefined;
    this.clearTimers();
    if (!this.running) return;
    const delay = this.backoff.next();
    this.retryTimer = this.host.setTimer(delay, () => this.attempt());
    if (this.ev.onDisconnect !== undefined) this.ev.onDisconnect(err, delay);
  }

  private write(c: Conn, bytes: string, done: (() => void) | undefined): void {
    const s = c.stream;
    if (s === undefined || c.closed) return;
    c.lastSent = this.host.mono();
    s.write(bytes, (err) => {
      if (err !== undefined) {
        this.lose(c, hostError(err));
        return;
      }
      if (done !== undefined) done();
    });
  }

  /** Writes packets in one go; `sent` runs once they are handed to the stream. */
  private send(packets: Packet[], sent: (() => void) | undefined): void {
    const c = this.conn;
    if (c === undefined || !c.connected) return;
    const parts: string[] = [];
    for (const p of packets) parts.push(encodePacket(p));
    this.write(c, parts.join(""), sent);
  }

  /** Sends what the session lets go now. */
  private pump(): void {
    const c = this.conn;
    if (c === undefined || !c.connected) return;
    const out: Outgoing[] = this.session.take();
    if (out.length === 0) return;
    const packets: Packet[] = [];
    const qos0: Done[] = [];
    for (const o of out) {
      packets.push(o.packet);
      if (o.packet.qos === 0 && o.cb !== undefined) qos0.push(o.cb);
    }
    this.send(packets, qos0.length === 0 ? undefined : () => {
      for (const cb of qos0) cb(undefined);
    });
  }

  private onData(c: Conn, data: string): void {
    if (c.closed || this.conn !== c) return;
    c.lastReceived = this.host.mono();
    c.pingSentAt = -1;
    let packets: Packet[];
    try {
      packets = c.parser.push(data);
    } catch (e) {
      this.lose(c, asProbeError(e));
      return;
    }
    for (const p of packets) {
      if (c.closed || this.conn !== c) return;
      this.onPacket(c, p);
    }
  }

  private onPacket(c: Conn, p: Packet): void {
    if (!c.connected) {
      if (p.cmd !== "connack") {
        this.lose(c, new ProbeError("EPROTO", "expected CONNACK, got " + p.cmd, "cmd"));
        return;
      }
      if (p.returnCode !== 0) {
        this.lose(c, connackError(p.returnCode));
        return;
      }
      if (this.connectTimer >= 0) this.host.clearTimer(this.connectTimer);
      this.connectTimer = -1;
      c.connected = true;
      this.connects = this.connects + 1;
      this.backoff.reset();
      this.startTick(c);
      const again = this.session.resume(p.sessionPresent);
      if (again.length > 0) this.send(again, undefined);
      this.pump();
      if (this.ev.onConnect !== undefined) this.ev.onConnect(p.sessionPresent);
      return;
    }
    if (p.cmd === "pingresp") return;
    if (p.cmd === "connack") {
      this.lose(c, new ProbeError("EPROTO", "a second CONNACK", "cmd"));
      return;
    }
    const h = this.session.handle(p);
    if (p.cmd === "puback") this.pump();
    const m = h.deliver;
    // The message first, its PUBACK after: what the handler publishes at once (a receipt)
    // leaves before the PUBACK. The other way round, the reply waited behind the
    // unanswered PUBACK for the broker's delayed ACK (Nagle): ~40 ms per hop on loopback.
    if (m !== undefined && this.ev.onMessage !== undefined) {
      const info: MessageInfo = { qos: m.qos, retain: m.retain, dup: m.dup };
      if (m.oversize !== undefined) info.oversize = m.oversize;
      this.ev.onMessage(m.topic, m.payload, info);
    }
    if (h.send.length > 0 && this.conn === c) this.send(h.send, undefined);
  }

  // ------------------------------------------------------------------ keepalive

  private startTick(c: Conn): void {
    if (this.keepaliveMs <= 0) return;
    const tickMs = Math.max(100, Math.min(this.keepaliveMs / 4, 10000));
    const tick = () => {
      this.tickTimer = -1;
      if (c.closed || this.conn !== c) return;
      const now = this.host.mono();
      if (c.pingSentAt >= 0) {
        if (now - c.pingSentAt >= this.pingTimeoutMs) {
          this.lose(c, new ProbeError("ETIMEDOUT", "no answer to PINGREQ within " + fmtInt(this.pingTimeoutMs) + " ms: the broker is dead"));
          return;
        }
      } else if (now - c.lastSent >= this.keepaliveMs * 0.75 || now - c.lastReceived >= this.keepaliveMs) {
        // Quiet line, or a broker that stopped acknowledging what we send.
        c.pingSentAt = now;
        this.write(c, encodePacket({ cmd: "pingreq" }), undefined);
      }
      this.tickTimer = this.host.setTimer(tickMs, () => tick());
    };
    this.tickTimer = this.host.setTimer(tickMs, () => tick());
  }
}
