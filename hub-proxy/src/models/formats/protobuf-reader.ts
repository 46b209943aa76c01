/**
 * A minimal reader of the protobuf wire format: enough to walk a
 * SavedModel's `meta_graphs[].signature_def` without a generated decoder
 * (the rest of the graph is skipped by length, never decoded).
 */

/** One field of a message: its number and its value (varint, bytes, or a fixed-width chunk). */
export type ProtoField =
  | { number: number; wire: 'varint'; value: bigint }
  | { number: number; wire: 'bytes'; value: Uint8Array }
  | { number: number; wire: 'fixed'; value: Uint8Array };

/** Thrown on bytes that are not a well-formed protobuf message. */
export class ProtobufError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtobufError';
  }
}

function readVarint(bytes: Uint8Array, start: number): [bigint, number] {
  let result = 0n;
  let shift = 0n;
  let offset = start;
  for (;;) {
    if (offset >= bytes.length) throw new ProtobufError('truncated varint');
    const byte = bytes[offset++] ?? 0;
    result |= BigInt(byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) return [result, offset];
    shift += 7n;
    if (shift > 63n) throw new ProtobufError('varint longer than 10 bytes');
  }
}

/** The fields of one message, in wire order. Groups (deprecated) are refused. */
export function* protoFields(bytes: Uint8Array): Generator<ProtoField> {
  let offset = 0;
  while (offset < bytes.length) {
    const [key, afterKey] = readVarint(bytes, offset);
    const number = Number(key >> 3n);
    const wireType = Number(key & 7n);
    if (number === 0) throw new ProtobufError('field number 0');
    offset = afterKey;
    switch (wireType) {
      case 0: {
        const [value, next] = readVarint(bytes, offset);
        offset = next;
        yield { number, wire: 'varint', value };
        break;
      }
      case 1:
      case 5: {
        const size = wireType === 1 ? 8 : 4;
        if (offset + size > bytes.length) throw new ProtobufError('truncated fixed-width field');
        yield { number, wire: 'fixed', value: bytes.subarray(offset, offset + size) };
        offset += size;
        break;
      }
      case 2: {
        const [length, next] = readVarint(bytes, offset);
        const end = next + Number(length);
        if (end > bytes.length) throw new ProtobufError('length-delimited field runs past the end');
        yield { number, wire: 'bytes', value: bytes.subarray(next, end) };
        offset = end;
        break;
      }
      default:
        throw new ProtobufError(`unsupported wire type ${wireType}`);
    }
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** A length-delimited field as UTF-8 text. */
export function protoString(field: ProtoField): string {
  if (field.wire !== 'bytes') throw new ProtobufError(`field ${field.number} is not a string`);
  return utf8.decode(field.value);
}

/** A varint field as a signed 64-bit number (int64 two's complement), clamped to a JS number. */
export function protoInt(field: ProtoField): number {
  if (field.wire !== 'varint') throw new ProtobufError(`field ${field.number} is not a varint`);
  return Number(BigInt.asIntN(64, field.value));
}
