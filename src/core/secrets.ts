// What a secret looks like. Shared by the classifier (secrets in URLs are exfiltration) and the redactor
// (secrets never reach the ledger or a page).
//
// `findSecrets(text)` says where the secrets in a text are and which named rule found each. Three kinds of
// evidence:
//  1. Tokens that identify themselves: a vendor prefix or a fixed shape (`ghp_…`, `AKIA…`, `sk_live_…`,
//     PEM private-key blocks, JWTs). TOKEN_RULES.
//  2. Context: a credential in a URL (`postgres://user:pass@`), an `Authorization: Bearer` scheme
//     (CONTEXT_RULES), a program's short password flag (`mysql -pX`, `sshpass -p X`, `curl -u user:pass`;
//     PROGRAM_RULES).
//  3. Names: a value next to a secret-like name: `password=`, `"token": "…"`, `--api-key X` (the
//     `assignment` and `cli-flag` scans), `<password>…</password>`, `.netrc`, Terraform and Kubernetes
//     name/value pairs (NAMED_VALUE_RULES). A strong name (password, secret, token, api key, credential…)
//     hides any real value; a weak one (`…_KEY`, `sig`, `salt`, `session`) only a value that looks random
//     (≥ 20 characters, mixed classes, high entropy): those findings are named `…-high-entropy`.
//
// Deliberately NOT redacted, so that the record stays useful evidence:
//  - git commit SHAs, sha256/sha512 digests (`sha256:…`, lockfile `integrity`, even next to a secret-like
//    name), UUIDs and other ids, unless they sit next to a secret-like name (`HEROKU_API_KEY=<uuid>` is
//    redacted; `session_id=<uuid>` is not: weak names never take a UUID);
//  - a random-looking string with no name and no known prefix: a bare 40-character AWS secret key on its
//    own, base64 of ordinary content, hashes in code;
//  - public material: certificates, SSH/PGP public keys, `*_public_key`, `publishableKey`, AWS account and
//    ARN ids, `private_key_id`, a Twilio account SID (`AC…`) on its own, the user half of `user:pass@`;
//  - references rather than values: `$VAR`, `${VAR}`, `${{ secrets.X }}`, `{{ .Values.x }}`,
//    `process.env.X`, `$(cat file)`, file paths (`password_file: /run/secrets/db`), booleans, small
//    numbers, versions (`"jsonwebtoken": "^9.0.2"`), type names and code (`password: string`,
//    `token = getToken()`), `Bearer` + a plain word in prose, `mysql -p` with no value (it prompts);
//  - `.pgpass` lines and YAML block scalars under a secret name (`password: |`), which need a parser.
// Placeholders (`password: changeme`, `<your-token>`) are redacted: they cannot be told from the real thing.
//
// Every rule is linear in the input, since the hook redacts everything it records: each regex starts only
// at the first character of a run (a lookbehind on its own body class) or at a literal, every unbounded
// quantifier is greedy with nothing after it that can fail back through the run, and the scans read each
// value at most a bounded number of times. `npm run bench` (longInputs) keeps the time honest.

export interface SecretFinding {
  /** Name of the rule that found it. */
  rule: string;
  /** Offsets into the text: `text.slice(start, end)` is the secret. */
  start: number;
  end: number;
}

export interface SecretRule {
  name: string;
  /** Global regex: the whole match, or capture group `group`, is the secret. */
  re: RegExp;
  group?: number;
  /** The rule runs only when the text contains one of these (case-sensitive): a cheap pre-filter. */
  hint?: readonly string[];
  /** Second opinion on the secret (the captured text). */
  check?: (secret: string) => boolean;
}

/** Regex source: a token starts here, not inside a run of `chars`, or right after a JSON-escaped \n \r \t. */
const at = (chars: string): string => `(?:(?<![${chars}])|(?<=\\\\[nrt]))`;

function rule(
  name: string,
  body: RegExp,
  opts: { left?: string; hint?: readonly string[]; group?: number; check?: (s: string) => boolean } = {},
): SecretRule {
  const left = opts.left === undefined ? at('A-Za-z0-9_') : opts.left === '' ? '' : at(opts.left);
  return {
    name,
    re: new RegExp(left + body.source, `gd${body.flags}`),
    ...(opts.group !== undefined ? { group: opts.group } : {}),
    ...(opts.hint ? { hint: opts.hint } : {}),
    ...(opts.check ? { check: opts.check } : {}),
  };
}

const TOKENISH = /[0-9._~+/=-]/;

