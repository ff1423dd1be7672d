/**
 * What makes an ARG/ENV look like a secret: by its name (split into words) or by its value (the formats
 * of well-known credentials). Checked against the corpus (2026-11-28); the word lists keep out names
 * that point at a secret instead of holding one (`PASSWORD_FILE`, `TOKEN_URL`, `MINIO_ACCESS_KEY_FILE`),
 * switches (`MYSQL_ALLOW_EMPTY_PASSWORD`) and public keys (`GPG_KEY`, `PUBLIC_KEY`).
 *
 * Name sources: BuildKit's SecretsUsedInArgOrEnv word list (apikey, auth, credential(s), key, password,
 * pword, passwd, secret, token; "public" allowed) — https://docs.docker.com/reference/build-checks/secrets-used-in-arg-or-env/
 * and moby/buildkit frontend/dockerfile/dockerfile2llb/convert.go — narrowed here: a bare `key` only counts
 * after a word that makes it a secret key, because `GPG_KEY` (official python/php images) holds a public
 * fingerprint.
 */

/** Words that name a secret wherever they stand in the name. */
const secretWords = new Set([
  'password',
  'passwd',
  'pword',
  'passphrase',
  'secret',
  'secrets',
  'token',
  'credential',
  'credentials',
  'apikey',
  'secretkey',
  'accesskey',
  'privatekey',
  'authtoken',
  'apitoken',
  'accesstoken',
]);

/** `KEY` is a secret after these words: API_KEY, PRIVATE_KEY, AWS_SECRET_ACCESS_KEY, APP_KEY (Laravel). */
const keyQualifiers = new Set([
  'api',
  'private',
  'secret',
  'access',
  'encryption',
  'signing',
  'master',
  'auth',
  'ssh',
  'license',
  'session',
  'jwt',
  'hmac',
  'deploy',
  'app',
]);

/** Words that name a secret only as the last word: `DB_PWD` (but `PWD` is the working directory), `GITHUB_PAT`, `NPM_CONFIG__AUTH`. */
const lastWordSecrets = new Set(['pwd', 'pat', 'auth']);

/** A word after the secret word that makes the name point at, or describe, the secret instead of holding it. */
const describingSuffixes = new Set([
  'file',
  'files',
  'path',
  'dir',
  'directory',
  'url',
  'uri',
  'endpoint',
  'host',
  'server',
  'port',
  'id',
  'name',
  'user',
  'username',
  'type',
  'length',
  'len',
  'size',
  'version',
  'enabled',
  'enable',
  'disabled',
  'required',
  'mode',
  'method',
  'header',
  'prefix',
  'regex',
  'pattern',
  'policy',
  'expiry',
  'expires',
  'expiration',
  'ttl',
  'timeout',
  'lifetime',
  'format',
  'algorithm',
  'algo',
  'provider',
  'location',
  'env',
  'var',
  'ref',
  'arn',
  'command',
  'cmd',
  'script',
  'dummy',
  'hint',
  'field',
  'store',
  'manager',
  'helper',
  'backend',
]);

/** A word before the secret word that makes the name a switch or a public value: `MYSQL_ALLOW_EMPTY_PASSWORD`, `PUBLIC_KEY`. */
const describingPrefixes = new Set([
  'allow',
  'empty',
  'random',
  'require',
  'skip',
  'disable',
  'enable',
  'generate',
  'no',
  'public',
  'min',
  'max',
]);

/** `DATABASE_PASSWORD` → database, password; `dbPassword` → db, password; `api-key` → api, key. */
export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word !== '');
}

/** True when a variable's name says it holds a secret. */
export function looksLikeSecretName(name: string): boolean {
  const words = nameWords(name);
  let secretAt = -1;
  words.forEach((word, index) => {
    const last = index === words.length - 1;
    if (secretWords.has(word)) secretAt = index;
    else if (word === 'key' && index > 0 && keyQualifiers.has(words[index - 1])) secretAt = index;
    else if (last && index > 0 && lastWordSecrets.has(word)) secretAt = index;
  });
  if (secretAt < 0) return false;
  if (words.slice(secretAt + 1).some((word) => describingSuffixes.has(word))) return false;
  return !words.slice(0, secretAt).some((word) => describingPrefixes.has(word));
}

/** Placeholders written where the real value is passed at build or run time. */
const placeholders =
  /^(<[^>]*>|\$\{?[A-Za-z_][A-Za-z0-9_]*:?[-?][^}]*\}?|x{3,}|\*{3,}|-+|changeme|change[-_]?me|replace[-_]?me|your[-_a-z]*|placeholder|dummy|example|sample|redacted|secret|password|token|todo|tbd|unset|undefined)$/i;

