// Result columns of the ping capabilities: aggregate (one row) and detail (one row a reply).
export const AVERAGE_RESULTS = [
  "delay.twoway.icmp.us.min",
  "delay.twoway.icmp.us.mean",
  "delay.twoway.icmp.us.50pct",
  "delay.twoway.icmp.us.max",
  "delay.twoway.icmp.count",
  "packets.lost",
  "delay.twoway.icmp.us.stddev",
];
export const DETAIL_RESULTS = ["time", "delay.twoway.icmp.us", "ping.sequence", "ping.reply.ttl"];
