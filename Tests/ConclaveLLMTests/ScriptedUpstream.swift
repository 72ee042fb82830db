import Foundation

/// A real HTTP server on a loopback port (Python's http.server) that answers chat-completion requests
/// following a script, one entry per request: a status code, `garbage` (200 with a non-JSON body) or
/// `slow` (waits 3 s, then 200). It exercises the client's retry and error paths over real sockets.
final class ScriptedUpstream {
    let process = Process()
    let port: Int
    private let countFile: URL

    init(script: [String]) throws {
        let program = FileManager.default.temporaryDirectory.appendingPathComponent("upstream-\(UUID().uuidString).py")
        countFile = program.appendingPathExtension("count")
        try Self.source.write(to: program, atomically: true, encoding: .utf8)
        let output = Pipe()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", program.path, script.joined(separator: ","), countFile.path]
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let line = String(decoding: output.fileHandleForReading.availableData, as: UTF8.self)
        guard let port = Int(line.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            process.terminate()
            throw CocoaError(.featureUnsupported, userInfo: [NSLocalizedDescriptionKey: "upstream did not start: \(line)"])
        }
        self.port = port
    }

    deinit { process.terminate() }

    var baseURL: String { "http://127.0.0.1:\(port)/v1" }

    /// How many requests the server has received.
    var requests: Int { Int((try? String(contentsOf: countFile, encoding: .utf8)) ?? "0") ?? 0 }

    private static let source = #"""
        import http.server, json, os, sys, threading, time
        plan, count_file = sys.argv[1].split(","), sys.argv[2]
        parent = os.getppid()
        def exit_with_parent():
            while os.getppid() == parent:
                time.sleep(0.2)
            os._exit(0)
        threading.Thread(target=exit_with_parent, daemon=True).start()
        seen = [0]
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                step = plan[min(seen[0], len(plan) - 1)]
                seen[0] += 1
                open(count_file, "w").write(str(seen[0]))
                if step == "slow":
                    time.sleep(3)
                    step = "200"
                if step == "garbage":
                    status, data = 200, b"<html>not json</html>"
                elif step == "200":
                    body = {"choices": [{"message": {"role": "assistant", "content": "ok after %d" % seen[0]}}],
                            "usage": {"prompt_tokens": 3, "completion_tokens": 2}}
                    status, data = 200, json.dumps(body).encode()
                else:
                    status, data = int(step), json.dumps({"error": {"message": "upstream says %s" % step}}).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            def log_message(self, *args):
                pass
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        print(server.server_address[1], flush=True)
        server.serve_forever()
        """#
}
