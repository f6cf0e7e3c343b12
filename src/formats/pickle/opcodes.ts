// The 68 opcodes of pickle protocols 0–5 as CPython's C unpickler (_pickle.c) reads them: byte, name,
// protocol that introduced it, and how its argument is laid out in the stream.

/** How an opcode's argument is encoded after the opcode byte. */
export const enum Arg {
  None = 0,
  U1 = 1, // 1-byte unsigned
  U2 = 2, // 2-byte unsigned little-endian
  I4 = 3, // 4-byte signed little-endian
  U4 = 4, // 4-byte unsigned little-endian (C reads counts and memo keys this way)
  F8 = 5, // 8-byte IEEE-754 big-endian (BINFLOAT)
  U8 = 6, // 8-byte unsigned little-endian (FRAME)
  Line = 7, // bytes up to and including '\n'
  TwoLines = 8, // two '\n'-terminated lines (GLOBAL, INST)
  Counted1 = 9, // u1 length + payload
  Counted4 = 10, // u4 length + payload
  Counted4Signed = 11, // i4 length + payload (LONG4: negative is an error)
  Counted8 = 12, // u8 length + payload
}

export interface OpcodeInfo {
  readonly code: number;
  readonly name: string;
  readonly proto: number;
  readonly arg: Arg;
}

const TABLE: readonly [string, string, number, Arg][] = [
  ['(', 'MARK', 0, Arg.None],
  ['.', 'STOP', 0, Arg.None],
  ['0', 'POP', 0, Arg.None],
  ['1', 'POP_MARK', 1, Arg.None],
  ['2', 'DUP', 0, Arg.None],
  ['F', 'FLOAT', 0, Arg.Line],
  ['I', 'INT', 0, Arg.Line],
  ['J', 'BININT', 1, Arg.I4],
  ['K', 'BININT1', 1, Arg.U1],
  ['L', 'LONG', 0, Arg.Line],
  ['M', 'BININT2', 1, Arg.U2],
  ['N', 'NONE', 0, Arg.None],
  ['P', 'PERSID', 0, Arg.Line],
  ['Q', 'BINPERSID', 1, Arg.None],
  ['R', 'REDUCE', 0, Arg.None],
  ['S', 'STRING', 0, Arg.Line],
  ['T', 'BINSTRING', 1, Arg.Counted4],
  ['U', 'SHORT_BINSTRING', 1, Arg.Counted1],
  ['V', 'UNICODE', 0, Arg.Line],
  ['X', 'BINUNICODE', 1, Arg.Counted4],
  ['a', 'APPEND', 0, Arg.None],
  ['b', 'BUILD', 0, Arg.None],
  ['c', 'GLOBAL', 0, Arg.TwoLines],
  ['d', 'DICT', 0, Arg.None],
  ['}', 'EMPTY_DICT', 1, Arg.None],
  ['e', 'APPENDS', 1, Arg.None],
  ['g', 'GET', 0, Arg.Line],
  ['h', 'BINGET', 1, Arg.U1],
  ['i', 'INST', 0, Arg.TwoLines],
  ['j', 'LONG_BINGET', 1, Arg.U4],
  ['l', 'LIST', 0, Arg.None],
  [']', 'EMPTY_LIST', 1, Arg.None],
  ['o', 'OBJ', 1, Arg.None],
  ['p', 'PUT', 0, Arg.Line],
  ['q', 'BINPUT', 1, Arg.U1],
  ['r', 'LONG_BINPUT', 1, Arg.U4],
  ['s', 'SETITEM', 0, Arg.None],
  ['t', 'TUPLE', 0, Arg.None],
  [')', 'EMPTY_TUPLE', 1, Arg.None],
  ['u', 'SETITEMS', 1, Arg.None],
  ['G', 'BINFLOAT', 1, Arg.F8],
  ['\x80', 'PROTO', 2, Arg.U1],
  ['\x81', 'NEWOBJ', 2, Arg.None],
  ['\x82', 'EXT1', 2, Arg.U1],
  ['\x83', 'EXT2', 2, Arg.U2],
  ['\x84', 'EXT4', 2, Arg.I4],
  ['\x85', 'TUPLE1', 2, Arg.None],
  ['\x86', 'TUPLE2', 2, Arg.None],
  ['\x87', 'TUPLE3', 2, Arg.None],
  ['\x88', 'NEWTRUE', 2, Arg.None],
  ['\x89', 'NEWFALSE', 2, Arg.None],
  ['\x8a', 'LONG1', 2, Arg.Counted1],
  ['\x8b', 'LONG4', 2, Arg.Counted4Signed],
  ['B', 'BINBYTES', 3, Arg.Counted4],
  ['C', 'SHORT_BINBYTES', 3, Arg.Counted1],
  ['\x8c', 'SHORT_BINUNICODE', 4, Arg.Counted1],
  ['\x8d', 'BINUNICODE8', 4, Arg.Counted8],
  ['\x8e', 'BINBYTES8', 4, Arg.Counted8],
  ['\x8f', 'EMPTY_SET', 4, Arg.None],
  ['\x90', 'ADDITEMS', 4, Arg.None],
  ['\x91', 'FROZENSET', 4, Arg.None],
  ['\x92', 'NEWOBJ_EX', 4, Arg.None],
  ['\x93', 'STACK_GLOBAL', 4, Arg.None],
  ['\x94', 'MEMOIZE', 4, Arg.None],
  ['\x95', 'FRAME', 4, Arg.U8],
  ['\x96', 'BYTEARRAY8', 5, Arg.Counted8],
  ['\x97', 'NEXT_BUFFER', 5, Arg.None],
  ['\x98', 'READONLY_BUFFER', 5, Arg.None],
];

