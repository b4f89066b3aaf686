import AjvCompiler from '@fastify/ajv-compiler';
import SerializerCompiler from '@fastify/fast-json-stringify-compiler';

// Fastify compiles every route's validators (Ajv) and serializers (fast-json-stringify) when the
// app is built: about 0.6 s of CPU for camtrove's routes, paid by every CLI command that serves a
// local library to itself to answer a request or two. These factories keep Fastify's own compilers
// and options but compile a schema on its first use.

type BuildValidator = ReturnType<typeof AjvCompiler>;
type BuildSerializer = ReturnType<typeof SerializerCompiler>;
type Validate = ((data: unknown, context?: unknown) => unknown) & { errors?: unknown; schemaEnv?: unknown };
type Serialize = (data: unknown) => string;

/** `compile` run once, on the first call. */
function onFirstUse<T>(compile: () => T): () => T {
  let compiled: T | undefined;
  return () => (compiled ??= compile());
}

export function lazySchemaCompilers(): { buildValidator: BuildValidator; buildSerializer: BuildSerializer } {
  const buildAjv = AjvCompiler() as unknown as (schemas: unknown, options: unknown) => (route: unknown) => Validate;
  const buildFastJson = SerializerCompiler() as unknown as (schemas: unknown, options: unknown) => (route: unknown) => Serialize;

  const buildValidator = (externalSchemas: unknown, ajvOptions: unknown) => {
    const compiler = onFirstUse(() => buildAjv(externalSchemas, ajvOptions));
    return (route: unknown) => {
      const compiled = onFirstUse(() => compiler()(route));
      const validate: Validate = (data, context) => {
        const fn = compiled();
        const valid = fn(data, context);
        validate.errors = fn.errors;
        return valid;
      };
      // Fastify reads schemaEnv before validating, to let Ajv coerce a root value in place.
      Object.defineProperty(validate, 'schemaEnv', { get: () => compiled().schemaEnv });
      return validate;
    };
  };

  const buildSerializer = (externalSchemas: unknown, serializerOptions: unknown) => {
    const compiler = onFirstUse(() => buildFastJson(externalSchemas, serializerOptions));
    return (route: unknown) => {
      const compiled = onFirstUse(() => compiler()(route));
      return (data: unknown) => compiled()(data);
    };
  };

  return { buildValidator: buildValidator as unknown as BuildValidator, buildSerializer };
}
