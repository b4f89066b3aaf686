/**
 * Names stored in one column as ",a,b,": a name matches with LIKE '%,a,%'. For names without
 * commas (colour names, zone names).
 */
export function nameList(names: readonly string[]): string {
  return names.length === 0 ? ',' : `,${[...new Set(names)].join(',')},`;
}

/** The LIKE pattern that finds `name` in a name list (with `\` escaping LIKE's wildcards). */
export function nameListPattern(name: string): string {
  return `%,${name.replace(/[\\%_]/g, (c) => `\\${c}`)},%`;
}
