#!/usr/bin/env node
// Writes tests/vectors/tools.json: real self-descriptions (tests/fixtures/tools) in, the
// classification core must make of them out. Expected values are written here by hand.
import { readFileSync, writeFileSync } from "node:fs";

const fx = (n) => readFileSync(`tests/fixtures/tools/${n}.txt`, "utf8");
const cases = [];
const classify = (id, name, path, texts, out) => cases.push({ id: `tools-classify-${id}`, fn: "tools.classify", in: { name, path, texts }, out });
const plan = (id, name, texts, out) => cases.push({ id: `tools-plan-${id}`, fn: "tools.probePlan", in: { name, texts }, out });

const IPUTILS_FLAGS = ["-4", "-6", "-A", "-B", "-C", "-D", "-F", "-I", "-L", "-M", "-N", "-O", "-Q", "-R", "-S", "-T", "-U", "-V", "-W",
  "-a", "-b", "-c", "-d", "-e", "-f", "-h", "-i", "-l", "-m", "-n", "-p", "-q", "-s", "-t", "-v", "-w"];
classify("iputils-ping", "ping", "/usr/bin/ping", { version: fx("iputils-ping.version"), help: fx("iputils-ping.help") },
  { path: "/usr/bin/ping", flavour: "iputils", version: "20221126", flags: IPUTILS_FLAGS });
classify("busybox-ping-applet", "ping", "/usr/bin/busybox", { version: fx("busybox-ping.version"), help: fx("busybox-ping.help") },
  { path: "/usr/bin/busybox", flavour: "busybox", version: "1.35.0", flags: ["-4", "-6", "-A", "-I", "-W", "-c", "-i", "-p", "-q", "-s", "-t", "-w"] });
const BB_TR = ["-4", "-6", "-F", "-f", "-i", "-l", "-m", "-n", "-p", "-q", "-r", "-s", "-t", "-v", "-w", "-z"];
classify("busybox-traceroute-with-icmp", "traceroute", "/bin/traceroute",
  { version: fx("busybox-traceroute.version"), help: fx("busybox-traceroute.help"), icmp: fx("busybox-traceroute.icmp") },
  { path: "/bin/traceroute", flavour: "busybox", version: "1.35.0", flags: ["-4", "-6", "-F", "-I", "-f", "-i", "-l", "-m", "-n", "-p", "-q", "-r", "-s", "-t", "-v", "-w", "-z"] });
classify("busybox-traceroute-without-icmp", "traceroute", "/bin/traceroute",
  { version: fx("busybox-traceroute.version"), help: fx("busybox-traceroute.help"), icmp: fx("busybox-traceroute.icmp-refused") },
  { path: "/bin/traceroute", flavour: "busybox", version: "1.35.0", flags: BB_TR });
const TR_FLAGS = ["--as-path-lookups", "--back", "--dccp", "--debug", "--dont-fragment", "--extensions", "--first", "--flowlabel", "--fwmark",
  "--gateway", "--help", "--icmp", "--interface", "--max-hops", "--module", "--mtu", "--options", "--port", "--protocol", "--queries",
  "--sendwait", "--sim-queries", "--source", "--sport", "--tcp", "--tos", "--udp", "--version", "--wait", "-4", "-6", "-A", "-D", "-F",
  "-I", "-L", "-M", "-N", "-O", "-P", "-T", "-U", "-V", "-d", "-e", "-f", "-g", "-i", "-l", "-m", "-n", "-p", "-q", "-r", "-s", "-t", "-w", "-z"];
classify("debian-traceroute", "traceroute", "/usr/sbin/traceroute", { version: fx("traceroute-2.1.2.version"), help: fx("traceroute-2.1.2.help") },
  { path: "/usr/sbin/traceroute", flavour: "traceroute", version: "2.1.2", flags: TR_FLAGS });
