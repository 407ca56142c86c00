// AES-256-GCM sealing with a versioned envelope: "MWV1" | 12-byte IV | 16-byte tag | ciphertext.
// A fresh random IV per message; the tag makes any tampering or wrong key fail loudly.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { VaultError } from './vault';

const MAGIC = Buffer.from('MWV1', 'ascii');
const IV_BYTES = 12;
const TAG_BYTES = 16;

export function seal(key: Buffer, plain: string): Buffer {
  if (key.length !== 32) throw new VaultError('vault key must be 32 bytes');
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(MAGIC);
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return Buffer.concat([MAGIC, iv, cipher.getAuthTag(), body]);
}

export function open(key: Buffer, blob: Buffer): string {
  if (blob.length < MAGIC.length + IV_BYTES + TAG_BYTES || !blob.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new VaultError('stored secret is not a MarginWatch vault record (unknown format)');
  }
  const iv = blob.subarray(MAGIC.length, MAGIC.length + IV_BYTES);
  const tag = blob.subarray(MAGIC.length + IV_BYTES, MAGIC.length + IV_BYTES + TAG_BYTES);
  const body = blob.subarray(MAGIC.length + IV_BYTES + TAG_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAAD(MAGIC);
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
  } catch {
    throw new VaultError('stored secret cannot be decrypted with this vault key (wrong key or corrupted record)');
  }
}
