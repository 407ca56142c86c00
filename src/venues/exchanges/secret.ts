// What a venue needs to authenticate. Stored only encrypted (SecretVault), never logged, never sent
// to the renderer. Hyperliquid needs none (wallet address is an account option).
import { z } from 'zod';

export const venueSecretSchema = z.strictObject({
  apiKey: z.string().min(1, { error: 'API key must not be empty' }),
  secret: z.string().min(1, { error: 'API secret must not be empty' }),
  passphrase: z.string().min(1).optional(),
});
export type VenueSecret = z.infer<typeof venueSecretSchema>;
