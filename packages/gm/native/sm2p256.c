/*
 * sm2p256.c - native SM2 elliptic-curve arithmetic on sm2p256v1 (Node-API addon).
 *
 * Standards
 *   GB/T 32918.1-2016  SM2 part 1: general - field arithmetic, the curve
 *                      y^2 = x^3 + ax + b over F_p, points, scalar multiplication
 *                      (the recommended parameters are in GB/T 32918.5-2017).
 *   GB/T 32918.2-2016  SM2 part 2: digital signature - signing (section 6.1)
 *                      and verification (section 7.1), implemented by sm2_sign()
 *                      and sm2_verify() below on a precomputed digest e = SM3(Z||M).
 *
 * Design choices (and why)
 *   - Field elements are 4 x 64-bit limbs, products via unsigned __int128: portable
 *     C99/C11 (x86_64 and aarch64 both have a 64x64->128 multiplier), no -march, so
 *     the binary runs on any CPU of its architecture. The only platform-specific
 *     code is add/subtract-with-carry on x86_64 via _addcarry_u64/_subborrow_u64
 *     (plain ADC/SBB, baseline x86_64): GCC compiles the equivalent __int128 carry
 *     chains 2-3x longer. Other targets use the __int128 form (ADDS/ADCS on aarch64);
 *     -DSM2P256_PORTABLE forces it for testing.
 *   - Field multiplication is Montgomery multiplication (R = 2^256). The SM2 prime
 *     p = 2^256 - 2^224 - 2^96 + 2^64 - 1 satisfies p = -1 (mod 2^64), so the
 *     Montgomery factor -p^-1 mod 2^64 is 1 and each reduction round is
 *     (t + m p)/2^64 = t/2^64 + u 2^160 - u with m = t mod 2^64, u = m (2^32 - 1):
 *     shifts and one carry chain, no multiplication at all (see p_round_addend).
 *     A direct Solinas reduction of the 512-bit product is awkward here because p's
 *     terms sit at 32-bit, not 64-bit, boundaries. Squaring has its own 10-multiply
 *     product. Every field value is kept canonical (< p) after every operation.
 *   - Scalars mod n use Montgomery multiplication with the generic factor -n^-1 mod 2^64.
 *     Inverses (mod p and mod n; the mod-n one involves the private key) use Fermat's
 *     little theorem: a fixed chain of squarings/multiplications that depends only on
 *     the public modulus, hence constant time in the secret input.
 *   - Points use Jacobian coordinates (X/Z^2, Y/Z^3) and the a = -3 doubling
 *     (dbl-2001-b), mixed Jacobian+affine addition (madd-2004-hmv) and full
 *     addition (add-1998-cmo-2) from the Explicit-Formulas Database.
 *   - [k]G (key generation, signing nonces; secret k): fixed-base comb in the
 *     style of OpenSSL's ecp_nistz256: the scalar is Booth-recoded into signed
 *     COMB_W-bit digits, window i has its own table of [1..2^(COMB_W-1)]*2^(COMB_W*i)G
 *     (affine, built once at module load), so [k]G costs one mixed addition per
 *     window and no doublings. Every table entry is read for every window and the
 *     wanted one is kept with masks; infinity and zero digits are handled with
 *     masks too; no branch or memory address depends on k.
 *   - [k]P (encryption, key exchange; secret k): fixed 5-bit signed windows with a
 *     table of [1..16]P, the same masked table scan and masked edge-case handling.
 *   - [s]G + [t]P (verification; public data): variable time, interleaved wNAF
 *     (width 8 over a table of odd multiples of G, width 5 for P), sharing one
 *     chain of doublings.
 *   - Verification compares x1 in projective form (X == x1 * Z^2) instead of
 *     inverting Z, which saves a field inversion per verification.
 *   - Constant time here means: no branch and no memory address depends on secret
 *     data (mask arithmetic hidden from the optimiser by value_barrier()); only
 *     negligible-probability retry conditions (k = 0, r = 0, r + k = n, s = 0) and
 *     argument validity are branched on. Secret scalars are wiped after use.
 */

#ifndef __SIZEOF_INT128__
#error "sm2p256.c needs a compiler with unsigned __int128 (GCC or Clang on a 64-bit target)"
#endif

#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef uint64_t u64;
typedef unsigned __int128 u128;

/* A field element mod p or a scalar mod n: 4 little-endian 64-bit limbs.
 * Field elements are kept in Montgomery form (a*R mod p) unless noted. */
typedef u64 fe[4];
typedef u64 sc[4];

typedef struct { fe x, y, z; } jpoint; /* Jacobian: (X/Z^2, Y/Z^3); Z = 0 is infinity */
typedef struct { fe x, y; } apoint;    /* affine, never infinity */

#if defined(__GNUC__) || defined(__clang__)
#define ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define ALWAYS_INLINE inline
#endif

/* ------------------------------------------------------------------------- */
/* Constants (GB/T 32918.5 recommended curve sm2p256v1)                      */
/* ------------------------------------------------------------------------- */

/* p = FFFFFFFE FFFFFFFF FFFFFFFF FFFFFFFF FFFFFFFF 00000000 FFFFFFFF FFFFFFFF */
static const fe P = {0xffffffffffffffffULL, 0xffffffff00000000ULL,
                     0xffffffffffffffffULL, 0xfffffffeffffffffULL};
/* n = FFFFFFFE FFFFFFFF FFFFFFFF FFFFFFFF 7203DF6B 21C6052B 53BBF409 39D54123 */
static const sc N = {0x53bbf40939d54123ULL, 0x7203df6b21c6052bULL,
                     0xffffffffffffffffULL, 0xfffffffeffffffffULL};
/* n - 2, the Fermat exponent for inversion mod n */
static const sc N_MINUS_2 = {0x53bbf40939d54121ULL, 0x7203df6b21c6052bULL,
                             0xffffffffffffffffULL, 0xfffffffeffffffffULL};
/* -n^-1 mod 2^64 (Montgomery factor for n; the one for p is 1) */
static const u64 N0INV = 0x327f9e8872350975ULL;
/* R^2 mod p and R^2 mod n, R = 2^256: multiply by these to enter Montgomery form */
static const fe RR_P = {0x0000000200000003ULL, 0x00000002ffffffffULL,
                        0x0000000100000001ULL, 0x0000000400000002ULL};
static const sc RR_N = {0x901192af7c114f20ULL, 0x3464504ade6fa2faULL,
                        0x620fc84c3affe0d4ULL, 0x1eb5e412a22b3d3bULL};
/* 1 in Montgomery form: R mod p = 2^224 + 2^96 - 2^64 + 1 */
static const fe FE_ONE = {0x0000000000000001ULL, 0x00000000ffffffffULL,
                          0x0000000000000000ULL, 0x0000000100000000ULL};

/* b, Gx, Gy in normal form; converted to Montgomery form once at load */
static const fe CURVE_B = {0xddbcbd414d940e93ULL, 0xf39789f515ab8f92ULL,
                           0x4d5a9e4bcf6509a7ULL, 0x28e9fa9e9d9f5e34ULL};
static const fe CURVE_GX = {0x715a4589334c74c7ULL, 0x8fe30bbff2660be1ULL,
                            0x5f9904466a39c994ULL, 0x32c4ae2c1f198119ULL};
static const fe CURVE_GY = {0x02df32e52139f0a0ULL, 0xd0a9877cc62a4740ULL,
                            0x59bdcee36b692153ULL, 0xbc3736a2f4f6779cULL};

/* ------------------------------------------------------------------------- */
/* Constant-time helpers                                                     */
/* ------------------------------------------------------------------------- */

/* Hide a value from the optimiser so mask arithmetic is not turned into branches. */
static ALWAYS_INLINE u64 value_barrier(u64 x) {
#if defined(__GNUC__) || defined(__clang__)
    __asm__("" : "+r"(x));
#endif
    return x;
}

/* all-ones if x == 0, else 0 */
static ALWAYS_INLINE u64 mask_if_zero(u64 x) {
    x = value_barrier(x);
    return ((x | (0 - x)) >> 63) - 1;
}

