import ConclaveCore
import Foundation

/// Where measured profiles are kept, every version of them: a new measurement never overwrites an older one.
///
/// ```swift
/// let saved = try store.saveProfile(record)           // saved.version is 1, 2, … per expert
/// let latest = try store.profiles(expert: "smollm2-generalist").first
/// ```
public protocol ProfileStore: Sendable {
    /// Saves the profile as the expert's next version and returns it with that version.
    func saveProfile(_ record: ProfileRecord) throws -> ProfileRecord
    /// Every version of the expert's profile, newest first.
    func profiles(expert: String) throws -> [ProfileRecord]
}
