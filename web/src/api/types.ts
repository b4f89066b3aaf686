// The answers of the REST routes the web app reads, as the OpenAPI document describes them (the
// fields it uses; operations.ts lists them, and a test checks them against the document).

export interface Page {
  next: string | null;
}

export interface LibraryFile {
  file_id: string;
  name: string;
  size: number;
  content_type: string;
  created_at: string;
}

export interface FilePage extends Page {
  files: LibraryFile[];
}

export interface FileUsage {
  file_id: string;
  name: string;
  /** alone: nothing uses it; cascade: its users go with it; refused: remedy says what to do first. */
  deletion: 'alone' | 'cascade' | 'refused';
  remedy: string | null;
  description: string;
}

export interface LibrarySummary {
  files: { count: number; bytes: number };
}

export type AnalysisState = 'PENDING' | 'STARTED' | 'SUCCESS' | 'FAILURE' | 'CANCELLED';

export interface Analysis {
  analysis_id: string;
  file_id: string | null;
  analysis: string;
  model: string | null;
  params: Record<string, unknown>;
  state: AnalysisState;
  progress: number;
  attempts: number;
  error: { code: string; message: string } | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

export interface AnalysisPage extends Page {
  analyses: Analysis[];
}

export interface Camera {
  id: string;
  name?: string;
  enabled: boolean;
  health?: { consecutive_failures: number; last_success_at: string | null; last_error: string | null } | null;
}

export interface CameraPage extends Page {
  cameras: Camera[];
}

/** A motion event as a search lists it (the route declares only its id; the rest is described in prose). */
export interface MotionEvent {
  id: string;
  camera_id?: string | null;
  camera_name?: string | null;
  started_at?: string | null;
  start?: number;
  duration?: number;
  score?: number;
}

export interface EventPage extends Page {
  events: MotionEvent[];
}

export type ImportStatus = 'shards_missing' | 'processing' | 'complete' | 'complete_with_failures';

export interface ImportJob {
  job_id: string;
  created: string;
  item_count: number;
  status: ImportStatus;
}

export interface ImportJobPage extends Page {
  jobs: ImportJob[];
}
