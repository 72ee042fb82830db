extension Duration {
    /// The duration in seconds, for `Date` arithmetic, rates and printing.
    ///
    /// ```swift
    /// Duration.milliseconds(1500).inSeconds   // 1.5
    /// ```
    public var inSeconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) * 1e-18
    }
}
