import test from "ava";
import { ProbeError } from "../../core/util/errors";
import { childElements, firstChild, parseXml, textContent } from "../../core/util/xml";
import { BILLION_LAUGHS, deepXml } from "../fixtures/manifests/synthetic";

function code(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return e instanceof ProbeError ? e.code : "untyped";
  }
  return "none";
}

test("elements, attributes, text, line numbers", (t) => {
  const d = parseXml("<?xml version=\"1.0\"?>\n<a x=\"1\" y='two'>\n  <b>hi</b>\n  <c/>\n</a>");
  t.is(d.root.name, "a");
  t.deepEqual(d.root.attrNames, ["x", "y"]);
  t.is(d.root.attrs["y"], "two");
  t.is(d.root.line, 2);
  const kids = childElements(d.root);
  t.is(kids.length, 2);
  t.is(kids[0].line, 3);
  t.is(textContent(kids[0]), "hi");
  t.deepEqual(d.misc, []);
});

test("entities, numeric references, CDATA, comments, PIs", (t) => {
  const d = parseXml("<!-- c --><a t=\"&lt;&amp;&quot;\">x &gt; &#65;&#x42;&#xe9;<![CDATA[<raw>&amp;]]><!--in--><?pi v?></a>");
  t.is(d.root.attrs["t"], "<&\"");
  t.is(textContent(d.root), "x > ABé<raw>&amp;");
  t.deepEqual(d.misc, [{ type: "comment", value: " c " }]);
  t.deepEqual(d.root.children[2], { type: "comment", value: "in" });
  t.deepEqual(d.root.children[3], { type: "pi", target: "pi", value: "v" });
});

test("namespaces are kept as prefixed names", (t) => {
  const d = parseXml("<MPD xmlns:cenc=\"urn:mpeg:cenc:2013\"><cenc:pssh cenc:default_KID=\"k\">AA</cenc:pssh></MPD>");
  const p = firstChild(d.root, "pssh");
  t.truthy(p);
  t.is(p!.name, "cenc:pssh");
  t.is(p!.attrs["cenc:default_KID"], "k");
});

test("billion laughs fails fast on the DOCTYPE", (t) => {
  const t0 = Date.now();
  t.is(code(() => parseXml(BILLION_LAUGHS)), "EXML");
  t.true(Date.now() - t0 < 100);
});

test("malformed input gives EXML", (t) => {
  for (const s of ["<a>&xxe;</a>", "<a>\n<b></a>", "<a><b></b>", "<a/><b/>", "<a x=1/>", "<a x=\"1\" x=\"2\"/>", "<a>&#0;</a>", "", "junk<a/>", "<a>&amp</a>", "<a><!-- x</a>", "<a x=\"<\"/>"]) {
    t.is(code(() => parseXml(s)), "EXML", s);
  }
});

test("limits give ELIMIT", (t) => {
  t.is(code(() => parseXml(deepXml(100))), "ELIMIT");
  t.is(code(() => parseXml(deepXml(10000))), "ELIMIT");
  t.is(code(() => parseXml("<a><b/><b/><b/><b/></a>", { maxElements: 4 })), "ELIMIT");
  t.is(code(() => parseXml("<a>0123456789</a>", { maxBytes: 10 })), "ELIMIT");
  t.is(parseXml(deepXml(3), { maxDepth: 5 }).root.name, "MPD");
});

test("a large flat document parses in linear time", (t) => {
  const parts: string[] = ["<r>"];
  for (let i = 0; i < 100000; i++) parts.push("<S d=\"1\"/>\n");
  parts.push("</r>");
  const t0 = Date.now();
  const d = parseXml(parts.join(""));
  t.is(d.root.children.length, 100000);
  t.true(Date.now() - t0 < 5000);
});
