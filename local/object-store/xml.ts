/** Just enough XML for S3's request and response bodies: an escaping builder and a small tree parser. */

export function escapeXml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => XML_ENTITIES_OUT[c] ?? c);
}

const XML_ENTITIES_OUT: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** A leaf element; `undefined` renders nothing so optional fields can be passed straight through. */
export function el(name: string, value: string | number | boolean | undefined): string {
  if (value === undefined) return '';
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

/** An element whose children are already rendered XML. */
export function node(name: string, ...children: string[]): string {
  return `<${name}>${children.join('')}</${name}>`;
}

export const S3_XMLNS = 'http://s3.amazonaws.com/doc/2006-03-01/';

/** A complete document with the S3 namespace on the root element. */
export function document(root: string, ...children: string[]): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="${S3_XMLNS}">${children.join('')}</${root}>`;
}

export interface XmlNode {
  /** Local name: any namespace prefix is dropped, as S3 ignores it. */
  name: string;
  children: XmlNode[];
  text: string;
}

export class XmlParseError extends Error {
  override name = 'XmlParseError';
}

/** Parses a document into a tree (attributes are ignored: S3's request bodies carry none that matter). */
export function parseXml(source: string): XmlNode {
  const root: XmlNode = { name: '#document', children: [], text: '' };
  const stack: XmlNode[] = [root];
  let i = 0;
  while (i < source.length) {
    const lt = source.indexOf('<', i);
    const top = stack[stack.length - 1] as XmlNode;
    if (lt === -1) {
      top.text += decodeEntities(source.slice(i));
      break;
    }
    if (lt > i) top.text += decodeEntities(source.slice(i, lt));
    if (source.startsWith('<?', lt)) {
      i = mustFind(source, '?>', lt) + 2;
    } else if (source.startsWith('<!--', lt)) {
      i = mustFind(source, '-->', lt) + 3;
    } else if (source.startsWith('<![CDATA[', lt)) {
      const end = mustFind(source, ']]>', lt);
      top.text += source.slice(lt + 9, end);
      i = end + 3;
    } else if (source.startsWith('<!', lt)) {
      i = mustFind(source, '>', lt) + 1;
    } else if (source.startsWith('</', lt)) {
      const end = mustFind(source, '>', lt);
      const name = localName(source.slice(lt + 2, end).trim());
      const open = stack.pop();
      if (!open || open.name !== name || stack.length === 0) throw new XmlParseError(`unexpected </${name}>`);
      i = end + 1;
    } else {
      const end = mustFind(source, '>', lt);
      const selfClosing = source[end - 1] === '/';
      const inner = source.slice(lt + 1, selfClosing ? end - 1 : end).trim();
      const rawName = inner.split(/\s/, 1)[0] ?? '';
      if (!rawName) throw new XmlParseError('empty element name');
      const child: XmlNode = { name: localName(rawName), children: [], text: '' };
      top.children.push(child);
      if (!selfClosing) stack.push(child);
      i = end + 1;
    }
  }
  if (stack.length !== 1) throw new XmlParseError('unclosed element');
  const [documentElement] = root.children;
  if (!documentElement || root.children.length !== 1) throw new XmlParseError('expected one root element');
  return documentElement;
}

function mustFind(source: string, token: string, from: number): number {
  const at = source.indexOf(token, from);
  if (at === -1) throw new XmlParseError(`unterminated markup at ${from}`);
  return at;
}

function localName(name: string): string {
  const colon = name.indexOf(':');
  return colon === -1 ? name : name.slice(colon + 1);
}

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos);/g, (_, entity: string) => {
    if (entity.startsWith('#x')) return String.fromCodePoint(parseInt(entity.slice(2), 16));
    if (entity.startsWith('#')) return String.fromCodePoint(parseInt(entity.slice(1), 10));
    return XML_ENTITIES_IN[entity] ?? '';
  });
}

const XML_ENTITIES_IN: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

export function childrenNamed(parent: XmlNode, name: string): XmlNode[] {
  return parent.children.filter((c) => c.name === name);
}

export function childNamed(parent: XmlNode, name: string): XmlNode | undefined {
  return parent.children.find((c) => c.name === name);
}

/** Text of a direct child, trimmed only when asked (keys keep their whitespace). */
export function childText(parent: XmlNode, name: string): string | undefined {
  return childNamed(parent, name)?.text;
}
