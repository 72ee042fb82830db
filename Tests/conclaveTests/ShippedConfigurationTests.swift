import ConclaveConfig
import ConclaveCore
import Foundation
import Testing

/// The shipped registry and the quickstart pipeline, against the models `scripts/setup.sh` installed: an
/// integration test, failing (never skipping) when the runtime is missing.
@Suite struct ShippedConfigurationTests {
    @Test func theShippedRegistryAndQuickstartValidateWhenModelsAreInstalled() throws {
        let environment = ConfigEnvironment.current()
        try #require(environment.variables["CONCLAVE_MODELS"] != nil, "run scripts/setup.sh first")
        let problems = ConfigLoader.validate(
            paths: ["Agents", "Skills", "examples/quickstart/pipeline.yaml"].map {
                CLIProcess.repository.appendingPathComponent($0).path
            },
            environment: environment
        )
        #expect(problems.isEmpty, "\(problems)")
    }
}
