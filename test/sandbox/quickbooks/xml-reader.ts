// Minimal XML reader/writer, just enough for the Intuit XSD files (elements, attributes,
// comments, processing instructions). We only need the schema structure, never mixed text,
// so text nodes are dropped. Kept dependency-free on purpose: the brief forbids new packages.

export interface XmlNode {
  name: string; // qualified name as written, e.g. "xs:complexType"
  attrs: Record<string, string>;
  children: XmlNode[];
}

const ATTR_RE = /([\w:.-]+)\s*=\s*("([^"]*)"|'([^']*)')/g;

function decodeEntities(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Parses a document and returns its root element. Throws on unbalanced tags. */
export function parseXml(text: string): XmlNode {
  const root: XmlNode = { name: '#document', attrs: {}, children: [] };
  const stack: XmlNode[] = [root];
  let i = 0;
  while (i < text.length) {
    const lt = text.indexOf('<', i);
    if (lt < 0) break;
    if (text.startsWith('<!--', lt)) {
      i = text.indexOf('-->', lt) + 3;
      continue;
    }
    if (text.startsWith('<?', lt)) {
      i = text.indexOf('?>', lt) + 2;
      continue;
    }
    if (text.startsWith('<![CDATA[', lt)) {
      i = text.indexOf(']]>', lt) + 3;
      continue;
    }
    if (text.startsWith('<!', lt)) {
      i = text.indexOf('>', lt) + 1;
      continue;
    }
    // Attribute values in these files never contain '>', so the first '>' closes the tag.
    const gt = text.indexOf('>', lt);
    if (gt < 0) throw new Error('unterminated tag');
    const raw = text.slice(lt + 1, gt);
    i = gt + 1;
    if (raw.startsWith('/')) {
      const name = raw.slice(1).trim();
      const top = stack.pop();
      if (!top || top.name !== name) throw new Error(`mismatched </${name}>`);
      continue;
    }
    const selfClosing = raw.endsWith('/');
    const body = selfClosing ? raw.slice(0, -1) : raw;
    const nameMatch = /^[\w:.-]+/.exec(body);
    if (!nameMatch) throw new Error(`bad tag <${raw}>`);
    const node: XmlNode = { name: nameMatch[0], attrs: {}, children: [] };
    for (const m of body.slice(nameMatch[0].length).matchAll(ATTR_RE)) {
      node.attrs[m[1] as string] = decodeEntities(m[3] ?? m[4] ?? '');
    }
    stack[stack.length - 1]?.children.push(node);
    if (!selfClosing) stack.push(node);
  }
  if (stack.length !== 1) throw new Error('unclosed elements');
  const first = root.children[0];
  if (!first) throw new Error('empty document');
  return first;
}

/** Serialises a node tree (no text content), used to write the trimmed schema. */
export function writeXml(node: XmlNode): string {
  const attrs = Object.entries(node.attrs)
    .map(([k, v]) => ` ${k}="${escapeXml(v)}"`)
    .join('');
  if (node.children.length === 0) return `<${node.name}${attrs}/>`;
  return `<${node.name}${attrs}>${node.children.map(writeXml).join('')}</${node.name}>`;
}
