/// The version of Conclave, printed by `conclave --version` and recorded nowhere else.
///
/// ```swift
/// print(ConclaveVersion.current)   // "0.5.0"
/// ```
public enum ConclaveVersion {
    public static let current = "0.5.0"
}
