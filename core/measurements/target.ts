// The target of a measurement and its typed parameters, shared by ping and traceroute:
// every address or host name is checked here (right family, RFC 1123 name), so nothing that
// could read as an option or as shell syntax reaches a tool.
import { ToolInfo } from "../host";
import { ProbeError } from "../util/errors";
import { formatIp4, formatIp6, ip4DestinationProblem, ip6DestinationProblem, isHostName, parseIp4, parseIp6 } from "../util/addr";
import { fmtNum, parseNatural } from "../util/num";

export const P_DEST4 = "destination.ip4";
export const P_DEST6 = "destination.ip6";
export const P_NAME = "destination.name";

/** A tool as the measurement uses it: the host's ToolInfo plus the name it was found under. */
export interface ToolRef extends ToolInfo {
  /** "ping", "ping6", "traceroute", "traceroute6", "scamper". */
  name: string;
}

export interface Destination {
  /** The parameter the target came from (named in every error about it). */
  field: string;
  /** Canonical address text, or the host name as given. */
  target: string;
  family: number;
  isName: boolean;
}

/**
 * The target of a specification: `destination.ip4`, `destination.ip6`, or `destination.name`
 * (then `family` says which address family to resolve to). Throws ESPEC naming the field.
 */
export function destinationOf(params: { [name: string]: string }, family?: number): Destination {
  const v4 = params[P_DEST4];
  if (v4 !== undefined) {
    const o = parseIp4(v4);
    if (o === undefined) throw new ProbeError("ESPEC", "'" + v4 + "' is not an IPv4 address", P_DEST4);
    const why4 = ip4DestinationProblem(o);
    if (why4 !== undefined) throw new ProbeError("ESPEC", "'" + v4 + "' is " + why4, P_DEST4);
    return { field: P_DEST4, target: formatIp4(o), family: 4, isName: false };
  }
  const v6 = params[P_DEST6];
  if (v6 !== undefined) {
    const g = parseIp6(v6);
    if (g === undefined) throw new ProbeError("ESPEC", "'" + v6 + "' is not an IPv6 address", P_DEST6);
    const why6 = ip6DestinationProblem(g);
    if (why6 !== undefined) throw new ProbeError("ESPEC", "'" + v6 + "' is " + why6, P_DEST6);
    return { field: P_DEST6, target: formatIp6(g), family: 6, isName: false };
  }
  const name = params[P_NAME];
  if (name !== undefined) {
    if (!isHostName(name)) {
      throw new ProbeError("ESPEC", "'" + name + "' is not a host name (RFC 1123 letters, digits, hyphens; not all-numeric, which resolvers read as an address)", P_NAME);
    }
    if (family !== 4 && family !== 6) throw new ProbeError("ESPEC", "a host name needs an address family (4 or 6)", P_NAME);
    return { field: P_NAME, target: name, family: family, isName: true };
  }
  throw new ProbeError("ESPEC", "missing: give destination.ip4, destination.ip6 or destination.name", P_DEST4);
}

/** A natural parameter inside [lo, hi], or ESPEC naming it. */
export function naturalParam(params: { [name: string]: string }, name: string, lo: number, hi: number): number {
  const text = params[name];
  if (text === undefined) throw new ProbeError("ESPEC", "missing", name);
  const v = parseNatural(text);
  if (v === undefined) throw new ProbeError("ESPEC", "'" + text + "' is not a natural number", name);
  if (v < lo || v > hi) throw new ProbeError("ESPEC", "'" + text + "' is outside " + fmtNum(lo) + " ... " + fmtNum(hi), name);
  return v;
}
