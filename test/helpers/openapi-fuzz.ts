/**
 * Requests generated from an OpenAPI document for fuzzing: for each operation, values that fit its
 * parameter and body schemas, then broken on purpose (wrong types, missing and extra fields, huge
 * and hostile values, malformed bodies and content types). Seeded, so a failure reproduces.
 */

export interface Schema {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  enum?: unknown[];
  const?: unknown;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  maxItems?: number;
  format?: string;
}

interface Parameter {
  in: 'path' | 'query' | 'header' | 'cookie';
  name: string;
  required?: boolean;
  schema?: Schema;
}

export interface Operation {
  method: string;
  path: string;
  parameters: Parameter[];
  bodySchema: Schema | null;
}

export interface FuzzRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string | Buffer;
  /** What was generated, for the failure message. */
  note: string;
}

/** Every operation of an OpenAPI 3 document. */
export function operationsOf(document: { paths?: Record<string, Record<string, { parameters?: Parameter[]; requestBody?: { content?: Record<string, { schema?: Schema }> } }>> }): Operation[] {
  const operations: Operation[] = [];
  for (const [path, methods] of Object.entries(document.paths ?? {})) {
    for (const [method, operation] of Object.entries(methods)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      operations.push({ method: method.toUpperCase(), path, parameters: operation.parameters ?? [], bodySchema: operation.requestBody?.content?.['application/json']?.schema ?? null });
    }
  }
  return operations;
}

/** Known values of the library the requests are sent to: ids that exist make deeper paths reachable. */
export interface FuzzContext {
  ids: string[];
  lockHolder: string;
}

const HOSTILE_TEXT = [
  '', ' ', '0', '-1', '0x10', '1e3', '1e999', '-0', '9007199254740993', 'NaN', 'Infinity', 'null', 'true', 'undefined', '[object Object]',
  '%', '%00', '%zz', '%E0%A4%A', '..', '../../etc/passwd', '..\\..\\', '/', '//', '\\', '\u0000', '\ud800', '😀', '\u202egnp.exe', 'ü', 'Ω≈ç√',
  "' OR 1=1 --", '"; DROP TABLE files; --', '<script>alert(1)</script>', '${jndi:ldap://x}', '{{7*7}}', '\r\nX-Injected: 1', '__proto__', 'constructor',
  'a,b,,c', '2026-13-45T25:61:61Z', '2026-02-31', '45-', 'N,S', '0.5,0.5,0.9,0.9', 'time', '-time', 'score',
];

const HOSTILE_SEGMENTS = ['..', '.', '%2e%2e', '%2F', 'a%2Fb', '%00', 'a%00b', '%', '%E0%A4%A', '%C0%AF', '%252e', 'ü', '%F0%9F%98%80', '~', 'a;b', 'a?b=', '%20', '+', '-'];

/** Percent-encoding that also takes lone surrogates, as the bytes a broken client would send (not UTF-8). */
function encode(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return '%ED%A0%80';
  }
}

