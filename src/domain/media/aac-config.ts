import { BitReader, MalformedMedia } from './bit-reader.js';

/** Sample rate and channels an AAC decoder reports for an AudioSpecificConfig (ISO/IEC 14496-3 §1.6.2.1). */
export interface AacConfig {
  sampleRate: number;
  channels: number;
}

const AOT_AAC_LC = 2;
const AOT_SBR = 5;
const SYNC_EXTENSION = 0x2b7;
const SAMPLE_RATES = [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350];
// channelConfiguration 1–7; 0 means a program_config_element decides, which is not read here.
const CHANNELS = [0, 1, 2, 3, 4, 5, 6, 8];
// Implicitly signalled SBR (HE-AAC) only shows in the audio frames and doubles the rate a decoder reports;
// encoders use it for core rates up to 24 kHz, so above that an unsignalled stream is plain AAC-LC.
const HIGHEST_SBR_CORE_RATE = 24000;

/**
 * AAC-LC only. Refused (thrown) whenever a decoder could report something else than the header says:
 * explicit SBR/PS, a program config element, an escape sample rate, or a low rate with SBR left unsaid.
 */
export function parseAacConfig(asc: Uint8Array): AacConfig {
  const r = new BitReader(asc);
  const objectType = readObjectType(r);
  if (objectType !== AOT_AAC_LC) throw new MalformedMedia(`AAC object type ${objectType}`);
  const sampleRate = SAMPLE_RATES[r.u(4)];
  if (sampleRate === undefined) throw new MalformedMedia('AAC sample rate not from the table');
  const channels = CHANNELS[r.u(4)];
  if (!channels) throw new MalformedMedia('AAC channel configuration not from the table');
  // Backward-compatible SBR signalling follows GASpecificConfig; like common decoders, search for its sync word.
  let sbrSignalledAbsent = false;
  while (r.bitsLeft > 15) {
    if (r.peek(11) !== SYNC_EXTENSION) {
      r.skip(1);
      continue;
    }
    r.skip(11);
    if (readObjectType(r) === AOT_SBR) {
      if (r.flag()) throw new MalformedMedia('explicit SBR');
      sbrSignalledAbsent = true;
    }
    break;
  }
  if (!sbrSignalledAbsent && sampleRate <= HIGHEST_SBR_CORE_RATE) throw new MalformedMedia('possible implicit SBR');
  return { sampleRate, channels };
}

function readObjectType(r: BitReader): number {
  const type = r.u(5);
  return type === 31 ? 32 + r.u(6) : type;
}
