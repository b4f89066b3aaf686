import { randomBytes } from 'node:crypto';
import { createServer, isIP, type AddressInfo, type Server, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { CameraCredentials } from '../../domain/cameras/camera.js';
import { basicAuthorization, digestAuthorization, parseDigestChallenge, type DigestChallenge } from '../../domain/cameras/http-auth.js';
import { urlHost } from '../../domain/cameras/network-url.js';
import { headerOf, headersOf, requestOf, RtspFramer, serializeMessage, statusOf, withHeader, withUri, type RtspMessage, type RtspUnit } from '../../domain/cameras/rtsp-messages.js';
import { CamtroveError } from '../../domain/errors.js';
import { redactUrl } from '../../domain/redact.js';
import type { NetworkPolicy } from './network-policy.js';

export interface RtspRelayOptions {
  /** The camera's address (no credentials in it). */
  url: string;
  credentials: CameraCredentials | null;
  policy: NetworkPolicy;
  /** How long connecting to the camera may take. */
  timeoutMs: number;
}

/** A request sent on, kept until its answer: a 401 is answered here, once, with the credentials. */
interface Pending {
  clientCseq: string | undefined;
  request: RtspMessage;
  retried: boolean;
}

/**
 * A relay on 127.0.0.1 between ffmpeg and an RTSP camera. ffmpeg's RTSP client follows 3xx replies
 * to wherever they point, so no check made before it starts can hold; through the relay it
 * connects only here, and the relay connects to the camera's address as the network policy checked
 * it (from the same lookup), and ends the session at any redirect. It answers the camera's auth
 * challenges itself: the credentials never reach ffmpeg's command line, where other users of the
 * machine could read them. Connections must name the relay's random path first, so another local
 * program cannot use the relay (and its credentials) while it is open.
 *
 * Request URIs under the relay's address are rewritten to the camera's (the digest is computed on
 * the rewritten one); everything else passes as it is: absolute control URLs in the SDP name the
 * camera, and ffmpeg sends them down this same connection. rtsps cameras are reached over TLS
 * without certificate checks, as ffmpeg did (cameras present self-signed certificates).
 */
export class RtspRelay {
  private refused: CamtroveError | null = null;
  private readonly sockets = new Set<Socket>();
  private digest: { challenge: DigestChallenge; nc: number } | null = null;
  private basic = false;

  private constructor(
    private readonly server: Server,
    private readonly options: RtspRelayOptions,
    /** rtsp://127.0.0.1:PORT/TOKEN: what ffmpeg's request URIs start with. */
    private readonly base: string,
    /** rtsp://host:port of the camera: what they are rewritten to. */
    private readonly cameraBase: string,
    /** The relay's address for the camera's URL: what ffmpeg is given. */
    readonly url: string,
  ) {}

  static async start(options: RtspRelayOptions): Promise<RtspRelay> {
    const camera = new URL(options.url);
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const base = `rtsp://127.0.0.1:${(server.address() as AddressInfo).port}/${randomBytes(16).toString('hex')}`;
    const relay = new RtspRelay(server, options, base, `${camera.protocol}//${camera.host}`, `${base}${camera.pathname}${camera.search}`);
    server.on('connection', (socket) => relay.accept(socket));
    return relay;
  }

  /** What the relay refused or could not do (a redirect, an address outside the policy, no connection), to report instead of ffmpeg's view of it. */
  failure(): CamtroveError | null {
    return this.refused;
  }

  /** `error` with the relay's address put back as the camera's (ffmpeg's messages name the address it was given). */
  explain(error: unknown): unknown {
    if (this.refused) return this.refused;
    if (error instanceof CamtroveError && error.message.includes(this.base)) return new CamtroveError(error.code, error.message.split(this.url).join(this.shown).split(this.base).join(this.shown), { cause: error.cause });
    return error;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private get shown(): string {
    return redactUrl(this.options.url);
  }

  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
  }

  private fail(error: CamtroveError, ...sockets: (Socket | null)[]): void {
    this.refused ??= error;
    for (const socket of sockets) socket?.destroy();
  }

  private accept(client: Socket): void {
    this.track(client);
    client.on('error', () => client.destroy());
    const fromClient = new RtspFramer();
    const fromCamera = new RtspFramer();
    const pending = new Map<string, Pending>();
    let camera: Socket | null = null;
    let opened = false;
    const queued: RtspUnit[] = [];
    let cseq = 0;

    const sendRequest = (request: RtspMessage, clientCseq: string | undefined, retried: boolean) => {
      cseq += 1;
      const key = String(cseq);
      pending.set(key, { clientCseq, request, retried });
      const target = requestOf(request)!;
      const authorization = this.authorization(target.method, target.uri);
      camera!.write(serializeMessage(withHeader(withHeader(request, 'CSeq', key), 'Authorization', authorization)));
    };

    const toCamera = (unit: RtspUnit) => {
      if (unit.kind === 'interleaved') return void camera!.write(unit.frame);
      const request = requestOf(unit);
      // A reply to a request of the camera's own (rare): as it is.
      if (!request) return void camera!.write(serializeMessage(unit));
      const uri = this.underRelay(request.uri) ? this.cameraBase + request.uri.slice(this.base.length) : request.uri;
      sendRequest(withHeader(withUri(unit, uri), 'Authorization', null), headerOf(unit, 'cseq'), false);
    };

    const toClient = (unit: RtspUnit) => {
      if (unit.kind === 'interleaved') return void client.write(unit.frame);
      const status = statusOf(unit);
      if (status === null) return void client.write(serializeMessage(unit));
      if (status >= 300 && status < 400) {
        const location = headerOf(unit, 'location');
        const where = location ? ` to ${redactUrl(location)}` : '';
        return this.fail(new CamtroveError('CAMTROVE_ERR_CAMERA_BAD_RESPONSE', `${this.shown}: the camera redirects (RTSP ${status})${where}; camtrove does not follow RTSP redirects, which could lead past CAMTROVE_CAMERA_NETWORKS: register the camera at the address it names`), client, camera);
      }
      const key = headerOf(unit, 'cseq') ?? '';
      const sent = pending.get(key);
      pending.delete(key);
      if (status === 401 && sent && !sent.retried && this.learnChallenge(headersOf(unit, 'www-authenticate'))) return sendRequest(sent.request, sent.clientCseq, true);
      client.write(serializeMessage(sent ? withHeader(unit, 'CSeq', sent.clientCseq ?? key) : unit));
    };

    const openCamera = async () => {
      const target = new URL(this.options.url);
      const host = urlHost(target);
      const secure = target.protocol === 'rtsps:';
      const port = Number(target.port) || (secure ? 322 : 554);
      let upstream: Socket;
      try {
        const socket = await this.options.policy.connect(host, port, { shown: this.shown, timeoutMs: this.options.timeoutMs });
        upstream = secure ? tlsConnect({ socket, servername: isIP(host) ? undefined : host, rejectUnauthorized: false }) : socket;
      } catch (error) {
        return this.fail(error instanceof CamtroveError ? error : new CamtroveError('CAMTROVE_ERR_CAMERA_UNREACHABLE', `${this.shown}: ${String(error)}`), client);
      }
      if (client.destroyed) return void upstream.destroy();
      camera = upstream;
      this.track(upstream);
      upstream.on('error', () => client.destroy());
      upstream.once('close', () => client.destroy());
      client.once('close', () => upstream.destroy());
      upstream.on('data', (chunk: Buffer) => {
        try {
          for (const unit of fromCamera.push(chunk)) toClient(unit);
        } catch (error) {
          this.fail(new CamtroveError('CAMTROVE_ERR_CAMERA_BAD_RESPONSE', `${this.shown}: the camera's RTSP answer is malformed (${error instanceof Error ? error.message : String(error)})`), client, upstream);
        }
      });
      for (const unit of queued.splice(0)) toCamera(unit);
    };

    client.on('data', (chunk: Buffer) => {
      let units: RtspUnit[];
      try {
        units = fromClient.push(chunk);
      } catch {
        return void client.destroy();
      }
      for (const unit of units) {
        if (!opened) {
          // The first request must name the relay's path: anyone else on this machine is turned away.
          const request = unit.kind === 'message' ? requestOf(unit) : null;
          if (!request || !this.underRelay(request.uri)) return void client.destroy();
          opened = true;
          queued.push(unit);
          void openCamera();
        } else if (camera) toCamera(unit);
        else queued.push(unit);
      }
    });
  }

  /** Whether a request URI is the relay's path (exactly, or below it). */
  private underRelay(uri: string): boolean {
    return uri === this.base || uri.startsWith(`${this.base}/`) || uri.startsWith(`${this.base}?`);
  }

  /** Remembers the camera's challenge; false when there are no credentials or no scheme to answer. */
  private learnChallenge(challenges: string[]): boolean {
    if (!this.options.credentials) return false;
    const digest = parseDigestChallenge(challenges);
    if (digest) this.digest = { challenge: digest, nc: 0 };
    else if (challenges.some((c) => /^basic\b/i.test(c))) this.basic = true;
    else return false;
    return true;
  }

  /** Credentials for a request, once the camera asked for them (never before: nothing is sent in the clear unasked). */
  private authorization(method: string, uri: string): string | null {
    const credentials = this.options.credentials;
    if (!credentials) return null;
    if (this.digest) {
      this.digest.nc += 1;
      return digestAuthorization({ ...credentials, method, uri, challenge: this.digest.challenge, cnonce: randomBytes(8).toString('hex'), nc: this.digest.nc });
    }
    return this.basic ? basicAuthorization(credentials.username, credentials.password) : null;
  }
}