classify("scamper", "scamper", "/usr/bin/scamper", { version: fx("scamper.version"), help: fx("scamper.help") },
  { path: "/usr/bin/scamper", flavour: "scamper", version: "20211212",
    flags: ["-C", "-D", "-F", "-I", "-L", "-M", "-O", "-P", "-R", "-T", "-U", "-c", "-d", "-e", "-f", "-i", "-l", "-n", "-o", "-p", "-v", "-w"] });
classify("fping", "fping", "/usr/bin/fping", { version: fx("fping.version") },
  { path: "/usr/bin/fping", flavour: "fping", version: "5.1" });
classify("tracepath", "tracepath", "/usr/bin/tracepath", { version: fx("tracepath.version") }, { path: "/usr/bin/tracepath", flavour: "iputils", version: "20221126" });
classify("curl", "curl", "/usr/bin/curl", { version: fx("curl.version") }, { path: "/usr/bin/curl", flavour: "curl", version: "7.88.1" });
classify("socat", "socat", "/usr/bin/socat", { version: fx("socat.version") }, { path: "/usr/bin/socat", flavour: "socat", version: "1.7.4.4" });
classify("openssl", "openssl", "/usr/bin/openssl", { version: fx("openssl.version") }, { path: "/usr/bin/openssl", flavour: "openssl", version: "3.0.22" });
classify("busybox", "busybox", "/usr/bin/busybox", { help: fx("busybox.help"), list: fx("busybox.list") }, { path: "/usr/bin/busybox", flavour: "busybox", version: "1.35.0" });
classify("busybox-nc", "nc", "/usr/bin/busybox", { help: fx("busybox-nc.help") }, { path: "/usr/bin/busybox", flavour: "busybox", version: "1.35.0" });
classify("uclient-fetch", "uclient-fetch", "/bin/uclient-fetch", { help: fx("uclient-fetch.help") }, { path: "/bin/uclient-fetch", flavour: "uclient-fetch" });
classify("tstat", "tstat", "/usr/bin/tstat", { version: "TNG tstat-3.3.0 (Voynich flavor) -- Mon Nov 15 14:53:42 CET 2021\n" },
  { path: "/usr/bin/tstat", flavour: "tstat", version: "3.3.0" });
classify("unknown", "ping", "/opt/bin/ping", { version: "ping: invalid option -- 'V'\n", help: "" }, { path: "/opt/bin/ping", flavour: "unknown", flags: [] });
classify("nothing-ran", "curl", "/usr/bin/curl", { version: "" }, { path: "/usr/bin/curl", flavour: "unknown" });

plan("ping-first", "ping", {}, [{ key: "version", args: ["-V"] }, { key: "help", args: ["--help"] }]);
plan("ping-done", "ping", { version: fx("iputils-ping.version"), help: fx("iputils-ping.help") }, []);
plan("scamper-first", "scamper", {}, [{ key: "version", args: ["-v"] }, { key: "help", args: ["-?"] }]);
plan("curl-first", "curl", {}, [{ key: "version", args: ["--version"] }]);
plan("openssl-first", "openssl", {}, [{ key: "version", args: ["version"] }]);
plan("nc-first", "nc", {}, [{ key: "help", args: ["-h"] }]);
plan("busybox-list", "busybox", { help: fx("busybox.help") }, [{ key: "list", args: ["--list"] }]);
plan("busybox-traceroute-asks-icmp", "traceroute", { version: fx("busybox-traceroute.version"), help: fx("busybox-traceroute.help") },
  [{ key: "icmp", args: ["-I", "-f", "2", "-m", "1", "127.0.0.1"] }]);
plan("debian-traceroute-no-icmp-probe", "traceroute", { version: fx("traceroute-2.1.2.version"), help: fx("traceroute-2.1.2.help") }, []);
cases.push({ id: "tools-applets-busybox", fn: "tools.applets", in: "ping\nping6\ntraceroute\n\nnc\n", out: ["ping", "ping6", "traceroute", "nc"] });

writeFileSync("tests/vectors/tools.json", JSON.stringify({ cases }, null, 1) + "\n");
console.log(`tools: ${cases.length} cases`);
