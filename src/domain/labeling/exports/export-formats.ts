import type { Exporter } from '../export-source.js';
import { cocoExport } from './coco.js';
import { cvatVideoExport } from './cvat-video.js';
import { motExport } from './mot.js';
import { yoloV8Export } from './yolo-v8.js';

/** The label export formats by the name an export request gives. */
export const LABEL_EXPORT_FORMATS = {
  cvat_video: cvatVideoExport,
  mot: motExport,
  yolo_v8: yoloV8Export,
  coco: cocoExport,
} as const satisfies Record<string, Exporter>;

export type LabelExportFormat = keyof typeof LABEL_EXPORT_FORMATS;

export function isLabelExportFormat(name: string): name is LabelExportFormat {
  return Object.hasOwn(LABEL_EXPORT_FORMATS, name);
}
