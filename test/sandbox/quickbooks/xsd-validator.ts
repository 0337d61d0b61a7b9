// Validates QuickBooks entities (JSON) against the official XSDs with xmllint-wasm.
// Cost model (measured): every xmllint-wasm call starts a worker and a wasm instance (~45 ms)
// and parses the schema (~160 ms for the full set, much less for the trimmed one built by
// xsd-model.ts). So: the schema is trimmed once, calls made in the same tick are batched into
// one xmllint run (one file per entity), and results are cached by XML text.
import { validateXML } from 'xmllint-wasm';
import { entityToXml } from './json-xml';
import { loadXsdModel, type XsdModel } from './xsd-model';

/** Entities the sandbox serves; the trimmed schema declares exactly these roots. */
export const VALIDATED_ENTITIES = ['Account', 'Customer', 'Item', 'SalesReceipt', 'Purchase', 'Transfer', 'RefundReceipt', 'JournalEntry', 'Deposit', 'Preferences'] as const;

export interface XsdResult {
  valid: boolean;
  errors: string[];
  xml: string;
}

export interface XsdValidator {
  validate(rootName: string, entity: unknown): Promise<XsdResult>;
  readonly model: XsdModel;
}

interface Pending {
  xml: string;
  resolve: (r: XsdResult) => void;
  reject: (e: unknown) => void;
}

const CACHE_LIMIT = 1000;

export function createXsdValidator(xsdDir?: string): XsdValidator {
  const model = loadXsdModel(xsdDir);
  const schema = { fileName: 'qbo-trimmed.xsd', contents: model.trimmedSchema([...VALIDATED_ENTITIES]) };
  const cache = new Map<string, XsdResult>();
  let queue: Pending[] = [];

  async function runBatch(xmls: string[]): Promise<string[][]> {
    const files = xmls.map((contents, i) => ({ fileName: `entity${i}.xml`, contents }));
    const res = await validateXML({ xml: files, schema });
    const errors: string[][] = xmls.map(() => []);
    if (res.valid) return errors;
    for (const e of res.errors) {
      const idx = Number(/^entity(\d+)\.xml/.exec(e.loc?.fileName ?? e.rawMessage)?.[1] ?? -1);
      const list = errors[idx];
      if (!list) continue;
      // "entityN.xml fails to validate" only summarises; keep it when nothing else was said.
      if (/fails to validate$/.test(e.rawMessage)) {
        if (list.length === 0) list.push('fails to validate');
        continue;
      }
      // Drop the namespace noise: "{http://schema.intuit.com/finance/v3}Line" → "Line".
      list.push(e.message.replace(/\{http:\/\/schema\.intuit\.com\/finance\/v3\}/g, ''));
    }
    return errors;
  }

  async function flush(): Promise<void> {
    const batch = queue;
    queue = [];
    if (batch.length === 0) return;
    try {
      let errors: string[][];
      try {
        errors = await runBatch(batch.map((p) => p.xml));
      } catch (err) {
        // xmllint aborts the whole run on an ill-formed file; redo one by one so one bad
        // document cannot fail its neighbours.
        if (batch.length === 1) throw err;
        errors = [];
        for (const p of batch) errors.push(await runBatch([p.xml]).then((e) => e[0] ?? [], (e: Error) => [e.message]));
      }
      batch.forEach((p, i) => {
        const errs = errors[i] ?? [];
        const result: XsdResult = { valid: errs.length === 0, errors: errs, xml: p.xml };
        if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
        cache.set(p.xml, result);
        p.resolve(result);
      });
    } catch (err) {
      batch.forEach((p) => p.reject(err));
    }
  }

  return {
    model,
    validate(rootName, entity) {
      const xml = entityToXml(model, rootName, entity);
      const hit = cache.get(xml);
      if (hit) return Promise.resolve(hit);
      return new Promise<XsdResult>((resolve, reject) => {
        if (queue.length === 0) setImmediate(() => void flush());
        queue.push({ xml, resolve, reject });
      });
    },
  };
}

let shared: XsdValidator | undefined;
/** One validator per process: loading the model takes ~100 ms and never changes. */
export function getXsdValidator(): XsdValidator {
  shared ??= createXsdValidator();
  return shared;
}
