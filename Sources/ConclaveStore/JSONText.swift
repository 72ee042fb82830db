import ConclaveCore

/// Writes JSON as UTF-8 bytes into one growing buffer, field by field; nested objects and arrays are
/// written in place, so no intermediate strings are built. The hot records (prompts, calls, results,
/// decisions) are written with it because `JSONEncoder` dominated the cost of persisting a call; the
/// output decodes with `JSONDecoder` like any other JSON.
///
/// ```swift
/// let bytes = JSONText.objectBytes { object in
///     object.field("id", "q1")
///     object.field("correct", true)
///     object.array("skills", ["algebra"]) { $0.string($1) }
/// }
/// // {"id":"q1","correct":true,"skills":["algebra"]}
/// ```
struct JSONText {
    private var bytes: [UInt8] = []
    /// Whether the innermost open object or array has no member yet (no comma before the next one).
    private var first = true

    /// The UTF-8 bytes of one object written by `body`: what SQLite stores, with no `String` made on the
    /// way (which would check the bytes and copy them once more).
    static func objectBytes(_ body: (inout JSONText) -> Void) -> [UInt8] {
        var writer = JSONText()
        // A stored decision or result is most often 0.5–1 KiB: room for it at once, not grown twice.
        writer.bytes.reserveCapacity(1024)
        writer.openObject(body)
        return writer.bytes
    }

    /// The text of one array of `items`, each written by `element`.
    static func array<S: Sequence>(_ items: S, _ element: (inout JSONText, S.Element) -> Void) -> String {
        var writer = JSONText()
        writer.bytes.reserveCapacity(256)
        writer.openArray(items, element)
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    // MARK: members of an object

    mutating func field(_ key: StaticString, _ value: String?) {
        self.key(key)
        value.map { string($0) } ?? null()
    }
    mutating func field(_ key: StaticString, _ value: Int?) {
        self.key(key)
        value.map { literal(String($0)) } ?? null()
    }
    mutating func field(_ key: StaticString, _ value: UInt64) {
        self.key(key)
        literal(String(value))
    }
    mutating func field(_ key: StaticString, _ value: Bool?) {
        self.key(key)
        value.map { literal($0 ? "true" : "false") } ?? null()
    }
    mutating func field(_ key: StaticString, _ value: Double) {
        self.key(key)
        number(value)
    }
    mutating func field(_ key: StaticString, _ values: [String]) { array(key, values) { $0.string($1) } }

    /// A member whose key is data (a skill's name), escaped as any string.
    mutating func field(named key: String, _ value: Double) {
        separate()
        Self.appendQuoted(key, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        first = true
        number(value)
    }

    /// A member whose value is an object written by `body`, or `null`.
    mutating func object(_ key: StaticString, present: Bool = true, _ body: (inout JSONText) -> Void) {
        self.key(key)
        present ? openObject(body) : null()
    }

    /// A member whose value is an array of `items`, each written by `element`.
    mutating func array<S: Sequence>(_ key: StaticString, _ items: S, _ element: (inout JSONText, S.Element) -> Void) {
        self.key(key)
        openArray(items, element)
    }

    // MARK: elements of an array

    /// An array element that is an object written by `body`.
    mutating func element(_ body: (inout JSONText) -> Void) {
        separate()
        openObject(body)
    }

    /// An array element that is a string.
    mutating func string(_ value: String) {
        separate()
        Self.appendQuoted(value, to: &bytes)
    }

    // MARK: writing

    private mutating func openObject(_ body: (inout JSONText) -> Void) {
        bytes.append(UInt8(ascii: "{"))
        first = true
        body(&self)
        bytes.append(UInt8(ascii: "}"))
        first = false
    }

    private mutating func openArray<S: Sequence>(_ items: S, _ element: (inout JSONText, S.Element) -> Void) {
        bytes.append(UInt8(ascii: "["))
        first = true
        for item in items { element(&self, item) }
        bytes.append(UInt8(ascii: "]"))
        first = false
    }

    private mutating func separate() {
        if !first { bytes.append(UInt8(ascii: ",")) }
        first = false
    }

    /// A key written in the source: its bytes go in as they are (no key of ours needs escaping).
    private mutating func key(_ key: StaticString) {
        separate()
        bytes.append(0x22)
        key.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(0x22)
        bytes.append(UInt8(ascii: ":"))
        first = true
    }

    private mutating func literal(_ text: String) {
        bytes.append(contentsOf: text.utf8)
        first = false
    }

    private mutating func null() { literal("null") }

    /// A finite number as Swift prints it (which reads back exactly); `null` for infinities and NaN.
    private mutating func number(_ value: Double) { literal(value.isFinite ? value.description : "null") }

    /// A JSON string literal: quotes, backslashes and control characters escaped.
    static func appendQuoted(_ text: String, to out: inout [UInt8]) {
        out.append(0x22)
        var text = text
        text.withUTF8 { source in
            guard source.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) else {
                out.append(contentsOf: source)
                return
            }
            for byte in source {
                switch byte {
                case 0x22: out += [0x5C, 0x22]
                case 0x5C: out += [0x5C, 0x5C]
                case 0x0A: out += [0x5C, 0x6E]
                case 0x0D: out += [0x5C, 0x72]
                case 0x09: out += [0x5C, 0x74]
                case ..<0x20: out += [0x5C, 0x75, 0x30, 0x30, hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0x0F)]]
                default: out.append(byte)
                }
            }
        }
        out.append(0x22)
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)
}

