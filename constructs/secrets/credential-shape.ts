/**
 * Whether an env var set to a literal value carries a credential, by the shape of its name or of its value.
 * Shared by the MCP server props check (a credential in `env` instead of `secretEnv`) and the no-secret-values
 * policy rule (a literal credential in any rendered container), so both refuse the same things.
 *
 * A false positive blocks a legitimate config, so every rule below is narrow and every exception says why.
 *
 * **By value**, whatever the name (checked first; the reason names the shape, never the value):
 * - a private key: a PEM block `-----BEGIN … PRIVATE KEY-----` (RSA, EC, OPENSSH, ENCRYPTED, PGP … BLOCK);
 *   certificates and public keys are not secret and pass;
 * - a token with a vendor prefix and its length: GitHub `ghp_` `gho_` `ghu_` `ghs_` `ghr_` (36+ characters after)
 *   and `github_pat_`, Slack `xoxb-` (`xox[baprs]-`), Anthropic `sk-ant-`, OpenAI-style `sk-` (20+ after), AWS access
 *   key ids `AKIA`/`ASIA` + 16, Google `AIza` + 35, GitLab `glpat-`, Stripe `sk_live_`/`sk_test_`/`rk_…`, Hugging Face
 *   `hf_` (30+ after), npm `npm_` (36+ after). The lengths keep settings such as `hf_transfer` or `sk-SK` out.
 *   An AWS access key id is not secret by itself, but it is only ever issued with its secret access key, and the
 *   pair belongs in one Secret (secret scanners refuse the id in git too);
 * - a JSON Web Token: `eyJ….eyJ….` (base64url JSON header and payload; an empty signature is still a token);
 * - a URL with a password: `scheme://user:password@host` (`redis://:password@host` too); a URL with only a
 *   user (`https://key@sentry.io/1`, a Sentry DSN) has no password and passes;
 * - a connection string or query with a password: `password=`, `passwd=` or `pwd=` after the start, a space,
 *   `;`, `?` or `&` (libpq `host=h password=pw`, ADO/ODBC `Pwd=pw;`, `jdbc:…?user=u&password=pw`);
 * - an Authorization value: `Bearer <token>` (8+ token characters, not a plain lowercase word, so prose such as
 *   "Bearer authentication" passes) or `Basic <base64>` whose base64 decodes to `user:password`;
 * - last, when the name says nothing: a random-looking string, as `openssl rand -base64 32` or a password
 *   manager makes them (`SESSION_SALT=q3Lx…`). That is a run of 32 or more base64/base64url characters (or of
 *   20 or more letters and digits with no `-`, `_`, `/` or `+`, which model names such as `TheBloke/Llama-2-7B`
 *   have), not a name of words between separators (three or more parts, 70 % of them words such as `CodeLlama`,
 *   `AWQ`, `34B`), with
 *   upper and lower case letters and a digit, at least 4 bits of entropy per character (log2(length) - 0.5 for
 *   a run shorter than 23), classes (upper, lower, digit, other) that change at 40 % or more of its characters
 *   (50 % below 32 characters; camelCase names and paths change far less), and that is not base64 of text (a
 *   base64-encoded config or certificate is data). Hex and UUIDs pass (digests and ids look the same),
 *   as do subresource-integrity and digest values (`sha512-…`, `sha256:…`), which are public.
 *
 * **By name**: the name is cut into words at `_`, `-`, `.` and camelCase boundaries (`apiKey`, `APIKey`,
 * `npm_config__authToken`); digits stay with their word and are ignored at its end (`PASSWORD2`). The name is a
 * credential when its last word, the thing it names, is a credential word, after dropping trailing words that
 * only say how the same credential is encoded or which one it is: CONTENT(S), DATA, VALUE, RAW, STRING, STR,
 * TEXT, JSON, HEX, B64, BASE64, PEM, DER, ENCODED, PLAIN, PLAINTEXT, BASE, a number, V2…, OLD, NEW, PREV,
 * PREVIOUS, CURRENT, NEXT, PRIMARY, SECONDARY (`OCI_CLI_KEY_CONTENT`, `JWT_SECRET_PREVIOUS`, `API_KEY_2`,
 * Rails' `SECRET_KEY_BASE`). The credential words:
 * - PASSWORD, PASSWD, PASSPHRASE, SECRET, TOKEN, CREDENTIAL(S), and the compounds APIKEY, PRIVATEKEY,
 *   SECRETKEY, ACCESSKEY, SIGNINGKEY, MASTERKEY: as a word or at the end of one (`PGPASSWORD`, `AUTHTOKEN`,
 *   `CLIENTSECRET`); no other word ends in them;
 * - KEY, PASS, PWD, CREDS, BEARER, PAT, SALT, PEPPER: only as a whole word (`AZURE_STORAGE_KEY`, `DB_PASS`,
 *   `MYSQL_PWD`, `GITHUB_PAT`, WordPress' `AUTH_SALT`), since MONKEY, HOTKEY, KEYBOARD, KEYSPACE, BYPASS,
 *   COMPASS or OLDPWD are not;
 * - AUTH, AUTHORIZATION, SESSION, COOKIE (`BASIC_AUTH`, `NPM_CONFIG__AUTH`, `TELEGRAM_SESSION`, `SLACK_COOKIE`) name a
 *   mechanism as often as they carry one, so a value that is a lowercase setting word of at most 20
 *   characters (`basic`, `oauth2`, `none`, `stateless`, `redis`) passes;
 * - TOKENS, KEYS, SECRETS, PASSWORDS (`API_TOKENS=a,b`): a list of credentials, except for a whole number,
 *   which is a count (`MAX_TOKENS=4096`, in an LLM platform).
 *
 * **Exceptions by name**, each because the variable names something other than a credential:
 * - a credential word followed by any other word names something about the credential, not the credential:
 *   `OAUTH_TOKEN_URL`, `TOKEN_ENDPOINT`, `AUTH_URL`, `AUTH_ENABLED`, `KEY_PATH`, `SSH_KEY_DIR`, `*_SECRET_NAME`
 *   (the name of a Kubernetes Secret), `*_SECRET_REF`, `PASSWORD_MIN_LENGTH`, `TOKEN_TTL`, `PASS_THROUGH`.
 *   `*_KEY_ID`, `*_TOKEN_ID`, `CLIENT_ID` too: an id says which credential, and grants nothing without it;
 * - `*_FILE` after a credential word (`DB_PASSWORD_FILE`, `GITHUB_APP_PRIVATE_KEY_FILE`) is the `_FILE`
 *   convention: the path of a mounted credential file. Its value must be a path (absolute, `./`, `../`, `~/`,
 *   or a file name with an extension such as `key.pem`); anything else is the credential put in the wrong
 *   variable, and is refused;
 * - PUBLIC, PUB, PUBLISHABLE just before the credential word (`SSH_PUBLIC_KEY`, `STRIPE_PUBLISHABLE_KEY`,
 *   `MAPBOX_PUBLIC_TOKEN`): made to be shared;
 * - before KEY: SORT, PARTITION, FOREIGN, CACHE, LOCK, IDEMPOTENCY, ROUTING, OBJECT, SHARD (a key that names
 *   an item: `DYNAMO_SORT_KEY`, `S3_OBJECT_KEY`) and TAINT, LABEL, ANNOTATION (a Kubernetes key such as
 *   `GPU_TAINT_KEY=nvidia.com/gpu`). PRIMARY is not among them: Azure's `*_PRIMARY_KEY` is an access key;
 * - before TOKEN: BOS, EOS, PAD, SEP, UNK, CLS, MASK, STOP: an LLM vocabulary token (`EOS_TOKEN=</s>`);
 * - before SECRET: EXISTING (`EXISTING_SECRET`, the Helm convention naming a Secret that already exists);
 * - PWD alone is the shell's working directory (`PWD=/app`), not a password; `MYSQL_PWD` is one.
 *
 * **Exceptions by value**, for a credential name:
 * - an empty or blank value: nothing is leaked (and a server may need the variable set but empty);
 * - a value that uses `$(VAR)` or `${VAR}`: the secret comes from that variable (Kubernetes expands `$(VAR)` from
 *   the container's env, e.g. a secretKeyRef); only its literal parts are checked, for the value shapes above;
 * - `true`, `false`, `yes`, `no`, `on`, `off`, `0`, `1` (any case): a switch, not a credential;
 * - an absolute path (`GOOGLE_APPLICATION_CREDENTIALS=/var/run/secrets/gcp/key.json`, `TLS_KEY=/etc/tls/tls.key`):
 *   where a credential is mounted, not the credential. Placeholders such as `changeme` are not exempt: a
 *   committed default password is still a password.
 */

