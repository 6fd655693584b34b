// runtime.conf editing: byte-exact round trips on every recorded conf, the recorded variants
// reproduced from the distributed file by our edits, and additions that keep everything else.
import test from "ava";
import { readFileSync, readdirSync, existsSync } from "node:fs";
import { join } from "node:path";
import { confSection, confValue, setConf } from "../../core/measurements/tstat/conf.ts";
import { formatState, parseState, unionEdits } from "../../core/measurements/tstat/control.ts";
import { logGroupOf } from "../../core/measurements/tstat/groups.ts";
import { FIX } from "./support.ts";

function confFiles(): string[] {
  const out: string[] = [];
  for (const d of readdirSync(FIX)) {
    for (const f of ["runtime.conf", "runtime.conf.initial"]) if (existsSync(join(FIX, d, f))) out.push(join(FIX, d, f));
  }
  for (const f of readdirSync(join(FIX, "runtime-conf-variants"))) if (f.startsWith("runtime_")) out.push(join(FIX, "runtime-conf-variants", f));
  return out;
}

const on = (section: string, key: string, value = "1") => ({ section, key, value });
const variant = (n: string) => readFileSync(join(FIX, "runtime-conf-variants", `runtime_${n}.conf`), "latin1");

test("every fixture conf: no edit and a no-op edit give the same bytes; edit then undo gives the same bytes", (t) => {
  const files = confFiles();
  t.true(files.length === 18, `${files.length} conf files`);
  for (const f of files) {
    const text = readFileSync(f, "latin1");
    t.is(setConf(text, []), text, f);
    const cur = confValue(text, "options", "tcplog_end_to_end") as string;
    t.is(setConf(text, [on("options", "tcplog_end_to_end", cur)]), text, `${f}: same value`);
    const flipped = setConf(text, [on("options", "tcplog_end_to_end", cur === "1" ? "0" : "1")]);
    t.not(flipped, text);
    t.is(flipped.length, text.length, `${f}: only the value changed`);
    t.is(setConf(flipped, [on("options", "tcplog_end_to_end", cur)]), text, `${f}: undo is byte-exact`);
  }
});

test("the recorded conf variants are the distributed one plus exactly our edits", (t) => {
  const core = variant("core");
  const e2e = logGroupOf({ group: "log_tcp_complete", level: "end_to_end" })!.edits;
  t.is(setConf(core, e2e), variant("e2e"));
  const opt = logGroupOf({ group: "log_tcp_complete", level: "tcp_options" })!.edits;
  const l7 = logGroupOf({ group: "log_tcp_complete", level: "layer7" })!.edits;
  t.is(setConf(core, unionEdits([e2e, opt, l7])), variant("e2e_opt_l7"));
  const p2p = logGroupOf({ group: "log_tcp_complete", level: "p2p_stats" })!.edits;
  const all = unionEdits([e2e, opt, l7, p2p, [on("options", "tcplog_advanced"), on("options", "httplog_full_url", "2")]]);
  t.is(setConf(core, all), variant("all"));
  // and back: the live scenario's final conf with e2e off is its initial one
  const live = readFileSync(join(FIX, "live_lo_e2e_switch/runtime.conf"), "latin1");
  t.is(setConf(live, [on("options", "tcplog_end_to_end", "0")]), readFileSync(join(FIX, "live_lo_e2e_switch/runtime.conf.initial"), "latin1"));
});

test("values are read per section, comments and tabs around them ignored", (t) => {
  const core = variant("core");
  t.is(confValue(core, "log", "log_tcp_complete"), "1");
  t.is(confValue(core, "log", "log_dns_complete"), "0");
  t.is(confValue(core, "options", "httplog_full_url"), "0");
  t.is(confValue(core, "options", "log_tcp_complete"), undefined, "a key of another section");
  t.is(confValue(core, "dump", "stop_dumping_mask"), "0", "not the commented-out examples");
  const opts = confSection(core, "options");
  t.deepEqual(opts.slice(0, 5).map((e) => e.key), ["tcplog_end_to_end", "tcplog_layer7", "tcplog_p2p", "tcplog_options", "tcplog_advanced"]);
  t.is(opts.length, 12);
  t.is(confSection(core, "log").length, 14);
});

test("a missing key is added after its section's last key; a missing section is appended; CRLF kept", (t) => {
  const text = "# mine\n[log]\nlog_tcp_complete = 0   # tcp\n\n[options]\ntcplog_end_to_end = 0\n\n# tail note\n";
  t.is(setConf(text, [on("log", "log_udp_complete"), on("log", "log_tcp_complete")]),
    "# mine\n[log]\nlog_tcp_complete = 1   # tcp\nlog_udp_complete = 1\n\n[options]\ntcplog_end_to_end = 0\n\n# tail note\n");
  t.is(setConf(text, [on("options", "tcplog_p2p")]),
    "# mine\n[log]\nlog_tcp_complete = 0   # tcp\n\n[options]\ntcplog_end_to_end = 0\ntcplog_p2p = 1\n\n# tail note\n");
  t.is(setConf("[log]\nx = 1", [on("options", "tcplog_p2p")]), "[log]\nx = 1\n\n[options]\ntcplog_p2p = 1\n");
  const crlf = "[log]\r\nlog_tcp_complete = 0\r\n[options]\r\ntcplog_end_to_end=0\t# e2e\r\n";
  t.is(setConf(crlf, [on("options", "tcplog_end_to_end"), on("options", "tcplog_layer7")]),
    "[log]\r\nlog_tcp_complete = 0\r\n[options]\r\ntcplog_end_to_end=1\t# e2e\r\ntcplog_layer7 = 1\r\n");
  t.is(confValue(crlf, "options", "tcplog_end_to_end"), "0");
});

test("the restore file keeps the original text exactly, whatever it holds", (t) => {
  for (const text of [variant("core"), "", "no newline", "a\r\nb\n\n", "miniprobe-tstat-restore 1\nfake\n"]) {
    const st = parseState(formatState("/etc/tstat/runtime.conf", text));
    t.deepEqual(st, { conf: "/etc/tstat/runtime.conf", original: text });
  }
  t.is(parseState("something else\n/x\ny"), undefined);
  t.is(parseState("miniprobe-tstat-restore 1"), undefined);
});

test("union of edits keeps the largest value per switch", (t) => {
  t.deepEqual(unionEdits([[on("options", "httplog_full_url", "1")], [on("options", "httplog_full_url", "2")], [on("options", "httplog_full_url", "1")]]),
    [on("options", "httplog_full_url", "2")]);
});
