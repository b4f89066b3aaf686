import { S3Client } from '@aws-sdk/client-s3';
import { redactUrl } from '../../domain/redact.js';
import { usePathStyle } from '../../domain/s3-addressing.js';

/** AWS's own default, for stores (MinIO, Garage, emulators) set up without a region. */
const FALLBACK_REGION = 'us-east-1';

export interface S3Connection {
  client: S3Client;
  /** Where requests go, safe to print: the endpoint without credentials, or "AWS S3 (region)". */
  endpoint: string;
}

/**
 * An S3 client configured the way the AWS tools are: `AWS_ENDPOINT_URL` (or `AWS_ENDPOINT_URL_S3`),
 * the region and the credentials chain are read by the SDK itself; only a missing region defaults,
 * and path-style addressing is chosen for endpoints that need it (see usePathStyle).
 */
export async function createS3Client(options: { forcePathStyle: boolean }, env: NodeJS.ProcessEnv = process.env): Promise<S3Connection> {
  // The pinned SDK runs on every Node camtrove supports; its notice about future releases is for
  // camtrove's maintainers, not for every command's stderr.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const endpointUrl = env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL || undefined;
  const region = env.AWS_REGION || env.AWS_DEFAULT_REGION || (await configuredRegion()) || FALLBACK_REGION;
  const custom = endpointUrl !== undefined;
  const client = new S3Client({
    region,
    forcePathStyle: usePathStyle(endpointUrl, options.forcePathStyle),
    // A bucket in another region than the one configured (or defaulted) still answers.
    followRegionRedirects: true,
    // Stores other than AWS often reject the SDK's default trailing checksums; every blob's SHA-256 is checked here anyway.
    ...(custom && !env.AWS_REQUEST_CHECKSUM_CALCULATION ? { requestChecksumCalculation: 'WHEN_REQUIRED' as const } : {}),
    ...(custom && !env.AWS_RESPONSE_CHECKSUM_VALIDATION ? { responseChecksumValidation: 'WHEN_REQUIRED' as const } : {}),
  });
  return { client, endpoint: custom ? redactUrl(endpointUrl) : `AWS S3 (${region})` };
}

/** The region of the AWS profile (~/.aws/config), if it names one. */
async function configuredRegion(): Promise<string | null> {
  const probe = new S3Client({});
  try {
    return await probe.config.region();
  } catch {
    return null;
  } finally {
    probe.destroy();
  }
}