/** One word of a variable name, where it is in the name, its upper case form, and that without trailing digits. */
interface NameWord {
  readonly start: number;
  readonly upper: string;
  readonly stem: string;
}

/** Trailing words that say how a credential is encoded or which one it is: the name still names the credential. */
const SAME_CREDENTIAL =
  /^(?:CONTENTS?|DATA|VALUE|RAW|STRING|STR|TEXT|JSON|HEX|B64|BASE64|PEM|DER|ENCODED|PLAIN|PLAINTEXT|BASE|\d+|V\d+|OLD|NEW|PREV|PREVIOUS|CURRENT|NEXT|PRIMARY|SECONDARY)$/;
/** Words that are a credential, also at the end of a longer word (PGPASSWORD, AUTHTOKEN, CLIENTSECRET). */
const CREDENTIAL_ENDINGS = ['PASSWORD', 'PASSWD', 'PASSPHRASE', 'SECRET', 'TOKEN', 'CREDENTIALS', 'CREDENTIAL', 'APIKEY', 'PRIVATEKEY', 'SECRETKEY', 'ACCESSKEY', 'SIGNINGKEY', 'MASTERKEY'];
/** Words that are a credential only as a whole word. */
const CREDENTIAL_WORDS = new Set(['KEY', 'PASS', 'PWD', 'CREDS', 'BEARER', 'PAT', 'SALT', 'PEPPER']);
/** Words that name a mechanism as often as a credential: a setting word as their value passes. */
const MECHANISM_WORDS = new Set(['AUTH', 'AUTHORIZATION', 'SESSION', 'COOKIE']);
/** Plurals: a list of credentials, or a count (MAX_TOKENS). */
const PLURAL_WORDS = new Set(['TOKENS', 'KEYS', 'SECRETS', 'PASSWORDS', 'APIKEYS']);
/** Words just before a credential word that make it something else, by credential word ('*': any). */
const NOT_SECRET_BEFORE: Readonly<Record<string, ReadonlySet<string>>> = {
  '*': new Set(['PUBLIC', 'PUB', 'PUBLISHABLE']),
  KEY: new Set(['SORT', 'PARTITION', 'FOREIGN', 'CACHE', 'LOCK', 'IDEMPOTENCY', 'ROUTING', 'OBJECT', 'SHARD', 'TAINT', 'LABEL', 'ANNOTATION']),
  KEYS: new Set(['SORT', 'PARTITION', 'FOREIGN', 'CACHE', 'LOCK', 'IDEMPOTENCY', 'ROUTING', 'OBJECT', 'SHARD', 'TAINT', 'LABEL', 'ANNOTATION']),
  TOKEN: new Set(['BOS', 'EOS', 'PAD', 'SEP', 'UNK', 'CLS', 'MASK', 'STOP']),
  TOKENS: new Set(['BOS', 'EOS', 'PAD', 'SEP', 'UNK', 'CLS', 'MASK', 'STOP']),
  SECRET: new Set(['EXISTING']),
};

