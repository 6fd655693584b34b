// The registry elements of Tstat's capabilities: its own parameters and result names, and
// one element per log column. Built only when a device offers Tstat (or for --registry).
import { Element } from "../../model/registry";
import { elementsOf, HTTP, TCP_CORE, TCP_E2E, TCP_IDS, TCP_LAYER7, TCP_OPTIONS, TCP_P2P, UDP, HTTP_KIND } from "./columns";
import { P_ROWS } from "./names";

export function tstatElements(): Element[] {
  const out: Element[] = [
    { name: P_ROWS, prim: "natural", desc: "most rows a Tstat log specification returns (the rest are left out and logged)" },
    { name: HTTP_KIND, prim: "string", desc: "request or response (Tstat log_http_complete)" },
    { name: "tstat.capture.started", prim: "boolean", desc: "tstat-capture started Tstat (false: one was already running)" },
    { name: "tstat.pid", prim: "natural", desc: "process id of Tstat" },
    { name: "tstat.exit.code", prim: "real", desc: "Tstat's exit status (1 after SIGINT, -1 killed by a signal)" },
    { name: "tstat.packets", prim: "natural", desc: "packets Tstat analysed" },
    { name: "tstat.flows.tcp", prim: "natural", desc: "TCP flows Tstat analysed" },
    { name: "tstat.flows.udp", prim: "natural", desc: "UDP flows Tstat analysed" },
    { name: "tstat.outdir.count", prim: "natural", desc: "output directories Tstat created" },
    { name: "tstat.outdir", prim: "string", desc: "Tstat's (last) output directory" },
    { name: "tstat.message", prim: "string", desc: "Tstat's last words when it failed" },
    { name: "tstat.running", prim: "boolean", desc: "a Tstat process runs on the device" },
    { name: "tstat.log.level", prim: "string", desc: "the #NN# level of the current log_tcp_complete header" },
    { name: "tstat.conf.log", prim: "string", desc: "runtime.conf [log] switches, key=value" },
    { name: "tstat.conf.options", prim: "string", desc: "runtime.conf [options] switches, key=value" },
    { name: "tstat.restore.pending", prim: "boolean", desc: "an edited runtime.conf waits to be restored" },
  ];
  for (const cols of [TCP_IDS, TCP_CORE, TCP_E2E, TCP_OPTIONS, TCP_P2P, TCP_LAYER7, UDP, HTTP]) elementsOf(cols, out);
  return out;
}
