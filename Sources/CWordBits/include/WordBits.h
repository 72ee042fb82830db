#ifndef CONCLAVE_WORD_BITS_H
#define CONCLAVE_WORD_BITS_H

#include <stdint.h>

/// Classifies 64 bytes of UTF-8 text for the lexical matcher's word finder: returns a mask with bit i
/// set when byte i belongs to a word (an ASCII letter or digit, or any non-ASCII byte), and stores in
/// `wide` the mask of the non-ASCII bytes. All 64 bytes at `bytes` must be readable.
///
/// With SSE2 (every x86-64 processor) sixteen bytes are classified per instruction; elsewhere, eight
/// at a time with integer arithmetic.
uint64_t conclave_word_bits64(const uint8_t *bytes, uint64_t *wide);

#endif