const REFERENCE = /\$\([A-Za-z_][A-Za-z0-9_]*\)|\$\{[A-Za-z_][A-Za-z0-9_]*\}/g;
const SWITCH = /^(?:true|false|yes|no|on|off|0|1)$/i;
const SETTING_WORD = /^[a-z][a-z0-9]*(?:[-_.][a-z0-9]+)*$/;
const WHOLE_NUMBER = /^\d+$/;
const PATH_PART = '[A-Za-z0-9._@-]+';
const ABSOLUTE_PATH = new RegExp(`^(?:/${PATH_PART})+/?$`);
const RELATIVE_PATH = new RegExp(`^(?:\\.{1,2}|~)(?:/${PATH_PART})+/?$`);
const FILE_NAME = /^[A-Za-z0-9_@-][A-Za-z0-9._@-]*\.[A-Za-z][A-Za-z0-9]{0,7}$/;

/** Value shapes, most specific first: a test, and what the value holds (read after "holds"). */
const VALUE_SHAPES: readonly { readonly pattern: RegExp; readonly holds: (match: RegExpExecArray) => string }[] = [
  { pattern: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/, holds: () => 'a private key (-----BEGIN … PRIVATE KEY-----)' },
  { pattern: /(?<![A-Za-z0-9])github_pat_[A-Za-z0-9_]{22,}/, holds: () => 'a GitHub token (github_pat_…)' },
  { pattern: /(?<![A-Za-z0-9])(gh[pousr]_)[A-Za-z0-9]{36,}/, holds: (m) => `a GitHub token (${m[1]}…)` },
  { pattern: /(?<![A-Za-z0-9])(xox[baprs]-)[A-Za-z0-9-]{10,}/, holds: (m) => `a Slack token (${m[1]}…)` },
  { pattern: /(?<![A-Za-z0-9])sk-ant-[A-Za-z0-9_-]{20,}/, holds: () => 'an Anthropic API key (sk-ant-…)' },
  { pattern: /(?<![A-Za-z0-9])sk-[A-Za-z0-9_-]{20,}/, holds: () => 'an OpenAI-style API key (sk-…)' },
  { pattern: /(?<![A-Za-z0-9])((?:sk|rk)_(?:live|test)_)[A-Za-z0-9]{16,}/, holds: (m) => `a Stripe secret key (${m[1]}…)` },
  { pattern: /(?<![A-Z0-9])(AKIA|ASIA)[0-9A-Z]{16}(?![0-9A-Z])/, holds: (m) => `an AWS access key id (${m[1]}…)` },
  { pattern: /(?<![A-Za-z0-9])AIza[0-9A-Za-z_-]{35}/, holds: () => 'a Google API key (AIza…)' },
  { pattern: /(?<![A-Za-z0-9])glpat-[A-Za-z0-9_-]{20,}/, holds: () => 'a GitLab token (glpat-…)' },
  { pattern: /(?<![A-Za-z0-9])hf_[A-Za-z0-9]{30,}/, holds: () => 'a Hugging Face token (hf_…)' },
  { pattern: /(?<![A-Za-z0-9])npm_[A-Za-z0-9]{36,}/, holds: () => 'an npm token (npm_…)' },
  { pattern: /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/, holds: () => 'a JSON Web Token (eyJ….eyJ….…)' },
  // The scheme starts where no scheme character comes before it, and is at most 32 long: otherwise every position
  // in a long run of letters would start a match attempt that scans the rest of the run (quadratic time).
  { pattern: /(?<![a-z0-9+.-])[a-z][a-z0-9+.-]{0,31}:\/\/[^\s/?#@:]*:[^\s/?#@]+@/i, holds: () => 'a URL with a password (scheme://user:password@host)' },
  { pattern: /(?:^|[\s;?&])(?:password|passwd|pwd)\s*=\s*[^\s;&=]+(?=$|[\s;&])/i, holds: () => 'a connection string with a password (password=…)' },
  // The scheme in any case; the token not a lowercase word (prose such as "Bearer authentication").
  { pattern: /(?:^|[\s:="'])(?:Bearer|bearer|BEARER)\s+(?![a-z]+(?![A-Za-z0-9\-._~+/=]))[A-Za-z0-9\-._~+/]{8,}=*/, holds: () => 'a Bearer token (Bearer …)' },
];
const BASIC = /(?:^|[\s:="'])Basic\s+([A-Za-z0-9+/]{4,}={0,2})(?![A-Za-z0-9+/=])/gi;

/**
 * Why an env var with this name, set to this literal value, is a credential; undefined when it is not. The
 * reason reads after the variable's name ("DATABASE_URL" + " holds a URL with a password (…)"), never repeats
 * the value, and leaves the fix to the caller (secretEnv, valueFrom.secretKeyRef).
 */
export function literalCredentialReason(name: string, value: string): string | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const usesReference = value.search(REFERENCE) !== -1;
  const literal = value.replace(REFERENCE, '');
  const shape = valueShape(literal);
  if (shape) return `holds ${shape}`;
  const byName = nameReason(name, value, usesReference);
  if (byName) return byName;
  const random = randomLooking(literal);
  return random ? `holds ${random}` : undefined;
}

/** Why the name makes this literal a credential, after the value's own shapes found nothing. */
function nameReason(name: string, value: string, usesReference: boolean): string | undefined {
  // A value built from $(VAR)/${VAR} takes its secret from that variable; its literal parts had no shape.
  if (usesReference || SWITCH.test(value.trim())) return undefined;
  const named = credentialName(name);
  if (!named) return undefined;
  if (named.kind === 'file') {
    return isFilePath(value) ? undefined : `names a credential file by its name (${named.shown}) but is not set to a file path`;
  }
  if (ABSOLUTE_PATH.test(value)) return undefined;
  if (named.kind === 'mechanism' && value.length <= 20 && SETTING_WORD.test(value)) return undefined;
  if (named.kind === 'plural' && WHOLE_NUMBER.test(value)) return undefined;
  return `is a credential by its name (${named.shown})`;
}

/** A command-line flag, with its value after "=" when it has one. */
const FLAG = /^--?([A-Za-z][A-Za-z0-9_.-]*)(?:=([\s\S]*))?$/;

/**
 * The arguments of a command line that carry a literal credential, by index, each with the reason (read after
 * "args[i]"): a value of a credential shape anywhere, and a flag that names a credential (`--api-key=…`,
 * `--token …`) with a literal value, by the same name rules as env vars. A value built from `$(VAR)` passes: the
 * kubelet puts the env var's value there, so the credential can come from a Secret.
 */
export function literalArgCredentialReasons(args: readonly string[]): { index: number; reason: string }[] {
  const found: { index: number; reason: string }[] = [];
  for (let i = 0; i < args.length; i++) {
    const flag = FLAG.exec(args[i]);
    if (flag && flag[2] !== undefined) {
      const reason = literalCredentialReason(flag[1], flag[2]);
      if (reason) found.push({ index: i, reason: reason.replace(/by its name \([^)]*\)/, `by its flag (${args[i].slice(0, args[i].indexOf('='))})`) });
      continue;
    }
    const next = args[i + 1];
    if (flag && next !== undefined && !next.startsWith('-')) {
      const reason = literalCredentialReason(flag[1], next);
      if (reason) found.push({ index: i + 1, reason: reason.replace(/by its name \([^)]*\)/, `by its flag (${args[i]})`) });
      i++;
      continue;
    }
    const literal = args[i].replace(REFERENCE, '');
    const shape = valueShape(literal) ?? randomLooking(literal);
    if (shape) found.push({ index: i, reason: `holds ${shape}` });
  }
  return found;
}

/** Why a literal (a command, a word of a command line) holds a credential by its shape alone; undefined when not. */
export function literalValueCredentialReason(value: string): string | undefined {
  const literal = value.replace(REFERENCE, '');
  const shape = valueShape(literal) ?? randomLooking(literal);
  return shape ? `holds ${shape}` : undefined;
}

/** The value shape a literal has, as what it holds ("a GitHub token (ghp_…)"). */
function valueShape(literal: string): string | undefined {
  for (const { pattern, holds } of VALUE_SHAPES) {
    const match = pattern.exec(literal);
    if (match) return holds(match);
  }
  for (const match of literal.matchAll(BASIC)) {
    const decoded = Buffer.from(match[1], 'base64').toString('utf8');
    if (/^[^:\p{Cc}\uFFFD]*:[^\p{Cc}\uFFFD]+$/u.test(decoded)) return 'Basic credentials (Basic base64 of user:password)';
  }
  return undefined;
}

const RANDOM_RUN = /[A-Za-z0-9+/_-]{20,}={0,2}/g;
/** A digest's algorithm: before the run (an OCI digest, `sha256:…`) or starting it (subresource integrity, `sha512-…`). */
const DIGEST_BEFORE = /sha(?:1|224|256|384|512):$/i;
const DIGEST_START = /^sha(?:1|224|256|384|512)-/i;

/** "a random-looking string of N characters …" when the literal holds one (see the rules at the top). */
function randomLooking(literal: string): string | undefined {
  for (const match of literal.matchAll(RANDOM_RUN)) {
    const run = match[0];
    if (DIGEST_START.test(run) || DIGEST_BEFORE.test(literal.slice(0, match.index))) continue;
    // Shorter than 32, only an unbroken run counts: a name with separators ("TheBloke/Llama-2-7B-Chat-AWQ") is words.
    if (run.length < 32 && /[-_/+]/.test(run)) continue;
    if (madeOfWords(run)) continue;
    const count = (pattern: RegExp) => run.match(pattern)?.length ?? 0;
    if (count(/[A-Z]/g) < 2 || count(/[a-z]/g) < 2 || count(/[0-9]/g) < 1) continue;
    if (entropyPerCharacter(run) < Math.min(4, Math.log2(run.length) - 0.5) || classChanges(run) < (run.length >= 32 ? 0.4 : 0.5) || decodesToText(run)) continue;
    return `a random-looking string of ${run.length} characters (like a generated key)`;
  }
  return undefined;
}

/** A word between separators: "Instruct", "CodeLlama", "deepseek", "AWQ", "INT4", "Qwen2", "34B", "V2". */
const WORD = /^(?:(?:[A-Z][a-z]{2,}|[a-z]{3,})(?:[A-Z][a-z]{2,})*\d*|[A-Z]{2,5}\d*|[Vv]?\d+[A-Za-z]?)$/;

/**
 * Whether a run with separators is a name made of words (`TheBloke/CodeLlama-34B-Instruct-AWQ`): three or more
 * parts, 70 % of them words. A generated key's parts between its rare `-`, `_`, `/` and `+` almost never are.
 */
function madeOfWords(run: string): boolean {
  const parts = run.split(/[-_/+]+/).filter((p) => p !== '');
  return parts.length >= 3 && parts.filter((p) => WORD.test(p)).length >= 0.7 * parts.length;
}

/** Shannon entropy of the string's own character frequencies, in bits per character. */
function entropyPerCharacter(text: string): number {
  const counts = new Map<string, number>();
  for (const c of text) counts.set(c, (counts.get(c) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) bits -= (n / text.length) * Math.log2(n / text.length);
  return bits;
}

/** The share of neighbouring characters of different classes (upper, lower, digit, other). */
function classChanges(text: string): number {
  const cls = (c: string) => (c >= 'A' && c <= 'Z' ? 0 : c >= 'a' && c <= 'z' ? 1 : c >= '0' && c <= '9' ? 2 : 3);
  let changes = 0;
  for (let i = 1; i < text.length; i++) if (cls(text[i]) !== cls(text[i - 1])) changes++;
  return changes / (text.length - 1);
}

/** Whether the run is base64 (or base64url) of printable text: encoded data, not a key. */
function decodesToText(run: string): boolean {
  const bytes = Buffer.from(run.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  let printable = 0;
  for (const b of bytes) if ((b >= 0x20 && b < 0x7f) || b === 0x09 || b === 0x0a || b === 0x0d) printable++;
  return printable / bytes.length > 0.9;
}

function isFilePath(value: string): boolean {
  return ABSOLUTE_PATH.test(value) || RELATIVE_PATH.test(value) || FILE_NAME.test(value);
}

type NameKind = 'credential' | 'mechanism' | 'plural' | 'file';

/** Whether the name names a credential (or a credential's file), and the part of the name that says so. */
function credentialName(name: string): { kind: NameKind; shown: string } | undefined {
  const words = nameWords(name);
  let end = words.length;
  while (end > 0 && SAME_CREDENTIAL.test(words[end - 1].upper)) end--;
  if (end === 0) return undefined;
  const last = words[end - 1];
  if (last.stem === 'FILE' && end >= 2) {
    const start = credentialWordStart(words, end - 2);
    return start === undefined ? undefined : { kind: 'file', shown: shownFrom(name, start) };
  }
  const start = credentialWordStart(words, end - 1);
  if (start === undefined) return undefined;
  const kind: NameKind = MECHANISM_WORDS.has(last.stem) ? 'mechanism' : PLURAL_WORDS.has(last.stem) ? 'plural' : 'credential';
  return { kind, shown: shownFrom(name, start) };
}

/** Where in the name the credential word of words[i] starts, when words[i] is (or ends in) one. */
function credentialWordStart(words: readonly NameWord[], i: number): number | undefined {
  const word = words[i];
  const before = words[i - 1]?.upper;
  const excepted = (credential: string) => before !== undefined && (NOT_SECRET_BEFORE['*'].has(before) || NOT_SECRET_BEFORE[credential]?.has(before) === true);
  if (CREDENTIAL_WORDS.has(word.stem) || MECHANISM_WORDS.has(word.stem) || PLURAL_WORDS.has(word.stem)) {
    // PWD alone is the shell's working directory.
    if (word.stem === 'PWD' && i === 0) return undefined;
    return excepted(word.stem) ? undefined : word.start;
  }
  const ending = CREDENTIAL_ENDINGS.find((e) => word.stem.endsWith(e));
  if (!ending) return undefined;
  if (word.stem === ending && excepted(ending)) return undefined;
  return word.start + word.stem.length - ending.length;
}

/** The name from a position on, with "…" for what comes before: "…_KEY_CONTENT". */
function shownFrom(name: string, start: number): string {
  let from = start;
  while (from > 0 && /[^A-Za-z0-9]/.test(name[from - 1])) from--;
  return from === 0 ? name : `…${name.slice(from)}`;
}

/** The words of a variable name: split at every non-alphanumeric character and at camelCase boundaries. */
function nameWords(name: string): NameWord[] {
  const words: NameWord[] = [];
  for (const part of name.matchAll(/[A-Za-z0-9]+/g)) {
    for (const word of part[0].matchAll(/[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+[0-9]*|[A-Z]+[0-9]*|[0-9]+/g)) {
      const upper = word[0].toUpperCase();
      words.push({ start: part.index + word.index, upper, stem: /^\d+$/.test(upper) ? upper : upper.replace(/\d+$/, '') });
    }
  }
  return words;
}