/* all-ones if bit == 1, 0 if bit == 0 */
static ALWAYS_INLINE u64 mask_from_bit(u64 bit) { return 0 - value_barrier(bit); }

static ALWAYS_INLINE void limbs_select(u64 *r, u64 mask, const u64 *a, const u64 *b, int count) {
    for (int i = 0; i < count; i++) r[i] = (a[i] & mask) | (b[i] & ~mask); /* mask ? a : b */
}

static void wipe(void *p, size_t len) {
    volatile uint8_t *v = (volatile uint8_t *)p;
    while (len--) *v++ = 0;
}

/* ------------------------------------------------------------------------- */
/* 256-bit limb arithmetic shared by the field (mod p) and scalars (mod n)   */
/* ------------------------------------------------------------------------- */

/* Add/subtract with carry. On x86_64 the _addcarry_u64/_subborrow_u64 builtins (plain
 * ADC/SBB, baseline x86_64, no -march needed) let GCC keep the carry in the flags;
 * GCC turns the equivalent __int128 code into much longer sequences. Elsewhere
 * (aarch64, ...) the portable __int128 form compiles to ADDS/ADCS. */
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__)) && !defined(SM2P256_PORTABLE)
#include <x86intrin.h>
static ALWAYS_INLINE unsigned char addc(unsigned char c, u64 a, u64 b, u64 *r) {
    unsigned long long t;
    c = _addcarry_u64(c, a, b, &t);
    *r = t;
    return c;
}
static ALWAYS_INLINE unsigned char subb(unsigned char c, u64 a, u64 b, u64 *r) {
    unsigned long long t;
    c = _subborrow_u64(c, a, b, &t);
    *r = t;
    return c;
}
#else
static ALWAYS_INLINE unsigned char addc(unsigned char c, u64 a, u64 b, u64 *r) {
    u128 t = (u128)a + b + c;
    *r = (u64)t;
    return (unsigned char)(t >> 64);
}
static ALWAYS_INLINE unsigned char subb(unsigned char c, u64 a, u64 b, u64 *r) {
    u128 t = (u128)a - b - c;
    *r = (u64)t;
    return (unsigned char)((t >> 64) & 1);
}
#endif

static ALWAYS_INLINE u64 mul_lo_hi(u64 a, u64 b, u64 *hi) {
    u128 t = (u128)a * b;
    *hi = (u64)(t >> 64);
    return (u64)t;
}

static void bytes_to_limbs(u64 r[4], const uint8_t b[32]) {
    for (int i = 0; i < 4; i++) {
        u64 w = 0;
        for (int j = 0; j < 8; j++) w = (w << 8) | b[8 * i + j];
        r[3 - i] = w;
    }
}

static void limbs_to_bytes(uint8_t b[32], const u64 a[4]) {
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 8; j++) b[8 * i + j] = (uint8_t)(a[3 - i] >> (56 - 8 * j));
}

/* all-ones if a < b (constant time) */
static u64 lt_mask(const u64 a[4], const u64 b[4]) {
    u64 t;
    unsigned char borrow = 0;
    for (int i = 0; i < 4; i++) borrow = subb(borrow, a[i], b[i], &t);
    return mask_from_bit(borrow);
}

static u64 is_zero_mask(const u64 a[4]) { return mask_if_zero(a[0] | a[1] | a[2] | a[3]); }

static u64 equal_mask(const u64 a[4], const u64 b[4]) {
    return mask_if_zero((a[0] ^ b[0]) | (a[1] ^ b[1]) | (a[2] ^ b[2]) | (a[3] ^ b[3]));
}

/* r = (hi*2^256 + t) mod m, given that it is < 2m (hi is 0 or 1): subtract m, and add it
 * back (masked) if that went negative. Written as a second carry chain rather than a
 * select because GCC vectorises mask selects into slow GPR<->SSE moves. */
static ALWAYS_INLINE void final_subtract(u64 r[4], u64 t0, u64 t1, u64 t2, u64 t3, u64 hi,
                                         const u64 m[4]) {
    u64 s0, s1, s2, s3, junk;
    unsigned char c;
    c = subb(0, t0, m[0], &s0);
    c = subb(c, t1, m[1], &s1);
    c = subb(c, t2, m[2], &s2);
    c = subb(c, t3, m[3], &s3);
    c = subb(c, hi, 0, &junk);               /* borrows iff hi*2^256 + t < m */
    u64 mask = mask_from_bit(c);
    c = addc(0, s0, m[0] & mask, &r[0]);
    c = addc(c, s1, m[1] & mask, &r[1]);
    c = addc(c, s2, m[2] & mask, &r[2]);
    (void)addc(c, s3, m[3] & mask, &r[3]);
}

static ALWAYS_INLINE void mod_add(u64 r[4], const u64 a[4], const u64 b[4], const u64 m[4]) {
    u64 t0, t1, t2, t3;
    unsigned char c;
    c = addc(0, a[0], b[0], &t0);
    c = addc(c, a[1], b[1], &t1);
    c = addc(c, a[2], b[2], &t2);
    c = addc(c, a[3], b[3], &t3);
    final_subtract(r, t0, t1, t2, t3, c, m);
}

static ALWAYS_INLINE void mod_sub(u64 r[4], const u64 a[4], const u64 b[4], const u64 m[4]) {
    u64 t0, t1, t2, t3;
    unsigned char c;
    c = subb(0, a[0], b[0], &t0);
    c = subb(c, a[1], b[1], &t1);
    c = subb(c, a[2], b[2], &t2);
    c = subb(c, a[3], b[3], &t3);
    u64 mask = mask_from_bit(c);             /* went negative: add m back */
    c = addc(0, t0, m[0] & mask, &r[0]);
    c = addc(c, t1, m[1] & mask, &r[1]);
    c = addc(c, t2, m[2] & mask, &r[2]);
    (void)addc(c, t3, m[3] & mask, &r[3]);
}

/* (t0..t4) += x * b, where x*b is the 5-limb row b*x. The caller guarantees no overflow. */
static ALWAYS_INLINE void add_row(u64 *t0, u64 *t1, u64 *t2, u64 *t3, u64 *t4, u64 x, const u64 b[4]) {
    u64 h0, h1, h2, h3, l0, l1, l2, l3, r1, r2, r3;
    unsigned char c;
    l0 = mul_lo_hi(x, b[0], &h0);
    l1 = mul_lo_hi(x, b[1], &h1);
    l2 = mul_lo_hi(x, b[2], &h2);
    l3 = mul_lo_hi(x, b[3], &h3);
    c = addc(0, l1, h0, &r1);                /* row = l + h*2^64 */
    c = addc(c, l2, h1, &r2);
    c = addc(c, l3, h2, &r3);
    h3 += c;                                 /* h3 <= 2^64 - 2: no overflow */
    c = addc(0, *t0, l0, t0);
    c = addc(c, *t1, r1, t1);
    c = addc(c, *t2, r2, t2);
    c = addc(c, *t3, r3, t3);
    *t4 += h3 + c;
}

/* ------------------------------------------------------------------------- */
/* Field arithmetic mod p (Montgomery form)                                  */
/* ------------------------------------------------------------------------- */

/* The Montgomery round for p needs no multiplication. With m = t mod 2^64 (the Montgomery
 * factor is 1 because p = -1 mod 2^64) and p + 1 = 2^64 (2^192 - 2^160 - 2^32 + 1):
 *     (t + m p) / 2^64 = floor(t / 2^64) + m (2^192 - 2^160 - 2^32 + 1)
 *                      = floor(t / 2^64) + u 2^160 - u,    u = m (2^32 - 1) < 2^96.
 * p_round_addend() returns D = u 2^160 - u (0 <= D < 2^256) as 4 limbs; its top limb is
 * at most 2^64 - 2^32 - 1, so a pending carry bit can be folded into it. */
