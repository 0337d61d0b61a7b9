import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Encrypts merchants' platform secrets at rest with AES-256-GCM. The key comes from configuration
 * (SETTLE_ENCRYPTION_KEY), never from the database, so a copy of the database alone reveals nothing.
 * Format: "v1.<iv>.<tag>.<ciphertext>", base64url parts.
 *
 * Key rotation: the box seals with the current key and opens with it or any previous key
 * (SETTLE_PREVIOUS_ENCRYPTION_KEYS); GCM's tag tells which key a secret was sealed with, so the
 * stored format needs no key id. `npm run secrets:rotate` re-seals every stored secret with the
 * current key (core/secrets/rotation.ts), after which the previous keys can be dropped.
 */
export class SecretBox {
  readonly #key: Buffer;
  readonly #previous: Buffer[];

  constructor(key: Buffer, previous: Buffer[] = []) {
    for (const k of [key, ...previous]) if (k.length !== 32) throw new RangeError('the encryption key must be 32 bytes');
    this.#key = key;
    this.#previous = previous.filter((k) => !k.equals(key));
  }

  seal(plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return ['v1', iv, cipher.getAuthTag(), body].map((p) => (typeof p === 'string' ? p : p.toString('base64url'))).join('.');
  }

  open(sealed: string): string {
    for (const key of [this.#key, ...this.#previous]) {
      const plaintext = openWith(key, sealed);
      if (plaintext !== undefined) return plaintext;
    }
    throw new Error('this secret was sealed with none of the configured encryption keys');
  }

  /** The same secret sealed with the current key, or undefined when it already is. Throws if no key opens it. */
  reseal(sealed: string): string | undefined {
    if (openWith(this.#key, sealed) !== undefined) return undefined;
    return this.seal(this.open(sealed));
  }
}

/** The plaintext, or undefined when `key` did not seal it (the tag does not verify). */
function openWith(key: Buffer, sealed: string): string | undefined {
  const [version, iv, tag, body] = sealed.split('.');
  if (version !== 'v1' || !iv || !tag || body === undefined) throw new Error('not a sealed secret');
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  try {
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}
