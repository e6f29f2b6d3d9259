// `npm run keys:internal -- gateway`: a new Ed25519 key pair for an issuer of internal identities.
// The private key goes to that process's INTERNAL_SIGNING_KEY; the public entry to the
// INTERNAL_TRUSTED_KEYS of every process that must trust it.
import { generateKeyPairSync } from 'node:crypto';

const issuer = process.argv[2] ?? 'gateway';
const { privateKey, publicKey } = generateKeyPairSync('ed25519');
console.log(`# INTERNAL_SIGNING_KEY of ${issuer} (keep it secret):`);
console.log(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString().trim());
console.log(`\n# ${issuer}'s entry in INTERNAL_TRUSTED_KEYS (public):`);
console.log(JSON.stringify({ [issuer]: publicKey.export({ format: 'jwk' }) }));