static ALWAYS_INLINE void p_round_addend(u64 m, u64 *d0, u64 *d1, u64 *d2, u64 *d3) {
    u64 u_lo, u_hi, junk;
    unsigned char b;
    b = subb(0, m << 32, m, &u_lo);          /* u = m 2^32 - m */
    u_hi = (m >> 32) - b;
    b = subb(0, 0, u_lo, d0);                /* D = [0, 0, u<<160 ...] - [u_lo, u_hi, 0, 0] */
    b = subb(b, 0, u_hi, d1);
    b = subb(b, u_lo << 32, 0, d2);
    (void)subb(b, (u_hi << 32) | (u_lo >> 32), 0, &junk);
    *d3 = junk;
}

/* r = a * b / 2^256 mod p (operand-scanning Montgomery: one row, then one round; the
 * accumulator stays below 2p, so 4 limbs plus one bit). */
static void fe_mul(fe r, const fe a, const fe b) {
    u64 t0 = 0, t1 = 0, t2 = 0, t3 = 0, t4 = 0, d0, d1, d2, d3;
    unsigned char c;
    for (int i = 0; i < 4; i++) {
        add_row(&t0, &t1, &t2, &t3, &t4, a[i], b);
        p_round_addend(t0, &d0, &d1, &d2, &d3);
        c = addc(0, t1, d0, &t0);            /* t = (t >> 64) + D */
        c = addc(c, t2, d1, &t1);
        c = addc(c, t3, d2, &t2);
        c = addc(c, t4, d3, &t3);
        t4 = c;
    }
    final_subtract(r, t0, t1, t2, t3, t4, P);
}

/* t = a^2 (10 multiplications: the 6 cross products, doubled, plus the 4 squares) */
static ALWAYS_INLINE void sqr_512(u64 t[8], const u64 a[4]) {
    u64 h, l;
    unsigned char c;
    /* cross products a[i]*a[j], i < j, at limbs 1..6 */
    t[1] = mul_lo_hi(a[0], a[1], &t[2]);
    l = mul_lo_hi(a[0], a[2], &h);
    c = addc(0, t[2], l, &t[2]);
    t[3] = h + c;
    l = mul_lo_hi(a[0], a[3], &h);
    c = addc(0, t[3], l, &t[3]);
    t[4] = h + c;
    l = mul_lo_hi(a[1], a[3], &h);
    c = addc(0, t[4], l, &t[4]);
    t[5] = h + c;
    l = mul_lo_hi(a[2], a[3], &h);
    c = addc(0, t[5], l, &t[5]);
    t[6] = h + c;
    l = mul_lo_hi(a[1], a[2], &h);
    c = addc(0, t[3], l, &t[3]);
    c = addc(c, t[4], h, &t[4]);
    c = addc(c, t[5], 0, &t[5]);
    t[6] += c;
    /* double them */
    t[7] = t[6] >> 63;
    t[6] = (t[6] << 1) | (t[5] >> 63);
    t[5] = (t[5] << 1) | (t[4] >> 63);
    t[4] = (t[4] << 1) | (t[3] >> 63);
    t[3] = (t[3] << 1) | (t[2] >> 63);
    t[2] = (t[2] << 1) | (t[1] >> 63);
    t[1] <<= 1;
    /* add the squares a[i]^2 at limb 2i */
    t[0] = mul_lo_hi(a[0], a[0], &h);
    c = addc(0, t[1], h, &t[1]);
    l = mul_lo_hi(a[1], a[1], &h);
    c = addc(c, t[2], l, &t[2]);
    c = addc(c, t[3], h, &t[3]);
    l = mul_lo_hi(a[2], a[2], &h);
    c = addc(c, t[4], l, &t[4]);
    c = addc(c, t[5], h, &t[5]);
    l = mul_lo_hi(a[3], a[3], &h);
    c = addc(c, t[6], l, &t[6]);
    (void)addc(c, t[7], h, &t[7]);
}

/* r = a^2 / 2^256 mod p: the 512-bit square, then four multiplication-free rounds. */
static void fe_sqr(fe r, const fe a) {
    u64 t[8], d0, d1, d2, d3;
    unsigned char c;
    sqr_512(t, a);
    /* four rounds; the carry out of each round lands on the next round's top limb */
    u64 hi = 0;
    for (int i = 0; i < 4; i++) {
        p_round_addend(t[i], &d0, &d1, &d2, &d3);
        d3 += hi;
        c = addc(0, t[i + 1], d0, &t[i + 1]);
        c = addc(c, t[i + 2], d1, &t[i + 2]);
        c = addc(c, t[i + 3], d2, &t[i + 3]);
        c = addc(c, t[i + 4], d3, &t[i + 4]);
        hi = c;
    }
    final_subtract(r, t[4], t[5], t[6], t[7], hi, P);
}

static void fe_sqr_times(fe r, const fe a, int times) {
    fe_sqr(r, a);
    while (--times > 0) fe_sqr(r, r);
}

static void fe_add(fe r, const fe a, const fe b) { mod_add(r, a, b, P); }
static void fe_sub(fe r, const fe a, const fe b) { mod_sub(r, a, b, P); }

/* r = k*a mod p for a small constant k (2 <= k <= 8), in one pass: k*a = h*2^256 + low with
 * h < 8, and 2^256 = 2^224 + 2^96 - 2^64 + 1 (mod p), so k*a = low + h*(2^224 + 2^96 - 2^64 + 1),
 * which is below 2p: one conditional subtraction. Cheaper than k-1 additions in the
 * point doubling. Works unchanged on Montgomery-form values (the factor R is linear). */
static ALWAYS_INLINE void fe_mul_small(fe r, const fe a, u64 k) {
    u64 t0, t1, t2, t3, h, hi;
    unsigned char c;
    t0 = mul_lo_hi(a[0], k, &h);
    t1 = mul_lo_hi(a[1], k, &hi); c = addc(0, t1, h, &t1); h = hi + c;
    t2 = mul_lo_hi(a[2], k, &hi); c = addc(0, t2, h, &t2); h = hi + c;
    t3 = mul_lo_hi(a[3], k, &hi); c = addc(0, t3, h, &t3); h = hi + c;
    c = addc(0, t0, h, &t0);                       /* + h*(1 + (2^32-1)*2^64 + 2^224) */
    c = addc(c, t1, h * 0xffffffffULL, &t1);
    c = addc(c, t2, 0, &t2);
    c = addc(c, t3, h << 32, &t3);
    final_subtract(r, t0, t1, t2, t3, c, P);
}

static void fe_neg(fe r, const fe a) {
    static const fe zero = {0, 0, 0, 0};
    mod_sub(r, zero, a, P); /* maps 0 to 0, keeps the result canonical */
}

static void fe_to_mont(fe r, const fe a) { fe_mul(r, a, RR_P); } /* a < p */

static void fe_from_mont(fe r, const fe a) {
    static const fe one = {1, 0, 0, 0};
    fe_mul(r, a, one);
}

/* r = a^(p-2) = a^-1 (0 maps to 0). Addition chain for
 * p-2 = 1^31 0 1^128 0^32 1^30 0 1 (runs of bits, most significant first):
 * 256 squarings, 15 multiplications, fixed sequence -> constant time. */
static void fe_inv(fe r, const fe a) {
    fe x2, x3, x6, x12, x15, x30, x31, x32, t;
    fe_sqr(x2, a);            fe_mul(x2, x2, a);     /* x_k = a^(2^k - 1) */
    fe_sqr(x3, x2);           fe_mul(x3, x3, a);
    fe_sqr_times(x6, x3, 3);  fe_mul(x6, x6, x3);
    fe_sqr_times(x12, x6, 6); fe_mul(x12, x12, x6);
    fe_sqr_times(x15, x12, 3); fe_mul(x15, x15, x3);
    fe_sqr_times(x30, x15, 15); fe_mul(x30, x30, x15);
    fe_sqr(x31, x30);         fe_mul(x31, x31, a);
    fe_sqr(x32, x31);         fe_mul(x32, x32, a);

    fe_sqr_times(t, x31, 33); fe_mul(t, t, x32);     /* 1^31 0 1^32 */
    fe_sqr_times(t, t, 32);   fe_mul(t, t, x32);     /* ... 1^64 */
    fe_sqr_times(t, t, 32);   fe_mul(t, t, x32);     /* ... 1^96 */
    fe_sqr_times(t, t, 32);   fe_mul(t, t, x32);     /* ... 1^128 */
    fe_sqr_times(t, t, 64);   fe_mul(t, t, x32);     /* ... 0^32 1^32 */
    fe_sqr_times(t, t, 30);   fe_mul(t, t, x30);     /* ... 1^30 */
    fe_sqr_times(t, t, 2);    fe_mul(r, t, a);       /* ... 0 1 */
}

