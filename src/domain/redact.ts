/**
 * Query parameters whose values are secrets: passwords (`pwd=`, `password=`, `passwd=`), tokens
 * (`token=`, `auth_token=`, `access_token=`), keys (`key=`, `api_key=`, `apiKey=`), signatures
 * (`sig=`, `X-Amz-Signature=`), session ids. Matched on the name's words, so `auth_token` and
 * `X-Amz-Credential` are caught while `keyframe` is not. A user name is not a secret: it stays, as
 * it does in `user:***@host`.
 */
const SECRET_WORDS = new Set(['pass', 'password', 'passwd', 'passphrase', 'pwd', 'pw', 'token', 'secret', 'key', 'apikey', 'auth', 'authorization', 'signature', 'sig', 'credential', 'credentials', 'session', 'sessionid', 'sid', 'jwt', 'otp']);
/** Names written as one word that end in a secret word: `apiKey`, `accesstoken`, `userpwd`, `clientSecret`. */
const SECRET_SUFFIX = /(?:pass|password|passwd|pwd|token|secret|key|signature|credential|sessionid)$/i;

export function isSecretParam(name: string): boolean {
  const words = name.toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);
  return words.some((word) => SECRET_WORDS.has(word)) || SECRET_SUFFIX.test(name.replace(/[^a-z0-9]/gi, ''));
}

/**
 * Hides credentials in a URL or request path: the password of `user:pass@host` and the values of
 * secret query parameters (see isSecretParam). Anything that is not a URL is returned with
 * `user:pass@` hidden. Used on every way a stored address goes out (API, CLI, logs, errors); the
 * store keeps the address whole.
 */
export function redactUrl(value: string): string {
  const withoutUserinfo = value.replace(/(\/\/[^/@\s:]*):[^/@\s]*@/g, '$1:***@');
  const queryStart = withoutUserinfo.indexOf('?');
  if (queryStart === -1) return withoutUserinfo;
  const head = withoutUserinfo.slice(0, queryStart + 1);
  const [query = '', fragment] = splitOnce(withoutUserinfo.slice(queryStart + 1), '#');
  const redacted = query
    .split(/([&;])/)
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq === -1) return pair;
      return isSecretParam(decodeURIComponentSafe(pair.slice(0, eq))) ? `${pair.slice(0, eq)}=***` : pair;
    })
    .join('');
  return head + redacted + (fragment === undefined ? '' : `#${fragment}`);
}

/** Redacts every argument of a command line (ffmpeg inputs can be camera URLs with passwords). */
export function redactArgs(args: readonly string[]): string[] {
  return args.map(redactUrl);
}

/** Redacts every URL inside a free text (an error message, a program's output line). */
export function redactText(text: string): string {
  // A URL ends before white space or quotes, and punctuation after it ("…/a.ts: Server returned 404") is not its own.
  return text.replace(/\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>]*[^\s"'<>:,.;)\]]/gi, redactUrl);
}

function splitOnce(value: string, separator: string): [string, string | undefined] {
  const at = value.indexOf(separator);
  return at === -1 ? [value, undefined] : [value.slice(0, at), value.slice(at + 1)];
}

function decodeURIComponentSafe(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/**
 * Log fields pino replaces with `***`. Plugins log request headers under keys of their own (the
 * multipart plugin logs `busboyOptions.headers` at trace level), hence the wildcard.
 */
export const LOG_REDACT_PATHS = ['req.headers.authorization', 'headers.authorization', '*.headers.authorization', '*.password', '*.token'];
