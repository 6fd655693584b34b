// The embedded broker (aedes). Where the acknowledgement waits for the commit: aedes
// handles a QoS 1 PUBLISH as authorizePublish → write PUBACK → deliver
// (aedes lib/handlers/publish.js), so the insert runs inside authorizePublish and its
// callback fires only after the commit. An error there closes the connection without a
// PUBACK (MQTT-3.3.5-2): the probe keeps the report and resends it after reconnecting.
// aedes dispatches all PUBLISH packets of one socket read at once, so concurrent
// authorizePublish calls feed the group commit (batcher.ts) from many probes at once.
//
// Sessions: clean:false sessions and their queued QoS 1 messages live in aedes' default
// in-memory persistence: they survive a probe's disconnect, not a collector restart. A
// specification is therefore also kept in the database and resent when its probe comes
// back online without having answered it (control.ts).
import { Aedes, AuthErrorCode, Client, PublishPacket, Subscription } from "aedes";
import { createServer, Server } from "node:net";
import { Broker, Inbound } from "./broker.ts";
import { mayPublish, maySubscribe, parseTopic } from "../topics.ts";

export interface EmbeddedOptions {
  host: string;
  port: number;
  prefix: string;
  /** Anonymous clients allowed (their client id is their identity): the local default only. */
  anonymous: boolean;
  /** Checks a probe's user name and password. */
  verify(username: string, password: string): Promise<boolean>;
  /** A refused publish or subscribe, counted against the probe that tried. */
  denied(identity: string, what: string): void;
  /** A probe subscribed to its spec topic: the moment to resend what it has not answered. */
  subscribed?(identity: string): void;
}

const identities = new WeakMap<Client, string>();

function authError(msg: string, code: AuthErrorCode): Error & { returnCode: AuthErrorCode } {
  return Object.assign(new Error(msg), { returnCode: code });
}

export class EmbeddedBroker implements Broker {
  private aedes?: Aedes;
  private server?: Server;
  url: string;

  constructor(readonly opts: EmbeddedOptions) {
    this.url = `mqtt://${opts.host.includes(":") ? "[" + opts.host + "]" : opts.host}:${opts.port}`;
  }

  async start(inbound: Inbound): Promise<void> {
    const o = this.opts;
    const aedes = await Aedes.createBroker({
      // Reports are inserted inside authorizePublish: keep many in flight for batching.
      concurrency: 1000,
      queueLimit: 1000,
      drainTimeout: 30000,
      maxClientsIdLength: 128,
      authenticate: (client, username, password, done) => {
        if (username === undefined || username === "") {
          if (!o.anonymous) return done(authError("anonymous access is off", 5 as AuthErrorCode), false);
          identities.set(client, client.id);
          return done(null, true);
        }
        o.verify(username, password === undefined ? "" : password.toString("utf8")).then(
          (ok) => {
            if (!ok) return done(authError("bad user name or password", 4 as AuthErrorCode), false);
            identities.set(client, username);
            done(null, true);
          },
          (e: Error) => done(authError(e.message, 3 as AuthErrorCode), false),
        );
      },
      authorizePublish: (client: Client | null, packet: PublishPacket, callback: (error?: Error | null) => void) => {
        const topic = packet.topic;
        if (client === null) {
          // A will left by a session that is gone: only ever a status.
          if (parseTopic(o.prefix, topic)?.kind !== "status") return callback(new Error("not a status will"));
        } else {
          const id = identities.get(client) ?? "";
          if (!mayPublish(o.prefix, id, topic)) {
            o.denied(id, "publish " + topic);
            return callback(new Error(`'${id}' may not publish to ${topic}`));
          }
        }
        inbound(topic, packet.payload as Buffer).then(() => callback(null), (e: Error) => callback(e));
      },
      authorizeSubscribe: (client: Client, sub: Subscription, callback: (error: Error | null, subscription?: Subscription | null) => void) => {
        const id = identities.get(client) ?? "";
        if (!maySubscribe(o.prefix, id, sub.topic)) {
          o.denied(id, "subscribe " + sub.topic);
          return callback(new Error(`'${id}' may not subscribe to ${sub.topic}`));
        }
        callback(null, sub);
      },
    });
    aedes.on("subscribe", (subs: Subscription[], client: Client) => {
      const id = identities.get(client);
      if (id !== undefined && subs.some((x) => maySubscribe(o.prefix, id, x.topic))) o.subscribed?.(id);
    });
    aedes.on("clientError", () => undefined);
    aedes.on("connectionError", () => undefined);
    this.aedes = aedes;
    const server = createServer(aedes.handle);
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(o.port, o.host, () => resolve());
    });
    const addr = server.address();
    if (addr !== null && typeof addr === "object" && o.port === 0) {
      this.url = `mqtt://${o.host.includes(":") ? "[" + o.host + "]" : o.host}:${addr.port}`;
    }
  }

  publish(topic: string, payload: string | Buffer, opts: { retain?: boolean } = {}): Promise<void> {
    const aedes = this.aedes;
    if (aedes === undefined) return Promise.reject(new Error("broker not started"));
    return new Promise((resolve, reject) => {
      aedes.publish(
        { cmd: "publish", topic, payload: typeof payload === "string" ? Buffer.from(payload) : payload, qos: 1, retain: opts.retain === true, dup: false },
        (err?: Error | null) => (err ? reject(err) : resolve()),
      );
    });
  }

  async close(): Promise<void> {
    const server = this.server;
    const aedes = this.aedes;
    this.server = undefined;
    this.aedes = undefined;
    if (aedes !== undefined) await new Promise<void>((r) => aedes.close(() => r()));
    if (server !== undefined) await new Promise<void>((r) => server.close(() => r()));
  }
}