/* Montgomery-form curve constants, set once by init_tables() */
static fe B_MONT;
static apoint G_MONT;

/* all-ones if (x, y) (Montgomery form) satisfies y^2 = x^3 - 3x + b */
static u64 fe_on_curve_mask(const fe x, const fe y) {
    fe lhs, rhs, t;
    fe_sqr(lhs, y);
    fe_sqr(rhs, x);
    fe_mul(rhs, rhs, x);
    fe_add(t, x, x);
    fe_add(t, t, x);
    fe_sub(rhs, rhs, t);
    fe_add(rhs, rhs, B_MONT);
    return equal_mask(lhs, rhs);
}

/* ------------------------------------------------------------------------- */
/* Scalar arithmetic mod n                                                   */
/* ------------------------------------------------------------------------- */

/* r = a mod n for any 256-bit a (2^256 < 2n, so one conditional subtraction) */
static void sc_reduce(sc r, const u64 a[4]) { final_subtract(r, a[0], a[1], a[2], a[3], 0, N); }

static void sc_add(sc r, const sc a, const sc b) { mod_add(r, a, b, N); }
static void sc_sub(sc r, const sc a, const sc b) { mod_sub(r, a, b, N); }

/* Montgomery product a*b/2^256 mod n (operand scanning, generic round m = t0 * -n^-1). */
static void sc_mont_mul(sc r, const sc a, const sc b) {
    u64 t0 = 0, t1 = 0, t2 = 0, t3 = 0, t4 = 0, t5;
    for (int i = 0; i < 4; i++) {
        add_row(&t0, &t1, &t2, &t3, &t4, a[i], b);
        t5 = 0;                               /* t + m n < 2^321 needs a sixth limb bit */
        add_row(&t0, &t1, &t2, &t3, &t5, t0 * N0INV, N); /* t0 becomes 0 */
        unsigned char c = addc(0, t4, t5, &t4);
        t0 = t1; t1 = t2; t2 = t3; t3 = t4; t4 = c;
    }
    final_subtract(r, t0, t1, t2, t3, t4, N);
}

/* Montgomery square a^2/2^256 mod n: 10-multiply square, then four generic rounds
 * (separated operand scanning) on the 512-bit value. */
static void sc_mont_sqr(sc r, const sc a) {
    u64 t[8], top, hi = 0;
    unsigned char c;
    sqr_512(t, a);
    for (int i = 0; i < 4; i++) {
        top = 0;
        add_row(&t[i], &t[i + 1], &t[i + 2], &t[i + 3], &top, t[i] * N0INV, N); /* t[i] -> 0 */
        c = addc(0, t[i + 4], top, &t[i + 4]);
        hi = c + addc(0, t[i + 4], hi, &t[i + 4]); /* at most one of the two carries is set */
    }
    final_subtract(r, t[4], t[5], t[6], t[7], hi, N);
}

static void sc_to_mont(sc r, const sc a) { sc_mont_mul(r, a, RR_N); }

/* r = a^(n-2) for a in Montgomery form (result in Montgomery form): the inverse mod n.
 * Left-to-right sliding windows of up to 5 bits over the public exponent n-2, with a
 * table of odd powers: 252 squarings and 60 multiplications. Which operations run
 * depends only on n, never on a, so this is constant time in a. */
static void sc_mont_inv(sc r, const sc a) {
    sc odd[16], acc, a2; /* odd[i] = a^(2i+1) */
    memcpy(odd[0], a, sizeof(sc));
    sc_mont_sqr(a2, a);
    for (int i = 1; i < 16; i++) sc_mont_mul(odd[i], odd[i - 1], a2);
    int started = 0;
    for (int i = 255; i >= 0;) {
        if (!((N_MINUS_2[i / 64] >> (i % 64)) & 1)) { /* zero bit: square */
            sc_mont_sqr(acc, acc);
            i--;
            continue;
        }
        /* the longest window i..j (at most 5 bits) that ends in a one bit */
        int j = i - 4 < 0 ? 0 : i - 4;
        while (!((N_MINUS_2[j / 64] >> (j % 64)) & 1)) j++;
        unsigned value = 0;
        for (int b = i; b >= j; b--) value = (value << 1) | (unsigned)((N_MINUS_2[b / 64] >> (b % 64)) & 1);
        if (started) {
            for (int b = i; b >= j; b--) sc_mont_sqr(acc, acc);
            sc_mont_mul(acc, acc, odd[value / 2]);
        } else {
            memcpy(acc, odd[value / 2], sizeof(sc));
            started = 1;
        }
        i = j - 1;
    }
    memcpy(r, acc, sizeof(sc));
    wipe(odd, sizeof odd);
    wipe(acc, sizeof acc);
    wipe(a2, sizeof a2);
}

/* ------------------------------------------------------------------------- */
/* Point arithmetic (Jacobian, a = -3)                                       */
/* ------------------------------------------------------------------------- */

static void point_select(jpoint *r, u64 mask, const jpoint *a, const jpoint *b) {
    limbs_select(r->x, mask, a->x, b->x, 4);
    limbs_select(r->y, mask, a->y, b->y, 4);
    limbs_select(r->z, mask, a->z, b->z, 4);
}

/* r = 2a (dbl-2001-b with Z3 = 2*Y1*Z1; 4M + 4S). Maps infinity (Z = 0) to infinity.
 * The curve has prime order, so there is no point with y = 0 to worry about. */
static void point_double(jpoint *r, const jpoint *a) {
    fe delta, gamma, beta4, alpha, t0, t1;
    fe_sqr(delta, a->z);
    fe_sqr(gamma, a->y);
    fe_mul(beta4, a->x, gamma);
    fe_mul_small(beta4, beta4, 4);             /* 4*beta = 4*X1*Y1^2 */
    fe_sub(t0, a->x, delta);
    fe_add(t1, a->x, delta);
    fe_mul(alpha, t0, t1);
    fe_mul_small(alpha, alpha, 3);             /* alpha = 3*(X1-Z1^2)*(X1+Z1^2) */
    fe_mul(r->z, a->y, a->z);
    fe_add(r->z, r->z, r->z);                  /* Z3 = 2*Y1*Z1 (a is not read after this) */
    fe_sqr(r->x, alpha);
    fe_sub(r->x, r->x, beta4);
    fe_sub(r->x, r->x, beta4);                 /* X3 = alpha^2 - 8*beta */
    fe_sub(t0, beta4, r->x);
    fe_mul(t0, alpha, t0);
    fe_sqr(t1, gamma);
    fe_mul_small(t1, t1, 8);                   /* 8*gamma^2 */
    fe_sub(r->y, t0, t1);                      /* Y3 = alpha*(4*beta - X3) - 8*gamma^2 */
}

/* r = a + b with b affine (madd-2004-hmv, 8M + 3S). The result is only meaningful when
 * a is not infinity and a != +-b; *degenerate gets all-ones when a == b (H = 0 and R = 0),
 * in which case the caller must double instead. a == -b gives Z3 = 0 (infinity). */
