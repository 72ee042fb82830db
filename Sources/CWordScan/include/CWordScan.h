#ifndef CONCLAVE_WORD_SCAN_H
#define CONCLAVE_WORD_SCAN_H

#include <stdint.h>
#include <string.h>

/// Classifies 64 bytes of UTF-8 text for the lexical matcher's word finder: returns a mask with bit i
/// set when byte i belongs to a word (an ASCII letter or digit, or any non-ASCII byte), and stores in
/// `wide` the mask of the non-ASCII bytes. All 64 bytes at `bytes` must be readable.
///
/// With AVX2 (checked when called) thirty-two bytes are classified per instruction, with SSE2 (every
/// x86-64 processor) sixteen; elsewhere, eight at a time with integer arithmetic.
uint64_t conclave_word_bits64(const uint8_t *bytes, uint64_t *wide);

/// `conclave_word_bits64` as a processor without AVX2 runs it (SSE2, or integer arithmetic), so that
/// tests check it on any machine.
uint64_t conclave_word_bits64_without_avx2(const uint8_t *bytes, uint64_t *wide);

/// What a vocabulary lookup needs of an ASCII word (letters and digits only): its head (its first eight
/// bytes or fewer, lower-cased, as one integer) and a hash of the head and the length.
typedef struct {
    uint64_t head;
    uint64_t mixed;
} conclave_word_key;

/// The key of the ASCII word of `count` (at least 1) bytes at `word`; `readable` bytes from `word` on may
/// be read (at least `count`). The head is the word's first eight bytes (fewer when it is shorter), read
/// as one little-endian integer, lower-cased, the rest zero; one multiplication of the head and the
/// length gives the hash, whose top bits give the signature and whose middle bits give the slot. The
/// vocabulary table is built with this same function.
static inline conclave_word_key conclave_key(const uint8_t *word, int64_t count, int64_t readable) {
    uint64_t bytes = 0;
    if (readable >= 8) {
        memcpy(&bytes, word, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
        bytes = __builtin_bswap64(bytes);
#endif
    } else {
        for (int64_t index = 0; index < readable; index++) bytes |= (uint64_t)word[index] << (8 * index);
    }
    // Setting bit 5 lower-cases a letter and leaves a digit as it is.
    int64_t kept = count < 8 ? count : 8;
    uint64_t head = (bytes | 0x2020202020202020ULL) & (~(uint64_t)0 >> (64 - 8 * kept));
    conclave_word_key key = {head, (head + (uint64_t)count) * 0x9E3779B97F4A7C15ULL};
    return key;
}

/// The signature bit of a key, out of 2^15 (`conclave_signature_words` 64-bit words).
static inline int64_t conclave_signature(conclave_word_key key) { return (int64_t)(key.mixed >> 49); }
#define conclave_signature_words 512

/// The slot of a key in a table of `mask + 1` slots.
static inline int64_t conclave_slot(conclave_word_key key, int64_t mask) { return (int64_t)(key.mixed >> 24) & mask; }

/// One slot of the vocabulary table: a written form's head, its id (-1 when the slot is empty) and its
/// length; sixteen bytes, so a probe reads one cache line.
typedef struct {
    uint64_t head;
    int32_t id;
    int32_t count;
} conclave_word_slot;

/// The vocabulary's written forms in an open-addressing table (at least one slot empty), in memory that
/// the matcher allocates once and never writes after building it. `rests` has, per slot, where the
/// form's bytes past its head start in `rest`; `signatures` has the signature bit of every form set,
/// `starting` that of every form of a word that some phrase starts with;
/// `starts`, by word id, is 1 for a word that some phrase starts with and 0 for a word only found
/// inside phrases (such as `of` in `which of the following`).
typedef struct {
    const conclave_word_slot *slots;
    const int32_t *rests;
    const uint8_t *rest;
    int64_t mask;
    const uint64_t *signatures;
    const uint64_t *starting;
    const uint8_t *starts;
} conclave_word_table;

/// The id of the form that the ASCII word of `count` bytes at `word` (with this key) spells once
/// lower-cased; -1 when there is none.
int32_t conclave_probe(const conclave_word_table *table, conclave_word_key key, const uint8_t *word, int64_t count);

/// A word that `conclave_scan` reports: a vocabulary word (`word` is its id) or a word with non-ASCII
/// bytes (`word` is -1), which the caller tokenizes itself. `position` numbers the words of the text
/// from the position the scan started at, a word with non-ASCII bytes counting as one; `start` and
/// `count` give its bytes.
typedef struct {
    int32_t position;
    int32_t word;
    int32_t start;
    int32_t count;
} conclave_scanned_word;

/// Reads the words of the `count` bytes of UTF-8 text at `bytes` (a word is a run of ASCII letters and
/// digits and non-ASCII bytes) and reports, in order, those that are in `table` and those that have
/// non-ASCII bytes; returns how many. A vocabulary word that no phrase starts with is left out unless the
/// word before it was reported (or it is the text's first word): no phrase can hold it. The first `capacity` of them are written to `found`, the rest only
/// counted. Words are numbered from `*position`, which is left one past the last word's.
///
/// Each ASCII word is keyed from one 8-byte load and kept, without a branch, only when its signature
/// bit is set among the forms of words that start phrases, or among all forms while the word before it
/// was kept too; the table is probed for those kept, in batches of up to 64. On x86-64 Linux the function is
/// built twice, for processors with the x86-64-v3 instructions and for any other, and the one the
/// processor runs is chosen when the program loads.
int64_t conclave_scan(
    const conclave_word_table *table,
    const uint8_t *bytes,
    int64_t count,
    int32_t *position,
    conclave_scanned_word *found,
    int64_t capacity
);

#endif
