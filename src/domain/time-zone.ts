/** Whether `zone` is an IANA time zone name this runtime knows (Europe/Paris, America/Chicago, UTC). */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