static void point_add_affine(jpoint *r, const jpoint *a, const apoint *b, u64 *degenerate) {
    fe z1z1, u2, s2, h, rr, hh, hhh, v, t;
    fe_sqr(z1z1, a->z);
    fe_mul(u2, b->x, z1z1);
    fe_mul(s2, a->z, z1z1);
    fe_mul(s2, s2, b->y);
    fe_sub(h, u2, a->x);                       /* H = X2*Z1^2 - X1 */
    fe_sub(rr, s2, a->y);                      /* R = Y2*Z1^3 - Y1 */
    if (degenerate) *degenerate = is_zero_mask(h) & is_zero_mask(rr);
    fe_sqr(hh, h);
    fe_mul(hhh, h, hh);
    fe_mul(v, a->x, hh);
    fe_mul(t, a->y, hhh);                      /* Y1*H^3, before r (maybe == a) is written */
    fe_mul(r->z, a->z, h);                     /* Z3 = Z1*H */
    fe_sqr(r->x, rr);
    fe_sub(r->x, r->x, hhh);
    fe_sub(r->x, r->x, v);
    fe_sub(r->x, r->x, v);                     /* X3 = R^2 - H^3 - 2*X1*H^2 */
    fe_sub(v, v, r->x);
    fe_mul(v, rr, v);
    fe_sub(r->y, v, t);                        /* Y3 = R*(X1*H^2 - X3) - Y1*H^3 */
}

/* r = a + b, both Jacobian (add-1998-cmo-2, 12M + 4S). Same caveats as
 * point_add_affine: neither input may be infinity; a == b reported via *degenerate. */
static void point_add(jpoint *r, const jpoint *a, const jpoint *b, u64 *degenerate) {
    fe z1z1, z2z2, u1, u2, s1, s2, h, rr, hh, hhh, v, t;
    fe_sqr(z1z1, a->z);
    fe_sqr(z2z2, b->z);
    fe_mul(u1, a->x, z2z2);
    fe_mul(u2, b->x, z1z1);
    fe_mul(s1, a->y, b->z);
    fe_mul(s1, s1, z2z2);
    fe_mul(s2, b->y, a->z);
    fe_mul(s2, s2, z1z1);
    fe_sub(h, u2, u1);
    fe_sub(rr, s2, s1);
    if (degenerate) *degenerate = is_zero_mask(h) & is_zero_mask(rr);
    fe_sqr(hh, h);
    fe_mul(hhh, h, hh);
    fe_mul(v, u1, hh);
    fe_mul(t, s1, hhh);
    fe_mul(r->z, a->z, b->z);
    fe_mul(r->z, r->z, h);                     /* Z3 = Z1*Z2*H */
    fe_sqr(r->x, rr);
    fe_sub(r->x, r->x, hhh);
    fe_sub(r->x, r->x, v);
    fe_sub(r->x, r->x, v);                     /* X3 = R^2 - H^3 - 2*U1*H^2 */
    fe_sub(v, v, r->x);
    fe_mul(v, rr, v);
    fe_sub(r->y, v, t);                        /* Y3 = R*(U1*H^2 - X3) - S1*H^3 */
}

/* Variable-time additions handling every case (public data only). */
static int point_is_infinity(const jpoint *a) { return is_zero_mask(a->z) != 0; }

static void point_add_affine_vartime(jpoint *r, const jpoint *a, const apoint *b) {
    if (point_is_infinity(a)) {
        memcpy(r->x, b->x, sizeof(fe));
        memcpy(r->y, b->y, sizeof(fe));
        memcpy(r->z, FE_ONE, sizeof(fe));
        return;
    }
    jpoint sum;
    u64 degenerate;
    point_add_affine(&sum, a, b, &degenerate);
    if (degenerate) point_double(r, a); else *r = sum;
}

static void point_add_vartime(jpoint *r, const jpoint *a, const jpoint *b) {
    if (point_is_infinity(a)) { *r = *b; return; }
    if (point_is_infinity(b)) { *r = *a; return; }
    jpoint sum;
    u64 degenerate;
    point_add(&sum, a, b, &degenerate);
    if (degenerate) point_double(r, a); else *r = sum;
}

/* Affine (normal form, not Montgomery) coordinates of a non-infinity point. */
static void point_to_affine_bytes(uint8_t out[64], const jpoint *a) {
    fe zinv, zinv2, x, y;
    fe_inv(zinv, a->z);
    fe_sqr(zinv2, zinv);
    fe_mul(x, a->x, zinv2);
    fe_mul(zinv2, zinv2, zinv);
    fe_mul(y, a->y, zinv2);
    fe_from_mont(x, x);
    fe_from_mont(y, y);
    limbs_to_bytes(out, x);
    limbs_to_bytes(out + 32, y);
}

/* Convert count (<= 64) non-infinity points to affine with one inversion (Montgomery's trick). */
#define BATCH_MAX 64
static void batch_to_affine(apoint *out, const jpoint *in, int count) {
    fe prefix[BATCH_MAX], inv, zinv, zinv2;
    memcpy(prefix[0], in[0].z, sizeof(fe));
    for (int i = 1; i < count; i++) fe_mul(prefix[i], prefix[i - 1], in[i].z);
    fe_inv(inv, prefix[count - 1]);             /* inv = 1 / (Z_0 ... Z_{count-1}) */
    for (int i = count - 1; i >= 0; i--) {
        if (i > 0) {
            fe_mul(zinv, inv, prefix[i - 1]);   /* 1 / Z_i */
            fe_mul(inv, inv, in[i].z);          /* 1 / (Z_0 ... Z_{i-1}) */
        } else {
            memcpy(zinv, inv, sizeof(fe));
        }
        fe_sqr(zinv2, zinv);
        fe_mul(out[i].x, in[i].x, zinv2);
        fe_mul(zinv2, zinv2, zinv);
        fe_mul(out[i].y, in[i].y, zinv2);
    }
}

/* ------------------------------------------------------------------------- */
/* Scalar recoding                                                           */
/* ------------------------------------------------------------------------- */

/* Bits [low, low+width) of k; bits below 0 or above 255 read as 0. low >= -1, width <= 32.
 * The position is public, so branching on it is fine. */
static u64 scalar_window(const u64 k[4], int low, int width) {
    u64 mask = ((u64)1 << width) - 1;
    if (low < 0) return (k[0] << -low) & mask;
    int limb = low / 64, shift = low % 64;
    if (limb >= 4) return 0;
    u64 v = k[limb] >> shift;
    if (shift + width > 64 && limb + 1 < 4) v |= k[limb + 1] << (64 - shift);
    return v & mask;
}

/* Booth recoding of a (w+1)-bit window (w bits plus the bit below them) into a signed
 * digit in [-2^(w-1), 2^(w-1)]: magnitude in *digit, sign in *negative. Branch-free. */
static ALWAYS_INLINE void booth_recode(u64 bits, int w, u64 *digit, u64 *negative) {
    u64 neg_mask = ~((bits >> w) - 1);             /* all-ones if the top bit is set */
    u64 d = ((u64)1 << (w + 1)) - bits - 1;         /* magnitude path for negative digits */
    d = (d & neg_mask) | (bits & ~neg_mask);
    *digit = (d >> 1) + (d & 1);
    *negative = neg_mask & 1;
}

/* Width-w NAF of k (variable time): out[i] odd in (-2^(w-1), 2^(w-1)) or 0, k = sum out[i]*2^i. */
#define NAF_LEN 257
static void scalar_wnaf(int8_t out[NAF_LEN], const u64 k[4], int w) {
    int carry = 0;
    memset(out, 0, NAF_LEN);
    for (int bit = 0; bit < NAF_LEN;) {
        if ((int)scalar_window(k, bit, 1) == carry) { bit++; continue; }
        int word = (int)scalar_window(k, bit, w) + carry;
        carry = (word >> (w - 1)) & 1;
        word -= carry << w;
        out[bit] = (int8_t)word;
        bit += w;
    }
}

/* ------------------------------------------------------------------------- */
/* Precomputed tables of multiples of G (built once at module load)          */
/* ------------------------------------------------------------------------- */