extension Array where Element == ChatMessage {
    /// `[{"content":…,"role":…}, …]`
    var jsonText: String {
        JSONText.array(self) { array, message in
            array.element { object in
                object.field("content", message.content)
                object.field("role", message.role.rawValue)
            }
        }
    }
}

extension JSONText {
    /// A call as a `results.jsonl` object (snake_case keys).
    mutating func call(_ record: CallRecord) {
        field("attempts", record.attempts)
        field("cost", record.cost)
        field("error", record.error)
        field("expert", record.expert)
        field("input_tokens", record.inputTokens)
        field("latency_ms", record.latencyMs)
        field("mode", record.mode?.rawValue)
        field("output_tokens", record.outputTokens)
        field("role", record.role)
        field("round", record.round)
        field("seat", record.seat)
        field("stage", record.stage.rawValue)
        field("text", record.text)
    }
}

extension InstanceResult {
    /// One line of `results.jsonl` (snake_case keys, every field present, null when absent).
    public var resultsJSON: String { String(decoding: resultsJSONBytes, as: UTF8.self) }

    /// `resultsJSON` as UTF-8 bytes.
    var resultsJSONBytes: [UInt8] {
        JSONText.objectBytes { object in
            object.object("aggregation", present: aggregation != nil) { $0.call(aggregation!) }
            object.field("correct", correct)
            object.field("cost", cost)
            object.field("experts", experts)
            object.field("extracted_answer", extractedAnswer)
            object.field("failure_reason", failureReason)
            object.field("final_answer", finalAnswer)
            object.field("gold", gold)
            object.field("id", id)
            object.field("input_tokens", inputTokens)
            object.field("latency_ms", latencyMs)
            object.field("mode", mode?.rawValue)
            object.field("output_tokens", outputTokens)
            object.field("question", question)
            object.array("responses", responses) { array, record in array.element { $0.call(record) } }
            object.field("role", role)
            object.field("seed", seed)
            object.field("skills", skills)
            object.field("status", status.rawValue)
        }
    }
}

extension Decision {
    /// The decision with the key names of its `Codable` conformance, so `JSONDecoder` reads it back.
    var storeJSON: String { String(decoding: storeJSONBytes, as: UTF8.self) }

    /// `storeJSON` as UTF-8 bytes.
    var storeJSONBytes: [UInt8] {
        JSONText.objectBytes { object in
            object.field("aggregator", aggregator)
            if let collaboration {
                object.object("collaboration") { plan in
                    plan.array("agents", collaboration.agents) { array, agent in
                        array.element { entry in
                            entry.field("expert", agent.expert)
                            entry.field("role", agent.role)
                            entry.field("seat", agent.seat)
                        }
                    }
                    plan.field("finish", collaboration.finish.rawValue)
                    plan.field("mode", collaboration.mode.rawValue)
                    plan.field("rounds", collaboration.rounds)
                }
            }
            if let downgrades { object.field("downgrades", downgrades) }
            if let fallbacks { object.field("fallbacks", fallbacks) }
            object.field("instanceId", instanceID)
            if let keywords {
                object.array("keywords", keywords) { array, mapping in
                    array.element { entry in
                        entry.field("keyword", mapping.keyword)
                        entry.field("method", mapping.method.rawValue)
                        entry.field("similarity", mapping.similarity)
                        entry.field("skill", mapping.skill)
                        entry.field("term", mapping.term)
                    }
                }
            }
            if let modeChoice {
                object.object("modeChoice") { choice in
                    choice.field("mode", modeChoice.mode.rawValue)
                    choice.array("options", modeChoice.options) { array, option in
                        array.element { entry in
                            entry.field("cost", option.cost)
                            entry.field("mode", option.mode.rawValue)
                            entry.field("score", option.score)
                            entry.field("success", option.success)
                        }
                    }
                    choice.field("probability", modeChoice.probability)
                    choice.field("source", modeChoice.source.rawValue)
                }
            }
            object.object("recruitment") { recruitment in
                recruitment.array("scores", self.recruitment.scores) { array, score in
                    array.element { entry in
                        entry.field("cost", score.cost)
                        entry.field("expert", score.expert)
                        entry.field("reason", score.reason)
                        entry.field("relevance", score.relevance)
                        entry.object("relevanceBySkill") { bySkill in
                            for (skill, value) in score.relevanceBySkill.sortedBySkill {
                                bySkill.field(named: skill, value)
                            }
                        }
                        entry.field("seats", score.seats)
                        entry.field("strength", score.strength)
                        entry.field("weight", score.weight)
                    }
                }
                recruitment.field("team", self.recruitment.team)
                recruitment.field("usedStrengthFallback", self.recruitment.usedStrengthFallback)
            }
            object.field("role", role)
            object.field("seed", seed)
            object.array("skills", skills) { array, match in
                array.element { entry in
                    entry.field("skill", match.skill)
                    entry.field("term", match.term)
                }
            }
        }
    }
}
