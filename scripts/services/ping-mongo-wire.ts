import { probeSocket } from './probe-socket';

const OP_MSG = 2013;
const MAX_REPLY_BYTES = 16 * 1024 * 1024;

function cstring(text: string): Buffer {
  return Buffer.concat([Buffer.from(text, 'utf8'), Buffer.from([0])]);
}

/** BSON `{ hello: 1, $db: 'admin' }`. */
function helloDocument(): Buffer {
  const one = Buffer.alloc(4);
  one.writeInt32LE(1);
  const db = cstring('admin');
  const dbLength = Buffer.alloc(4);
  dbLength.writeInt32LE(db.length);
  const body = Buffer.concat([Buffer.from([0x10]), cstring('hello'), one, Buffer.from([0x02]), cstring('$db'), dbLength, db]);
  const size = Buffer.alloc(4);
  size.writeInt32LE(4 + body.length + 1);
  return Buffer.concat([size, body, Buffer.from([0])]);
}

/** OP_MSG with a single body section holding the hello command. */
function helloMessage(): Buffer {
  const document = helloDocument();
  const header = Buffer.alloc(21);
  header.writeInt32LE(header.length + document.length, 0);
  header.writeInt32LE(Math.floor(Math.random() * 0x7fffffff), 4);
  header.writeInt32LE(0, 8);
  header.writeInt32LE(OP_MSG, 12);
  header.writeUInt32LE(0, 16);
  header.writeUInt8(0, 20);
  return Buffer.concat([header, document]);
}

/** Byte size of a BSON element value of `type` starting at `at`; undefined for unknown types. */
function valueSize(type: number, doc: Buffer, at: number): number | undefined {
  switch (type) {
    case 0x01:
    case 0x09:
    case 0x11:
    case 0x12:
      return 8;
    case 0x10:
      return 4;
    case 0x08:
      return 1;
    case 0x07:
      return 12;
    case 0x13:
      return 16;
    case 0x06:
    case 0x0a:
    case 0x7f:
    case 0xff:
      return 0;
    case 0x02:
    case 0x0d:
    case 0x0e:
      return 4 + doc.readInt32LE(at);
    case 0x03:
    case 0x04:
    case 0x0f:
      return doc.readInt32LE(at);
    case 0x05:
      return 5 + doc.readInt32LE(at);
    case 0x0b:
      return doc.indexOf(0, doc.indexOf(0, at) + 1) + 1 - at;
    default:
      return undefined;
  }
}

/** Reads the top-level `ok` field of a BSON document and checks it equals 1. */
function isOk(doc: Buffer): boolean {
  const end = doc.readInt32LE(0) - 1;
  let at = 4;
  while (at < end) {
    const type = doc.readUInt8(at);
    const nameEnd = doc.indexOf(0, at + 1);
    const name = doc.toString('utf8', at + 1, nameEnd);
    at = nameEnd + 1;
    if (name === 'ok') {
      if (type === 0x01) return doc.readDoubleLE(at) === 1;
      if (type === 0x10) return doc.readInt32LE(at) === 1;
      if (type === 0x12) return doc.readBigInt64LE(at) === 1n;
      return type === 0x08 && doc.readUInt8(at) === 1;
    }
    const size = valueSize(type, doc, at);
    if (size === undefined || size < 0) return false;
    at += size;
  }
  return false;
}

function isOkReply(message: Buffer): boolean {
  try {
    return message.readInt32LE(12) === OP_MSG && message.readUInt8(20) === 0 && isOk(message.subarray(21));
  } catch {
    return false; // malformed reply
  }
}

/**
 * Sends a MongoDB wire-protocol `hello` (OP_MSG) to host:port; resolves true when the reply has
 * `ok: 1`, false on any error or timeout. Works for FerretDB and MongoDB without a driver.
 */
export function pingMongoWire(port: number, host = '127.0.0.1', timeoutMs = 1_000): Promise<boolean> {
  return probeSocket(port, host, timeoutMs, helloMessage(), (received) => {
    if (received.length < 4) return undefined;
    const length = received.readInt32LE(0);
    if (length < 21 || length > MAX_REPLY_BYTES) return false;
    return received.length >= length ? isOkReply(received.subarray(0, length)) : undefined;
  });
}