#define COMB_W 6                                  /* bits per comb window */
#define COMB_WINDOWS ((256 + COMB_W) / COMB_W)    /* smallest count with COMB_W*count >= 257 */
#define COMB_POINTS (1 << (COMB_W - 1))           /* |Booth digit| <= 2^(COMB_W-1) */
#define G_WNAF_W 8                                /* wNAF width for G in verification */
#define G_ODD_POINTS (1 << (G_WNAF_W - 2))        /* G, 3G, ..., (2^(w-1)-1)G */

/* comb_table[i][j] = (j+1) * 2^(COMB_W*i) * G, affine, Montgomery form */
static apoint comb_table[COMB_WINDOWS][COMB_POINTS];
/* g_odd[j] = (2j+1) * G */
static apoint g_odd[G_ODD_POINTS];

static void init_tables(void) {
    jpoint base, tmp[BATCH_MAX];

    fe_to_mont(B_MONT, CURVE_B);
    fe_to_mont(G_MONT.x, CURVE_GX);
    fe_to_mont(G_MONT.y, CURVE_GY);
    memcpy(base.x, G_MONT.x, sizeof(fe));
    memcpy(base.y, G_MONT.y, sizeof(fe));
    memcpy(base.z, FE_ONE, sizeof(fe));

    for (int i = 0; i < COMB_WINDOWS; i++) {
        tmp[0] = base;
        point_double(&tmp[1], &base);
        for (int j = 2; j < COMB_POINTS; j++) point_add_vartime(&tmp[j], &tmp[j - 1], &base);
        batch_to_affine(comb_table[i], tmp, COMB_POINTS);
        point_double(&base, &tmp[COMB_POINTS - 1]); /* 2^COMB_W * base */
    }

    jpoint g2;
    memcpy(tmp[0].x, G_MONT.x, sizeof(fe));
    memcpy(tmp[0].y, G_MONT.y, sizeof(fe));
    memcpy(tmp[0].z, FE_ONE, sizeof(fe));
    point_double(&g2, &tmp[0]);
    for (int j = 1; j < G_ODD_POINTS; j++) point_add_vartime(&tmp[j], &tmp[j - 1], &g2);
    batch_to_affine(g_odd, tmp, G_ODD_POINTS);
}

/* ------------------------------------------------------------------------- */
/* Scalar multiplication                                                     */
/* ------------------------------------------------------------------------- */

/* out = table[digit-1], or all zeros if digit == 0, reading every entry. */
static void comb_lookup(apoint *out, const apoint *table, u64 digit) {
    memset(out, 0, sizeof *out);
    for (u64 j = 0; j < COMB_POINTS; j++) {
        u64 mask = mask_if_zero(j + 1 - digit);
        for (int l = 0; l < 4; l++) {
            out->x[l] |= table[j].x[l] & mask;
            out->y[l] |= table[j].y[l] & mask;
        }
    }
}

/* r = [k]G for k < n, constant time. Returns all-ones if the result is infinity (k = 0).
 *
 * With Booth digits d_i (|d_i| <= 2^(COMB_W-1)), k = sum d_i * 2^(COMB_W*i), and we add
 * T_i = [d_i * 2^(COMB_W*i)]G to Q_i = [S_i]G, S_i = sum_{j<i} d_j 2^(COMB_W*j), window by
 * window. S_i = (k mod 2^(Wi)) - bit_{Wi-1}(k) * 2^(Wi), so |S_i| <= 2^(Wi-1), while
 * 2^(Wi) <= |d_i * 2^(Wi)| <= 2^(Wi+W-1) for d_i != 0. Before the last window
 * |S_i| + |d_i 2^(Wi)| < 2^(W(i+1)) <= 2^252 < n, so Q_i = +-T_i would need S_i = +-d_i 2^(Wi)
 * as integers: impossible. In the last window (digit <= 16 because k < 2^256) Q = T would
 * need d*2^(Wi) - S_i = n, i.e. k = S_i + d*2^(Wi) >= n; Q = -T would need k = 0 mod n.
 * So for 0 < k < n the mixed addition never meets a doubling or a cancellation; the only
 * special cases are Q = infinity (low windows all zero) and d_i = 0, both handled by masks. */
static u64 mulbase_ct(jpoint *r, const sc k) {
    jpoint q, sum;
    apoint t;
    fe neg_y;
    u64 q_inf = ~(u64)0, digit, negative;
    memset(&q, 0, sizeof q);
    for (int i = 0; i < COMB_WINDOWS; i++) {
        booth_recode(scalar_window(k, COMB_W * i - 1, COMB_W + 1), COMB_W, &digit, &negative);
        comb_lookup(&t, comb_table[i], digit);
        fe_neg(neg_y, t.y);
        limbs_select(t.y, mask_from_bit(negative), neg_y, t.y, 4);

        point_add_affine(&sum, &q, &t, NULL);
        /* if Q is infinity the sum is T itself */
        limbs_select(sum.x, q_inf, t.x, sum.x, 4);
        limbs_select(sum.y, q_inf, t.y, sum.y, 4);
        limbs_select(sum.z, q_inf, FE_ONE, sum.z, 4);
        /* a zero digit adds nothing */
        u64 digit_zero = mask_if_zero(digit);
        point_select(&q, digit_zero, &q, &sum);
        q_inf &= digit_zero;
    }
    *r = q;
    wipe(&q, sizeof q);
    wipe(&t, sizeof t);
    return q_inf;
}

#define MUL_W 5
#define MUL_WINDOWS ((256 + MUL_W) / MUL_W)
#define MUL_POINTS (1 << (MUL_W - 1))

static void jtable_lookup(jpoint *out, const jpoint *table, u64 digit) {
    memset(out, 0, sizeof *out);
    for (u64 j = 0; j < MUL_POINTS; j++) {
        u64 mask = mask_if_zero(j + 1 - digit);
        for (int l = 0; l < 4; l++) {
            out->x[l] |= table[j].x[l] & mask;
            out->y[l] |= table[j].y[l] & mask;
            out->z[l] |= table[j].z[l] & mask;
        }
    }
}

/* r = [k]P for k < n and a valid point P, constant time (fixed signed windows, top down).
 * Returns all-ones if the result is infinity (k = 0).
 *
 * Edge cases: the accumulator before adding digit d_i is [2^W * A]P with A >= 0 the value
 * of the higher digits. For i > 0, 2^W*A < n/16 and |d_i| <= 16, so 2^W*A = +-d_i (mod n)
 * only if A = 0, i.e. the accumulator is infinity (handled by a mask). In the last window
 * 2^W*A = k - d_0 can reach n: k = n + 2*d_0 (e.g. k = n - 6) really does need a doubling
 * there, so the last addition is computed both ways and selected by mask. */
static u64 mul_ct(jpoint *r, const sc k, const jpoint *p) {
    jpoint table[MUL_POINTS], q, t, sum, dbl;
    fe neg_y;
    u64 q_inf = ~(u64)0, digit, negative, degenerate;

    table[0] = *p;                                /* table[j] = (j+1) * P */
    for (int j = 1; j < MUL_POINTS; j++) {
        if (j & 1) point_double(&table[j], &table[j / 2]);
        else point_add(&table[j], &table[j - 1], p, NULL); /* never degenerate: P has order n */
    }

    memset(&q, 0, sizeof q);
    for (int i = MUL_WINDOWS - 1; i >= 0; i--) {
        if (i != MUL_WINDOWS - 1)
            for (int j = 0; j < MUL_W; j++) point_double(&q, &q);
        booth_recode(scalar_window(k, MUL_W * i - 1, MUL_W + 1), MUL_W, &digit, &negative);
        jtable_lookup(&t, table, digit);
        fe_neg(neg_y, t.y);
        limbs_select(t.y, mask_from_bit(negative), neg_y, t.y, 4);

        point_add(&sum, &q, &t, &degenerate);
        if (i == 0) { /* public loop index: the only window where Q == T can happen */
            point_double(&dbl, &q);
            point_select(&sum, degenerate & ~q_inf, &dbl, &sum);
        }
        point_select(&sum, q_inf, &t, &sum);
        u64 digit_zero = mask_if_zero(digit);
        point_select(&q, digit_zero, &q, &sum);
        q_inf &= digit_zero;
    }
    *r = q;
    wipe(&q, sizeof q);
    wipe(&t, sizeof t);
    wipe(&sum, sizeof sum);
    wipe(&dbl, sizeof dbl);
    wipe(table, sizeof table);
    return q_inf;
}

