/** Query parameters whose values are secrets and never appear in logs. */
const SECRET_PARAMS = /^(token|access_token|auth|password|passwd|pass|secret|key|api_key|apikey|signature|sig)$/i;

/**
 * Hides credentials in a URL or request path: the password of `user:pass@host` and the values of
 * secret-looking query parameters. Anything that is not a URL is returned with `user:pass@` hidden.
 */
export function redactUrl(value: string): string {
  const withoutUserinfo = value.replace(/(\/\/[^/@\s:]*):[^/@\s]*@/g, '$1:***@');
  const queryStart = withoutUserinfo.indexOf('?');
  if (queryStart === -1) return withoutUserinfo;
  const head = withoutUserinfo.slice(0, queryStart + 1);
  const query = withoutUserinfo
    .slice(queryStart + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq === -1) return pair;
      return SECRET_PARAMS.test(decodeURIComponentSafe(pair.slice(0, eq))) ? `${pair.slice(0, eq)}=***` : pair;
    })
    .join('&');
  return head + query;
}

/** Redacts every argument of a command line (ffmpeg inputs can be camera URLs with passwords). */
export function redactArgs(args: readonly string[]): string[] {
  return args.map(redactUrl);
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
