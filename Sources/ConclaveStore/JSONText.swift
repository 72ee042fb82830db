import ConclaveCore

/// Writes one JSON object as text, field by field. The hot records (prompts, calls, results, decisions)
/// are written with it because `JSONEncoder` dominated the cost of persisting a call; the output
/// decodes with `JSONDecoder` like any other JSON.
///
/// ```swift
/// var object = JSONText()
/// object.field("id", "q1")
/// object.field("correct", true)
/// object.text  // {"id":"q1","correct":true}
/// ```
struct JSONText {
    private var body = ""
    private var empty = true

    var text: String { "{" + body + "}" }

    mutating func raw(_ key: String, _ json: String) {
        if !empty { body += "," }
        empty = false
        body += Self.quoted(key) + ":" + json
    }

    mutating func field(_ key: String, _ value: String?) { raw(key, value.map(Self.quoted) ?? "null") }
    mutating func field(_ key: String, _ value: Int?) { raw(key, value.map { String($0) } ?? "null") }
    mutating func field(_ key: String, _ value: UInt64) { raw(key, String(value)) }
    mutating func field(_ key: String, _ value: Bool?) { raw(key, value.map { $0 ? "true" : "false" } ?? "null") }
    mutating func field(_ key: String, _ value: Double) { raw(key, value.isFinite ? "\(value)" : "null") }
    mutating func field(_ key: String, _ values: [String]) { raw(key, Self.array(values.map(Self.quoted))) }

    static func array(_ items: [String]) -> String { "[" + items.joined(separator: ",") + "]" }

    /// A JSON string literal: quotes, backslashes and control characters escaped. Works on UTF-8 bytes;
    /// text with nothing to escape is copied whole.
    static func quoted(_ text: String) -> String {
        var text = text
        return text.withUTF8 { bytes -> String in
            guard bytes.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) else { return "\"" + String(decoding: bytes, as: UTF8.self) + "\"" }
            var out: [UInt8] = [0x22]
            out.reserveCapacity(bytes.count + 16)
            let hex = Array("0123456789abcdef".utf8)
            for byte in bytes {
                switch byte {
                case 0x22: out += [0x5C, 0x22]
                case 0x5C: out += [0x5C, 0x5C]
                case 0x0A: out += [0x5C, 0x6E]
                case 0x0D: out += [0x5C, 0x72]
                case 0x09: out += [0x5C, 0x74]
                case ..<0x20: out += [0x5C, 0x75, 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
                default: out.append(byte)
                }
            }
            out.append(0x22)
            return String(decoding: out, as: UTF8.self)
        }
    }
}

extension Array where Element == ChatMessage {
    /// `[{"content":…,"role":…}, …]`
    var jsonText: String {
        JSONText.array(map { message in
            var object = JSONText()
            object.field("content", message.content)
            object.field("role", message.role.rawValue)
            return object.text
        })
    }
}

extension CallRecord {
    /// The call as a `results.jsonl` object (snake_case keys).
    var resultsJSON: String {
        var object = JSONText()
        object.field("attempts", attempts)
        object.field("cost", cost)
        object.field("error", error)
        object.field("expert", expert)
        object.field("input_tokens", inputTokens)
        object.field("latency_ms", latencyMs)
        object.field("output_tokens", outputTokens)
        object.field("seat", seat)
        object.field("stage", stage)
        object.field("text", text)
        return object.text
    }
}

extension InstanceResult {
    /// One line of `results.jsonl` (snake_case keys, every field present, null when absent).
    var resultsJSON: String {
        var object = JSONText()
        object.raw("aggregation", aggregation?.resultsJSON ?? "null")
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
        object.field("output_tokens", outputTokens)
        object.field("question", question)
        object.raw("responses", JSONText.array(responses.map(\.resultsJSON)))
        object.field("role", role)
        object.field("seed", seed)
        object.field("skills", skills)
        object.field("status", status.rawValue)
        return object.text
    }
}

extension Decision {
    /// The decision with the key names of its `Codable` conformance, so `JSONDecoder` reads it back.
    var storeJSON: String {
        var object = JSONText()
        object.field("aggregator", aggregator)
        object.field("instanceId", instanceID)
        var recruitment = JSONText()
        recruitment.raw("scores", JSONText.array(self.recruitment.scores.map { score in
            var entry = JSONText()
            entry.field("expert", score.expert)
            entry.field("reason", score.reason)
            entry.field("relevance", score.relevance)
            var bySkill = JSONText()
            for (skill, value) in score.relevanceBySkill.sorted(by: { $0.key < $1.key }) { bySkill.field(skill, value) }
            entry.raw("relevanceBySkill", bySkill.text)
            entry.field("seats", score.seats)
            entry.field("strength", score.strength)
            entry.field("weight", score.weight)
            return entry.text
        }))
        recruitment.field("team", self.recruitment.team)
        recruitment.field("usedStrengthFallback", self.recruitment.usedStrengthFallback)
        object.raw("recruitment", recruitment.text)
        object.field("role", role)
        object.field("seed", seed)
        object.raw("skills", JSONText.array(skills.map { match in
            var entry = JSONText()
            entry.field("skill", match.skill)
            entry.field("term", match.term)
            return entry.text
        }))
        return object.text
    }
}
