/// What a model costs to keep loaded, and whether Conclave loads it at all (a llama.cpp model) or it is
/// served elsewhere (a remote endpoint, never loaded or unloaded).
public struct ModelFootprint: Sendable, Hashable, Codable {
    public var key: String
    public var memoryMB: Int
    public var managed: Bool

    public init(key: String, memoryMB: Int, managed: Bool) {
        self.key = key
        self.memoryMB = memoryMB
        self.managed = managed
    }
}

/// The managed models resident now, least recently used first, under a memory budget and a model count
/// (nil = unlimited). Using a model that is not resident loads it, first unloading the least recently used
/// models until it fits. A model larger than the whole budget is loaded alone.
///
/// ```swift
/// var resident = ResidentSet(budgetMB: 1000)
/// resident.use(ModelFootprint(key: "a", memoryMB: 600, managed: true))  // loads a
/// resident.use(ModelFootprint(key: "b", memoryMB: 600, managed: true))  // unloads a, loads b
/// ```
public struct ResidentSet: Sendable, Hashable {
    public private(set) var models: [ModelFootprint] = []
    public let budgetMB: Int?
    public let maxModels: Int?
    public private(set) var loads = 0
    public private(set) var unloads = 0

    public init(budgetMB: Int?, maxModels: Int? = nil, resident: [ModelFootprint] = []) {
        self.budgetMB = budgetMB
        self.maxModels = maxModels.map { max(1, $0) }
        self.models = resident
    }

    public var keys: [String] { models.map(\.key) }
    public var usedMB: Int { models.map(\.memoryMB).reduce(0, +) }

    public func contains(_ key: String) -> Bool { models.contains { $0.key == key } }

    /// What using `model` changed: whether it was loaded, and which models were unloaded first.
    public struct Change: Sendable, Hashable {
        public var loaded: Bool
        public var unloaded: [String]
    }

    @discardableResult
    public mutating func use(_ model: ModelFootprint) -> Change {
        guard model.managed else { return Change(loaded: false, unloaded: []) }
        if let index = models.firstIndex(where: { $0.key == model.key }) {
            models.append(models.remove(at: index))
            return Change(loaded: false, unloaded: [])
        }
        var unloaded: [String] = []
        while !models.isEmpty,
            (budgetMB.map { usedMB + model.memoryMB > $0 } ?? false) || (maxModels.map { models.count >= $0 } ?? false)
        {
            unloaded.append(models.removeFirst().key)
        }
        models.append(model)
        loads += 1
        unloads += unloaded.count
        return Change(loaded: true, unloaded: unloaded)
    }
}
