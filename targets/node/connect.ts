// TCP and TLS byte streams (node:net, node:tls). Data crosses as byte strings (latin1: one
// char per byte), so MQTT's binary frames survive. TLS verifies the peer (system CAs or
// caFile) and refuses what it cannot verify.
import * as fs from "node:fs";
import * as net from "node:net";
import * as tls from "node:tls";
import type { Callback, ConnectOptions, Handle, HostError, Stream } from "../../core/host";
import { hostError, once, toHostError } from "./errors";

function tlsOptions(hostname: string, port: number, o: ConnectOptions): tls.ConnectionOptions {
  const opts: tls.ConnectionOptions = { host: hostname, port, rejectUnauthorized: true };
  // Node verifies the certificate against servername, else host (an IP literal is checked
  // against the certificate's IP entries and sent without SNI, which forbids IPs)
  const sni = o.servername ?? hostname;
  if (!net.isIP(sni)) opts.servername = sni;
  if (o.caFile !== undefined) opts.ca = fs.readFileSync(o.caFile);
  if (o.certFile !== undefined) opts.cert = fs.readFileSync(o.certFile);
  if (o.keyFile !== undefined) opts.key = fs.readFileSync(o.keyFile);
  return opts;
}

export function connect(hostname: string, port: number, o: ConnectOptions, done: Callback<Stream>): Handle {
  const cb = once(done);
  let sock: net.Socket;
  try {
    sock = o.tls ? tls.connect(tlsOptions(hostname, port, o)) : net.connect({ host: hostname, port });
  } catch (e) {
    cb(toHostError(e, "EINVAL"), undefined);
    return { cancel: () => undefined };
  }
  let connected = false;
  const failEarly = (e: HostError) => {
    if (connected || cb.done()) return;
    clearTimeout(timer);
    sock.destroy();
    cb(e, undefined);
  };
  const timer = setTimeout(() => {
    failEarly(hostError("ETIMEDOUT", `connect ${hostname}:${port} timed out after ${o.timeoutMs} ms`));
  }, Math.max(0, o.timeoutMs));
  let dataHandler: ((data: string) => void) | undefined;
  let closeHandler: ((err: HostError | undefined) => void) | undefined;
  const early: string[] = [];
  let closed = false;
  let closedLocally = false;
  let closeErr: HostError | undefined;
  let lastErr: HostError | undefined;
  sock.on("data", (chunk: Buffer) => {
    if (closedLocally) return;
    const s = chunk.toString("latin1");
    if (dataHandler) dataHandler(s);
    else early.push(s);
  });
  sock.on("error", (e: Error) => {
    lastErr = toHostError(e);
    failEarly(lastErr);
  });
  sock.on("close", () => {
    if (!connected || closed) return;
    closed = true;
    closeErr = lastErr;
    if (closeHandler) closeHandler(closeErr);
  });
  const stream: Stream = {
    write(data: string, wcb: Callback<true>) {
      if (closed || closedLocally || sock.destroyed) {
        wcb(hostError("ECONNRESET", "stream is closed"), undefined);
        return;
      }
      sock.write(Buffer.from(data, "latin1"), (e?: Error | null) => {
        if (e) wcb(toHostError(e, "ECONNRESET"), undefined);
        else wcb(undefined, true);
      });
    },
    onData(handler: (data: string) => void) {
      dataHandler = handler;
      while (early.length > 0) handler(early.shift()!);
    },
    onClose(handler: (err: HostError | undefined) => void) {
      closeHandler = handler;
      if (closed) handler(closeErr);
    },
    close() {
      if (closedLocally) return;
      closedLocally = true;
      sock.end();
      sock.destroySoon();
    },
  };
  sock.once(o.tls ? "secureConnect" : "connect", () => {
    if (cb.done()) return;
    connected = true;
    clearTimeout(timer);
    cb(undefined, stream);
  });
  return {
    cancel() {
      failEarly(hostError("ECANCELED", `connect ${hostname}:${port}: cancelled`));
    },
  };
}
