import Foundation
import Media
import Recorder
import Sessions
import Synchronization
import Testing

/// Keeps what the recorder reports.
final class CollectingMotionSink: MotionSink {
    struct Report: Sendable {
        var sessionId: String
        var at: Date
        var score: Double
        var box: [Double]?
    }

    let reports = Mutex<[Report]>([])

    func motionDetected(sessionId: String, at: Date, score: Double, bbox: (x: Double, y: Double, w: Double, h: Double)?) async {
        reports.withLock { $0.append(Report(sessionId: sessionId, at: at, score: score, box: bbox.map { [$0.x, $0.y, $0.w, $0.h] })) }
    }
}

@Suite("motion events reach the configured sink")
struct MotionSinkTests {
    @Test func captureSessionReportsMotion() async throws {
        let sink = CollectingMotionSink()
        let before = Date()
        try await RecorderFixture.with(.inMemory, adjust: { config in
            config.frameAnalysis = FrameAnalysis(thumbnailIntervalSeconds: nil, motion: MotionSettings(minGapSeconds: 1))
            config.motionSink = sink
        }) { fixture in
            _ = try await fixture.manager.start(StartRequest(sessionId: "motion-1", source: .testsrc, durationSec: 3, postRollSec: 0))
            _ = try await fixture.waitForStatus("motion-1", .completed, within: 60)
            let arrived = await RecorderFixture.eventually(within: 10) { sink.reports.withLock { $0.count } >= 2 }
            #expect(arrived)
            for report in sink.reports.withLock({ $0 }) {
                #expect(report.sessionId == "motion-1")
                #expect(report.score >= MotionDetector.defaultThreshold && report.score <= 1)
                #expect(report.at >= before.addingTimeInterval(-1) && report.at <= Date())
                #expect(report.box?.count == 4)
            }
            // Thumbnails off: no track.
            #expect(!FileManager.default.fileExists(atPath: fixture.directory("motion-1").appendingPathComponent("thumbnails.vtt").path))
        }
    }
}
