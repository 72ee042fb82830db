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

/// A word of the text: its bytes; `count` is negative for a word with non-ASCII bytes.
typedef struct {
    int32_t start;
    int32_t count;
} candidate;

/// How many words are gathered before those kept are looked up. A chunk of 64 bytes starts at most 32
/// words, and ends the word left running before it, so the batch is looked up at the start of a chunk once
/// it holds more than `BATCH - 34` (one more word may come after the last chunk).
#define BATCH 64

/// Where a scan reports its words: the first `capacity` go to `found`; `reported` counts them all;
/// `last` is the position of the last word reported.
typedef struct {
    conclave_scanned_word *found;
    int64_t capacity;
    int64_t reported;
    int64_t last;
} report;

/// Looks up the words of `batch` whose bit is set in `kept` (the batch's first word at `position`) and
/// reports those in the table (a word no phrase starts with only right after a reported word) and those
/// with non-ASCII bytes. Whether a word is reported is worked out without a branch: each is written at the
/// next free place, which only a reported word takes.
static void flush(
    const conclave_word_table *table,
    const uint8_t *bytes,
    int64_t count,
    const candidate *batch,
    uint64_t kept,
    int32_t position,
    report *out
) {
    int64_t reported = out->reported;
    int64_t last = out->last;
    while (kept != 0) {
        int64_t index = __builtin_ctzll(kept);
        kept &= kept - 1;
        const candidate *word = batch + index;
        int32_t at = position + (int32_t)index;
        int32_t id = -1;
        int32_t length = word->count < 0 ? -word->count : word->count;
        int64_t taken = 1;
        if (word->count > 0) {
            const uint8_t *first = bytes + word->start;
            id = conclave_probe(table, conclave_key(first, length, count - word->start), first, length);
            // Only a phrase's first word may come after a word that is not reported.
            taken = (id >= 0) & (table->starts[id < 0 ? 0 : id] | (at == last + 1));
        }
        if (reported < out->capacity) {
            conclave_scanned_word *entry = out->found + reported;
            entry->position = at;
            entry->word = id;
            entry->start = word->start;
            entry->count = length;
        }
        reported += taken;
        last = taken ? at : last;
    }
    out->reported = reported;
    out->last = last;
}

/// Writes the word of `length` bytes at `start`, with `wide` its non-ASCII bytes, at place `*gathered` of
/// `batch`, and sets its bit in `*kept` when it is to be looked up: it has non-ASCII bytes (its count
/// negated), or its signature bit is set in `starting`, or in `signatures` while the word before it
/// (`*previous`) was kept too. A word that no phrase starts with is only reported right after a reported
/// word, and every reported word was kept, so this loses no word that could be reported.
static inline void gather(
    const uint64_t *signatures,
    const uint64_t *starting,
    const uint8_t *bytes,
    int64_t count,
    int64_t start,
    int64_t length,
    uint64_t wide,
    candidate *batch,
    uint64_t *kept,
    int64_t *gathered,
    uint64_t *previous
) {
    candidate *word = batch + *gathered;
    word->start = (int32_t)start;
    uint64_t lookup = 1;
    if (wide != 0) {
        word->count = -(int32_t)length;
    } else {
        word->count = (int32_t)length;
        int64_t signature = conclave_signature(conclave_key(bytes + start, length, count - start));
        uint64_t starts = (starting[signature >> 6] >> (signature & 63)) & 1;
        uint64_t any = (signatures[signature >> 6] >> (signature & 63)) & 1;
        lookup = starts | (any & *previous);
    }
    *previous = lookup;
    *kept |= lookup << *gathered;
    *gathered += 1;
}

/// The lowest `bits` (1 to 64) bits set.
static inline uint64_t low_bits(int64_t bits) { return bits >= 64 ? ~(uint64_t)0 : ((uint64_t)1 << bits) - 1; }

// Built twice where the loader can choose (x86-64 Linux with glibc, through an ifunc): for processors with the
// x86-64-v3 instructions (BMI2's shifts and bit extraction among them) and for any other.
#if defined(__x86_64__) && defined(__clang__) && defined(__linux__) && defined(__GLIBC__)
__attribute__((target_clones("arch=x86-64-v3", "default")))
#endif
int64_t conclave_scan(
    const conclave_word_table *table,
    const uint8_t *bytes,
    int64_t count,
    int32_t *position,
    conclave_scanned_word *found,
    int64_t capacity
) {
    const uint64_t *signatures = table->signatures;
    const uint64_t *starting = table->starting;
    // The text's first word counts as following a reported word: the part before it may end a phrase's
    // first words.
    report out = {found, capacity, 0, (int64_t)*position - 1};
    candidate batch[BATCH];
    // The batch's words, the bits of those kept for lookup, and the position of its first word.
    int64_t gathered = 0;
    uint64_t kept = 0;
    int32_t first = *position;
    // Whether the word before was kept; the text's first word counts as following a kept one, as above.
    uint64_t previous = 1;
    // A word still running at the end of a chunk: its start (-1: none) and its non-ASCII bytes so far.
    int64_t open = -1;
    uint64_t openWide = 0;
    for (int64_t chunk = 0; chunk < count; chunk += 64) {
        if (gathered > BATCH - 34) {
            flush(table, bytes, count, batch, kept, first, &out);
            first += (int32_t)gathered;
            gathered = 0;
            kept = 0;
        }
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
            int64_t end = -1;
            if (words & 1) {
                end = __builtin_ctzll(ends);
                openWide |= wide & low_bits(end + 1);
                starts &= starts - 1;
                ends &= ends - 1;
                if (end == 63 && length > 64) continue;
            }
            gather(signatures, starting, bytes, count, open, chunk + end + 1 - open, openWide, batch, &kept, &gathered, &previous);
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
                gather(signatures, starting, bytes, count, chunk + start, end - start + 1, 0, batch, &kept, &gathered, &previous);
            }
        } else {
            while (starts != 0) {
                int64_t start = __builtin_ctzll(starts);
                int64_t end = __builtin_ctzll(ends);
                starts &= starts - 1;
                ends &= ends - 1;
                uint64_t spanned = (wide >> start) & low_bits(end - start + 1);
                gather(signatures, starting, bytes, count, chunk + start, end - start + 1, spanned, batch, &kept, &gathered, &previous);
            }
        }
    }
    if (open >= 0) gather(signatures, starting, bytes, count, open, count - open, openWide, batch, &kept, &gathered, &previous);
    flush(table, bytes, count, batch, kept, first, &out);
    *position = first + (int32_t)gathered;
    return out.reported;
}
