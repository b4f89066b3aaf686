/**
 * Kysely table types. Times are epoch milliseconds (bigint on PostgreSQL, integer on SQLite) so
 * that comparisons in the queue are plain numbers on both; JSON columns are text.
 */
export interface FilesTable {
  id: string;
  size: number;
  name: string;
  content_type: string;
  created_at: number;
}

export interface AnalysesTable {
  id: string;
  file_id: string | null;
  analysis: string;
  model: string | null;
  params: string;
  state: string;
  progress: number;
  result: string | null;
  error_code: string | null;
  error_message: string | null;
  attempts: number;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  updated_at: number;
}

export interface JobsTable {
  id: string;
  name: string;
  payload: string;
  state: string;
  attempts: number;
  max_attempts: number;
  run_at: number;
  lease_owner: string | null;
  lease_until: number | null;
  cancel_requested: number;
  last_error: string | null;
  created_at: number;
  finished_at: number | null;
}

export interface TokensTable {
  id: string;
  name: string;
  hash: string;
  created_at: number;
  last_used_at: number | null;
}

export interface Database {
  files: FilesTable;
  analyses: AnalysesTable;
  jobs: JobsTable;
  tokens: TokensTable;
}