/** Tokens with a recognisable shape: a vendor prefix or a fixed layout. Each match is a secret. */
export const TOKEN_RULES: readonly SecretRule[] = [
  // Cloud providers.
  rule('aws-access-key-id', /(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}(?![A-Za-z0-9])/, {
    hint: ['AKIA', 'ASIA', 'ABIA', 'ACCA'],
  }),
  // Temporary credentials' session token: base64 of a protobuf that starts the same way every time.
  rule('aws-session-token', /(?:IQoJb3JpZ2luX2Vj|FwoGZXIvYXdzE)[A-Za-z0-9+/=]{40,}/, {
    left: 'A-Za-z0-9+/=',
    hint: ['IQoJb3JpZ2luX2Vj', 'FwoGZXIvYXdzE'],
  }),
  rule('gcp-api-key', /AIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])/, { left: 'A-Za-z0-9_-', hint: ['AIza'] }),
  rule('gcp-oauth-token', /ya29\.[0-9A-Za-z_-]{20,}/, { hint: ['ya29.'] }),
  rule('gcp-oauth-client-secret', /GOCSPX-[0-9A-Za-z_-]{28}(?![0-9A-Za-z_-])/, { hint: ['GOCSPX-'] }),
  rule('azure-ad-client-secret', /[A-Za-z0-9_~.-]{3}[0-9]Q~[A-Za-z0-9_~.-]{31,34}(?![A-Za-z0-9_~.-])/, {
    left: 'A-Za-z0-9_~.-',
    hint: ['Q~'],
  }),
  rule('alibaba-access-key-id', /LTAI[A-Za-z0-9]{12,20}(?![A-Za-z0-9])/, { hint: ['LTAI'] }),
  rule('digitalocean-token', /do[opr]_v1_[a-f0-9]{64}/, { hint: ['_v1_'] }),
  rule('databricks-token', /dapi[a-f0-9]{32}(?:-[0-9]+)?(?![A-Za-z0-9])/, { hint: ['dapi'] }),
  rule('heroku-api-key', /HRKU-[A-Za-z0-9_-]{20,}/, { hint: ['HRKU-'] }),
  rule('terraform-cloud-token', /[A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_-]{60,}/, {
    left: 'A-Za-z0-9_.',
    hint: ['.atlasv1.'],
  }),
  rule('pulumi-token', /pul-[a-f0-9]{40}(?![A-Za-z0-9])/, { hint: ['pul-'] }),
  rule('vault-token', /hv[sbr]\.[A-Za-z0-9_-]{24,}/, { hint: ['hvs.', 'hvb.', 'hvr.'] }),
  rule('doppler-token', /dp\.(?:st|sa|ct|pt|scim|audit)\.[A-Za-z0-9_.-]{40,}/, { hint: ['dp.'] }),
  rule('supabase-token', /sbp_[a-f0-9]{40}/, { hint: ['sbp_'] }),
  rule('netlify-token', /nfp_[A-Za-z0-9]{36,}/, { hint: ['nfp_'] }),
  rule('onepassword-service-account', /ops_eyJ[A-Za-z0-9+/=_-]{40,}/, { hint: ['ops_eyJ'] }),
  rule('age-secret-key', /AGE-SECRET-KEY-1[0-9A-Z]{58}/, { hint: ['AGE-SECRET-KEY-'] }),

  // Source hosting and CI.
  rule('github-token', /gh[pousr]_[A-Za-z0-9]{30,}/, { hint: ['gh'] }),
  rule('github-fine-grained-pat', /github_pat_[A-Za-z0-9_]{40,}/, { hint: ['github_pat_'] }),
  rule('gitlab-token', /gl(?:pat|dt|rt|ptt|soat|cbt|ft|imt|agent)-[A-Za-z0-9_-]{20,}/, {
    left: 'A-Za-z0-9_-',
    hint: ['gl'],
  }),
  rule('gitlab-runner-token', /GR1348941[A-Za-z0-9_-]{20,}/, { hint: ['GR1348941'] }),
  rule('buildkite-token', /bkua_[a-f0-9]{40}/, { hint: ['bkua_'] }),
  rule('atlassian-api-token', /ATATT[A-Za-z0-9_=-]{30,}/, { hint: ['ATATT'] }),
  rule('linear-api-key', /lin_(?:api|oauth)_[A-Za-z0-9]{32,}/, { hint: ['lin_'] }),
  rule('sentry-token', /sntry[su]_[A-Za-z0-9+/=_]{40,}/, { hint: ['sntry'] }),
  rule('grafana-service-account-token', /glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}/, { hint: ['glsa_'] }),
  rule('grafana-cloud-token', /glc_[A-Za-z0-9+/=]{32,}/, { hint: ['glc_'] }),
  rule('new-relic-key', /NRAK-[A-Z0-9]{27}(?![A-Za-z0-9])/, { hint: ['NRAK-'] }),
  rule('postman-api-key', /PMAK-[a-f0-9]{24}-[a-f0-9]{34}/, { hint: ['PMAK-'] }),

  // Package registries.
  rule('npm-token', /npm_[A-Za-z0-9]{30,}/, { hint: ['npm_'] }),
  rule('pypi-token', /pypi-[A-Za-z0-9_-]{50,}/, { hint: ['pypi-'] }),
  rule('docker-hub-token', /dckr_(?:pat|oat)_[A-Za-z0-9_-]{20,}/, { hint: ['dckr_'] }),
  rule('rubygems-token', /rubygems_[a-f0-9]{48}/, { hint: ['rubygems_'] }),
  rule('nuget-api-key', /oy2[a-z0-9]{43}(?![A-Za-z0-9])/, { hint: ['oy2'] }),

  // Chat, mail and SaaS.
  rule('slack-token', /xox[a-z]-[A-Za-z0-9-]{10,}/, { left: 'A-Za-z0-9_-', hint: ['xox'] }),
  rule('slack-app-token', /xapp-[0-9]-[A-Za-z0-9-]{20,}/, { left: 'A-Za-z0-9_-', hint: ['xapp-'] }),
  rule('slack-webhook', /hooks\.slack\.com\/(?:services|workflows|triggers)\/([A-Za-z0-9/_-]+)/, {
    left: '',
    group: 1,
    hint: ['hooks.slack.com'],
  }),
  rule('discord-webhook', /discord(?:app)?\.com\/api\/webhooks\/([0-9]+\/[A-Za-z0-9_-]+)/, {
    left: '',
    group: 1,
    hint: ['/api/webhooks/'],
  }),
  rule(
    'discord-bot-token',
    /[MNO][A-Za-z0-9_-]{23,25}\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27,38}(?![A-Za-z0-9_-])/,
    { left: 'A-Za-z0-9_.-' },
  ),
  rule('telegram-bot-token', /[0-9]{8,10}:[A-Za-z0-9_-]{35}(?![A-Za-z0-9_-])/, { left: '0-9', hint: [':'] }),
  // pk_ keys are publishable, but have always been in this list: the URL classifier relies on it.
  rule('stripe-key', /(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{16,}/, { hint: ['_live_', '_test_'] }),
  rule('stripe-webhook-secret', /whsec_[A-Za-z0-9+/=]{24,}/, { hint: ['whsec_'] }),
  rule('square-token', /sq0(?:atp|csp)-[A-Za-z0-9_-]{22,}/, { hint: ['sq0'] }),
  rule('shopify-token', /shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}(?![A-Za-z0-9])/, { hint: ['shp'] }),
  rule('sendgrid-api-key', /SG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}/, {
    left: 'A-Za-z0-9_.-',
    hint: ['SG.'],
  }),
  rule('twilio-api-key', /SK[0-9a-f]{32}(?![A-Za-z0-9])/, { hint: ['SK'] }),
  rule('mailgun-api-key', /key-[0-9a-f]{32}(?![A-Za-z0-9])/, { left: 'A-Za-z0-9_-', hint: ['key-'] }),
  rule('mailchimp-api-key', /[0-9a-f]{32}-us[0-9]{1,2}(?![A-Za-z0-9])/, {
    left: 'A-Za-z0-9_-',
    hint: ['-us'],
  }),
  rule('notion-token', /(?:ntn_[A-Za-z0-9]{40,}|secret_[A-Za-z0-9]{43}(?![A-Za-z0-9]))/, {
    hint: ['ntn_', 'secret_'],
  }),
  rule('airtable-token', /pat[A-Za-z0-9]{14}\.[a-f0-9]{64}/, { hint: ['pat'] }),
  rule('mapbox-secret-token', /sk\.eyJ[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{20,}/, { hint: ['sk.eyJ'] }),
  rule('firebase-fcm-server-key', /AAAA[A-Za-z0-9_-]{7}:APA91b[A-Za-z0-9_-]{100,}/, { hint: [':APA91b'] }),

  // AI providers.
  rule('anthropic-api-key', /sk-ant-[A-Za-z0-9_-]{20,}/, { hint: ['sk-ant-'] }),
  rule('openai-api-key', /sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}/, { hint: ['sk-'] }),
  rule('huggingface-token', /(?:hf_|api_org_)[A-Za-z0-9]{30,}/, { hint: ['hf_', 'api_org_'] }),

  // Generic shapes.
  rule('jwt', /eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{4,}(?:\.[A-Za-z0-9_-]*)?/, {
    left: 'A-Za-z0-9_.-',
    hint: ['eyJ'],
  }),
  // PEM blocks: RSA, EC, DSA, OPENSSH, ENCRYPTED, PKCS#8 and PGP. The body up to the END line, or, cut off,
  // up to a quote (the end of the string it sits in) or the end of the text. JSON-escaped `\n`s are fine.
  rule(
    'private-key',
    /-----BEGIN[ A-Z0-9]{0,40}PRIVATE KEY(?: BLOCK)?-----([\s\S]*?)(?:-----END[ A-Z0-9]{0,40}PRIVATE KEY(?: BLOCK)?-----|(?=\\{0,8}["'`])|$)/,
    { left: '', group: 1, hint: ['PRIVATE KEY'], check: (body) => /[A-Za-z0-9+/]{16}/.test(body) },
  ),
  rule('putty-private-key', /Private-Lines:[ \t]*[0-9]+([\s\S]*?)(?:Private-MAC:|(?=\\{0,8}["'`])|$)/, {
    left: '',
    group: 1,
    hint: ['Private-Lines:'],
    check: (body) => /[A-Za-z0-9+/]{16}/.test(body),
  }),
  // base64 of a PEM private key, as in kubeconfig `client-key-data:` or a Kubernetes `tls.key:`.
  // "PRIVATE KEY" encodes to one of three strings, depending on its offset.
  rule(
    'private-key-base64',
    /LS0tLS1CRUdJTi[A-Za-z0-9+/]{0,24}?(?:UFJJVkFURSBLRVk|BSSVZBVEUgS0VZ|QUklWQVRFIEtFW)[A-Za-z0-9+/=]*/,
    { left: 'A-Za-z0-9+/=', hint: ['LS0tLS1CRUdJTi'] },
  ),
];

/** Secrets recognised by what surrounds them: URLs with credentials and HTTP authorization schemes. */
export const CONTEXT_RULES: readonly SecretRule[] = [
  // scheme://user:password@host. The user may be empty (redis://:pass@host); a password with an `@` in it
  // runs to the last `@` before the path.
  rule('url-password', /[A-Za-z][A-Za-z0-9+.-]{0,30}:\/\/[^\s/?#@:"'`\\]*:([^\s/?#"'`\\]+)@/, {
    left: 'A-Za-z0-9+.-',
    group: 1,
    hint: ['://'],
    check: (s) => !isReference(s),
  }),
  // scheme://TOKEN@host with a random-looking user and no password: a Sentry DSN, a git remote with a token.
  rule('url-token-userinfo', /[A-Za-z][A-Za-z0-9+.-]{0,30}:\/\/([A-Za-z0-9_-]{16,})@/, {
    left: 'A-Za-z0-9+.-',
    group: 1,
    hint: ['://'],
    check: looksRandom,
  }),
  rule('jdbc-oracle-password', /jdbc:oracle:[a-z]+:[^\s/@:"'`\\]{0,128}\/([^\s@"'`\\]{1,128})@/, {
    left: '',
    group: 1,
    hint: ['jdbc:oracle:'],
  }),
  // Go's MySQL driver: user:password@tcp(host:3306)/db
  rule('go-mysql-dsn', /[\w.-]{1,64}:([^\s@/:"'`\\]+)@(?:tcp|unix|udp)\(/, {
    left: '\\w.-',
    group: 1,
    hint: ['@tcp(', '@unix(', '@udp('],
  }),
  // `Bearer x` / `Basic x` anywhere (the header name may be elsewhere, as in `-H "$AUTH"` built up before).
  rule('authorization-scheme', /(?:[Bb]earer|Basic)[ \t]+([A-Za-z0-9._~+/=-]{8,})/, {
    group: 1,
    hint: ['earer', 'Basic'],
    check: (s) => TOKENISH.test(s) && !/^[0-9]+$/.test(s),
  }),
];

// ---------------------------------------------------------------------------------------------
// Secret-like names.

/** Last name segments that make the value a reference, an id, a setting or a count, not a secret. */
const NON_SECRET_TAIL = new Set(
  `id ids name names arn arns path paths file files filename dir directory folder type types url urls uri uris
  endpoint endpoints host hostname domain count length len size ttl expiry expires expiration expire lifetime
  timeout age env version versions prefix suffix hint hints policy policies ref refs reference mode format
  field fields header headers limit limits max min kind enabled disabled required optional rotation source
  provider providers store manager label labels description desc location region method methods algorithm alg
  scheme schema pattern patterns regex regexp re rx template example placeholder var variable variables stdin
  stdout command commands cmd cmds helper helpers process program
  tokens secrets passwords keys used usage strength index at in on check validation validator rule rules`.split(
    /\s+/,
  ),
);
/** Segments that are secret on their own, wherever they are in the name. */
const STRONG_SEGMENT =
  /^(?:pass|pwd|creds|credentials?|bearer|authorization|cookie|storepass|keypass|srcstorepass|deststorepass|srckeypass|destkeypass)$|(?:password|passwd|passphrase|secret|token|apikey|accesskey|privatekey|secretkey|authkey)$/;
/** `<word>_key` names that are secret whatever the value looks like. */
const STRONG_KEY_QUALIFIER = new Set(
  `api access private secret account master signing encryption encrypt decryption client auth shared storage
  subscription consumer license jwt hmac webhook root admin deploy session tls ssl app`.split(/\s+/),
);
/** `<word>_key` names that are identifiers or public material. */
const PUBLIC_KEY_QUALIFIER = new Set(
  `public publishable pub primary foreign sort partition hash range cache idempotency object map dict
  translation i18n unique composite natural surrogate lookup index route react list row column field group tag
  label bucket s3 gpg ssh host known`.split(/\s+/),
);
/** Last segments that mark a secret only when the value also looks random. */
const WEAK_TAIL = new Set(
  'key sig signature salt hmac otp totp session sessionid sessid sid phpsessid jsessionid'.split(' '),
);
/** First segments of a CLI flag that make it a switch about a secret rather than one (`--ask-pass`). */
const FLAG_SWITCH_HEAD = new Set(
  'no ask prompt skip use with without enable disable allow require show print hide generate verify check validate'.split(
    ' ',
  ),
);

export type SecretNameKind = 'strong' | 'weak';

function segmentsOf(name: string): string[] {
  return name
    .split(/[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])/)
    .filter(Boolean)
    .map((s) => s.toLowerCase());
}

/**
 * Is `name` the name of a secret? `strong`: any real value next to it is a secret (`DB_PASSWORD`,
 * `client_secret`, `x-api-key`, `AccountKey`). `weak`: only a random-looking value is (`MY_SERVICE_KEY`,
 * `sig`, `salt`, `sessionid`). `undefined`: not a secret's name (`token_type`, `password_file`,
 * `max_tokens`, `public_key`, `access_key_id`).
 */
export function secretNameKind(name: string, opts: { flag?: boolean } = {}): SecretNameKind | undefined {
  const segs = segmentsOf(name);
  const last = segs.at(-1);
  if (last === undefined) return undefined;
  if (opts.flag && segs.length > 1 && FLAG_SWITCH_HEAD.has(segs[0]!)) return undefined;
  if (NON_SECRET_TAIL.has(last)) return last === 'id' && segs.at(-2) === 'session' ? 'weak' : undefined;
  // `key` closing the name: what kind of key?
  const keyAt =
    last === 'key'
      ? segs.length - 1
      : segs.at(-2) === 'key' && /^(?:data|pem|b64|base64)$/.test(last)
        ? segs.length - 2
        : -1;
  if (keyAt >= 0) {
    const q = segs[keyAt - 1];
    if (q !== undefined && PUBLIC_KEY_QUALIFIER.has(q)) return undefined;
    if (segs.some((s) => STRONG_SEGMENT.test(s))) return 'strong';
    if (q !== undefined && STRONG_KEY_QUALIFIER.has(q)) return 'strong';
    return 'weak';
  }
  if (last === 'auth') return 'strong'; // `_auth` in .npmrc, `auth` in a Docker config.json, `basic_auth`
  if (segs.some((s) => STRONG_SEGMENT.test(s))) return 'strong';
  if (WEAK_TAIL.has(last)) return 'weak';
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Values.

// Counts, switches, the marker itself, type names (`password: string`) and keywords (`token = await f()`).
const NOT_A_SECRET =
  /^(?:\d{1,9}|true|false|null|nil|none|undefined|yes|no|on|off|\[REDACTED\]|\*+|string|number|boolean|bool|int|integer|float|str|bytes|buffer|uint8array|any|unknown|object|required|optional|empty|await|new|this|self|typeof|function|async|yield|return|lambda|require|import)$/i;
const REFERENCE =
  /^(?:\$[A-Za-z_][A-Za-z0-9_]*|\$\{[^}]*\}?|\$\{\{.*|\{\{.*|\$\(.*|%\(.*|<%.*|#\{.*|%[A-Za-z_][A-Za-z0-9_]*%|(?:process\.env|import\.meta\.env|os\.environ|os\.getenv|System\.getenv|Deno\.env|ENV|env|secrets|vars|inputs)(?:[.[(].*)?)$/;
const DIGEST = /^(?:sha(?:1|224|256|384|512)|md5)[:-][A-Za-z0-9+/=]+$/i;
/** A file path, or a file named as the value's source: `/run/secrets/db`, `fileb://key.bin`, `@token.txt`. */
const PATH = /^(?:(?:~|\.{1,2})?(?:\/[\w.@+-]+)+\/?|(?:fileb?:\/\/|@)[\w./~+-]+)$/;
/** A call, a generic type or a regex literal: `getToken()`, `Readonly<Record<…>>`, `/^secret$/`. */
const CODE = /^(?:[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*[(<]|\/.+\/[dgimsuvy]*$)/;
/** A property path without digits: `policy.repeat`, `this.token`, `config.apiKey`. */
const PROPERTY_PATH = /^[a-z_$][A-Za-z_$]*(?:\.[a-z_$][A-Za-z_$]*)+$/;
/** A camelCase variable named after a secret: `hashedPassword`, `newToken`. */
const SECRET_VARIABLE = /^[a-z_$][a-z0-9_$]*(?:[A-Z][a-z0-9_$]*)+$/;
const SECRET_WORD = /pass|secret|token|key|auth|cred/i;
/** A version or version range, as in package.json: `"jsonwebtoken": "^9.0.2"`. */
const VERSION = /^(?:[~^]|[<>]=?|=)?v?\d+(?:\.(?:\d+|x|\*))*(?:[-+][\w.-]+)?$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A variable, template or expression that stands for a secret rather than being one. */
function isReference(v: string): boolean {
  return REFERENCE.test(v);
}

/** Could `value`, written next to a strong name, be a real secret? */
function plausibleSecret(value: string, quoted: boolean): boolean {
  if (value.length < (quoted ? 1 : 3)) return false;
  if (NOT_A_SECRET.test(value) || isReference(value) || PATH.test(value) || DIGEST.test(value)) return false;
  if (!/[A-Za-z0-9]/.test(value) || VERSION.test(value)) return false; // `<<<`, `--`, `^6.0.0`
  // Code rather than a literal: `token: getToken()`, `const pass = policy.repeat`, `password: hashedPassword`.
  if (quoted) return true;
  return (
    !CODE.test(value) &&
    !PROPERTY_PATH.test(value) &&
    !(SECRET_VARIABLE.test(value) && SECRET_WORD.test(value))
  );
}

/** Shannon entropy in bits per character. */
function shannonEntropy(s: string): number {
  const counts = new Map<string, number>();
  for (const c of s) counts.set(c, (counts.get(c) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

/**
 * Does `v` look like a random token rather than a word, an identifier, a version or an id? At least 20
 * token characters; long hex with letters and digits; or two of lower/upper/digit, entropy ≥ 3.5 bits and
 * character classes switching often (random text switches on more than half the characters, camelCase on
 * about a quarter). UUIDs are ids.
 */
export function looksRandom(v: string): boolean {
  if (v.length < 20 || v.length > 1024 || !/^[A-Za-z0-9+/=_~.%-]+$/.test(v) || UUID.test(v)) return false;
  const alnum = v.replace(/[^A-Za-z0-9]/g, '');
  const lower = /[a-z]/.test(alnum);
  const upper = /[A-Z]/.test(alnum);
  const digit = /[0-9]/.test(alnum);
  if (alnum.length >= 32 && /^[0-9a-f]+$/i.test(alnum) && digit && (lower || upper)) return true;
  if (Number(lower) + Number(upper) + Number(digit) < 2) return false;
  if (shannonEntropy(v) < 3.5) return false;
  const cls = (c: string) => (c >= 'a' && c <= 'z' ? 0 : c >= 'A' && c <= 'Z' ? 1 : 2);
  let switches = 0;
  for (let i = 1; i < alnum.length; i++) if (cls(alnum[i]!) !== cls(alnum[i - 1]!)) switches++;
  return switches / Math.max(1, alnum.length - 1) >= (digit ? 0.3 : 0.35);
}

function valueIsSecret(kind: SecretNameKind, value: string, quoted: boolean): boolean {
  return kind === 'strong' ? plausibleSecret(value, quoted) : looksRandom(value);
}

/** Is the string `value`, stored under the name `name` (a JSON key, say), a secret? */
export function isSecretNamed(name: string, value: string): boolean {
  const kind = secretNameKind(name);
  return kind !== undefined && valueIsSecret(kind, value, true);
}

const MAX_QUOTED = 8192;
/** redact.ts's REDACTED (which imports this file, not the other way round). */
const MARKER = '[REDACTED]';
const AUTH_SCHEME = /(?:Bearer|bearer|Basic|Token|token|Bot|Digest|Negotiate|ApiKey|Key|SSWS|OAuth)[ \t]+/y;
const OPEN_QUOTE = /\\{0,16}(["'`])/y;
/** A bare value in a URL query or a `;`-separated connection string, */
const BARE_STRICT = /[^\s"'`\\,;&}]{1,4096}/y;
/** and anywhere else (`PASSWORD=a&b;c`, `password = p@ss;word`), less the punctuation that ends code. */
const BARE = /[^\s"'`\\]{1,4096}/y;
const TRAILING_PUNCTUATION = ',;:)}]';

interface Value {
  start: number;
  end: number;
  quoted: boolean;
}

/**
 * The value that starts at `pos`: quoted (also with JSON-escaped quotes, `\"…\"`) up to its closing quote,
 * or bare up to a space, quote, backslash or `, ; & }`. An `Authorization` scheme word is skipped.
 */
function valueAt(text: string, pos: number, strict = false): Value | undefined {
  let p = pos;
  AUTH_SCHEME.lastIndex = p;
  if (AUTH_SCHEME.test(text)) p = AUTH_SCHEME.lastIndex;
  OPEN_QUOTE.lastIndex = p;
  const q = OPEN_QUOTE.exec(text);
  if (q) {
    const start = OPEN_QUOTE.lastIndex;
    const end = closingQuote(text, start, q[1]!, q[0].length - 1);
    let s = start;
    AUTH_SCHEME.lastIndex = s;
    if (AUTH_SCHEME.test(text) && AUTH_SCHEME.lastIndex < end) s = AUTH_SCHEME.lastIndex;
    return { start: s, end, quoted: true };
  }
  const bare = strict ? BARE_STRICT : BARE;
  bare.lastIndex = p;
  if (!bare.test(text)) return undefined;
  let end = bare.lastIndex;
  while (end > p && TRAILING_PUNCTUATION.includes(text[end - 1]!) && !text.endsWith(MARKER, end)) end--;
  return end > p ? { start: p, end, quoted: false } : undefined;
}

/**
 * Where a quoted value that starts at `start` ends: at its closing quote, a newline, or after MAX_QUOTED
 * characters. A quote opened behind `k` backslashes (JSON-escaped `k` levels deep: 0, 1, 3, 7…) is closed
 * by a quote behind exactly `k` backslashes, give or take whole escaped backslashes: `"a\"b"` is one value
 * at level 0, `\"a\\\"b\"` one at level 1.
 */
function closingQuote(text: string, start: number, quote: string, k: number): number {
  const limit = Math.min(text.length, start + MAX_QUOTED);
  for (let i = start; i < limit; i++) {
    const c = text[i];
    // A quoted value is one line: it ends at a newline, raw or JSON-escaped.
    if (c === '\n' || (c === '\\' && text[i + 1] === 'n')) return i;
    if (c !== quote) continue;
    let r = 0;
    while (r < 64 && i - r - 1 >= start && text[i - r - 1] === '\\') r++;
    if (r >= k && (r - k) % (2 * (k + 1)) === 0) return i - k;
  }
  return limit;
}

// ---------------------------------------------------------------------------------------------
// Rules that read a name, then a value.

/** Regex: the start of a word (not after [\w-]), or just after a JSON-escaped \n \r \t. */
const wordStart = (re: RegExp): RegExp => new RegExp(at('\\w-') + re.source, re.flags);
/** Whitespace, raw or JSON-escaped at any depth. */
const SPACE = String.raw`(?:[ \t\r\n]|\\{1,16}[rnt])+`;
/** An optional quote, raw or JSON-escaped: `"`, `\"`, `\\\"`. */
const Q = String.raw`\\{0,16}["']?`;

/** name=value, name: value, "name": "value", name := value, name => value, x["name"] = value. */
const SEPARATOR = /(?<=[\w.-])(?:\\{0,16}["'])?\]?[ \t]*(?::=|=>|=(?!=)|:(?!:|\/\/))[ \t]*/g;
/** --password VALUE, -storepass VALUE (the `=` form is an assignment). */
const FLAG = wordStart(/--?([A-Za-z][\w.-]{0,63})[ \t]+(?=[^\s-])/g);

export interface NamedValueRule {
  name: string;
  /** Matches up to the value; group 1, if any, is the name that judges it (else the value is a secret). */
  re: RegExp;
  hint: readonly string[];
}

/** Secret names and values that a format keeps apart. */
export const NAMED_VALUE_RULES: readonly NamedValueRule[] = [
  {
    // {"name": "DB_PASSWORD", "value": "…"}, `- name: DB_PASSWORD\n  value: …`, <add key="ApiKey" value="…"/>
    name: 'name-value-pair',
    re: wordStart(
      new RegExp(
        String.raw`(?:name|key)${Q}[ \t]*[:=][ \t]*${Q}([\w.-]{1,64})${Q}[ \t]*,?(?:[ \t\r\n]|\\{1,16}[rnt])*(?:-[ \t]+)?${Q}value${Q}[ \t]*[:=][ \t]*`,
        'g',
      ),
    ),
    hint: ['value'],
  },
  {
    // variable "db_password" { type = string  default = "…" }
    name: 'terraform-variable-default',
    re: wordStart(
      new RegExp(
        String.raw`variable[ \t]+\\{0,16}"([\w-]{1,64})\\{0,16}"[ \t]*\{[^}]{0,400}?${at('\\w-')}default[ \t]*=[ \t]*`,
        'g',
      ),
    ),
    hint: ['variable'],
  },
  {
    // .netrc: machine HOST [login USER] password VALUE, on one line or several.
    name: 'netrc-password',
    re: wordStart(
      new RegExp(
        String.raw`(?:machine${SPACE}[^\s\\]+|default)(?:${SPACE}(?:login|account|port|protocol)${SPACE}[^\s\\]+){0,3}${SPACE}password${SPACE}(?=\S)`,
        'g',
      ),
    ),
    hint: ['password'],
  },
  {
    // npm/yarn/pnpm/poetry/git config set NAME VALUE, aws configure set NAME VALUE.
    name: 'config-set',
    re: wordStart(
      /(?:configure|config)[ \t]+(?:--?[\w-]+[ \t]+){0,3}(?:set[ \t]+)?(?:--?[\w-]+[ \t]+){0,3}([^\s=]{1,160})[ \t]+(?=[^\s-])/g,
    ),
    hint: ['config'],
  },
];

/** <password>…</password>, <ns:apiKey>…</ns:apiKey> */
const XML_ELEMENT = /<([A-Za-z_][\w.:-]{0,63})>([^<]{1,4096})<\/\1>/g;

export interface ProgramRule {
  name: string;
  /** Matches up to the value. */
  re: RegExp;
  hint: readonly string[];
  /** The secret is the part of the value after this character (curl's user:password). */
  after?: string;
}

/** `PROGRAM <up to 40 arguments> FLAG`, up to the flag's value. */
const prog = (names: string, flag: string): RegExp =>
  wordStart(new RegExp(String.raw`(?:${names})(?=[ \t])(?:[ \t]+[^\s;&|]+){0,40}?[ \t]+${flag}`, 'g'));

/** Programs whose password flag is a short option: the next word (or the rest of the word) is the secret. */
export const PROGRAM_RULES: readonly ProgramRule[] = [
  {
    name: 'mysql-password-flag',
    re: prog(
      'mysql(?:dump|admin|import|show|check|pump|sh|binlog)?|mariadb(?:-dump|-admin)?',
      String.raw`-p(?=\S)`,
    ),
    hint: ['mysql', 'mariadb'],
  },
  { name: 'sshpass-password', re: prog('sshpass', String.raw`-p[ \t]*(?=[^\s-])`), hint: ['sshpass'] },
  // docker/podman/helm registry login, az login, oc login, cf login.
  { name: 'login-password-flag', re: prog('login', String.raw`-p[ \t]+(?=[^\s-])`), hint: ['login'] },
  { name: 'redis-cli-password', re: prog('redis-cli', String.raw`-a[ \t]+(?=[^\s-])`), hint: ['redis-cli'] },
  {
    name: 'ssh-keygen-passphrase',
    re: prog('ssh-keygen', String.raw`-[NP][ \t]+(?=\S)`),
    hint: ['ssh-keygen'],
  },
  { name: 'zip-password', re: prog('zip|unzip|zipcloak', String.raw`-P[ \t]*(?=[^\s-])`), hint: ['zip'] },
  { name: '7z-password', re: prog('7za?|7zz?', String.raw`-p(?=\S)`), hint: ['7z'] },
  { name: 'openssl-pass-arg', re: wordStart(/-pass(?:in|out)?[ \t]+pass:/g), hint: ['pass:'] },
  {
    name: 'gh-secret-body',
    re: prog(String.raw`gh[ \t]+secret[ \t]+set`, String.raw`(?:-b|--body)(?:[ \t]+|=)(?=\S)`),
    hint: ['secret'],
  },
  {
    name: 'curl-user',
    re: prog('curl|wget|http|https|xh', String.raw`(?:-u|--user|--proxy-user|-U)(?:[ \t]*|=)(?=[^\s-])`),
    hint: ['curl', 'wget', 'http', 'xh'],
    after: ':',
  },
  {
    name: 'smbclient-user',
    re: prog('smbclient|rpcclient|smbmap', String.raw`(?:-U|--user)(?:[ \t]+|=)(?=[^\s-])`),
    hint: ['smbclient', 'rpcclient', 'smbmap'],
    after: '%',
  },
];

/** [A-Za-z0-9_.-] */
function isKeyChar(c: number): boolean {
  return (
    (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 46 || c === 45
  );
}

/** The key right before `end`: a run of word characters, dots and dashes, at most 64 long. */
function keyBefore(text: string, end: number): string {
  let s = end;
  const min = Math.max(0, end - 64);
  while (s > min && isKeyChar(text.charCodeAt(s - 1))) s--;
  // `\nDB_PASSWORD` inside JSON: the n belongs to the escape.
  if (s > 0 && text[s - 1] === '\\' && 'nrt'.includes(text[s]!)) s++;
  return text.slice(s, end);
}

type Push = (rule: string, start: number, end: number) => void;

/**
 * A TypeScript-style type after a colon: `token: CancellationToken`, `signature: NodeJS.ArrayBufferView`.
 * PascalCase words (an uppercase letter and two or more lowercase ones) make up most of the letters.
 */
function looksLikeTypeName(v: string): boolean {
  if (!/^[A-Z][A-Za-z]*(?:\.[A-Z][A-Za-z]*)*(?:\[\])?$/.test(v)) return false;
  const words = v.match(/[A-Z][a-z]{2,}/g) ?? [];
  return words.length >= 2 && words.join('').length >= 0.7 * v.replace(/[^A-Za-z]/g, '').length;
}

/** Names that are also everyday words (`a validation pass: valid JS`): alone, they need a quoted value. */
const WORD_NAMES = new Set(['pass', 'auth']);

/**
 * Judge the value at `pos` by the name before it (`kind`, and the `name` itself when there is one) and
 * report it as found by `rule` (`rule-high-entropy` for a weak name) if it is a secret. Returns where a scan
 * may go on: past a bare value it reported, or undefined (go on right after the name).
 */
function judgeValue(
  text: string,
  pos: number,
  kind: SecretNameKind,
  rule: string,
  push: Push,
  opts: { strict?: boolean; name?: string; colon?: boolean } = {},
): number | undefined {
  const v = valueAt(text, pos, opts.strict);
  if (!v) return undefined;
  const value = text.slice(v.start, v.end);
  if (!v.quoted && opts.name !== undefined && WORD_NAMES.has(opts.name.toLowerCase())) kind = 'weak';
  if (!v.quoted && opts.colon && looksLikeTypeName(value)) return undefined;
  if (!valueIsSecret(kind, value, v.quoted)) return undefined;
  push(kind === 'strong' ? rule : `${rule}-high-entropy`, v.start, v.end);
  return v.quoted ? undefined : v.end;
}

// Each scan below moves on past a bare value it reports (what is inside is hidden anyway), and just past
// the name of anything else: a quoted value may have closed on the wrong quote (`a='x; B='secret'`), and
// `env="DB_PASSWORD=x"` must still be read. Values are bounded, so the scans stay linear.

function scanAssignments(text: string, push: Push): void {
  SEPARATOR.lastIndex = 0;
  for (let m = SEPARATOR.exec(text); m; m = SEPARATOR.exec(text)) {
    const key = keyBefore(text, m.index);
    let kind = secretNameKind(key);
    if (!kind) continue;
    // `name:value` with nothing around the colon is more often a namespaced word (`credentials:rotate`,
    // `auth:token` npm scripts) than a secret: only a random-looking value counts.
    if (m[0] === ':') kind = 'weak';
    // A query parameter (`?a=1&token=x&b=2`) or a connection-string pair (`;Password=x;`) ends at & or ;.
    const strict = '?&;'.includes(text[m.index - key.length - 1] ?? ' ');
    const colon = m[0].trimEnd().endsWith(':');
    const end = judgeValue(text, SEPARATOR.lastIndex, kind, 'assignment', push, { strict, name: key, colon });
    if (end !== undefined) SEPARATOR.lastIndex = end;
  }
}

function scanFlags(text: string, push: Push): void {
  FLAG.lastIndex = 0;
  for (let m = FLAG.exec(text); m; m = FLAG.exec(text)) {
    const kind = secretNameKind(m[1]!, { flag: true });
    if (!kind) continue;
    const end = judgeValue(text, FLAG.lastIndex, kind, 'cli-flag', push);
    if (end !== undefined) FLAG.lastIndex = end;
  }
}

function scanNamedValues(text: string, push: Push): void {
  for (const r of NAMED_VALUE_RULES) {
    if (!r.hint.some((h) => text.includes(h))) continue;
    r.re.lastIndex = 0;
    for (let m = r.re.exec(text); m; m = r.re.exec(text)) {
      // `//registry.npmjs.org/:_authToken` is named by its last part.
      const kind = m[1] === undefined ? 'strong' : secretNameKind(/[\w.-]*$/.exec(m[1])![0]);
      if (kind) judgeValue(text, r.re.lastIndex, kind, r.name, push);
    }
  }
  if (text.includes('</')) {
    XML_ELEMENT.lastIndex = 0;
    for (let m = XML_ELEMENT.exec(text); m; m = XML_ELEMENT.exec(text)) {
      const kind = secretNameKind(m[1]!.slice(m[1]!.lastIndexOf(':') + 1));
      const body = m[2]!;
      const value = body.trim();
      if (!kind || !valueIsSecret(kind, value, true)) continue;
      const start = m.index + m[1]!.length + 2 + body.indexOf(value);
      push(kind === 'strong' ? 'xml-element' : 'xml-element-high-entropy', start, start + value.length);
    }
  }
}

function scanPrograms(text: string, push: Push): void {
  for (const r of PROGRAM_RULES) {
    if (!r.hint.some((h) => text.includes(h))) continue;
    r.re.lastIndex = 0;
    for (let m = r.re.exec(text); m; m = r.re.exec(text)) {
      const v = valueAt(text, r.re.lastIndex);
      if (!v) continue;
      let start = v.start;
      if (r.after) {
        const i = text.indexOf(r.after, start);
        if (i < 0 || i >= v.end) continue;
        start = i + 1;
      }
      if (plausibleSecret(text.slice(start, v.end), v.quoted)) push(r.name, start, v.end);
    }
  }
}

function runRule(r: SecretRule, text: string, push: Push): void {
  if (r.hint && !r.hint.some((h) => text.includes(h))) return;
  r.re.lastIndex = 0;
  for (let m = r.re.exec(text); m; m = r.re.exec(text)) {
    const span = m.indices?.[r.group ?? 0];
    if (!span) continue;
    if (r.check && !r.check(text.slice(span[0], span[1]))) continue;
    push(r.name, span[0], span[1]);
  }
}

/** The regex rules: tokens, then context. */
export const SECRET_RULES: readonly SecretRule[] = [...TOKEN_RULES, ...CONTEXT_RULES];

/** Every rule name `findSecrets` can report. */
export const SECRET_RULE_NAMES: readonly string[] = [
  ...SECRET_RULES.map((r) => r.name),
  ...PROGRAM_RULES.map((r) => r.name),
  ...['assignment', 'cli-flag', 'xml-element', ...NAMED_VALUE_RULES.map((r) => r.name)].flatMap((n) => [
    n,
    `${n}-high-entropy`,
  ]),
];

/** Every secret in `text`, by start offset (longest first); findings may overlap. */
export function findSecrets(text: string): SecretFinding[] {
  const found: SecretFinding[] = [];
  const push: Push = (rule, start, end) => {
    if (end > start) found.push({ rule, start, end });
  };
  for (const r of SECRET_RULES) runRule(r, text, push);
  if (text.includes('=') || text.includes(':')) scanAssignments(text, push);
  if (text.includes('-')) scanFlags(text, push);
  scanNamedValues(text, push);
  scanPrograms(text, push);
  return found.sort((a, b) => a.start - b.start || b.end - a.end);
}

// ---------------------------------------------------------------------------------------------
// The classifier's questions (effects/net.ts).

/** Token formats with a recognisable shape. Global regexes: reset lastIndex or use replace. */
export const SECRET_VALUE_PATTERNS: RegExp[] = TOKEN_RULES.map((r) => r.re);

/** Names that mark the value next to them as secret (`password=`, `X-Api-Key:`, `"token": ...`). */
export const SECRET_NAME =
  /(pass(word|wd|phrase)?|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|auth(orization)?|credential|private[_-]?key|session[_-]?id|client[_-]?secret|sig(nature)?|bearer|cookie)/i;

const SECRET_QUERY_KEY =
  /^(.*[_.-])?(pass(word|wd)?|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|key|auth|credentials?|client[_-]?secret|sig|signature|session(id)?)$/i;

const SECRET_KEY_ANYWHERE =
  /(pass(word|wd|phrase)|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|credential)/i;
const SECRET_KEY_SUFFIX =
  /(^|[_.-])(auth|authorization|pwd|pass|sig|signature|session|session[_-]?id|cookie|key|bearer)$/i;
const LEGACY_NOT_A_SECRET = /^(\d{1,9}|true|false|null|undefined|none|\[REDACTED\])$/i;

/**
 * Is `key` the name of a secret, and `value` plausibly one (not a count, flag or placeholder)? The coarse
 * test the classifier uses; the redactor's finer one is `secretNameKind` plus the value checks.
 */
export function isSecretAssignment(key: string, value: string): boolean {
  const k = key.replace(/^-+/, '');
  return (SECRET_KEY_ANYWHERE.test(k) || SECRET_KEY_SUFFIX.test(k)) && !LEGACY_NOT_A_SECRET.test(value);
}

/** Does `text` hold a token with a recognisable shape (TOKEN_RULES)? */
export function looksLikeSecretValue(text: string): boolean {
  return TOKEN_RULES.some((r) => {
    if (r.hint && !r.hint.some((h) => text.includes(h))) return false;
    r.re.lastIndex = 0;
    let found = false;
    for (let m = r.re.exec(text); m && !found; m = r.re.exec(text)) {
      const span = m.indices?.[r.group ?? 0];
      found = span !== undefined && (!r.check || r.check(text.slice(span[0], span[1])));
    }
    r.re.lastIndex = 0;
    return found;
  });
}

/** Does a URL carry a credential: user:pass@, a secret-named query parameter, or a token-shaped value? */
export function urlCarriesSecret(url: string): boolean {
  if (/^[a-z][a-z0-9+.-]*:\/\/[^/@\s]+:[^/@\s]+@/i.test(url)) return true;
  const q = url.indexOf('?');
  if (q >= 0) {
    for (const pair of url.slice(q + 1).split(/[&#]/)) {
      const [k = '', v = ''] = pair.split('=');
      if (v.length >= 6 && SECRET_QUERY_KEY.test(k) && !/^(true|false|null|\d{1,5})$/i.test(v)) return true;
    }
  }
  return looksLikeSecretValue(url);
}
