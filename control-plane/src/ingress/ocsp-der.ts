import crypto from 'node:crypto';

// Just enough DER for OCSP stapling (RFC 6960): the request for one
// certificate (its CertID: SHA-1 of the issuer's name and key, and the
// serial number), and, from the responder's answer, whether it is a
// successful "good" answer and until when it may be stapled.

interface Tlv {
  tag: number;
  /** The whole element, tag and length included. */
  start: number;
  /** Where the value starts and ends. */
  valueStart: number;
  end: number;
}

function readTlv(buf: Buffer, at: number): Tlv {
  if (at + 2 > buf.length) throw new Error('truncated DER');
  const tag = buf[at]!;
  let len = buf[at + 1]!;
  let valueStart = at + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || valueStart + n > buf.length) throw new Error('bad DER length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[valueStart + i]!;
    valueStart += n;
  }
  const end = valueStart + len;
  if (end > buf.length) throw new Error('truncated DER');
  return { tag, start: at, valueStart, end };
}

/** The elements inside a constructed element. */
function children(buf: Buffer, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let at = parent.valueStart; at < parent.end; ) {
    const t = readTlv(buf, at);
    out.push(t);
    at = t.end;
  }
  return out;
}

function encode(tag: number, value: Buffer): Buffer {
  const len = value.length;
  const head = len < 0x80 ? Buffer.from([tag, len]) : len < 0x100 ? Buffer.from([tag, 0x81, len]) : Buffer.from([tag, 0x82, len >> 8, len & 0xff]);
  return Buffer.concat([head, value]);
}

const SEQUENCE = 0x30;
const SHA1_ALGORITHM = Buffer.from('300906052b0e03021a0500', 'hex');

/** The DER OCSPRequest for `certDer`, issued by `issuerDer`. */
export function ocspRequest(certDer: Buffer, issuerDer: Buffer): Buffer {
  // Certificate ::= SEQUENCE { tbsCertificate SEQUENCE { [0] version, serial, signature, issuer, validity, subject, spki, ... } ... }
  const issuerTbs = children(issuerDer, children(issuerDer, readTlv(issuerDer, 0))[0]!);
  const off = issuerTbs[0]!.tag === 0xa0 ? 1 : 0;
  const subject = issuerTbs[off + 4]!;
  const spki = children(issuerDer, issuerTbs[off + 5]!);
  const keyBits = spki[1]!; // BIT STRING: an unused-bits byte, then the key
  const nameHash = crypto.createHash('sha1').update(issuerDer.subarray(subject.start, subject.end)).digest();
  const keyHash = crypto.createHash('sha1').update(issuerDer.subarray(keyBits.valueStart + 1, keyBits.end)).digest();
  const certTbs = children(certDer, children(certDer, readTlv(certDer, 0))[0]!);
  const serial = certTbs[certTbs[0]!.tag === 0xa0 ? 1 : 0]!;
  const certId = encode(SEQUENCE, Buffer.concat([SHA1_ALGORITHM, encode(0x04, nameHash), encode(0x04, keyHash), certDer.subarray(serial.start, serial.end)]));
  // OCSPRequest { tbsRequest { requestList { Request { reqCert } } } }
  return encode(SEQUENCE, encode(SEQUENCE, encode(SEQUENCE, encode(SEQUENCE, certId))));
}

function generalizedTime(buf: Buffer, t: Tlv): number {
  const s = buf.toString('latin1', t.valueStart, t.end);
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:\.\d+)?Z$/.exec(s);
  if (m === null) throw new Error(`bad GeneralizedTime ${s}`);
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
}

export interface OcspAnswer {
  /** The certificate is "good" in a successful response. */
  readonly good: boolean;
  /** The response's thisUpdate and nextUpdate (ms); nextUpdate null when the responder gives none. */
  readonly thisUpdate: number;
  readonly nextUpdate: number | null;
}

/** Reads a DER OCSPResponse (its first SingleResponse); throws when it is not one. The signature is the client's to check. */
export function readOcspResponse(der: Buffer): OcspAnswer {
  const top = children(der, readTlv(der, 0));
  if (top[0]?.tag !== 0x0a || der[top[0].valueStart] !== 0) return { good: false, thisUpdate: 0, nextUpdate: null }; // not "successful"
  const responseBytes = children(der, children(der, top[1]!)[0]!); // [0] EXPLICIT ResponseBytes { type, OCTET STRING }
  const octets = responseBytes[1]!;
  const basic = der.subarray(octets.valueStart, octets.end);
  const tbs = children(basic, children(basic, readTlv(basic, 0))[0]!);
  const off = tbs[0]!.tag === 0xa0 ? 1 : 0; // [0] version
  const single = children(basic, children(basic, tbs[off + 2]!)[0]!); // responses[0]: certID, certStatus, thisUpdate, [0] nextUpdate
  const good = single[1]!.tag === 0x80;
  const thisUpdate = generalizedTime(basic, single[2]!);
  const next = single[3]?.tag === 0xa0 ? generalizedTime(basic, children(basic, single[3])[0]!) : null;
  return { good, thisUpdate, nextUpdate: next };
}