/**
 * Values that cannot hold a secret: empty, switches, numbers and versions, paths, URLs without
 * credentials, public key fingerprints and key IDs (`*_SIGNING_KEY`, `GPG_KEYS` list the keys releases are
 * signed with), and placeholders.
 */
export function isHarmlessValue(value: string): boolean {
  const trimmed = value.trim();
  if (trimmed === '') return true;
  if (/^(true|false|yes|no|on|off|none|null|\d+)$/i.test(trimmed)) return true;
  if (/^v?\d+(\.\d+)+([-+.][0-9A-Za-z.-]*)?$/.test(trimmed)) return true;
  if (/^(\/|\.\.?\/|~\/)/.test(trimmed)) return true;
  // A URL is an address; one with `user:password@` carries a credential.
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed)) return !/^[a-z][a-z0-9+.-]*:\/\/[^/@\s]*:[^/@\s]+@/i.test(trimmed);
  if (/^([0-9A-Fa-f]{4}\s+){9}[0-9A-Fa-f]{4}$/.test(trimmed)) return true;
  if (trimmed.split(/[\s,;]+/).every(isKeyFingerprint)) return true;
  return placeholders.test(trimmed);
}

/** A PGP fingerprint (40 hex digits, maybe in groups of four) or long/short key ID (`0x` + 16 or 8 hex digits). */
function isKeyFingerprint(word: string): boolean {
  return /^([0-9A-F]{40}|[0-9a-f]{40}|0x[0-9A-Fa-f]{16}|0x[0-9A-Fa-f]{8}|[0-9A-F]{16})$/.test(word);
}

interface SecretFormat {
  kind: string;
  /** The prefix the message may show; never more of the value. */
  shown: string;
  pattern: RegExp;
  source: string;
}

/** Formats of credentials that identify themselves; the same list secret scanners use. */
const secretFormats: SecretFormat[] = [
  {
    kind: 'an AWS access key ID',
    shown: 'AKIA…',
    pattern: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/,
    source: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-unique-ids',
  },
  {
    kind: 'a GitHub token',
    shown: 'ghp_…',
    pattern: /\bgh[pousr]_[A-Za-z0-9]{36,}\b/,
    source: 'https://github.blog/2021-04-05-behind-githubs-new-authentication-token-formats/',
  },
  {
    kind: 'a GitHub token',
    shown: 'github_pat_…',
    pattern: /\bgithub_pat_[A-Za-z0-9_]{22,}/,
    source:
      'https://docs.github.com/en/authentication/keeping-your-account-and-data-secure/managing-your-personal-access-tokens',
  },
  {
    kind: 'a GitLab token',
    shown: 'glpat-…',
    pattern: /\bglpat-[A-Za-z0-9_-]{20,}/,
    source: 'https://docs.gitlab.com/ee/security/tokens/#token-prefixes',
  },
  {
    kind: 'a private key',
    shown: '-----BEGIN … PRIVATE KEY-----',
    pattern: /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
    source: 'https://www.rfc-editor.org/rfc/rfc7468#section-10',
  },
  {
    kind: 'a Stripe live key',
    shown: 'sk_live_…',
    pattern: /\b[rs]k_live_[0-9A-Za-z]{20,}/,
    source: 'https://docs.stripe.com/keys',
  },
  {
    kind: 'a Slack token',
    shown: 'xox…',
    pattern: /\bxox[abposr]-[0-9A-Za-z-]{10,}/,
    source: 'https://api.slack.com/concepts/token-types',
  },
  {
    kind: 'an npm token',
    shown: 'npm_…',
    pattern: /\bnpm_[A-Za-z0-9]{36}\b/,
    source: 'https://github.blog/2021-09-23-announcing-npms-new-access-token-format/',
  },
  {
    kind: 'a Google API key',
    shown: 'AIza…',
    pattern: /\bAIza[0-9A-Za-z_-]{35}\b/,
    source: 'https://cloud.google.com/docs/authentication/api-keys',
  },
  {
    kind: 'a JSON Web Token',
    shown: 'eyJ…',
    pattern: /\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/,
    source: 'https://www.rfc-editor.org/rfc/rfc7519',
  },
];

/** The kind of credential a value carries, when its format gives it away. */
export function secretFormatOf(value: string): { kind: string; shown: string } | undefined {
  const format = secretFormats.find((candidate) => candidate.pattern.test(value));
  return format ? { kind: format.kind, shown: format.shown } : undefined;
}