#define P_WNAF_W 5
#define P_ODD_POINTS (1 << (P_WNAF_W - 2))

/* r = [s]G + [t]P, variable time (public inputs only). Interleaved wNAF: one shared
 * chain of doublings, additions from the odd-multiple tables of G and of P. */
static void muladd_vartime(jpoint *r, const sc s, const sc t, const jpoint *p) {
    int8_t naf_s[NAF_LEN], naf_t[NAF_LEN];
    jpoint p_odd[P_ODD_POINTS], p2, q, neg;
    apoint ga;

    scalar_wnaf(naf_s, s, G_WNAF_W);
    scalar_wnaf(naf_t, t, P_WNAF_W);

    p_odd[0] = *p;                                /* p_odd[j] = (2j+1) * P */
    point_double(&p2, p);
    for (int j = 1; j < P_ODD_POINTS; j++) point_add_vartime(&p_odd[j], &p_odd[j - 1], &p2);

    int top = NAF_LEN - 1;
    while (top >= 0 && naf_s[top] == 0 && naf_t[top] == 0) top--;

    memset(&q, 0, sizeof q);
    for (int i = top; i >= 0; i--) {
        if (i != top) point_double(&q, &q);
        int ds = naf_s[i], dt = naf_t[i];
        if (ds) {
            ga = g_odd[(ds > 0 ? ds : -ds) / 2];
            if (ds < 0) fe_neg(ga.y, ga.y);
            point_add_affine_vartime(&q, &q, &ga);
        }
        if (dt) {
            neg = p_odd[(dt > 0 ? dt : -dt) / 2];
            if (dt < 0) fe_neg(neg.y, neg.y);
            point_add_vartime(&q, &q, &neg);
        }
    }
    *r = q;
}

/* Parse a 64-byte X||Y point: all-ones if both coordinates are < p and on the curve. */
static u64 point_from_bytes(jpoint *r, const uint8_t in[64]) {
    fe x, y;
    bytes_to_limbs(x, in);
    bytes_to_limbs(y, in + 32);
    u64 ok = lt_mask(x, P) & lt_mask(y, P);
    fe_to_mont(r->x, x);
    fe_to_mont(r->y, y);
    memcpy(r->z, FE_ONE, sizeof(fe));
    return ok & fe_on_curve_mask(r->x, r->y);
}

/* ------------------------------------------------------------------------- */
/* SM2 signature, GB/T 32918.2-2016                                          */
/* ------------------------------------------------------------------------- */

/* all-ones if 1 <= d <= n-2 (the valid private key range of GB/T 32918.1) */
static u64 private_key_valid_mask(const sc d) {
    static const sc n_minus_1 = {0x53bbf40939d54122ULL, 0x7203df6b21c6052bULL,
                                 0xffffffffffffffffULL, 0xfffffffeffffffffULL};
    return ~is_zero_mask(d) & lt_mask(d, n_minus_1);
}

/* Section 6.1 steps A3-A7 with k = rand mod n. Returns 1 and writes r||s, or 0 if this
 * k is unusable (k = 0, r = 0, r + k = n, s = 0): the caller retries with new randomness.
 * d must satisfy 1 <= d <= n-2. Constant time in d and k apart from those rare rejections. */
static int sm2_sign(uint8_t out[64], const sc d, const sc e_in, const sc rand) {
    static const sc one = {1, 0, 0, 0};
    sc k, e, x1n, r, rk, dm, rd, k_minus_rd, d1, d1_inv, s;
    jpoint kg;
    fe zinv, x1;
    int ok = 0;

    sc_reduce(k, rand);
    if (is_zero_mask(k)) goto done;

    mulbase_ct(&kg, k);                          /* (x1, y1) = [k]G, A4 */
    fe_inv(zinv, kg.z);
    fe_sqr(zinv, zinv);
    fe_mul(x1, kg.x, zinv);
    fe_from_mont(x1, x1);

    sc_reduce(x1n, x1);                          /* x1 < p < 2^256 */
    sc_reduce(e, e_in);
    sc_add(r, e, x1n);                           /* r = (e + x1) mod n, A5 */
    sc_add(rk, r, k);
    if (is_zero_mask(r) | is_zero_mask(rk)) goto done;

    sc_to_mont(dm, d);
    sc_mont_mul(rd, r, dm);                      /* r*d mod n (Montgomery factors cancel) */
    sc_sub(k_minus_rd, k, rd);
    sc_add(d1, d, one);                          /* 1 + d, nonzero since d <= n-2 */
    sc_to_mont(d1, d1);
    sc_mont_inv(d1_inv, d1);                     /* (1+d)^-1 * R */
    sc_mont_mul(s, d1_inv, k_minus_rd);          /* s = (1+d)^-1 (k - r d) mod n, A6 */
    if (is_zero_mask(s)) goto done;

    limbs_to_bytes(out, r);
    limbs_to_bytes(out + 32, s);
    ok = 1;
done:
    wipe(k, sizeof k);
    wipe(dm, sizeof dm);
    wipe(rd, sizeof rd);
    wipe(k_minus_rd, sizeof k_minus_rd);
    wipe(d1, sizeof d1);
    wipe(d1_inv, sizeof d1_inv);
    wipe(&kg, sizeof kg);
    return ok;
}

/* Section 7.1 steps B1-B7 on a digest e, for a validated public key. Variable time. */
static int sm2_verify(const jpoint *pub, const sc e_in, const sc r, const sc s) {
    sc e, t, c;
    jpoint q;
    fe cm, z2, rhs;

    if (is_zero_mask(r) || !lt_mask(r, N) || is_zero_mask(s) || !lt_mask(s, N)) return 0; /* B1, B2 */
    sc_add(t, r, s);                             /* B5 */
    if (is_zero_mask(t)) return 0;
    muladd_vartime(&q, s, t, pub);               /* (x1, y1) = [s]G + [t]P, B6 */
    if (point_is_infinity(&q)) return 0;

    /* B7: accept iff (e + x1) mod n == r, i.e. x1 = (r - e) mod n =: c or x1 = c + n (< p).
     * With x1 = X/Z^2, test X == x1 * Z^2 for both candidates: no inversion needed. */
    sc_reduce(e, e_in);
    sc_sub(c, r, e);
    fe_sqr(z2, q.z);
    for (int candidate = 0; candidate < 2; candidate++) {
        if (candidate == 1) {
            unsigned char carry = 0;
            for (int i = 0; i < 4; i++) carry = addc(carry, c[i], N[i], &c[i]);
            if (carry || !lt_mask(c, P)) break;
        }
        fe_to_mont(cm, c);
        fe_mul(rhs, cm, z2);
        if (equal_mask(rhs, q.x)) return 1;
    }
    return 0;
}

/* ------------------------------------------------------------------------- */
/* Node-API bindings                                                         */
/* ------------------------------------------------------------------------- */
#ifndef SM2P256_NO_NODE_API

#include <node_api.h>
#include <stdatomic.h>
#include <stdio.h>

/* Bytes of a Uint8Array (or Buffer) argument of exactly len bytes; throws TypeError otherwise. */
static int get_bytes(napi_env env, napi_value value, size_t len, const char *name, const uint8_t **out) {
    bool is_typed = false;
    napi_typedarray_type type;
    size_t length = 0, offset;
    void *data = NULL;
    napi_value buffer;
    if (napi_is_typedarray(env, value, &is_typed) != napi_ok || !is_typed ||
        napi_get_typedarray_info(env, value, &type, &length, &data, &buffer, &offset) != napi_ok ||
        type != napi_uint8_array || length != len || data == NULL) {
        char msg[64];
        snprintf(msg, sizeof msg, "%s must be a %u-byte Uint8Array", name, (unsigned)len);
        napi_throw_type_error(env, NULL, msg);
        return 0;
    }
    *out = (const uint8_t *)data;
    return 1;
}

