// The key check every reader-based venue shares: a full snapshot read proves the key reads the account,
// then the venue's own permission call says what else it may do. A rejected key is a verdict, not an error.
import { invalidKey, type KeyCheck } from './keyVerdict';

export async function checkKeyWithReader<R extends { fetchSnapshot(): Promise<unknown>; release(): void }>(
  reader: R,
  permissions: (reader: R) => Promise<KeyCheck>,
): Promise<KeyCheck> {
  try {
    await reader.fetchSnapshot();
    return await permissions(reader);
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'invalid-key' || code === 'permission-denied') return invalidKey((error as Error).message);
    throw error;
  } finally {
    reader.release();
  }
}
