#include "CWordScan.h"

#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>

#if defined(__x86_64__) && defined(__clang__)
#include <immintrin.h>
#define CONCLAVE_WORD_BITS_AVX2 1

/// `conclave_word_bits64` thirty-two bytes per instruction, for processors with AVX2.
__attribute__((target("avx2"))) static uint64_t word_bits64_avx2(const uint8_t *bytes, uint64_t *wide) {
    uint64_t words = 0;
    uint64_t high = 0;
    for (int offset = 0; offset < 64; offset += 32) {
        __m256i v = _mm256_loadu_si256((const __m256i *)(bytes + offset));
        __m256i digit = _mm256_and_si256(_mm256_cmpgt_epi8(v, _mm256_set1_epi8(0x2F)), _mm256_cmpgt_epi8(_mm256_set1_epi8(0x3A), v));
        __m256i folded = _mm256_or_si256(v, _mm256_set1_epi8(0x20));
        __m256i letter = _mm256_and_si256(_mm256_cmpgt_epi8(folded, _mm256_set1_epi8(0x60)), _mm256_cmpgt_epi8(_mm256_set1_epi8(0x7B), folded));
        uint64_t nonASCII = (uint64_t)(uint32_t)_mm256_movemask_epi8(v);
        words |= ((uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_or_si256(digit, letter)) | nonASCII) << offset;
        high |= nonASCII << offset;
    }
    *wide = high;
    return words;
}
#endif

uint64_t conclave_word_bits64(const uint8_t *bytes, uint64_t *wide) {
#if defined(CONCLAVE_WORD_BITS_AVX2)
    if (__builtin_cpu_supports("avx2")) return word_bits64_avx2(bytes, wide);
#endif
    return conclave_word_bits64_without_avx2(bytes, wide);
}

uint64_t conclave_word_bits64_without_avx2(const uint8_t *bytes, uint64_t *wide) {
    uint64_t words = 0;
    uint64_t high = 0;
    for (int offset = 0; offset < 64; offset += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(bytes + offset));
        // Compared as signed bytes: non-ASCII bytes are negative, so they fall outside both ranges.
        __m128i digit = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8(0x2F)), _mm_cmplt_epi8(v, _mm_set1_epi8(0x3A)));
        __m128i folded = _mm_or_si128(v, _mm_set1_epi8(0x20));
        __m128i letter = _mm_and_si128(_mm_cmpgt_epi8(folded, _mm_set1_epi8(0x60)), _mm_cmplt_epi8(folded, _mm_set1_epi8(0x7B)));
        uint64_t nonASCII = (uint64_t)(uint16_t)_mm_movemask_epi8(v);
        words |= ((uint64_t)(uint16_t)_mm_movemask_epi8(_mm_or_si128(digit, letter)) | nonASCII) << offset;
        high |= nonASCII << offset;
    }
    *wide = high;
    return words;
}

#else

uint64_t conclave_word_bits64(const uint8_t *bytes, uint64_t *wide) { return conclave_word_bits64_without_avx2(bytes, wide); }

/// The high bit of each byte of `mask` (only high bits set) as bits 0 to 7.
static uint64_t gather_high_bits(uint64_t mask) { return (mask * 0x0002040810204081ULL) >> 56; }

uint64_t conclave_word_bits64_without_avx2(const uint8_t *bytes, uint64_t *wide) {
    const uint64_t high = 0x8080808080808080ULL;
    uint64_t words = 0;
    uint64_t nonASCII = 0;
    for (int offset = 0; offset < 64; offset += 8) {
        uint64_t x;
        memcpy(&x, bytes + offset, 8);
        uint64_t y = x & 0x7F7F7F7F7F7F7F7FULL;
        // For a 7-bit byte b, b + (0x80 - n) has its high bit set exactly when b >= n.
        uint64_t digit = (y + 0x5050505050505050ULL) & ~(y + 0x4646464646464646ULL) & high;
        uint64_t folded = y | 0x2020202020202020ULL;
        uint64_t letter = (folded + 0x1F1F1F1F1F1F1F1FULL) & ~(folded + 0x0505050505050505ULL) & high;
        words |= gather_high_bits((x & high) | digit | letter) << offset;
        nonASCII |= gather_high_bits(x & high) << offset;
    }
    *wide = nonASCII;
    return words;
}

#endif