/** Indexed by opcode byte; undefined for bytes that are not opcodes. */
export const OPCODES: readonly (OpcodeInfo | undefined)[] = (() => {
  const t: (OpcodeInfo | undefined)[] = new Array(256).fill(undefined);
  for (const [ch, name, proto, arg] of TABLE) {
    const code = ch.charCodeAt(0);
    t[code] = { code, name, proto, arg };
  }
  return t;
})();

/** Argument kind per opcode byte, as a flat array for the decoder's hot path (-1 = not an opcode). */
export const ARG_KIND: Int8Array = (() => {
  const a = new Int8Array(256).fill(-1);
  for (const info of OPCODES) if (info) a[info.code] = info.arg;
  return a;
})();

export const OPCODE_COUNT = TABLE.length;
export const HIGHEST_PROTOCOL = 5;

export function opcodeName(code: number): string {
  return OPCODES[code]?.name ?? `0x${code.toString(16).padStart(2, '0')}`;
}

/** Opcode byte values by name, for the VM's switch and the test builder. */
export const enum Op {
  MARK = 0x28,
  STOP = 0x2e,
  POP = 0x30,
  POP_MARK = 0x31,
  DUP = 0x32,
  FLOAT = 0x46,
  INT = 0x49,
  BININT = 0x4a,
  BININT1 = 0x4b,
  LONG = 0x4c,
  BININT2 = 0x4d,
  NONE = 0x4e,
  PERSID = 0x50,
  BINPERSID = 0x51,
  REDUCE = 0x52,
  STRING = 0x53,
  BINSTRING = 0x54,
  SHORT_BINSTRING = 0x55,
  UNICODE = 0x56,
  BINUNICODE = 0x58,
  APPEND = 0x61,
  BUILD = 0x62,
  GLOBAL = 0x63,
  DICT = 0x64,
  EMPTY_DICT = 0x7d,
  APPENDS = 0x65,
  GET = 0x67,
  BINGET = 0x68,
  INST = 0x69,
  LONG_BINGET = 0x6a,
  LIST = 0x6c,
  EMPTY_LIST = 0x5d,
  OBJ = 0x6f,
  PUT = 0x70,
  BINPUT = 0x71,
  LONG_BINPUT = 0x72,
  SETITEM = 0x73,
  TUPLE = 0x74,
  EMPTY_TUPLE = 0x29,
  SETITEMS = 0x75,
  BINFLOAT = 0x47,
  PROTO = 0x80,
  NEWOBJ = 0x81,
  EXT1 = 0x82,
  EXT2 = 0x83,
  EXT4 = 0x84,
  TUPLE1 = 0x85,
  TUPLE2 = 0x86,
  TUPLE3 = 0x87,
  NEWTRUE = 0x88,
  NEWFALSE = 0x89,
  LONG1 = 0x8a,
  LONG4 = 0x8b,
  BINBYTES = 0x42,
  SHORT_BINBYTES = 0x43,
  SHORT_BINUNICODE = 0x8c,
  BINUNICODE8 = 0x8d,
  BINBYTES8 = 0x8e,
  EMPTY_SET = 0x8f,
  ADDITEMS = 0x90,
  FROZENSET = 0x91,
  NEWOBJ_EX = 0x92,
  STACK_GLOBAL = 0x93,
  MEMOIZE = 0x94,
  FRAME = 0x95,
  BYTEARRAY8 = 0x96,
  NEXT_BUFFER = 0x97,
  READONLY_BUFFER = 0x98,
}
