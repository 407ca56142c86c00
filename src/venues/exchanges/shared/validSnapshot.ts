// The last step of every venue reader: the assembled snapshot must pass the contract, or the read
// fails as a malformed payload (the session keeps the last good state).
import { accountSnapshotSchema, parseWith, type AccountSnapshot } from '../../../domain/contracts';
import { VenueFailure } from './errors';

export function validSnapshot(snapshot: AccountSnapshot): AccountSnapshot {
  const parsed = parseWith(accountSnapshotSchema, snapshot);
  if (!parsed.ok) throw new VenueFailure('malformed-payload', `exchange data does not form a valid snapshot: ${parsed.error.message}`);
  return parsed.value;
}
