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
        const conclave_word_slot *entry = table->slots + slot;
        if (entry->id < 0) return -1;
        if (entry->head == key.head && entry->count == count && (count <= 8 || tail_matches(table, slot, word, count))) {
            return entry->id;
        }
        slot = (slot + 1) & table->mask;
    }
}

/// A word kept for lookup: its bytes and its position; `count` is negative for a word with non-ASCII
/// bytes.
typedef struct {
    int32_t start;
    int32_t count;
    int32_t position;
} candidate;

/// How many candidates are kept before they are looked up.
#define BATCH 64

/// The state of one scan: the text, the candidates not yet looked up, and the words reported so far.
typedef struct {
    const conclave_word_table *table;
    const uint8_t *bytes;
    int64_t count;
    candidate batch[BATCH];
    int64_t gathered;
    conclave_scanned_word *found;
    int64_t capacity;
    int64_t reported;
} scan_state;

/// Looks the kept candidates up and reports those in the table and those with non-ASCII bytes.
static inline void flush(scan_state *state) {
    for (int64_t index = 0; index < state->gathered; index++) {
        const candidate *kept = state->batch + index;
        int32_t word = -1;
        int32_t length = kept->count < 0 ? -kept->count : kept->count;
        if (kept->count > 0) {
            const uint8_t *at = state->bytes + kept->start;
            word = conclave_probe(state->table, conclave_key(at, length, state->count - kept->start), at, length);
            if (word < 0) continue;
        }
        if (state->reported < state->capacity) {
            conclave_scanned_word *entry = state->found + state->reported;
            entry->position = kept->position;
            entry->word = word;
            entry->start = kept->start;
            entry->count = length;
        }
        state->reported += 1;
    }
    state->gathered = 0;
}

/// Keeps the ASCII word of `length` bytes at `start` as the next candidate when its signature bit is
/// set: the candidate is written either way, and counted only when kept.
static inline void gather_ascii(scan_state *state, int64_t start, int64_t length, int32_t position) {
    conclave_word_key key = conclave_key(state->bytes + start, length, state->count - start);
    int64_t signature = conclave_signature(key);
    candidate *kept = state->batch + state->gathered;
    kept->start = (int32_t)start;
    kept->count = (int32_t)length;
    kept->position = position;
    state->gathered += (int64_t)((state->table->signatures[signature >> 6] >> (signature & 63)) & 1);
    if (state->gathered == BATCH) flush(state);
}

/// Keeps the word of `length` bytes at `start`, with `wide` its non-ASCII bytes: always when it has any
/// (its count negated), else as `gather_ascii` does.
static inline void gather(scan_state *state, int64_t start, int64_t length, uint64_t wide, int32_t position) {
    if (wide == 0) {
        gather_ascii(state, start, length, position);
        return;
    }
    candidate *kept = state->batch + state->gathered;
    kept->start = (int32_t)start;
    kept->count = -(int32_t)length;
    kept->position = position;
    state->gathered += 1;
    if (state->gathered == BATCH) flush(state);
}

/// The lowest `bits` (1 to 64) bits set.
static inline uint64_t low_bits(int64_t bits) { return bits >= 64 ? ~(uint64_t)0 : ((uint64_t)1 << bits) - 1; }

int64_t conclave_scan(
    const conclave_word_table *table,
    const uint8_t *bytes,
    int64_t count,
    int32_t *position,
    conclave_scanned_word *found,
    int64_t capacity
) {
    scan_state state;
    state.table = table;
    state.bytes = bytes;
    state.count = count;
    state.gathered = 0;
    state.found = found;
    state.capacity = capacity;
    state.reported = 0;
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
                gather(&state, open, chunk + end + 1 - open, openWide, next++);
            } else {
                gather(&state, open, chunk - open, openWide, next++);
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
                gather_ascii(&state, chunk + start, end - start + 1, next++);
            }
        } else {
            while (starts != 0) {
                int64_t start = __builtin_ctzll(starts);
                int64_t end = __builtin_ctzll(ends);
                starts &= starts - 1;
                ends &= ends - 1;
                gather(&state, chunk + start, end - start + 1, (wide >> start) & low_bits(end - start + 1), next++);
            }
        }
    }
    if (open >= 0) gather(&state, open, count - open, openWide, next++);
    flush(&state);
    *position = next;
    return state.reported;
}
