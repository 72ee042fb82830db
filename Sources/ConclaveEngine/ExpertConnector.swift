import ConclaveCore
import ConclaveLLM

/// The seam between the runner and the models: gives a ready backend for an expert (loading its model
/// first when Conclave manages it) and reports what is resident and how often models were loaded.
public protocol ExpertConnector: Sendable {
    /// A backend that answers for `expert`; loads the expert's model when it is not resident.
    func backend(for expert: Expert) async throws -> any ChatBackend
    /// Unloads the model with this key (`ExpertRuntime.modelKey`), if it is resident and managed.
    func unload(modelKey: String) async
    /// Stops everything the connector started. Called on every exit path.
    func shutdown() async
}