static napi_value make_bytes(napi_env env, const uint8_t *bytes, size_t len) {
    napi_value ab, result;
    void *data;
    if (napi_create_arraybuffer(env, len, &data, &ab) != napi_ok) return NULL;
    memcpy(data, bytes, len);
    if (napi_create_typedarray(env, napi_uint8_array, len, ab, 0, &result) != napi_ok) return NULL;
    return result;
}

static napi_value make_null(napi_env env) {
    napi_value v;
    napi_get_null(env, &v);
    return v;
}

static napi_value make_bool(napi_env env, int b) {
    napi_value v;
    napi_get_boolean(env, b != 0, &v);
    return v;
}

/* Fetch up to 4 arguments; missing ones read as undefined. */
static int get_args(napi_env env, napi_callback_info info, size_t count, napi_value *argv) {
    size_t argc = count;
    return napi_get_cb_info(env, info, &argc, argv, NULL, NULL) == napi_ok;
}

static int get_point(napi_env env, napi_value value, const char *name, jpoint *p) {
    const uint8_t *bytes;
    if (!get_bytes(env, value, 64, name, &bytes)) return 0;
    if (!point_from_bytes(p, bytes)) {
        napi_throw_range_error(env, NULL, "point is not on the curve");
        return 0;
    }
    return 1;
}

static napi_value point_result(napi_env env, const jpoint *q, u64 is_infinity) {
    uint8_t out[64];
    if (is_infinity) return make_null(env);
    point_to_affine_bytes(out, q);
    return make_bytes(env, out, 64);
}

/* mulBase(k32) -> Uint8Array(64) | null */
static napi_value js_mul_base(napi_env env, napi_callback_info info) {
    napi_value argv[1];
    const uint8_t *kb;
    sc k_raw, k;
    jpoint q;
    if (!get_args(env, info, 1, argv) || !get_bytes(env, argv[0], 32, "k", &kb)) return NULL;
    bytes_to_limbs(k_raw, kb);
    sc_reduce(k, k_raw);
    u64 inf = mulbase_ct(&q, k);
    wipe(k_raw, sizeof k_raw);
    wipe(k, sizeof k);
    napi_value result = point_result(env, &q, inf);
    wipe(&q, sizeof q);
    return result;
}

/* mul(k32, P64) -> Uint8Array(64) | null */
static napi_value js_mul(napi_env env, napi_callback_info info) {
    napi_value argv[2];
    const uint8_t *kb;
    sc k_raw, k;
    jpoint p, q;
    if (!get_args(env, info, 2, argv) || !get_bytes(env, argv[0], 32, "k", &kb) ||
        !get_point(env, argv[1], "P", &p))
        return NULL;
    bytes_to_limbs(k_raw, kb);
    sc_reduce(k, k_raw);
    u64 inf = mul_ct(&q, k, &p);
    wipe(k_raw, sizeof k_raw);
    wipe(k, sizeof k);
    napi_value result = point_result(env, &q, inf);
    wipe(&q, sizeof q);
    return result;
}

/* mulAdd(s32, t32, P64) -> Uint8Array(64) | null, variable time */
static napi_value js_mul_add(napi_env env, napi_callback_info info) {
    napi_value argv[3];
    const uint8_t *sb, *tb;
    sc s_raw, t_raw, s, t;
    jpoint p, q;
    if (!get_args(env, info, 3, argv) || !get_bytes(env, argv[0], 32, "s", &sb) ||
        !get_bytes(env, argv[1], 32, "t", &tb) || !get_point(env, argv[2], "P", &p))
        return NULL;
    bytes_to_limbs(s_raw, sb);
    bytes_to_limbs(t_raw, tb);
    sc_reduce(s, s_raw);
    sc_reduce(t, t_raw);
    muladd_vartime(&q, s, t, &p);
    return point_result(env, &q, is_zero_mask(q.z));
}

/* sign(d32, e32, rand32) -> Uint8Array(64) r||s | null (retry with new randomness) */
static napi_value js_sign(napi_env env, napi_callback_info info) {
    napi_value argv[3];
    const uint8_t *db, *eb, *kb;
    sc d, e, k;
    uint8_t out[64];
    if (!get_args(env, info, 3, argv) || !get_bytes(env, argv[0], 32, "d", &db) ||
        !get_bytes(env, argv[1], 32, "e", &eb) || !get_bytes(env, argv[2], 32, "rand", &kb))
        return NULL;
    bytes_to_limbs(d, db);
    if (!private_key_valid_mask(d)) {
        wipe(d, sizeof d);
        napi_throw_range_error(env, NULL, "private key d must be in [1, n-2]");
        return NULL;
    }
    bytes_to_limbs(e, eb);
    bytes_to_limbs(k, kb);
    int ok = sm2_sign(out, d, e, k);
    wipe(d, sizeof d);
    wipe(k, sizeof k);
    return ok ? make_bytes(env, out, 64) : make_null(env);
}

/* verify(P64, e32, r32, s32) -> boolean */
static napi_value js_verify(napi_env env, napi_callback_info info) {
    napi_value argv[4];
    const uint8_t *pb, *eb, *rb, *sb;
    sc e, r, s;
    jpoint p;
    if (!get_args(env, info, 4, argv) || !get_bytes(env, argv[0], 64, "P", &pb) ||
        !get_bytes(env, argv[1], 32, "e", &eb) || !get_bytes(env, argv[2], 32, "r", &rb) ||
        !get_bytes(env, argv[3], 32, "s", &sb))
        return NULL;
    if (!point_from_bytes(&p, pb)) {
        napi_throw_range_error(env, NULL, "point is not on the curve");
        return NULL;
    }
    bytes_to_limbs(e, eb);
    bytes_to_limbs(r, rb);
    bytes_to_limbs(s, sb);
    return make_bool(env, sm2_verify(&p, e, r, s));
}

/* isOnCurve(P64) -> boolean */
static napi_value js_is_on_curve(napi_env env, napi_callback_info info) {
    napi_value argv[1];
    const uint8_t *pb;
    jpoint p;
    if (!get_args(env, info, 1, argv) || !get_bytes(env, argv[0], 64, "P", &pb)) return NULL;
    return make_bool(env, point_from_bytes(&p, pb) != 0);
}

/* The tables are process-wide and shared by all workers: the first module instance builds
 * them (about a millisecond), any other thread loading the module meanwhile waits. */
static atomic_int tables_state; /* 0: not built, 1: being built, 2: ready */

static void ensure_tables(void) {
    int expected = 0;
    if (atomic_load_explicit(&tables_state, memory_order_acquire) == 2) return;
    if (atomic_compare_exchange_strong(&tables_state, &expected, 1)) {
        init_tables();
        atomic_store_explicit(&tables_state, 2, memory_order_release);
    } else {
        while (atomic_load_explicit(&tables_state, memory_order_acquire) != 2) { /* wait */ }
    }
}

static napi_value module_init(napi_env env, napi_value exports) {
    ensure_tables();
    napi_property_descriptor props[] = {
        {"mulBase", NULL, js_mul_base, NULL, NULL, NULL, napi_enumerable, NULL},
        {"mul", NULL, js_mul, NULL, NULL, NULL, napi_enumerable, NULL},
        {"mulAdd", NULL, js_mul_add, NULL, NULL, NULL, napi_enumerable, NULL},
        {"sign", NULL, js_sign, NULL, NULL, NULL, napi_enumerable, NULL},
        {"verify", NULL, js_verify, NULL, NULL, NULL, napi_enumerable, NULL},
        {"isOnCurve", NULL, js_is_on_curve, NULL, NULL, NULL, napi_enumerable, NULL},
    };
    if (napi_define_properties(env, exports, sizeof props / sizeof props[0], props) != napi_ok) return NULL;
    return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, module_init)

#endif /* SM2P256_NO_NODE_API */
