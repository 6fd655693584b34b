// Incremental MQTT packet parser: bytes arrive in chunks cut anywhere; whole packets come
// out in order. Memory is bounded by maxPacketBytes: a PUBLISH larger than that is not
// buffered — its topic and packet id are read, its payload is discarded as it streams
// past, and it comes out with `oversize` set (so the session can still acknowledge it);
// any other packet that large is ETOOBIG. After an error the parser is dead: the caller
// must drop the connection (the byte stream has lost its framing).
import { ProbeError, asProbeError } from "../util/errors";
import { fmtInt } from "../util/num";
import { Packet, PublishPacket, decodePacketAt, fixedHeader, topicProblem } from "./packet";
import { utf8Decode } from "../report/utf8";

/** Default limit of one incoming packet, bytes (specifications are small JSON). */
export const DEFAULT_MAX_PACKET = 1048576;

export class PacketParser {
  private buf = "";
  private off = 0;
  private extra: string[] = [];
  private extraLen = 0;
  /** Bytes still to discard of an oversize PUBLISH, and the packet to emit after them. */
  private skip = 0;
  private skipped: PublishPacket | undefined;
  private failed: ProbeError | undefined;
  readonly maxPacketBytes: number;

  constructor(maxPacketBytes?: number) {
    this.maxPacketBytes = maxPacketBytes === undefined ? DEFAULT_MAX_PACKET : maxPacketBytes;
  }

  private available(): number {
    return this.buf.length - this.off + this.extraLen;
  }

  /** Makes at least `n` available bytes contiguous in buf from off. */
  private contiguous(n: number): void {
    if (this.buf.length - this.off >= n || this.extra.length === 0) return;
    this.buf = this.buf.substring(this.off) + this.extra.join("");
    this.off = 0;
    this.extra = [];
    this.extraLen = 0;
  }

  /** Drops up to `n` buffered bytes; returns how many were dropped. */
  private discard(n: number): number {
    this.contiguous(this.available());
    const d = Math.min(n, this.buf.length - this.off);
    this.off = this.off + d;
    return d;
  }

  /**
   * Feeds one chunk (a byte string); returns the packets it completed. Throws the
   * ProbeError (EPROTO, ETOOBIG) of the first malformed packet, and again on every later
   * call.
   */
  push(chunk: string): Packet[] {
    if (this.failed !== undefined) throw this.failed;
    if (chunk.length > 0) {
      this.extra.push(chunk);
      this.extraLen = this.extraLen + chunk.length;
    }
    const out: Packet[] = [];
    try {
      this.drain(out);
    } catch (e) {
      this.failed = asProbeError(e);
      throw this.failed;
    }
    if (this.off === this.buf.length && this.extra.length === 0) {
      this.buf = "";
      this.off = 0;
    }
    return out;
  }

  private drain(out: Packet[]): void {
    // Bounded by the input: every turn consumes bytes or returns.
    for (;;) {
      const skipped = this.skipped;
      if (skipped !== undefined) {
        if (this.skip > 0) this.skip = this.skip - this.discard(this.skip);
        if (this.skip > 0) return;
        // portable-ok: a field, not an array slot: nil reads back as undefined
        this.skipped = undefined;
        out.push(skipped);
      }
      if (this.available() < 2) return;
      this.contiguous(5);
      const h = fixedHeader(this.buf, this.off, this.buf.length);
      if (h === undefined) {
        if (this.available() >= 5) throw new ProbeError("EPROTO", "remaining length longer than four bytes", "length");
        return;
      }
      const total = h[0] + h[1];
      if (total > this.maxPacketBytes) {
        if (!this.startSkip(h[0], h[1])) return;
        continue;
      }
      if (this.available() < total) return;
      this.contiguous(total);
      const p = decodePacketAt(this.buf, this.off, this.off + total);
      this.off = this.off + total;
      out.push(p);
    }
  }

  /** Reads an oversize PUBLISH's topic and id, then skips its payload. False: need more bytes. */
  private startSkip(headLen: number, remaining: number): boolean {
    const first = this.buf.charCodeAt(this.off);
    const type = Math.floor(first / 16);
    if (type !== 3) {
      throw new ProbeError("ETOOBIG", "packet of " + fmtInt(remaining) + " bytes is larger than the limit", "length");
    }
    const flags = first - type * 16;
    const qos = Math.floor(flags / 2) - Math.floor(flags / 8) * 4;
    if (qos === 3) throw new ProbeError("EPROTO", "QoS 3", "qos");
    if (this.available() < headLen + 2) return false;
    this.contiguous(headLen + 2);
    const tlen = this.buf.charCodeAt(this.off + headLen) * 256 + this.buf.charCodeAt(this.off + headLen + 1);
    const varLen = 2 + tlen + (qos > 0 ? 2 : 0);
    if (varLen > remaining) throw new ProbeError("EPROTO", "publish ends inside its topic", "topic");
    if (this.available() < headLen + varLen) return false;
    this.contiguous(headLen + varLen);
    const at = this.off + headLen;
    const topic = this.buf.substring(at + 2, at + 2 + tlen);
    const why = topicProblem(topic, false);
    if (why !== undefined) throw new ProbeError("EPROTO", why, "topic");
    const p: PublishPacket = {
      cmd: "publish",
      topic: utf8Decode(topic),
      payload: "",
      qos: qos,
      retain: flags - Math.floor(flags / 2) * 2 === 1,
      dup: flags >= 8,
      oversize: remaining - varLen,
    };
    if (qos > 0) {
      const id = this.buf.charCodeAt(at + 2 + tlen) * 256 + this.buf.charCodeAt(at + 3 + tlen);
      if (id === 0) throw new ProbeError("EPROTO", "packet id 0", "messageId");
      p.messageId = id;
    }
    this.off = this.off + headLen + varLen;
    this.skip = remaining - varLen;
    this.skipped = p;
    return true;
  }
}
