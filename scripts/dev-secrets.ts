import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** The secrets the dev stack's processes share. */
export interface DevSecrets {
  JWT_SECRET: string;
  IDENTITY_SECRET: string;
  ADMIN_PASSWORD: string;
}

/** Secrets for local development, made once and kept in `<dataRoot>/dev-secrets.json` so tokens survive restarts. */
export function devSecrets(dataRoot: string): DevSecrets {
  const file = path.join(dataRoot, 'dev-secrets.json');
  const kept = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Partial<DevSecrets>) : {};
  const secrets: DevSecrets = {
    JWT_SECRET: kept.JWT_SECRET ?? randomBytes(32).toString('hex'),
    IDENTITY_SECRET: kept.IDENTITY_SECRET ?? randomBytes(32).toString('hex'),
    ADMIN_PASSWORD: kept.ADMIN_PASSWORD ?? randomBytes(12).toString('base64url'),
  };
  mkdirSync(dataRoot, { recursive: true });
  writeFileSync(file, JSON.stringify(secrets), { mode: 0o600 });
  return secrets;
}
