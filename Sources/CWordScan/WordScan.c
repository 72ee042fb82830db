#include "CWordScan.h"

/// Whether the bytes of the `count`-byte word at `word` past its head are those of the form in `slot`,
/// lower-cased.
static int tail_matches(const conclave_word_table *table, int64_t slot, const uint8_t *word, int64_t count) {
    const uint8_t *form = table->rest + table->rests[slot];
    for (int64_t offset = 8; offset < count; offset++) {
        if (form[offset - 8] != (word[offset] | 0x20)) return 0;
    }
    return 1;
}

int32_t conclave_probe(const conclave_word_table *table, conclave_word_key key, const uint8_t *word, int64_t count) {
    int64_t slot = conclave_slot(key, table->mask);
    for (;;) {
        int32_t id = table->ids[slot];
        if (id < 0) return -1;
        if (table->heads[slot] == key.head && table->counts[slot] == count && (count <= 8 || tail_matches(table, slot, word, count))) {
            return id;
        }
        slot = (slot + 1) & table->mask;
    }
}

/// Keeps the ASCII word of `length` bytes at `start` as the next candidate when its signature bit is
/// set; the candidate is written either way, and `gathered` moves past it only when kept.
static inline int64_t gather_ascii(
    const uint64_t *signatures,
    const uint8_t *bytes,
    int64_t start,
    int64_t length,
    int32_t position,
    conclave_scan_candidate *candidate
) {
    uint64_t eight;
    memcpy(&eight, bytes + start, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    eight = __builtin_bswap64(eight);
#endif
    conclave_word_key key = conclave_key_of_head(conclave_head(eight, length), length);
    int64_t signature = conclave_signature(key);
    candidate->start = (int32_t)start;
    candidate->count = (int32_t)length;
    candidate->position = position;
    return (int64_t)((signatures[signature >> 6] >> (signature & 63)) & 1);
}

/// Keeps the word of `length` bytes at `start`, with `wide` its non-ASCII bytes, as the next candidate:
/// always when it has any (its count negated), else when its signature bit is set.
static inline int64_t gather(
    const uint64_t *signatures,
    const uint8_t *bytes,
    int64_t start,
    int64_t length,
    uint64_t wide,
    int32_t position,
    conclave_scan_candidate *candidate
) {
    if (wide == 0) return gather_ascii(signatures, bytes, start, length, position, candidate);
    candidate->start = (int32_t)start;
    candidate->count = -(int32_t)length;
    candidate->position = position;
    return 1;
}

/// The lowest `bits` (1 to 64) bits set.
static inline uint64_t low_bits(int64_t bits) { return bits >= 64 ? ~(uint64_t)0 : ((uint64_t)1 << bits) - 1; }

int64_t conclave_scan(
    const conclave_word_table *table,
    const uint8_t *bytes,
    int64_t count,
    int32_t *position,
    conclave_scanned_word *found,
    conclave_scan_candidate *scratch
) {
    const uint64_t *signatures = table->signatures;
    int64_t gathered = 0;
    int32_t next = *position;
    // A word still running at the end of a chunk: its start (-1: none) and its non-ASCII bytes so far.
    int64_t open = -1;
    uint64_t openWide = 0;
    for (int64_t chunk = 0; chunk < count; chunk += 64) {
        int64_t length = count - chunk;
        uint64_t wide;
        uint64_t words;
        if (length >= 64) {
            words = conclave_word_bits64(bytes + chunk, &wide);
        } else {
            // The last, short chunk is read from a zero-padded copy: zero bytes separate words.
            uint8_t padded[64] = {0};
            memcpy(padded, bytes + chunk, (size_t)length);
            words = conclave_word_bits64(padded, &wide);
        }
        uint64_t starts = words & ~(words << 1);
        uint64_t ends = words & ~(words >> 1);
        if (open >= 0) {
            // The word left running goes on to this chunk's first run, when it starts at byte 0.
            if (words & 1) {
                int64_t end = __builtin_ctzll(ends);
                openWide |= wide & low_bits(end + 1);
                starts &= starts - 1;
                ends &= ends - 1;
                if (end == 63 && length > 64) continue;
                gathered += gather(signatures, bytes, open, chunk + end + 1 - open, openWide, next++, scratch + gathered);
            } else {
                gathered += gather(signatures, bytes, open, chunk - open, openWide, next++, scratch + gathered);
            }
            open = -1;
        }
        // A run reaching the chunk's last byte may go on in the next chunk: it is left open.
        if (length > 64 && (words >> 63) != 0 && starts != 0) {
            int64_t last = 63 - __builtin_clzll(starts);
            open = chunk + last;
            openWide = wide >> last;
            starts &= ~((uint64_t)1 << last);
            ends &= ~((uint64_t)1 << 63);
        }
        if (wide == 0) {
            while (starts != 0) {
                int64_t start = __builtin_ctzll(starts);
                int64_t end = __builtin_ctzll(ends);
                starts &= starts - 1;
                ends &= ends - 1;
                gathered += gather_ascii(signatures, bytes, chunk + start, end - start + 1, next++, scratch + gathered);
            }
        } else {
            while (starts != 0) {
                int64_t start = __builtin_ctzll(starts);
                int64_t end = __builtin_ctzll(ends);
                starts &= starts - 1;
                ends &= ends - 1;
                uint64_t spanned = (wide >> start) & low_bits(end - start + 1);
                gathered += gather(signatures, bytes, chunk + start, end - start + 1, spanned, next++, scratch + gathered);
            }
        }
    }
    if (open >= 0) gathered += gather(signatures, bytes, open, count - open, openWide, next++, scratch + gathered);
    *position = next;

    int64_t written = 0;
    for (int64_t index = 0; index < gathered; index++) {
        const conclave_scan_candidate *candidate = scratch + index;
        int32_t word = -1;
        if (candidate->count > 0) {
            const uint8_t *at = bytes + candidate->start;
            word = conclave_probe(table, conclave_key(at, candidate->count, 8), at, candidate->count);
        }
        conclave_scanned_word *entry = found + written;
        entry->position = candidate->position;
        entry->word = word;
        entry->start = candidate->start;
        entry->count = candidate->count < 0 ? -candidate->count : candidate->count;
        written += (candidate->count < 0 || word >= 0) ? 1 : 0;
    }
    return written;
}
