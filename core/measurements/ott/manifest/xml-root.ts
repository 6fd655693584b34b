// The first step DASH and Smooth Streaming share: size check, well-formed XML, the
// expected root element; each failure a typed error saying which manifest kind it was.
import { ProbeError } from "../../../util/errors";
import { fmtNum } from "../../../util/num";
import { XmlElement, localName, parseXml } from "../../../util/xml";
import { ManifestLimits, limitError, manifestError } from "./model";

export function readManifestRoot(text: string, limits: ManifestLimits, what: string, rootName: string): XmlElement {
  if (text.length > limits.maxBytes) throw limitError(what + " larger than " + fmtNum(limits.maxBytes) + " bytes");
  let root: XmlElement;
  try {
    root = parseXml(text, { maxBytes: limits.maxBytes }).root;
  } catch (e) {
    if (e instanceof ProbeError && e.code === "EXML") throw manifestError(what + " is not well-formed XML: " + e.message);
    throw e;
  }
  if (localName(root.name) !== rootName) throw manifestError("root element is <" + root.name + ">, not <" + rootName + ">");
  return root;
}
