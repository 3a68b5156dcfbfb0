/**
 * A strict little XML reader for the structural JUnit checks: elements, attributes, text, the five
 * predefined entities and numeric character references. Anything it does not understand (an
 * unescaped `<` or `&`, a mismatched or unclosed tag, a duplicate attribute) throws, which is the point.
 */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

function decode(raw: string, where: number): string {
  if (/[<]/.test(raw)) throw new Error(`raw "<" in text or attribute near offset ${where}`);
  return raw.replace(/&([^;\s]*);?/g, (match, name: string) => {
    if (!match.endsWith(";")) throw new Error(`unterminated entity "${match}" near offset ${where}`);
    if (name in ENTITIES) return ENTITIES[name]!;
    const num = /^#(x[0-9a-fA-F]+|[0-9]+)$/.exec(name);
    if (num) return String.fromCodePoint(num[1]!.startsWith("x") ? parseInt(num[1]!.slice(1), 16) : parseInt(num[1]!, 10));
    throw new Error(`unknown entity "&${name};" near offset ${where}`);
  });
}

export function parseXml(source: string): XmlElement {
  let i = 0;
  if (source.startsWith("<?xml")) {
    const end = source.indexOf("?>");
    if (end < 0) throw new Error("unterminated XML declaration");
    i = end + 2;
  }
  // XML 1.0 Char production: no C0 controls other than tab, LF, CR.
  // eslint-disable-next-line no-control-regex -- the characters XML 1.0 forbids are what this looks for
  const bad = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/.exec(source);
  if (bad) throw new Error(`character U+${bad[0].charCodeAt(0).toString(16).padStart(4, "0")} is not allowed in XML (offset ${bad.index})`);

  const skipSpace = () => {
    while (i < source.length && /\s/.test(source[i]!)) i++;
  };
  const element = (): XmlElement => {
    if (source[i] !== "<") throw new Error(`expected "<" at offset ${i}`);
    const nameMatch = /^<([A-Za-z_][\w.-]*)/.exec(source.slice(i));
    if (!nameMatch) throw new Error(`bad tag at offset ${i}`);
    const el: XmlElement = { name: nameMatch[1]!, attrs: {}, children: [], text: "" };
    i += nameMatch[0].length;
    for (;;) {
      skipSpace();
      if (source.startsWith("/>", i)) {
        i += 2;
        return el;
      }
      if (source[i] === ">") {
        i++;
        break;
      }
      const attr = /^([A-Za-z_][\w.:-]*)\s*=\s*"([^"]*)"/.exec(source.slice(i));
      if (!attr) throw new Error(`bad attribute in <${el.name}> at offset ${i}`);
      if (attr[1]! in el.attrs) throw new Error(`duplicate attribute ${attr[1]} in <${el.name}>`);
      el.attrs[attr[1]!] = decode(attr[2]!, i);
      i += attr[0].length;
    }
    for (;;) {
      const next = source.indexOf("<", i);
      if (next < 0) throw new Error(`<${el.name}> is never closed`);
      el.text += decode(source.slice(i, next), i);
      i = next;
      if (source.startsWith(`</`, i)) {
        const close = /^<\/([A-Za-z_][\w.-]*)\s*>/.exec(source.slice(i));
        if (!close || close[1] !== el.name) throw new Error(`</${close?.[1]}> closes <${el.name}> at offset ${i}`);
        i += close[0].length;
        return el;
      }
      el.children.push(element());
    }
  };
  skipSpace();
  const root = element();
  skipSpace();
  if (i !== source.length) throw new Error(`content after the root element at offset ${i}`);
  return root;
}

export function all(el: XmlElement, name: string): XmlElement[] {
  return el.children.filter((c) => c.name === name);
}
