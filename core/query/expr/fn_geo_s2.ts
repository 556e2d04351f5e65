// S2 cell functions (s2_latlng_to_cell, s2_cell_level, s2_cell_to_token, s2_cell_parent), written from the S2 cell-id
// definition: a point goes to one of 6 cube faces, to (u, v) on the face, to (s, t) by S2's quadratic projection, to
// (i, j) on a 2^30 grid; the id is face (3 bits), then the cell's position on the face's Hilbert curve (2 bits per
// level, 30 levels), then a 1 marking the level. No npm S2 package for JavaScript is kept up to date.

const MAX_LEVEL = 30;
const MAX_SIZE = 2 ** MAX_LEVEL;
/** Hilbert position of sub-cell (i bit, j bit) for each orientation (bit 0: axes swapped, bit 1: inverted). */
const IJ_TO_POS = [[0, 1, 3, 2], [0, 3, 1, 2], [2, 3, 1, 0], [2, 1, 3, 0]] as const;
/** Orientation change after entering sub-cell at each position. */
const POS_TO_ORIENTATION = [1, 0, 0, 3] as const;

function uvToSt(u: number): number {
  return u >= 0 ? 0.5 * Math.sqrt(1 + 3 * u) : 1 - 0.5 * Math.sqrt(1 - 3 * u);
}

function stToIj(s: number): number {
  return Math.max(0, Math.min(MAX_SIZE - 1, Math.floor(MAX_SIZE * s)));
}

/** Leaf cell id (level 30) of a latitude / longitude in degrees, as an unsigned 64-bit integer. */
export function s2LatLngToCell(lat: number, lng: number): bigint {
  const phi = (lat * Math.PI) / 180, theta = (lng * Math.PI) / 180;
  const x = Math.cos(phi) * Math.cos(theta), y = Math.cos(phi) * Math.sin(theta), z = Math.sin(phi);
  const ax = Math.abs(x), ay = Math.abs(y), az = Math.abs(z);
  let face = ax > ay ? (ax > az ? 0 : 2) : ay > az ? 1 : 2;
  if ([x, y, z][face]! < 0) face += 3;
  let u: number, v: number;
  switch (face) {
    case 0: u = y / x; v = z / x; break;
    case 1: u = -x / y; v = z / y; break;
    case 2: u = -x / z; v = -y / z; break;
    case 3: u = z / x; v = y / x; break;
    case 4: u = z / y; v = -x / y; break;
    default: u = -y / z; v = -x / z; break;
  }
  const i = stToIj(uvToSt(u)), j = stToIj(uvToSt(v));
  let orientation = face & 1;
  let hi = 0, lo = 0; // Hilbert position: levels 1..15 in hi, 16..30 in lo (30 bits each, exact in doubles)
  for (let k = MAX_LEVEL - 1; k >= 0; k--) {
    const ij = (((i >>> k) & 1) << 1) | ((j >>> k) & 1);
    const pos = IJ_TO_POS[orientation]![ij]!;
    orientation ^= POS_TO_ORIENTATION[pos]!;
    if (k >= 15) hi = hi * 4 + pos; else lo = lo * 4 + pos;
  }
  return (BigInt(face) << 61n) | (BigInt(hi) << 31n) | (BigInt(lo) << 1n) | 1n;
}

function lowestBit(id: bigint): bigint {
  return id & -id;
}

/** Level 0..30 of a valid cell id; -1 for an id that is not one (face > 5 or no level marker at an odd position). */
export function s2CellLevel(id: bigint): number {
  if (id === 0n || id >> 61n > 5n) return -1;
  let tz = 0;
  for (let b = lowestBit(id); b > 1n; b >>= 1n) tz++;
  return tz % 2 === 1 ? -1 : MAX_LEVEL - tz / 2;
}

export function s2CellParent(id: bigint, level: number): bigint {
  const lsb = 1n << BigInt(2 * (MAX_LEVEL - level));
  return BigInt.asUintN(64, (id & -lsb) | lsb);
}

/** Hex of the id without trailing zeros ('X' for 0), S2's token. */
export function s2CellToToken(id: bigint): string {
  if (id === 0n) return 'X';
  return id.toString(16).padStart(16, '0').replace(/0+$/, '');
}
