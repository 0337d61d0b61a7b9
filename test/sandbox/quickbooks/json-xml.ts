// Converts QuickBooks JSON (the form node-quickbooks sends and the API returns) into the XML
// form the XSDs describe, so xmllint can judge it. The mapping is Intuit's own: XSD attributes
// appear as plain JSON properties (domain, sparse, name on refs), simple content as `value`.
// Children are written in XSD sequence order; keys the XSD does not know are written last, in
// their JSON order, so the schema reports them as unexpected instead of us silently dropping them.
import { escapeXml } from './xml-reader';
import { QBO_NS, type TypeInfo, type XsdModel } from './xsd-model';

function scalar(v: unknown): string {
  if (typeof v === 'string') return escapeXml(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v === null) return '';
  return escapeXml(JSON.stringify(v)); // an object where a scalar belongs: let the XSD refuse it
}

// JSON keys become element/attribute names; a key that is not an XML name would make the
// document ill-formed (xmllint then aborts instead of validating), so it is renamed to a name
// the schema certainly does not declare and gets reported as an unexpected element.
const xmlName = (k: string): string => (/^[A-Za-z_][\w.-]*$/.test(k) ? k : 'InvalidJsonKey');

function element(model: XsdModel, rawName: string, typeName: string | undefined, value: unknown, rootNs = false): string {
  const name = xmlName(rawName);
  const ns = rootNs ? ` xmlns="${QBO_NS}"` : '';
  const info: TypeInfo | undefined = typeName ? model.types.get(typeName) : undefined;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return `<${name}${ns}>${scalar(value)}</${name}>`;
  }
  const obj = value as Record<string, unknown>;
  let attrs = '';
  let body = '';
  if (info?.simpleContent) {
    for (const [k, v] of Object.entries(obj)) {
      if (k === 'value') body = scalar(v);
      else attrs += ` ${xmlName(k)}="${scalar(v)}"`; // unknown attributes are reported by the XSD too
    }
    return `<${name}${ns}${attrs}>${body}</${name}>`;
  }
  const done = new Set<string>();
  for (const [k, v] of Object.entries(obj)) {
    if (info?.attributes.has(k) && (v === null || typeof v !== 'object')) {
      attrs += ` ${k}="${scalar(v)}"`;
      done.add(k);
    }
  }
  const write = (k: string, type: string | undefined): void => {
    const v = obj[k];
    if (v === undefined) return;
    done.add(k);
    const items = Array.isArray(v) ? v : [v];
    for (const item of items) body += element(model, k, type, item);
  };
  for (const child of info?.elements ?? []) if (!done.has(child.name)) write(child.name, child.type);
  for (const k of Object.keys(obj)) if (!done.has(k)) write(k, undefined);
  return `<${name}${ns}${attrs}>${body}</${name}>`;
}

/** `entity` is the inner object, e.g. the value of `{ "SalesReceipt": {...} }`. */
export function entityToXml(model: XsdModel, rootName: string, entity: unknown): string {
  const type = model.roots.get(rootName) ?? rootName;
  return `<?xml version="1.0" encoding="UTF-8"?>\n${element(model, rootName, type, entity, true)}`;
}
