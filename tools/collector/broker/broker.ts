// The collector's side of MQTT, behind one small interface with two adapters: the
// embedded aedes broker (embedded.ts) and a client of an external broker (external.ts).
// Both call `inbound` for every message a probe publishes and acknowledge it (PUBACK)
// only after the returned promise resolved, i.e. after the database commit.
export type Inbound = (topic: string, payload: Buffer) => Promise<void>;

export interface Broker {
  /** What probes connect to, e.g. mqtt://127.0.0.1:1883. */
  readonly url: string;
  start(inbound: Inbound): Promise<void>;
  /** QoS 1 publish; resolves when the broker has it (external) or it is queued to every subscriber session (embedded). */
  publish(topic: string, payload: string | Buffer, opts?: { retain?: boolean }): Promise<void>;
  close(): Promise<void>;
}
