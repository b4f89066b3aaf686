import { CamtroveError } from './errors.js';
import { isUrl } from './media-input.js';
import { redactUrl } from './redact.js';

/**
 * What ffmpeg or ffprobe may open to read one input: the protocols (`-protocol_whitelist`) and the
 * demuxers (`-format_whitelist`). ffmpeg hands both down to whatever the input opens in turn, so
 * an input cannot reach further than they say: a "video" that is really an HLS playlist or an
 * ffconcat list (which name other files and URLs) is refused by its demuxer's name, and an input
 * that names another protocol is refused by that one's.
 */
export interface InputAccess {
  protocols: readonly string[];
  formats: readonly string[];
  /** Further input options the access needs (the proxy of HTTP inputs, TCP for RTSP). */
  options?: readonly string[];
}

/**
 * Demuxers of self-contained media: the containers and streams cameras, phones, recorders and
 * editors write, and still images. Left out on purpose: every demuxer that opens something besides
 * its own bytes (hls, dash, concat, imf, sdp, rtsp, rtp, sap), devices and scripting ones, and
 * exotic formats nobody files footage in (less parser code exposed to uploaded bytes).
 */
export const MEDIA_FORMATS: readonly string[] = [
  // containers
  'mov', 'matroska', 'avi', 'mpegts', 'mpeg', 'flv', 'asf', 'ogg', 'mxf', 'dv', 'nut', 'ivf', 'rm', 'wtv', 'dhav', 'yuv4mpegpipe',
  // elementary video streams
  'h264', 'hevc', 'm4v', 'mpegvideo', 'mjpeg', 'av1', 'obu', 'vc1', 'h263', 'cavsvideo',
  // still images and animations
  'image2', 'gif', 'apng', 'jpeg_pipe', 'png_pipe', 'bmp_pipe', 'webp_pipe', 'tiff_pipe', 'jpegxl_pipe', 'gif_pipe', 'ppm_pipe', 'pgm_pipe', 'pbm_pipe', 'pam_pipe', 'qoi_pipe', 'j2k_pipe',
  // audio that comes with footage
  'mp3', 'aac', 'wav', 'flac',
];

/** Local files: the file protocol alone, self-contained media alone. */
export const FILE_ACCESS: InputAccess = { protocols: ['file'], formats: MEDIA_FORMATS };

/** An HLS segment camtrove fetched itself and writes to ffmpeg's stdin: MPEG-TS, or fragmented MP4 after its init segment. */
export const SEGMENT_PIPE_ACCESS: InputAccess = { protocols: ['pipe'], formats: ['mpegts', 'mov'] };

/** RTSP through camtrove's relay: one TCP connection, media interleaved in it (no UDP ports to open). */
export const RTSP_ACCESS: InputAccess = { protocols: ['tcp'], formats: ['rtsp'], options: ['-rtsp_transport', 'tcp'] };

/**
 * HTTP(S) through camtrove's forward proxy, which checks the network policy on every request and
 * every CONNECT, redirects included (ffmpeg follows them itself). HLS is allowed here: its playlists
 * and segments can only be fetched over these same protocols, so through the same proxy.
 */
export function httpAccess(proxyUrl: string): InputAccess {
  return { protocols: ['http', 'https', 'tls', 'tcp', 'httpproxy'], formats: [...MEDIA_FORMATS, 'mpjpeg', 'hls'], options: ['-http_proxy', proxyUrl] };
}

/** The input options that hold ffmpeg to an access; they go right before the input's `-i`. */
export function accessArgs(access: InputAccess): string[] {
  return ['-protocol_whitelist', access.protocols.join(','), '-format_whitelist', access.formats.join(','), ...(access.options ?? [])];
}

/**
 * A local path as ffmpeg should be given it: `file:` first, so that a name with a colon in it
 * (`concat:a|b`, `subfile:…`, `cam1:2024.mp4`) is a file name, never a protocol.
 */
export function fileInput(path: string): string {
  return `file:${path}`;
}

/** How one input is read: the access it gets and the name ffmpeg is given for it. */
export interface InputDecision {
  access: InputAccess;
  input: string;
}

/** Local files only: what reads library blobs and users' files. A URL here is a mistake and refused. */
export function localFileOnly(input: string): InputDecision {
  if (isUrl(input)) throw new CamtroveError('CAMTROVE_ERR_INVALID_PARAMS', `${redactUrl(input)}: only local files are read here; network addresses go through the network policy (camtrove segment <url>)`);
  return { access: FILE_ACCESS, input: fileInput(input) };
}

/**
 * The command line with every input (`-i X`, ffmpeg's and ffprobe's) held to the access `decide`
 * gives it: its whitelists and options put right before its `-i`, and X renamed as decided.
 */
export function guardInputs(args: readonly string[], decide: (input: string) => InputDecision): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i += 1) {
    if (args[i] === '-i' && i + 1 < args.length) {
      const { access, input } = decide(args[i + 1]!);
      out.push(...accessArgs(access), '-i', input);
      i += 1;
    } else {
      out.push(args[i]!);
    }
  }
  return out;
}

/**
 * What ffmpeg's stderr says when an access refused something, in words for the user, or null:
 * a demuxer left out ("Format not on whitelist") or a protocol left out ("Protocol 'x' not on whitelist").
 */
export function accessRefusal(stderr: readonly string[]): string | null {
  for (const line of stderr) {
    const format = /\[([\w,]+) @ [^\]]*\](?: \[\w+\])? Format not on whitelist/.exec(line);
    if (format) {
      const name = format[1]!;
      const refers = REFERRING_FORMATS[name];
      return refers
        ? `it is ${refers}, which makes ffmpeg read other files or addresses; camtrove reads only self-contained media here`
        : `its format (${name}) is not one camtrove reads`;
    }
    const protocol = /Protocol '([\w+-]+)' not on whitelist/.exec(line);
    if (protocol) return `it would make ffmpeg open a ${protocol[1]} address, which camtrove does not let it follow from here`;
  }
  return null;
}

/** Demuxers that name other files or addresses, as users know them. */
const REFERRING_FORMATS: Record<string, string> = { hls: 'an HLS playlist', concat: 'an ffconcat list', dash: 'a DASH manifest', sdp: 'an SDP description', imf: 'an IMF composition', rtsp: 'an RTSP address', sap: 'a SAP announcement' };
