/** What `camtrove import --json` prints (see docs/import.md). */
export interface ImportJson {
  job_id: string;
  imported: number;
  already_imported: number;
  duplicates: number;
  skipped: number;
  failed: number;
  errors: { path: string; reason: string }[];
  segmentations: number;
  interrupted: boolean;
}
