import ConclaveCore
import ConclaveEvaluation
import Foundation

/// Draws a routing evaluation as an SVG scatter of accuracy against cost (relative to the best single
/// model): each model, random and the oracle as labelled points, the strategies at k = 1 as points, and
/// the cost-aware λ sweep as a line, the cost–accuracy frontier (all diagnostics, measured on the judged
/// questions), and the configuration selected on training data only as a black diamond.
struct FrontierChart {
    let report: RoutingEvaluation.Report
    let width = 760.0, height = 480.0, margin = 60.0

    var svg: String {
        let shown = report.lines.filter { $0.k == 1 }
        let selected = report.selected
        let maxCost = max(1.1, ((shown.map(\.relativeCost) + [selected.relativeCost]).max() ?? 1) * 1.05)
        let accuracies = shown.map(\.accuracy) + [selected.accuracy]
        let low = max(0, (accuracies.min() ?? 0) - 0.05)
        let high = min(1, (accuracies.max() ?? 1) + 0.05)
        func x(_ cost: Double) -> Double { margin + cost / maxCost * (width - 2 * margin) }
        func y(_ accuracy: Double) -> Double { height - margin - (accuracy - low) / max(high - low, 1e-9) * (height - 2 * margin) }
        var parts = [
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" font-family=\"sans-serif\" font-size=\"11\">",
            "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>",
            line(x(0), y(low), x(maxCost), y(low)), line(x(0), y(low), x(0), y(high)),
            text(width / 2, height - 20, "cost per question (× best single model)", anchor: "middle"),
            "<text x=\"16\" y=\"\(Int(height / 2))\" transform=\"rotate(-90 16 \(Int(height / 2)))\" text-anchor=\"middle\">accuracy (top-1)</text>",
            text(width / 2, 24, "Routing: \(report.instances) questions, \(report.parts) part(s)", anchor: "middle"),
        ]
        for tick in stride(from: 0.0, through: maxCost, by: 0.25) {
            parts.append(text(x(tick), y(low) + 16, String(format: "%.2f", tick), anchor: "middle"))
        }
        for tick in stride(from: (low * 20).rounded(.up) / 20, through: high, by: 0.05) {
            parts.append(text(x(0) - 6, y(tick) + 4, String(format: "%.2f", tick), anchor: "end"))
        }
        let frontier = shown.filter { $0.kind == .frontier }.sorted { $0.relativeCost < $1.relativeCost }
        if !frontier.isEmpty {
            let points = frontier.map { String(format: "%.1f,%.1f", x($0.relativeCost), y($0.accuracy)) }.joined(separator: " ")
            parts.append("<polyline points=\"\(points)\" fill=\"none\" stroke=\"#d62728\" stroke-width=\"2\"/>")
            parts += frontier.map { circle(x($0.relativeCost), y($0.accuracy), color: "#d62728") }
            parts.append(text(x(frontier[0].relativeCost) + 6, y(frontier[0].accuracy) + 14, "cost-aware (λ sweep)", color: "#d62728"))
        }
        for entry in shown where entry.kind != .frontier {
            let color = entry.kind == .strategy ? "#1f77b4" : entry.kind == .single ? "#555555" : "#2ca02c"
            let label = entry.name.replacingOccurrences(of: "single: ", with: "")
            parts += [
                circle(x(entry.relativeCost), y(entry.accuracy), color: color),
                text(x(entry.relativeCost) + 6, y(entry.accuracy) - 4, label, color: color),
            ]
        }
        let (sx, sy) = (x(selected.relativeCost), y(selected.accuracy))
        parts += [
            String(
                format: "<polygon points=\"%.1f,%.1f %.1f,%.1f %.1f,%.1f %.1f,%.1f\" fill=\"black\"/>",
                sx,
                sy - 7,
                sx + 7,
                sy,
                sx,
                sy + 7,
                sx - 7,
                sy
            ),
            text(sx + 9, sy + 14, "selected on training data: \(selected.name)"),
        ]
        parts.append("</svg>")
        return parts.joined(separator: "\n") + "\n"
    }

    private func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double) -> String {
        String(format: "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"black\"/>", x1, y1, x2, y2)
    }

    private func circle(_ x: Double, _ y: Double, color: String) -> String {
        String(format: "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"%@\"/>", x, y, color)
    }

    private func text(_ x: Double, _ y: Double, _ content: String, anchor: String = "start", color: String = "black") -> String {
        let escaped = content.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
        return String(format: "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%@\" fill=\"%@\">%@</text>", x, y, anchor, color, escaped)
    }
}
