import { sql, type Kysely } from 'kysely';

// Landed migrations are never edited: add a new dated file instead.
export async function up(db: Kysely<unknown>): Promise<void> {
  // What event searches filter and sort on, as columns (the rest stays in `data`):
  // at_ms: the event's start in epoch ms when its media has a capture time, else when the event
  // was recorded, so every event has a place in time order; duration_s; direction_deg (0 = up,
  // clockwise; null when it did not travel); speed (frame widths per second).
  await db.schema.alterTable('events').addColumn('at_ms', 'bigint', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('events').addColumn('duration_s', 'double precision', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('events').addColumn('direction_deg', 'double precision').execute();
  await db.schema.alterTable('events').addColumn('speed', 'double precision', (c) => c.notNull().defaultTo(0)).execute();
  // The names of its dominant colours and of the zones it touched, as ",red,white," (matched with
  // LIKE '%,red,%'; colour and zone names have no commas).
  await db.schema.alterTable('events').addColumn('colors', 'text', (c) => c.notNull().defaultTo(',')).execute();
  await db.schema.alterTable('events').addColumn('zones', 'text', (c) => c.notNull().defaultTo(',')).execute();
  // Where in the frame it moved, for searches by region: the 16 × 16 heatmap as bits, two rows per
  // column (heat0: rows 0 and 1, …), bit 16 × (row % 2) + column set where the cell moved at all.
  for (let k = 0; k < 8; k += 1) await db.schema.alterTable('events').addColumn(`heat${k}`, 'bigint', (c) => c.notNull().defaultTo(0)).execute();

  // Existing events: from their columns and their JSON, in batches.
  const events = db as Kysely<{ events: { id: string; started_at: number | null; created_at: number; start_s: number; end_s: number; data: string } }>;
  let after = '';
  for (;;) {
    const rows = await events.selectFrom('events').select(['id', 'started_at', 'created_at', 'start_s', 'end_s', 'data']).where('id', '>', after).orderBy('id').limit(500).execute();
    if (rows.length === 0) break;
    for (const row of rows) {
      const data = JSON.parse(row.data) as { motion?: { directionDeg?: number | null; speed?: number; zones?: string[]; heatmap?: number[] }; colors?: { name: string }[] };
      const motion = data.motion ?? {};
      const colors = nameList((data.colors ?? []).map((c) => c.name));
      const heat = heatBits(motion.heatmap ?? []);
      await sql`UPDATE events SET at_ms = ${Number(row.started_at ?? row.created_at)}, duration_s = ${row.end_s - row.start_s}, direction_deg = ${motion.directionDeg ?? null}, speed = ${motion.speed ?? 0}, colors = ${colors}, zones = ${nameList(motion.zones ?? [])},
        heat0 = ${heat[0]}, heat1 = ${heat[1]}, heat2 = ${heat[2]}, heat3 = ${heat[3]}, heat4 = ${heat[4]}, heat5 = ${heat[5]}, heat6 = ${heat[6]}, heat7 = ${heat[7]} WHERE id = ${row.id}`.execute(db);
    }
    after = rows.at(-1)!.id;
  }

  // Labels people, analyses and import hooks put on events: one per name and event.
  await db.schema
    .createTable('event_labels')
    .addColumn('event_id', 'varchar(32)', (c) => c.notNull())
    .addColumn('name', 'varchar(100)', (c) => c.notNull())
    .addColumn('score', 'double precision')
    .addColumn('source', 'varchar(100)', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('event_labels_pk', ['event_id', 'name'])
    .execute();
  await db.schema.createIndex('event_labels_name').on('event_labels').columns(['name', 'event_id']).execute();

  // Keyset pages in time order, overall and per camera, and by score.
  await db.schema.createIndex('events_at').on('events').columns(['at_ms', 'id']).execute();
  await db.schema.createIndex('events_camera_at').on('events').columns(['camera_id', 'at_ms', 'id']).execute();
  await db.schema.createIndex('events_score').on('events').columns(['score', 'id']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('event_labels').execute();
  for (const index of ['events_at', 'events_camera_at', 'events_score']) await db.schema.dropIndex(index).execute();
  for (const column of ['at_ms', 'duration_s', 'direction_deg', 'speed', 'colors', 'zones', ...Array.from({ length: 8 }, (_, k) => `heat${k}`)]) await db.schema.alterTable('events').dropColumn(column).execute();
}

// Kept here rather than imported: a migration must do the same thing forever.

function heatBits(heatmap: readonly number[]): number[] {
  const words = new Array<number>(8).fill(0);
  heatmap.forEach((value, cell) => {
    if (value > 0 && cell < 256) words[cell >> 5] = (words[cell >> 5]! + 2 ** (cell & 31));
  });
  return words;
}

function nameList(names: readonly string[]): string {
  return names.length === 0 ? ',' : `,${[...new Set(names)].join(',')},`;
}
