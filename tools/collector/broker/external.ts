// A client of an external broker (mosquitto is the one tested). MQTT 5, because that is
// where mqtt.js lets the application decide when to PUBACK (`customHandleAcks`): the
// callback runs only after the database commit. mqtt.js handles one inbound packet at a
// time and would wait for each commit; instead the callback declines mqtt.js' own PUBACK
// and the PUBACK is written after the commit (pipelined, up to the broker's in-flight
// window), falling back to one-at-a-time if mqtt.js' packet writer is not there.
// Session: clean:false with a session expiry, under a fixed client id, so whatever was
// published while the collector was down — or delivered but not acknowledged when it
// died — is delivered again when it reconnects.
import mqtt, { IClientOptions, MqttClient } from "mqtt";
import { Broker, Inbound } from "./broker.ts";

/** Passed to mqtt.js' ack callback to mean "no PUBACK from you": see customHandleAcks. */
const DEFERRED = new Error("acknowledged after the commit");

/** mqtt.js logs through `debug` ~10 times a packet even when nobody listens: that is 1–2 %
 * of the collector's CPU at full load, so it is only wired in when DEBUG asks for it. */
const quietLog = process.env.DEBUG ? undefined : () => undefined;

/** The stream a message came in on and what PUBACKs wait for it; see Acks. */
interface Writable {
  write(b: Buffer): boolean;
  destroyed?: boolean;
}

export interface ExternalOptions {
  url: string;
  prefix: string;
  clientId: string;
  username?: string;
  password?: string;
  /** Logged once per problem. */
  log(msg: string): void;
}

export class ExternalBroker implements Broker {
  private client?: MqttClient;
  readonly url: string;

  constructor(readonly opts: ExternalOptions) {
    this.url = opts.url;
  }

  async start(inbound: Inbound): Promise<void> {
    const o = this.opts;
    const options: IClientOptions = {
      protocolVersion: 5,
      clientId: o.clientId,
      clean: false,
      properties: { sessionExpiryInterval: 0xffffffff, receiveMaximum: 1000 },
      username: o.username,
      password: o.password,
      reconnectPeriod: 1000,
      connectTimeout: 10000,
      resubscribe: true,
      ...(quietLog !== undefined ? { log: quietLog } : {}),
      customHandleAcks: (topic: string, message: Buffer, packet: unknown, done: (error: Error | number, code?: number) => void) => {
        const id = (packet as { messageId?: number }).messageId;
        const stream = (this.client as unknown as { stream?: Writable } | undefined)?.stream;
        if (stream !== undefined && typeof stream.write === "function" && id !== undefined && (packet as { qos?: number }).qos === 1) {
          // Pipelined: tell mqtt.js not to acknowledge (so it moves on to the next packet at
          // once), and send the PUBACK ourselves after the commit. Many reports are then in
          // flight together and share a transaction, and their PUBACKs one write.
          done(DEFERRED);
          inbound(topic, message).then(
            () => this.ack(stream, id),
            (e: Error) => this.failed(e),
          );
          return;
        }
        inbound(topic, message).then(
          () => done(0),
          (e: Error) => {
            done(e);
            this.failed(e);
          },
        );
      },
    };
    const client = mqtt.connect(o.url, options);
    this.client = client;
    client.on("error", (e) => {
      if (e !== DEFERRED) o.log("broker: " + e.message);
    });
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error("no connection to " + o.url + " within 15 s")), 15000);
      client.once("connect", () => {
        clearTimeout(t);
        resolve();
      });
    });
    const filters = ["status", "capabilities", "receipt", "result"].map((k) => `${o.prefix}/+/${k}`);
    const granted = await client.subscribeAsync(filters, { qos: 1 });
    for (const g of granted) if (g.qos > 1) throw new Error("the broker refused the subscription to " + g.topic + " (check the collector's ACL)");
  }

  private ackStream?: Writable;
  private ackIds: number[] = [];

  /**
   * Queues the PUBACK of packet `id`, received on `stream`; the ones whose commits settle in
   * the same tick (a whole batch) go out as one write of 4-byte MQTT 5 PUBACKs (reason 0, no
   * properties: what mqtt-packet writes too), instead of a packet object, an event and four
   * socket writes each through mqtt.js. A PUBACK whose connection has gone is dropped, not
   * sent on the next one: the broker redelivers that message, and its (probe, seq) makes it
   * a counted duplicate.
   */
  private ack(stream: Writable, id: number): void {
    if (stream !== this.ackStream) {
      this.flushAcks();
      this.ackStream = stream;
    }
    if (this.ackIds.push(id) === 1) process.nextTick(() => this.flushAcks());
  }

  private flushAcks(): void {
    const ids = this.ackIds;
    const stream = this.ackStream;
    if (ids.length === 0 || stream === undefined) return;
    this.ackIds = [];
    const c = this.client as unknown as { stream?: Writable; connected?: boolean } | undefined;
    if (c === undefined || c.stream !== stream || c.connected !== true || stream.destroyed === true) return;
    const b = Buffer.allocUnsafe(ids.length * 4);
    for (let i = 0, o = 0; i < ids.length; i++, o += 4) {
      b[o] = 0x40;
      b[o + 1] = 2;
      b[o + 2] = ids[i] >> 8;
      b[o + 3] = ids[i] & 0xff;
    }
    stream.write(b);
  }

  /** No PUBACK: the broker keeps the message for this session. Reconnect so it is
   * delivered again now rather than at the session's next connect. */
  private failed(e: Error): void {
    this.opts.log("ingest failed, not acknowledged: " + e.message);
    this.client?.reconnect();
  }

  async publish(topic: string, payload: string | Buffer, opts: { retain?: boolean } = {}): Promise<void> {
    const c = this.client;
    if (c === undefined) throw new Error("broker not started");
    await c.publishAsync(topic, payload, { qos: 1, retain: opts.retain === true });
  }

  async close(): Promise<void> {
    const c = this.client;
    this.client = undefined;
    if (c !== undefined) await c.endAsync();
  }
}
