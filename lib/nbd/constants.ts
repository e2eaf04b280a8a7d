// The numbers of the NBD protocol (NetworkBlockDevice/nbd doc/proto.md): magics, options, option
// replies, info types, commands, flags and errors, as they travel on the wire.

export const NBDMAGIC = 0x4e42444d41474943n;
export const IHAVEOPT = 0x49484156454f5054n;
export const OPTION_REPLY_MAGIC = 0x3e889045565a9n;
export const REQUEST_MAGIC = 0x25609513;
export const SIMPLE_REPLY_MAGIC = 0x67446698;
export const STRUCTURED_REPLY_MAGIC = 0x668e33ef;

/** Handshake flags (server) and client flags. */
export const FLAG_FIXED_NEWSTYLE = 1 << 0;
export const FLAG_NO_ZEROES = 1 << 1;
export const FLAG_C_FIXED_NEWSTYLE = 1 << 0;
export const FLAG_C_NO_ZEROES = 1 << 1;

export const Opt = {
  ExportName: 1,
  Abort: 2,
  List: 3,
  StartTls: 5,
  Info: 6,
  Go: 7,
  StructuredReply: 8,
  ListMetaContext: 9,
  SetMetaContext: 10,
} as const;

const ERR = 0x80000000;
export const Rep = {
  Ack: 1,
  Server: 2,
  Info: 3,
  MetaContext: 4,
  ErrUnsup: ERR + 1,
  ErrPolicy: ERR + 2,
  ErrInvalid: ERR + 3,
  ErrTlsReqd: ERR + 5,
  ErrUnknown: ERR + 6,
  ErrShutdown: ERR + 7,
  ErrTooBig: ERR + 9,
} as const;

export const Info = { Export: 0, Name: 1, Description: 2, BlockSize: 3 } as const;

/** Transmission flags. */
export const TFlag = {
  HasFlags: 1 << 0,
  ReadOnly: 1 << 1,
  SendFlush: 1 << 2,
  SendFua: 1 << 3,
  SendTrim: 1 << 5,
  SendWriteZeroes: 1 << 6,
  SendDf: 1 << 7,
  CanMultiConn: 1 << 8,
  SendCache: 1 << 10,
  SendFastZero: 1 << 11,
} as const;

export const Cmd = {
  Read: 0,
  Write: 1,
  Disc: 2,
  Flush: 3,
  Trim: 4,
  Cache: 5,
  WriteZeroes: 6,
  BlockStatus: 7,
} as const;

/** Command flags. */
export const CmdFlag = {
  Fua: 1 << 0,
  NoHole: 1 << 1,
  Df: 1 << 2,
  ReqOne: 1 << 3,
  FastZero: 1 << 4,
} as const;

export const ReplyFlagDone = 1;
export const ReplyType = {
  None: 0,
  OffsetData: 1,
  BlockStatus: 5,
  Error: 0x8001,
} as const;

/** Error values of replies (the protocol fixes them to Linux's errno numbers). */
export const Errno = {
  EPERM: 1,
  EIO: 5,
  ENOMEM: 12,
  EINVAL: 22,
  ENOSPC: 28,
  EOVERFLOW: 75,
  ENOTSUP: 95,
  ESHUTDOWN: 108,
} as const;

/** base:allocation status flags. */
export const STATE_HOLE = 1;
export const STATE_ZERO = 2;
export const BASE_ALLOCATION = "base:allocation";

/** Sizes on the wire. */
export const REQUEST_BYTES = 28;
export const SIMPLE_REPLY_BYTES = 16;
export const CHUNK_HEADER_BYTES = 20;
export const OPTION_HEADER_BYTES = 16;
/** The protocol's bound on strings (export names, queries). */
export const MAX_STRING_BYTES = 4096;