export class RequestGenerator {
  constructor(
    private readonly random: () => number,
    private readonly context: FuzzContext,
  ) {}

  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)]!;
  }

  private chance(p: number): boolean {
    return this.random() < p;
  }

  private int(min: number, max: number): number {
    return min + Math.floor(this.random() * (max - min + 1));
  }

  /** A value that fits the schema (mostly: formats and patterns are not honoured). */
  valid(schema: Schema | undefined, depth = 0): unknown {
    if (!schema || depth > 6) return null;
    if (schema.const !== undefined) return schema.const;
    if (schema.enum) return this.pick(schema.enum);
    const branches = schema.anyOf ?? schema.oneOf;
    if (branches) return this.valid(this.pick(branches), depth + 1);
    const type = Array.isArray(schema.type) ? this.pick(schema.type) : schema.type;
    switch (type) {
      case 'integer':
      case 'number': {
        const min = schema.minimum ?? -1000;
        const max = schema.maximum ?? 100_000;
        const value = this.chance(0.5) ? this.int(Math.ceil(Math.max(min, -1e6)), Math.floor(Math.min(max, 1e6))) : min + this.random() * (Math.min(max, 1e6) - min);
        return type === 'integer' ? Math.round(value) : value;
      }
      case 'boolean':
        return this.chance(0.5);
      case 'null':
        return null;
      case 'string':
        if (schema.format === 'date-time') return new Date(this.int(0, 2_000_000_000) * 1000).toISOString();
        return this.chance(0.3) ? this.pick(this.context.ids) : this.word(schema.minLength ?? 1, Math.min(schema.maxLength ?? 24, 64));
      case 'array':
        return Array.from({ length: this.int(0, Math.min(schema.maxItems ?? 3, 3)) }, () => this.valid(schema.items, depth + 1));
      case 'object':
      default: {
        const object: Record<string, unknown> = {};
        for (const [name, property] of Object.entries(schema.properties ?? {})) {
          if (schema.required?.includes(name) || this.chance(0.5)) object[name] = this.valid(property, depth + 1);
        }
        return object;
      }
    }
  }

  private word(min: number, max: number): string {
    const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789-_.';
    return Array.from({ length: this.int(Math.max(min, 1), Math.max(max, min, 1)) }, () => this.pick([...alphabet])).join('');
  }

  /** Any value at all, of any type, often nasty. */
  hostile(depth = 0): unknown {
    switch (this.int(0, 9)) {
      case 0:
        return this.pick(HOSTILE_TEXT);
      case 1:
        return this.pick([0, -1, 1.5, 1e308, -1e308, 2 ** 53 + 2, -(2 ** 31), 4294967296, 5e-324]);
      case 2:
        return this.chance(0.5);
      case 3:
        return null;
      case 4:
        return 'x'.repeat(this.pick([256, 4097, 70_000]));
      case 5:
        return depth < 3 ? [this.hostile(depth + 1), this.hostile(depth + 1)] : [];
      case 6:
        return depth < 3 ? { [this.pick(HOSTILE_TEXT)]: this.hostile(depth + 1), __proto__x: 1 } : {};
      case 7:
        return this.pick(this.context.ids);
      case 8:
        return String.fromCodePoint(...Array.from({ length: this.int(1, 40) }, () => this.pick([0x41, 0xe9, 0x4e2d, 0x1f600, 0x202e, 0x200b, 0xfeff, 0x7f])));
      default:
        return this.pick(HOSTILE_TEXT) + this.pick(HOSTILE_TEXT);
    }
  }

  /** The valid value, broken in one way (or left alone a fifth of the time). */
  private mutate(value: unknown, schema: Schema | null): unknown {
    if (this.chance(0.2)) return value;
    if (value !== null && typeof value === 'object' && !Array.isArray(value) && this.chance(0.6)) {
      const object = { ...(value as Record<string, unknown>) };
      const keys = Object.keys(object);
      const action = this.int(0, 3);
      if (action === 0 && keys.length > 0) delete object[this.pick(keys)];
      else if (action === 1 && keys.length > 0) object[this.pick(keys)] = this.hostile();
      else if (action === 2) object[this.pick(['extra', '__proto__', 'constructor', ...keys, ...Object.keys(schema?.properties ?? {})])] = this.hostile();
      else if (keys.length > 0) object[this.pick(keys)] = this.mutate(object[this.pick(keys)], null);
      return object;
    }
    return this.hostile();
  }

  /** A path segment: a known id, a fitting value, or something hostile (raw, so it may break the path). */
  private segment(parameter: Parameter): string {
    const roll = this.random();
    if (roll < 0.35) return encode(this.pick(this.context.ids));
    if (roll < 0.55) return encode(String(this.valid(parameter.schema)));
    if (roll < 0.8) return this.pick(HOSTILE_SEGMENTS);
    if (roll < 0.96) return encode(String(this.hostile()));
    return 'a'.repeat(this.pick([65, 200, 1300, 9000]));
  }

  private queryValue(parameter: Parameter): string {
    const roll = this.random();
    if (roll < 0.4) return encode(String(this.valid(parameter.schema)));
    if (roll < 0.8) return encode(String(this.hostile()));
    return this.pick(['%', '%zz', '%E0%A4%A', '&', '=', '%00', '+', 'a&b=c']);
  }

  /** One request for the operation. */
  request(operation: Operation): FuzzRequest {
    const notes: string[] = [];
    let path = operation.path;
    for (const parameter of operation.parameters.filter((p) => p.in === 'path')) {
      const value = this.chance(0.03) ? '' : this.segment(parameter);
      path = path.replace(`{${parameter.name}}`, value);
    }
    const query: string[] = [];
    for (const parameter of operation.parameters.filter((p) => p.in === 'query')) {
      if (!this.chance(parameter.required ? 0.85 : 0.4)) continue;
      const times = this.chance(0.1) ? 2 : 1;
      for (let i = 0; i < times; i += 1) query.push(`${parameter.name}=${this.queryValue(parameter)}`);
    }
    if (this.chance(0.15)) query.push(`${encode(String(this.hostile()))}=${encode(String(this.hostile()))}`);
    if (this.chance(0.03)) query.push('x'.repeat(9000));
    const headers: Record<string, string> = {};
    for (const parameter of operation.parameters.filter((p) => p.in === 'header')) {
      if (this.chance(0.7)) headers[parameter.name] = this.chance(0.6) ? this.context.lockHolder : this.latin1(String(this.hostile()));
    }
    if (operation.path.startsWith('/api/files/') && this.chance(0.3)) headers.range = this.pick(['bytes=0-', 'bytes=-1', 'bytes=5-2', 'bytes=0-0,5-9', 'bytes=99999999999999999999-', 'items=0-1', 'bytes=-', 'bytes=1e3-']);
    if (this.chance(0.05)) headers['x-request-id'] = this.latin1(String(this.hostile()));
    const body = this.body(operation, headers);
    notes.push(body.note);
    const url = query.length > 0 ? `${path}?${query.join('&')}` : path;
    return { method: operation.method, url, headers, payload: body.payload, note: notes.filter(Boolean).join('; ') };
  }

  /** Header values must be latin1 to be sent at all. */
  private latin1(text: string): string {
    return text.replace(/[^\x20-\x7e]/g, '?').slice(0, 2000);
  }

  private body(operation: Operation, headers: Record<string, string>): { payload?: string | Buffer; note: string } {
    const takesBody = ['POST', 'PUT', 'PATCH'].includes(operation.method);
    if (!takesBody && !this.chance(0.05)) return { note: '' };
    const roll = this.random();
    if (roll < 0.45) {
      headers['content-type'] = 'application/json';
      const value = this.mutate(this.valid(operation.bodySchema ?? {}), operation.bodySchema);
      return { payload: JSON.stringify(value) ?? 'null', note: 'json' };
    }
    if (roll < 0.6) {
      headers['content-type'] = this.pick(['application/json', 'application/json; charset=utf-8']);
      const text = JSON.stringify(this.valid(operation.bodySchema ?? {})) ?? '{}';
      const broken = [
        text.slice(0, Math.max(1, Math.floor(text.length / 2))),
        `${text}}`,
        `${text} trailing`,
        '{"__proto__":{"polluted":1}}',
        '{"constructor":{"prototype":{"polluted":1}}}',
        '['.repeat(70) + ']'.repeat(70),
        '{"a":'.repeat(3000) + '1' + '}'.repeat(3000),
        '',
        '\ufeff{}',
        "{'single': 'quotes'}",
        '{"a":1,"a":2}',
        'NaN',
        '"just a string"',
        '123456789012345678901234567890',
      ];
      return { payload: this.pick(broken), note: 'malformed json' };
    }
    if (roll < 0.75) {
      const boundary = `fuzz${this.int(0, 1e9)}`;
      headers['content-type'] = this.chance(0.85) ? `multipart/form-data; boundary=${boundary}` : this.pick(['multipart/form-data', `multipart/form-data; boundary=${'b'.repeat(300)}`, 'multipart/mixed; boundary=x']);
      const field = this.pick(['file', 'analysis', 'file_id', 'time', '__proto__', 'x']);
      const filename = this.chance(0.6) ? `; filename="${this.latin1(String(this.hostile())).replace(/"/g, '')}"` : '';
      const part = `--${boundary}\r\nContent-Disposition: form-data; name="${field}"${filename}\r\nContent-Type: ${this.pick(['video/mp4', 'text/html', 'application/json', 'image/svg+xml'])}\r\n\r\n${String(this.hostile()).slice(0, 5000)}`;
      const ending = this.pick([`\r\n--${boundary}--\r\n`, '', `\r\n--${boundary}`, '\r\n--other--\r\n']);
      return { payload: part + ending, note: `multipart (${ending ? 'ended' : 'truncated'})` };
    }
    if (roll < 0.9) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      const fields = Object.keys(operation.bodySchema?.properties ?? { analysis: {}, time: {} });
      return { payload: fields.map((f) => `${f}=${encode(String(this.chance(0.5) ? this.valid(operation.bodySchema?.properties?.[f]) : this.hostile()))}`).join('&') + (this.chance(0.2) ? '&%zz=%' : ''), note: 'urlencoded' };
    }
    const type = this.pick(['text/plain', 'application/xml', 'text/csv', 'application/octet-stream', '', 'application/json; charset=latin1', 'foo', '/;;', 'application/json, text/plain']);
    if (type) headers['content-type'] = type;
    return { payload: type === 'text/csv' ? 'id,type,snapshot_url\n"unclosed,snapshot,http://x\n' : String(this.hostile()), note: `content type ${JSON.stringify(type)}` };
  }
}
