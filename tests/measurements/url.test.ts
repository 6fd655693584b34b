import test from "ava";
import { removeDotSegments, resolveUrl, splitUrl } from "../../core/util/url";
import { RFC3986_BASE, RFC3986_EXAMPLES } from "../fixtures/rfc3986";


test("RFC 3986 5.4 examples", (t) => {
  for (const [ref, want] of RFC3986_EXAMPLES) t.is(resolveUrl(RFC3986_BASE, ref), want, ref);
});

test("remove_dot_segments (5.2.4 examples)", (t) => {
  t.is(removeDotSegments("/a/b/c/./../../g"), "/a/g");
  t.is(removeDotSegments("mid/content=5/../6"), "mid/6");
});

test("manifest-style references", (t) => {
  t.is(resolveUrl("https://www.example.com/base", "1080p.ts"), "https://www.example.com/1080p.ts");
  t.is(resolveUrl("https://www.example.com/base/", "1080p.ts"), "https://www.example.com/base/1080p.ts");
  t.is(resolveUrl("https://cdn.example.com/a/b.m3u8", "//o.example.com/c.ts"), "https://o.example.com/c.ts");
  t.is(resolveUrl("http://example.com", "seg.ts"), "http://example.com/seg.ts");
  t.is(resolveUrl("https://h/p/i.m3u8?token=1", "s.ts"), "https://h/p/s.ts");
  t.is(resolveUrl("https://h/p/i.m3u8", "/abs/s.ts?x#f"), "https://h/abs/s.ts?x#f");
  t.is(resolveUrl("http://ms/x/Big.ism/Manifest", "QualityLevels(1)/Fragments(video=0)"), "http://ms/x/Big.ism/QualityLevels(1)/Fragments(video=0)");
});

test("splitUrl components", (t) => {
  t.deepEqual(splitUrl("https://u@h:8080/p/a?q=1#f"), { scheme: "https", authority: "u@h:8080", path: "/p/a", query: "q=1", fragment: "f" });
  t.deepEqual(splitUrl("a:b"), { scheme: "a", path: "b" });
  t.deepEqual(splitUrl("./x:y"), { path: "./x:y" });
});

test("over-long URL is a typed error", (t) => {
  let s = "http://h/";
  while (s.length < 9000) s = s + "aaaaaaaaaa";
  const e = t.throws(() => resolveUrl(s, "x"));
  t.is((e as unknown as { code: string }).code, "EURL");
});
