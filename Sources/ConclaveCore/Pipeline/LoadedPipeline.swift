import Foundation

/// A pipeline with the registry it names, loaded and fully validated.
public struct LoadedPipeline: Sendable {
    public var spec: PipelineSpec
    public var registry: Registry
    /// The measured profiles read from `registry.profiles` (which run and dataset measured each).
    public var measuredProfiles: [ProfileRecord] = []
    /// For `recruiter.strategy: learned`: the router fitted on the pipeline's recorded outcomes.
    public var learned: LearnedRouting?
    /// With `collaboration.policy`: the mode policy read from it.
    public var modePolicy: ModePolicy?

    public init(
        spec: PipelineSpec,
        registry: Registry,
        measuredProfiles: [ProfileRecord] = [],
        learned: LearnedRouting? = nil,
        modePolicy: ModePolicy? = nil
    ) {
        self.learned = learned
        self.modePolicy = modePolicy
        self.spec = spec
        self.registry = registry
        self.measuredProfiles = measuredProfiles
    }

    /// The measured profiles whose validation set is the dataset this pipeline runs on: its accuracy on
    /// that dataset is then not a held-out figure.
    public var profilesMeasuredOnDataset: [ProfileRecord] {
        let dataset = URL(fileURLWithPath: spec.dataset.path).standardizedFileURL.resolvingSymlinksInPath().path
        return measuredProfiles.filter {
            !$0.dataset.isEmpty && URL(fileURLWithPath: $0.dataset).standardizedFileURL.resolvingSymlinksInPath().path == dataset
        }
    }
}
