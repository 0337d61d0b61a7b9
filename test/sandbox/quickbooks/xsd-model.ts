// Reads the official Intuit XSDs once and derives what the sandbox needs from them:
//  1. per complex type, the ordered list of child elements (base type's sequence first, as
//     xs:extension requires) so JSON can be written as XML in an order xs:sequence accepts;
//  2. which JSON keys are XML attributes and which types carry simple content (ReferenceType's
//     `value` is text, `name` an attribute);
//  3. a trimmed schema holding only the types reachable from the entities the sandbox serves.
//     libxml2 spends ~160 ms parsing the full 700 kB schema set on every xmllint-wasm call; the
//     trimmed one declares exactly the same types, so validation results are identical.
import { contractPath } from '../../support/contracts';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseXml, writeXml, type XmlNode } from './xml-reader';

export const QBO_NS = 'http://schema.intuit.com/finance/v3';
export const DEFAULT_XSD_DIR = contractPath('quickbooks/xsd');

export interface ChildElement {
  name: string;
  type: string; // local type name; "xs:..." for built-ins
}
export interface TypeInfo {
  name: string;
  complex: boolean;
  simpleContent: boolean;
  elements: ChildElement[]; // full order, including inherited ones
  attributes: Set<string>;
}

export interface XsdModel {
  types: Map<string, TypeInfo>;
  /** Global element name → type, for the entity roots (IntuitRestServiceDef.xsd). */
  roots: Map<string, string>;
  /** Standalone schema text for the given root elements (see header comment). */
  trimmedSchema(rootNames: string[]): string;
}

const stripNs = (q: string): string => (q.startsWith('xs:') ? q : q.replace(/^\w+:/, ''));

function collectTopLevel(dir: string): { defs: Map<string, XmlNode>; roots: Map<string, string> } {
  const defs = new Map<string, XmlNode>();
  const roots = new Map<string, string>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.xsd'))) {
    const schema = parseXml(readFileSync(join(dir, file), 'utf8'));
    for (const node of schema.children) {
      const name = node.attrs.name;
      if (!name) continue;
      if (node.name === 'xs:element') {
        if (node.attrs.type) roots.set(name, stripNs(node.attrs.type));
        continue;
      }
      // Key by kind so a group and a type of the same name cannot collide.
      defs.set(`${node.name}|${name}`, node);
    }
  }
  return { defs, roots };
}

function withoutAnnotations(node: XmlNode): XmlNode {
  return {
    name: node.name,
    attrs: node.attrs,
    children: node.children.filter((c) => c.name !== 'xs:annotation').map(withoutAnnotations),
  };
}

export function loadXsdModel(dir = DEFAULT_XSD_DIR): XsdModel {
  const { defs, roots } = collectTopLevel(dir);
  const lookup = (name: string): XmlNode | undefined =>
    defs.get(`xs:complexType|${name}`) ?? defs.get(`xs:simpleType|${name}`);
  const types = new Map<string, TypeInfo>();

  // Walks a content model in document order; choices and groups are flattened, which keeps
  // every alternative at its sequence position.
  function walk(node: XmlNode, out: ChildElement[], attrs: Set<string>, info: TypeInfo): void {
    for (const c of node.children) {
      switch (c.name) {
        case 'xs:element':
          if (c.attrs.name) out.push({ name: c.attrs.name, type: stripNs(c.attrs.type ?? 'xs:anyType') });
          break;
        case 'xs:attribute':
          if (c.attrs.name) attrs.add(c.attrs.name);
          break;
        case 'xs:group': {
          const g = c.attrs.ref ? defs.get(`xs:group|${stripNs(c.attrs.ref)}`) : undefined;
          if (g) walk(g, out, attrs, info);
          break;
        }
        case 'xs:simpleContent':
          info.simpleContent = true;
          walk(c, out, attrs, info);
          break;
        case 'xs:extension': {
          const base = resolve(stripNs(c.attrs.base ?? ''));
          if (base) {
            out.push(...base.elements);
            base.attributes.forEach((a) => attrs.add(a));
            if (base.simpleContent) info.simpleContent = true;
          }
          walk(c, out, attrs, info);
          break;
        }
        case 'xs:sequence':
        case 'xs:choice':
        case 'xs:all':
        case 'xs:complexContent':
          walk(c, out, attrs, info);
          break;
        default:
          break;
      }
    }
  }

  function resolve(name: string): TypeInfo | undefined {
    const cached = types.get(name);
    if (cached) return cached;
    const node = lookup(name);
    if (!node) return undefined;
    const info: TypeInfo = { name, complex: node.name === 'xs:complexType', simpleContent: false, elements: [], attributes: new Set() };
    types.set(name, info); // set before walking: recursive types (Line → GroupLineDetail → Line)
    if (info.complex) walk(node, info.elements, info.attributes, info);
    return info;
  }
  for (const key of defs.keys()) {
    const [kind, name] = key.split('|') as [string, string];
    if (kind !== 'xs:group') resolve(name);
  }

  function trimmedSchema(rootNames: string[]): string {
    const keep = new Map<string, XmlNode>();
    const visit = (node: XmlNode): void => {
      for (const attr of ['type', 'base', 'ref', 'itemType']) {
        const v = node.attrs[attr];
        if (!v || v.startsWith('xs:')) continue;
        const local = stripNs(v);
        for (const kind of ['xs:complexType', 'xs:simpleType', 'xs:group']) {
          const key = `${kind}|${local}`;
          const def = defs.get(key);
          if (def && !keep.has(key)) {
            keep.set(key, def);
            visit(def);
          }
        }
      }
      node.children.forEach(visit);
    };
    const rootDecls: XmlNode[] = rootNames.map((r) => {
      const type = roots.get(r) ?? r;
      return { name: 'xs:element', attrs: { name: r, type }, children: [] };
    });
    rootDecls.forEach(visit);
    const schema: XmlNode = {
      name: 'xs:schema',
      attrs: {
        'xmlns:xs': 'http://www.w3.org/2001/XMLSchema',
        xmlns: QBO_NS,
        targetNamespace: QBO_NS,
        elementFormDefault: 'qualified',
        attributeFormDefault: 'unqualified',
      },
      children: [...rootDecls, ...[...keep.values()].map(withoutAnnotations)],
    };
    return `<?xml version="1.0" encoding="UTF-8"?>\n${writeXml(schema)}`;
  }

  return { types, roots, trimmedSchema };
}
